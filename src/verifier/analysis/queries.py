"""The analyses of docs/semantics.md ("What the analyses ask").

Each question is asked of every reading at once (projection.py: the readings under which
some admissible case answers it). Universal findings (dead, shadowed, redundant, proven)
hold under the consistent readings where the existential question has no case. Every
method's docstring states what its solver answer means. Witnesses are minimised and
replayed through verifier.evaluate before they are recorded.
"""
from __future__ import annotations

import itertools
import time
from contextlib import contextmanager
from typing import Optional

from ..evaluate import Atom, Evaluator, incompatible
from ..logic import TRUE, EngineSolver, Formula, Result, conj, disj, neg
from ..logic.encode import EncodingView
from ..logic.solve import LazySolver
from ..model.nodes import DECIDE, MAY, MUST, NO_SPAN
from .findings import Finding, RuleRef, make_args
from .prefilter import Summary, clash, conjoin, summarise, summarise_expr
from .relevance import witness_cone
from .projection import Combo, Holds, Projection, Projector, Seeds
from .slices import Slicer
from .witness import WitnessError, minimise, neutral_value, replay

SLICE_RULES = 400      # policies with more rules ask each question of its own slice
SLICE_SOLVERS = 32     # slice solvers kept (least recently used dropped)

# codes whose witness condition implies applicable(r) for each of the finding's rules
FORCING = ("A401", "A402", "A403", "A407", "A408")


class Analyser(Projector):
    """All analyses of one policy, sharing one EngineSolver."""

    def __init__(self, s: EngineSolver, chosen: dict[str, bool]):
        super().__init__(s, chosen)
        self.findings: list[Finding] = []
        self.live: dict[str, list] = {}          # rule -> the combos where it can apply
        self.dead_all: set[str] = set()
        self._summaries: dict[tuple, Summary] = {}
        self.slicer = Slicer(self.policy) if len(self.policy.rules) > SLICE_RULES else None
        self.neutral = {n: neutral_value(self.policy, n) for n in self.policy.facts} if self.slicer else {}
        self._slices: dict[frozenset, LazySolver] = {}
        self._views: dict[frozenset, EncodingView] = {}    # sub-policies, kept longer

    @contextmanager
    def sliced(self, rules=(), exprs=(), nodes=()):
        """Ask the with-block's questions of the slice of ``roots`` (slices.py: the same
        answers, from a solver holding only what they can depend on); the solver calls
        are counted on the policy's solver. Small policies keep one solver."""
        if self.slicer is None:
            yield
            return
        sl = self.slicer
        nodes = sl.nodes([*nodes, *sl.rules(rules), *map(self._target_node, rules),
                          *(n for e in exprs for n in sl.expr(e))])
        full, s = self.s, self._slices.pop(nodes, None)
        if s is None:
            view = self._views.get(nodes)
            if view is None:
                if len(self._views) > 4096:
                    self._views.clear()
                view = self._views[nodes] = EncodingView(self.enc, sl.sub_policy(nodes))
            s = LazySolver(lambda: EngineSolver(view, timeout_ms=full.timeout_ms,
                                                minimize_cores=full.minimize_cores,
                                                keep=sl.constraint_names(nodes)), view,
                           full.timeout_ms, full.minimize_cores)
        self._slices[nodes] = s                    # most recently used last
        while len(self._slices) > SLICE_SOLVERS:
            del self._slices[next(iter(self._slices))]
        before, self.s = s.checks, s
        try:
            yield
        finally:
            full.checks += s.checks - before
            self.s = full

    def _target_node(self, rid: str) -> tuple:
        """What rule ``rid`` concludes about: its questions are asked of the slice of
        that outcome (every rule concluding it), so they share one slice and solver."""
        c = self.policy.rules[rid].conclusion
        if c.target in self.policy.decisions:
            return ("decision", c.target)
        return ("action", c.target) if c.target in self.policy.actions else ("term", c.target)

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
        witness, wreading, cone = None, (), ()
        if first is not None:
            condition, start, combo, relevant = first
            self.s.reading = dict(combo)
            if forced is None and code in FORCING:
                forced = conjoin(self.summary(r) for r in rules)
            sub = self.s.enc.policy                 # a slice's sub-policy, or the policy
            if sub is not self.policy:
                start = ({n: start[0][n] for n in sub.facts}, start[1])
            case, readings = minimise(self.s, condition, start, forced, relevant, holds,
                                      self.least_admissible())
            replay(self.s, case, readings, holds or (lambda ev: True), f"{code} {rules} {subject}")
            cone = witness_cone(self.policy, case, readings, holds, relevant)
            if sub is not self.policy:
                # the facts the slice leaves out are read by nothing here (not even an
                # assumption): the least case has each at its neutral value
                case = {**self.neutral, **case}
            witness = tuple(case.items())
            wreading = tuple(sorted(readings.items()))
        refs = tuple(self.ref(r) for r in rules)
        span = refs[0].span if refs else self._span_of(subject)
        self.findings.append(Finding(
            code, refs, subject, make_args(code, rules, subject, winner, reason), witness,
            wreading, tuple(combos), tuple(self.ref(r) for r in related), core, span, cone))

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
        return condition, self.case_from_model(r.model), combo, relevant

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
        admissible case (A400, core = the assumptions involved; asked of the whole
        policy's solver, so that the core does not depend on slicing)."""
        with self.sliced():
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
            with self.sliced(rules=(rid,)):
                proj = self.project(self.app(rid), lambda ev, rid=rid: ev.applicable(rid),
                                    self.cones.rule_app(rid), self.seeds(rid))
                self.live[rid] = proj.found        # not proj: its first case holds every fact
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
            with self.sliced(rules=(rid,)):
                proj = self.project(self.eff(rid), lambda ev, rid=rid: ev.effective(rid),
                                    self.cones.rule_eff(rid), self.seeds(rid))
                if proj.unknown is not None:
                    self.unknown(f"can rule {rid} take effect", proj.unknown)
                combos = self.within(self.live[rid], proj.missing)
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
                with self.sliced(rules=rids):
                    interps = self.cones.rule_app(rid).union(*(self.cones.rule_app(o) for o in others))
                    alone = conj(self.app(rid), neg(disj([self.app(o) for o in others])))
                    proj = self.project(alone, lambda ev, rid=rid, others=others: ev.applicable(rid)
                                        and not any(ev.applicable(o) for o in others), interps,
                                        self.seeds(rid))
                    if proj.unknown is not None:
                        self.unknown(f"is rule {rid} redundant", proj.unknown)
                    combos = self.within(self.live[rid], proj.missing)
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
            with self.sliced(rules=(a, b)):
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
            with self.sliced(rules=(a, b)):
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
            with self.sliced(exprs=(d.scope,), nodes=self._decision_nodes(d.name)):
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

    def _decision_nodes(self, d: str) -> tuple:
        """Slice roots of the questions about decision ``d``: it and its discretions."""
        return (("decision", d), *(("discretion", str(i)) for i in self.ix.discretions_on.get(d, ())))

    def actions(self) -> None:
        """Per action X: A405 — sat iff some case has permitted(X) and not obligated(X)."""
        for x in self.policy.actions:
            rules = self.ix.concluding.get(Atom(MAY, x), ())
            if not rules:
                continue                      # permitted without obligation needs a may rule
            with self.sliced(nodes=(("action", x),)):
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
            with self.sliced(exprs=(prop.expr,)):
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
