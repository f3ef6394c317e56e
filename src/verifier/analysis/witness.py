"""Witnesses: minimise a solver model towards the neutral values, then replay it through
the plain evaluator. A witness that fails replay is an engine bug and raises.

The **neutral value** of a fact is what reads as "nothing special": false, the first
label, and for an integer 0 when its range holds 0, else the bound nearest to 0 (a rank
difference of 0, not its most negative value). An integer the finding forces away from
it takes the value closest to 0 the constraints allow (of two equally close, the
positive one). The reports call the same values neutral (verifier.report.base)."""
from __future__ import annotations

from typing import Callable, Optional

from ..evaluate import Evaluator
from ..model.nodes import And, BoolType, Compare, EnumType, IntLit, IntType, Ref
from .prefilter import Summary, forces
from ..logic import EngineSolver, Formula, Result


class WitnessError(AssertionError):
    """A witness did not replay: the encoding and the evaluator disagree (a bug)."""


def minimise(s: EngineSolver, condition: Formula, start: tuple[dict, dict],
             forced: Optional[Summary] = None, relevant=None,
             holds: Optional[Callable[[Evaluator], bool]] = None,
             outside: Optional[dict] = None) -> tuple[dict, dict]:
    """The lexicographically least admissible case satisfying ``condition`` (``start`` =
    (case, readings) is one such case): facts in name order, each at its neutral value
    (false / first label / 0, or the bound nearest to 0) if that is still possible, else
    at its least possible value (an integer: the one closest to 0, the positive one of
    two equally close). Deterministic (depends only on which cases exist), and no fact
    away from its neutral value can be reset, nor an integer moved closer to 0, without
    changing another: subset-minimal.
    A check is needed only where the current model is away from the neutral value and
    ``forced`` (literals every case of ``condition`` has) does not already rule it out.
    Facts outside ``relevant`` (the cone of the condition and the facts linked to it by
    assumptions) are constrained independently of the condition, so their part of the
    least case is the least admissible case's: they take their value in ``outside``
    (default: their neutral value) without a check; an integer among them that is away
    from its neutral value is then moved to it wherever the evaluator finds the case still
    admissible (and ``holds`` true).

    ``holds`` (optional) is a predicate on verifier.evaluate that implies ``condition``
    under the current reading: a candidate case (the current one with some facts moved to
    their neutral value or closer to it) that the plain evaluator finds admissible and
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
            default = neutral_value(enc.policy, name)
            if case[name] == default or case[name] is True and forces(forced.clauses, name, True, fixed):
                pins.append(s.pin(name, case[name]))
                fixed[name] = case[name]
                continue
            # can every remaining free fact take its neutral value? (asked of the evaluator only)
            rest = [n for n in order[i:] if _free(n, forced, enc) and m.possible(n, neutral_value(enc.policy, n))]
            cand = m.moved(case, {n: neutral_value(enc.policy, n) for n in rest})
            if cand is not None and m.ok(cand, readings):
                case = cand
            if case[name] != default:
                case, readings = _least(s, m, pins, name, case, readings, forced)
            pins.append(s.pin(name, case[name]))
            fixed[name] = case[name]
    # interpretations the solver was free on cannot matter: false, for a stable witness
    readings = {n: s.reading.get(n, False) for n in readings}
    if relevant is not None:
        case = m.neutral_outside(case, readings)
    return case, readings


class _Minimiser:
    """Reads models (irrelevant facts at their outside value) and tests candidate cases with the
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
            case = {n: v if n in self.relevant else self.outside.get(n, neutral_value(enc.policy, n))
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

    def neutral_outside(self, case: dict, readings: dict) -> dict:
        """``case`` with the integer facts outside the relevant set moved to their neutral
        value, or as close to it as bisection finds, one at a time in name order (repeated
        while one moves), wherever the evaluator finds the case still admissible (and
        ``holds`` still true). The least admissible case the outside values come from
        counts an integer's lower bound as least; a witness should read "0" where nothing
        forces another value."""
        policy = self.enc.policy
        names = sorted(n for n in case if n not in self.relevant
                       and isinstance(policy.facts[n].type, IntType))
        reading = {**readings, **self.s.reading}

        def accepts(cand: dict) -> bool:
            ev = Evaluator(policy, cand, reading, validate=False)
            return bool(ev.admissible() and (self.holds is None or self.holds(ev)))

        moved = True
        while moved:
            moved = False
            for n in names:
                v = neutral_value(policy, n)
                if case[n] == v:
                    continue
                bad, good = v, case[n]              # bisect towards the neutral value
                if accepts({**case, n: v}):
                    good = v
                while abs(good - bad) > 1:
                    mid = (good + bad) // 2
                    if accepts({**case, n: mid}):
                        good = mid
                    else:
                        bad = mid
                if good != case[n]:
                    case, moved = {**case, n: good}, True
        return case


def neutral_value(policy, name: str):
    """The neutral value of fact ``name``: false, the first label, and for an integer 0
    when its range holds 0, else the bound nearest to 0."""
    t = policy.facts[name].type
    if isinstance(t, BoolType):
        return False
    if isinstance(t, EnumType):
        return t.labels[0]
    return min(max(0, t.lo), t.hi)


def rank(v: int) -> int:
    """The order in which integer values read as neutral: 0, 1, -1, 2, -2, …"""
    return 2 * v - 1 if v > 0 else -2 * v


def _rank_window(r: int) -> tuple[int, int]:
    """The values of rank at most ``r``: an interval."""
    k = (r + 1) // 2
    return (-k, k) if r % 2 == 0 else (-(k - 1), k)


def _free(name: str, forced: Summary, enc) -> bool:
    """False when ``forced`` already rules out the neutral value of fact ``name``."""
    default = neutral_value(enc.policy, name)
    if name in forced.labels:
        return default in forced.labels[name]
    if name in forced.bounds:
        return forced.bounds[name][0] <= default <= forced.bounds[name][1]
    return forced.polarity.get(name) is not True


def _least(s: EngineSolver, m: _Minimiser, pins: list, name: str, case: dict, readings: dict,
           forced: Summary):
    """Move fact ``name`` to its least feasible value (an integer: closest to 0), given
    ``pins`` (current: feasible) and the values ``forced`` already excludes."""
    t = s.enc.policy.facts[name].type
    if isinstance(t, IntType):
        return _closest(s, m, pins, name, case, readings, forced)
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


def _closest(s: EngineSolver, m: _Minimiser, pins: list, name: str, case: dict, readings: dict,
             forced: Summary):
    """Integer fact ``name`` moved to the feasible value of least :func:`rank` (closest to
    0, the positive one of two equally close), given ``pins``. The values of rank at most r
    form an interval, so this is a bisection on the rank: the evaluator first finds a
    possible value between the target and the current one, then the solver shows nothing
    of smaller rank is possible (or gives a model that is, and the bisection goes on)."""
    t = s.enc.policy.facts[name].type
    flo, fhi = forced.bounds.get(name, (t.lo, t.hi))
    flo, fhi = max(flo, t.lo), min(fhi, t.hi)
    target = min(max(0, flo), fhi)             # the value of least rank the bounds allow
    lo, hi = rank(target), rank(case[name])
    if lo < hi and not m.possible(name, target):
        lo += 1

    def within(r: int) -> Result:
        a, b = _rank_window(r)
        a, b = max(a, t.lo), min(b, t.hi)
        window = And((Compare(">=", Ref(name), IntLit(a)), Compare("<=", Ref(name), IntLit(b))))
        return s.check([*pins, s.literal(s.enc.expr(window))], core=False)

    if lo < hi:
        # the closest value the evaluator accepts on the way from the current value to
        # the target (one side of 0: rank grows with the distance) bounds the rank; one
        # solver call then shows nothing of smaller rank is possible
        best = _evaluator_closest(m, case, readings, name, target, case[name])
        case = {**case, name: best}
        hi = rank(best)
        if lo < hi:
            r = within(hi - 1)
            if r.proven:
                lo = hi
            elif r.refuted:
                case, readings = m.read(r.model)
                hi = rank(case[name])
    while lo < hi:
        mid = (lo + hi) // 2
        r = within(mid)
        if r.refuted:
            case, readings = m.read(r.model)
            hi = rank(case[name])
        else:
            lo = mid + 1
    return case, readings


def _evaluator_closest(m: _Minimiser, case: dict, readings: dict, name: str, target: int,
                       current: int) -> int:
    """The value closest to ``target`` between ``target`` and ``current`` (both on one side
    of 0, or ``target`` = 0) of integer fact ``name`` that the evaluator accepts (the rest
    of ``case`` fixed), by bisection, assuming ``current`` is accepted; only ever a
    *possible* value, so a bound on the closest one."""
    if m.ok({**case, name: target}, readings):
        return target
    if m.holds is None:
        return current
    bad, good = target, current
    while abs(good - bad) > 1:
        mid = (good + bad) // 2
        if m.ok({**case, name: mid}, readings):
            good = mid
        else:
            bad = mid
    return good


def replay(s: EngineSolver, case: dict, readings: dict,
           holds: Callable[[Evaluator], bool], what: str) -> None:
    """Re-check a witness with verifier.evaluate: admissible, and ``holds`` is true in it."""
    ev = Evaluator(s.enc.policy, case, readings)
    if not ev.admissible():
        raise WitnessError(f"witness for {what} is not admissible: {case} {readings}")
    if not holds(ev):
        raise WitnessError(f"witness for {what} fails replay: {case} {readings}")
