"""Solver sessions over an Encoding, with three-valued results and time limits.

One ``EngineSolver`` asserts the domain and the definitions once; every query is a
fresh literal ``q`` with ``q -> formula`` asserted and ``q`` assumed, so the solver and
everything it learned are reused (no re-encoding, no push/pop).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

import z3

from .encode import Encoding

PROVEN, REFUTED, UNKNOWN = "proven", "refuted", "unknown"
DEFAULT_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Result:
    """A three-valued answer.

    ``prove(claim)``: PROVEN iff no admissible case violates ``claim`` (``core`` names the
    tracked constraints the proof needs); REFUTED with ``model`` (a case violating it);
    UNKNOWN with ``reason`` (timeout, incompleteness).
    ``exists(cond)`` = ``prove(Not(cond))``: REFUTED(model) means a case with ``cond``
    exists (the model is one); PROVEN means no admissible case has ``cond``.
    """

    status: str
    model: Optional[z3.ModelRef] = field(default=None, compare=False)
    reason: Optional[str] = None
    core: tuple[str, ...] = ()

    @property
    def proven(self) -> bool:
        return self.status == PROVEN

    @property
    def refuted(self) -> bool:
        return self.status == REFUTED

    @property
    def unknown(self) -> bool:
        return self.status == UNKNOWN


def pin_terms(enc: Encoding, fact: str, value) -> tuple[z3.BoolRef, Optional[z3.BoolRef]]:
    """(literal, definition) for ``fact = value``: the fact's own literal and None for a
    boolean or enum fact; for an integer fact a Bool ``pin:FACT=VALUE`` and its defining
    equation (to assert). Built once per encoding (z3 terms are immutable)."""
    enc = getattr(enc, "full", enc)              # an EncodingView shares its encoding's
    cache = enc.__dict__.setdefault("_pin_terms", {})
    key = (fact, value)
    got = cache.get(key)
    if got is None:
        lit = enc.fact_literal(fact, value)
        if z3.is_const(lit) or (z3.is_not(lit) and z3.is_const(lit.arg(0))):
            got = (lit, None)
        else:
            q = z3.Bool(f"pin:{fact}={value}")
            got = (q, q == lit)
        cache[key] = got
    return got


def _kept(enc: Encoding, keep: frozenset) -> tuple[list, list]:
    """The type constraints and definitions named in ``keep``, in the encoding's order
    (an index by name is built once per encoding, so a slice costs its own size)."""
    enc = getattr(enc, "full", enc)
    index = enc.__dict__.get("_by_name")
    if index is None:
        index = enc.__dict__["_by_name"] = {
            c.name: (i, c) for i, c in enumerate([*enc.domain, *enc.definitions])}
    found = sorted(index[n] for n in keep if n in index)
    cut = len(enc.domain)
    return [c for i, c in found if i < cut], [c for i, c in found if i >= cut]


class EngineSolver:
    """A reusable solver over one Encoding.

    ``track_rules``: each rule's definitions are guarded by its tracking literal
    (``enc.rules[r].track``) and those literals are assumed on every check, so unsat cores
    and consequences name the rules they rest on. ``track_assumptions``: each assumption is
    guarded by its literal (``assume:NAME``), likewise assumed. ``reading`` fixes
    interpretations (others stay free). Every check runs under ``timeout_ms``.
    ``keep`` (constraint names): assert only those type constraints and definitions (and
    every assumption) — a slice, for questions that read nothing else.
    """

    def __init__(self, enc: Encoding, reading: dict[str, bool] | None = None, *,
                 logic: str = "QF_FD", timeout_ms: int = DEFAULT_TIMEOUT_MS,
                 track_rules: bool = False, track_assumptions: bool = True,
                 minimize_cores: bool = False, keep: Optional[frozenset] = None):
        self.enc = enc
        self.timeout_ms = int(timeout_ms)
        self.solver = z3.SolverFor(logic) if logic else z3.Solver()
        self.solver.set("timeout", int(timeout_ms))
        if logic == "QF_FD":
            self.solver.set("phase", "always_false")   # models lean to the neutral default
        self.minimize_cores = minimize_cores   # applied only to checks that ask for a core
        self.tracked: list[z3.BoolRef] = []    # literals assumed on every check
        self._names: dict[int, str] = {}       # literal ast id -> constraint name
        domain, definitions = (enc.domain, enc.definitions) if keep is None else _kept(enc, keep)
        ctx = self.solver.ctx.ref()
        native = self.solver.solver
        for c in domain:                       # Z3_solver_assert: z3py's add re-checks each
            z3.Z3_solver_assert(ctx, native, c.constraint.as_ast())
        for c in definitions:
            if track_rules and c.literal is not None:
                self.solver.add(z3.Implies(c.literal, c.constraint))
            else:
                z3.Z3_solver_assert(ctx, native, c.constraint.as_ast())
        if track_rules:
            for rid, v in enc.rules.items():
                self._track(v.track, f"rule:{rid}")
        for c in enc.assumptions:
            if track_assumptions:
                self.solver.add(z3.Implies(c.literal, c.constraint))
                self._track(c.literal, c.name)
            else:
                self.solver.add(c.constraint)
        self.reading = dict(reading or {})
        self._queries = 0
        self.checks = 0                        # solver calls so far (statistics)
        self._depth = 0                        # open scopes
        self._pins: dict[tuple, z3.BoolRef] = {}
        self._base_cache: dict[tuple, list] = {}   # reading -> base literals
        self._ast_cache: dict[tuple, list] = {}    # reading -> their raw pointers
        self._reading_lits: dict[tuple, z3.BoolRef] = {}

    def _track(self, literal: z3.BoolRef, name: str) -> None:
        self.tracked.append(literal)
        self._names[literal.get_id()] = name

    # ------------------------------------------------------------ basics
    def base(self) -> list[z3.BoolRef]:
        """The literals assumed on every check: tracking literals and the reading."""
        key = tuple(sorted(self.reading.items()))
        lits = self._base_cache.get(key)
        if lits is None:
            lits = self._base_cache[key] = self.tracked + self.enc.reading_literals(self.reading)
        return list(lits)

    def _base_asts(self) -> list:
        """``base()`` as raw z3 pointers (z3py's ``check`` re-casts every literal on every
        call, which cost more than the solving on the 办法)."""
        key = tuple(sorted(self.reading.items()))
        asts = self._ast_cache.get(key)
        if asts is None:
            asts = self._ast_cache[key] = [lit.as_ast() for lit in self.base()]
        return list(asts)

    @contextmanager
    def scope(self, formula: z3.BoolRef):
        """Assert ``formula`` for the duration of a with-block (push/pop): the cheapest way
        to ask several questions about one condition (e.g. minimising a witness)."""
        self.solver.push()
        self._depth += 1
        try:
            self.solver.add(formula)
            yield
        finally:
            self._depth -= 1
            self.solver.pop()

    def add(self, constraint: z3.BoolRef) -> None:
        """Assert a constraint (inside a ``scope``, it lasts as long as the scope)."""
        self.solver.add(constraint)

    def exclude_readings(self, cubes: Iterable[Iterable[tuple[str, bool]]]) -> None:
        """Assert that the interpretations agree with none of ``cubes`` (partial
        readings); inside a ``scope`` this lasts as long as the scope. An empty cube
        excludes every reading. Built through the C API (z3py's And/Or re-check the sort
        of every argument)."""
        ctx = self.solver.ctx
        for cube in cubes:
            lits = [self._reading_literal(n, not v).as_ast() for n, v in cube]
            clause = z3.BoolRef(z3.Z3_mk_or(ctx.ref(), len(lits), (z3.Ast * len(lits))(*lits)), ctx)
            z3.Z3_solver_assert(ctx.ref(), self.solver.solver, clause.as_ast())

    def _reading_literal(self, name: str, value: bool) -> z3.BoolRef:
        key = (name, value)
        lit = self._reading_lits.get(key)
        if lit is None:
            var = self.enc.readings[name]
            lit = self._reading_lits[key] = var if value else z3.Not(var)
        return lit

    def literal(self, formula: z3.BoolRef) -> z3.BoolRef:
        """A fresh literal q with ``q -> formula`` asserted: assume q to ask about formula."""
        self._queries += 1
        q = z3.Bool(f"query:{self._queries}")
        self.solver.add(z3.Implies(q, formula))
        return q

    def at_most(self, fact: str, value: int) -> z3.BoolRef:
        """A fresh literal for ``fact <= value`` (an integer fact, offset encoding)."""
        var, lo = self.enc.facts[fact], self.enc.policy.facts[fact].type.lo
        return self.literal(z3.ULE(var, z3.BitVecVal(value - lo, var.size())))

    def pin(self, fact: str, value) -> z3.BoolRef:
        """A literal standing for ``fact = value`` (usable as an assumption in QF_FD).
        An integer pin made inside a ``scope`` lives only as long as the scope."""
        key = (fact, value)
        if key in self._pins:
            return self._pins[key]
        lit, definition = pin_terms(self.enc, fact, value)
        if definition is not None:
            self.solver.add(definition)
        if definition is None or self._depth == 0:
            self._pins[key] = lit
        return lit

    def check(self, assumptions: Iterable[z3.BoolRef] = (), core: bool = True) -> Result:
        """Satisfiability of the admissible cases with ``assumptions`` (literals).
        REFUTED(model) = sat, PROVEN(core) = unsat, UNKNOWN(reason). With ``core=False``
        an unsat answer carries no core (naming it costs more than many small checks)."""
        self.checks += 1
        asts = self._base_asts() + [a.as_ast() for a in assumptions]
        ctx = self.solver.ctx
        minimize = core and self.minimize_cores
        if minimize:
            self.solver.set("core.minimize", True)
        r = z3.Z3_solver_check_assumptions(ctx.ref(), self.solver.solver, len(asts),
                                           (z3.Ast * len(asts))(*asts))
        if minimize:
            self.solver.set("core.minimize", False)
        if r == z3.Z3_L_TRUE:
            return Result(REFUTED, z3.ModelRef(z3.Z3_solver_get_model(ctx.ref(), self.solver.solver), ctx))
        if r == z3.Z3_L_FALSE:
            names = tuple(sorted(self.name_of(c) for c in self.solver.unsat_core())) if core else ()
            return Result(PROVEN, core=names)
        return Result(UNKNOWN, reason=self.solver.reason_unknown() or "unknown")

    # ------------------------------------------------------------ queries
    def exists(self, condition: z3.BoolRef, assumptions: Iterable[z3.BoolRef] = ()) -> Result:
        """REFUTED(model) iff some admissible case satisfies ``condition``; PROVEN iff none."""
        with self.scope(condition):
            return self.check(assumptions)

    def prove(self, claim: z3.BoolRef, assumptions: Iterable[z3.BoolRef] = ()) -> Result:
        """PROVEN iff ``claim`` holds in every admissible case (unsat iff no admissible
        case violates it); REFUTED(model) gives a counterexample."""
        return self.exists(z3.Not(claim), assumptions)

    def consistent(self) -> Result:
        """REFUTED(model) iff there is an admissible case; PROVEN(core) iff the assumptions
        (and types) contradict each other, ``core`` naming the assumptions involved."""
        return self.check()

    def consequences(self, assumptions: list[z3.BoolRef], atoms: list[z3.BoolRef]):
        """``z3.Solver.consequences`` with the base literals added to ``assumptions``
        (all must be literals: use ``pin`` for facts). Returns (status, implications)."""
        return self.solver.consequences(self.base() + list(assumptions), atoms)

    def name_of(self, literal: z3.BoolRef) -> str:
        """The constraint name a tracked literal stands for."""
        name = self._names.get(literal.get_id())
        return name if name is not None else str(literal)


class LazySolver:
    """An EngineSolver built on first use, for a question that the evaluator may answer
    alone (seed cases, witness candidates): until a check needs the solver, scopes and
    the pins of boolean and enum facts are only recorded (integer pins: their defining
    equation is recorded with the scope), then replayed onto the solver in order when it
    is built. ``reading`` and ``checks`` live here until then."""

    def __init__(self, make: Callable[[], EngineSolver], enc: Encoding,
                 timeout_ms: int = DEFAULT_TIMEOUT_MS, minimize_cores: bool = False):
        self._make, self._solver, self.enc = make, None, enc
        self.timeout_ms, self.minimize_cores = timeout_ms, minimize_cores   # as make's
        self._reading: dict = {}
        self._checks = 0
        self._scopes: list[tuple] = []         # open scopes: (formula, constraints added)
        self._top: list = []                   # constraints added outside any scope
        self._top_pins: dict = {}

    def _real(self) -> EngineSolver:
        if self._solver is None:
            s = self._solver = self._make()
            s.reading, s.checks = self._reading, self._checks
            for c in self._top:
                s.solver.add(c)
            s._pins.update(self._top_pins)
            for formula, added in self._scopes:
                s.solver.push()
                s._depth += 1
                s.solver.add(formula)
                for c in added:
                    s.solver.add(c)
        return self._solver

    @property
    def reading(self) -> dict:
        return self._solver.reading if self._solver is not None else self._reading

    @reading.setter
    def reading(self, value: dict) -> None:
        if self._solver is not None:
            self._solver.reading = value
        else:
            self._reading = value

    @property
    def checks(self) -> int:
        return self._solver.checks if self._solver is not None else self._checks

    @checks.setter
    def checks(self, value: int) -> None:
        if self._solver is not None:
            self._solver.checks = value
        else:
            self._checks = value

    @contextmanager
    def scope(self, formula: z3.BoolRef):
        """``EngineSolver.scope``, recorded while there is no solver."""
        if self._solver is not None:
            with self._solver.scope(formula):
                yield
            return
        self._scopes.append((formula, []))
        try:
            yield
        finally:
            self._scopes.pop()
            if self._solver is not None:       # built inside this scope: close its push
                self._solver._depth -= 1
                self._solver.solver.pop()

    def pin(self, fact: str, value) -> z3.BoolRef:
        """``EngineSolver.pin``, without building the solver."""
        if self._solver is not None:
            return self._solver.pin(fact, value)
        q, definition = pin_terms(self.enc, fact, value)
        if definition is None:
            return q
        key = (fact, value)
        if not self._scopes and key in self._top_pins:
            return self._top_pins[key]
        if self._scopes:
            self._scopes[-1][1].append(definition)
        else:
            self._top.append(definition)
            self._top_pins[key] = q
        return q

    def __getattr__(self, name):
        return getattr(self._real(), name)
