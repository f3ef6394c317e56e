"""verifier.baseline: load (errors as diagnostics), apply, dump, and the baseline command."""
from __future__ import annotations

import json

from helpers import check_ok
from verifier.analysis import analyse
from verifier.baseline import apply_baseline, dump_baseline, load_baseline, stale_lines
from verifier.cli import main

POLICY = """document T
fact 甲 : bool
fact 乙 : bool
action 容错
rule R-1 if 甲 then may 容错
rule R-2 if 乙 then must not 容错
rule R-3 if 甲 and 乙 and not 甲 then must 容错
"""


def findings():
    return analyse(check_ok(POLICY)).findings


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_dump_then_load_accepts_everything_and_is_deterministic(tmp_path):
    fs = findings()
    text = dump_baseline(fs)
    assert text == dump_baseline(tuple(reversed(fs)))
    base, problems = load_baseline(write(tmp_path, "b.yaml", text))
    assert not problems
    new, accepted, stale = apply_baseline(fs, base)
    kept = [f for f in fs if f.severity != "info"]
    assert new == tuple(f for f in fs if f.severity == "info") and len(accepted) == len(kept)
    assert stale == () and {"A401", "A406"} <= {e.code for e in base.entries}
    jbase, problems = load_baseline(write(tmp_path, "b.json", dump_baseline(fs, "json")))
    assert not problems and jbase.fingerprints() == base.fingerprints()


def test_new_and_stale_findings_are_separated(tmp_path):
    fs = findings()
    base, _ = load_baseline(write(tmp_path, "b.yaml", dump_baseline(fs)))
    fixed = analyse(check_ok(POLICY.replace("then must not 容错", "then must not 容错\npriority R-2 over R-1")
                             .replace("rule R-3 if 甲 and 乙 and not 甲 then must 容错\n", ""))).findings
    new, accepted, stale = apply_baseline(fixed, base)
    assert {f.code for f in new} >= {"A402"}
    assert {e.code for e in stale} == {"A401", "A406"}
    lines = stale_lines(stale, "b.yaml")
    assert all("stale baseline entry" in x for x in lines) and "b.yaml:" in lines[0]


def test_previous_justifications_are_kept():
    fs = findings()
    import yaml
    data = yaml.safe_load(dump_baseline(fs))
    data["accepted"][0]["justification"] = "由党委决定"
    from verifier.baseline.baseline import Baseline, BaselineEntry
    prev = Baseline("x", tuple(BaselineEntry(e["fingerprint"], e["code"], tuple(e["rules"]),
                                             e["subject"], justification=e["justification"])
                               for e in data["accepted"]))
    assert "由党委决定" in dump_baseline(fs, previous=prev)


def test_malformed_baselines_are_diagnostics(tmp_path):
    cases = {
        "missing.yaml": None,
        "syntax.yaml": "accepted: [\n",
        "shape.yaml": "- 1\n- 2\n",
        "version.yaml": "version: 9\naccepted: []\n",
        "fp.yaml": "accepted:\n  - fingerprint: xyz\n    code: A401\n",
        "nocode.yaml": "accepted:\n  - fingerprint: 0123456789abcdef\n",
        "tampered.yaml": "accepted:\n  - fingerprint: 0123456789abcdef\n    code: A401\n    rules: [R-1]\n",
        "twice.json": json.dumps({"accepted": [{"fingerprint": "0123456789abcdef", "code": "A4"}] * 2}),
    }
    for name, text in cases.items():
        path = tmp_path / name if text is None else write(tmp_path, name, text)
        base, problems = load_baseline(path)
        assert base is None and problems and all(d.is_error for d in problems), name
    base, problems = load_baseline(write(tmp_path, "tampered2.yaml", "\n\n" + cases["tampered.yaml"]))
    assert problems[0].span.line == 4 and "does not match" in problems[0].message()
    empty, problems = load_baseline(write(tmp_path, "empty.yaml", ""))
    assert empty is not None and empty.entries == () and not problems


def test_baseline_command_refuses_to_overwrite(tmp_path, capsys):
    pol = write(tmp_path, "t.policy", POLICY)
    out = tmp_path / "baseline.yaml"
    assert main(["baseline", str(pol), "-o", str(out)]) == 0
    first = out.read_text(encoding="utf-8")
    assert "A401" in first
    assert main(["baseline", str(pol), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    out.write_text(first.replace("TODO: why this finding is accepted", "accepted by review"), encoding="utf-8")
    assert main(["baseline", str(pol), "-o", str(out), "--force"]) == 0
    assert "accepted by review" in out.read_text(encoding="utf-8")
    assert main(["baseline", str(pol), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 1
    assert main(["baseline", str(tmp_path / "nope.policy")]) == 2
