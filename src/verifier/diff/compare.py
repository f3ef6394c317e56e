"""diff_policies: per outcome, a proof of equivalence or the cases that changed."""
from __future__ import annotations

from typing import Callable, Optional

from ..evaluate import Evaluator
from ..evaluate.structure import Atom, outcome_atoms
from ..logic import compile_policy
from ..logic.diff_query import SAT, UNSAT, DiffSolver
from ..model.nodes import DECIDE, TERM
from ..model.policy import PolicySet
from ..printer import print_expr
from .cone import Cone, Signature
from .cubes import cube_expr
from .decls import declaration_changes
from .findings import start_findings
from .rulings import RulingKinds
from .merge import Merged, merge
from .report import (BOTH, CHANGED, GAINED, LOST, NEW_ONLY, OLD_ONLY, SAME, UNKNOWN,
                     AdmissibilityDiff, Change, Diff, FindingsDelta, OutcomeDiff, RuleUse,
                     Witness)


class DiffReplayError(AssertionError):
    """A witness did not replay through verifier.evaluate (an engine bug)."""


def diff_policies(old: PolicySet, new: PolicySet, *, old_label: str = "old",
                  new_label: str = "new", findings: bool = True, max_cubes: int = 4, max_witnesses: int = 2,
                  timeout_ms: int = 10_000,
                  show_path: Callable[[str], str] = str, structural: bool = True,
                  rulings: bool = False) -> Diff:
    """Compare two checked policy versions (see docs/ci.md and the package docstring).

    ``max_cubes`` bounds the cubes listed per change (``complete`` says whether they
    cover it); a witness is given for the first ``max_witnesses`` cubes (at least one per
    kind of change). ``structural``: an outcome whose defining declarations are identical on both sides
    (metadata aside) is proven unchanged without a solver call. ``rulings``: each
    change also gets the verdicts both versions give on a minimal partial case drawn from
    its first witness (refuted → proven, proven → open, …; diff/rulings.py)."""
    differ = _Differ(old, new, max_cubes, timeout_ms, show_path, structural, max(1, max_witnesses))
    differ.kinds = RulingKinds(differ.m) if rulings else None
    return differ.run(old_label, new_label, findings)


class _Differ:
    kinds = None                           # RulingKinds with --rulings

    def __init__(self, old, new, max_cubes, timeout_ms, show_path, structural, max_witnesses):
        self.m: Merged = merge(old, new)
        self.enc = compile_policy(self.m.policy)
        self.s = DiffSolver(self.enc, self.m.old_assumptions, self.m.new_assumptions,
                            timeout_ms=timeout_ms)
        self.cones = {"old": Cone(old), "new": Cone(new)}
        self.sigs = {"old": Signature(old), "new": Signature(new)}
        self.structural = structural
        self.max_cubes, self.show_path = max_cubes, show_path
        self.max_witnesses = max_witnesses

    def run(self, old_label, new_label, with_findings) -> Diff:
        m = self.m
        pending = start_findings(m.old, m.new) if with_findings else None
        inconsistent = tuple(side for side in ("old", "new")
                             if self.s.exists(self.s.side_consistent(side))[0] == UNSAT)
        adm = tuple(self.admissibility(side) for side in (OLD_ONLY, NEW_ONLY))
        atoms = self.atoms()
        self.s.prepare([self._pair(key, presence) for key, presence in atoms
                        if not self._same_structure(key, presence)])
        outcomes = tuple(self.outcome(key, presence) for key, presence in atoms)
        delta = pending() if pending is not None else FindingsDelta(ran=False)
        return Diff(old_label, new_label, declaration_changes(m.old, m.new), adm, outcomes,
                    delta, inconsistent, self.s.queries)

    def atoms(self) -> list[tuple[Atom, str]]:
        old, new = outcome_atoms(self.m.old), outcome_atoms(self.m.new)
        olds, news = set(old), set(new)
        out = [(a, BOTH if a in news else OLD_ONLY) for a in old]
        return out + [(a, NEW_ONLY) for a in new if a not in olds]

    # ------------------------------------------------------------ inputs
    def inputs(self, key: Optional[Atom], presence: str) -> tuple[list[str], list[str]]:
        """(merged fact names, interpretation names) the outcome depends on, either side."""
        names: set[str] = set()
        if presence != NEW_ONLY:
            names |= {("old", n) for n in self.cones["old"].atom(key)}
        if presence != OLD_ONLY:
            names |= {("new", n) for n in self.cones["new"].atom(key)}
        return self._split(names)

    def _split(self, names) -> tuple[list[str], list[str]]:
        facts, interps = set(), set()
        for side, n in names:
            if n in (self.m.old if side == "old" else self.m.new).interpretations:
                interps.add(n)
            else:
                facts.add(n if side == "old" else self.m.new_fact_names[n])
        order = list(self.m.policy.facts)
        return sorted(facts, key=order.index), sorted(interps)

    def assumption_inputs(self) -> tuple[list[str], list[str]]:
        names = set()
        for side in ("old", "new"):
            p = self.m.old if side == "old" else self.m.new
            for a in p.assumptions:
                names |= {(side, n) for n in self.cones[side].expr(a.expr)}
        old_f, new_f = self.m.old.facts, self.m.new.facts
        names |= {("old", n) for n in old_f if n in new_f and old_f[n].type != new_f[n].type}
        return self._split(names)

    # ------------------------------------------------------------ questions
    def _pair(self, key: Atom, presence: str) -> tuple:
        """(old atom, new atom) of the merged policy; None on the side lacking it."""
        return (key if presence != NEW_ONLY else None,
                self.m.new_atom(key) if presence != OLD_ONLY else None)

    def _same_structure(self, key: Atom, presence: str) -> bool:
        """Both sides compute the outcome from identical declarations (proof of SAME)."""
        return self.structural and presence == BOTH and \
            self.sigs["old"].atom(key) == self.sigs["new"].atom(key) and \
            not self._kind_changed(self.cones["old"].atom(key))

    def outcome(self, key: Atom, presence: str) -> OutcomeDiff:
        old_atom, new_atom = self._pair(key, presence)
        defs = self.definitions(key)
        if self._same_structure(key, presence):
            return OutcomeDiff(key, presence, SAME, (), None, *defs, self.location(key, presence))
        status, reason = self.s.exists(self.s.flip(old_atom, new_atom, "changed"))
        if status == UNSAT:
            return OutcomeDiff(key, presence, SAME, (), None, *defs, self.location(key, presence))
        if status != SAT:
            return OutcomeDiff(key, presence, UNKNOWN, (), reason, *defs,
                               self.location(key, presence))
        facts, interps = self.inputs(key, presence)
        changes = []
        for direction in (LOST, GAINED):
            region = self.s.flip(old_atom, new_atom, direction)
            if self.s.exists(region)[0] != SAT:
                continue
            changes.append(self.change(direction, region, facts, interps, key, presence))
        return OutcomeDiff(key, presence, CHANGED, tuple(changes), None, *defs,
                           self.location(key, presence))

    def change(self, direction, region, facts, interps, key, presence) -> Change:
        cubes, found, complete = self.s.cubes(region, facts, interps, self.max_cubes)
        cubes = tuple(tuple(c) for c in cubes)
        witnesses = tuple(self.witness(key, presence, *w) for w in found[:self.max_witnesses])
        exprs = tuple(cube_expr(self.m.policy, c) for c in cubes)
        kind = None
        if self.kinds is not None and key is not None and presence == BOTH and witnesses:
            kind = self.kinds.of(key, direction, witnesses[0])
        return Change(direction, tuple(cubes), complete, witnesses, exprs, (kind,) if kind else ())

    def location(self, key: Atom, presence: str) -> tuple[str, int]:
        p = self.m.new if presence != OLD_ONLY else self.m.old
        table = p.terms if key.kind == TERM else p.decisions if key.kind == DECIDE else p.actions
        d = table.get(key.target)
        return (self.show_path(d.span.file), d.span.line) if d is not None else ("", 0)

    def _kind_changed(self, inputs) -> bool:
        """Some input fact is kept apart (its kind changed), so names no longer match."""
        return any(self.m.new_fact_names.get(n, n) != n for n in inputs)

    def definitions(self, key: Atom) -> tuple[Optional[str], Optional[str]]:
        if key.kind != TERM:
            return None, None
        out = []
        for p in (self.m.old, self.m.new):
            t = p.terms.get(key.target)
            out.append(print_expr(t.definition) if t is not None and t.definition is not None
                       else None)
        return out[0], out[1]

    def admissibility(self, side: str) -> AdmissibilityDiff:
        region = self.s.admissible_only(side)
        status, reason = self.s.exists(region)
        if status == UNSAT:
            return AdmissibilityDiff(side, SAME)
        if status != SAT:
            return AdmissibilityDiff(side, UNKNOWN, reason=reason)
        facts, interps = self.assumption_inputs()
        c = self.change(side, region, facts, interps, None, side)
        return AdmissibilityDiff(side, CHANGED, c.condition, c.complete, c.witnesses,
                                 None, c.expressions)

    # ------------------------------------------------------------ witnesses
    def witness(self, key: Optional[Atom], presence: str, case: dict, readings: dict) -> Witness:
        """A canonical minimised case (from the solver), replayed on both versions."""
        values, uses = {"old": None, "new": None}, {"old": (), "new": ()}
        for side in (("old", "new") if key is not None else ()):
            p = self.m.old if side == "old" else self.m.new
            c, r = self.m.side_case(side, case, readings)
            ev = Evaluator(p, c, r)
            present = key is not None and presence in (BOTH, OLD_ONLY if side == "old" else NEW_ONLY)
            values[side] = ev.atom(key) if present else False
            uses[side] = self.rule_uses(p, ev, key) if present else ()
            if not ev.admissible():
                raise DiffReplayError(f"witness for {key} not admissible on {side}: {case}")
        self._check_replay(key, presence, values, case, readings)
        base = self.s.base()           # the neutral admissible case witnesses start from
        nondefault = tuple(n for n, v in case.items() if v != base.get(n, self.enc.default_value(n)))
        return Witness(tuple(case.items()), tuple(sorted(readings.items())),
                       values["old"], values["new"], uses["old"], uses["new"], nondefault)

    def _check_replay(self, key, presence, values, case, readings) -> None:
        if key is None:
            side = presence
            p_in = self.m.old if side == OLD_ONLY else self.m.new
            p_out = self.m.new if side == OLD_ONLY else self.m.old
            c_in = self.m.side_case("old" if side == OLD_ONLY else "new", case, readings)
            c_out = self.m.side_case("new" if side == OLD_ONLY else "old", case, readings)
            if not Evaluator(p_in, *c_in).admissible() or _admissible(p_out, *c_out):
                raise DiffReplayError(f"admissibility witness fails replay: {case}")
        elif values["old"] == values["new"]:
            raise DiffReplayError(f"witness for {key} fails replay: {case} {readings}")

    def rule_uses(self, p: PolicySet, ev: Evaluator, key: Atom) -> tuple[RuleUse, ...]:
        """Rules concluding the outcome (or, for ``D = x``, a higher alternative) that
        apply in the case: effective ones, and defeated ones with their defeaters."""
        out = []
        for rid in self.cones["old" if p is self.m.old else "new"].concluding(key):
            if not ev.applicable(rid):
                continue
            r = p.rules[rid]
            by = tuple(h for h in ev.ix.defeaters[rid] if ev.applicable(h))
            status = "defeated" if by else "effective"
            out.append(RuleUse(rid, status, r.meta.cites, by, self.show_path(r.span.file),
                               r.span.line))
        return tuple(out)


def _cube_key(cube) -> tuple:
    """Deterministic order of cubes: fewer literals first, then by their text."""
    return (len(cube), repr(cube))


def _admissible(policy: PolicySet, case: dict, readings: dict) -> bool:
    """Admissible including the fact types (a widened fact may fall outside one side's)."""
    try:
        return Evaluator(policy, case, readings).admissible()
    except ValueError:
        return False

