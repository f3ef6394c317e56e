"""Witnesses: minimise a solver model towards the neutral default, then replay it through
the plain evaluator. A witness that fails replay is an engine bug and raises."""
from __future__ import annotations

from typing import Callable

import z3

from ..evaluate import Evaluator
from ..model.nodes import BoolType, IntType
from ..logic import EngineSolver


class WitnessError(AssertionError):
    """A witness did not replay: the encoding and the evaluator disagree (a bug)."""


def minimise(s: EngineSolver, query: z3.BoolRef, model: z3.ModelRef) -> tuple[dict, dict]:
    """The lexicographically least case satisfying ``query``: facts in name order, each
    at its default (false / first label / lower bound) if that is still possible, else at
    its least possible value. Deterministic (depends only on which cases exist), and no
    fact away from its default can be reset without changing another: subset-minimal.
    A check is needed only where the current model is away from the default."""
    enc = s.enc
    case, readings = enc.case_from_model(model)
    pins = [query]
    for name in sorted(case):
        if case[name] != enc.default_value(name):
            case, readings = _least(s, pins, name, case, readings)
        pins.append(s.pin(name, case[name]))
    return case, readings


def _least(s: EngineSolver, pins: list, name: str, case: dict, readings: dict):
    """Lower fact ``name`` to its least feasible value, given ``pins`` (current: feasible)."""
    enc, t = s.enc, s.enc.policy.facts[name].type
    if isinstance(t, IntType):
        lo, hi = t.lo, case[name]
        while lo < hi:
            mid = (lo + hi) // 2
            r = s.check([*pins, s.literal(enc.facts[name] <= z3.BitVecVal(mid, enc.facts[name].size()))])
            if r.refuted:
                case, readings = enc.case_from_model(r.model)
                hi = case[name]
            else:
                lo = mid + 1
        return case, readings
    options = (False,) if isinstance(t, BoolType) else t.labels[:t.labels.index(case[name])]
    for value in options:
        r = s.check([*pins, s.pin(name, value)])
        if r.refuted:
            return enc.case_from_model(r.model)
    return case, readings


def replay(s: EngineSolver, case: dict, readings: dict,
           holds: Callable[[Evaluator], bool], what: str) -> None:
    """Re-check a witness with verifier.evaluate: admissible, and ``holds`` is true in it."""
    ev = Evaluator(s.enc.policy, case, readings)
    if not ev.admissible():
        raise WitnessError(f"witness for {what} is not admissible: {case} {readings}")
    if not holds(ev):
        raise WitnessError(f"witness for {what} fails replay: {case} {readings}")
