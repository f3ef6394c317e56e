"""The analyses of docs/semantics.md ("What the analyses ask").

Readings are handled symbolically: each question is asked with the interpretations it can
depend on (cones.py) left free, and the solver enumerates the readings under which some
admissible case answers it — each case found is generalised, with verifier.evaluate, to
every reading under which that same case answers it, and those readings are blocked —
until no reading is left. Universal findings (dead, shadowed, redundant, proven) hold
under the consistent readings where the existential question has no case. Every
method's docstring states what its solver answer means. Witnesses are minimised and
replayed through verifier.evaluate before they are recorded.
"""
from __future__ import annotations

import itertools
import time
from typing import Callable, Optional

from ..evaluate import Atom, Evaluator, compile_expr, incompatible
from ..logic import TRUE, EngineSolver, Formula, Result, conj, disj, neg
from ..model.nodes import DECIDE, MAY, MUST, NO_SPAN
from .cones import Cones
from .findings import Finding, RuleRef, make_args
from .prefilter import Summary, clash, conjoin, repairs, seed_case, summarise, summarise_expr
from .witness import WitnessError, minimise, replay

# codes whose witness condition implies applicable(r) for each of the finding's rules
FORCING = ("A401", "A402", "A403", "A407", "A408")

Combo = tuple[tuple[str, bool], ...]          # a partial reading, sorted
Holds = Callable[[Evaluator], bool]
Seeds = tuple[Summary, ...]


class Projection:
    """The readings (combos over ``names``) under which some admissible case satisfies a
    condition: ``found``; the consistent combos over ``names``: ``universe``; a first
    (condition, sat Result, combo) to build a witness from; ``unknown`` on a timeout."""

    def __init__(self, universe: list[Combo], cone: frozenset = frozenset(),
                 relevant: frozenset = frozenset()):
        self.universe = universe
        self.cone, self.relevant = cone, relevant
        self.found: list[Combo] = []
        self.first: Optional[tuple] = None
        self.unknown: Optional[Result] = None

    @property
    def missing(self) -> list[Combo]:
        """Consistent combos with no case (where the universal claim holds)."""
        seen = set(self.found)
        return [c for c in self.universe if c not in seen] if self.unknown is None else []


class Analyser:
    """All analyses of one policy, sharing one EngineSolver."""

    def __init__(self, s: EngineSolver, chosen: dict[str, bool]):
        self.s, self.enc, self.policy = s, s.enc, s.enc.policy
        self.ix = self.enc.ix
        self.cones = Cones(self.policy)
        self.chosen = dict(chosen)
        self.assumed = frozenset(self.cones.assumptions())     # names the assumptions read
        self.components = self.cones.assumption_components()
        facts = set(self.policy.facts)
        # each assumption (and top-level conjunct, with its seed repair) compiled, with the
        # facts it reads: a case that differs from an admissible one elsewhere satisfies it
        self.assumption_facts = [(compile_expr(self.policy, a.expr), self.cones.expr(a.expr) & facts)
                                 for a in self.policy.assumptions]
        self.reading_assumptions = [compile_expr(self.policy, a.expr) for a in self.policy.assumptions
                                    if self.cones.expr(a.expr) & set(self.policy.interpretations)]
        self.repairs = [(compile_expr(self.policy, part), pos, fix, self.cones.expr(part) & facts)
                        for part, pos, fix in repairs(self.policy)]
        # per assumption component: its facts, the interpretations its assumptions read,
        # and those assumptions compiled
        interps = set(self.policy.interpretations)
        self.assumption_groups = []
        for group in sorted(set(self.components.values()), key=sorted):
            mine = [a for a in self.policy.assumptions if self.cones.expr(a.expr) & group]
            self.assumption_groups.append((
                group, frozenset().union(*(self.cones.expr(a.expr) & interps for a in mine)),
                [compile_expr(self.policy, a.expr) for a in mine]))
        self._component_least: dict[tuple, Optional[dict]] = {}
        self._least: dict[Combo, dict] = {}
        self._least_id: dict[Combo, int] = {}    # readings with equal least cases share an id
        self.base = frozenset(self.interps(self.assumed)) - set(self.chosen)
        self.consistent: Optional[set[Combo]] = None  # combos over base ∪ chosen
        self.findings: list[Finding] = []
        self.live: dict[str, Projection] = {}
        self.dead_all: set[str] = set()
        self._summaries: dict[tuple, Summary] = {}
        self._universes: dict[tuple, list[Combo]] = {}
        self._keys: dict[Combo, Combo] = {}
        self._indexes: dict[int, tuple] = {}

    # ------------------------------------------------------------ readings
    def universe(self, names: list[str]) -> list[Combo]:
        """Every combo over ``names`` (joined with the chosen reading) whose assumptions
        are consistent (cached once the consistent readings are known)."""
        key = tuple(names)
        if self.consistent is not None and key in self._universes:
            return self._universes[key]
        out = []
        keep = self.base | set(self.chosen)
        for values in itertools.product((True, False), repeat=len(names)):
            combo = tuple(sorted({**self.chosen, **dict(zip(names, values))}.items()))
            if self.consistent is None or self.restrict(combo, keep) in self.consistent:
                out.append(combo)
        if self.consistent is not None:
            self._universes[key] = out
        return out

    def relevant(self, names) -> frozenset:
        """The facts and interpretations a witness for a question with cone ``names`` is
        minimised over: the cone, and the facts assumptions link to it."""
        return frozenset(names).union(*(self.components.get(n, ()) for n in names)) | self.base

    def least_admissible(self, key: Optional[Combo] = None) -> dict:
        """The least admissible case under ``key`` (default: the current reading),
        restricted to the assumptions' interpretations: what the facts outside a witness's
        relevant set take. Computed outside any scope (see ``consistency``).

        Assumption components are independent, so the least case is the union of each
        component's least assignment, which depends only on the interpretations its
        assumptions read: all its facts at their default when the evaluator finds that
        admissible (nothing is less), else the solver's least case restricted to it."""
        if key is None:
            key = self.restrict(tuple(sorted(self.s.reading.items())), self.assumed)
        if key not in self._least:
            defaults = {n: self.enc.default_value(n) for n in self.policy.facts}
            ev = Evaluator(self.policy, defaults, {**{n: False for n in self.policy.interpretations},
                                                   **dict(key)}, validate=False)
            case = dict(defaults)
            for i, (facts, interps, holds) in enumerate(self.assumption_groups):
                ck = (i, self.restrict(key, interps))
                if ck not in self._component_least:
                    self._component_least[ck] = (None if all(h(ev) for h in holds)
                                                 else self._solver_least(key))
                if self._component_least[ck] is not None:
                    case.update((n, self._component_least[ck][n]) for n in facts)
            self._least[key] = case
        return self._least[key]

    def _solver_least(self, key: Combo) -> dict:
        """The least admissible case under ``key``, by witness minimisation."""
        saved, self.s.reading = self.s.reading, dict(key)
        r = self.s.consistent()
        if not r.refuted:
            raise WitnessError(f"no admissible case under {key}")
        least = minimise(self.s, TRUE, self.enc.case_from_model(r.model),
                         holds=lambda ev: True)[0]
        self.s.reading = saved
        return least

    def interps(self, names) -> list[str]:
        return [n for n in names if n in self.policy.interpretations]

    def assumed_key(self, combo: Combo) -> Combo:
        """``combo`` restricted to the interpretations the assumptions read (memoised)."""
        key = self._keys.get(combo)
        if key is None:
            key = self._keys[combo] = self.restrict(combo, self.assumed)
        return key

    @staticmethod
    def restrict(combo, names) -> Combo:
        return tuple((n, v) for n, v in combo if n in names)

    def project(self, condition: Formula, holds: Holds, interps,
                seeds: Seeds = ()) -> Projection:
        """Which readings over ``interps`` (and the assumptions' ones) admit a case with
        ``condition``: sat answers are generalised by evaluating ``holds`` on the same case
        under the other readings (a disagreement with the solver is a bug: WitnessError),
        then blocked; unsat ends the enumeration. ``seeds`` (summaries of ways to make
        ``condition`` true) give candidate cases tried with the evaluator first: a
        candidate that passes counts exactly like a solver case."""
        names = sorted((set(self.interps(interps)) | self.base) - set(self.chosen))
        keep = set(names) | set(self.chosen)
        relevant = self.relevant(interps)
        proj = Projection(self.universe(names), frozenset(interps), relevant)
        cubes: list[Combo] = []
        for seed in seeds:
            if len(proj.found) < len(proj.universe):
                cubes += self._seeded(condition, seed, holds, proj, names)
        if len(proj.found) == len(proj.universe):
            return proj
        self.s.reading = dict(self.chosen)
        with self.s.scope(condition):
            self.s.exclude_readings(cubes)
            while len(proj.found) < len(proj.universe):
                r = self.s.check(core=False)
                if r.unknown:
                    proj.unknown = r
                    break
                if r.proven:
                    break
                case, reading = self.enc.case_from_model(r.model)
                combo = self.restrict(tuple(sorted(reading.items())), keep)
                if proj.first is None:
                    proj.first = (condition, (case, reading), combo, relevant)
                more, cubes = self._generalise(case, reading, combo, holds, proj, names)
                proj.found += more
                self.s.exclude_readings(cubes)
        return proj

    def _seeded(self, condition, seed: Summary, holds: Holds, proj: Projection,
                names: list[str]) -> list[Combo]:
        """Try the seed case built on each reading's least admissible case (seed_case)
        under every open combo; record the combos where it passes. Returns the cubes
        covering them."""
        reading = {**{n: False for n in self.policy.interpretations}, **self.chosen}
        cases: dict[Combo, Optional[dict]] = {}

        def case_for(key: Combo) -> Optional[dict]:
            if key not in cases:
                case, changed = None, None
                if key in self._least:
                    case, changed = self.seed_case(seed, key, {**reading, **dict(key)})
                ok = case is not None and self._admissible(case, {**reading, **dict(key)}, changed)
                cases[key] = case if ok else None
            return cases[key]
        witnesses: dict[Combo, dict] = {}
        more, cubes = self._cover(case_for, reading, holds, proj, names, witnesses=witnesses)
        if more:
            proj.found += more
            if proj.first is None:
                combo = min(more)
                proj.first = (condition, (witnesses[combo], {**reading, **dict(combo)}), combo,
                              proj.relevant)
        return cubes

    def _generalise(self, case: dict, reading: dict, combo: Combo, holds: Holds,
                    proj: Projection, names: list[str]) -> tuple[list[Combo], list[Combo]]:
        """The combos not yet found under which some case agreeing with ``case`` on the
        question's relevant facts is admissible and satisfies ``holds`` (plain
        evaluator), and cubes (partial combos) covering exactly them. Facts outside the
        relevant set are constrained independently of the question (cones.py), so under
        a combo they may take that reading's least admissible case. The solver's own case
        must pass under its own ``combo`` (else: WitnessError)."""
        ev = Evaluator(self.policy, case, reading, validate=False)
        if not (ev.admissible() and holds(ev)):
            raise WitnessError(f"solver case fails replay: {case} {reading}")
        if combo in proj.found or combo not in proj.universe:
            raise WitnessError(f"solver case outside the open readings: {case} {reading}")
        more, cubes = self._cover(
            lambda key: self._admissible_variant(case, {**reading, **dict(key)}, key, proj),
            reading, holds, proj, names, first=combo)
        if combo not in more:
            raise WitnessError(f"solver case fails replay under its reading: {case} {reading}")
        return more, cubes

    def _cover(self, case_for: Callable[[Combo], Optional[dict]], reading: dict, holds: Holds,
               proj: Projection, names: list[str], first: Optional[Combo] = None,
               witnesses: Optional[dict] = None) -> tuple[list[Combo], list[Combo]]:
        """The open combos under which a case (``case_for`` a combo's reading of the
        assumptions' interpretations: an admissible case under it, or None) is admissible
        and satisfies ``holds``, and cubes covering exactly them; ``witnesses`` (if given)
        receives the case that answers each.

        One evaluation (assumptions and ``holds``) decides every combo that agrees with it
        on the interpretations it read — evaluation is a function of what it reads — so a
        case found for one reading of the assumptions' interpretations answers every
        reading it does not read. A failure is taken for the readings whose least
        admissible case is the same (their case is built the same way); others get their
        own try. Exact either way: what this misses, the solver finds."""
        universe = proj.universe
        index = self._index(universe)
        seen = set(proj.found)
        wanted = set(names)
        todo = {i for i, c in enumerate(universe) if c not in seen}
        order = ([universe.index(first)] if first is not None else [])
        more: list[Combo] = []
        cubes: set[Combo] = set()
        while todo:
            i = order.pop() if order else min(todo)   # universe order, ``first`` first
            c = universe[i]
            key = self.assumed_key(c)
            case = case_for(key)
            same = index[("least", self._least_id.get(key, c))]
            if case is None:
                todo -= same | {i}
                continue
            ev = Evaluator(self.policy, case, {**reading, **dict(c)}, validate=False)
            # case_for's case is admissible under key; assumptions that read no
            # interpretation hold whatever the reading, the others are evaluated (and read)
            ok = all(f(ev) for f in self.reading_assumptions) and holds(ev)
            cube = [(n, v) for n, v in c if n in wanted and n in ev.reads]
            covered = todo.intersection(*(index[lit] for lit in cube)) | {i}
            if not ok:
                covered &= same | {i}
            todo -= covered
            if ok:
                found = [universe[j] for j in sorted(covered)]
                more += found
                cubes.add(tuple(sorted(cube)))
                if witnesses is not None:
                    witnesses.update((d, case) for d in found)
        return more, sorted(cubes)

    def _index(self, universe: list[Combo]) -> dict:
        """For a universe: (name, value) -> indices of the combos with it, and ("least",
        id) -> indices whose reading of the assumptions' interpretations has that least
        admissible case (memoised per universe list)."""
        cached = self._indexes.get(id(universe))
        if cached is not None and cached[0] is universe:
            return cached[1]
        index: dict = {}
        for i, c in enumerate(universe):
            for lit in c:
                index.setdefault(lit, set()).add(i)
            key = self.assumed_key(c)
            index.setdefault(("least", self._least_id.get(key, c)), set()).add(i)
        self._indexes[id(universe)] = (universe, index)
        return index

    def _admissible(self, case: dict, reading: dict, changed=None) -> bool:
        """Whether ``case`` is admissible under ``reading``, given that it differs from an
        admissible case under the same reading only in the facts ``changed`` (None: not
        known; every assumption is evaluated)."""
        ev = Evaluator(self.policy, case, reading, validate=False)
        return all(holds(ev) for holds, facts in self.assumption_facts
                   if changed is None or not facts.isdisjoint(changed))

    def _admissible_variant(self, case: dict, reading: dict, key: Combo,
                            proj: Projection) -> Optional[dict]:
        """A case agreeing with ``case`` on the question's cone that is admissible under
        ``reading`` (``key``: its restriction to the assumptions' interpretations), or
        None if none is found this way: facts outside the cone, then outside the relevant
        set, are taken from the least admissible case under ``key`` once that is known
        (they cannot change the answer to the question), else ``case`` as it is."""
        least = self._least.get(key)
        if least is not None:
            for names in (proj.cone, proj.relevant):
                cand = {n: case[n] if n in names else least[n] for n in case}
                if self._admissible(cand, reading, {n for n in names if n in case}):
                    return cand
        return case if self._admissible(case, reading) else None

    # ------------------------------------------------------------ helpers
    def ref(self, rid: str) -> RuleRef:
        r = self.policy.rules[rid]
        return RuleRef(rid, r.meta.cites, r.span)

    def unknown(self, question: str, r: Result) -> None:
        self.add("A411", (), question, [tuple(sorted(self.chosen.items()))], reason=r.reason)

    def add(self, code: str, rules: tuple[str, ...], subject: Optional[str], combos, *,
            first: Optional[tuple] = None, holds: Optional[Holds] = None,
            winner: Optional[str] = None, related: tuple[str, ...] = (),
            core: tuple[str, ...] = (), reason: Optional[str] = None,
            forced: Optional[Summary] = None) -> None:
        """Record a finding holding under ``combos``; with ``first`` = (condition, sat
        Result, combo, relevant names), minimise the witness under that reading and
        replay it."""
        witness, wreading = None, ()
        if first is not None:
            condition, start, combo, relevant = first
            self.s.reading = dict(combo)
            if forced is None and code in FORCING:
                forced = conjoin(self.summary(r) for r in rules)
            case, readings = minimise(self.s, condition, start, forced, relevant, holds,
                                      self.least_admissible())
            replay(self.s, case, readings, holds or (lambda ev: True), f"{code} {rules} {subject}")
            witness = tuple(case.items())
            wreading = tuple(sorted(readings.items()))
        refs = tuple(self.ref(r) for r in rules)
        span = refs[0].span if refs else self._span_of(subject)
        self.findings.append(Finding(
            code, refs, subject, make_args(code, rules, subject, winner, reason), witness,
            wreading, tuple(combos), tuple(self.ref(r) for r in related), core, span))

    def _span_of(self, name: Optional[str]):
        p = self.policy
        for table in (p.decisions, p.actions, p.properties):
            if name in table:
                return table[name].span
        return NO_SPAN

    def app(self, rid: str) -> Formula:
        return self.enc.rules[rid].applicable

    def eff(self, rid: str) -> Formula:
        return self.enc.rules[rid].effective

    def summary(self, rid: str, guess: int = 0) -> Summary:
        """The literals every case where rule ``rid`` applies has (``guess``: one way to
        make it apply, for seed cases)."""
        key = (rid, guess)
        if key not in self._summaries:
            self._summaries[key] = summarise(self.policy, self.policy.rules[rid], guess)
        return self._summaries[key]

    def seeds(self, *rids: str) -> Seeds:
        """Seed summaries for "these rules all apply": the literals they force, then a
        guess through their disjunctions and terms."""
        return tuple(conjoin(self.summary(r, guess) for r in rids) for guess in (0, 1, -1))

    def seed_case(self, seed: Summary, key: Combo, reading: dict) -> tuple[dict, set]:
        """The seed case for ``seed`` on the least admissible case under ``key``, with
        assumptions it breaks patched (prefilter.repairs, a few rounds), and the facts
        where it may differ from that least case. A guess only: callers evaluate it."""
        changed: set = set()
        case = seed_case(self.policy, seed, self._least[key], changed)
        for _ in range(3):
            ev = Evaluator(self.policy, case, reading, validate=False)
            broken = [fix for part, pos, fix, facts in self.repairs
                      if not facts.isdisjoint(changed) and bool(part(ev)) != pos]
            if not broken:
                break
            for fix in broken:
                case = seed_case(self.policy, fix, case, changed)
        return case, changed

    def witness_for(self, condition: Formula, combo: Combo, names, holds: Holds,
                    seeds: Seeds = ()) -> tuple:
        """(condition, (case, readings), combo, relevant): a case with ``condition`` (and
        ``holds``) under ``combo`` — the seed case if the evaluator accepts it, else the
        solver's; ``names`` is the cone of ``condition``."""
        relevant = self.relevant(names)
        reading = {**{n: False for n in self.policy.interpretations}, **dict(combo)}
        least = self._least.get(self.restrict(combo, self.assumed))
        for seed in seeds if least is not None else ():
            case, _ = self.seed_case(seed, self.restrict(combo, self.assumed), reading)
            ev = Evaluator(self.policy, case, reading, validate=False)
            if ev.admissible() and holds(ev):
                return condition, (case, reading), combo, relevant
        self.s.reading = dict(combo)
        r = self.s.exists(condition)
        if not r.refuted:
            raise WitnessError(f"no case for a finding under {combo}: {r.status} {r.reason}")
        return condition, self.enc.case_from_model(r.model), combo, relevant

    def stable_first(self, proj: Projection, names, holds: Holds, seeds: Seeds = ()) -> tuple:
        """The witness seed under the least reading found (not the solver's first), so
        the witness does not depend on solver order."""
        least = min(proj.found)
        if proj.first[2] == least:
            return proj.first
        return self.witness_for(proj.first[0], least, names, holds, seeds)

    def within(self, found: list[Combo], outer: list[Combo]) -> list[Combo]:
        """The combos of ``outer`` whose restriction lies in ``found`` (over fewer names)."""
        names = {n for c in found for n, _ in c}
        got = set(found)
        return [c for c in outer if self.restrict(c, names) in got]

    # ------------------------------------------------------------ A400
    def consistency(self) -> None:
        """Per reading of the assumptions' interpretations: unsat iff there is no
        admissible case (A400, core = the assumptions involved)."""
        proj = self.project(TRUE, lambda ev: True, ())
        if proj.unknown is not None:
            self.unknown("consistency of the assumptions", proj.unknown)
            self.consistent = set()
            return
        self.consistent = set(proj.found)
        ids: dict[tuple, int] = {}
        for combo in sorted(self.consistent):
            key = self.restrict(combo, self.assumed)
            least = self.least_admissible(key)
            self._least_id[key] = ids.setdefault(tuple(sorted(least.items())), len(ids))
        names = {a.name for a in self.policy.assumptions}
        for combo in proj.missing:
            self.s.reading = dict(combo)
            r = self.s.consistent()
            self.add("A400", (), None, [combo], core=tuple(sorted(n for n in r.core if n in names)))

    # ------------------------------------------------------------ A406, A407
    def rules_alive(self) -> None:
        """Per rule: no case with applicable(r) under a consistent reading (A406 dead)."""
        for rid in self.ix.rule_ids:
            proj = self.project(self.app(rid), lambda ev, rid=rid: ev.applicable(rid),
                                self.cones.rule_app(rid), self.seeds(rid))
            self.live[rid] = proj
            if proj.unknown is not None:
                self.unknown(f"can rule {rid} apply", proj.unknown)
            if proj.missing:
                self.add("A406", (rid,), None, proj.missing)
            if not proj.found:
                self.dead_all.add(rid)

    def rules_shadowed(self) -> None:
        """Per live rule with stronger incompatible rules: the readings where r can apply
        but no case has effective(r) (A407 shadowed; witness: r applies, defeated)."""
        for rid in self.ix.rule_ids:
            defeaters = self.ix.defeaters[rid]
            if rid in self.dead_all or not defeaters:
                continue
            proj = self.project(self.eff(rid), lambda ev, rid=rid: ev.effective(rid),
                                self.cones.rule_eff(rid), self.seeds(rid))
            if proj.unknown is not None:
                self.unknown(f"can rule {rid} take effect", proj.unknown)
            combos = self.within(self.live[rid].found, proj.missing)
            if combos:
                holds = lambda ev, rid=rid: ev.applicable(rid) and not ev.effective(rid)  # noqa: E731
                self.add("A407", (rid,), None, combos,
                         first=self.witness_for(self.app(rid), min(combos), self.cones.rule_app(rid),
                                                holds, self.seeds(rid)),
                         related=defeaters, holds=holds)

    # ------------------------------------------------------------ A408
    def rules_redundant(self) -> None:
        """Per live rule r with same-conclusion rules S: the readings where r can apply
        and no case has applicable(r) without some rule of S (A408 redundant)."""
        for rids in self.ix.concluding.values():
            for rid in rids:
                others = tuple(o for o in rids if o != rid)
                if rid in self.dead_all or not others:
                    continue
                interps = self.cones.rule_app(rid).union(*(self.cones.rule_app(o) for o in others))
                alone = conj(self.app(rid), neg(disj([self.app(o) for o in others])))
                proj = self.project(alone, lambda ev, rid=rid, others=others: ev.applicable(rid)
                                    and not any(ev.applicable(o) for o in others), interps,
                                    self.seeds(rid))
                if proj.unknown is not None:
                    self.unknown(f"is rule {rid} redundant", proj.unknown)
                combos = self.within(self.live[rid].found, proj.missing)
                if combos:
                    holds = lambda ev, rid=rid, others=others: ev.applicable(rid) and any(  # noqa: E731
                        ev.applicable(o) for o in others)
                    self.add("A408", (rid,), None, combos,
                             first=self.witness_for(self.app(rid), min(combos), self.cones.rule_app(rid),
                                                    holds, self.seeds(rid)),
                             related=others, holds=holds)

    # ------------------------------------------------------------ A401–A403
    def candidate_pairs(self) -> tuple[list, list]:
        """(incompatible pairs, same-conclusion pairs) of rules not dead everywhere,
        grouped by target, minus pairs whose conditions clash literally (sound prefilter)."""
        by_target: dict[tuple, list[str]] = {}
        for rid in self.ix.rule_ids:
            if rid not in self.dead_all:
                c = self.policy.rules[rid].conclusion
                by_target.setdefault((c.kind == DECIDE, c.target), []).append(rid)
        incompatible_pairs, same_pairs = [], []
        for rids in by_target.values():
            for a, b in itertools.combinations(rids, 2):
                ca, cb = self.policy.rules[a].conclusion, self.policy.rules[b].conclusion
                if clash(self.summary(a), self.summary(b)):
                    continue
                if incompatible(self.policy, ca, cb):
                    incompatible_pairs.append((a, b))
                elif (ca.kind, ca.value) == (cb.kind, cb.value):
                    same_pairs.append((a, b))
        return incompatible_pairs, same_pairs

    def pairs(self) -> None:
        """Per surviving pair: A401 — sat iff some case has effective(r1) ∧ effective(r2)
        (incompatible, no priority); A402 — sat iff some case has both applicable
        (incompatible, with priority); A403 — sat iff some case has both applicable (same
        conclusion)."""
        incompatible_pairs, same_pairs = self.candidate_pairs()
        for a, b in incompatible_pairs:
            winner = self.ix.priority_between(self.policy, a, b)
            if winner is None:
                self._exists("A401", (a, b), None, conj(self.eff(a), self.eff(b)),
                             lambda ev, a=a, b=b: ev.effective(a) and ev.effective(b),
                             self.cones.rule_eff(a) | self.cones.rule_eff(b))
            else:
                self._exists("A402", (a, b), None, conj(self.app(a), self.app(b)),
                             lambda ev, a=a, b=b: ev.applicable(a) and ev.applicable(b),
                             self.cones.rule_app(a) | self.cones.rule_app(b), winner=winner)
        for a, b in same_pairs:
            self._exists("A403", (a, b), None, conj(self.app(a), self.app(b)),
                         lambda ev, a=a, b=b: ev.applicable(a) and ev.applicable(b),
                         self.cones.rule_app(a) | self.cones.rule_app(b))

    def _exists(self, code, rules, subject, cond, holds, interps, winner=None, related=(),
                forced: Optional[Summary] = None, seed: Optional[Summary] = None) -> None:
        """Record ``code`` under every reading where some case has ``cond`` (``forced``:
        literals every such case has, if known; ``seed``: a guess at one such case)."""
        if forced is None and code in FORCING:
            forced = conjoin(self.summary(r) for r in rules)
        seeds = self.seeds(*rules) if code in FORCING else tuple(x for x in (forced, seed) if x is not None)
        proj = self.project(cond, holds, interps, seeds)
        if proj.unknown is not None:
            self.unknown(f"{code} for {', '.join(rules) or subject}", proj.unknown)
        if proj.found:
            self.add(code, rules, subject, proj.found,
                     first=self.stable_first(proj, interps, holds, seeds),
                     holds=holds, winner=winner, related=tuple(related), forced=forced)

    # ------------------------------------------------------------ A404, A405
    def decisions(self) -> None:
        """Per decision D: A404 — sat iff some case has scope(D), no concluded(D, x), no
        applicable discretion on D (only for a decision with a scope); A405 — sat iff some
        case has scope(D) (true if none), no concluded(D, x), and a discretion on D."""
        for d in self.policy.decisions.values():
            none = neg(disj([self.enc.concluded[(d.name, v)] for v in d.alternatives]))
            idx = self.ix.discretions_on.get(d.name, ())
            some_disc = disj([self.enc.discretions[self.policy.discretions[i].id] for i in idx])
            scope = self.enc.expr(d.scope) if d.scope is not None else TRUE

            def unanswered(ev, d=d):
                return (d.scope is None or ev.expr(d.scope)) and not any(
                    ev.concluded(d.name, v) for v in d.alternatives)

            def disc_on(ev, idx=idx):
                return any(ev.discretion(i) for i in idx)
            interps = self.cones.decision_question(d.name)
            in_scope = summarise_expr(self.policy, d.scope) if d.scope is not None else Summary()
            seed = summarise_expr(self.policy, d.scope, guess=1) if d.scope is not None else Summary()
            if d.scope is not None:
                self._exists("A404", (), d.name, conj(scope, none, neg(some_disc)),
                             lambda ev, u=unanswered, dd=disc_on: u(ev) and not dd(ev), interps,
                             forced=in_scope, seed=seed)
            if idx:
                only = self.policy.discretions[idx[0]].condition if len(idx) == 1 else None
                forced = conjoin([in_scope, summarise_expr(self.policy, only)]) if only else in_scope
                first = self.policy.discretions[idx[0]].condition
                if first is not None:
                    seed = conjoin([seed, summarise_expr(self.policy, first, guess=1)])
                self._exists("A405", (), d.name, conj(scope, none, some_disc),
                             lambda ev, u=unanswered, dd=disc_on: u(ev) and dd(ev), interps,
                             forced=forced, seed=seed)

    def actions(self) -> None:
        """Per action X: A405 — sat iff some case has permitted(X) and not obligated(X)."""
        for x in self.policy.actions:
            rules = self.ix.concluding.get(Atom(MAY, x), ())
            if not rules:
                continue                      # permitted without obligation needs a may rule
            cond = conj(self.enc.atoms[Atom(MAY, x)], neg(self.enc.atoms[Atom(MUST, x)]))
            self._exists("A405", (), x, cond,
                         lambda ev, x=x: ev.permitted(x) and not ev.obligated(x),
                         self.cones.action(x), related=rules,
                         forced=self.summary(rules[0]) if len(rules) == 1 else None,
                         seed=self.summary(rules[0], guess=1))

    # ------------------------------------------------------------ A409, A410
    def properties(self) -> None:
        """Per property P: the readings with a case where P fails (A409, with a
        counterexample) and those without one (A410 proven: unsat of not P)."""
        for name, prop in self.policy.properties.items():
            holds = lambda ev, e=prop.expr: not ev.expr(e)  # noqa: E731
            cone = self.cones.expr(prop.expr)
            forced = summarise_expr(self.policy, prop.expr, False)
            seed = summarise_expr(self.policy, prop.expr, False, guess=1)
            proj = self.project(neg(self.enc.expr(prop.expr)), holds, cone, (forced, seed))
            if proj.unknown is not None:
                self.unknown(f"property {name}", proj.unknown)
            if proj.found:
                self.add("A409", (), name, proj.found, first=self.stable_first(proj, cone, holds, (forced, seed)),
                         holds=holds, forced=forced)
            if proj.missing:
                self.add("A410", (), name, proj.missing)

    # ------------------------------------------------------------ all
    PHASES = ("consistency", "rules_alive", "rules_shadowed", "rules_redundant", "pairs",
              "decisions", "actions", "properties")

    def run(self) -> list[Finding]:
        """Every analysis in order; ``self.phases`` records (name, seconds, solver calls)
        of each (statistics for bench/, never printed in reports)."""
        self.phases: list[tuple[str, float, int]] = []
        for name in self.PHASES:
            if name != "consistency" and not self.consistent:
                break
            start, checks = time.perf_counter(), self.s.checks
            getattr(self, name)()
            self.phases.append((name, time.perf_counter() - start, self.s.checks - checks))
        return self.findings
