"""Solver-free answers for the diff's regions (``verifier.logic.diff_query``): three-valued.

A region (scope, goal) of the merged policy is evaluated on a partial case with the
compiled Kleene evaluator (``verifier.evaluate.partial``) plus plain Python for cube
literals. What a value proves (soundness of Kleene evaluation): TRUE / FALSE hold in EVERY
completion of the partial case (unknown facts over their whole merged type, unknown readings
either way); UNKNOWN proves nothing. On a complete case every value is TRUE or FALSE and
equals the exact semantics, so:

- ``member(region, case)`` True proves the region non-empty (sat) — the case is in it;
- ``excludes(region, partial)`` True proves no completion lies in the region (unsat);
- ``inside(region, cube)`` True proves unsat(scope and cube and not goal);
- ``outside(region, case)`` True proves the case lies in the scope but fails the goal
  (a counterexample to any cube it satisfies lying inside the region).

The goal's atoms are evaluated on their slice of the policy (``diff_slice``), the scope's
admissibility by one evaluator of the assumptions (``Admissibility``); both are memoised
on the inputs they read. ``Implications`` adds the binary clauses between boolean inputs
that the assumptions entail (found by Kleene probing), used to propagate partial cases in
``excludes`` / ``inside`` and to repair candidate cases.

No z3 here; the solver is consulted only when these answers are inconclusive, and they
never choose between equally valid results, so output does not depend on using them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..evaluate.partial import FALSE, TRUE, UNKNOWN, PartialEvaluator
from ..model.policy import PolicySet


@dataclass(frozen=True)
class Region:
    """A set of cases: those satisfying ``scope and goal`` (a hashable description).

    scope: each side in ``sides`` admissible, every literal of ``within`` true, no cube of
    ``excluded`` wholly true. goal: ``("flip", old_atom, new_atom, direction)`` (direction
    lost / gained / changed; an atom None is false), ``("adm", side)``, ``("only", side)``
    (admissible on ``side`` and not on the other) or ``("true",)``."""

    sides: tuple[str, ...]
    goal: tuple
    within: tuple = ()
    excluded: tuple = ()


def lit_holds(lit: tuple, case: dict, readings: dict) -> bool:
    """A cube literal (see verifier.logic.diff_query) in a complete case."""
    kind = lit[0]
    if kind == "bool":
        return case[lit[1]] == lit[2]
    if kind == "reading":
        return readings[lit[1]] == lit[2]
    if kind == "enum":
        return case[lit[1]] in lit[2]
    return lit[2] <= case[lit[1]] <= lit[3]


def cube_holds(cube, case: dict, readings: dict) -> bool:
    return all(lit_holds(x, case, readings) for x in cube)


def _lit_value(lit: tuple, case: dict, readings: dict) -> int:
    v = (readings if lit[0] == "reading" else case).get(lit[1])
    if v is None:
        return UNKNOWN
    return TRUE if lit_holds(lit, case, readings) else FALSE


def _cube_value(cube, case: dict, readings: dict) -> int:
    return min((_lit_value(x, case, readings) for x in cube), default=TRUE)


def point_case(cube) -> tuple[dict, dict]:
    """The partial case a cube fixes (its single-valued literals; wider ones left unknown,
    which only weakens what evaluation can prove)."""
    case, readings = {}, {}
    for lit in cube:
        if lit[0] == "bool":
            case[lit[1]] = lit[2]
        elif lit[0] == "reading":
            readings[lit[1]] = lit[2]
        elif lit[0] == "enum" and len(lit[2]) == 1:
            case[lit[1]] = lit[2][0]
        elif lit[0] == "int" and lit[2] == lit[3]:
            case[lit[1]] = lit[2]
    return case, readings


def _refute(w: tuple, key, value, todo: list) -> bool:
    """Make input ``key`` differ from ``value`` in the partial case ``w`` (recording the
    new literal in ``todo``); False when it already equals ``value`` (a conflict)."""
    v = _get(w, key)
    if v == value:
        return False
    if v is None:
        _set(w, key, not value)
        todo.append((key, not value))
    return True


def _get(w: tuple, key):
    return w[1].get(key[1]) if isinstance(key, tuple) else w[0].get(key)


def _set(w: tuple, key, value) -> None:
    (w[1] if isinstance(key, tuple) else w[0])[key[1] if isinstance(key, tuple) else key] = value


class Admissibility:
    """Kleene values of each side's admissibility on (partial) cases, memoised on the
    values of the inputs the assumptions read (the only ones they depend on)."""

    def __init__(self, policy: PolicySet, old_assumptions, new_assumptions, slicer):
        self.pe = PartialEvaluator(policy)
        pos = {k: i for i, k in enumerate(self.pe.keys)}
        self.sides = {side: tuple(pos[("assumption", n, None)] for n in names)
                      for side, names in (("old", old_assumptions), ("new", new_assumptions))}
        names: set = set()
        for a in policy.assumptions:
            slicer.inputs(a.expr, names)
        self.facts = tuple(sorted(n for n in names if n in policy.facts))
        self.readings = tuple(sorted(n for n in names if n not in policy.facts))
        self._memo: dict[tuple, dict] = {}

    def values(self, case: dict, readings: dict) -> dict[str, int]:
        """{side: FALSE / UNKNOWN / TRUE}."""
        key = (*map(case.get, self.facts), *map(readings.get, self.readings))
        out = self._memo.get(key)
        if out is None:
            vals = self.pe.run(case, readings)
            out = self._memo[key] = {side: min((vals[i] for i in pos), default=TRUE)
                                     for side, pos in self.sides.items()}
        return out


class Implications:
    """Binary clauses over boolean inputs that every case admissible on BOTH sides
    satisfies, found by Kleene probing of the assumptions: a pair of literals (input,
    value) is recorded as conflicting only when evaluation of the partial case holding
    both shows some assumption of either side false in every completion (sound by
    construction; incomplete: wider clauses are not found). Only pairs of inputs read by
    one same assumption reading at most ``MAX_INPUTS`` boolean inputs are probed. Inputs
    are fact names and ("reading", name)."""

    MAX_INPUTS = 12

    def __init__(self, adm: Admissibility, slicer, bools: set):
        policy = adm.pe.policy

        def bad(*lits) -> bool:
            w: tuple = ({}, {})
            for key, value in lits:
                _set(w, key, value)
            return FALSE in adm.values(*w).values()
        self.forbidden: set = set()                  # literals no admissible case has
        self.conflicts: dict[tuple, set] = {}        # literal -> literals never with it
        probed: set = set()
        for a in policy.assumptions:
            names: set = set()
            slicer.inputs(a.expr, names)
            keys = sorted((n if n in policy.facts else ("reading", n) for n in names
                           if n in bools), key=str)
            if len(keys) > self.MAX_INPUTS:
                continue
            lits = [(k, v) for k in keys for v in (False, True)]
            self.forbidden |= {x for x in lits if x not in probed and bad(x)}
            probed |= set(lits)
            for i, x in enumerate(lits):
                for y in lits[i + 1:]:
                    if x[0] != y[0] and (x, y) not in probed and x not in self.forbidden \
                            and y not in self.forbidden and bad(x, y):
                        self.conflicts.setdefault(x, set()).add(y)
                        self.conflicts.setdefault(y, set()).add(x)
                    probed.add((x, y))

    def propagate(self, case: dict, readings: dict) -> Optional[tuple[dict, dict]]:
        """The partial case with every literal the clauses force added; None when they
        show that no admissible completion exists."""
        w = (dict(case), dict(readings))
        todo: list = []
        if not all(_refute(w, key, value, todo) for key, value in self.forbidden):
            return None
        todo += [x for x in self.conflicts if _get(w, x[0]) == x[1]]
        while todo:
            if not all(_refute(w, key, value, todo) for key, value in self.conflicts.get(todo.pop(), ())):
                return None
        return w

    def repair(self, w: tuple, pairs, frozen) -> Optional[tuple[dict, dict]]:
        """The complete case ``w`` with ``pairs`` applied and every boolean input a clause
        then forces flipped (never one in ``frozen`` or in ``pairs``); None if that is not
        possible. A candidate only: callers evaluate it."""
        w = (dict(w[0]), dict(w[1]))
        for key, value in pairs:
            if (key, value) in self.forbidden:
                return None
            _set(w, key, value)
        fixed = set(frozen) | {k for k, _ in pairs}
        todo = list(pairs)
        while todo:
            for key, value in self.conflicts.get(todo.pop(), ()):
                if _get(w, key) == value:
                    if key in fixed or (key, not value) in self.forbidden:
                        return None
                    fixed.add(key)
                    _set(w, key, not value)
                    todo.append((key, not value))
        return w


class CaseTest:
    """Kleene evaluation of regions of one merged policy (see module docstring): the
    goal's atoms by a Kleene evaluator of their slice (without assumptions), the scope's
    admissibility by the shared ``Admissibility``."""

    def __init__(self, policy: PolicySet, adm: Admissibility, slicer,
                 implications: Optional[Implications] = None):
        self.pe = PartialEvaluator(policy)
        self.adm, self.implications = adm, implications
        self.pos = {k: i for i, k in enumerate(self.pe.keys)}
        names: set = set()
        for t in policy.terms.values():
            slicer.inputs(t.definition, names)
        for r in policy.rules.values():
            slicer.inputs(r.condition, names)
            slicer.inputs(r.unless, names)
        self.facts = tuple(sorted(n for n in names if n in policy.facts))
        self.readings = tuple(sorted(n for n in names if n not in policy.facts))
        self._memo: dict[tuple, tuple] = {}
        self.evaluations = 0

    def _run(self, case: dict, readings: dict) -> tuple:
        """The Kleene values of the slice, memoised on the inputs it reads."""
        key = (*map(case.get, self.facts), *map(readings.get, self.readings))
        vals = self._memo.get(key)
        if vals is None:
            self.evaluations += 1
            vals = self._memo[key] = self.pe.run(case, readings)
        return vals

    def _atom(self, vals, atom) -> int:
        return FALSE if atom is None else vals[self.pos[(atom.kind, atom.target, atom.value)]]

    def scope(self, region: Region, case: dict, readings: dict) -> int:
        adm = self.adm.values(case, readings) if region.sides else {}
        return min([adm[s] for s in region.sides]
                   + [_cube_value(region.within, case, readings)]
                   + [2 - _cube_value(c, case, readings) for c in region.excluded])

    def goal(self, region: Region, case: dict, readings: dict) -> int:
        g = region.goal
        if g[0] == "flip":
            vals = self._run(case, readings)
            a, b = self._atom(vals, g[1]), self._atom(vals, g[2])
            return min(a, 2 - b) if g[3] == "lost" else min(2 - a, b) if g[3] == "gained" \
                else UNKNOWN if UNKNOWN in (a, b) else TRUE if a != b else FALSE
        adm = self.adm.values(case, readings)
        if g[0] == "adm":
            return adm[g[1]]
        if g[0] == "only":
            return min(adm[g[1]], 2 - adm["new" if g[1] == "old" else "old"])
        return TRUE

    def values(self, region: Region, case: dict, readings: dict) -> tuple[int, int]:
        """(scope, goal) as FALSE / UNKNOWN / TRUE in the (partial) case."""
        return self.scope(region, case, readings), self.goal(region, case, readings)

    def member(self, region: Region, case: dict, readings: dict) -> bool:
        """The complete case lies in the region."""
        return self.scope(region, case, readings) == TRUE and \
            self.goal(region, case, readings) == TRUE

    def _forced(self, region: Region, case: dict, readings: dict):
        """The partial case with what the implications force added when the region's
        scope requires admissibility on both sides (None: no such completion)."""
        if self.implications is None or set(region.sides) != {"old", "new"}:
            return case, readings
        return self.implications.propagate(case, readings)

    def excludes(self, region: Region, case: dict, readings: dict) -> bool:
        """No completion of the partial case lies in the region."""
        w = self._forced(region, case, readings)
        return w is None or self.scope(region, *w) == FALSE or self.goal(region, *w) == FALSE

    def inside(self, region: Region, cube) -> bool:
        """Every case of the scope satisfying the cube satisfies the goal."""
        w = self._forced(region, *point_case(cube))
        return w is None or self.scope(region, *w) == FALSE or self.goal(region, *w) == TRUE

    def outside(self, region: Region, case: dict, readings: dict) -> bool:
        """The complete case lies in the scope and fails the goal."""
        return self.scope(region, case, readings) == TRUE and \
            self.goal(region, case, readings) == FALSE
