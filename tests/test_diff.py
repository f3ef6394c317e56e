"""verifier diff: small hand-written version pairs with the expected changes."""
from __future__ import annotations

import json
import subprocess

import pytest

from helpers import DATA, check_ok, parse_ok
from verifier.checker import check
from verifier.cli import main
from verifier.diff import CHANGED, GAINED, LOST, SAME, diff_policies
from verifier.diff.render import render
from verifier.evaluate import Atom
from verifier.printer import print_document, print_expr

BASE = """document T
fact 失误 : bool
fact 不可抗力 : bool
fact 排名 : int [1..158]
fact 方式 : enum {从轻, 减轻}
action 容错
rule R-1 if 失误 then may 容错
rule R-2 if 排名 <= 30 then may 容错
rule R-3 if 方式 = 减轻 then must not 容错
"""


def pair(old: str, new: str, **kw):
    return diff_policies(check_ok(old), check_ok(new), findings=False, **kw)


def outcome(diff, kind, target, value=None):
    return next(o for o in diff.outcomes if o.atom == Atom(kind, target, value))


def conditions(change) -> list[str]:
    return [print_expr(e, "en") for e in change.expressions]


def test_identical_documents_prove_every_outcome_unchanged():
    d = pair(BASE, BASE)
    assert [o.status for o in d.outcomes] == [SAME] * 3 and not d.changed
    assert d.exit_code() == 0 and d.declarations == ()


def test_narrowed_rule_is_lost_exactly_where_expected():
    new = BASE.replace("if 失误 then", "if 失误 and not 不可抗力 then") \
              .replace("排名 <= 30", "排名 <= 20")
    d = pair(BASE, new)
    may = outcome(d, "may", "容错")
    assert may.status == CHANGED and [c.direction for c in may.changes] == [LOST]
    [lost] = may.changes
    assert lost.complete
    primes = {"not 失误 and 排名 >= 21 and 排名 <= 30", "失误 and 不可抗力 and 排名 >= 21",
              "不可抗力 and 排名 >= 21 and 排名 <= 30"}      # the prime implicants of the change
    assert set(conditions(lost)) <= primes and "失误 and 不可抗力 and 排名 >= 21" in conditions(lost)
    for w in lost.witnesses:
        assert (w.old_value, w.new_value) == (True, False)
        assert w.old_rules and not any(u.status == "effective" for u in w.new_rules)
    assert outcome(d, "must_not", "容错").status == SAME
    assert d.exit_code() == 1
    assert {(c.kind, c.name, c.change) for c in d.declarations} == {
        ("rule", "R-1", "changed"), ("rule", "R-2", "changed")}


def test_new_priority_defeats_and_names_the_rules_on_each_side():
    new = BASE + "priority R-3 over R-1\n"
    d = pair(BASE, new)
    may = outcome(d, "may", "容错")
    [lost] = may.changes
    assert lost.direction == LOST
    assert conditions(lost) == ["失误 and 排名 >= 31 and 方式 in {减轻}"]
    [w] = lost.witnesses
    assert [(u.rule, u.status) for u in w.old_rules] == [("R-1", "effective")]
    assert [(u.rule, u.status, u.by) for u in w.new_rules] == [("R-1", "defeated", ("R-3",))]


def test_both_directions_and_decisions():
    old = BASE + "decision 结论 : {甲, 乙}\nrule R-4 if 失误 then 结论 = 甲\n"
    new = BASE + "decision 结论 : {甲, 乙}\nrule R-4 if 不可抗力 then 结论 = 甲\n"
    d = pair(old, new)
    o = outcome(d, "decide", "结论", "甲")
    assert [c.direction for c in o.changes] == [LOST, GAINED]
    assert conditions(o.changes[0]) == ["失误 and not 不可抗力"]
    assert conditions(o.changes[1]) == ["not 失误 and 不可抗力"]
    assert outcome(d, "decide", "结论", "乙").status == SAME


def test_outcomes_present_on_one_side_compare_against_false():
    new = BASE + "term 宽免\nrule R-9 if 不可抗力 then 宽免\n"
    d = pair(BASE, new)
    o = outcome(d, "term", "宽免")
    assert o.presence == "new" and o.status == CHANGED
    assert conditions(o.changes[0]) == ["不可抗力"] and o.changes[0].direction == GAINED
    back = pair(new, BASE)
    assert outcome(back, "term", "宽免").presence == "old"


def test_widened_integer_and_enum_types_report_admissibility_only():
    new = BASE.replace("[1..158]", "[1..200]").replace("{从轻, 减轻}", "{从轻, 减轻, 免除}")
    d = pair(BASE, new)
    assert all(o.status == SAME for o in d.outcomes)
    only_old, only_new = d.admissibility
    assert only_old.status == SAME and only_new.status == CHANGED and only_new.complete
    assert sorted(print_expr(e, "en") for e in only_new.expressions) == sorted([
        "方式 in {免除}", "排名 >= 159"])
    assert d.changed and d.exit_code() == 1
    fact = [c for c in d.declarations if c.name == "排名"][0]
    assert fact.change == "changed" and "[1..158]" in fact.detail


def test_changed_assumption_reports_cases_admissible_on_one_side():
    new = BASE + "assume 不可抗力非失误 : 不可抗力 implies not 失误\n"
    d = pair(BASE, new)
    only_old = d.admissibility[0]
    assert only_old.status == CHANGED
    assert conditions(only_old) == ["失误 and 不可抗力"]
    [w] = only_old.witnesses
    assert dict(w.case)["失误"] and dict(w.case)["不可抗力"]


def test_fact_kind_change_keeps_the_facts_apart():
    new = BASE.replace("fact 不可抗力 : bool", "fact 不可抗力 : enum {是, 否}") \
              .replace("if 失误 then", "if 失误 and 不可抗力 = 否 then")
    d = pair(BASE, new)
    [lost] = outcome(d, "may", "容错").changes
    assert conditions(lost) == ["失误 and 排名 >= 31 and 「不可抗力(new)」 in {是}"]


def test_readings_are_inputs_of_the_condition():
    old = BASE + "interpretation 宽读 true \"a\" false \"b\"\n"
    new = old.replace("if 失误 then", "if 失误 and 宽读 then")
    d = pair(old, new)
    [lost] = outcome(d, "may", "容错").changes
    assert conditions(lost) == ["失误 and 排名 >= 31 and not 宽读"]


def _docs():
    zh = parse_ok((DATA / "all_zh.policy").read_text(encoding="utf-8"), "all_zh.policy")
    common = parse_ok((DATA / "common.policy").read_text(encoding="utf-8"), "common.policy")
    return zh, common


def _checked(*docs):
    policy, diags = check(list(docs))
    assert not [d for d in diags if d.is_error]
    return policy


@pytest.mark.parametrize("variant", ["english", "reformatted", "reordered"])
def test_equivalent_rewritings_are_proven_equivalent(variant):
    zh, common = _docs()
    if variant == "english":
        other = parse_ok(print_document(zh, "en"), "en.policy")
    elif variant == "reformatted":
        other = parse_ok(print_document(zh, "zh").replace("\n  ", "\n\t\t"), "fmt.policy")
    else:
        other = parse_ok(print_document(type(zh)(zh.id, zh.title, zh.source, zh.uses,
                                                 tuple(reversed(zh.items))), "zh"), "rev.policy")
    d = diff_policies(_checked(zh, common), _checked(other, common))
    assert d.outcomes and all(o.status == SAME for o in d.outcomes)
    assert not d.changed and d.exit_code() == 0
    assert not d.findings.introduced and not d.findings.resolved and d.findings.unchanged


def test_renderings_are_deterministic_and_well_formed():
    new = BASE.replace("排名 <= 30", "排名 <= 20")
    outs = [render(pair(BASE, new), fmt, "zh") for fmt in ("text", "json", "markdown", "sarif")]
    again = [render(pair(BASE, new), fmt, "zh") for fmt in ("text", "json", "markdown", "sarif")]
    assert outs == again
    data = json.loads(outs[1])
    assert data["exit_code"] == 1 and data["outcomes"][1]["status"] == "changed"
    assert "排名 >= 21 并且 排名 <= 30" in outs[0] and "# 本次修改的影响" in outs[2]
    sarif = json.loads(outs[3])
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"][0]["ruleId"] == "D600"


# ---------------------------------------------------------------- command line
def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_cli_exit_codes_and_output_file(tmp_path, capsys):
    a = _write(tmp_path, "a.policy", BASE)
    b = _write(tmp_path, "b.policy", BASE.replace("<= 30", "<= 20"))
    assert main(["diff", a, a, "--no-findings"]) == 0
    assert main(["diff", a, b, "--no-findings"]) == 1
    out = tmp_path / "impact.md"
    assert main(["diff", a, b, "--format", "markdown", "-o", str(out)]) == 1
    assert "可以 容错" in out.read_text(encoding="utf-8")
    assert main(["diff", a, str(tmp_path / "missing.policy")]) == 2
    broken = _write(tmp_path, "c.policy", "document T\nrule R-1 if x then\n")
    assert main(["diff", a, broken]) == 2
    assert "neither a file" in capsys.readouterr().err


def test_cli_new_error_findings_fail_the_diff(tmp_path):
    a = _write(tmp_path, "a.policy", BASE)
    b = _write(tmp_path, "b.policy", BASE + "rule R-5 if 失误 then must not 容错\n")
    assert main(["diff", a, b, "--format", "json", "-o", str(tmp_path / "d.json")]) == 1
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert any(f["code"] == "A401" for f in data["findings"]["introduced"])


def test_cli_git_revisions(tmp_path, monkeypatch, capsys):
    repo = tmp_path / "repo"
    (repo / "policy").mkdir(parents=True)
    (repo / "policy" / "t.policy").write_text(BASE, encoding="utf-8")
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True)  # noqa: E731
    git("init", "-q", "-b", "main")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "0")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "1")
    git("checkout", "-q", "-b", "amend")
    (repo / "policy" / "t.policy").write_text(BASE.replace("<= 30", "<= 20"), encoding="utf-8")
    monkeypatch.chdir(repo)
    assert main(["diff", "--no-findings"]) == 1                  # merge base with main
    assert "排名 >= 21 并且 排名 <= 30" in capsys.readouterr().out
    assert main(["diff", "HEAD", "--no-findings", "--format", "sarif"]) == 1
    assert "verifier-diff-" not in capsys.readouterr().out       # no temporary paths leak
    assert main(["diff", "HEAD:policy/t.policy", "policy/t.policy", "--no-findings"]) == 1
    assert main(["diff", "HEAD~1", "--no-findings"]) == 2        # no policy/ at that commit
    assert "cannot take policy at revision HEAD~1" in capsys.readouterr().err
    assert main(["diff", "--base", "nosuchrev", "--no-findings"]) == 2
