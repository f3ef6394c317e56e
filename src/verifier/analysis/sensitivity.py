"""Reading sensitivity (A414 / A415): which outcomes an interpretation decides.

For an interpretation I, an outcome atom o is **reading-sensitive** when some case is
admissible under both readings of I (the other interpretations equal) and o holds under
one reading and not under the other. The question is asked of ONE policy holding both
readings side by side: ``P[I := true]`` and ``P[I := false]`` merged with shared facts
and interpretations (verifier.diff.merge), so ``exists(o_true xor o_false)`` is one
solver call: unsat iff no admissible case tells the readings apart on o. Only atoms whose
cone reads I are asked (the others cannot differ). The witness pair (one case, two
readings, two values) is the least one (interpretations, then facts, towards false and
the neutral values: witness.minimise), so it does not depend on the solver; it is
replayed through verifier.evaluate on the original policy under both readings. An interpretation whose readings decide no outcome is A415.
"""
from __future__ import annotations

from typing import Optional

from ..evaluate import Atom, Evaluator, outcome_atoms
from ..logic import EngineSolver, compile_policy, conj, disj, neg
from ..logic.diff_slice import Slice
from ..model.nodes import DECIDE, MAY, MUST, TERM, Deontic
from ..model.policy import PolicySet
from .cones import Cones
from .findings import Finding
from .substitute import fix_interpretation
from .witness import WitnessError, minimise, neutral_value


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
        detail_zh = (f"{_atom_zh(changed[0])}:为真时{'成立' if values[0] else '不成立'},"
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
                    first = self._witness(s, r, name, a, m, cond)
        return changed, first

    def _pair_differs(self, case: dict, readings: dict, name: str, a: Atom) -> bool:
        """Whether ``case`` is admissible under both readings of ``name`` and ``a`` takes
        two values (the plain evaluator on the original policy)."""
        evs = [Evaluator(self.policy, case, {**readings, name: v}, validate=False) for v in (True, False)]
        return all(ev.admissible() for ev in evs) and evs[0].atom(a) != evs[1].atom(a)

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

    def _witness(self, s, r, name: str, a: Atom, m, cond):
        """The least case telling the readings apart on ``a``, replayed on the original
        policy under both readings: (case, other readings, (value if true, if false),
        cone). Least, so that it depends only on which cases exist (never on the solver's
        model): the other interpretations false wherever some pair still differs (in name
        order), then the facts by witness.minimise in that reading."""
        holds = lambda ev: ev.atom(m.old_atom(a)) != ev.atom(m.new_atom(a))  # noqa: E731
        case, readings = s.enc.case_from_model(r.model)
        with s.scope(cond):
            case, readings = self._least_readings(s, case, readings, holds)
        s.reading = dict(readings)
        case, readings = self._least_case(s, cond, case, readings, holds, a)
        s.reading = dict(self.chosen)
        case = {f: case[f] for f in self.policy.facts}
        readings = {i: readings.get(i, False) for i in self.policy.interpretations if i != name}
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

    def _least_case(self, s, cond, case: dict, readings: dict, holds, a: Atom):
        """witness.minimise of the pair's case. The facts outside the atom's relevant set
        (its cone and what assumptions link to it) are constrained only by their own
        assumptions: when they are admissible at their neutral values (under both
        readings: the merged policy's assumptions), those values are least whatever the
        rest is, so only the relevant facts are minimised — the same least case as
        minimising every fact, for a fraction of the checks."""
        p = s.enc.policy
        relevant = self._relevant(a) & set(p.facts)
        trial = {n: v if n in relevant else neutral_value(p, n) for n, v in case.items()}
        if Evaluator(p, trial, readings, validate=False).admissible():
            return minimise(s, cond, (trial, readings), relevant=relevant, holds=holds)
        return minimise(s, cond, (case, readings), holds=holds)

    def _least_readings(self, s, case: dict, readings: dict, holds) -> tuple[dict, dict]:
        """(case, readings) with each open interpretation (name order) false if some
        admissible case with the earlier ones as decided still satisfies the scoped
        condition: the evaluator on the current case first, else one solver call."""
        fixed = dict(self.chosen)
        for i in sorted(readings):
            if i in self.chosen:
                continue
            if readings[i]:
                trial = {**readings, i: False}
                ev = Evaluator(s.enc.policy, case, trial, validate=False)
                if ev.admissible() and holds(ev):
                    readings = trial
                else:
                    s.reading = {**fixed, i: False}
                    r = s.check(core=False)
                    if r.refuted:
                        case, readings = s.enc.case_from_model(r.model)
            fixed[i] = readings[i]
        s.reading = dict(self.chosen)
        return case, readings


def _tf(v: bool) -> str:
    return "holds" if v else "fails"


def _atom_zh(atom: Atom) -> str:
    """An outcome atom in the policy language's Chinese keywords (应当 X, 容错决定 = 予以容错)."""
    if atom.kind in (TERM, DECIDE, "discretion", "discretion_on"):
        return str(atom)
    from ..printer import print_expr
    return print_expr(Deontic(atom.kind, atom.target), "zh")
