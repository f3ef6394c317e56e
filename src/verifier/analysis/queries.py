"""The analyses of docs/semantics.md ("What the analyses ask") under one reading.

Each method asks one kind of question of the admissible cases and appends Findings.
Every query's docstring states what its solver answer means. Witnesses are minimised and
replayed through verifier.evaluate before they are recorded.
"""
from __future__ import annotations

import itertools
from typing import Callable, Optional

import z3

from ..evaluate import Atom, Evaluator, incompatible
from ..logic import EngineSolver, Result
from ..model.nodes import DECIDE, MAY, MUST, MUST_NOT, NO_SPAN
from .findings import Finding, RuleRef, make_args
from .prefilter import clash, conjoin, summarise
from .witness import minimise, replay


# codes whose witness condition implies applicable(r) for each of the finding's rules
FORCING = ("A401", "A402", "A403", "A407", "A408")


class ReadingAnalysis:
    """All analyses under one reading, sharing one EngineSolver."""

    def __init__(self, s: EngineSolver, reading: dict[str, bool]):
        self.s, self.enc, self.policy = s, s.enc, s.enc.policy
        self.ix = self.enc.ix
        self.reading = dict(sorted(reading.items()))
        s.reading = self.reading
        self.findings: list[Finding] = []
        self.live: set[str] = set()            # rules with applicable(r) satisfiable
        self.dead: set[str] = set()
        self.shadowed: set[str] = set()
        self.live_witness: dict[str, tuple[z3.BoolRef, Result]] = {}
        self._summaries: dict[str, object] = {}

    # ------------------------------------------------------------ helpers
    def ref(self, rid: str) -> RuleRef:
        r = self.policy.rules[rid]
        return RuleRef(rid, r.meta.cites, r.span)

    def ask(self, condition: z3.BoolRef) -> tuple[z3.BoolRef, Result]:
        """(condition, result) for 'some admissible case has condition' (REFUTED(model)
        iff so; PROVEN iff none)."""
        return condition, self.s.exists(condition)

    def unknown(self, question: str, r: Result) -> None:
        self.add("A411", (), question, reason=r.reason)

    def add(self, code: str, rules: tuple[str, ...], subject: Optional[str] = None, *,
            found: Optional[tuple[z3.BoolRef, Result]] = None,
            holds: Optional[Callable[[Evaluator], bool]] = None, winner: Optional[str] = None,
            related: tuple[str, ...] = (), core: tuple[str, ...] = (),
            reason: Optional[str] = None, span=None) -> None:
        """Record a finding; with ``found`` = (condition, sat result), minimise the witness
        and replay it."""
        witness, wreading = None, ()
        if found is not None:
            forced = conjoin(self.summary(r) for r in rules) if code in FORCING else None
            case, readings = minimise(self.s, found[0], found[1].model, forced)
            replay(self.s, case, readings, holds or (lambda ev: True), f"{code} {rules} {subject}")
            witness = tuple(case.items())
            wreading = tuple(sorted(readings.items()))
        refs = tuple(self.ref(r) for r in rules)
        if span is None:
            span = refs[0].span if refs else self._span_of(subject)
        self.findings.append(Finding(
            code, refs, subject, make_args(code, rules, subject, winner, reason), witness,
            wreading, (tuple(self.reading.items()),), tuple(self.ref(r) for r in related),
            core, span))

    def _span_of(self, name: Optional[str]):
        p = self.policy
        for table in (p.decisions, p.actions, p.properties):
            if name in table:
                return table[name].span
        return NO_SPAN

    def app(self, rid: str) -> z3.BoolRef:
        return self.enc.rules[rid].applicable

    def eff(self, rid: str) -> z3.BoolRef:
        return self.enc.rules[rid].effective

    # ------------------------------------------------------------ A400
    def consistency(self) -> bool:
        """unsat iff there is no admissible case (A400, core = assumptions involved).
        Returns True when the analyses may go on."""
        r = self.s.consistent()
        if r.proven:
            names = {a.name for a in self.policy.assumptions}
            core = tuple(sorted(n for n in r.core if n in names))
            self.add("A400", (), None, core=core)
            return False
        if r.unknown:
            self.unknown("consistency of the assumptions", r)
            return False
        return True

    # ------------------------------------------------------------ A406, A407
    def rules_alive(self) -> None:
        """Per rule: unsat iff no admissible case has applicable(r) (A406 dead)."""
        for rid in self.ix.rule_ids:
            found = self.ask(self.app(rid))
            if found[1].proven:
                self.dead.add(rid)
                self.add("A406", (rid,))
            elif found[1].refuted:
                self.live.add(rid)
                self.live_witness[rid] = found
            else:
                self.unknown(f"can rule {rid} apply", found[1])

    def rules_shadowed(self) -> None:
        """Per live rule with stronger incompatible rules: unsat iff no admissible case has
        effective(r) (A407 shadowed; witness: a case where r applies and is defeated)."""
        for rid in self.ix.rule_ids:
            defeaters = self.ix.defeaters[rid]
            if rid not in self.live or not defeaters:
                continue
            q, r = self.ask(self.eff(rid))
            if r.proven:
                self.shadowed.add(rid)
                self.add("A407", (rid,), found=self.live_witness[rid], related=defeaters,
                         holds=lambda ev, rid=rid: ev.applicable(rid) and not ev.effective(rid))
            elif r.unknown:
                self.unknown(f"can rule {rid} take effect", r)

    # ------------------------------------------------------------ A408
    def rules_redundant(self) -> None:
        """Per live rule r with same-conclusion rules S: unsat iff every admissible case
        with applicable(r) has some rule of S applicable (A408 redundant)."""
        for atom, rids in self.ix.concluding.items():
            for rid in rids:
                others = tuple(o for o in rids if o != rid)
                if rid not in self.live or not others:
                    continue
                alone = z3.And(self.app(rid), z3.Not(z3.Or([self.app(o) for o in others])))
                q, r = self.ask(alone)
                if r.proven:
                    self.add("A408", (rid,), found=self.live_witness[rid], related=others,
                             holds=lambda ev, rid=rid, others=others: ev.applicable(rid)
                             and any(ev.applicable(o) for o in others))
                elif r.unknown:
                    self.unknown(f"is rule {rid} redundant", r)

    # ------------------------------------------------------------ A401–A403
    def summary(self, rid: str):
        if rid not in self._summaries:
            self._summaries[rid] = summarise(self.policy, self.policy.rules[rid])
        return self._summaries[rid]

    def candidate_pairs(self) -> tuple[list, list]:
        """(incompatible pairs, same-conclusion pairs) of live rules grouped by target,
        minus pairs whose conditions clash literally (sound prefilter)."""
        by_target: dict[str, list[str]] = {}
        for rid in self.ix.rule_ids:
            if rid in self.live:
                c = self.policy.rules[rid].conclusion
                by_target.setdefault(f"{c.kind == DECIDE}:{c.target}", []).append(rid)
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

    def target_conflicts(self) -> set[str]:
        """Per action / unordered decision: unsat iff no admissible case has two effective
        rules with incompatible conclusions on it. Returns targets that may conflict."""
        out = set()
        for x in self.policy.actions:
            cond = z3.And(self.enc.atoms[Atom(MAY, x)], self.enc.atoms[Atom(MUST_NOT, x)])
            if not self.ask(cond)[1].proven:
                out.add(f"False:{x}")
        for d in self.policy.decisions.values():
            if d.ordered:
                continue
            cond = z3.AtLeast(*[self.enc.concluded[(d.name, v)] for v in d.alternatives], 2) \
                if len(d.alternatives) >= 2 else z3.BoolVal(False)
            if not self.ask(cond)[1].proven:
                out.add(f"True:{d.name}")
        return out

    def pairs(self) -> None:
        """Per surviving pair: A401 — sat iff some case has effective(r1) ∧ effective(r2)
        (incompatible, no priority); A402 — sat iff some case has applicable both
        (incompatible, with priority); A403 — sat iff some case has applicable both (same
        conclusion)."""
        incompatible_pairs, same_pairs = self.candidate_pairs()
        maybe = self.target_conflicts()
        for a, b in incompatible_pairs:
            c = self.policy.rules[a].conclusion
            winner = self.ix.priority_between(self.policy, a, b)
            if winner is None:
                if f"{c.kind == DECIDE}:{c.target}" in maybe:
                    self._pair("A401", a, b, z3.And(self.eff(a), self.eff(b)),
                               lambda ev: ev.effective(a) and ev.effective(b))
            else:
                self._pair("A402", a, b, z3.And(self.app(a), self.app(b)),
                           lambda ev: ev.applicable(a) and ev.applicable(b), winner)
        for a, b in same_pairs:
            self._pair("A403", a, b, z3.And(self.app(a), self.app(b)),
                       lambda ev: ev.applicable(a) and ev.applicable(b))

    def _pair(self, code, a, b, cond, holds, winner=None) -> None:
        found = self.ask(cond)
        if found[1].refuted:
            self.add(code, (a, b), found=found, holds=holds, winner=winner)
        elif found[1].unknown:
            self.unknown(f"{code} for {a}, {b}", found[1])

    # ------------------------------------------------------------ A404, A405
    def decisions(self) -> None:
        """Per decision D: A404 — sat iff some case has scope(D), no concluded(D, x), no
        applicable discretion on D (only for a decision with a scope); A405 — sat iff some
        case has scope(D) (true if none), no concluded(D, x), and a discretion on D."""
        for d in self.policy.decisions.values():
            none = z3.Not(z3.Or([self.enc.concluded[(d.name, v)] for v in d.alternatives]))
            discs = [self.policy.discretions[i].id for i in self.ix.discretions_on.get(d.name, ())]
            some_disc = z3.Or([self.enc.discretions[i] for i in discs] or [z3.BoolVal(False)])
            scope = self.enc.expr(d.scope) if d.scope is not None else z3.BoolVal(True)

            def unanswered(ev, d=d):
                return (d.scope is None or ev.expr(d.scope)) and not any(
                    ev.concluded(d.name, v) for v in d.alternatives)

            def disc_on(ev, d=d):
                return any(ev.discretion(i) for i in self.ix.discretions_on.get(d.name, ()))
            if d.scope is not None:
                self._exists("A404", d.name, z3.And(scope, none, z3.Not(some_disc)),
                             lambda ev, u=unanswered, dd=disc_on: u(ev) and not dd(ev))
            if discs:
                self._exists("A405", d.name, z3.And(scope, none, some_disc),
                             lambda ev, u=unanswered, dd=disc_on: u(ev) and dd(ev))

    def actions(self) -> None:
        """Per action X: A405 — sat iff some case has permitted(X) and not obligated(X)."""
        for x in self.policy.actions:
            cond = z3.And(self.enc.atoms[Atom(MAY, x)], z3.Not(self.enc.atoms[Atom(MUST, x)]))
            rules = self.ix.concluding.get(Atom(MAY, x), ())
            self._exists("A405", x, cond, lambda ev, x=x: ev.permitted(x) and not ev.obligated(x),
                         rules)

    def _exists(self, code, subject, cond, holds, related=()) -> None:
        found = self.ask(cond)
        if found[1].refuted:
            self.add(code, (), subject, found=found, holds=holds, related=tuple(related),
                     span=self._span_of(subject))
        elif found[1].unknown:
            self.unknown(f"{code} for {subject}", found[1])

    # ------------------------------------------------------------ A409, A410
    def properties(self) -> None:
        """Per property P: unsat iff P holds in every admissible case (A410 proven);
        otherwise A409 with a counterexample."""
        for name, prop in self.policy.properties.items():
            found = self.ask(z3.Not(self.enc.expr(prop.expr)))
            if found[1].proven:
                self.add("A410", (), name)
            elif found[1].refuted:
                self.add("A409", (), name, found=found,
                         holds=lambda ev, e=prop.expr: not ev.expr(e))
            else:
                self.unknown(f"property {name}", found[1])

    # ------------------------------------------------------------ all
    def run(self) -> list[Finding]:
        if self.consistency():
            self.rules_alive()
            self.rules_shadowed()
            self.rules_redundant()
            self.pairs()
            self.decisions()
            self.actions()
            self.properties()
        return self.findings
