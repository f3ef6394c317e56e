"""Solver queries for rulings on partial cases (the only rulings code that imports z3).

One incremental ``SolverFor("QF_FD")`` holds the policy with a tracking literal per rule
and per assumption; a case is a list of literals (facts, readings). ``decide`` answers
every outcome with at most one ``consequences`` call, after bit-parallel witness lanes in
plain Python (``verifier.evaluate.lanes``: the case's three-valued evaluation and up to
1,023 candidate completions) and implicants learnt from earlier calls have settled what
they can; proofs (minimal cores), completions and deciding sets are computed on demand.

Contracts (each query states what unsat means):
- ``admissible``: unsat iff the known facts and readings contradict the assumptions.
- ``decide``: an outcome is returned with a value only when it takes that value in every
  admissible completion (lane 0: in every completion satisfying what the assumptions
  force; implicant: a learnt entailment; solver: unsat of its negation); an outcome is
  left out only when it takes both values in admissible completions (two witness lanes,
  or the solver).
- ``core``: the premises returned make ``goal`` fail unsat, and dropping any one of them
  makes it sat (deletion-checked).
- ``deciding``: a set S of unknown facts is returned only when two completions that agree
  on S (and on the case) cannot disagree on the outcome (unsat of the two-copy query).
"""
from __future__ import annotations

from copy import copy as _shallow_copy
from itertools import combinations, product

import z3
from z3 import z3core as Z3

from ..evaluate.lanes import LaneEvaluator
from ..evaluate.partial import FALSE, PartialEvaluator
from ..evaluate.structure import incompatible
from ..rulings.deps import Cone
from ..rulings.lanes import CaseLanes
from ..model import (DECIDE, MAY, MUST, MUST_NOT, TERM, And, Arith, AtLeast, BoolLit, BoolType,
                     Compare, Deontic, EnumType, Implies, IntLit, IntType, Is, Not, Or, PolicySet,
                     Ref, leaves)

RULE, ASSUMPTION, FACT, READING = "rule", "assumption", "fact", "reading"


class _Copy:
    """One copy of the policy's semantics in a solver, with symbols named by ``prefix``."""

    def __init__(self, policy: PolicySet, solver, prefix: str, tracked: bool,
                 facts: dict | None = None, reading: dict | None = None):
        """``facts``: share another copy's fact constants; ``reading``: fix the interpretations."""
        self.policy, self.solver, self.prefix = policy, solver, prefix
        p = policy
        self._always: list = []             # asserted as they are (bounds, atom definitions)
        self._bodies: list = []             # rules and assumptions: (kind, name, body)
        self.facts = dict(facts or {})
        for name, fact in sorted(p.facts.items()) if facts is None else ():
            if isinstance(fact.type, BoolType):
                self.facts[name] = z3.Bool(f"{prefix}f:{name}")
            else:
                v = self.facts[name] = z3.Int(f"{prefix}f:{name}")
                lo, hi = (fact.type.lo, fact.type.hi) if isinstance(fact.type, IntType) else (0, len(fact.type.labels) - 1)
                self._assert(v >= lo, v <= hi)
        self.interps = {n: z3.Bool(f"{prefix}i:{n}") if reading is None else z3.BoolVal(reading[n])
                        for n in sorted(p.interpretations)}
        self.app = {r: z3.Bool(f"{prefix}app:{r}") for r in sorted(p.rules)}
        self.eff = {r: z3.Bool(f"{prefix}eff:{r}") for r in sorted(p.rules)}
        self.atoms: dict[tuple, z3.BoolRef] = {}
        self._define_atoms()
        self.trackers: dict[tuple[str, str], z3.BoolRef] = {}
        for rid in sorted(p.rules):
            body = self._rule_semantics(rid)
            self._add(RULE, rid, body, tracked)
        for a in p.assumptions if facts is None else ():
            self._add(ASSUMPTION, a.name, self.expr(a.expr), tracked)

    def _assert(self, *constraints) -> None:
        self._always += constraints
        self.solver.add(*constraints)

    def twin(self, solver, prefix: str, tracked: bool) -> "_Copy":
        """The same semantics, on the same symbols, asserted in another solver (rules and
        assumptions tracked or not): building the expressions is most of a copy's cost."""
        other = _shallow_copy(self)
        other.solver, other.prefix, other.trackers = solver, prefix, {}
        other._bodies = []
        solver.add(*self._always)
        for kind, name, body in self._bodies:
            other._add(kind, name, body, tracked)
        return other

    def _add(self, kind: str, name: str, body, tracked: bool) -> None:
        self._bodies.append((kind, name, body))
        if tracked:
            t = self.trackers[(kind, name)] = z3.Bool(f"{self.prefix}track:{kind}:{name}")
            self.solver.add(z3.Implies(t, body))
        else:
            self.solver.add(body)

    # ------------------------------------------------------------ atoms
    def _concluding(self, kind, target, value=None):
        return [self.eff[r.id] for r in sorted(self.policy.rules.values(), key=lambda r: r.id)
                if (r.conclusion.kind, r.conclusion.target, r.conclusion.value) == (kind, target, value)]

    def _atom(self, key: tuple, definition) -> z3.BoolRef:
        const = z3.Bool(f"{self.prefix}o:{'/'.join(str(k) for k in key)}")
        self._assert(const == definition)
        self.atoms[key] = const
        return const

    def _define_atoms(self) -> None:
        p = self.policy
        for x in sorted(p.actions):
            must = self._atom((MUST, x, None), z3.Or(self._concluding(MUST, x)))
            self._atom((MAY, x, None), z3.Or([must] + self._concluding(MAY, x)))
            self._atom((MUST_NOT, x, None), z3.Or(self._concluding(MUST_NOT, x)))
        for d, dec in sorted(p.decisions.items()):
            concluded = [z3.Or(self._concluding(DECIDE, d, x)) for x in dec.alternatives]
            for i, x in enumerate(dec.alternatives):
                higher = concluded[:i] if dec.ordered else []
                self._atom((DECIDE, d, x), z3.And([concluded[i]] + [z3.Not(h) for h in higher]))
        for t, term in sorted(p.terms.items()):
            if term.definition is None:
                self._atom((TERM, t, None), z3.Or(self._concluding(TERM, t)))
        pending = sorted(t for t, term in p.terms.items() if term.definition is not None)
        while pending:                         # defined terms, in dependency order
            progress = []
            for t in pending:
                try:
                    self._atom((TERM, t, None), self.expr(p.terms[t].definition))
                    progress.append(t)
                except KeyError:
                    continue
            if not progress:
                raise ValueError(f"cyclic term definitions: {pending}")
            pending = [t for t in pending if t not in progress]
        for disc in sorted(p.discretions, key=lambda d: d.id):
            self._atom(("discretion", disc.id, None), z3.BoolVal(True) if disc.condition is None else self.expr(disc.condition))
        for target in sorted({d.target for d in p.discretions}):
            ids = [self.atoms[("discretion", d.id, None)] for d in p.discretions if d.target == target]
            self._atom(("discretion_on", target, None), z3.Or(ids))

    def _rule_semantics(self, rid: str):
        p = self.policy
        rule = p.rules[rid]
        app = self.expr(rule.condition)
        if rule.unless is not None:
            app = z3.And(app, z3.Not(self.expr(rule.unless)))
        stronger = [self.app[h] for h, low in sorted(p.prevails) if low == rid and h in p.rules
                    and incompatible(p, p.rules[h].conclusion, rule.conclusion)]
        return z3.And(self.app[rid] == app, self.eff[rid] == z3.And(self.app[rid], z3.Not(z3.Or(stronger))))

    # ------------------------------------------------------------ expressions
    def expr(self, e):
        if isinstance(e, BoolLit):
            return z3.BoolVal(e.value)
        if isinstance(e, IntLit):
            return z3.IntVal(e.value)
        if isinstance(e, Ref):
            if e.name in self.facts:
                return self.facts[e.name]
            if e.name in self.interps:
                return self.interps[e.name]
            return self.atoms[(TERM, e.name, None)]     # KeyError: not yet defined
        if isinstance(e, Not):
            return z3.Not(self.expr(e.operand))
        if isinstance(e, And):
            return z3.And([self.expr(o) for o in e.operands])
        if isinstance(e, Or):
            return z3.Or([self.expr(o) for o in e.operands])
        if isinstance(e, Implies):
            return z3.Implies(self.expr(e.left), self.expr(e.right))
        if isinstance(e, Compare):
            a, b = self.expr(e.left), self.expr(e.right)
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "=": a == b, "!=": a != b}[e.op]
        if isinstance(e, Arith):
            a, b = self.expr(e.left), self.expr(e.right)
            return {"+": a + b, "-": a - b, "*": a * b}[e.op]
        if isinstance(e, Is):
            if e.subject in self.policy.decisions:
                body = z3.Or([self.atoms[(DECIDE, e.subject, x)] for x in e.labels])
            else:
                labels = self.policy.facts[e.subject].type.labels
                body = z3.Or([self.facts[e.subject] == labels.index(x) for x in e.labels])
            return z3.Not(body) if e.negated else body
        if isinstance(e, AtLeast):
            return z3.Sum([z3.If(self.expr(o), 1, 0) for o in e.operands] + [z3.IntVal(0)]) >= e.k
        if isinstance(e, Deontic):
            return self.atoms[(e.modality, e.action, None)]
        raise TypeError(f"unknown expression {e!r}")


def _raw(checked):
    """The ctypes function behind a z3core wrapper (skips the per-call error check)."""
    return checked.__defaults__[0].f


def _overlay(base, parts: list[tuple[int, object]]):
    """A lane input equal to ``base`` except in each ``(mask, input)`` part's lanes, where it
    is that input (inputs: ``(t, f)`` masks, or lists of entries ending in a mask)."""
    covered = 0
    for mask, _ in parts:
        covered |= mask
    if isinstance(base, tuple):
        t, f = base[0] & ~covered, base[1] & ~covered
        for mask, (pt, pf) in parts:
            t, f = t | pt & mask, f | pf & mask
        return t, f
    out = [entry[:-1] + (entry[-1] & ~covered,) for entry in base if entry[-1] & ~covered]
    return out + [entry[:-1] + (entry[-1] & mask,) for mask, part in parts for entry in part if entry[-1] & mask]


def _mentions(e, names: set) -> bool:
    """Whether an expression refers to one of ``names``."""
    return any(isinstance(x, Ref) and x.name in names for x in leaves(e))


class RulingsQuery:
    """The policy compiled once; per-case questions answered incrementally."""

    def __init__(self, policy: PolicySet):
        self.policy = policy
        self._logic = "QF_FD"
        self._compile()
        # outcomes the policy fixes whatever the facts are (e.g. no rule concludes them) are
        # answered once here and left out of every later call
        try:
            fixed = self._consequences(self.fast.solver, [], [var.as_ast() for var in self._vars])
        except RuntimeError:    # QF_FD gives up (sat.giveup) when assumptions contradict a fact's bounds
            self._logic = None
            self._compile()
            fixed = self._consequences(self.fast.solver, [], [var.as_ast() for var in self._vars])
        pointers = [var.as_ast() for var in self._vars]
        # (None: the assumptions admit no case at all; then every ``decide`` answers None)
        self._constant = dict(self._literal_ids[i] for i in fixed) if fixed is not None else {}
        # the rest go through the lanes first (see ``decide``); the solver is then asked
        # only about the facts and readings in the cones of what is left (``rulings.deps.Cone``)
        self.partial = PartialEvaluator(policy)
        position = {k: i for i, k in enumerate(self.partial.keys)}
        cone = self._cone = Cone(policy)
        self._pending = [(key, position[key], ptr, frozenset(cone.of(key)[0]))
                         for key, ptr in zip(self.outcomes, pointers) if key not in self._constant]
        self._position = position
        # what ``decide`` did (for the bench): cases; inadmissible in lane 0; decided without
        # the solver; solver calls, outcomes and case literals sent to it; outcomes shown
        # open by witness lanes; outcomes fixed by learnt implicants
        self.counts = {"cases": 0, "inadmissible": 0, "no_call": 0, "calls": 0, "atoms": 0,
                       "literals": 0, "witnessed": 0, "implied": 0}
        self.lanes = CaseLanes(policy, cone=cone)
        # per assumption component (facts and readings linked by assumptions, through terms
        # and outcomes too): the positions of its assumptions and its names
        self._components = [(tuple(position[("assumption", a.name, None)] for a in comp.assumptions),
                             frozenset(comp.names)) for comp in self.lanes.components]
        self.lane_evaluator = LaneEvaluator(policy)
        self._implicants: dict[tuple, list[frozenset]] = {}
        self._tracker_list = [self.main.trackers[k] for k in sorted(self.main.trackers)]
        self._lits: dict[tuple, z3.BoolRef] = {}
        self._pair = None
        self._irrelevant: dict[tuple, list[frozenset]] = {}   # learnt: reading irrelevant given these
        self._others: dict[str, list] = {}
        self._copy_lanes = None
        self._lane0: tuple = (None, (), ())          # the last case ``decide`` evaluated, lane 0
        self._wanted: dict[frozenset, list] = {}

    IMPLICANT_LIMIT = 200      # learnt implicants kept per outcome and value

    def _new_solver(self):
        """A solver for finite domains (the general one if QF_FD gave up on this policy)."""
        return z3.SolverFor(self._logic) if self._logic else z3.Solver()

    def _compile(self) -> None:
        """The two copies of the policy every query uses: untracked (``fast``) and with a
        tracking literal per rule and assumption (``main``, for cores)."""
        self.fast = _Copy(self.policy, self._new_solver(), "", tracked=False)
        self.solver = self._new_solver()
        self.main = self.fast.twin(self.solver, "t.", tracked=True)
        self.outcomes = sorted(self.main.atoms)
        self._vars = [self.fast.atoms[k] for k in self.outcomes]
        self._negations = [z3.Not(v) for v in self._vars]      # kept alive: pointers are stable
        self._literal_ids = {}
        for key, var, neg in zip(self.outcomes, self._vars, self._negations):
            self._literal_ids[var.as_ast().value] = (key, True)
            self._literal_ids[neg.as_ast().value] = (key, False)

    # ------------------------------------------------------------ all readings in one call
    MAX_MULTI = 8
    multi_allowed = True       # the caller clears it when an assumption depends on a reading

    def _build_multi(self) -> None:
        """One solver holding a copy of the rules per reading, sharing the facts.

        Valid only when no assumption mentions an interpretation (then admissibility does
        not depend on the reading); otherwise ``decide_all`` falls back to one call per reading.
        """
        p = self.policy
        names = sorted(p.interpretations)
        mentions = any(_mentions(a.expr, set(names)) for a in p.assumptions) or not self.multi_allowed
        self._multi = None
        if not names or mentions or 2 ** len(names) > self.MAX_MULTI:
            return
        solver = self._new_solver()
        base = _Copy(p, solver, "m.", tracked=False, reading={n: True for n in names})
        copies = {}
        for values in product((True, False), repeat=len(names)):
            reading = tuple(zip(names, values))
            copies[reading] = base if all(values) else _Copy(
                p, solver, "m" + "".join("1" if v else "0" for v in values) + ".", False,
                facts=base.facts, reading=dict(reading))
        vector, ids, keep = [], {}, []
        for reading, copy in copies.items():
            for key in self.outcomes:
                var = copy.atoms[key]
                neg = z3.Not(var)
                keep += [var, neg]
                vector.append(var.as_ast())
                ids[var.as_ast().value] = (reading, key, True)
                ids[neg.as_ast().value] = (reading, key, False)
        self._multi = (solver, base, copies, vector, ids, keep)

    def decide_all(self, facts) -> dict[tuple, dict] | None:
        """{reading: fixed outcomes} for every reading, in one call when possible (None: inadmissible)."""
        if not hasattr(self, "_multi"):
            self._build_multi()
        if self._multi is None:
            names = sorted(self.policy.interpretations)
            out = {}
            for values in product((True, False), repeat=len(names)):
                reading = tuple(zip(names, values))
                fixed = self.decide(facts, reading)
                if fixed is not None:
                    out[reading] = fixed
            return out or None
        solver, base, copies, vector, ids, _ = self._multi
        lits = [self.fact_literal(n, v, base) for n, v in facts]
        result = self._consequences(solver, lits, vector)
        if result is None:
            return None
        out = {reading: {} for reading in copies}
        for lit_id in result:
            reading, key, value = ids[lit_id]
            out[reading][key] = value
        return out

    @staticmethod
    def _consequences(solver, literals, atoms: list, antecedents: bool = False) -> list | None:
        """Ids of the literals over ``atoms`` (``as_ast()`` handles) fixed by ``literals``; None: unsat.

        With ``antecedents``: (literal id, ids of the assumption literals it depends on)
        pairs — z3 returns each consequence as ``And(those) => literal``, implied by the
        solver's assertions. Raw API: z3py's wrappers cost ~5x the solving on small policies.
        """
        ctx = solver.ctx.ref()
        push = _raw(Z3.Z3_ast_vector_push)
        assumptions = z3.AstVector(ctx=solver.ctx)
        for lit in literals:
            push(ctx, assumptions.vector, lit.as_ast())
        variables = z3.AstVector(ctx=solver.ctx)
        for atom in atoms:
            push(ctx, variables.vector, atom)
        result = z3.AstVector(ctx=solver.ctx)
        status = Z3.Z3_solver_get_consequences(ctx, solver.solver, assumptions.vector, variables.vector,
                                               result.vector)
        if status == Z3.Z3_L_FALSE:
            return None
        if status != Z3.Z3_L_TRUE:
            raise RuntimeError(f"solver answered unknown: {solver.reason_unknown()}")
        vec = result.vector                     # unchecked C calls: the vector holds implications
        get, arg = _raw(Z3.Z3_ast_vector_get), _raw(Z3.Z3_get_app_arg)
        # the consequent's pointer identifies the literal (terms are hash-consed and kept alive)
        implications = [get(ctx, vec, i) for i in range(Z3.Z3_ast_vector_size(ctx, vec))]
        if not antecedents:
            return [arg(ctx, imp, 1).value for imp in implications]
        out = []
        for imp in implications:
            ante = arg(ctx, imp, 0)
            kind = Z3.Z3_get_decl_kind(ctx, Z3.Z3_get_app_decl(ctx, ante))
            parts = ([arg(ctx, ante, j).value for j in range(Z3.Z3_get_app_num_args(ctx, ante))]
                     if kind == Z3.Z3_OP_AND else [] if kind == Z3.Z3_OP_TRUE else [ante.value])
            out.append((arg(ctx, imp, 1).value, parts))
        return out

    @staticmethod
    def _check_core(solver, literals: list) -> set | None:
        """None when the assumptions are satisfiable; else the pointers of an unsat core's
        literals (raw API, as ``_consequences``); unknown raises."""
        ctx = solver.ctx.ref()
        array = (z3.Ast * len(literals))()
        for i, lit in enumerate(literals):
            array[i] = lit.as_ast()
        status = Z3.Z3_solver_check_assumptions(ctx, solver.solver, len(literals), array)
        if status == Z3.Z3_L_TRUE:
            return None
        if status != Z3.Z3_L_FALSE:
            raise RuntimeError(f"solver answered unknown: {solver.reason_unknown()}")
        core = z3.AstVector(Z3.Z3_solver_get_unsat_core(ctx, solver.solver), solver.ctx)
        get = _raw(Z3.Z3_ast_vector_get)
        return {get(ctx, core.vector, i).value for i in range(Z3.Z3_ast_vector_size(ctx, core.vector))}

    # ------------------------------------------------------------ literals
    def fact_literal(self, name: str, value, copy: _Copy | None = None):
        copy = copy or self.main
        key = (copy.prefix, name, value)
        lit = self._lits.get(key)
        if lit is None:
            var = copy.facts[name]
            t = self.policy.facts[name].type
            if isinstance(t, BoolType):
                lit = var if value else z3.Not(var)
            else:
                number = t.labels.index(value) if isinstance(t, EnumType) else value
                lit = z3.Bool(f"{copy.prefix}is:{name}={value}")
                copy.solver.add(z3.Implies(lit, var == number))
            self._lits[key] = lit
        return lit

    def reading_literal(self, name: str, value: bool, copy: _Copy | None = None):
        copy = copy or self.main
        key = (copy.prefix, "reading", name, value)
        lit = self._lits.get(key)
        if lit is None:
            var = copy.interps[name]
            lit = self._lits[key] = var if value else z3.Not(var)
        return lit

    def possible(self, facts, readings, atoms: list[tuple[tuple, bool]]) -> bool:
        """Whether some admissible completion of the case gives every atom its value (sat)."""
        lits = self.case_literals(facts, readings, self.fast)
        lits += [self.fast.atoms[k] if v else z3.Not(self.fast.atoms[k]) for k, v in atoms]
        return self.fast.solver.check(lits) == z3.sat

    def case_literals(self, facts, readings, copy: _Copy | None = None) -> list:
        return ([self.fact_literal(n, v, copy) for n, v in facts]
                + [self.reading_literal(n, v, copy) for n, v in readings])

    def premise_literal(self, kind: str, item):
        if kind in (RULE, ASSUMPTION):
            return self.main.trackers[(kind, item)]
        if kind == FACT:
            return self.fact_literal(*item)
        return self.reading_literal(*item)

    # ------------------------------------------------------------ fast path
    def decide(self, facts, readings, wanted: frozenset | None = None) -> dict[tuple, bool] | None:
        """Every outcome fixed by the case: {outcome: value}; None when inadmissible.
        With ``wanted``, only those outcomes (and the constant ones) are answered; the
        others are left out as if undecided.

        Plain Python settles most of it, the solver the rest:

        1. Lanes (``verifier.evaluate.lanes``, inputs from ``rulings.lanes.CaseLanes``):
           one bit-parallel three-valued evaluation of lane 0 — the case itself, with the
           values its assumption components force — and of up to 1,023 complete candidate
           completions. Lane 0 is a Kleene evaluation: a FALSE assumption means no
           admissible completion (None, no solver call); a TRUE / FALSE outcome holds in
           every admissible completion (each satisfies the forced values). A complete
           lane where every assumption is TRUE is an admissible completion (an exact
           evaluation): it proves the case admissible, and an outcome TRUE in one such lane
           and FALSE in another is open — fixed by neither value.
        2. Learnt implicants: an outcome seen with one value only is fixed to it when a set
           of case literals the solver once showed to force that value (with the rules and
           assumptions: the antecedent of a z3 consequence) is contained in this case.
        3. The solver gets the outcomes still undecided, in one ``consequences`` call whose
           answer (unsat = no admissible completion) also settles admissibility; it is
           skipped when nothing is left and lane 0 or a witness lane shows admissibility.
           The call leaves out the known facts and readings that no pending outcome's cone
           (``rulings.deps.Cone``: the facts and readings it depends on, closed under the
           assumptions linking them) contains and whose assumption component has every
           assumption TRUE in lane 0: in an admissible completion of the smaller case,
           replacing that component's part by a completion of lane 0 (which agrees with
           the known facts and satisfies the component) gives an admissible completion of
           the case with the same pending outcomes, so the answer is the same. (Per
           assumption this would not do: lane 0 holds values the component forces, which
           may rest on the very fact left out.) Each fixed outcome's antecedent is learnt
           for step 2.
        """
        self.counts["cases"] += 1
        lanes = self.lanes.build(dict(facts), dict(readings))
        result = self.lane_evaluator.run(lanes[0], lanes[1], self.lanes.mask, full=False)
        if result is None:
            self.counts["inadmissible"] += 1
            return None
        sure, refuted = result
        self._lane0 = ((tuple(facts), tuple(readings)), sure, refuted)    # for ``known_in_case``
        return self._settle(facts, readings, wanted, sure, refuted, 1, sure[0] & self.lanes.witness)

    COPIES = 8                 # readings per lane run in ``decide_many`` (copies of the lanes)
    COPY_LANES = 512           # lanes per copy

    def _copied(self) -> CaseLanes:
        """The lanes laid out ``COPIES`` times side by side (built on first use)."""
        if self._copy_lanes is None:
            self._copy_lanes = CaseLanes(self.policy, lanes=self.COPY_LANES, cone=self._cone,
                                         copies=max(2, self.COPIES))
        return self._copy_lanes

    def _copy_mask(self, c: int) -> int:
        lanes = self._copied()
        return ((1 << lanes.lanes) - 1) << (c * lanes.lanes)

    def decide_many(self, requests: list[tuple[tuple, tuple, frozenset | None]]) -> list[dict | None]:
        """``[decide(facts, readings, wanted) for facts, readings, wanted in requests]``, with
        one lane run for up to ``COPIES`` requests: the lanes of what the requests share are
        laid out once per request (``CaseLanes(copies=K)``: copy c repeats the same candidate
        completions) and each copy's own facts and readings are set to its request's. A copy
        is then what ``decide`` reads off its lanes — its first lane is its case's
        three-valued evaluation (the values the assumption components force given less hold
        given more), a complete lane whose assumptions are all TRUE is an admissible
        completion of its case — with fewer lanes (a lane whose component values clash with
        a copy's own fact is no witness); what they leave goes to the solver as in
        ``decide``."""
        if len(requests) == 1 or self.COPIES <= 1:
            return [self.decide(*request) for request in requests]
        lanes = self._copied()
        out = []
        for start in range(0, len(requests), lanes.copies):
            chunk = requests[start:start + lanes.copies]
            inputs = []
            for index in (0, 1):            # facts, then readings
                common = set.intersection(*(set(request[index]) for request in chunk))
                inputs.append((common, [dict(request[index]) for request in chunk]))
            fact_lanes, reading_lanes = lanes.build(dict(inputs[0][0]), dict(inputs[1][0]))
            layers = []
            for (common, own), base in zip(inputs, (fact_lanes, reading_lanes)):
                layer = dict(base)
                for name in sorted({n for values in own for n in values} - {n for n, _ in common}):
                    parts = [(self._copy_mask(c), lanes.constant(name, values[name]))
                             for c, values in enumerate(own) if name in values]
                    layer[name] = _overlay(base[name], parts)
                layers.append(layer)
            sure, refuted = self.lane_evaluator.run(layers[0], layers[1], lanes.mask, full=True)
            for c, (facts, readings, wanted) in enumerate(chunk):
                self.counts["cases"] += 1
                head = 1 << (c * lanes.lanes)
                if refuted[0] & head:
                    self.counts["inadmissible"] += 1
                    out.append(None)
                    continue
                valid = sure[0] & self._copy_mask(c) & lanes.witness
                out.append(self._settle(facts, readings, wanted, sure, refuted, head, valid))
        return out

    def _pending_of(self, wanted: frozenset | None) -> list:
        """The entries of ``_pending`` (outcomes not constant) among ``wanted``, in order."""
        if wanted is None:
            return self._pending
        found = self._wanted.get(wanted)
        if found is None:
            if len(self._wanted) > 4096:
                self._wanted.clear()
            found = self._wanted[wanted] = [entry for entry in self._pending if entry[0] in wanted]
        return found

    def _settle(self, facts, readings, wanted, sure, refuted, head: int, valid: int) -> dict | None:
        """``decide`` from a lane evaluation: lane ``head`` is the case, ``valid`` its
        admissible complete lanes; learnt implicants, then the solver for what is left."""
        counts = self.counts
        out = dict(self._constant)
        pending, needed = [], set()
        literals, witnessed = None, 0
        for key, position, pointer, cone in self._pending_of(wanted):
            t = sure[position]
            if t & head:
                out[key] = True
                continue
            f = refuted[position]
            if f & head:
                out[key] = False
                continue
            seen_true, seen_false = t & valid, f & valid
            if seen_true and seen_false:
                witnessed += 1
                continue
            if literals is None:
                literals = set(facts)
                literals.update(readings)
            value = self._implied(key, seen_true, seen_false, literals)
            if value is not None:
                counts["implied"] += 1
                out[key] = value
                continue
            pending.append(pointer)
            needed |= cone
        counts["witnessed"] += witnessed
        if pending or not (sure[0] & head or valid):
            counts["calls"] += 1
            counts["atoms"] += len(pending)
            # a known fact or reading outside every pending outcome's cone, in a component
            # whose assumptions are all TRUE in lane 0, changes neither admissibility nor a
            # pending verdict: left out (see the docstring)
            for positions, names in self._components:
                if not all(sure[p] & head for p in positions):
                    needed |= names
            kept_facts = [f for f in facts if f[0] in needed]
            kept_readings = [r for r in readings if r[0] in needed]
            lits = self.case_literals(kept_facts, kept_readings, self.fast)
            items = kept_facts + kept_readings
            counts["literals"] += len(lits)
            found = self._consequences(self.fast.solver, lits, pending, antecedents=True)
            if found is None:
                return None
            item_of = {lit.as_ast().value: item for lit, item in zip(lits, items)}
            for literal, depends in found:
                key, value = self._literal_ids[literal]
                out[key] = value
                self._learn(key, value, frozenset(item_of[d] for d in depends))
        else:
            counts["no_call"] += 1
        return out

    def _implied(self, key: tuple, seen_true: int, seen_false: int, literals: set) -> bool | None:
        """The value a learnt implicant contained in ``literals`` fixes ``key`` to, if any
        (only a value some admissible lane shows, or either when no lane is admissible)."""
        for value in ((True,) if seen_true else (False,) if seen_false else (True, False)):
            for implicant in self._implicants.get((key, value), ()):
                if implicant <= literals:
                    return value
        return None

    def _learn(self, key: tuple, value: bool, implicant: frozenset) -> None:
        """Keep a set of case literals that forces ``key`` to ``value`` (most recent first)."""
        found = self._implicants.setdefault((key, value), [])
        if implicant not in found:
            found.insert(0, implicant)
            del found[self.IMPLICANT_LIMIT:]

    def decide_naive(self, facts, readings) -> dict[tuple, bool] | None:
        """The same answer with two satisfiability checks per outcome (the baseline)."""
        solver = self.fast.solver
        base = self.case_literals(facts, readings, self.fast)
        if solver.check(base) == z3.unsat:
            return None
        out = {}
        for key, var in zip(self.outcomes, self._vars):
            can_hold = solver.check(base + [var]) == z3.sat
            can_fail = solver.check(base + [z3.Not(var)]) == z3.sat
            if can_hold != can_fail:
                out[key] = can_hold
        return out

    # ------------------------------------------------------------ proofs
    def core(self, facts, readings, goal: tuple | None = None, holds: bool = True) -> list[tuple[str, object]]:
        """A minimal set of premises under which ``goal`` cannot fail (None goal: inadmissibility).

        Inadmissibility is explained, when the three-valued evaluation finds an assumption FALSE,
        from the first such assumption (declaration order) with the known facts, readings and
        rules it reaches, shrunk by deletion in a fixed order: the answer depends only on the
        case, not on what the solver was asked before (z3's unsat cores do).
        """
        if goal is None:
            seed = self._contradiction_seed(facts, readings)
            if seed is not None:
                return seed
        items = ([(k[0], k[1]) for k in sorted(self.main.trackers)]
                 + [(FACT, f) for f in facts] + [(READING, r) for r in readings])
        extra = []
        if goal is not None:
            var = self.main.atoms[goal]
            extra = [z3.Not(var) if holds else var]
        lits = [self.premise_literal(k, i) for k, i in items]
        if self.solver.check(lits + extra) != z3.unsat:
            raise ValueError("not forced: the premises do not decide the goal")
        core_ids = {c.get_id() for c in self.solver.unsat_core()}
        kept = [(k, i) for (k, i), lit in zip(items, lits) if lit.get_id() in core_ids]
        index = 0
        while index < len(kept):                      # deletion: keep only what is needed
            trial = kept[:index] + kept[index + 1:]
            if self.solver.check([self.premise_literal(k, i) for k, i in trial] + extra) == z3.unsat:
                ids = {c.get_id() for c in self.solver.unsat_core()}
                # premises already shown necessary lie in every core, so ``index`` stays valid
                kept = [(k, i) for k, i in trial if self.premise_literal(k, i).get_id() in ids]
            else:
                index += 1
        return kept

    def _contradiction_seed(self, facts, readings) -> list[tuple[str, object]] | None:
        values = self.partial.run(dict(facts), dict(readings))
        for a in self.policy.assumptions:
            if values[self._position[("assumption", a.name, None)]] != FALSE:
                continue
            names: set = set()
            rules: set = set()
            self._cone._walk_expr(a.expr, names, rules, set())
            kept = ([(ASSUMPTION, a.name)] + [(RULE, r) for r in sorted(rules)]
                    + [(FACT, f) for f in facts if f[0] in names]
                    + [(READING, r) for r in readings if r[0] in names])
            if self.solver.check([self.premise_literal(k, i) for k, i in kept]) != z3.unsat:
                return None             # cannot happen if Kleene evaluation is sound; fall back
            index = 0
            while index < len(kept):    # deletion in a fixed order: each answer is semantic
                trial = kept[:index] + kept[index + 1:]
                if self.solver.check([self.premise_literal(k, i) for k, i in trial]) == z3.unsat:
                    kept = trial
                else:
                    index += 1
            return kept
        return None

    def check_premises(self, premises: list[tuple[str, object]], goal: tuple, holds: bool) -> str:
        """z3's answer ("unsat" = forced) for exactly these premises and the negated goal."""
        var = self.main.atoms[goal]
        lits = [self.premise_literal(k, i) for k, i in premises] + [z3.Not(var) if holds else var]
        return str(self.solver.check(lits))

    # ------------------------------------------------------------ completions
    def completion(self, facts, readings, goal: tuple, holds: bool) -> dict[str, object] | None:
        """A complete admissible case extending the known facts where ``goal`` is ``holds``.

        Deterministic: unknown facts are fixed in name order, each to its neutral default
        (false, first label, lower bound) when possible, else to the least value possible.
        """
        var = self.main.atoms[goal]
        fixed = self._tracker_list + self.case_literals(facts, readings) + [var if holds else z3.Not(var)]
        if self.solver.check(fixed) != z3.sat:
            return None
        known = dict(facts)
        result = dict(known)
        for name in sorted(self.policy.facts):
            if name in known:
                continue
            for value in self._candidates(name, fixed):
                lit = self.fact_literal(name, value)
                if self.solver.check(fixed + [lit]) == z3.sat:
                    fixed.append(lit)
                    result[name] = value
                    break
        return result

    def _candidates(self, name: str, fixed: list):
        t = self.policy.facts[name].type
        if isinstance(t, BoolType):
            yield from (False, True)
        elif isinstance(t, EnumType):
            yield from t.labels
        else:
            lo, hi = t.lo, t.hi
            while lo < hi:                                 # least feasible value, by bisection
                mid = (lo + hi) // 2
                if self.solver.check(fixed + [self._at_most(name, mid)]) == z3.sat:
                    hi = mid
                else:
                    lo = mid + 1
            yield lo

    def _at_most(self, name: str, bound: int):
        key = ("<=", name, bound)
        lit = self._lits.get(key)
        if lit is None:          # QF_FD takes only Boolean constants as assumptions
            lit = self._lits[key] = z3.Bool(f"le:{name}<={bound}")
            self.solver.add(z3.Implies(lit, self.main.facts[name] <= bound))
        return lit

    # ------------------------------------------------------------ deciding sets
    def deciding_sets(self, facts, readings, goal: tuple, candidates: list[str],
                      max_size: int = 3, budget: int = 200) -> list[tuple[str, ...]]:
        """Smallest sets of unknown facts whose values, whatever they are, decide ``goal``."""
        solver, a, b, select, _ = self._pair_solver()
        base = ([self.fact_literal(n, v, a) for n, v in facts] + [self.fact_literal(n, v, b) for n, v in facts]
                + [self.reading_literal(n, v, a) for n, v in readings]
                + [self.reading_literal(n, v, b) for n, v in readings]
                + [select[n] for n in sorted(self.policy.interpretations)]
                + [a.atoms[goal], z3.Not(b.atoms[goal])])
        if solver.check(base + [select[n] for n in candidates]) != z3.unsat:
            return []
        found: list[tuple[str, ...]] = []
        for size in range(1, min(max_size, len(candidates)) + 1):
            for subset in combinations(sorted(candidates), size):
                if budget <= 0:
                    return found or [self._shrink(solver, base, sorted(candidates), select)]
                budget -= 1
                if solver.check(base + [select[n] for n in subset]) == z3.unsat:
                    found.append(subset)
            if found:
                return found
        return [self._shrink(solver, base, sorted(candidates), select)]

    @staticmethod
    def _shrink(solver, base, names, select) -> tuple[str, ...]:
        """A deletion-minimal deciding set, when no small one exists."""
        kept = list(names)
        for name in list(names):
            trial = [n for n in kept if n != name]
            if solver.check(base + [select[n] for n in trial]) == z3.unsat:
                kept = trial
        return tuple(kept)

    def _pair_solver(self):
        """Two copies of the policy in one solver; ``select[n]`` makes them agree on fact or
        interpretation ``n`` (deciding sets select every interpretation: both copies read
        the text the same way)."""
        if self._pair is None:
            solver = self._new_solver()
            a = _Copy(self.policy, solver, "a.", tracked=False)
            b = _Copy(self.policy, solver, "b.", tracked=False)
            select = {}
            for name in sorted(self.policy.facts):
                s = select[name] = z3.Bool(f"same:{name}")
                solver.add(z3.Implies(s, a.facts[name] == b.facts[name]))
            for name in sorted(self.policy.interpretations):
                s = select[name] = z3.Bool(f"same_i:{name}")
                solver.add(z3.Implies(s, a.interps[name] == b.interps[name]))
            self._pair = (solver, a, b, select, {})
        return self._pair

    def reading_witness(self, facts, readings, names: list[str], goals: list[tuple]) -> dict[str, set]:
        """{interpretation: the goal atoms it is shown to change} for ``names``, by pairs of
        witness lanes: the same complete candidate completion evaluated with the reading
        true and with it false, admissible both times, with the atom different (an exact
        evaluation: a witness, never a guess). One lane run tests half as many
        interpretations as there are copies of the lanes (``CaseLanes(copies=K)``): the
        reading is true in one copy and false in the next, every other input the same."""
        lanes = self._copied()
        width, block = lanes.lanes, (1 << lanes.lanes) - 1
        witness = lanes.witness & block
        base_facts, base_readings = lanes.build(dict(facts), dict(readings))
        positions = [(g, self._position[g]) for g in goals if g in self._position]
        found: dict[str, set] = {}
        for start in range(0, len(names), lanes.copies // 2):
            chunk = names[start:start + lanes.copies // 2]
            reading_lanes = dict(base_readings)
            for i, name in enumerate(chunk):
                t, f = reading_lanes.get(name, (0, 0))
                yes, no = self._copy_mask(2 * i), self._copy_mask(2 * i + 1)
                reading_lanes[name] = (t & ~no | yes, f & ~yes | no)
            sure, refuted = self.lane_evaluator.run(base_facts, reading_lanes, lanes.mask, full=True)
            for i, name in enumerate(chunk):
                yes, no = 2 * i * width, (2 * i + 1) * width
                both = sure[0] >> yes & sure[0] >> no & witness
                if not both:
                    continue
                changed = {g for g, p in positions
                           if (sure[p] >> yes & refuted[p] >> no | refuted[p] >> yes & sure[p] >> no) & both}
                if changed:
                    found[name] = changed
        return found

    def known_in_case(self, facts, readings):
        """``known(key)``: whether an evaluation key (``PartialEvaluator.keys``) has one value
        in every admissible completion of the case under every reading of its open
        interpretations — lane 0 of the case's lanes (its Kleene evaluation with the values
        the assumption components force), as ``decide`` reads it."""
        key, sure, refuted = self._lane0
        if key != (tuple(facts), tuple(readings)):     # not the case ``decide`` saw last
            lanes = self.lanes.build(dict(facts), dict(readings))
            sure, refuted = self.lane_evaluator.run(lanes[0], lanes[1], self.lanes.mask, full=True)
        position = self._position

        def known(key) -> bool:
            i = position.get(key)
            return i is not None and bool((sure[i] | refuted[i]) & 1)
        return known

    def reading_changes(self, facts, readings, name: str, goals: list[tuple]) -> set[tuple]:
        """The atoms among ``goals`` that interpretation ``name`` can change.

        An atom is left out iff no two admissible completions of the case that agree on
        every fact and every other interpretation, and differ on ``name``, differ on it —
        then, when no assumption reads ``name`` (admissibility does not depend on it), no
        verdict on that atom depends on its reading. z3, on two copies of the policy: is
        there such a pair differing on one of the atoms still in doubt? Sat: the atoms the
        pair differs on can be changed (a witness), ask again about the rest; unsat: none
        of the rest can (usually the only question). The case literals an unsat answer
        rests on (its core) are learnt per atom: a later case containing them gets the same
        answer without the solver.
        """
        solver, a, b, select, differs = self._pair_solver()
        items = list(facts) + list(readings)
        present = set(items)
        todo = [g for g in goals if not any(core <= present for core in self._irrelevant.get((name, g), ()))]
        if not todo:
            return set()
        lits = [self.fact_literal(n, v, a) for n, v in facts] + [self.reading_literal(n, v, a) for n, v in readings]
        others = self._others.get(name)
        if others is None:                  # every fact and every other interpretation the same
            others = self._others[name] = [select[n] for n in sorted(select) if n != name] + [
                a.interps[name], z3.Not(b.interps[name])]
        changed: set[tuple] = set()
        while todo:
            key = frozenset(todo)
            if key not in differs:          # one literal per set of atoms: "the pair differs on one"
                differs[key] = z3.Bool(f"differs:{len(differs)}")
                solver.add(z3.Implies(differs[key], z3.Or([a.atoms[g] != b.atoms[g] for g in sorted(todo)])))
            core = self._check_core(solver, lits + others + [differs[key]])
            if core is not None:
                learnt = frozenset(i for i, lit in zip(items, lits) if lit.as_ast().value in core)
                for g in todo:
                    found = self._irrelevant.setdefault((name, g), [])
                    if learnt not in found:
                        found.insert(0, learnt)
                        del found[self.IMPLICANT_LIMIT:]
                break
            model = solver.model()
            now = {g for g in todo if z3.is_true(model.eval(a.atoms[g] != b.atoms[g], model_completion=True))}
            changed |= now
            todo = [g for g in todo if g not in now]
        return changed
