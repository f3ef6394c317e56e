"""verifier.analysis: the findings of docs/semantics.md (codes A400–A411) for a policy set.

API::

    analyse(policy, readings=None, *, timeout_ms=10000) -> Analysis
    Analysis(findings: tuple[Finding, ...], readings, queries, seconds); .of(code)
    Finding(code, rules: tuple[RuleRef, ...], subject, args, witness, witness_reading,
            readings, related, core, span); .severity .name .fingerprint .message(lang)
            .witness_case() .to_diagnostic()
    RuleRef(id, clauses, span)

Every witness is a complete, minimised case replayed through verifier.evaluate before it
is returned (a failed replay raises WitnessError). Findings are merged across readings by
fingerprint (sha256 of code + sorted rule ids + subject) and sorted by a stable key.
"""
from .findings import Finding, RuleRef, fingerprint
from .run import Analysis, all_readings, analyse
from .witness import WitnessError

__all__ = ["Analysis", "Finding", "RuleRef", "WitnessError", "all_readings", "analyse",
           "fingerprint"]
