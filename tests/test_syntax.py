"""The language: every construct in both keyword sets parses into the expected model."""
from __future__ import annotations

from lark import Lark

from verifier.model import nodes as m
from verifier.syntax.grammar import grammar_text
from verifier.syntax.keywords import chinese_keywords, keywords

from helpers import DATA, check_ok, parse_ok

ZH = (DATA / "all_zh.policy").read_text(encoding="utf-8")
EN = (DATA / "all_en.policy").read_text(encoding="utf-8")
COMMON = (DATA / "common.policy").read_text(encoding="utf-8")


def test_grammar_has_no_conflicts(caplog):
    import logging
    from lark import logger
    logger.setLevel(logging.DEBUG)
    with caplog.at_level(logging.DEBUG, logger="lark"):
        Lark(grammar_text(), parser="lalr", debug=True, start=["start", "items"])
    logger.setLevel(logging.WARN)
    assert not [r for r in caplog.records if "conflict" in r.getMessage().lower()]


def test_both_keyword_sets_give_the_same_model():
    assert parse_ok(ZH) == parse_ok(EN)
    assert check_ok(ZH, COMMON) == check_ok(EN, COMMON)


def test_every_keyword_has_both_forms_and_names_exclude_chinese_keywords():
    table = keywords()
    assert table["rule"] == {"zh": "规则", "en": "rule"}
    assert len(table) >= 40
    assert all(kw["zh"] in chinese_keywords() for kw in table.values() if len(kw["zh"]) > 1)
    name_rule = [line for line in grammar_text().splitlines() if line.startswith("NAME:")][0]
    assert all(k in name_rule for k in chinese_keywords())


def test_document_header_and_clauses():
    doc = parse_ok(ZH)
    assert (doc.id, doc.title, doc.source, doc.uses) == ("RC", "测试办法", "shared/seed/clauses.md", ("COMMON",))
    clauses = doc.of(m.Clause)
    assert [c.status for c in clauses] == [m.NORMATIVE, m.NON_NORMATIVE, m.PARTIAL]
    assert clauses[2].reason == "结尾缺失" and clauses[2].text.endswith("[...]")


def test_facts_types_and_attributes():
    facts = {f.name: f for f in parse_ok(ZH).of(m.Fact)}
    f = facts["谋取私利"]
    assert f.type == m.BoolType()
    assert f.meta == m.Meta(label="谋取私利", phrase="为自己、他人或单位谋取私利",
                            gloss="private gain", note="主观要件", cites=("RC-C0",))
    assert facts["处理方式"].type == m.EnumType(("从轻", "减轻", "免除"))
    assert facts["年度提升位次"].type == m.IntType(-20, 158)
    assert "市级以上表彰" in facts  # a quoted name that contains a keyword


def test_inclusive_bounds_follow_drafting_convention():
    term = parse_ok(ZH).of(m.Term)[0]
    ranked, rise = term.definition.operands[1].operands
    assert ranked == m.Compare("<=", m.Ref("县域排名"), m.IntLit(30))   # 30 以内
    assert rise == m.Compare(">=", m.Ref("年度提升位次"), m.IntLit(20))  # 20 以上


def test_rule_parts_and_conclusions():
    rules = {r.id: r for r in parse_ok(ZH).of(m.Rule)}
    r = rules["R-C1"]
    assert r.unless == m.Compare(">", m.Ref("县域排名"), m.IntLit(100))
    assert r.conclusion == m.Conclusion(m.MAY, "予以容错")
    assert r.condition.operands[1] == m.Is("处理方式", ("从轻", "减轻"))
    assert r.condition.operands[2] == m.AtLeast(1, (m.Ref("宽读"), m.Ref("市级以上表彰")))
    assert rules["R-C2"].condition == m.Deontic(m.MAY, "予以容错")
    assert rules["R-X1"].conclusion == m.Conclusion(m.MUST_NOT, "予以容错")
    assert rules["R-X2"].conclusion == m.Conclusion(m.DECIDE, "容错决定", "不予容错")
    assert rules["R-M1"].conclusion.kind == m.MUST
    assert rules["R-C2"].conclusion == m.Conclusion(m.TERM, "可予容错情形")


def test_decisions_groups_priorities_discretion_interpretation_property():
    doc = parse_ok(ZH)
    d1, d2 = doc.of(m.Decision)
    assert (d1.alternatives, d1.ordered, d1.scope) == (("予以容错", "不予容错"), False, m.Ref("可予容错情形"))
    assert (d2.alternatives, d2.ordered) == (("二等功", "三等功", "嘉奖"), True)
    assert doc.of(m.Group)[0].members == ("R-X1", "R-X2")
    assert [(p.higher, p.lower) for p in doc.of(m.Priority)] == [("排除", "R-C1"), ("R-X1", "R-M1")]
    disc = doc.of(m.Discretion)[0]
    assert (disc.target, disc.maker, disc.condition) == ("容错决定", "党委(党组)", m.Ref("可予容错情形"))
    interp = doc.of(m.Interpretation)[0]
    assert (interp.if_true, interp.if_false) == ("读法一", "读法二")
    prop = doc.of(m.Property)[0]
    assert isinstance(prop.expr, m.Implies)  # implies binds loosest, right-associative
    assert isinstance(prop.expr.right, m.Implies)


def test_checker_rewrites_equality_on_enums_and_decisions():
    policy = check_ok(ZH, COMMON)
    cond = policy.rules["R-X2"].condition
    assert cond.operands[1] == m.Is("处理方式", ("免除",))
    prop = policy.properties["P-1"].expr
    assert m.Is("容错决定", ("予以容错",), negated=True) in prop.right.left.operands[1].operands


def test_full_width_punctuation_and_digits_are_accepted():
    text = "文档 A\n事实 县域排名 ： 整数 ［１..１５８］\n条款 A-1 \"x\"\n规则 R-1 依据 A-1 如果 （县域排名 ＜＝ ３０） 那么 可以 甲\n动作 甲\n"
    policy = check_ok(text)
    assert policy.rules["R-1"].condition == m.Compare("<=", m.Ref("县域排名"), m.IntLit(30))


def test_chinese_keywords_split_names_without_spaces():
    text = "文档 A\n事实 甲 : 布尔\n事实 乙 : 布尔\n动作 丙\n条款 A-1 \"x\"\n规则 R-1 依据 A-1 如果 甲并且并非乙 那么 可以 丙\n"
    assert check_ok(text).rules["R-1"].condition == m.And((m.Ref("甲"), m.Not(m.Ref("乙"))))


def test_spans_point_into_the_original_text():
    doc = parse_ok(ZH, "x.policy")
    rule = doc.of(m.Rule)[0]
    line = ZH.splitlines()[rule.span.line - 1]
    assert line[rule.span.column - 1:].startswith("规则 R-C1")
    assert rule.conclusion.span.file == "x.policy"
