"""Witnesses: minimise a solver model towards the neutral default, then replay it through
the plain evaluator. A witness that fails replay is an engine bug and raises."""
from __future__ import annotations

from typing import Callable, Optional

from ..evaluate import Evaluator
from ..model.nodes import BoolType, IntType
from .prefilter import Summary, forces
from ..logic import EngineSolver, Formula, Result


class WitnessError(AssertionError):
    """A witness did not replay: the encoding and the evaluator disagree (a bug)."""


def minimise(s: EngineSolver, condition: Formula, start: tuple[dict, dict],
             forced: Optional[Summary] = None, relevant=None,
             holds: Optional[Callable[[Evaluator], bool]] = None,
             outside: Optional[dict] = None) -> tuple[dict, dict]:
    """The lexicographically least admissible case satisfying ``condition`` (``start`` =
    (case, readings) is one such case): facts in name order, each at its default (false / first label / lower bound) if that is still possible, else at
    its least possible value. Deterministic (depends only on which cases exist), and no
    fact away from its default can be reset without changing another: subset-minimal.
    A check is needed only where the current model is away from the default and
    ``forced`` (literals every case of ``condition`` has) does not already rule it out.
    Facts outside ``relevant`` (the cone of the condition and the facts linked to it by
    assumptions) are constrained independently of the condition, so their part of the
    least case is the least admissible case's: they take their value in ``outside``
    (default: their default) without a check.

    ``holds`` (optional) is a predicate on verifier.evaluate that implies ``condition``
    under the current reading: a candidate case (the current one with some facts moved to
    their default or to a smaller value) that the plain evaluator finds admissible and
    satisfying ``holds`` proves that value possible without a solver call. Only "possible"
    is ever concluded this way (never "impossible"), so the result is the same least case."""
    forced = forced or Summary()
    enc = s.enc
    m = _Minimiser(s, relevant, holds, outside or {})
    case, readings = m.read_case(*start)
    order = sorted(n for n in case if relevant is None or n in relevant)
    pins: list = []
    fixed: dict = {}                           # the facts pinned so far, with their values
    with s.scope(condition):
        for i, name in enumerate(order):
            default = enc.default_value(name)
            if case[name] == default or case[name] is True and forces(forced.clauses, name, True, fixed):
                pins.append(s.pin(name, case[name]))
                fixed[name] = case[name]
                continue
            # can every remaining free fact take its default? (asked of the evaluator only)
            rest = [n for n in order[i:] if _free(n, forced, enc) and m.possible(n, enc.default_value(n))]
            cand = m.moved(case, {n: enc.default_value(n) for n in rest})
            if cand is not None and m.ok(cand, readings):
                case = cand
            if case[name] != default:
                case, readings = _least(s, m, pins, name, case, readings, forced)
            pins.append(s.pin(name, case[name]))
            fixed[name] = case[name]
    # interpretations the solver was free on cannot matter: false, for a stable witness
    return case, {n: s.reading.get(n, False) for n in readings}


class _Minimiser:
    """Reads models (irrelevant facts at their default) and tests candidate cases with the
    plain evaluator."""

    def __init__(self, s: EngineSolver, relevant, holds, outside: dict):
        self.s, self.enc, self.relevant, self.holds = s, s.enc, relevant, holds
        self.outside = outside
        self.excluded: set = set()             # (fact, value) known impossible (none yet)

    def possible(self, name: str, value) -> bool:
        return (name, value) not in self.excluded

    def read(self, model) -> tuple[dict, dict]:
        return self.read_case(*self.enc.case_from_model(model))

    def read_case(self, case: dict, readings: dict) -> tuple[dict, dict]:
        enc = self.enc
        if self.relevant is not None:
            case = {n: v if n in self.relevant else self.outside.get(n, enc.default_value(n))
                    for n, v in case.items()}
        return case, readings

    @staticmethod
    def moved(case: dict, changes: dict) -> Optional[dict]:
        """``case`` with ``changes`` applied, or None when that changes nothing."""
        if all(case[n] == v for n, v in changes.items()):
            return None
        return {**case, **changes}

    def ok(self, case: dict, readings: dict) -> bool:
        if self.holds is None:
            return False
        ev = Evaluator(self.enc.policy, case, {**readings, **self.s.reading}, validate=False)
        return bool(ev.admissible() and self.holds(ev))


def _free(name: str, forced: Summary, enc) -> bool:
    """False when ``forced`` already rules out the default of fact ``name``."""
    default = enc.default_value(name)
    if name in forced.labels:
        return default in forced.labels[name]
    if name in forced.bounds:
        return forced.bounds[name][0] <= default
    return forced.polarity.get(name) is not True


def _least(s: EngineSolver, m: _Minimiser, pins: list, name: str, case: dict, readings: dict,
           forced: Summary):
    """Lower fact ``name`` to its least feasible value, given ``pins`` (current: feasible)
    and the values ``forced`` already excludes."""
    t = s.enc.policy.facts[name].type
    if isinstance(t, IntType):
        lo, hi = max(t.lo, forced.bounds.get(name, (t.lo, t.hi))[0]), case[name]
        if lo < hi and not m.possible(name, lo):
            lo += 1
        def at_most(v: int) -> Result:
            return s.check([*pins, s.at_most(name, v)], core=False)
        if lo < hi:
            # the least value the evaluator accepts is an upper bound (found by bisection,
            # exact when acceptance is monotone); one solver call then shows nothing below it
            hi = _evaluator_least(m, case, readings, name, lo, hi)
            case = {**case, name: hi}
            if lo < hi:
                r = at_most(hi - 1)
                if r.proven:
                    lo = hi
                elif r.refuted:
                    case, readings = m.read(r.model)
                    hi = case[name]
        while lo < hi:
            mid = (lo + hi) // 2
            r = at_most(mid)
            if r.refuted:
                case, readings = m.read(r.model)
                hi = case[name]
            else:
                lo = mid + 1
        return case, readings
    if isinstance(t, BoolType):
        options = () if forced.polarity.get(name) is True or not m.possible(name, False) else (False,)
    else:
        allowed = forced.labels.get(name, t.labels)
        options = [x for x in t.labels[:t.labels.index(case[name])]
                   if x in allowed and m.possible(name, x)]
    for value in options:
        cand = {**case, name: value}
        if m.ok(cand, readings):
            return cand, readings
        r = s.check([*pins, s.pin(name, value)], core=False)
        if r.refuted:
            return m.read(r.model)
    return case, readings


def _evaluator_least(m: _Minimiser, case: dict, readings: dict, name: str, lo: int, hi: int) -> int:
    """The least value in [lo, hi] of integer fact ``name`` that the evaluator accepts
    (the rest of ``case`` fixed), by bisection, assuming ``hi`` (the current value) is
    accepted; only ever a *possible* value, so an upper bound on the least one."""
    if m.ok({**case, name: lo}, readings):
        return lo
    if m.holds is None:
        return hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if m.ok({**case, name: mid}, readings):
            hi = mid
        else:
            lo = mid
    return hi


def replay(s: EngineSolver, case: dict, readings: dict,
           holds: Callable[[Evaluator], bool], what: str) -> None:
    """Re-check a witness with verifier.evaluate: admissible, and ``holds`` is true in it."""
    ev = Evaluator(s.enc.policy, case, readings)
    if not ev.admissible():
        raise WitnessError(f"witness for {what} is not admissible: {case} {readings}")
    if not holds(ev):
        raise WitnessError(f"witness for {what} fails replay: {case} {readings}")
