"""Which facts and rules an outcome can depend on (its cone of influence), read off the model."""
from __future__ import annotations

from ..model import DECIDE, MAY, MUST, TERM, Is, PolicySet, Ref, leaves

Outcome = tuple


def names_in(e) -> set[tuple[str, str]]:
    """(kind, name) pairs an expression mentions: ("ref", n), ("is", subject), ("deontic", action)."""
    return {("ref", x.name) if isinstance(x, Ref) else ("is", x.subject) if isinstance(x, Is)
            else ("deontic", x.action) for x in leaves(e)}


def concluding_rules(policy: PolicySet, outcome: Outcome) -> list[str]:
    """The rules whose effectiveness enters the outcome's definition (completion)."""
    kind, target, value = outcome
    out = []
    for r in policy.rules.values():
        c = r.conclusion
        if c.target != target:
            continue
        if kind == MAY and c.kind in (MAY, MUST):
            out.append(r.id)
        elif kind == DECIDE and c.kind == DECIDE:
            alts = policy.decisions[target].alternatives
            ordered = policy.decisions[target].ordered
            if c.value == value or (ordered and alts.index(c.value) < alts.index(value)):
                out.append(r.id)
        elif c.kind == kind and kind not in (MAY, DECIDE):
            out.append(r.id)
    return sorted(out)


class Cone:
    """Facts and rules reachable from outcomes, with assumption links between facts."""

    def __init__(self, policy: PolicySet):
        self.policy = policy
        self._memo: dict[Outcome, tuple[frozenset, frozenset]] = {}

    def of(self, outcome: Outcome) -> tuple[frozenset[str], frozenset[str]]:
        """(facts and interpretations, rules) the outcome depends on, closed under shared assumptions."""
        if outcome not in self._memo:
            facts: set[str] = set()
            rules: set[str] = set()
            self._walk_outcome(outcome, facts, rules, set())
            self._memo[outcome] = (frozenset(self._close(facts)), frozenset(rules))
        return self._memo[outcome]

    def _walk_outcome(self, outcome, facts, rules, seen) -> None:
        if outcome in seen:
            return
        seen.add(outcome)
        kind, target, _ = outcome
        if kind == TERM and self.policy.terms[target].definition is not None:
            self._walk_expr(self.policy.terms[target].definition, facts, rules, seen)
            return
        if kind in ("discretion", "discretion_on"):
            for d in self.policy.discretions:
                if d.id == target or d.target == target:
                    self._walk_expr(d.condition, facts, rules, seen)
            return
        for rid in concluding_rules(self.policy, outcome):
            self._walk_rule(rid, facts, rules, seen)

    def _walk_rule(self, rid, facts, rules, seen) -> None:
        if rid in rules:
            return
        rules.add(rid)
        r = self.policy.rules[rid]
        self._walk_expr(r.condition, facts, rules, seen)
        self._walk_expr(r.unless, facts, rules, seen)
        for h, low in self.policy.prevails:
            if low == rid and h in self.policy.rules:
                self._walk_rule(h, facts, rules, seen)

    def _walk_expr(self, e, facts, rules, seen) -> None:
        p = self.policy
        for kind, name in names_in(e):
            if kind == "ref" and (name in p.facts or name in p.interpretations):
                facts.add(name)          # interpretations ride along with the facts
            elif kind == "ref" and name in p.terms:
                self._walk_outcome((TERM, name, None), facts, rules, seen)
            elif kind == "is" and name in p.facts:
                facts.add(name)
            elif kind == "is":
                for x in p.decisions[name].alternatives:
                    self._walk_outcome((DECIDE, name, x), facts, rules, seen)
            elif kind == "deontic":
                for m in (MUST, MAY, "must_not"):
                    self._walk_outcome((m, name, None), facts, rules, seen)

    def _close(self, facts: set[str]) -> set[str]:
        if not hasattr(self, "_linked"):      # what each assumption reaches, through terms too
            self._linked = []
            for a in self.policy.assumptions:
                reach: set = set()
                self._walk_expr(a.expr, reach, set(), set())
                self._linked.append(reach)
        linked = self._linked
        changed = True
        while changed:
            changed = False
            for group in linked:
                if group & facts and not group <= facts:
                    facts |= group
                    changed = True
        return facts
