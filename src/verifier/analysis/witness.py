"""Witnesses: minimise a solver model towards the neutral default, then replay it through
the plain evaluator. A witness that fails replay is an engine bug and raises."""
from __future__ import annotations

from typing import Callable, Optional

import z3

from ..evaluate import Evaluator
from ..model.nodes import BoolType, IntType
from .prefilter import Summary
from ..logic import EngineSolver


class WitnessError(AssertionError):
    """A witness did not replay: the encoding and the evaluator disagree (a bug)."""


def minimise(s: EngineSolver, condition: z3.BoolRef, model: z3.ModelRef,
             forced: Optional[Summary] = None, relevant=None) -> tuple[dict, dict]:
    """The lexicographically least admissible case satisfying ``condition`` (``model`` is
    one such case): facts in name order, each at its default (false / first label / lower bound) if that is still possible, else at
    its least possible value. Deterministic (depends only on which cases exist), and no
    fact away from its default can be reset without changing another: subset-minimal.
    A check is needed only where the current model is away from the default and
    ``forced`` (literals every case of ``condition`` has) does not already rule it out.
    Facts outside ``relevant`` (the cone of the condition and the assumptions) cannot
    matter, so they take their default without a check."""
    forced = forced or Summary()
    enc = s.enc
    case, readings = enc.case_from_model(model)
    if relevant is not None:
        case = {n: v if n in relevant else enc.default_value(n) for n, v in case.items()}
    order = sorted(case)
    pins: list = []
    tried_shortcut = False
    with s.scope(condition):
        for i, name in enumerate(order):
            if relevant is not None and name not in relevant:
                case[name] = enc.default_value(name)       # cannot matter: no check
            if case[name] != enc.default_value(name) and not tried_shortcut:
                tried_shortcut = True          # once: can every remaining free fact be default?
                rest = [s.pin(n, enc.default_value(n)) for n in order[i:] if _free(n, forced, enc)]
                r = s.check([*pins, *rest])
                if r.refuted:
                    case, readings = enc.case_from_model(r.model)
            if case[name] != enc.default_value(name):
                case, readings = _least(s, pins, name, case, readings, forced)
            pins.append(s.pin(name, case[name]))
    # interpretations the solver was free on cannot matter: false, for a stable witness
    return case, {n: s.reading.get(n, False) for n in readings}


def _free(name: str, forced: Summary, enc) -> bool:
    """False when ``forced`` already rules out the default of fact ``name``."""
    default = enc.default_value(name)
    if name in forced.labels:
        return default in forced.labels[name]
    if name in forced.bounds:
        return forced.bounds[name][0] <= default
    return forced.polarity.get(name) is not True


def _least(s: EngineSolver, pins: list, name: str, case: dict, readings: dict,
           forced: Summary):
    """Lower fact ``name`` to its least feasible value, given ``pins`` (current: feasible)
    and the values ``forced`` already excludes."""
    enc, t = s.enc, s.enc.policy.facts[name].type
    if isinstance(t, IntType):
        lo, hi = max(t.lo, forced.bounds.get(name, (t.lo, t.hi))[0]), case[name]
        if lo < hi:                              # the least value not yet excluded, first
            r = s.check([*pins, s.pin(name, lo)])
            if r.refuted:
                return enc.case_from_model(r.model)
            lo += 1
        while lo < hi:
            mid = (lo + hi) // 2
            var = enc.facts[name]
            r = s.check([*pins, s.literal(z3.ULE(var, z3.BitVecVal(mid - t.lo, var.size())))])
            if r.refuted:
                case, readings = enc.case_from_model(r.model)
                hi = case[name]
            else:
                lo = mid + 1
        return case, readings
    if isinstance(t, BoolType):
        options = () if forced.polarity.get(name) is True else (False,)
    else:
        allowed = forced.labels.get(name, t.labels)
        options = [x for x in t.labels[:t.labels.index(case[name])] if x in allowed]
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
