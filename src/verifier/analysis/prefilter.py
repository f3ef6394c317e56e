"""Syntactic prefilter for rule pairs: two rules whose applicability conditions clash
literally (a ∧ ¬a, disjoint enum labels, empty integer interval) can never both apply,
so the pair needs no solver call. Sound: a clash here implies unsat; no clash proves nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model.nodes import And, BoolLit, Compare, IntLit, IntType, Is, Not, Or, Ref, Rule
from ..model.policy import PolicySet

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}


@dataclass
class Summary:
    """What the top-level conjuncts of ``applicable(r)`` force."""

    polarity: dict[str, bool] = field(default_factory=dict)       # boolean name -> value
    labels: dict[str, frozenset] = field(default_factory=dict)    # enum fact -> allowed
    bounds: dict[str, tuple[int, int]] = field(default_factory=dict)  # int fact -> [lo, hi]
    false: bool = False


def _conjuncts(e, positive: bool):
    """Top-level conjuncts of e (positive) or of not e."""
    if isinstance(e, Not):
        yield from _conjuncts(e.operand, not positive)
    elif isinstance(e, And) and positive or isinstance(e, Or) and not positive:
        for o in e.operands:
            yield from _conjuncts(o, positive)
    else:
        yield e, positive


def _int_bound(policy: PolicySet, c: Compare, positive: bool):
    """(name, lo, hi) when c compares an int fact with a literal, else None."""
    op, left, right = c.op, c.left, c.right
    if isinstance(left, IntLit) and isinstance(right, Ref):
        op, left, right = _FLIP[op], right, left
    if not (isinstance(left, Ref) and isinstance(right, IntLit)):
        return None
    fact = policy.facts.get(left.name)
    if fact is None or not isinstance(fact.type, IntType):
        return None
    if not positive:
        op = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "!=", "!=": "="}[op]
    k, lo, hi = right.value, fact.type.lo, fact.type.hi
    return {"<": (left.name, lo, k - 1), "<=": (left.name, lo, k),
            ">": (left.name, k + 1, hi), ">=": (left.name, k, hi),
            "=": (left.name, k, k)}.get(op)


def summarise(policy: PolicySet, rule: Rule) -> Summary:
    """The literal summary of ``condition and not unless``."""
    s = Summary()
    parts = list(_conjuncts(rule.condition, True))
    if rule.unless is not None:
        parts += list(_conjuncts(rule.unless, False))
    for e, pos in parts:
        if isinstance(e, BoolLit) and e.value != pos:
            s.false = True
        elif isinstance(e, Ref):
            if s.polarity.setdefault(e.name, pos) != pos:
                s.false = True
        elif isinstance(e, Is) and e.subject in policy.facts:
            labels = policy.facts[e.subject].type.labels
            allowed = frozenset(e.labels) if (pos != e.negated) else frozenset(labels) - set(e.labels)
            s.labels[e.subject] = s.labels.get(e.subject, frozenset(labels)) & allowed
        elif isinstance(e, Compare):
            b = _int_bound(policy, e, pos)
            if b is not None:
                lo0, hi0 = s.bounds.get(b[0], (b[1], b[2]))
                s.bounds[b[0]] = (max(lo0, b[1]), min(hi0, b[2]))
    return s


def clash(a: Summary, b: Summary) -> bool:
    """True when the two conditions cannot hold together (literal reasoning only)."""
    if a.false or b.false:
        return True
    if any(b.polarity.get(n, v) != v for n, v in a.polarity.items()):
        return True
    if any(not (a.labels[n] & b.labels[n]) for n in a.labels.keys() & b.labels.keys()):
        return True
    if any(not a.labels[n] for n in a.labels) or any(not b.labels[n] for n in b.labels):
        return True
    for n in a.bounds.keys() | b.bounds.keys():
        lo1, hi1 = a.bounds.get(n, b.bounds.get(n))
        lo2, hi2 = b.bounds.get(n, (lo1, hi1))
        if max(lo1, lo2) > min(hi1, hi2):
            return True
    return False


def conjoin(summaries) -> Summary:
    """The summary of the conjunction of several (non-clashing) summaries."""
    out = Summary()
    for s in summaries:
        out.polarity.update(s.polarity)
        for n, allowed in s.labels.items():
            out.labels[n] = out.labels.get(n, allowed) & allowed
        for n, (lo, hi) in s.bounds.items():
            lo0, hi0 = out.bounds.get(n, (lo, hi))
            out.bounds[n] = (max(lo0, lo), min(hi0, hi))
        out.false = out.false or s.false
    return out
