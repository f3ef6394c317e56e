"""``verifier diff OLD NEW --cases PATH``: recorded cases re-ruled under both versions."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifier.cli import main
from verifier.diff.precedents import CasesImpact, iter_corpus, rule_corpus
from verifier.load import load_policy

ROOT = Path(__file__).resolve().parent.parent

OLD = """document T
  title "t"
  source "tests"

clause C-1 "一"
clause C-2 "二"

fact 失误 : bool
fact 私利 : bool
fact 排名 : int [1..10]

action 容错

rule R-1 cites C-1 if 失误 and not 私利 then must 容错
rule R-2 cites C-2 if 私利 then must not 容错
"""

# R-1 narrowed (ranking, force majeure), 排名 narrowed, a new fact, an assumption
NEW = OLD.replace("if 失误 and not 私利 then", "if 失误 and not 私利 and not 不可抗力 and 排名 <= 2 then") \
         .replace("fact 排名 : int [1..10]", "fact 排名 : int [1..5]\nfact 不可抗力 : bool") \
         .replace("action 容错", "action 容错\n\nassume A1 : not (私利 and 排名 = 1) cites C-2")

CASES = [
    {"id": "a", "facts": {"失误": True, "私利": False}},                      # PROVEN -> OPEN
    {"id": "b", "facts": {"私利": True, "排名": 3}},                           # same
    {"id": "c", "facts": {"失误": True, "私利": False, "不可抗力": True, "排名": 1}},  # fact of NEW only
    {"id": "d", "facts": {"排名": 8}},                                       # out of NEW's range
    {"id": "e", "facts": {"私利": True, "排名": 1}},                           # excluded by A1
]


@pytest.fixture()
def sides(tmp_path):
    old, new = tmp_path / "old.policy", tmp_path / "new.policy"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return old, new


def write_cases(tmp_path, extra: list[str] = ()) -> Path:
    path = tmp_path / "cases.jsonl"
    lines = [json.dumps(c, ensure_ascii=False) for c in CASES] + list(extra)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["diff", *map(str, argv), "--no-findings"])
    out, err = capsys.readouterr()
    return code, out, err


def by_key(data: dict) -> dict:
    return {r["key"]: r for r in data["cases"]["changed"]}


def test_changed_cases_grouped_by_kind_with_clauses(tmp_path, sides, capsys):
    cases = write_cases(tmp_path, ['{"id": "bad", "facts": ', '{"id": "f", "facts": {"未知": true}}'])
    code, out, err = run(capsys, *sides, "--cases", cases, "--format", "json", "--jobs", "1")
    assert code == 1
    data = json.loads(out)
    c = data["cases"]
    assert c["ruled"] == 7 and c["counts"] == {"changed": 4, "error": 2, "same": 1}
    changed = by_key(data)
    assert set(changed) == {"cases.jsonl:1", "cases.jsonl:3", "cases.jsonl:4", "cases.jsonl:5"}
    a = changed["cases.jsonl:1"]["outcomes"]
    assert [(e["outcome"], e["kind"], e["old_clauses"], e["new_clauses"]) for e in a] == \
        [("应当 容错", "PROVEN → OPEN", ["C-1"], []), ("可以 容错", "PROVEN → OPEN", ["C-1"], [])]
    cc = changed["cases.jsonl:3"]
    assert cc["sides"]["old"]["ignored"] == ["不可抗力"] and "ignored" not in cc["sides"]["new"]
    assert [(e["outcome"], e["kind"]) for e in cc["outcomes"]] == [("应当 容错", "PROVEN → REFUTED"), ("可以 容错", "PROVEN → REFUTED")]
    assert changed["cases.jsonl:4"]["kinds"] == ["readable → unreadable"]
    assert changed["cases.jsonl:4"]["sides"]["new"]["diagnostics"][0]["code"] == "C503"
    assert changed["cases.jsonl:5"]["kinds"] == ["admissible → inadmissible"]
    assert c["kinds"] == {"admissible → inadmissible": 1, "readable → unreadable": 1,
                          "PROVEN → OPEN": 1, "PROVEN → REFUTED": 1}
    # unreadable cases: located diagnostics, on stderr and in the report; no traceback
    errors = {r["key"]: r["diagnostics"][0] for r in c["errors"]}
    assert errors["cases.jsonl:6"]["code"] == "C500" and errors["cases.jsonl:6"]["line"] == 6
    assert errors["cases.jsonl:7"]["code"] == "C501"
    assert "cases.jsonl:6:" in err and "Traceback" not in err
    assert data["exit_code"] == 1


def test_text_and_markdown(tmp_path, sides, capsys):
    cases = write_cases(tmp_path)
    code, out, _ = run(capsys, *sides, "--cases", cases, "--jobs", "1")
    assert code == 1
    text = out[out.index("Recorded cases:"):]
    assert "5 ruled" in text and "4 change" in text
    assert "PROVEN → OPEN (1 case)" in text and "可以 容错: before PROVEN [C-1]; after OPEN" in text
    assert "不可抗力 left out before (not a fact of that version)" in text
    assert text.index("admissible → inadmissible") < text.index("PROVEN → OPEN")
    code, out, _ = run(capsys, *sides, "--cases", cases, "--jobs", "1", "--format", "markdown")
    md = out[out.index("## Cases that change"):]
    assert "### PROVEN → OPEN (1 case)" in md and "| `可以 容错` | PROVEN [C-1] | OPEN |" in md


def test_pool_and_in_process_give_identical_output(tmp_path, sides, capsys):
    cases = write_cases(tmp_path)
    outs = []
    for jobs in ("1", "2"):
        code, out, _ = run(capsys, *sides, "--cases", cases, "--format", "json", "--jobs", jobs)
        outs.append(out)
    assert outs[0] == outs[1]


def test_ask_and_unchanged_corpus(tmp_path, sides, capsys):
    cases = write_cases(tmp_path)
    # only 不得 容错 asked: it is decided the same way in every admissible case
    code, out, _ = run(capsys, *sides, "--cases", cases, "--format", "json", "--jobs", "1",
                       "--ask", "不得 容错")
    data = json.loads(out)
    assert data["cases"]["asked"] == ["不得 容错"]
    kinds = data["cases"]["kinds"]
    assert "PROVEN → OPEN" not in kinds and "PROVEN → REFUTED" not in kinds
    # the same version on both sides: nothing changes, exit 0
    code, out, _ = run(capsys, sides[0], sides[0], "--cases", cases, "--jobs", "1")
    assert code == 0 and "0 change" in out


def test_bad_input_exits_2_with_a_reason(tmp_path, sides, capsys):
    code, _, err = run(capsys, *sides, "--cases", tmp_path / "missing")
    assert code == 2 and "C500" in err and "no such file" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, *sides, "--cases", empty)
    assert code == 2 and "no case files" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"facts": \n\xff\xfe\n')
    code, _, err = run(capsys, *sides, "--cases", bad, "--jobs", "1")
    assert code == 2 and "none of the 2 case(s)" in err and "Traceback" not in err
    code, _, err = run(capsys, *sides, "--cases", write_cases(tmp_path), "--ask", "没有这个")
    assert code == 2 and "names no outcome" in err
    code, _, err = run(capsys, *sides, "--ask", "可以 容错")
    assert code == 2 and "--cases" in err


def test_policy_test_suites_are_a_corpus(tmp_path, sides):
    suite = tmp_path / "suite.yaml"
    suite.write_text("policy: old.policy\ncases:\n"
                     "  - name: 失误而无私利\n    facts: {失误: true, 私利: false}\n"
                     "    expect: {可以 容错: PROVEN}\n"
                     "  - name: 私利\n    facts: {私利: true, 排名: 3}\n    expect: {不得 容错: PROVEN}\n",
                     encoding="utf-8")
    items = iter_corpus([tmp_path / "suite.yaml"])
    assert [(k, fmt, line) for k, _, fmt, line, _ in items] == [("suite.yaml:3", "suite", 3),
                                                               ("suite.yaml:6", "suite", 6)]
    old, new = (load_policy([str(p)]).policy for p in sides)
    records = rule_corpus(old, new, items, jobs=1)
    assert [r["name"] for r in records] == ["失误而无私利", "私利"]
    assert [r["status"] for r in records] == ["changed", "same"]
    impact = CasesImpact("suite.yaml", (), tuple(records))
    assert impact.exit_code() == 1 and [k for k, _ in impact.groups()] == ["PROVEN → OPEN"]


def test_bundled_amendment_changes_the_repeated_error_case():
    old = load_policy([str(ROOT / "policy")]).policy
    new = load_policy([str(ROOT / "amendments" / "01-force-majeure")]).policy
    items = [i for i in iter_corpus([ROOT / "tests" / "cases" / "real"])
             if i[0].startswith(("06_", "01_"))]
    records = {r["key"].split(":")[0]: r for r in rule_corpus(old, new, items, jobs=1)}
    assert records["01_funds_moved.yaml"]["status"] == "same"
    r = records["06_repeated_error.yaml"]
    changes = {e["outcome"]: e for e in r["outcomes"]}
    assert changes["不得 予以容错"]["kind"] == "PROVEN → OPEN"
    assert changes["不得 予以容错"]["old_clauses"] == ["RC-X4"]
    assert changes["可以 予以容错"]["kind"] == "REFUTED → OPEN"


def test_amendment_reports_list_the_cases_that_change():
    """reports/amendments/ end with the corpus tests/cases/ re-ruled (amendments/build.py)."""
    reports = ROOT / "reports" / "amendments"
    fm = (reports / "01-force-majeure.md").read_text(encoding="utf-8")
    cases = fm[fm.index("## Cases that change"):]
    assert "| `tests/cases/real/06_repeated_error.yaml:9`" in cases
    assert "`不得 予以容错` | PROVEN [RC-X4] | OPEN |" in cases
    acc = (reports / "02-accountable-no-reward.md").read_text(encoding="utf-8")
    assert "### admissible → inadmissible (1 case)" in acc[acc.index("## Cases that change"):]
