"""Readings, least admissible cases and seed cases: how the analyses ask a question of
every reading at once (queries.py asks the questions).

Readings are handled symbolically: each question is asked with the interpretations it can
depend on (cones.py) left free. Candidate cases — seed cases built from literal summaries
(prefilter.py) on the least admissible case of a reading, then the solver's models — are
evaluated with verifier.evaluate, and one evaluation answers every reading that agrees on
the interpretations it read; the readings found are blocked and the solver asked again
until no reading is left (``Projector.project``).
"""
from __future__ import annotations

import itertools
from typing import Callable, Optional

from ..evaluate import Evaluator, compile_expr
from ..logic import TRUE, EngineSolver, Formula, Result
from .cones import Cones
from .prefilter import Summary, repairs, seed_case
from .witness import WitnessError, minimise

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


class Projector:
    """The reading machinery of one policy and EngineSolver (base of ``Analyser``)."""

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
        self.defaults = {n: self.enc.default_value(n) for n in self.policy.facts}
        self._component_least: dict[tuple, Optional[dict]] = {}
        self._least: dict[Combo, dict] = {}
        self._least_id: dict[Combo, int] = {}    # readings with equal least cases share an id
        self.base = frozenset(self.interps(self.assumed)) - set(self.chosen)
        self.consistent: Optional[set[Combo]] = None  # combos over base ∪ chosen
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
        # over the current solver's facts (a slice's: the facts of every assumption, the
        # only ones least_admissible reads from it)
        least = minimise(self.s, TRUE, self.s.enc.case_from_model(r.model),
                         holds=lambda ev: True)[0]
        self.s.reading = saved
        return least

    def case_from_model(self, model) -> tuple[dict, dict]:
        """(case, readings) of a model of the current solver, complete: a slice's solver
        (queries.Analyser.sliced) leaves out facts its questions do not read, and z3's
        model completion would give those their default (all bits false)."""
        enc = self.s.enc
        case, readings = enc.case_from_model(model)
        if enc is not self.enc:
            case = {**self.defaults, **case}
        return case, readings

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
                case, reading = self.case_from_model(r.model)
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
        unfound = {i for i, c in enumerate(universe) if c not in seen}
        todo = set(unfound)                 # not found and not given up on
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
            if not ok:
                todo -= todo.intersection(*(index[lit] for lit in cube)) & same | {i}
                continue
            # every combo the cube matches is answered by this case, including those an
            # earlier try gave up on: the cube is blocked, so all of them must be found
            covered = unfound.intersection(*(index[lit] for lit in cube)) | {i}
            unfound -= covered
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
