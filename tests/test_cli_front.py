"""The front-end commands as a user runs them: check, fmt, glossary, coverage."""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys

from verifier.cli import main

from helpers import DATA, ROOT

GOOD = [str(DATA / "all_zh.policy"), str(DATA / "common.policy")]


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_python_dash_m_runs_the_cli():
    proc = subprocess.run([sys.executable, "-m", "verifier", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("verifier ")


def test_check_json_lists_diagnostics_with_locations(tmp_path):
    bad = tmp_path / "bad.policy"
    bad.write_text('文档 A\n条款 A-1 "x"\n事实 甲 : 布尔\n动作 丙\n规则 R-1 依据 A-1 如果 乙 那么 可以 丙\n', encoding="utf-8")
    code, out = run("check", str(bad), "--format", "json")
    assert code == 2
    payload = json.loads(out)
    d = [x for x in payload["diagnostics"] if x["code"] == "V200"][0]
    loc = d["location"]
    assert (loc["line"], loc["column"], d["severity"]) == (5, 18, "error")
    assert loc["file"].endswith("bad.policy")
    assert d["message"] == "乙 is not declared" and d["message_zh"] == "乙 未声明"


def test_check_fail_on_threshold(tmp_path):
    f = tmp_path / "w.policy"
    f.write_text('文档 A\n事实 甲 : 布尔\n', encoding="utf-8")   # a warning: unused fact
    assert run("check", str(f), "--fail-on", "error")[0] in (0, 1)
    assert run("check", str(f), "--fail-on", "warning")[0] == 1


def test_check_output_is_byte_identical_run_after_run():
    cmd = [sys.executable, "-m", "verifier", "check", *GOOD, "--format", "json"]
    first, second = (subprocess.run(cmd, capture_output=True) for _ in range(2))
    assert first.returncode == 0 and first.stdout == second.stdout


def test_unknown_option_is_a_usage_error_not_a_traceback():
    proc = subprocess.run([sys.executable, "-m", "verifier", "check", "--no-such-option"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_glossary_lists_labels_glosses_types_and_clauses():
    code, out = run("glossary", *GOOD, "--format", "json")
    entries = {e["name"]: e for e in json.loads(out)}
    assert code == 0
    assert entries["谋取私利"]["gloss"] == "private gain" and entries["谋取私利"]["clauses"] == ["RC-C0"]
    assert entries["处理方式"]["type"] == "enum {从轻, 减轻, 免除}"


def test_coverage_reports_missing_clauses_against_a_source(tmp_path):
    src = tmp_path / "clauses.md"
    src.write_text("- **RC-C0** 对于主观上没有为自己、他人或单位谋取私利……可予以容错:\n- **RC-C9** 新条款\n",
                   encoding="utf-8")
    code, out = run("coverage", *GOOD, "--source", str(src), "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert code == 1
    assert rows["RC-C0"]["status"] == "encoded" and rows["RC-C0"]["text_matches"] is True
    assert rows["RC-C9"]["status"] == "missing"
    assert rows["JL-P"]["status"] == "non_normative"


def test_vendored_source_equals_the_shared_seed():
    shared = ROOT.parent / "shared" / "seed" / "clauses.md"
    vendored = ROOT / "policy" / "source" / "clauses.md"
    if shared.is_file():
        assert vendored.read_bytes() == shared.read_bytes()
    assert "RC-C0" in vendored.read_text(encoding="utf-8")
