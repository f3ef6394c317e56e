"""Verdicts on partial cases (docs/semantics.md, "Rulings on partial cases").

``RulingEngine(policy)`` compiles the policy once; ``statuses(case)`` is the fast path
(witness lanes, learnt implicants, at most one ``consequences`` call per reading; see
``RulingsQuery.decide``), ``rule(case)`` adds proofs (minimal cores, each
re-checked by cvc5 on an obligation printed from the model), completions for OPEN
verdicts (replayed through ``verifier.evaluate``) and what to investigate next.
"""
from __future__ import annotations

from dataclasses import replace
from itertools import product

from ..cases import Case
from ..certificates import Premises, SmtPrinter, check_smt2, content_hash
from ..diagnostics import diag
from ..model import DECIDE, MAY, MUST, MUST_NOT, TERM, Deontic, Is, Ref, Span, walk
from .deps import Cone
from .explain import sort_premises
from .investigate import Investigator
from .live import Live
from .readings import depends
from .model import (DISCRETION, OPEN, PROVEN, REFUTED, OutcomeRuling, Proof, Ruling, Verdict,
                    outcome_sort_key, outcome_text)

INTERNAL = ("discretion", "discretion_on")
_WORD = {True: PROVEN, False: REFUTED, None: OPEN}


class RulingEngine:
    """One compiled policy; rulings for any number of cases."""

    def __init__(self, policy, certify: bool = True):
        from ..logic.rulings_query import RulingsQuery

        self.policy = policy
        self.query = RulingsQuery(policy)
        self.printer = SmtPrinter(policy)
        self.cone = Cone(policy)
        self.certify = certify
        self.investigator = Investigator(self)
        self.outcomes = sorted((o for o in self.query.outcomes if o[0] not in INTERNAL), key=outcome_sort_key)
        self._combos: dict[tuple, list] = {}
        self._must_of = {o: (MUST, o[1], None) for o in self.outcomes if o[0] == MAY}
        self._group_of = {}             # decision alternative -> (its 裁量 atom, every alternative)
        for d, dec in sorted(policy.decisions.items()):
            if ("discretion_on", d, None) in self.query.outcomes:
                alternatives = [(DECIDE, d, x) for x in dec.alternatives]
                for a in alternatives:
                    self._group_of[a] = (("discretion_on", d, None), alternatives)
        self._may_discretion = [o for o in self.outcomes if o in self._must_of or o in self._group_of]
        interps = set(policy.interpretations)
        reach: set = set()
        for a in policy.assumptions:       # interpretations an assumption reaches, via terms too
            self.cone._walk_expr(a.expr, reach, set(), set())
        self._assumption_interps = frozenset(reach & interps)
        self.query.multi_allowed = not self._assumption_interps
        self._multi_ok = not self._assumption_interps and 2 ** len(interps) <= self.query.MAX_MULTI
        read: set = set()                   # names some rule, term, discretion or assumption reads
        exprs = [r.condition for r in policy.rules.values()] + [r.unless for r in policy.rules.values()]
        exprs += [t.definition for t in policy.terms.values()] + [d.condition for d in policy.discretions]
        exprs += [a.expr for a in policy.assumptions]
        for e in exprs:
            read |= {x.name for x in walk(e) if isinstance(x, Ref)} if e is not None else set()
        # terms defined for reports only (nothing reads them): flags a ruling shows when they hold
        self._flags = [(TERM, t, None) for t, term in sorted(policy.terms.items())
                       if term.definition is not None and t not in read]
        # permissions a discretion rests on (可以 予以容错 for D-PR4): what a ruling asks first
        self._gating = {(MAY, x.action, None) for d in policy.discretions if d.condition is not None
                        for x in walk(d.condition) if isinstance(x, Deontic) and x.modality == MAY}
        self._sensitive = {}
        for o in self.query.outcomes:       # internal atoms too: DISCRETION reads them
            names = frozenset(self.cone.of(o)[0] & interps)
            if names:
                self._sensitive[o] = names

    # ------------------------------------------------------------ readings
    def readings_of(self, case: Case) -> list[tuple]:
        """Every combination of readings: the case's own, and both for the others."""
        key = case.readings
        if key not in self._combos:
            given = dict(key)
            free = sorted(n for n in self.policy.interpretations if n not in given)
            self._combos[key] = [tuple(sorted({**given, **dict(zip(free, values))}.items()))
                                 for values in product((True, False), repeat=len(free))]
        return self._combos[key]

    # ------------------------------------------------------------ fast path
    def statuses(self, case: Case) -> dict[tuple, dict[tuple, str]] | None:
        """{reading: {outcome: status}} for the admissible readings; None if none is admissible.

        A reading may be partial: it names the case's own readings and the open
        interpretations that can change some verdict; the verdicts hold for every value of
        the interpretations it does not name. Readings fixed: one ``decide``. Readings open:
        from the symbolic ruling (``rule(explain=False)``), one table per reading of the
        interpretations some verdict depends on (``_tables`` walks the reading tables
        instead, the bench's baseline).
        """
        if set(dict(case.readings)) >= set(self.policy.interpretations):
            tables, _ = self._tables(case)
            return tables or None
        ruling = self.rule(case, explain=False)
        if not ruling.admissible:
            return None
        excluded = [dict(r) for r, _ in ruling.excluded]
        names = sorted({n for o in ruling.outcomes for n in o.depends_on}
                       | {n for r in excluded for n in r} - set(dict(case.readings)))
        out = {}
        for values in product((True, False), repeat=len(names)):
            reading = {**dict(case.readings), **dict(zip(names, values))}
            if any(all(reading.get(n, x) == x for n, x in r.items()) for r in excluded):
                continue
            out[tuple(sorted(reading.items()))] = {
                o.outcome: next(v.status for v in o.verdicts if all(reading.get(n, x) == x for n, x in v.reading))
                for o in ruling.outcomes}
        return out or None

    def _tables(self, case: Case) -> tuple[dict, list]:
        """(admissible readings -> table, inadmissible readings).

        One ``consequences`` call when the readings are fixed. Otherwise: with few readings
        and none affecting admissibility, one call on the all-readings solver; else one call
        with the open interpretations free, then one call per combination of just those open
        interpretations that can still change an undecided outcome (or admissibility).
        """
        given = case.readings
        open_names = sorted(set(self.policy.interpretations) - set(dict(given)))
        if not open_names:
            fixed = self.query.decide(case.facts, given)
            return ({given: self._table(fixed)}, []) if fixed is not None else ({}, [given])
        if self._multi_ok:
            tables = self.query.decide_all(case.facts)      # every reading in one call
            if tables is None:
                return {}, self.readings_of(case)
            mine = set(given)
            return {r: self._table(f) for r, f in tables.items() if mine <= set(r)}, []
        fixed = self.query.decide(case.facts, given)
        if fixed is None:
            return {}, [given]
        relevant = set(self._assumption_interps)
        for o, names in self._sensitive.items():
            if o not in fixed:
                relevant |= names
        relevant = sorted(relevant & set(open_names))
        if not relevant:
            return {given: self._table(fixed)}, []
        out, excluded = {}, []
        for values in product((True, False), repeat=len(relevant)):
            reading = tuple(sorted({**dict(given), **dict(zip(relevant, values))}.items()))
            sub = self.query.decide(case.facts, reading)
            if sub is None:
                excluded.append(reading)
            else:
                out[reading] = self._table(sub)
        return out, excluded

    def _table(self, fixed: dict) -> dict[tuple, str]:
        """Statuses from the fixed outcomes (DISCRETION per docs/semantics.md)."""
        table = dict(zip(self.outcomes, map(_WORD.__getitem__, map(fixed.get, self.outcomes))))
        for o in self._may_discretion:
            if table[o] != OPEN:            # DISCRETION needs o fixed (true for 可以 X, false for an alternative)
                table[o] = self._status_of(fixed, o)
        return table

    def _status_of(self, fixed: dict, o: tuple) -> str:
        """The status of ``o`` from the fixed outcomes: PROVEN / REFUTED / OPEN, or
        DISCRETION — 可以 X proven with 应当 X refuted, or a decision's alternatives all
        refuted where a 裁量 on it is proven (docs/semantics.md)."""
        value = fixed.get(o)
        must = self._must_of.get(o)
        if must is not None and value is True and fixed.get(must) is False:
            return DISCRETION
        group = self._group_of.get(o)
        if group is not None and fixed.get(group[0]) is True and all(fixed.get(a) is False for a in group[1]):
            return DISCRETION
        return _WORD[value]

    # ------------------------------------------------------------ full ruling
    def rule(self, case: Case, explain: bool = True, only=None, explain_all: bool = False,
             questions_for=None) -> Ruling:
        """The ruling on a case: verdicts, proofs, certificates and what to investigate next.

        ``only``: rule on these outcomes alone (goal-directed; default every outcome).
        Interpretations are inputs: each outcome is ruled on per reading of just the open
        interpretations that can change its verdict (its cone, and the assumptions' when
        some reading of them is inadmissible), and those that change nothing for it are then
        dropped, so its verdicts are keyed by the readings it really depends on.
        ``explain=False`` gives statuses only; ``explain_all`` adds example completions
        (replayed through the plain evaluator) to OPEN verdicts; ``questions_for`` limits
        the ranked questions to the OPEN verdicts of these outcomes (default: all).
        """
        given = case.readings
        open_names = set(self.policy.interpretations) - set(dict(given))
        calls: dict[tuple, dict | None] = {}

        def decided(reading, wanted=None):
            key = (reading, wanted)
            if key not in calls:
                calls[key] = self.query.decide(case.facts, reading, wanted)
            return calls[key]

        def prefetch(requests):             # several readings per lane run
            todo = [k for k in dict.fromkeys(requests) if k not in calls]
            calls.update(zip(todo, self.query.decide_many([(case.facts, r, w) for r, w in todo])))

        over: dict[frozenset, list] = {}

        def readings_over(names):
            key = frozenset(names) & open_names
            if key not in over:
                ordered = sorted(key)
                over[key] = [tuple(sorted({**dict(given), **dict(zip(ordered, vs))}.items()))
                             for vs in product((True, False), repeat=len(ordered))]
            return over[key]

        # admissibility depends on the readings only through the assumptions' interpretations
        combos = readings_over(self._assumption_interps)
        nothing = frozenset()                  # admissibility only: no outcome asked
        prefetch([(r, nothing) for r in combos])
        admissible = [r for r in combos if decided(r, nothing) is not None]
        excluded = [(r, ()) for r in combos if decided(r, nothing) is None]
        if excluded:        # why: the core of the first excluded reading
            excluded[0] = (excluded[0][0], tuple(self.query.core(case.facts, excluded[0][0])))
        if not admissible:
            return Ruling(case, (), tuple(excluded), (), tuple(self._contradiction(case, excluded)))
        base = decided(given)
        diagnostics: list = self._recorded(case, base) + self._flagged(case, base) if explain else []
        targets = self.outcomes if only is None else [o for o in self.outcomes if o in only]
        # an interpretation outside an outcome's cone (closed under the assumptions) cannot
        # change it: a reading of the cone's interpretations stands for all its admissible
        # extensions; inside it, only those that can change an atom its status reads count
        undecided = [o for o in targets if self._status_undecided(o, base)]
        matter = self._readings_that_matter(case, base, sorted({frozenset(self.related(o)) for o in undecided},
                                                               key=lambda s: sorted(map(str, s))), open_names)
        names_of: dict[tuple, frozenset] = {}
        wanted_for: dict[frozenset, set] = {}       # the atoms asked under each set of readings
        for o in targets:
            names = frozenset()
            if o in undecided:
                names = self._status_interps(o) & matter[frozenset(self.related(o))]
            names_of[o] = names
            if names:
                wanted_for.setdefault(names, set()).update(self.related(o))
        wanted_for = {k: frozenset(v) for k, v in wanted_for.items()}
        prefetch([(r, wanted_for.get(names)) for names in dict.fromkeys(names_of.values())
                  for r in readings_over(names)])
        outcomes = []
        for o in targets:
            names = names_of[o]
            if names:
                wanted = wanted_for.get(names)
                table = {r: self._status_of(decided(r, wanted), o) for r in readings_over(names)
                         if decided(r, wanted) is not None}
                groups = depends(table, sorted(names))
            else:                   # no open interpretation can change it: one verdict
                groups = {given: (self._status_of(base, o), given)}
            kept = sorted({n for r in groups for n, _ in r} - set(dict(given)))
            if not explain:
                verdicts = [Verdict(o, reading, status) for reading, (status, _) in groups.items()]
                outcomes.append(OutcomeRuling(o, tuple(verdicts), tuple(kept)))
                continue
            cache: dict[str, list[Verdict]] = {}
            verdicts = []
            for reading, (status, full) in groups.items():
                v = self._verdict_cached(case, full, o, status, explain, cache, diagnostics,
                                         decided(full) if explain else None, explain_all,
                                         questions_for is None or o in questions_for)
                verdicts.append(replace(v, reading=reading))
            outcomes.append(OutcomeRuling(o, tuple(verdicts), tuple(kept)))
        return Ruling(case, tuple(admissible), tuple(excluded), tuple(outcomes), tuple(diagnostics))

    def _readings_that_matter(self, case: Case, base: dict, subjects: list[frozenset],
                              open_names: set) -> dict[frozenset, frozenset]:
        """For each set of atoms (those an undecided target's status reads), the open
        interpretations that can change one of them: those an assumption reads
        (admissibility may depend on them), those a pair of witness lanes shows changing
        one (``RulingsQuery.reading_witness``), and, of those still live for one of them
        given what the case decides (``rulings.live``), those for which two admissible
        completions differing only in that reading disagree on one
        (``RulingsQuery.reading_changes``, one solver call per interpretation for the atoms
        of every set still in doubt). The others cannot change a verdict."""
        cones = {s: set().union(*(self.cone.of(a)[0] for a in s)) & open_names for s in subjects}
        pending = {s: {a for a in s if a in self.query.outcomes and a not in base} for s in subjects}
        every = sorted(set().union(*cones.values()) - set(self._assumption_interps))
        atoms = sorted(set().union(*pending.values()))
        seen = self.query.reading_witness(case.facts, case.readings, every, atoms)
        keep = {s: (cones[s] & set(self._assumption_interps))
                | {n for n in cones[s] if seen.get(n, set()) & pending[s]} for s in subjects}
        live = Live(self.policy, self.query.known_in_case(case.facts, case.readings))
        for n in every:
            doubt = [s for s in subjects if n in cones[s] and n not in keep[s]
                     and any(n in live.of(g) for g in pending[s])]
            goals = sorted(set().union(*(pending[s] for s in doubt)))
            changed = self.query.reading_changes(case.facts, case.readings, n, goals) if goals else set()
            for s in doubt:
                if pending[s] & changed:
                    keep[s].add(n)
        return {s: frozenset(k) for s, k in keep.items()}

    def goal_questions(self, case: Case, ruling: Ruling, limit: int | None = 5) -> tuple[list, list]:
        """(questions, goal): the facts to find out for the open decisions of a ruling (the
        open outcomes when no decision is open), most decisive first (``Investigator.rank``)."""
        def open_(o):
            return any(v.status == OPEN for v in o.verdicts)
        gating = [o.outcome for o in ruling.outcomes if o.outcome in self._gating and open_(o)]
        goal = gating + [o.outcome for o in ruling.outcomes if o.outcome[0] == DECIDE and open_(o)]
        goal = goal or [o.outcome for o in ruling.outcomes if open_(o)]
        if not goal:
            return [], []
        readings = sorted({v.reading for o in ruling.outcomes if o.outcome in goal
                           for v in o.verdicts if v.status == OPEN})
        # tiers: permissions a discretion rests on, then each decision in declaration order
        order = {d: i + 1 for i, d in enumerate(self.policy.decisions)}
        tiers = [0 if o in gating else order.get(o[1], len(order) + 1) for o in goal]
        return self.investigator.rank(case, readings, goal, limit, reasons=False, tiers=tiers), goal

    def _verdict_cached(self, case, reading, o, status, explain, cache, diagnostics,
                        fixed: dict | None = None, explain_all: bool = False, ask: bool = True) -> Verdict:
        """Reuse explanations across readings: a proof whose reading premises hold in this
        reading is a proof here too; OPEN and DISCRETION are explained once per outcome
        (the completions are shown for the reading they were computed under)."""
        if not explain:
            return Verdict(o, reading, status)
        here = set(reading)
        for v in cache.get(status, ()):
            if v.proof is None or {i for k, i in v.proof.premises if k == "reading"} <= here:
                return replace(v, reading=reading)
        v = self._verdict(case, reading, o, status, True, diagnostics, fixed, explain_all, ask)
        cache.setdefault(status, []).append(v)
        return v

    def related(self, o) -> list[tuple]:
        """The atoms the status of ``o`` reads (DISCRETION looks at siblings)."""
        kind, target, _ = o
        if kind == DECIDE:
            return ([(DECIDE, target, x) for x in self.policy.decisions[target].alternatives]
                    + [k for k in (("discretion_on", target, None),) if k in self.query.outcomes])
        if kind == MAY:
            return [o, (MUST, target, None)]
        return [o]

    def _status_undecided(self, o, fixed: dict) -> bool:
        """Whether ``o`` or an atom its status reads is left undecided by ``fixed``."""
        return any(x in self.query.outcomes and x not in fixed for x in self.related(o))

    def settled(self, o, fixed: dict, facts=(), reading=()) -> bool:
        """Whether more facts can no longer change the status of ``o`` (``fixed``: what the
        case ``facts`` fix under ``reading``): its atom is fixed, and a DISCRETION is either
        certain or impossible (asked of the solver when the fixed atoms do not tell)."""
        kind, target, _ = o
        value = fixed.get(o)
        if value is None:
            return False
        if kind == DECIDE:
            on = ("discretion_on", target, None)
            alternatives = [a for a in self.related(o) if a[0] == DECIDE]
            if value or on not in self.query.outcomes or fixed.get(on) is False \
                    or any(fixed.get(a) is True for a in alternatives):
                return True
            if fixed.get(on) is True and all(fixed.get(a) is False for a in alternatives):
                return True
            # o is refuted: settled unless some completion can still make it a DISCRETION
            return not self.query.possible(facts, reading, [(on, True)] + [(a, False) for a in alternatives])
        if kind == MAY:
            must = (MUST, target, None)
            return value is False or must not in self.query.outcomes or must in fixed
        return True

    def _status_interps(self, o) -> frozenset[str]:
        """Interpretations that can change the status of ``o``."""
        names = set().union(*(self.cone.of(x)[0] for x in self.related(o)))
        return frozenset(names & set(self.policy.interpretations))

    def discretions_for(self, o) -> list:
        """The 裁量 declarations behind a DISCRETION on ``o``: those on its target, and for a
        permission ``可以 X`` also those whose condition rests on it (a decision the text
        leaves to a body once X is permitted, e.g. D-PR4 on 容错决定 for 可以 予以容错)."""
        kind, target, _ = o
        own = [d for d in self.policy.discretions if d.target == target]
        if not own and kind == MAY:
            own = [d for d in self.policy.discretions if d.condition is not None and any(
                isinstance(x, Deontic) and x.modality == MAY and x.action == target for x in walk(d.condition))]
        return sorted(own, key=lambda d: d.id)

    def _recorded(self, case: Case, base: dict) -> list:
        """C508 for each recorded decision (an enumeration fact a rule turns into a decision,
        e.g. 党委研究结论 = 同意容错 → 容错决定 = 予以容错) whose decision the text refuses
        in every reading; the hint names the rules that refuse it."""
        known = dict(case.facts)
        out = []
        for r in sorted(self.policy.rules.values(), key=lambda r: r.id):
            target = (r.conclusion.kind, r.conclusion.target, r.conclusion.value)
            if target[0] != DECIDE or base.get(target) is not False:
                continue
            for x in walk(r.condition):
                if not (isinstance(x, Is) and not x.negated and known.get(x.subject) in x.labels
                        and x.subject in self.policy.facts):
                    continue
                core = self.query.core(case.facts, case.readings, target, False)
                reasons = sort_premises(self, case, case.readings, core)
                because = "; ".join(f"{rid}({', '.join(self.policy.rules[rid].meta.cites)})"
                                    for rid in reasons.deciding) or "—"
                out.append(diag("C508", case.span_of(x.subject), fact=x.subject, value=known[x.subject],
                                outcome=outcome_text(target), clauses=", ".join(reasons.clauses(self.policy)) or "—",
                                hint=f"the record is not a decision the text allows here; deciding rules: {because}"))
        return list({(d.code, d.args): d for d in out}.values())

    def _flagged(self, case: Case, base: dict) -> list:
        """C509 for each report-only term (one nothing else reads, e.g. 容错决定机关或程序不符)
        that the case proves in every reading."""
        out = []
        for key in self._flags:
            if base.get(key) is True:
                term = self.policy.terms[key[1]]
                reasons = sort_premises(self, case, case.readings, self.query.core(case.facts, case.readings, key))
                because = "; ".join(f"{rid}({', '.join(self.policy.rules[rid].meta.cites)})"
                                    for rid in reasons.deciding)
                out.append(diag("C509", Span(case.source, 1, 1), label=term.meta.label or key[1], term=key[1],
                                clauses=", ".join(dict.fromkeys(term.meta.cites + reasons.clauses(self.policy)))
                                or "—", hint=f"deciding rules: {because}" if because else None))
        return out

    def _silent(self, o, status, fixed) -> bool:
        """A refused 可以 X (or 不得 X) beside a refused 不得 X (可以 X): the text is silent on X."""
        kind, target, _ = o
        other = {MAY: MUST_NOT, MUST_NOT: MAY}.get(kind)
        return status == REFUTED and other is not None and (fixed or {}).get((other, target, None)) is False

    def _discretions_in(self, case, reading, o, fixed: dict | None = None) -> list:
        """The discretions behind ``o`` whose condition the case proves; if none is proven
        (only their disjunction is), those it does not refute. ``fixed``: the outcomes the
        case fixes under ``reading`` (``query.decide``), if already known."""
        ds = self.discretions_for(o)
        if fixed is None:
            fixed = self.query.decide(case.facts, reading) or {}
        proven = [d for d in ds if fixed.get(("discretion", d.id, None)) is True]
        return proven or [d for d in ds if fixed.get(("discretion", d.id, None)) is not False]

    def _verdict(self, case, reading, o, status, explain, diagnostics, fixed: dict | None = None,
                 explain_all: bool = False, ask: bool = True) -> Verdict:
        if not explain:
            return Verdict(o, reading, status)
        if status in (PROVEN, REFUTED):
            proof = self.prove(case, reading, o, status == PROVEN, diagnostics)
            return Verdict(o, reading, status, proof=proof, silent=self._silent(o, status, fixed),
                           reasons=sort_premises(self, case, reading, proof.premises))
        if status == DISCRETION:
            ds = self._discretions_in(case, reading, o, fixed)
            proof = reasons = None
            if o[0] == MAY:             # the permission itself is proven: say by which clause
                proof = self.prove(case, reading, o, True, diagnostics)
                reasons = sort_premises(self, case, reading, proof.premises)
            return Verdict(o, reading, status, makers=tuple(sorted({d.maker for d in ds})),
                           discretions=tuple(d.id for d in ds), proof=proof, reasons=reasons)
        questions = tuple(self.investigator.rank(case, [reading], [o])) if ask else ()
        if not explain_all:
            return Verdict(o, reading, OPEN, questions=questions)
        # a partial reading stands for all its extensions: complete it (true) to replay
        full = tuple(sorted({**{n: True for n in self.policy.interpretations}, **dict(reading)}.items()))
        holds = self.query.completion(case.facts, full, o, True)
        fails = self.query.completion(case.facts, full, o, False)
        _replay(self.policy, holds, full, o, True)
        _replay(self.policy, fails, full, o, False)
        candidates = self.investigator.candidates(case, [o])
        sets = self.query.deciding_sets(case.facts, full, o, candidates)
        # shown: the facts the outcome can depend on (the completions are replayed whole above)
        cone = set().union(*(self.cone.of(a)[0] for a in self.related(o)))
        return Verdict(o, reading, OPEN, holds_in=tuple(sorted(i for i in holds.items() if i[0] in cone)),
                       fails_in=tuple(sorted(i for i in fails.items() if i[0] in cone)), investigate=tuple(sets),
                       example=tuple(x for x in reading if x[0] in self._status_interps(o)),
                       questions=questions)

    def prove(self, case, reading, o, holds: bool, diagnostics: list) -> Proof:
        """A minimal core for the verdict, z3's answer on it and cvc5's on the printed obligation."""
        core = self.query.core(case.facts, reading, o, holds)
        premises = _premises(core)
        z3_answer = self.query.check_premises(core, o, holds)
        if not self.certify:
            return Proof(tuple(core), z3_answer)
        text = self.printer.obligation(o, holds, premises, _claim(o, reading))
        cvc5_answer = check_smt2(text)
        if cvc5_answer != z3_answer:
            diagnostics.append(diag("C507", Span(case.source, 1, 1), question=_claim(o, reading),
                                    z3=z3_answer, cvc5=cvc5_answer,
                                    hint="an encoder disagrees with the certificate printer; this is a bug"))
        return Proof(tuple(core), z3_answer, cvc5_answer, content_hash(text), text)

    def _contradiction(self, case: Case, excluded) -> list:
        """C506 for each assumption in the core of the (first) inadmissible reading."""
        _, core = excluded[0]
        facts = [item for kind, item in core if kind == "fact"]
        span = case.span_of(facts[0][0]) if facts else Span(case.source, 1, 1)
        given = ", ".join(f"{n} = {_show(v)}" for n, v in facts) or "the readings"
        assumptions = {a.name: a for a in self.policy.assumptions}
        out = []
        for kind, name in core:
            if kind != "assumption":
                continue
            a = assumptions[name]
            cites = ", ".join(a.meta.cites) or "no clause"
            quotes = " ".join(f"{c}「{self.policy.clauses[c].text}」" for c in a.meta.cites
                              if c in self.policy.clauses)
            out.append(diag("C506", span, name=name, clauses=cites,
                            hint=f"{given} cannot hold together with assumption {name}"
                                 + (f" — {quotes}" if quotes else "")))
        if not out:
            out.append(diag("C506", span, name="(readings)", clauses="-",
                            hint=f"{given} admit no reading of the interpretations"))
        return out


def _premises(core) -> Premises:
    return Premises(
        rules=tuple(sorted(i for k, i in core if k == "rule")),
        assumptions=tuple(sorted(i for k, i in core if k == "assumption")),
        facts=tuple(sorted(i for k, i in core if k == "fact")),
        readings=tuple(sorted(i for k, i in core if k == "reading")))


def _claim(o, reading) -> str:
    text = outcome_text(o, "en")
    if reading:
        text += " [reading: " + ", ".join(f"{n}={str(v).lower()}" for n, v in reading) + "]"
    return text


def _show(v) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


def _replay(policy, complete: dict | None, reading, o, expected: bool) -> None:
    """Re-check a completion with the plain evaluator; a mismatch is a bug, so it raises."""
    if complete is None:
        raise AssertionError(f"no completion for an OPEN verdict on {o}")
    from ..evaluate import Atom, evaluate

    result = evaluate(policy, complete, dict(reading))
    if not result.admissible or result.atoms[Atom(*o)] != expected:
        raise AssertionError(f"evaluator disagrees with the solver on {o} in {complete}")
