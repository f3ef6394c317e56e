"""analyse(): every analysis under every reading, merged by fingerprint, sorted stably."""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace
from typing import Optional

from ..logic import DEFAULT_TIMEOUT_MS, EngineSolver, compile_policy
from ..model.policy import PolicySet
from .findings import Finding, Reading
from .queries import ReadingAnalysis


@dataclass(frozen=True)
class Analysis:
    """The findings of one policy set, and the readings that were analysed."""

    findings: tuple[Finding, ...]
    readings: tuple[Reading, ...]
    queries: int = 0
    seconds: float = 0.0

    def of(self, code: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.code == code)

    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)


def all_readings(policy: PolicySet, chosen: Optional[dict[str, bool]] = None) -> list[dict]:
    """Every combination of readings (interpretations in name order), or those agreeing
    with ``chosen`` (which may fix some or all interpretations)."""
    chosen = dict(chosen or {})
    unknown = set(chosen) - set(policy.interpretations)
    if unknown:
        raise ValueError(f"not interpretations: {sorted(unknown)}")
    free = sorted(n for n in policy.interpretations if n not in chosen)
    out = []
    for values in itertools.product((True, False), repeat=len(free)):
        out.append(dict(sorted({**chosen, **dict(zip(free, values))}.items())))
    return out


def merge(per_reading: list[list[Finding]]) -> tuple[Finding, ...]:
    """Merge findings by fingerprint: the first witness is kept; readings accumulate."""
    merged: dict[str, Finding] = {}
    for findings in per_reading:
        for f in findings:
            key = f.fingerprint
            if key in merged:
                old = merged[key]
                merged[key] = replace(old, readings=old.readings + f.readings)
            else:
                merged[key] = f
    return tuple(sorted(merged.values(), key=lambda f: f.sort_key()))


def analyse(policy: PolicySet, readings: Optional[dict[str, bool]] = None, *,
            timeout_ms: int = DEFAULT_TIMEOUT_MS) -> Analysis:
    """Run every analysis of docs/semantics.md on a checked policy set.

    ``readings`` fixes some or all interpretations (default: every combination).
    Each solver call runs under ``timeout_ms``; a timeout becomes an A411 finding.
    """
    start = time.perf_counter()
    enc = compile_policy(policy)
    solver = EngineSolver(enc, timeout_ms=timeout_ms, minimize_cores=True)
    combos = all_readings(policy, readings)
    per_reading = [ReadingAnalysis(solver, r).run() for r in combos]
    return Analysis(merge(per_reading), tuple(tuple(r.items()) for r in combos),
                    solver.checks, time.perf_counter() - start)
