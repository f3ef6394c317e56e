"""Structural facts about a policy shared by the evaluator and the Z3 encoding (no z3).

Outcome atoms, conclusion incompatibility, which rules conclude what, and which stronger
rules can defeat a rule — all read off the model exactly as docs/semantics.md defines them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model.nodes import (DECIDE, MAY, MUST, MUST_NOT, TERM, Conclusion, Decision,
                           Rule)
from ..model.policy import PolicySet


@dataclass(frozen=True, order=True)
class Atom:
    """An outcome atom: kind is term / must / may / must_not / decide.

    ``Atom("term", T)``; ``Atom("must", X)`` (obligated), ``Atom("may", X)`` (permitted),
    ``Atom("must_not", X)`` (forbidden); ``Atom("decide", D, x)`` is the atom ``D = x``
    (the outcome, after taking the highest alternative of an ordered decision).
    """

    kind: str
    target: str
    value: Optional[str] = None

    def __str__(self) -> str:
        if self.kind == TERM:
            return self.target
        if self.kind == DECIDE:
            return f"{self.target} = {self.value}"
        return f"{self.kind.replace('_', ' ')} {self.target}"


def conclusion_atom(c: Conclusion) -> Atom:
    """The atom a conclusion speaks about (``must X`` -> Atom('must', X), ...)."""
    return Atom(c.kind, c.target, c.value)


def incompatible(policy: PolicySet, a: Conclusion, b: Conclusion) -> bool:
    """True iff the two conclusions are incompatible (semantics: 'Outcomes').

    must/may X vs must not X (same action); or the same *unordered* decision with
    different alternatives. Terms never; ordered decisions never.
    """
    if a.kind == TERM or b.kind == TERM:
        return False
    if a.kind == DECIDE or b.kind == DECIDE:
        if a.kind != DECIDE or b.kind != DECIDE or a.target != b.target:
            return False
        decision = policy.decisions.get(a.target)
        return decision is not None and not decision.ordered and a.value != b.value
    if a.target != b.target:
        return False
    return (a.kind == MUST_NOT) != (b.kind == MUST_NOT)


def same_conclusion(a: Conclusion, b: Conclusion) -> bool:
    """True iff two conclusions are the same (kind, target and value; spans ignored)."""
    return (a.kind, a.target, a.value) == (b.kind, b.target, b.value)


@dataclass(frozen=True)
class Index:
    """Lookup tables of a policy, computed once (see ``index``)."""

    rule_ids: tuple[str, ...]                        # declaration order
    concluding: dict[Atom, tuple[str, ...]]          # conclusion atom -> rule ids
    defeaters: dict[str, tuple[str, ...]]            # rule -> stronger incompatible rules
    atoms: tuple[Atom, ...]                          # every outcome atom, canonical order
    discretions_on: dict[str, tuple[int, ...]]       # target -> indexes into policy.discretions

    def priority_between(self, policy: PolicySet, r1: str, r2: str) -> Optional[str]:
        """The rule that prevails of the two (transitive priorities), or None."""
        if (r1, r2) in policy.prevails:
            return r1
        if (r2, r1) in policy.prevails:
            return r2
        return None


def outcome_atoms(policy: PolicySet) -> tuple[Atom, ...]:
    """Every outcome atom: every term, must/may/must not X per action, D = x per decision."""
    atoms = [Atom(TERM, t) for t in policy.terms]
    for x in policy.actions:
        atoms += [Atom(MUST, x), Atom(MAY, x), Atom(MUST_NOT, x)]
    for d in policy.decisions.values():
        atoms += [Atom(DECIDE, d.name, v) for v in d.alternatives]
    return tuple(atoms)


def _build(policy: PolicySet) -> Index:
    rules = policy.rules
    concluding: dict[Atom, list[str]] = {}
    for rid, r in rules.items():
        concluding.setdefault(conclusion_atom(r.conclusion), []).append(rid)
    position = {rid: i for i, rid in enumerate(rules)}
    higher: dict[str, list[str]] = {}
    for h, low in policy.prevails:
        if h in position:
            higher.setdefault(low, []).append(h)
    defeaters = {         # in rule order; from the priorities, not a scan of every rule
        rid: tuple(h for h in sorted(higher.get(rid, ()), key=position.__getitem__)
                   if incompatible(policy, rules[h].conclusion, r.conclusion))
        for rid, r in rules.items()}
    discretions_on: dict[str, list[int]] = {}
    for i, d in enumerate(policy.discretions):
        discretions_on.setdefault(d.target, []).append(i)
    return Index(tuple(rules), {a: tuple(v) for a, v in concluding.items()}, defeaters,
                 outcome_atoms(policy), {k: tuple(v) for k, v in discretions_on.items()})


def index(policy: PolicySet) -> Index:
    """The policy's Index, cached on the (immutable) policy object."""
    cached = policy.__dict__.get("_verifier_index")
    if cached is None:
        cached = _build(policy)
        policy.__dict__["_verifier_index"] = cached
    return cached


def higher_alternatives(decision: Decision, value: str) -> tuple[str, ...]:
    """For an ordered decision, the alternatives ranked above ``value`` (else empty)."""
    if not decision.ordered:
        return ()
    return decision.alternatives[:decision.alternatives.index(value)]


def rule_conclusion(rule: Rule) -> Atom:
    return conclusion_atom(rule.conclusion)
