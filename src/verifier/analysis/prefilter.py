"""Syntactic prefilter for rule pairs: two rules whose applicability conditions clash
literally (a ∧ ¬a, disjoint enum labels, empty integer interval) can never both apply,
so the pair needs no solver call. Sound: a clash here implies unsat; no clash proves nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..evaluate import Atom, index
from ..model.nodes import (TERM, And, BoolLit, BoolType, Compare, Implies, IntLit, IntType, Is, Not,
                           Or, Ref, Rule)
from ..model.policy import PolicySet

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}


@dataclass
class Summary:
    """What the top-level conjuncts of ``applicable(r)`` force."""

    polarity: dict[str, bool] = field(default_factory=dict)       # boolean name -> value
    labels: dict[str, frozenset] = field(default_factory=dict)    # enum fact -> allowed
    bounds: dict[str, tuple[int, int]] = field(default_factory=dict)  # int fact -> [lo, hi]
    false: bool = False
    clauses: list = field(default_factory=list)   # disjunctions of (boolean fact, value)


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


def _implied(policy: PolicySet, e, positive: bool, depth: int = 0, guess: int = 0):
    """Conjuncts implied by ``e`` (or ``not e``), looking through terms: a defined term
    implies its definition (both ways); a term only one rule concludes implies that
    rule's applicability (closed completion). With ``guess`` 1 (-1), a disjunction also
    yields its first (last) operand's conjuncts and a term several rules conclude the
    first (last) rule's, and an implication its consequent: no longer implied, one way to
    make ``e`` true (for seeds)."""
    pick = 0 if guess > 0 else -1
    for part, pos in _conjuncts(e, positive):
        yield part, pos
        if guess and (isinstance(part, Or) and pos or isinstance(part, And) and not pos):
            yield from _implied(policy, part.operands[pick], pos, depth + 1, guess)
        if guess and isinstance(part, Implies) and pos:        # true whatever the premise
            yield from _implied(policy, part.right, True, depth + 1, guess)
        if not isinstance(part, Ref) or part.name not in policy.terms or depth > 32:
            continue
        term = policy.terms[part.name]
        if term.definition is not None:
            yield from _implied(policy, term.definition, pos, depth + 1, guess)
        elif pos:
            rules = index(policy).concluding.get(Atom(TERM, part.name), ())
            if len(rules) == 1 or guess and rules:
                yield from _rule_parts(policy, policy.rules[rules[pick]], depth + 1, guess)


def _rule_parts(policy: PolicySet, rule: Rule, depth: int = 0, guess: int = 0):
    yield from _implied(policy, rule.condition, True, depth, guess)
    if rule.unless is not None:
        yield from _implied(policy, rule.unless, False, depth, guess)


def summarise(policy: PolicySet, rule: Rule, guess: int = 0) -> Summary:
    """The literal summary of ``condition and not unless`` (every literal in it holds in
    every case where the rule applies; with ``guess``, in some of them: see _implied)."""
    return _summary(policy, _rule_parts(policy, rule, guess=guess))


def summarise_expr(policy: PolicySet, e, positive: bool = True, guess: int = 0) -> Summary:
    """The literal summary of ``e`` (or of ``not e``)."""
    return _summary(policy, _implied(policy, e, positive, guess=guess))


def _summary(policy: PolicySet, parts) -> Summary:
    s = Summary()
    for e, pos in parts:
        clause = _clause(policy, e, pos)
        if clause is not None:
            s.clauses.append(clause)
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


def _literal(policy: PolicySet, e, positive: bool):
    """(fact, value) when ``e`` (or ``not e``) is a boolean fact literal, else None."""
    while isinstance(e, Not):
        e, positive = e.operand, not positive
    if isinstance(e, Ref) and e.name in policy.facts and isinstance(policy.facts[e.name].type, BoolType):
        return (e.name, positive)
    return None


def _clause(policy: PolicySet, e, positive: bool):
    """The disjunction ``e`` (an Or, or a negated And) as boolean fact literals, when
    every operand is one."""
    if not (isinstance(e, Or) and positive or isinstance(e, And) and not positive):
        return None
    lits = tuple(_literal(policy, o, positive) for o in e.operands)
    return None if None in lits else lits


def forces(clauses, name: str, value: bool, fixed: dict) -> bool:
    """True when some clause, with every other literal falsified by ``fixed`` (fact ->
    value), leaves only ``name = value``: then every case of the summarised condition
    agreeing with ``fixed`` has it."""
    for clause in clauses:
        if (name, value) in clause and all(   # (a tautology b or not b forces nothing)
                (n, v) == (name, value) or (n != name and n in fixed and fixed[n] != v)
                for n, v in clause):
            return True
    return False


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
        out.clauses += s.clauses
    return out


def seed_case(policy: PolicySet, summary: Summary, base: dict, touched: set | None = None) -> dict:
    """A candidate case for a condition summarised by ``summary``: ``base`` with the
    summary's literals made true, the least label or value they allow, and each clause
    not yet satisfied satisfied by its last literal (in name order, as the least case
    would). Only a guess: callers must evaluate it. The facts it sets are added to
    ``touched`` (the case equals ``base`` elsewhere)."""
    case = dict(base)
    touched = set() if touched is None else touched

    def put(n, v):
        case[n] = v
        touched.add(n)
    for n, v in summary.polarity.items():
        if n in policy.facts:
            put(n, v)
    for n, allowed in summary.labels.items():
        labels = [x for x in policy.facts[n].type.labels if x in allowed]
        if labels and case[n] not in allowed:
            put(n, labels[0])
    for n, (lo, hi) in summary.bounds.items():
        t = policy.facts[n].type
        lo, hi = max(lo, t.lo), min(hi, t.hi)
        if lo <= hi and not lo <= case[n] <= hi:
            put(n, lo)
    for clause in summary.clauses:
        options = [(n, v) for n, v in clause if summary.polarity.get(n, v) == v]
        if options and not any(case[n] == v for n, v in clause):
            put(*max(options))
    return case


def repairs(policy: PolicySet) -> list[tuple]:
    """(conjunct, polarity, fix) for every top-level conjunct of every assumption: when a
    seed case falsifies the conjunct, applying ``fix`` (seed_case) is one guess at
    satisfying it — the consequent of an implication, else the conjunct itself."""
    out = []
    for a in policy.assumptions:
        for part, pos in _conjuncts(a.expr, True):
            if isinstance(part, Implies) and pos:
                fix = summarise_expr(policy, part.right, True, guess=1)
            else:
                fix = summarise_expr(policy, part, pos, guess=1)
            out.append((part, pos, fix))
    return out
