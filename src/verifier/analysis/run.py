"""analyse(): every analysis, merged by fingerprint, with the readings each finding holds
under, sorted stably."""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace
from typing import Optional

from ..logic import DEFAULT_TIMEOUT_MS, EngineSolver, compile_policy
from ..logic.solve import LazySolver
from ..model.policy import PolicySet
from .background import Background
from .components import batches
from .findings import Finding, Reading
from . import queries
from .queries import Analyser
from .sensitivity import Sensitivity
from .vacuity import inert_facts, vacuity_findings


@dataclass(frozen=True)
class Analysis:
    """The findings of one policy set.

    ``readings``: the partial readings analysed — every full reading extending one of
    them (by default ``((),)``: all readings; with a chosen reading, just that one);
    ``interpretations``: every interpretation name; ``reading_count``: how many full
    readings that is. ``Finding.readings`` uses the same partial form.
    """

    findings: tuple[Finding, ...]
    readings: tuple[Reading, ...] = ((),)
    interpretations: tuple[str, ...] = ()
    reading_count: int = 1
    queries: int = 0
    seconds: float = 0.0
    phases: tuple[tuple[str, float, int], ...] = ()    # (analysis, seconds, solver calls)

    def of(self, code: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.code == code)

    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)


def all_readings(policy: PolicySet, chosen: Optional[dict[str, bool]] = None) -> list[dict]:
    """Every full reading (interpretations in name order) agreeing with ``chosen``."""
    chosen = dict(chosen or {})
    unknown = set(chosen) - set(policy.interpretations)
    if unknown:
        raise ValueError(f"not interpretations: {sorted(unknown)}")
    free = sorted(n for n in policy.interpretations if n not in chosen)
    return [dict(sorted({**chosen, **dict(zip(free, values))}.items()))
            for values in itertools.product((True, False), repeat=len(free))]


def expand(partial: Reading, policy: PolicySet) -> list[Reading]:
    """The full readings extending a partial one."""
    return [tuple(r.items()) for r in all_readings(policy, dict(partial))]


def simplify(readings) -> tuple[Reading, ...]:
    """Drop an interpretation from a set of partial readings (all over the same names)
    when the set holds for both of its values; sorted, duplicates removed."""
    rs = {frozenset(r) for r in readings}
    changed = True
    while changed:
        changed = False
        for n in sorted({n for r in rs for n, _ in r}):
            both = {(n, True), (n, False)}
            if not all(r & both for r in rs):
                continue
            # every reading has its partner with n flipped iff each rest appears twice
            rests: dict[frozenset, int] = {}
            for r in rs:
                rest = r - both
                rests[rest] = rests.get(rest, 0) + 1
            if all(k == 2 for k in rests.values()):
                rs = set(rests)
                changed = True
                break
    return tuple(sorted(tuple(sorted(r)) for r in rs))


def merge(findings: list[Finding]) -> tuple[Finding, ...]:
    """Merge findings by fingerprint: the first witness is kept; readings accumulate and
    are simplified."""
    merged: dict[str, Finding] = {}
    for f in findings:
        old = merged.get(f.fingerprint)
        merged[f.fingerprint] = f if old is None else replace(old, readings=old.readings + f.readings)
    return tuple(sorted((replace(f, readings=simplify(f.readings)) for f in merged.values()),
                        key=lambda f: f.sort_key()))


def drafter_findings(analyser: Analyser, chosen: dict, timeout_ms: int,
                     sensitivity: Optional[Background] = None) -> list[Finding]:
    """A412 inert facts, A413 vacuous properties, A414 / A415 reading sensitivity (with
    their phases recorded like the others'; ``sensitivity``: the last, already started)."""
    policy, out = analyser.policy, []
    reading = (tuple(chosen.items()),)
    steps = (("inert_facts", lambda: [replace(f, readings=reading) for f in inert_facts(policy)]),
             ("vacuity", lambda: vacuity_findings(analyser, [f for f in analyser.findings if f.code == "A410"],
                                                  timeout_ms)),
             ("reading_sensitivity", lambda: sensitivity.result() if sensitivity is not None
              else sensitivity_findings(policy, chosen, timeout_ms)))
    for name, step in steps:
        start, checks = time.perf_counter(), analyser.s.checks
        out += step()
        analyser.phases.append((name, time.perf_counter() - start, analyser.s.checks - checks))
    return out


def sensitivity_findings(policy: PolicySet, chosen: dict, timeout_ms: int) -> list[Finding]:
    """A414 / A415, and A411 for a question that timed out."""
    sens = Sensitivity(policy, chosen, timeout_ms)
    out = sens.run()
    for question, reason in sens.unknown:
        out.append(Finding("A411", (), question, (("question", question), ("reason", reason)),
                           readings=(tuple(chosen.items()),)))
    return out


def analyse(policy: PolicySet, readings: Optional[dict[str, bool]] = None, *,
            timeout_ms: int = DEFAULT_TIMEOUT_MS, parallel: bool = False) -> Analysis:
    """Run every analysis of docs/semantics.md on a checked policy set.

    ``readings`` fixes some or all interpretations (default: every reading). Each solver
    call runs under ``timeout_ms``; a timeout becomes an A411 finding. A large policy
    made of independent components is analysed a batch of components at a time
    (components.py): the same findings, with the solver never holding the whole policy.
    ``parallel``: run the reading-sensitivity analysis in a forked child meanwhile
    (background.py; for a command-line run — not in a threaded server); same findings.
    """
    start = time.perf_counter()
    chosen = dict(sorted((readings or {}).items()))
    unknown = set(chosen) - set(policy.interpretations)
    if unknown:
        raise ValueError(f"not interpretations: {sorted(unknown)}")
    parts = batches(policy)
    if len(parts) > 1:
        result = _analyse_batches(policy, parts, chosen, timeout_ms, start)
        if result is not None:
            return result
    analyser = _analyser(policy, chosen, timeout_ms, parallel)
    return _analysis(policy, chosen, analyser.findings, analyser.s.checks, start,
                     tuple(analyser.phases))


def _analyser(policy: PolicySet, chosen: dict, timeout_ms: int, parallel: bool = False) -> Analyser:
    """Every analysis of ``policy`` run; the findings (unmerged) in ``.findings``."""
    sensitivity = None
    if parallel and set(policy.interpretations) - set(chosen):
        sensitivity = Background(lambda: sensitivity_findings(policy, chosen, timeout_ms))
    enc = compile_policy(policy)

    def make() -> EngineSolver:
        return EngineSolver(enc, timeout_ms=timeout_ms, minimize_cores=True)
    # a large policy's questions are asked of slices: its own solver may never be needed
    solver = LazySolver(make, enc, timeout_ms, True) if len(policy.rules) > queries.SLICE_RULES else make()
    analyser = Analyser(solver, chosen)
    analyser.run()
    if analyser.consistent:
        analyser.findings += drafter_findings(analyser, chosen, timeout_ms, sensitivity)
    elif sensitivity is not None:
        sensitivity.discard()
    return analyser


def _analysis(policy: PolicySet, chosen: dict, findings: list[Finding], queries: int,
              start: float, phases) -> Analysis:
    free = len(policy.interpretations) - len(chosen)
    return Analysis(merge(findings), (tuple(chosen.items()),), tuple(sorted(policy.interpretations)),
                    2 ** free, queries, time.perf_counter() - start, tuple(phases))


_CONSISTENCY = "consistency of the assumptions"


def _analyse_batches(policy: PolicySet, parts: list[PolicySet], chosen: dict, timeout_ms: int,
                     start: float) -> Optional[Analysis]:
    """The analysis of ``policy`` from its batches of independent components, or None when
    some batch has no admissible case under some reading (or that is unknown): then the
    other components' findings would not hold under that reading, and the caller
    analyses the whole policy.

    A batch's findings are the whole policy's: its questions read only its own facts and
    interpretations. Only the witnesses differ: the whole policy's minimal witness gives
    every other fact the value it takes in the least admissible case of its own batch
    under the witness's reading (every other interpretation false, or as chosen), which
    is what ``fill`` adds."""
    findings: list[Finding] = []
    fill: dict = {}
    queries, phases = 0, {}
    for part in parts:
        mine = {n: v for n, v in chosen.items() if n in part.interpretations}
        analyser = _analyser(part, mine, timeout_ms)
        if any(f.code == "A400" or (f.code == "A411" and f.subject == _CONSISTENCY)
               for f in analyser.findings):
            return None
        key = tuple((n, chosen.get(n, False)) for n in sorted(part.interpretations)
                    if n in analyser.assumed)
        fill.update(analyser.least_admissible(key))
        findings += (_with_chosen(f, chosen) for f in analyser.findings) if mine != chosen \
            else analyser.findings
        queries += analyser.s.checks
        for name, secs, calls in analyser.phases:
            old = phases.get(name, (0.0, 0))
            phases[name] = (old[0] + secs, old[1] + calls)
        del analyser
    others = {n: chosen.get(n, False) for n in policy.interpretations}
    fill = {n: fill[n] for n in policy.facts}          # declaration order
    findings = [_completed(f, fill, others) for f in findings]
    return _analysis(policy, chosen, findings, queries, start,
                     tuple((n, s, c) for n, (s, c) in phases.items()))


def _with_chosen(f: Finding, chosen: dict) -> Finding:
    """``f`` (found in a batch that reads only some of the chosen interpretations) holding
    under readings that include every chosen one."""
    return replace(f, readings=tuple(tuple(sorted({**chosen, **dict(r)}.items())) for r in f.readings))


def _completed(f: Finding, fill: dict, others: dict) -> Finding:
    """``f`` (found in one batch) with its witness made a complete case of the policy
    (``fill``: every fact in declaration order; the witness's own values win, in place)."""
    if f.witness is None:
        return f
    case = tuple({**fill, **dict(f.witness)}.items())
    reading = tuple(sorted({**others, **dict(f.witness_reading)}.items()))
    return replace(f, witness=case, witness_reading=reading)
