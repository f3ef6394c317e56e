"""No input, however broken, produces a traceback: only diagnostics and exit code 2."""
from __future__ import annotations

import contextlib
import io
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

from verifier.checker import check
from verifier.cli import main
from verifier.syntax import parse_bytes, parse_text
from verifier.syntax.grammar import grammar_text
from verifier.syntax.parser import parser

from helpers import DATA

VALID = (DATA / "all_zh.policy").read_text(encoding="utf-8")
SAMPLES = {"NAME": ["甲 ", "谋取私利 ", "x1 ", "县域排名 "], "QNAME": ["「市级以上表彰」 "],
           "ID": ["R-1 ", "RC-C0 "], "STRING": ['"条文" ', '"a\\"b" '], "INT": ["3 ", "30 "]}


def _generator_grammar() -> Lark:
    text = grammar_text().replace("%ignore COMMENT", "")
    return Lark(text, parser="lalr", start=["start"])


def _explicit(lark: Lark) -> dict:
    out = {}
    for t in lark.terminals:
        if t.name in SAMPLES:
            out[t.name] = st.sampled_from(SAMPLES[t.name])
        elif t.pattern.type == "str":
            out[t.name] = st.just(t.pattern.value + " ")
    return out


def _parse_and_check(text: str) -> None:
    doc, diagnostics, _ = parse_text(text, "gen.policy")
    if doc is not None and not any(d.is_error for d in diagnostics):
        check([doc])


_GEN = _generator_grammar()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(from_lark(_GEN, start="start", explicit=_explicit(_GEN)))
def test_grammar_generated_documents_never_crash(text):
    doc, diagnostics, _ = parse_text(text, "gen.policy")
    syntax = [d.message() for d in diagnostics if d.code in ("V110", "V111", "V112", "V113", "V114")]
    assert doc is not None and not syntax, syntax
    check([doc])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_only_yield_diagnostics(data):
    doc, diagnostics, _ = parse_bytes(data, "junk.policy")
    assert doc is not None or diagnostics


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutations_of_a_valid_file_only_yield_diagnostics(data):
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if op == "delete":
            text = text[:i] + text[i + data.draw(st.integers(1, 12)):]
        elif op == "insert":
            text = text[:i] + data.draw(st.sampled_from(list('()"「」{},:=<#\n 并且 那么 规则 R-1 -'))) + text[i:]
        else:
            text = text[:i] + text[i:i + 20] + text[i:]
    _parse_and_check(text)


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


def _deep(tmp_path, opener: str) -> tuple[int, str]:
    f = tmp_path / "deep.policy"
    f.write_text('文档 A\n条款 A-1 "x"\n事实 甲 : 布尔\n动作 丙\n规则 R-1 依据 A-1 如果 '
                 + opener * 10_000 + "甲" + ")" * 10_000 + " 那么 可以 丙\n", encoding="utf-8")
    return _run("check", str(f))


def test_ten_thousand_nested_parentheses(tmp_path):
    code, out = _deep(tmp_path, "(")          # parentheses alone add no depth to the model
    assert code == 0 and "Traceback" not in out
    code, out = _deep(tmp_path, "并非 (")     # ten thousand nested negations do
    assert code == 2 and "V113" in out and "Traceback" not in out


def test_fifty_megabyte_file(tmp_path):
    f = tmp_path / "big.policy"
    f.write_bytes(b"# " + b"x" * (50 * 1024 * 1024) + b"\n")
    code, out = _run("check", str(f))
    assert code == 2 and "V102" in out


def test_empty_file_binary_file_and_missing_path(tmp_path):
    (tmp_path / "empty.policy").write_bytes(b"")
    rng = random.Random(1)
    (tmp_path / "bin.policy").write_bytes(bytes(rng.randrange(256) for _ in range(300)))
    code, out = _run("check", str(tmp_path / "empty.policy"), str(tmp_path / "bin.policy"),
                     str(tmp_path / "missing"))
    assert code == 2 and "Traceback" not in out
    assert {"V103", "V101", "V100"} <= {c for c in ("V103", "V101", "V100") if c in out}


def test_parser_is_cached_and_reused():
    assert parser() is parser()
