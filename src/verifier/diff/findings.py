"""Findings introduced, resolved and unchanged between two versions (by fingerprint)."""
from __future__ import annotations

from ..analysis import analyse
from ..model.policy import PolicySet
from .report import FindingsDelta


def findings_delta(old: PolicySet, new: PolicySet, *, timeout_ms: int = 10_000) -> FindingsDelta:
    """Analyse both versions and match their findings by fingerprint (not by line)."""
    a = analyse(old, timeout_ms=timeout_ms).findings
    b = analyse(new, timeout_ms=timeout_ms).findings
    return delta(a, b)


def delta(old_findings, new_findings) -> FindingsDelta:
    """Match two finding lists by fingerprint; properties by name (A409 / A410)."""
    old_fp = {f.fingerprint: f for f in old_findings}
    new_fp = {f.fingerprint: f for f in new_findings}
    introduced = tuple(f for f in new_findings if f.fingerprint not in old_fp)
    resolved = tuple(f for f in old_findings if f.fingerprint not in new_fp)
    unchanged = tuple(f for f in new_findings if f.fingerprint in old_fp)

    def props(findings, code):
        return {f.subject for f in findings if f.code == code}
    refuted = props(new_findings, "A409") - props(old_findings, "A409")
    proven = props(new_findings, "A410") - props(old_findings, "A410")
    return FindingsDelta(introduced, resolved, unchanged, tuple(sorted(refuted)),
                         tuple(sorted(proven)))
