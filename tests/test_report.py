"""The renderers (text, JSON, Markdown) on small hand-made policies and hand-built findings."""
from __future__ import annotations

import json

import pytest

from helpers import check_ok
from verifier.analysis import Finding, RuleRef
from verifier.diagnostics import diag
from verifier.load import Loaded, load_policy
from verifier.model.nodes import Span
from verifier.report import FORMATS, SCHEMA, VERSION, render, render_json, render_markdown, render_text
from verifier.report.base import prepare, rel_path
from verifier.report.story import story_en, story_zh

POLICY = """
文档 T 标题 "测试办法"
条款 T-1 "干部在处置突发事件中出现失误的,可以予以容错。"
条款 T-2 "造成重大损失的,不得予以容错。"
事实 突发事件 : 布尔 标签 "在处置突发事件中出现失误" 英文 "erred while handling an emergency" 依据 T-1
事实 重大损失 : 布尔 标签 "造成重大损失" 英文 "caused a major loss" 依据 T-2
事实 等级 : 枚举 {低, 高} 标签 "事故等级"
动作 予以容错 标签 "予以容错"
规则 R-1 依据 T-1 如果 突发事件 那么 可以 予以容错
规则 R-2 依据 T-2 如果 重大损失 或者 等级 = 高 那么 不得 予以容错
命题 P-1 依据 T-2 : 重大损失 蕴含 并非 可以 予以容错
"""


def span(line: int) -> Span:
    return Span("t0.policy", line, 1, line, 20)


R1 = RuleRef("R-1", ("T-1",), span(9))
R2 = RuleRef("R-2", ("T-2",), span(10))
CONFLICT = Finding("A401", (R1, R2), None, (("rules", "R-1, R-2"),),
                   (("突发事件", True), ("重大损失", True), ("等级", "低")), (), ((),), span=span(9))
REFUTED = Finding("A409", (), "P-1", (("name", "P-1"),),
                  (("突发事件", True), ("重大损失", False), ("等级", "高")), (), ((),), span=span(11))
DEAD = Finding("A406", (RuleRef("R-9", (), span(3)),), None, (("name", "R-9"),), span=span(3))
FINDINGS = [REFUTED, CONFLICT]


@pytest.fixture(scope="module")
def policy():
    return check_ok(POLICY)


@pytest.fixture(scope="module")
def loaded(policy):
    return Loaded(policy, (diag("V300", Span("t0.policy", 6, 1), name="等级"),), {}, policy.documents)


def test_text_act_on_first_and_shows_witness(policy, loaded):
    out = render_text(FINDINGS, loaded)
    assert out.index("Act on: errors and warnings (2)") < out.index("error[A401]") < out.index("[A409]")
    assert "T-1: 干部在处置突发事件中出现失误的" in out
    assert "t0.policy:9:1: error[A401] rules R-1, R-2 can apply together" in out
    assert "R-1 (T-1) t0.policy:9  then may 予以容错" in out
    assert "R-2 (T-2) t0.policy:10  then must not 予以容错" in out
    assert "突发事件 = true  # 在处置突发事件中出现失误" in out
    assert "等级 = 高  # 事故等级" in out           # non-default enum shown
    assert "等级 = 低" not in out                 # default value hidden
    assert "readings: all readings (no interpretations)" in out
    assert "warning[V300]" in out
    assert "properties (1): 0 proven in every reading, 0 refuted in some readings, 1 refuted in every reading" in out
    assert out.rstrip().endswith("2 findings, 1 diagnostics: 2 errors, 1 warnings, 0 notes")
    assert "\033[" not in out


def test_text_colour_only_when_asked(loaded):
    assert "\033[31merror\033[0m" in render_text(FINDINGS, loaded, colour=True)
    assert "\033[" not in render(fmt="text", result=FINDINGS, loaded=loaded, colour=False)


def test_text_lang(loaded):
    assert "规则 R-1, R-2 可同时适用" not in render_text([CONFLICT], loaded, lang="en")
    assert "规则 R-1, R-2 可同时适用" in render_text([CONFLICT], loaded, lang="zh")


def test_findings_without_policy_and_without_clause():
    out = render_text([DEAD, CONFLICT], None)
    assert "warning[A406] rule R-9 can never apply" in out
    assert "重大损失 = true" in out and "等级 = 低" in out    # no policy: every fact shown
    md = render_markdown([DEAD], None)
    assert "### warning A406 `dead-rule`" in md          # in the text's order: act on first


def test_json_schema(loaded):
    doc = json.loads(render_json(FINDINGS, loaded))
    assert doc["schema"] == SCHEMA == "verifier/findings" and doc["version"] == VERSION == 2
    assert set(doc) == {"schema", "version", "tool", "documents", "readings", "diagnostics",
                        "findings", "groups", "summary", "codes"}
    assert [f["code"] for f in doc["findings"]] == ["A401", "A409"]
    assert [g["members"] for g in doc["groups"]] == [[CONFLICT.fingerprint], [REFUTED.fingerprint]]
    assert doc["findings"][0]["group"] == doc["groups"][0]["id"] and doc["findings"][0]["tier"] == "act"
    f = doc["findings"][0]
    assert f["fingerprint"] == CONFLICT.fingerprint
    assert f["witness"] == {"突发事件": True, "重大损失": True, "等级": "低"}
    assert f["rules"][0] == {"id": "R-1", "clauses": ["T-1"], "conclusion": "may 予以容错",
                             "location": {"file": "t0.policy", "line": 9, "column": 1,
                                          "end_line": 9, "end_column": 20}}
    assert f["clauses"] == ["T-1", "T-2"]
    assert f["readings"] == {"always": True, "count": 1, "when": {}, "list": [{}]}
    assert f["message_zh"].startswith("规则 R-1, R-2")
    assert doc["diagnostics"][0]["code"] == "V300" and doc["diagnostics"][0]["location"]["line"] == 6
    assert doc["summary"]["counts"] == {"error": 2, "warning": 1, "info": 0}
    assert doc["documents"] == [{"id": "T", "title": "测试办法", "file": "t0.policy"}]


def test_json_of_analysis_object(policy):
    from verifier.analysis import analyse
    a = analyse(policy)
    doc = json.loads(render_json(a, policy))
    assert doc["readings"] == {"interpretations": [], "count": 1, "fixed": {}}
    assert doc["findings"][0]["readings"] == {"always": True, "count": 1, "when": {}, "list": [{}]}
    assert {f["code"] for f in doc["findings"]} >= {"A401", "A409"}
    for f in doc["findings"]:
        if f["witness"] is not None:
            assert set(f["witness"]) == {"突发事件", "重大损失", "等级"}


def test_markdown(loaded):
    md = render_markdown(FINDINGS, loaded)
    assert md.startswith("# verifier findings\n")
    assert "**2 errors, 1 warnings, 0 notes**" in md
    assert "## Load diagnostics" in md and "| `t0.policy:6` | warning | V300 |" in md
    assert "## 需要处理:错误与警告 / Act on: errors and warnings (2)" in md     # the text's tiers
    assert md.index("error A401") < md.index("error A409")                      # and order
    assert "> **T-1** 干部在处置突发事件中出现失误的,可以予以容错。" in md
    assert "| R-1 | T-1 | `t0.policy:9` | may 予以容错 |  |" in md
    assert "```\n突发事件 = true  # 在处置突发事件中出现失误\n重大损失 = true  # 造成重大损失\n" in md


def test_broken_file_still_renders_every_format(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.policy").write_text("文档 X\n事实 a : 布尔\n规则 R-1 如果 b 那么 a\n", encoding="utf-8")
    loaded = load_policy(["bad.policy"])
    assert not loaded.ok
    for fmt in FORMATS:
        out = render(fmt, None, loaded)
        assert "V" in out and str(tmp_path) not in out
    doc = json.loads(render("json", None, loaded))
    assert doc["findings"] == [] and doc["summary"]["loaded"] is False
    assert all(d["location"]["file"] == "bad.policy" for d in doc["diagnostics"])


def test_paths_are_relative(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    p = tmp_path / "sub" / "a.policy"
    p.write_text(POLICY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    loaded = load_policy([str(p)])       # absolute path in, relative paths out
    for fmt in FORMATS:
        out = render(fmt, [], loaded)
        assert str(tmp_path) not in out
    assert rel_path(str(p)) == "sub/a.policy"
    assert rel_path("<none>") == "<none>"


@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic(fmt, loaded):
    a = render(fmt, FINDINGS, loaded)
    b = render(fmt, list(reversed(FINDINGS)), loaded)
    assert a == b and a.encode("utf-8") == render(fmt, FINDINGS, loaded).encode("utf-8")


def test_unknown_format():
    with pytest.raises(ValueError):
        render("html", [], None)


def test_story_zh_of_conflict_and_counterexample(loaded):
    ri = prepare(FINDINGS, loaded)
    s = story_zh(ri, ri.findings[0])
    assert s.startswith("设想一名干部:在处置突发事件中出现失误,造成重大损失")
    assert "同时满足 T-1 与 T-2" in s and "规则 R-1(依据 T-1)可以予以容错" in s
    assert "不得予以容错" in s and "没有规定何者优先" in s
    r = story_zh(ri, ri.findings[1])
    assert r.startswith("反例:") and "事故等级为「高」" in r and "命题 P-1 不成立" in r
    assert "erred while handling an emergency; caused a major loss" in story_en(ri, ri.findings[0])


def test_readings_text(loaded):
    """Finding.readings are partial readings: each stands for every full reading extending it."""
    reading_t = (("解释甲", True),)
    f = Finding("A406", (R1,), None, (("name", "R-1"),), readings=(reading_t,))
    ri = prepare(type("A", (), {"findings": (f,), "readings": ((),)})(), loaded)
    assert ri.readings_text(ri.findings[0]) == "only when 解释甲 = true"
    g = Finding("A406", (R1,), None, (("name", "R-1"),), readings=((),))
    assert ri.readings_text(g) in ("all readings", "all readings (no interpretations)")
    fixed = prepare(type("A", (), {"findings": (f,), "readings": (reading_t,)})(), loaded)
    assert fixed.readings_text(fixed.findings[0]) == "all readings (with 解释甲 = true)"


def test_decisive_readings(loaded):
    """Only the interpretations a finding depends on are told; the others 'any reading'."""
    partials = ((("甲", True), ("乙", True)), (("甲", True), ("乙", False)))
    f = Finding("A409", (), "P-1", (("name", "P-1"),), (("突发事件", True),),
                (("甲", True), ("乙", False)), readings=partials, span=span(11))
    result = type("A", (), {"findings": (f,), "readings": ((),)})()
    ri = prepare(result, loaded)
    assert ri.decisive_readings(ri.findings[0]) == (("甲", True),)
    out = render_text(result, loaded)
    assert "甲 = true  (reading)" in out and "1 interpretations: any reading)" in out
    assert "readings: only when 甲 = true\n" in out      # the two partial readings, merged
    doc = json.loads(render_json(result, loaded))
    assert doc["findings"][0]["readings"] == {"always": False, "count": 2, "when": {"甲": True},
                                              "list": [{"甲": True, "乙": True}, {"甲": True, "乙": False}]}


def test_readings_text_writes_the_same_readings_as_few_cubes():
    """``_fewest_cubes``: the partial readings shown cover exactly the readings the finding's
    own partial readings cover (random sets over up to 4 interpretations), never more."""
    import random
    from itertools import product

    from verifier.report.base import _fewest_cubes

    rng = random.Random(3)
    for _ in range(200):
        names = [f"i{k}" for k in range(rng.randint(1, 4))]
        partials = list({tuple(sorted((n, rng.random() < 0.5) for n in names if rng.random() < 0.7))
                         for _ in range(rng.randint(1, 5))})
        shown = _fewest_cubes(partials)
        assert len(shown) <= len(partials)
        for values in product((False, True), repeat=len(names)):
            full = set(zip(names, values))
            assert any(set(p) <= full for p in partials) == any(set(c) <= full for c in shown)
