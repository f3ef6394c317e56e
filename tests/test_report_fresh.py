"""Generated files are fresh: docs/codes.md matches the registry; reports/ matches policy/."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import ROOT
from verifier.cli import main
from verifier.diagnostics.codes import REGISTRY
from verifier.report import codes_markdown
from verifier.report.reports import DEFAULT_OUT, DEFAULT_POLICY, DEFAULT_SOURCE, inputs_digest, stamp_fresh


def test_codes_doc_is_fresh():
    path = ROOT / "docs" / "codes.md"
    assert path.is_file(), "docs/codes.md is missing: run `verifier report` in the repository root"
    assert path.read_text(encoding="utf-8") == codes_markdown(), \
        "docs/codes.md is stale: run `verifier report` (or `verifier report --no-codes` is not enough)"


def test_codes_doc_lists_every_code():
    text = codes_markdown()
    for code, c in REGISTRY.items():
        assert f"| {code} | `{c.name}` | {c.severity} |" in text


def _policy_files() -> list[Path]:
    return sorted((ROOT / "policy").rglob("*.policy"))


@pytest.mark.skipif(not _policy_files(), reason="policy/ holds no .policy files yet (the encoder is still writing them)")
def test_reports_are_fresh(monkeypatch):
    """The committed reports/ match policy/ and the code.

    Fast path: reports/.stamp.json vouches for the files (same inputs hash, same outputs).
    Otherwise regenerating means running the whole analysis, which can take long, so it is
    done only with VERIFIER_FULL_REPORT_CHECK=1; without it the test fails and says what to run."""
    monkeypatch.chdir(ROOT)
    if stamp_fresh(DEFAULT_OUT, inputs_digest([DEFAULT_POLICY], DEFAULT_SOURCE)):
        return
    if os.environ.get("VERIFIER_FULL_REPORT_CHECK") == "1":
        assert main(["report", "--check", "--full"]) == 0, \
            "reports/ is stale: run `verifier report` and commit reports/"
    else:
        pytest.fail("reports/.stamp.json does not vouch for reports/ (policy/ or src/verifier/ changed "
                    "since the last `verifier report`): run `verifier report` and commit reports/, "
                    "or set VERIFIER_FULL_REPORT_CHECK=1 to regenerate and compare")


def test_report_check_detects_stale(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "a.policy").write_text(
        '文档 A\n条款 A-1 "甲乙"\n事实 x : 布尔 依据 A-1\n动作 y\n规则 R-1 依据 A-1 如果 x 那么 可以 y\n',
        encoding="utf-8")
    assert main(["report", "--check"]) == 1            # nothing written yet
    assert main(["report"]) == 0
    assert main(["report", "--check"]) == 0
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.md"))
    # docs/codes.md is written only where it already exists (the checkout), not into any
    # folder `verifier report` is run in (issue 14)
    assert names == ["reports/analysis.md", "reports/coverage.md", "reports/glossary.md"]
    assert (tmp_path / "reports" / ".stamp.json").is_file()
    text = (tmp_path / "reports" / "analysis.md").read_text(encoding="utf-8")
    assert str(tmp_path) not in text and "seconds" not in text
    (tmp_path / "reports" / "glossary.md").write_text("old\n", encoding="utf-8")
    assert main(["report", "--check"]) == 1            # the stamp no longer vouches
    assert main(["report"]) == 0 and main(["report", "--check"]) == 0
    policy = tmp_path / "policy" / "a.policy"
    policy.write_text(policy.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert main(["report", "--check"]) == 0            # inputs changed, outputs did not
    policy.write_text(policy.read_text(encoding="utf-8").replace("甲乙", "甲乙丙"), encoding="utf-8")
    assert main(["report", "--check"]) == 1            # the clause text changed
    assert main(["report", "--check", "--full"]) == 1


def test_report_on_broken_policy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "a.policy").write_text("文档 A\n事实 x 布尔\n", encoding="utf-8")
    assert main(["report"]) == 2
    assert not (tmp_path / "reports").exists()
