"""Solver queries for the semantic diff of two policy versions (the only diff code importing z3).

The two versions live in ONE merged PolicySet (built by ``verifier.diff.merge``: shared
facts and interpretations, every other name of the new version renamed), compiled once
with ``compile_policy``. Assumptions are NOT asserted globally: each side's admissibility
``adm_old`` / ``adm_new`` is the conjunction of that side's (renamed) assumptions.

A **region** is a pair (scope, goal) of z3 formulas; its cases are the ones satisfying
``scope and goal``. Contracts (each query states what unsat means):

- ``exists(region)``: unsat iff no case of the domain lies in the region (then the two
  versions agree there: e.g. the flip region of an outcome is empty = proof of equivalence).
- ``cubes(region, ...)``: every returned cube C satisfies ``unsat(scope and C and not
  goal)`` (C lies inside the region); ``complete`` is True iff ``unsat(scope and goal and
  not (C1 or ... or Cn))`` (the cubes cover the whole region).
- ``witness(region)``: a complete case in the region, with a subset-minimal set of facts
  away from their neutral default (false / first label / lower bound).

Cube literals (plain tuples, no z3): ``("bool", name, value)``, ``("enum", name, labels)``,
``("int", name, lo, hi)``, ``("reading", name, value)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import z3

from ..model.nodes import And, BoolType, Compare, EnumType, IntLit, Ref
from .encode import Encoding

SAT, UNSAT, UNKNOWN = "sat", "unsat", "unknown"


@dataclass(frozen=True)
class Region:
    """An opaque set of cases: ``scope and goal`` (see module docstring)."""

    scope: z3.BoolRef
    goal: z3.BoolRef


class DiffSolver:
    """One incremental QF_FD solver over a merged encoding (see module docstring)."""

    def __init__(self, enc: Encoding, old_assumptions, new_assumptions, *,
                 timeout_ms: int = 10_000, logic: str = ""):
        self.enc = enc
        self.solver = z3.SolverFor(logic) if logic else z3.Solver()
        self.solver.set("timeout", int(timeout_ms))
        for c in enc.domain:
            self.solver.add(c.constraint)
        for c in enc.definitions:
            self.solver.add(c.constraint)
        by_name = {a.name: a.constraint for a in enc.assumptions}
        self.adm_old = z3.And([by_name[n] for n in old_assumptions] + [z3.BoolVal(True)])
        self.adm_new = z3.And([by_name[n] for n in new_assumptions] + [z3.BoolVal(True)])
        self.queries = 0
        self._pins: dict[tuple, z3.BoolRef] = {}
        self._base: Optional[dict] = None
        self._prefer: dict = {}

    # ------------------------------------------------------------ regions
    def atom(self, atom) -> z3.BoolRef:
        """The z3 variable of an outcome atom of the merged policy (None: false)."""
        return z3.BoolVal(False) if atom is None else self.enc.atoms[atom]

    def flip(self, old_atom, new_atom, direction: str) -> Region:
        """Cases admissible on both sides where the outcome is lost (old true, new false),
        gained (old false, new true) or changed (either)."""
        a, b = self.atom(old_atom), self.atom(new_atom)
        goal = {"lost": z3.And(a, z3.Not(b)), "gained": z3.And(z3.Not(a), b),
                "changed": z3.Xor(a, b)}[direction]
        return Region(z3.And(self.adm_old, self.adm_new), goal)

    def admissible_only(self, side: str) -> Region:
        """Cases admissible on ``side`` ('old' / 'new') only."""
        goal = z3.And(self.adm_old, z3.Not(self.adm_new)) if side == "old" else \
            z3.And(self.adm_new, z3.Not(self.adm_old))
        return Region(z3.BoolVal(True), goal)

    def side_consistent(self, side: str) -> Region:
        """The admissible cases of one side (empty iff its assumptions contradict)."""
        return Region(z3.BoolVal(True), self.adm_old if side == "old" else self.adm_new)

    # ------------------------------------------------------------ checks
    def _check(self, *formulas: z3.BoolRef, extra=(), model: bool = True
               ) -> tuple[str, Optional[z3.ModelRef]]:
        self.queries += 1
        q = z3.Bool(f"diffq:{self.queries}")
        self.solver.add(z3.Implies(q, z3.And(*formulas)))
        r = self.solver.check(q, *extra)
        if r == z3.sat:
            return SAT, self.solver.model() if model else None
        return (UNSAT, None) if r == z3.unsat else (UNKNOWN, None)

    def exists(self, region: Region) -> tuple[str, Optional[str]]:
        """(SAT / UNSAT / UNKNOWN, reason): SAT iff some case lies in the region."""
        status, _ = self._check(region.scope, region.goal, model=False)
        return status, (self.solver.reason_unknown() if status == UNKNOWN else None)

    # ------------------------------------------------------------ witnesses
    def _pin(self, name: str, value) -> z3.BoolRef:
        """A literal for ``name = value`` (fact or, with name ('reading', n), a reading)."""
        key = (name, value)
        if key not in self._pins:
            if isinstance(name, tuple):
                var = self.enc.readings[name[1]]
                lit = var if value else z3.Not(var)
            else:
                lit = self.enc.fact_literal(name, value)
            if not (z3.is_const(lit) or z3.is_not(lit) and z3.is_const(lit.arg(0))):
                q = z3.Bool(f"diffpin:{len(self._pins)}")
                self.solver.add(q == lit)
                lit = q
            self._pins[key] = lit
        return self._pins[key]

    def witness(self, region: Region, cube=(), inputs=None) -> Optional[tuple[dict, dict]]:
        """(case, readings) in the region (and inside ``cube``, a list of cube literals);
        None if there is none. Canonical (independent of the models z3 returns): inputs in
        name order are pinned to their default whenever possible given the earlier ones
        (so the set of inputs away from the default is subset-minimal), then each remaining
        one to its smallest possible value (first label; least integer; true). Groups of
        inputs are tried at once and split only when they fail (same result, few calls)."""
        region = Region(z3.And([region.scope] + [self._lit(x) for x in cube]), region.goal)
        status, model = self._check(region.scope, region.goal)
        if status != SAT:
            return None
        keys = sorted(list(self.enc.policy.facts) + [("reading", n) for n in self.enc.readings],
                      key=str)
        pins: list[z3.BoolRef] = []
        free: list = []
        self.base()
        self._prefer = self._preferred(cube)
        if inputs is not None:         # inputs the region does not depend on: base, at once
            wanted = set(inputs)
            others = [k for k in keys if (k[1] if isinstance(k, tuple) else k) not in wanted]
            group = [self._default_pin(k) for k in others]
            if self._check(region.scope, region.goal, extra=group, model=False)[0] == SAT:
                pins.extend(group)
                keys = [k for k in keys if (k[1] if isinstance(k, tuple) else k) in wanted]
        self._pin_defaults(region, keys, pins, free)
        status, model = self._check(region.scope, region.goal, extra=pins)
        for key in free:
            value, model = self._least(region, pins, key, model)
            pins.append(self._pin(key, value))
        return self.enc.case_from_model(model)

    def _default_pin(self, key) -> z3.BoolRef:
        if key in self._prefer:
            return self._pin(key, self._prefer[key])
        return self._pin(key, self.base().get(key, self._neutral(key)))

    def _neutral(self, key):
        return False if isinstance(key, tuple) else self.enc.default_value(key)

    def base(self) -> dict:
        """The canonical case admissible on both sides (computed once): inputs at their
        neutral default wherever the assumptions allow, in name order, the rest least.
        Witnesses start from it, so conflicts with the assumptions are resolved once."""
        if self._base is None:
            self._base = {}
            both = Region(z3.And(self.adm_old, self.adm_new), z3.BoolVal(True))
            found = self.witness(both)
            if found is not None:
                case, readings = found
                self._base = {**case, **{("reading", n): v for n, v in readings.items()}}
        return self._base

    @staticmethod
    def _preferred(cube) -> dict:
        """The least value each cube literal allows (used in place of the default)."""
        out = {}
        for lit in cube:
            key = ("reading", lit[1]) if lit[0] == "reading" else lit[1]
            out[key] = lit[2][0] if lit[0] == "enum" else lit[2]
        return out

    def _pin_defaults(self, region: Region, keys: list, pins: list, free: list) -> None:
        """Lexicographic greedy: pin each key (in order) to its default when possible given
        the pins so far; a whole group is pinned in one call when that is possible."""
        if not keys:
            return
        group = [self._default_pin(k) for k in keys]
        status, _ = self._check(region.scope, region.goal, extra=pins + group, model=False)
        if status == SAT:
            pins.extend(group)
        elif len(keys) == 1:
            free.append(keys[0])
        else:
            half = len(keys) // 2
            self._pin_defaults(region, keys[:half], pins, free)
            self._pin_defaults(region, keys[half:], pins, free)

    def _value(self, model: z3.ModelRef, key):
        case, readings = self.enc.case_from_model(model)
        return readings[key[1]] if isinstance(key, tuple) else case[key]

    def _least(self, region: Region, pins: list, key, model):
        """The smallest value of ``key`` possible with ``pins`` (and a model with it)."""
        def feasible(v):
            return self._check(region.scope, region.goal, extra=pins + [self._pin(key, v)])
        if isinstance(key, tuple) or isinstance(self.enc.policy.facts[key].type, BoolType):
            return True, model
        t = self.enc.policy.facts[key].type
        if isinstance(t, EnumType):
            for label in t.labels:
                status, m = feasible(label)
                if status == SAT:
                    return label, m
            return self._value(model, key), model
        lo, hi = t.lo, self._value(model, key)        # hi is feasible
        best = model
        while lo < hi:
            mid = (lo + hi) // 2
            status, m = self._check(region.scope, region.goal, extra=pins + [
                self._bound(key, mid)])
            if status == SAT:
                value = self._value(m, key)
                if value > mid:                           # guards against a wrong model
                    raise AssertionError(f"solver model violates {key} <= {mid}")
                hi, best = value, m
            else:
                lo = mid + 1
        return hi, best

    def _bound(self, name: str, upper: int) -> z3.BoolRef:
        """A literal for ``name <= upper`` (an integer fact)."""
        key = (name, "<=", upper)
        if key not in self._pins:
            q = z3.Bool(f"diffpin:{len(self._pins)}")
            self.solver.add(q == self.enc.expr(Compare("<=", Ref(name), IntLit(upper))))
            self._pins[key] = q
        return self._pins[key]

    # ------------------------------------------------------------ cubes (prime implicants)
    def _lit(self, lit: tuple) -> z3.BoolRef:
        kind, name = lit[0], lit[1]
        if kind == "bool":
            v = self.enc.facts[name]
            return v if lit[2] else z3.Not(v)
        if kind == "reading":
            v = self.enc.readings[name]
            return v if lit[2] else z3.Not(v)
        if kind == "enum":
            return z3.Or([self.enc.labels[name][x] for x in lit[2]])
        return self.enc.expr(And((Compare(">=", Ref(name), IntLit(lit[2])),
                                  Compare("<=", Ref(name), IntLit(lit[3])))))

    def _inside(self, region: Region, cube: list[tuple]) -> bool:
        """unsat(scope and cube and not goal): the cube lies inside the region."""
        return self._core(region, cube) is not None

    def _cube_pin(self, lit: tuple) -> z3.BoolRef:
        """A literal (usable as an assumption) standing for one cube literal."""
        key = ("cube", lit)
        if key not in self._pins:
            f = self._lit(lit)
            if not (z3.is_const(f) or z3.is_not(f) and z3.is_const(f.arg(0))):
                q = z3.Bool(f"diffpin:{len(self._pins)}")
                self.solver.add(q == f)
                f = q
            self._pins[key] = f
        return self._pins[key]

    def _core(self, region: Region, cube: list[tuple]) -> Optional[list[tuple]]:
        """None if some case of scope and cube fails the goal; else the cube literals of
        an unsat core (a sub-cube that also lies inside the region)."""
        self.queries += 1
        q = z3.Bool(f"diffq:{self.queries}")
        self.solver.add(z3.Implies(q, z3.And(region.scope, z3.Not(region.goal))))
        lits = [self._cube_pin(x) for x in cube]
        r = self.solver.check(q, *lits)
        if r != z3.unsat:
            return None
        used = {c.get_id() for c in self.solver.unsat_core()}
        return [x for x, lit in zip(cube, lits) if lit.get_id() in used]

    def _generalise(self, region: Region, cube: list[tuple]) -> list[tuple]:
        """Drop literals (greedily, in order, whole blocks at once when possible), then
        widen enum and integer literals, while the cube stays inside the region. Only
        sat/unsat answers steer it, so the result does not depend on z3's models."""
        cube = self._drop(region, [], cube, [])
        i = 0
        while i < len(cube):
            lit = cube[i]
            if lit[0] == "enum":
                cube[i] = self._widen_enum(region, cube, i)
            elif lit[0] == "int":
                cube[i] = self._widen_int(region, cube, i)
            if self._trivial(cube[i]):
                del cube[i]
            else:
                i += 1
        return cube

    def _drop(self, region: Region, kept: list, block: list, suffix: list) -> list:
        """The literals of ``block`` that in-order greedy deletion keeps, given the kept
        literals before it and the undecided ``suffix`` after it (still present). A block
        whose removal keeps the cube inside is dropped whole: by monotonicity the
        one-by-one deletion would drop each of its literals too."""
        if not block:
            return []
        if self._inside(region, kept + suffix):
            return []
        if len(block) == 1:
            return block
        h = len(block) // 2
        first = self._drop(region, kept, block[:h], block[h:] + suffix)
        return first + self._drop(region, kept + first, block[h:], suffix)

    def _trivial(self, lit: tuple) -> bool:
        """True for a literal that allows every value of its input's type."""
        if lit[0] == "enum":
            return len(lit[2]) == len(self.enc.policy.facts[lit[1]].type.labels)
        if lit[0] == "int":
            t = self.enc.policy.facts[lit[1]].type
            return (lit[2], lit[3]) == (t.lo, t.hi)
        return False

    def _widen_enum(self, region: Region, cube: list[tuple], i: int) -> tuple:
        _, name, labels = cube[i]
        fact = self.enc.policy.facts[name]
        for x in fact.type.labels:
            if x not in labels:
                trial = (*labels, x)
                if self._inside(region, cube[:i] + [("enum", name, trial)] + cube[i + 1:]):
                    labels = trial
        order = fact.type.labels
        return ("enum", name, tuple(x for x in order if x in labels))

    def _widen_int(self, region: Region, cube: list[tuple], i: int) -> tuple:
        _, name, lo, hi = cube[i]
        t = self.enc.policy.facts[name].type

        def ok(a, b):
            return self._inside(region, cube[:i] + [("int", name, a, b)] + cube[i + 1:])
        a, b = t.lo, lo                   # smallest a with ok(a, hi): binary search
        while a < b:
            mid = (a + b) // 2
            if ok(mid, hi):
                b = mid
            else:
                a = mid + 1
        lo = a
        a, b = hi, t.hi                   # largest b with ok(lo, b)
        while a < b:
            mid = (a + b + 1) // 2
            if ok(lo, mid):
                a = mid
            else:
                b = mid - 1
        return ("int", name, lo, a)

    def _cube_of(self, case: dict, rds: dict, facts, readings) -> list[tuple]:
        cube = []
        for name in facts:
            t = self.enc.policy.facts[name].type
            if isinstance(t, BoolType):
                cube.append(("bool", name, case[name]))
            elif isinstance(t, EnumType):
                cube.append(("enum", name, (case[name],)))
            else:
                cube.append(("int", name, case[name], case[name]))
        cube += [("reading", n, rds[n]) for n in readings]
        return cube

    def cubes(self, region: Region, facts, readings, max_cubes: int = 8):
        """(cubes, witnesses, complete): up to ``max_cubes`` cubes over ``facts`` and
        ``readings`` (which must include every input the region depends on), each inside
        the region, found by blocking; each grown from the canonical witness of what the
        earlier cubes leave (returned with it); complete iff they cover the region."""
        found, witnesses = [], []
        while True:
            blocked = [z3.Not(z3.And([self._lit(x) for x in c] + [z3.BoolVal(True)])) for c in found]
            rest = Region(z3.And([region.scope] + blocked), region.goal)
            status, _ = self._check(rest.scope, rest.goal, model=False)
            if status == UNSAT:
                return found, witnesses, True
            if status != SAT or len(found) >= max_cubes:
                return found, witnesses, False
            case, rds = self.witness(rest, inputs=list(facts) + list(readings))
            found.append(self._generalise(region, self._cube_of(case, rds, facts, readings)))
            witnesses.append((case, rds))
