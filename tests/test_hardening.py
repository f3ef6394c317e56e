"""Issue 14: every bad input a clear error (located, coded, exit 2), nothing lost.

Each test is one reproduction from the issue, run through the CLI (``verifier.cli.main``)
or the library.
"""
from __future__ import annotations

import json
import os
import re

import pytest

from verifier.cli import main

POLICY = """document T
fact n : int [0..2]
fact a : bool
action x
rule R-1 if a then must x
"""

LOCATED = re.compile(r"^\S.*:\d+:\d+: error\[[A-Z]\d{3}\]", re.M)


@pytest.fixture
def tp(tmp_path):
    (tmp_path / "t.policy").write_text(POLICY, encoding="utf-8")
    return tmp_path


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def case(tp, capsys, name, content, *extra, mode="w"):
    path = tp / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return run(["case", tp / "t.policy", "--facts", path, *extra], capsys)


# ---------------------------------------------------------------- case files

@pytest.mark.parametrize("name, content, code, line", [
    ("np.yaml", 'facts:\n  a: "\x01"\n', "C500", 2),                       # non-printable
    ("deep.yaml", "facts:\n  a: " + "[" * 1200 + "]" * 1200 + "\n", "C500", 2),
    ("deep.json", '{"facts": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}", "C500", 1),
    ("rec.yaml", "facts:\n  a: &a [*a]\n", "C500", 2),                      # recursive alias
    ("tag.yaml", 'facts:\n  n: !!int "abc"\n', "C500", 2),
    ("bigint.yaml", "facts:\n  n: " + "9" * 5000 + "\n", "C503", 2),
    ("bigint.json", '{"facts": {"n": ' + "9" * 5000 + "}}", "C503", 1),
    ("ts.yaml", "facts:\n  n: 2001-01-01\n", "C500", 2),                    # a YAML timestamp
    ("bin.yaml", "facts:\n  n: !!binary aGVsbG8=\n", "C500", 2),
    ("set.yaml", "facts: !!set {a, b}\n", "C500", 1),
    ("id.yaml", "id: [1, 2]\nfacts: {}\n", "C500", 1),
    ("empty.yaml", "", "C500", 1),
    ("bad.json", b'{"facts": {"a": \xff}}', "C500", 1),
])
def test_bad_case_file_is_a_located_error(tp, capsys, name, content, code, line):
    rc, out, err = case(tp, capsys, name, content)
    assert rc == 2 and out == ""
    first = err.splitlines()[0]
    assert first.startswith(f"{tp / name}:{line}:") and f"[{code}]" in first, err


def test_alias_bomb_is_refused_quickly(tp, capsys):
    text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 7):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n"
    rc, _, err = case(tp, capsys, "bomb.yaml", "facts:\n  a: true\nbomb:\n  " + text.replace("\n", "\n  "))
    assert rc == 2 and "[C500]" in err and "more than" in err


def test_fifo_and_devices_are_refused_not_read(tp, capsys):
    fifo = tp / "fifo.yaml"
    os.mkfifo(fifo)
    rc, _, err = run(["case", tp / "t.policy", "--facts", fifo, "--lang", "en"], capsys)
    assert rc == 2 and f"{fifo}:1:1: error[C500]" in err and "not a regular file" in err
    rc, _, err = run(["case", tp / "t.policy", "--facts", "/dev/null"], capsys)
    assert rc == 2 and "/dev/null:1:1: error[C500]" in err


def test_thousands_of_unknown_facts_are_capped(tp, capsys):
    facts = {f"u{i}": True for i in range(2000)}
    rc, _, err = case(tp, capsys, "many.json", json.dumps({"facts": facts}))
    assert rc == 2 and len(err) < 20_000
    assert err.count("[C501]") == 21 and "1,980" in err        # 20 shown + the count line


def test_long_lines_are_excerpted(tp, capsys):
    rc, _, err = case(tp, capsys, "long.json", json.dumps({"facts": {"zz": True, "pad": "x" * 5000}}))
    assert rc == 2 and max(len(line) for line in err.splitlines()) < 400


# ---------------------------------------------------------------- policy text

def test_huge_integer_literal_in_a_policy(tmp_path, capsys):
    p = tmp_path / "big.policy"
    p.write_text("document T\nfact n : int [0.." + "9" * 5000 + "]\naction x\n", encoding="utf-8")
    for cmd in (["check", p], ["fmt", "--check", p]):
        rc, out, err = run(cmd, capsys)
        assert rc == 2 and f"{p}:2:18: error[V117]" in out + err


def test_syntax_errors_stop_after_a_limit(tmp_path, capsys):
    from verifier.syntax.parser import MAX_ERRORS
    p = tmp_path / "many.policy"
    p.write_text("document T\nfact a : bool\naction x\n"
                 + "".join(f"rule R-{i} if a then must ??? x\n" for i in range(2000)), encoding="utf-8")
    rc, out, err = run(["check", p], capsys)
    assert rc == 2 and "[V118]" in out + err and (out + err).count("error[V1") == MAX_ERRORS + 1


# ---------------------------------------------------------------- engine item 1

def test_assumptions_contradicting_integer_bounds_reject_every_case(tmp_path, capsys):
    (tmp_path / "t.policy").write_text("document T\nfact n : int [0..2]\naction x\nassume A1 : n > 3\n",
                                       encoding="utf-8")
    (tmp_path / "c.json").write_text('{"facts": {}}', encoding="utf-8")
    rc, _, err = run(["case", tmp_path / "t.policy", "--facts", tmp_path / "c.json"], capsys)
    assert rc == 2 and f"{tmp_path / 'c.json'}:1:1: error[C506]" in err and "A1" in err
    (tmp_path / "in.jsonl").write_text('{"facts": {}}\n{"facts": {"n": 1}}\n', encoding="utf-8")
    rc, _, err = run(["case", tmp_path / "t.policy", "--facts", tmp_path / "in.jsonl",
                      "-o", tmp_path / "out.jsonl"], capsys)
    records = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert rc == 2 and [r["status"] for r in records] == ["inadmissible", "inadmissible"]
    assert records[0]["diagnostics"][0]["code"] == "C506"


# ---------------------------------------------------------------- batch

def test_output_that_is_not_a_results_file_is_never_touched(tp, capsys):
    (tp / "in.jsonl").write_text('{"facts": {"a": true}}\n', encoding="utf-8")
    victim = tp / "keep.policy"
    victim.write_text(POLICY, encoding="utf-8")
    rc, _, err = run(["case", tp / "t.policy", "--facts", tp / "in.jsonl", "-o", victim], capsys)
    assert rc == 2 and "[V104]" in err and victim.read_text(encoding="utf-8") == POLICY


@pytest.mark.parametrize("target, why", [(".", "folder"), ("t.policy/x", "is a file")])
def test_impossible_outputs_are_refused_before_work(tp, capsys, target, why):
    (tp / "in.jsonl").write_text('{"facts": {"a": true}}\n', encoding="utf-8")
    rc, _, err = run(["case", tp / "t.policy", "--facts", tp / "in.jsonl", "-o", tp / target, "--lang", "en"],
                     capsys)
    assert rc == 2 and "[V104]" in err and why in err


def test_certificates_on_a_file_is_refused_before_ruling(tp, capsys):
    (tp / "c.yaml").write_text("facts:\n  a: true\n", encoding="utf-8")
    rc, out, err = run(["case", tp / "t.policy", "--facts", tp / "c.yaml", "--certificates", tp / "t.policy"],
                       capsys)
    assert rc == 2 and out == "" and "[V104]" in err and (tp / "t.policy").read_text() == POLICY


def test_a_corrupt_line_never_drops_later_records(tp, capsys):
    (tp / "in.jsonl").write_text("".join('{"facts": {"a": %s}}\n' % v for v in ("true", "false") * 3),
                                 encoding="utf-8")
    out = tp / "out.jsonl"
    rc, _, _ = run(["case", tp / "t.policy", "--facts", tp / "in.jsonl", "-o", out, "--jobs", "1"], capsys)
    assert rc == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    lines[1] = '{"key": garbage'
    out.write_text("\n".join(lines) + "\n" + lines[5][:10], encoding="utf-8")   # + a torn last line
    rc, _, err = run(["case", tp / "t.policy", "--facts", tp / "in.jsonl", "-o", out, "--jobs", "1"], capsys)
    assert rc == 0 and "1 written, 5 already present" in err and "line 2" in err
    again = out.read_text(encoding="utf-8").splitlines()
    assert again[:6] == lines[:6] and len(again) == 7                  # nothing valid dropped
    keys = [json.loads(x)["key"] for x in again if x != '{"key": garbage']
    assert sorted(keys) == sorted(f"in.jsonl:{i}" for i in range(1, 7))


def test_batch_bad_bytes_surrogates_and_huge_numbers_are_error_records(tp, capsys):
    (tp / "in.jsonl").write_bytes(b'{"facts": {"a": true}}\n'
                                  b'{"facts": {"a": \xff}}\n'
                                  b'{"id": "\\ud800", "facts": {}}\n'
                                  b'{"facts": {"n": ' + b"9" * 5000 + b'}}\n'
                                  b'{"facts": {"a": false}}\n')
    out = tp / "out.jsonl"
    rc, _, err = run(["case", tp / "t.policy", "--facts", tp / "in.jsonl", "-o", out, "--jobs", "1"], capsys)
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in records] == ["ok", "error", "ok", "error", "ok"]
    assert records[1]["diagnostics"][0]["line"] == 2 and records[1]["diagnostics"][0]["column"] == 17
    assert records[2]["id"] == "\ud800"
    assert rc == 2 and "2 error, 3 ok" in err and "2 case(s) could not be ruled" in err


def test_batch_applies_readings_and_rejects_unknown_ones(tmp_path, capsys):
    (tmp_path / "t.policy").write_text(
        "document T\nfact a : bool\naction x\ninterpretation I\n  true \"yes\"\n  false \"no\"\n"
        "rule R-1 if a and I then must x\n",
        encoding="utf-8")
    (tmp_path / "in.jsonl").write_text('{"facts": {"a": true}}\n', encoding="utf-8")
    base = ["case", tmp_path / "t.policy", "--facts", tmp_path / "in.jsonl", "--jobs", "1"]
    rc, _, err = run(base + ["-o", tmp_path / "x.jsonl", "--reading", "J=true", "--lang", "en"], capsys)
    assert rc == 2 and "'J' is not an interpretation" in err and not (tmp_path / "x.jsonl").exists()
    rc, _, _ = run(base + ["-o", tmp_path / "t.jsonl", "--reading", "I=true"], capsys)
    assert json.loads((tmp_path / "t.jsonl").read_text())["verdicts"]["应当 x"] == "PROVEN"
    rc, _, _ = run(base + ["-o", tmp_path / "f.jsonl", "--reading", "I=false"], capsys)
    assert json.loads((tmp_path / "f.jsonl").read_text())["verdicts"]["应当 x"] == "REFUTED"


def test_negative_jobs_is_a_usage_error(tp, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["case", str(tp / "t.policy"), "--facts", "x.jsonl", "-o", "o.jsonl", "--jobs", "-1"])
    assert exc.value.code == 2 and "--jobs" in capsys.readouterr().err


def test_fmt_through_a_symlink_formats_the_target(tmp_path, capsys):
    target = tmp_path / "real" / "t.policy"
    target.parent.mkdir()
    target.write_text("document T\nfact a : bool\naction x\nrule R-1 if a then must x\n", encoding="utf-8")
    link = tmp_path / "link.policy"
    link.symlink_to(target)
    rc, _, _ = run(["fmt", link], capsys)
    assert rc == 0 and link.is_symlink() and os.readlink(link) == str(target)
    assert "文档 T" in target.read_text(encoding="utf-8")


# ---------------------------------------------------------------- output paths of other commands

@pytest.mark.parametrize("argv", [
    ["baseline", "{p}", "-o", "{p}/x.yaml"],
    ["test", "--junit", "{p}/j.xml"],
    ["diff", "{p}", "{p}", "-o", "{p}/d.txt"],
    ["report", "{p}", "--out", "{p}"],
])
def test_impossible_outputs_of_other_commands(tp, capsys, argv):
    p = tp / "t.policy"
    rc, _, err = run([a.format(p=p) for a in argv], capsys)
    assert rc == 2 and "[V104]" in err and p.read_text(encoding="utf-8") == POLICY


def test_missing_output_folders_are_created(tp, capsys, monkeypatch):
    monkeypatch.chdir(tp)
    rc, _, _ = run(["baseline", "t.policy", "-o", "new/b.yaml"], capsys)
    assert rc == 0 and (tp / "new" / "b.yaml").is_file()
    rc, _, _ = run(["diff", "t.policy", "t.policy", "-o", "new2/d.txt"], capsys)
    assert rc == 0 and (tp / "new2" / "d.txt").is_file()


def test_report_writes_codes_md_only_in_the_checkout(tp, capsys, monkeypatch):
    monkeypatch.chdir(tp)
    rc, _, _ = run(["report", "t.policy", "--out", "r"], capsys)
    assert rc == 0 and (tp / "r" / "analysis.md").is_file() and not (tp / "docs").exists()


@pytest.mark.parametrize("cmd", [["check"], ["diff", "{p}"]])
def test_timeout_must_be_positive(tp, capsys, cmd):
    with pytest.raises(SystemExit) as exc:
        main([c.format(p=tp / "t.policy") for c in cmd] + [str(tp / "t.policy"), "--timeout-ms", "-5"])
    assert exc.value.code == 2 and "milliseconds" in capsys.readouterr().err


def test_help_texts_name_units_and_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert "milliseconds" in out and "--fail-on" in out and "default error" in out and "json/sarif" in out


# ---------------------------------------------------------------- engine items 2, 4

def test_priority_between_compatible_rules_is_not_a_cycle(tmp_path, capsys):
    p = tmp_path / "t.policy"
    p.write_text("document T\nfact a : bool\naction x\naction y\nrule R-1 if a then may x\n"
                 "rule R-2 if may x then may y\npriority R-2 over R-1\n", encoding="utf-8")
    rc, out, err = run(["check", p, "--no-analysis"], capsys)
    assert rc == 0 and "V205" not in out + err
    # an incompatible pair still is a cycle: must-not x depends on may x through the priority
    p.write_text("document T\nfact a : bool\naction x\nrule R-1 if a then may x\n"
                 "rule R-2 if may x then must not x\npriority R-2 over R-1\n", encoding="utf-8")
    rc, out, err = run(["check", p, "--no-analysis"], capsys)
    assert rc == 2 and "[V205]" in out + err


def test_fixed_reading_is_reported_in_json(tmp_path, capsys):
    p = tmp_path / "t.policy"
    p.write_text("document T\nfact a : bool\naction x\ninterpretation I\n  true \"yes\"\n  false \"no\"\n"
                 "rule R-1 if a and I then must x\nrule R-2 if a then must not x\n", encoding="utf-8")
    rc, out, _ = run(["check", p, "--reading", "I=true", "--format", "json"], capsys)
    data = json.loads(out)
    assert data["readings"]["fixed"] == {"I": True} and data["readings"]["count"] == 1
    conflict = next(f for f in data["findings"] if f["code"] == "A401")
    assert conflict["readings"]["always"] is True


def test_witness_is_the_least_case_when_a_fact_cannot_change_the_condition(tmp_path, capsys):
    p = tmp_path / "t.policy"
    p.write_text("document T\nfact a : bool\nfact b : bool\naction x\n"
                 "rule R-1 if a or a and b then must x\nrule R-2 if b or not b then must x\n", encoding="utf-8")
    rc, out, _ = run(["check", p, "--format", "json"], capsys)
    overlap = next(f for f in json.loads(out)["findings"] if f["code"] == "A403")
    assert overlap["witness"] == {"a": True, "b": False}


# ---------------------------------------------------------------- rough edges

def test_bundled_policies_are_used_outside_a_checkout(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc, out, err = run(["check", "--no-analysis"], capsys)
    assert rc == 0 and "bundled" in out + err
    (tmp_path / "c.yaml").write_text("facts: {}\n", encoding="utf-8")
    rc, out, _ = run(["case", "--facts", "c.yaml", "--format", "json"], capsys)
    assert rc == 0 and json.loads(out)["admissible"] is True
    rc, _, err = run(["fmt"], capsys)                     # never rewrites the package's files
    assert rc == 2 and "[V100]" in err


def test_fmt_diff_writes_nothing_and_round_trip_is_exact(tmp_path, capsys):
    from verifier.commands.fmt import format_text
    p = tmp_path / "t.policy"
    p.write_text(POLICY, encoding="utf-8")
    rc, out, _ = run(["fmt", "--diff", p], capsys)
    assert rc == 1 and out.startswith(f"--- {p} (now)") and "+文档 T" in out
    assert p.read_text(encoding="utf-8") == POLICY
    for f in sorted((__import__("pathlib").Path(__file__).parent.parent / "policy").glob("*.policy")):
        zh, _, _ = format_text(f.read_text(encoding="utf-8"), str(f), "zh")
        en, _, _ = format_text(zh, str(f), "en")
        again, _, _ = format_text(en, str(f), "zh")
        assert again == zh, f                                  # zh -> en -> zh is exact
        assert format_text(zh, str(f), "zh")[0] == zh          # and the canonical form is stable


def test_bundled_policies_are_canonical(capsys):
    root = __import__("pathlib").Path(__file__).parent.parent
    rc, out, _ = run(["fmt", "--check", root / "policy"], capsys)
    assert rc == 0, out + "\n(run `verifier fmt policy/`)"


def test_baseline_rewrite_keeps_the_files_own_header(tp, capsys):
    out = tp / "b.yaml"
    rc, _, _ = run(["baseline", tp / "t.policy", "-o", out], capsys)
    out.write_text("# reviewed by the team\n" + out.read_text(encoding="utf-8"), encoding="utf-8")
    rc, _, _ = run(["baseline", tp / "t.policy", "-o", out, "--force"], capsys)
    text = out.read_text(encoding="utf-8")
    assert rc == 0 and text.startswith("# reviewed by the team\n") and text.count("# verifier baseline") == 1
