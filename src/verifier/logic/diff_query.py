"""Solver queries for the semantic diff of two policy versions (the only diff code importing z3).

The two versions live in ONE merged PolicySet (built by ``verifier.diff.merge``: shared
facts and interpretations, every other name of the new version renamed), compiled once
with ``compile_policy``. Assumptions are NOT asserted globally: each side's admissibility
``adm_old`` / ``adm_new`` is the conjunction of that side's (renamed) assumptions.

A **region** (``verifier.logic.diff_cases.Region``) stands for a pair (scope, goal) of
formulas; its cases are the ones satisfying ``scope and goal``. Contracts (each query
states what unsat means):

- ``exists(region)``: unsat iff no case of the domain lies in the region (then the two
  versions agree there: e.g. the flip region of an outcome is empty = proof of equivalence).
- ``cubes(region, ...)``: every returned cube C satisfies ``unsat(scope and C and not
  goal)`` (C lies inside the region); ``complete`` is True iff ``unsat(scope and goal and
  not (C1 or ... or Cn))`` (the cubes cover the whole region).
- ``witness(region)``: a complete case in the region, with a subset-minimal set of facts
  away from their neutral default (false / first label / lower bound).

Results are canonical: every choice is fixed by the sat / unsat answer to a question the
algorithm asks in a fixed order, never by a model. Many of those answers are settled
without the solver by ``diff_cases.CaseTest`` (a complete case in the region proves sat;
a Kleene-false partial case proves unsat), which changes how many solver calls are made,
never which answer is used. z3 models only propose candidate cases for such checks.

Cube literals (plain tuples, no z3): ``("bool", name, value)``, ``("enum", name, labels)``,
``("int", name, lo, hi)``, ``("reading", name, value)``.
"""
from __future__ import annotations

from typing import Optional

import z3

from ..model.nodes import And, BoolType, Compare, EnumType, IntLit, Ref
from .diff_cases import Admissibility, CaseTest, Implications, Region
from .diff_shrink import Shrinker
from .diff_slice import Slice
from .diff_witness import Greedy
from .encode import Encoding

SAT, UNSAT, UNKNOWN = "sat", "unsat", "unknown"

__all__ = ["DiffSolver", "Region", "SAT", "UNKNOWN", "UNSAT"]


class _Sub:
    """The solver and evaluator of one slice (the regions whose goal reads the same outcome
    atoms): its definitions only, assumption literals and pins made on demand."""

    def __init__(self, parent: "DiffSolver", number: int, atoms, nodes: frozenset):
        enc, self.parent, self.tag = parent.enc, parent, number
        names = parent.slicer.definition_names(nodes)
        self.solver = z3.SolverFor(parent.logic) if parent.logic else z3.Solver()
        self.solver.set("timeout", parent.timeout_ms)
        if not parent.logic:    # speed only: never changes an answer
            self.solver.set("phase_selection", 0)     # models lean to false = the defaults
            self.solver.set("model.compact", False)   # cheaper models (only inputs are read)
        for c in enc.domain:
            self.solver.add(c.constraint)
        kept = [c for c in enc.definitions if c.name in names]
        if len(kept) != len(names):     # the encoding names its definitions differently
            missing = sorted(names - {c.name for c in kept})[:5]
            raise AssertionError(f"slice definitions not found in the encoding: {missing}")
        for c in kept:
            self.solver.add(c.constraint)
        goal_nodes = parent.slicer.closure(atoms, assumptions=False)
        self.test = CaseTest(parent.slicer.policy(goal_nodes, assumptions=False),
                             parent.admissibility(), parent.slicer, parent.implications())
        self.pins: dict[tuple, z3.BoolRef] = {}
        self.indicators: dict[tuple, z3.BoolRef] = {}

    def fresh(self, formula: z3.BoolRef) -> z3.BoolRef:
        """A new literal q asserted equal to ``formula``."""
        q = z3.Bool(f"diffpin:{self.tag}:{len(self.pins)}")
        self.solver.add(q == formula)
        return q

    def literal(self, key: tuple, formula) -> z3.BoolRef:
        """``formula`` itself when it is a literal, else a fresh literal for it (cached)."""
        lit = self.pins.get(key)
        if lit is None:
            f = formula()
            lit = f if z3.is_const(f) or z3.is_not(f) and z3.is_const(f.arg(0)) else self.fresh(f)
            self.pins[key] = lit
        return lit

    def pin(self, name, value) -> z3.BoolRef:
        """A literal for ``name = value`` (fact or, with name ('reading', n), a reading)."""
        return self.literal((name, value), lambda: self.parent.fact_formula(name, value))

    def bound(self, name: str, upper: int) -> z3.BoolRef:
        """A literal for ``name <= upper`` (an integer fact)."""
        return self.literal((name, "<=", upper), lambda: self.parent.enc.expr(
            Compare("<=", Ref(name), IntLit(upper))))

    def cube_pin(self, lit: tuple) -> z3.BoolRef:
        """A literal standing for one cube literal."""
        return self.literal(("cube", lit), lambda: self.parent.lit(lit))

    def block(self, cube: tuple) -> z3.BoolRef:
        """A literal standing for ``not cube``."""
        return self.literal(("block", cube), lambda: z3.Not(z3.And(
            [self.parent.lit(x) for x in cube] + [z3.BoolVal(True)])))

    def indicator(self, region: Region, inside: bool = True) -> list[z3.BoolRef]:
        """Literals whose conjunction implies ``scope and goal`` (inside) or ``scope and
        not goal`` (outside): one per (sides, goal), made once, and one per literal of
        ``within`` and cube of ``excluded``."""
        key = (region.sides, region.goal, inside)
        q = self.indicators.get(key)
        if q is None:
            scope, goal = self.parent.formulas(Region(region.sides, region.goal))
            q = z3.Bool(f"diffq:{self.tag}:{len(self.indicators)}")
            self.solver.add(z3.Implies(q, z3.And(scope, goal if inside else z3.Not(goal))))
            self.indicators[key] = q
        return [q] + [self.cube_pin(x) for x in region.within] + \
            [self.block(c) for c in region.excluded]

    def sat(self, lits: list) -> str:
        """One solver call with ``lits`` (literals) as assumptions, through the C API."""
        self.parent.queries += 1
        ctx = self.solver.ctx
        r = z3.Z3_solver_check_assumptions(ctx.ref(), self.solver.solver, len(lits),
                                           (z3.Ast * len(lits))(*(x.as_ast() for x in lits)))
        return SAT if r == z3.Z3_L_TRUE else UNSAT if r == z3.Z3_L_FALSE else UNKNOWN

    def model(self) -> tuple[dict, dict]:
        """The (case, readings) of the model of the last (sat) call."""
        ctx = self.solver.ctx
        model = z3.ModelRef(z3.Z3_solver_get_model(ctx.ref(), self.solver.solver), ctx)
        return self.parent.enc.case_from_model(model)


class DiffSolver:
    """Incremental solvers over a merged encoding, one per slice (see module docstring)."""

    def __init__(self, enc: Encoding, old_assumptions, new_assumptions, *,
                 timeout_ms: int = 10_000, logic: str = ""):
        self.enc = enc
        self.logic, self.timeout_ms = logic, int(timeout_ms)
        self.old_assumptions, self.new_assumptions = tuple(old_assumptions), tuple(new_assumptions)
        by_name = {a.name: a.constraint for a in enc.assumptions}
        self.adm = {"old": z3.And([by_name[n] for n in old_assumptions] + [z3.BoolVal(True)]),
                    "new": z3.And([by_name[n] for n in new_assumptions] + [z3.BoolVal(True)])}
        self.adm_old, self.adm_new = self.adm["old"], self.adm["new"]
        self.slicer = Slice(enc.policy)
        self._implications: Optional[Implications] = None
        self._admissibility: Optional[Admissibility] = None
        self._first: dict[Region, tuple] = {}      # region -> a case of it (from exists)
        self._subs: dict[tuple, _Sub] = {}
        self._by_atoms: dict[tuple, _Sub] = {}
        self.queries = 0
        self._base: Optional[dict] = None
        self._prefer: dict = {}
        self.keys = sorted(list(enc.policy.facts) + [("reading", n) for n in enc.readings], key=str)

    def admissibility(self) -> Admissibility:
        """Kleene admissibility of both sides (one evaluator, made once)."""
        if self._admissibility is None:
            self._admissibility = Admissibility(
                self.slicer.policy(self.slicer.closure(())), self.old_assumptions,
                self.new_assumptions, self.slicer)
        return self._admissibility

    def implications(self) -> Implications:
        """Binary clauses of the assumptions of both sides (computed once)."""
        if self._implications is None:
            p = self.enc.policy
            bools = {n for n, f in p.facts.items() if isinstance(f.type, BoolType)}
            self._implications = Implications(self.admissibility(), self.slicer,
                                              bools | set(p.interpretations))
        return self._implications

    def prepare(self, pairs) -> None:
        """Announce the (old atom, new atom) pairs whose flip regions will be asked about:
        they share one solver and evaluator, on the union of their slices (optional; a
        region not announced gets the slice of its own atoms)."""
        sub = self._make([a for pair in pairs for a in pair])
        for pair in [()] + [tuple(p) for p in pairs]:
            self._by_atoms.setdefault(pair, sub)

    def _make(self, atoms) -> _Sub:
        """The slice solver of these atoms (one per distinct slice)."""
        key = (self.slicer.closure(atoms), self.slicer.closure(atoms, assumptions=False))
        if key not in self._subs:
            self._subs[key] = _Sub(self, len(self._subs), atoms, key[0])
        return self._subs[key]

    def sub(self, region: Region) -> _Sub:
        """The slice solver answering for a region (by the outcome atoms its goal reads)."""
        atoms = (region.goal[1], region.goal[2]) if region.goal[0] == "flip" else ()
        if atoms not in self._by_atoms:
            self._by_atoms[atoms] = self._make(atoms)
        return self._by_atoms[atoms]

    # ------------------------------------------------------------ regions
    def atom(self, atom) -> z3.BoolRef:
        """The z3 variable of an outcome atom of the merged policy (None: false)."""
        return z3.BoolVal(False) if atom is None else self.enc.atoms[atom]

    def flip(self, old_atom, new_atom, direction: str) -> Region:
        """Cases admissible on both sides where the outcome is lost (old true, new false),
        gained (old false, new true) or changed (either)."""
        return Region(("old", "new"), ("flip", old_atom, new_atom, direction))

    def admissible_only(self, side: str) -> Region:
        """Cases admissible on ``side`` ('old' / 'new') only."""
        return Region((), ("only", side))

    def side_consistent(self, side: str) -> Region:
        """The admissible cases of one side (empty iff its assumptions contradict)."""
        return Region((), ("adm", side))

    def formulas(self, region: Region) -> tuple[z3.BoolRef, z3.BoolRef]:
        """(scope, goal) of a region as z3 formulas."""
        scope = [self.adm[s] for s in region.sides] + [self.lit(x) for x in region.within]
        scope += [z3.Not(z3.And([self.lit(x) for x in c] + [z3.BoolVal(True)]))
                  for c in region.excluded]
        g = region.goal
        if g[0] == "flip":
            a, b = self.atom(g[1]), self.atom(g[2])
            goal = {"lost": z3.And(a, z3.Not(b)), "gained": z3.And(z3.Not(a), b),
                    "changed": z3.Xor(a, b)}[g[3]]
        elif g[0] == "adm":
            goal = self.adm[g[1]]
        elif g[0] == "only":
            goal = z3.And(self.adm[g[1]], z3.Not(self.adm["new" if g[1] == "old" else "old"]))
        else:
            goal = z3.BoolVal(True)
        return z3.And(scope + [z3.BoolVal(True)]), goal

    def exists(self, region: Region) -> tuple[str, Optional[str]]:
        """(SAT / UNSAT / UNKNOWN, reason): SAT iff some case lies in the region. A lost /
        gained / one-side region found non-empty keeps its model's case for ``cubes``."""
        sub = self.sub(region)
        status = sub.sat(sub.indicator(region))
        if status == SAT and region.goal[0] in ("flip", "only") and region.goal[-1] != "changed":
            self._first[region] = sub.model()
        return status, (sub.solver.reason_unknown() if status == UNKNOWN else None)

    def inside(self, region: Region, cube: list[tuple]) -> tuple[bool, Optional[tuple]]:
        """The solver's unsat(scope and cube and not goal), and on sat a counterexample
        (case, readings) from its model."""
        sub = self.sub(region)
        status = sub.sat(sub.indicator(region, False) + [sub.cube_pin(x) for x in cube])
        return status == UNSAT, (sub.model() if status == SAT else None)

    # ------------------------------------------------------------ witnesses
    def fact_formula(self, name, value) -> z3.BoolRef:
        """``name = value`` (fact or, with name ('reading', n), a reading) as a formula."""
        if isinstance(name, tuple):
            var = self.enc.readings[name[1]]
            return var if value else z3.Not(var)
        return self.enc.fact_literal(name, value)

    def witness(self, region: Region, cube=(), inputs=None, known=None
                ) -> Optional[tuple[dict, dict]]:
        """(case, readings) in the region (and inside ``cube``, a list of cube literals);
        None if there is none. Canonical (independent of the models z3 returns): inputs in
        name order are pinned to their default whenever possible given the earlier ones
        (so the set of inputs away from the default is subset-minimal), then each remaining
        one to its smallest possible value (first label; least integer; true). ``inputs``:
        the inputs the region depends on; all others are first tried at the base case's
        values at once. ``known``: a case of the region, if one is at hand."""
        if cube:
            region = Region(region.sides, region.goal, region.within + tuple(cube),
                            region.excluded)
        sub = self.sub(region)
        if known is None or not sub.test.member(region, *known):
            if sub.sat(sub.indicator(region)) != SAT:
                return None
            known = sub.model()
        keys = self.keys
        self.base()
        self._prefer = self._preferred(cube)
        g = Greedy(sub, region, known, {k: self._default(k) for k in keys})
        if inputs is not None:         # inputs the region does not depend on: base, at once
            wanted = set(inputs)
            others = [k for k in keys if (k[1] if isinstance(k, tuple) else k) not in wanted]
            if g.try_pin([(k, self._default(k)) for k in others]):
                keys = [k for k in keys if (k[1] if isinstance(k, tuple) else k) in wanted]
        free = [k for k in keys if not g.try_pin([(k, self._default(k))])]
        for key in free:
            g.least(key, self._default(key))
        if not sub.test.member(region, *g.w):
            raise AssertionError(f"canonical witness outside its region: {g.w}")
        return g.w

    def _default(self, key):
        if key in self._prefer:
            return self._prefer[key]
        return self.base().get(key, self._neutral(key))

    def _neutral(self, key):
        return False if isinstance(key, tuple) else self.enc.default_value(key)

    def base(self) -> dict:
        """The canonical case admissible on both sides (computed once): inputs at their
        neutral default wherever the assumptions allow, in name order, the rest least.
        Witnesses start from it, so conflicts with the assumptions are resolved once."""
        if self._base is None:
            self._base = {}
            found = self.witness(Region(("old", "new"), ("true",)))
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

    # ------------------------------------------------------------ cubes (prime implicants)
    def lit(self, lit: tuple) -> z3.BoolRef:
        """A cube literal as a z3 formula."""
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
            rest = Region(region.sides, region.goal, region.within,
                          region.excluded + tuple(tuple(c) for c in found))
            sub = self.sub(rest)
            known = self._first.pop(rest, None)
            status = SAT if known is not None else sub.sat(sub.indicator(rest))
            if status == UNSAT:
                return found, witnesses, True
            if status != SAT or len(found) >= max_cubes:
                return found, witnesses, False
            case, rds = self.witness(rest, inputs=list(facts) + list(readings),
                                     known=known or sub.model())
            cube = self._cube_of(case, rds, facts, readings)
            found.append(Shrinker(self, region, case, rds).generalise(cube))
            witnesses.append((case, rds))
