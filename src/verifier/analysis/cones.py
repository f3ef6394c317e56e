"""Which interpretations and facts a question can depend on (syntactic cone of influence).

With k interpretations there are 2^k readings (the 办法 have 15: 32,768); but a question
about a rule depends only on the interpretations its outcome can reach, usually none or
one. Readings are enumerated only over *those*; a witness is minimised only over the
facts in the cone (the others are irrelevant, so they take their default for free).
Every set returned holds fact and interpretation names.
"""
from __future__ import annotations

from functools import lru_cache

from ..evaluate import Atom, index
from ..model.nodes import DECIDE, MAY, MUST, MUST_NOT, TERM, Is, Ref, leaves
from ..model.policy import PolicySet


class Cones:
    """Facts and interpretations reachable from expressions, rules, atoms, decisions."""

    def __init__(self, policy: PolicySet):
        self.policy = policy
        self.ix = index(policy)
        self.rule_app = lru_cache(maxsize=None)(self._rule_app)
        self.rule_eff = lru_cache(maxsize=None)(self._rule_eff)
        self.atom = lru_cache(maxsize=None)(self._atom)
        self.name = lru_cache(maxsize=None)(self._name)

    def expr(self, e) -> frozenset:
        return frozenset().union(*(self._leaf(x) for x in leaves(e)))

    def _leaf(self, x) -> frozenset:
        if isinstance(x, Ref):
            return self.name(x.name)
        if isinstance(x, Is):
            return self.decision(x.subject) if x.subject in self.policy.decisions else frozenset({x.subject})
        return self.action(x.action)

    def _name(self, name: str) -> frozenset:
        p = self.policy
        if name in p.interpretations or name in p.facts:
            return frozenset({name})
        if name in p.terms:
            t = p.terms[name]
            return self.expr(t.definition) if t.definition is not None else self.atom(Atom(TERM, name))
        return frozenset()

    def _rule_app(self, rid: str) -> frozenset:
        r = self.policy.rules[rid]
        return self.expr(r.condition) | self.expr(r.unless)

    def _rule_eff(self, rid: str) -> frozenset:
        return self.rule_app(rid).union(*(self.rule_app(h) for h in self.ix.defeaters[rid]))

    def _atom(self, atom: Atom) -> frozenset:
        return frozenset().union(*(self.rule_eff(r) for r in self.ix.concluding.get(atom, ())))

    def action(self, x: str) -> frozenset:
        return self.atom(Atom(MUST, x)) | self.atom(Atom(MAY, x)) | self.atom(Atom(MUST_NOT, x))

    def decision(self, d: str) -> frozenset:
        """Every rule concluding D (the value atoms read all of them)."""
        dec = self.policy.decisions[d]
        return frozenset().union(*(self.atom(Atom(DECIDE, d, v)) for v in dec.alternatives))

    def decision_question(self, d: str) -> frozenset:
        """Gap / discretion on D: its scope, its rules, the discretions on it."""
        dec = self.policy.decisions[d]
        discs = [self.policy.discretions[i] for i in self.ix.discretions_on.get(d, ())]
        return self.decision(d) | self.expr(dec.scope) | frozenset().union(
            *(self.expr(x.condition) for x in discs))

    def assumptions(self) -> frozenset:
        return frozenset().union(*(self.expr(a.expr) for a in self.policy.assumptions))

    def assumption_components(self) -> dict[str, frozenset]:
        """Fact -> the facts linked to it through assumptions (transitively), for every
        fact some assumption reads. Facts of different components are constrained
        independently of each other."""
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x
        for a in self.policy.assumptions:
            facts = sorted(n for n in self.expr(a.expr) if n in self.policy.facts)
            for f in facts:
                parent[find(f)] = find(facts[0])
        groups: dict[str, set] = {}
        for f in parent:
            groups.setdefault(find(f), set()).add(f)
        return {f: frozenset(groups[find(f)]) for f in parent}
