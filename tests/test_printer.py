"""The canonical printer: print -> parse gives back an equal model, in both keyword sets."""
from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.checker import check
from verifier.cli import main
from verifier.model import nodes as m
from verifier.printer import print_document
from verifier.syntax import parse_text

from helpers import DATA, parse_ok

NAMES = st.sampled_from(["甲", "谋取私利", "县域排名", "x1", "市级以上表彰", "if", "可以容错", "a_b", "不予容错"])
IDS = st.sampled_from(["R-1", "RC-C0", "JL-E1-2", "R-X1.2"])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).filter(
    lambda t: unicodedata.normalize("NFKC", t) == t)   # input is NFKC-normalised
OPS = st.sampled_from(["<", "<=", ">", ">=", "=", "!="])


def _exprs():
    leaves = st.one_of(st.builds(m.Ref, NAMES), st.builds(m.BoolLit, st.booleans()),
                       st.builds(m.IntLit, st.integers(-50, 200)),
                       st.builds(m.Deontic, st.sampled_from(m.MODALITIES), NAMES),
                       st.builds(m.Is, NAMES, st.lists(NAMES, min_size=1, max_size=3).map(tuple)))

    def extend(inner):
        many = st.lists(inner, min_size=2, max_size=3).map(tuple)
        return st.one_of(st.builds(m.Not, inner), st.builds(m.And, many), st.builds(m.Or, many),
                         st.builds(m.Implies, inner, inner), st.builds(m.Compare, OPS, inner, inner),
                         st.builds(m.Arith, st.sampled_from("+-*"), inner, inner),
                         st.builds(m.AtLeast, st.integers(0, 3), many))
    return st.recursive(leaves, extend, max_leaves=8)


EXPR = _exprs()
META = st.builds(m.Meta, label=st.none() | TEXT, phrase=st.none() | TEXT, gloss=st.none() | TEXT,
                 note=st.none() | TEXT, cites=st.lists(IDS, max_size=2).map(tuple))
TYPES = st.one_of(st.just(m.BoolType()), st.builds(m.EnumType, st.lists(NAMES, min_size=1, max_size=3).map(tuple)),
                  st.builds(lambda a, b: m.IntType(min(a, b), max(a, b)), st.integers(-9, 99), st.integers(-9, 99)))
CONCLUSIONS = st.one_of(st.builds(m.Conclusion, st.sampled_from(m.MODALITIES), NAMES),
                        st.builds(m.Conclusion, st.just(m.TERM), NAMES),
                        st.builds(m.Conclusion, st.just(m.DECIDE), NAMES, NAMES))
ITEMS = st.one_of(
    st.builds(m.Clause, IDS, TEXT, st.just(m.NORMATIVE)),
    st.builds(m.Clause, IDS, TEXT, st.sampled_from([m.NON_NORMATIVE, m.PARTIAL]), TEXT),
    st.builds(m.Fact, NAMES, TYPES, META),
    st.builds(m.Term, NAMES, st.none() | EXPR, META),
    st.builds(m.Action, NAMES, META),
    st.builds(m.Decision, NAMES, st.lists(NAMES, min_size=1, max_size=3).map(tuple), st.booleans(),
              st.none() | EXPR, META),
    st.builds(m.Interpretation, NAMES, TEXT, TEXT, META),
    st.builds(m.Assumption, NAMES, EXPR, META),
    st.builds(m.Rule, IDS, EXPR, CONCLUSIONS, st.none() | EXPR, META),
    st.builds(m.Group, NAMES, st.lists(IDS, min_size=1, max_size=3).map(tuple), META),
    st.builds(m.Priority, IDS | NAMES, IDS | NAMES, META),
    st.builds(m.Discretion, IDS, NAMES, TEXT, st.none() | EXPR, META),
    st.builds(m.Property, IDS | NAMES, EXPR, META),
)
DOCS = st.builds(m.Document, NAMES, st.none() | TEXT, st.none() | TEXT, st.lists(NAMES, max_size=2).map(tuple),
                 st.lists(ITEMS, max_size=6).map(tuple))


def _fix_ordered(doc: m.Document) -> m.Document:
    """An ordered decision needs two alternatives to be written with '>'."""
    items = tuple(m.Decision(d.name, d.alternatives, d.ordered and len(d.alternatives) > 1, d.scope, d.meta)
                  if isinstance(d, m.Decision) else d for d in doc.items)
    return m.Document(doc.id, doc.title, doc.source, doc.uses, items)


@settings(max_examples=300, deadline=None)
@given(DOCS, st.sampled_from(["zh", "en"]))
def test_print_then_parse_is_identity(doc, lang):
    doc = _fix_ordered(doc)
    text = print_document(doc, lang)
    again, diagnostics, _ = parse_text(text, "p.policy")
    assert not diagnostics, (text, [d.message() for d in diagnostics])
    assert again == doc, text


def test_keyword_translation_of_a_real_document_keeps_the_checked_model():
    zh = parse_ok((DATA / "all_zh.policy").read_text(encoding="utf-8"))
    common = parse_ok((DATA / "common.policy").read_text(encoding="utf-8"))
    en_text = print_document(zh, "en")
    assert "规则" not in en_text and "rule R-C1" in en_text
    back = parse_ok(print_document(parse_ok(en_text), "zh"))
    assert back == zh
    assert check([back, common])[0] == check([zh, common])[0]


def test_fmt_rewrites_in_place_and_keeps_comments(tmp_path, capsys):
    f = tmp_path / "a.policy"
    f.write_text("# 头注释\n文档 A   条款 A-1 \"x\" # 行尾\n事实 甲:布尔\n# 结尾\n", encoding="utf-8")
    assert main(["fmt", str(f), "--keywords", "en"]) == 0
    text = f.read_text(encoding="utf-8")
    assert text.startswith("# 头注释\ndocument A") and "# 行尾" in text and text.endswith("# 结尾\n")
    assert main(["fmt", str(f), "--keywords", "en", "--check"]) == 0
    assert main(["fmt", str(f), "--check"]) == 1   # zh would change it


def test_fmt_refuses_a_broken_file_and_leaves_it_untouched(tmp_path):
    f = tmp_path / "b.policy"
    f.write_text("文档 A\n规则 R-1 如果\n", encoding="utf-8")
    assert main(["fmt", str(f)]) == 2
    assert f.read_text(encoding="utf-8") == "文档 A\n规则 R-1 如果\n"
