"""Case files: YAML / JSON / JSON Lines loading, every input error with file, line and hint."""
import json
import subprocess
import sys

import pytest

from test_rulings_fixtures import small_policy
from verifier.cases import case_schema, read_case_file, read_case_text, read_jsonl_text

P = small_policy()


def load(text, fmt="yaml"):
    return read_case_text(text, "c.yaml", P, fmt)


def one_error(text, fmt="yaml"):
    case, diags = load(text, fmt)
    assert case is None and len(diags) == 1, diags
    return diags[0]


def test_yaml_case_with_chinese_names():
    case, diags = load("id: 甲\nfacts:\n  违纪: true\n  县域排名: 30\n  处理方式: 免除\n  谋取私利: null\n"
                       "readings:\n  严格解释: 为假\n")
    assert not diags
    assert case.key == "甲"
    assert case.facts == (("县域排名", 30), ("处理方式", "免除"), ("违纪", True))   # null = unknown
    assert case.readings == (("严格解释", False),)
    assert case.span_of("县域排名").line == 4


def test_json_case_and_jsonl():
    case, diags = load('{"facts": {"违纪": false, "提升位次": -3}}', "json")
    assert not diags and case.fact_map == {"违纪": False, "提升位次": -3}
    cases, diags = read_jsonl_text('{"id": "a", "facts": {"违纪": true}}\n\n{"facts": {"违纪": 1}}\n', "b.jsonl", P)
    assert [c.key for c in cases] == ["a"]
    assert [(d.code, d.span.line) for d in diags] == [("C502", 3)]


def test_empty_case_is_all_unknown():
    # an empty file is refused (issue 14: /dev/null or an empty file was silently ruled as
    # an empty case); `facts: {}` or a bare `facts:` is the case with every fact unknown
    case, diags = load("")
    assert case is None and [d.code for d in diags] == ["C500"] and "facts: {}" in diags[0].hint
    for text in ("facts: {}\n", "facts:\n"):
        case, diags = load(text)
        assert not diags and case.facts == ()


def test_unknown_fact_did_you_mean():
    d = one_error("facts:\n  违记: true\n")
    assert d.code == "C501" and d.span.line == 2 and "违纪" in d.hint


def test_unknown_fact_that_is_a_term():
    d = one_error("facts:\n  一般条件: true\n")
    assert d.code == "C501" and "term" in d.hint


def test_wrong_type_bool():
    d = one_error("facts:\n  违纪: \"true\"\n")
    assert d.code == "C502" and d.span.line == 2 and "without quotes" in d.hint


def test_wrong_type_int_given_as_string_and_bool():
    d = one_error("facts:\n  县域排名: '25'\n")
    assert d.code == "C502" and "without quotes" in d.hint
    assert one_error("facts:\n  县域排名: true\n").code == "C502"


def test_integer_out_of_range():
    d = one_error("facts:\n  县域排名: 159\n")
    assert d.code == "C503" and d.span.line == 2 and "[1..158]" in d.message()


def test_label_outside_enumeration():
    d = one_error("facts:\n  处理方式: 免责\n")
    assert d.code == "C504" and "免除" in d.hint


def test_duplicate_key_yaml():
    d = one_error("facts:\n  违纪: true\n  违纪: false\n")
    assert d.code == "C505" and d.span.line == 3 and "line 2" in d.hint


def test_duplicate_key_json():
    d = one_error('{"facts": {\n "违纪": true,\n "违纪": false}}', "json")
    assert d.code == "C505" and d.span.line == 3


def test_unknown_top_level_key_that_is_a_fact():
    d = one_error("违纪: true\n")
    assert d.code == "C500" and "facts:" in d.hint


def test_syntax_error_has_line():
    d = one_error("facts:\n  违纪: [true\n")
    assert d.code == "C500" and d.span.line >= 2
    d = one_error('{"facts": {"违纪": tru}}', "json")
    assert d.code == "C500" and d.span.line == 1


def test_bad_reading():
    d = one_error("readings:\n  宽松解释: true\n")
    assert d.code == "C501" and "严格解释" in d.hint
    assert one_error("readings:\n  严格解释: 1\n").code == "C502"


def test_unreadable_file(tmp_path):
    cases, diags = read_case_file(tmp_path / "nope.yaml", P)
    assert not cases and diags[0].code == "C500"


def test_schema_from_vocabulary():
    schema = case_schema(P)
    facts = schema["properties"]["facts"]["properties"]
    assert facts["县域排名"]["minimum"] == 1 and facts["县域排名"]["maximum"] == 158
    assert facts["处理方式"]["enum"] == ["从轻", "减轻", "免除", None]
    assert facts["县域排名"]["title"] == "县域经济社会发展排名"
    assert "JL-E1-2" in facts["县域排名"]["description"]
    assert schema["properties"]["facts"]["additionalProperties"] is False
    json.dumps(schema, ensure_ascii=False)


def test_contradicting_assumption_names_it():
    from verifier.cases import make_case
    from verifier.rulings import RulingEngine

    ruling = RulingEngine(P).rule(make_case("c", {"重特大事故": True, "重大损失": False}))
    assert not ruling.admissible
    [d] = ruling.diagnostics
    assert d.code == "C506" and dict(d.args)["name"] == "重特大事故即重大损失"
    assert dict(d.args)["clauses"] == "RC-X2" and "重特大安全责任事故" in d.hint


POLICY_TEXT = """文档 T
条款 T-1 "甲的情形不得乙。"
事实 甲 : 布尔 依据 T-1
事实 丙 : 布尔 依据 T-1
动作 乙 依据 T-1
假设 丙则甲 : 丙 蕴含 甲 依据 T-1
规则 R-1 依据 T-1 如果 甲 那么 不得 乙
"""


@pytest.fixture
def cli_policy(tmp_path):
    path = tmp_path / "t.policy"
    path.write_text(POLICY_TEXT, encoding="utf-8")
    return path


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "verifier", *map(str, args)], capture_output=True, text=True)


@pytest.mark.parametrize("text,code", [
    ("facts:\n  已: true\n", "C501"), ("facts:\n  甲: 3\n", "C502"),
    ("facts:\n  甲: true\n  甲: true\n", "C505"), ("facts:\n  丙: true\n  甲: false\n", "C506"),
])
def test_cli_bad_case_exit_2_without_traceback(tmp_path, cli_policy, text, code):
    case = tmp_path / "c.yaml"
    case.write_text(text, encoding="utf-8")
    proc = run_cli("case", cli_policy, "--facts", case)
    assert proc.returncode == 2, proc.stderr
    assert code in proc.stderr and "Traceback" not in proc.stderr
    assert "c.yaml:" in proc.stderr and "hint" in proc.stderr


def test_cli_schema(cli_policy):
    proc = run_cli("schema", cli_policy)
    assert proc.returncode == 0
    assert set(json.loads(proc.stdout)["properties"]["facts"]["properties"]) == {"甲", "丙"}
