"""Which open interpretations can still reach an outcome, given what a case already decides.

``live(policy, known)`` answers, for an outcome atom, the interpretations reachable from it
through definitions the case leaves undecided: the rules concluding it whose effectiveness
is not yet known (through their conditions and unless-clauses, while their applicability
is not known, and through the applicability of the stronger rules that may defeat them),
the terms, decisions and actions those read while not yet known, down to the facts (which
stop the walk) and the interpretations (which are collected). ``known(key)`` tells whether
an evaluation key (``verifier.evaluate.partial.PartialEvaluator.keys``: ``("applicable",
rule)``, ``("effective", rule)``, outcome atoms) has one value in every admissible
completion of the case under every reading — lane 0 of ``rulings.lanes.CaseLanes``.

What it guarantees: an interpretation not returned for an atom cannot change the atom
between two admissible completions of the case that differ in that reading only. Every
path by which it could enter the atom's definition passes through a node whose value is
the same in both completions (a known node), and facts are the same in both. So a reading
not live for any atom a verdict reads cannot change that verdict — the solver need not be
asked (``RulingsQuery.reading_changes`` answers the rest).
"""
from __future__ import annotations

from typing import Callable

from ..evaluate.structure import index
from ..model import DECIDE, MAY, MUST, MUST_NOT, TERM, Deontic, Is, PolicySet, Ref, leaves
from .deps import concluding_rules


class Live:
    """Live interpretations of outcome atoms for one case (memoised per node)."""

    def __init__(self, policy: PolicySet, known: Callable[[tuple], bool]):
        self.policy, self.known = policy, known
        self._memo: dict[tuple, frozenset] = {}
        self._defeaters = index(policy).defeaters    # stronger incompatible rules (cached)

    def of(self, atom: tuple) -> frozenset[str]:
        """The interpretations that may still change ``atom`` (see the module docstring)."""
        if atom in self._memo:
            return self._memo[atom]
        self._memo[atom] = frozenset()          # cycles cannot add anything new
        out: set[str] = set()
        if not self.known(atom):
            kind, target, _ = atom
            p = self.policy
            if kind == TERM and p.terms[target].definition is not None:
                out |= self._expr(p.terms[target].definition)
            elif kind == "discretion":
                out |= set().union(*(self._expr(d.condition) for d in p.discretions if d.id == target))
            elif kind == "discretion_on":
                out |= set().union(*(self.of(("discretion", d.id, None)) for d in p.discretions
                                     if d.target == target))
            else:
                for rid in concluding_rules(p, atom):
                    out |= self._rule(rid)
                if kind == MAY:                 # 可以 X also holds when 应当 X does
                    out |= self.of((MUST, target, None))
        self._memo[atom] = frozenset(out)
        return self._memo[atom]

    def _rule(self, rid: str) -> set[str]:
        key = ("rule", rid, None)
        if key not in self._memo:
            self._memo[key] = frozenset()
            out: set[str] = set()
            if not self.known(("effective", rid, None)):
                out |= self._applicable(rid)
                for h in self._defeaters.get(rid, ()):
                    out |= self._applicable(h)
            self._memo[key] = frozenset(out)
        return set(self._memo[key])

    def _applicable(self, rid: str) -> set[str]:
        if self.known(("applicable", rid, None)):
            return set()
        rule = self.policy.rules[rid]
        return self._expr(rule.condition) | self._expr(rule.unless)

    def _expr(self, e) -> set[str]:
        p = self.policy
        out: set[str] = set()
        for x in leaves(e) if e is not None else ():
            if isinstance(x, Ref):
                if x.name in p.interpretations:
                    out.add(x.name)
                elif x.name in p.terms:
                    out |= self.of((TERM, x.name, None))
            elif isinstance(x, Is) and x.subject in p.decisions:
                for value in p.decisions[x.subject].alternatives:
                    out |= self.of((DECIDE, x.subject, value))
            elif isinstance(x, Deontic):
                for modality in (MUST, MAY, MUST_NOT):
                    out |= self.of((modality, x.action, None))
        return out
