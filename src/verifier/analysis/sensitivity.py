"""Reading sensitivity (A414 / A415): which outcomes an interpretation decides.

For an interpretation I, an outcome atom o is **reading-sensitive** when some case is
admissible under both readings of I (the other interpretations equal) and o holds under
one reading and not under the other. The question is asked of ONE policy holding both
readings side by side: ``P[I := true]`` and ``P[I := false]`` merged with shared facts
and interpretations (verifier.diff.merge), so ``exists(o_true xor o_false)`` is one
solver call: unsat iff no admissible case tells the readings apart on o. Only atoms whose
cone reads I are asked (the others cannot differ). The witness pair (one case, two
readings, two values) is shrunk towards the neutral values with the plain evaluator and
replayed through verifier.evaluate on the original policy under both readings. An interpretation whose readings decide no outcome is A415.
"""
from __future__ import annotations

from typing import Optional

from ..evaluate import Atom, Evaluator, outcome_atoms
from ..logic import EngineSolver, compile_policy, conj, disj, neg
from ..logic.diff_slice import Slice
from ..model.nodes import DECIDE, MAY, MUST, TERM, EnumType, IntType
from ..model.policy import PolicySet
from .cones import Cones
from .findings import Finding
from .substitute import fix_interpretation
from .witness import WitnessError


def atom_cone(cones: Cones, a: Atom) -> frozenset:
    """The facts and interpretations an outcome atom can depend on."""
    if a.kind == TERM:
        return cones.name(a.target)
    if a.kind == MAY:
        return cones.atom(a) | cones.atom(Atom(MUST, a.target))
    if a.kind == DECIDE:
        return cones.decision(a.target)
    return cones.atom(a)


class Sensitivity:
    """The A414 / A415 findings of one policy (``chosen``: interpretations held fixed)."""

    def __init__(self, policy: PolicySet, chosen: dict, timeout_ms: int):
        self.policy, self.chosen, self.timeout_ms = policy, dict(chosen), timeout_ms
        self.cones = Cones(policy)
        self.atoms = outcome_atoms(policy)
        self.components = self.cones.assumption_components()
        self.unknown: list[tuple[str, str]] = []     # (question, reason)

    def run(self) -> list[Finding]:
        out = []
        for name in sorted(self.policy.interpretations):
            if name not in self.chosen:
                out.append(self.interpretation(name))
        return [f for f in out if f is not None]

    def interpretation(self, name: str) -> Optional[Finding]:
        """A414 with the outcomes I decides and a witness pair for the first, or A415."""
        atoms = [a for a in self.atoms if name in atom_cone(self.cones, a)]
        changed: list[Atom] = []
        first = None
        if atoms:
            changed, first = self._ask(name, atoms)
        if changed is None:
            return None
        reading = tuple(sorted(self.chosen.items()))
        if not changed:
            return Finding("A415", (), name, (("name", name),), readings=(reading,),
                           span=self.policy.interpretations[name].span)
        case, readings, values, cone = first
        detail = f"{changed[0]}: {_tf(values[0])} if true, {_tf(values[1])} if false"
        detail_zh = (f"{changed[0]}:为真时{'成立' if values[0] else '不成立'},"
                     f"为假时{'成立' if values[1] else '不成立'}")
        args = (("name", name), ("outcomes", ", ".join(map(str, changed))), ("detail", detail),
                ("detail_zh", detail_zh))
        return Finding("A414", (), name, args, tuple(case.items()),
                       tuple(sorted({**readings, name: True}.items())), (reading,),
                       span=self.policy.interpretations[name].span, cone=cone)

    def _ask(self, name: str, atoms: list[Atom]):
        """(atoms whose value the two readings can differ on, witness of the first) —
        None on a solver timeout."""
        from ..diff.merge import merge          # the diff package imports verifier.analysis
        sliced = self._slice(atoms)
        m = merge(fix_interpretation(sliced, name, True), fix_interpretation(sliced, name, False))
        enc = compile_policy(m.policy)
        s = EngineSolver(enc, {k: v for k, v in self.chosen.items()}, timeout_ms=self.timeout_ms)
        changed, first = [], None
        for a in atoms:
            if first is not None and self._pair_differs(first[0], first[1], name, a):
                changed.append(a)             # the first witness pair already tells them apart
                continue
            x, y = enc.atoms[m.old_atom(a)], enc.atoms[m.new_atom(a)]
            cond = disj([conj(x, neg(y)), conj(neg(x), y)])
            r = s.exists(cond)
            if r.unknown:
                self.unknown.append((f"does {name} decide {a}", r.reason or "unknown"))
                return None, None
            if r.refuted:
                changed.append(a)
                if first is None:
                    first = self._witness(s, r, name, a)
        return changed, first

    def _pair_differs(self, case: dict, readings: dict, name: str, a: Atom) -> bool:
        """Whether ``case`` is admissible under both readings of ``name`` and ``a`` takes
        two values (the plain evaluator on the original policy)."""
        evs = [Evaluator(self.policy, case, {**readings, name: v}, validate=False) for v in (True, False)]
        return all(ev.admissible() for ev in evs) and evs[0].atom(a) != evs[1].atom(a)

    def _shrink(self, case: dict, readings: dict, name: str, a: Atom) -> dict:
        """Greedily move the facts of the atom's relevant set to their neutral default
        (facts in name order) while the pair still tells the readings apart — plain
        evaluator only; the result is subset-minimal w.r.t. single resets."""
        defaults = {n: _default(f.type) for n, f in self.policy.facts.items()}
        for n in sorted(self._relevant(a)):
            if n in case and case[n] != defaults[n]:
                trial = {**case, n: defaults[n]}
                if self._pair_differs(trial, readings, name, a):
                    case = trial
                elif isinstance(case[n], int) and not isinstance(case[n], bool):
                    case = self._closer(case, readings, name, a, n, defaults[n])
        return case

    def _closer(self, case: dict, readings: dict, name: str, a: Atom, n: str, neutral: int) -> dict:
        """Integer fact ``n`` moved as close to ``neutral`` as bisection finds (evaluator)."""
        good, bad = case[n], neutral                   # good passes, bad does not
        while abs(good - bad) > 1:
            mid = (good + bad) // 2
            if self._pair_differs({**case, n: mid}, readings, name, a):
                good = mid
            else:
                bad = mid
        return {**case, n: good}

    def _quiet_readings(self, case: dict, readings: dict, name: str, a: Atom) -> dict:
        """The other interpretations set false wherever the pair still differs on ``a``."""
        for other in sorted(readings):
            if readings[other] and other not in self.chosen:
                trial = {**readings, other: False}
                if self._pair_differs(case, trial, name, a):
                    readings = trial
        return readings

    def _relevant(self, a: Atom) -> set:
        """The atom's cone and the facts assumptions link to it."""
        cone = atom_cone(self.cones, a)
        comps = self.components
        return set(cone).union(*(comps.get(n, ()) for n in cone))

    def _slice(self, atoms: list[Atom]) -> PolicySet:
        """The policy cut down to what ``atoms`` and the assumptions are computed from
        (verifier.logic.diff_slice: every kept name keeps its exact definition)."""
        slicer = Slice(self.policy)
        return slicer.policy(slicer.closure(atoms))

    def _witness(self, s, r, name: str, a: Atom):
        """A case telling the readings apart on ``a`` (the solver's, shrunk towards the
        neutral defaults), replayed on the original policy under both readings: (case, other readings, (value if true, if false), cone)."""
        case, readings = s.enc.case_from_model(r.model)
        case = self._shrink({f: case[f] for f in self.policy.facts},
                            {i: readings.get(i, False) for i in self.policy.interpretations if i != name}, name, a)
        case = {f: case[f] for f in self.policy.facts}
        readings = {i: readings.get(i, False) for i in self.policy.interpretations if i != name}
        readings = self._quiet_readings(case, readings, name, a)
        values = []
        for value in (True, False):
            ev = Evaluator(self.policy, case, {**readings, name: value})
            if not ev.admissible():
                raise WitnessError(f"A414 {name} {a}: witness not admissible under {name} = {value}")
            values.append(ev.atom(a))
        if values[0] == values[1]:
            raise WitnessError(f"A414 {name} {a}: the witness pair does not tell the readings apart")
        relevant = self._relevant(a)
        cone = tuple(n for n in case if n in relevant)
        return case, readings, tuple(values), cone


def _default(t):
    if isinstance(t, EnumType):
        return t.labels[0]
    if isinstance(t, IntType):
        return min(max(0, t.lo), t.hi)
    return False


def _tf(v: bool) -> str:
    return "holds" if v else "fails"
