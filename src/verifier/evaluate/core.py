"""The plain-Python evaluator of docs/semantics.md: one complete case in, every outcome out.

No solver: expressions are evaluated directly, derived outcomes by memoised recursion in
dependency order (the checker guarantees there are no cycles; a cycle raises ValueError).
"""
from __future__ import annotations

from typing import Union

from ..model.nodes import (DECIDE, MAY, MUST, MUST_NOT, TERM, And, Arith, AtLeast,
                           BoolLit, BoolType, Compare, Deontic, EnumType, Implies, IntLit,
                           IntType, Is, Not, Or, Ref)
from ..model.policy import PolicySet
from .structure import Atom, higher_alternatives, index

Value = Union[bool, int, str]

_COMPARE = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "=": lambda a, b: a == b, "!=": lambda a, b: a != b,
}
_ARITH = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}
_BUSY = object()


def check_case(policy: PolicySet, case: dict[str, Value], readings: dict[str, bool]) -> None:
    """Raise ValueError unless ``case`` values every fact within its type and ``readings``
    values every interpretation (extra keys are errors too)."""
    for name, fact in policy.facts.items():
        if name not in case:
            raise ValueError(f"case lacks fact {name}")
        v, t = case[name], fact.type
        ok = (isinstance(t, BoolType) and isinstance(v, bool)
              or isinstance(t, EnumType) and v in t.labels
              or isinstance(t, IntType) and isinstance(v, int) and not isinstance(v, bool)
              and t.lo <= v <= t.hi)
        if not ok:
            raise ValueError(f"case gives {name} = {v!r}, outside its type {t}")
    extra = set(case) - set(policy.facts)
    if extra:
        raise ValueError(f"case values unknown facts {sorted(extra)}")
    for name in policy.interpretations:
        if not isinstance(readings.get(name), bool):
            raise ValueError(f"readings lack interpretation {name}")


class Evaluator:
    """Evaluates expressions and outcomes of one policy in one complete case (memoised)."""

    def __init__(self, policy: PolicySet, case: dict[str, Value],
                 readings: dict[str, bool] | None = None, validate: bool = True):
        readings = dict(readings or {})
        if validate:
            check_case(policy, case, readings)
        self.policy, self.case, self.readings = policy, case, readings
        self.ix = index(policy)
        self._memo: dict[tuple, object] = {}
        self.reads: set[str] = set()           # interpretations read so far

    def read_interpretations(self) -> frozenset:
        """The interpretations this evaluator has read. Evaluation is a deterministic
        function of the values it reads, so every reading that agrees on these gives the
        same results for everything evaluated so far."""
        return frozenset(self.reads)

    # ------------------------------------------------------------ memo helper
    def _cached(self, key: tuple, compute):
        v = self._memo.get(key)
        if v is _BUSY:
            raise ValueError(f"cyclic dependency through {key}")
        if v is None:
            self._memo[key] = _BUSY
            v = compute()
            self._memo[key] = v
        return v

    # ------------------------------------------------------------ expressions
    def expr(self, e) -> Value:
        """The value of a model expression (bool, or int for integer subexpressions)."""
        return _compiled(self.policy, e)(self)

    def ref(self, name: str) -> Value:
        """A name: fact value, interpretation reading, or term truth."""
        if name in self.policy.facts:
            return self.case[name]
        if name in self.policy.interpretations:
            self.reads.add(name)
            return self.readings[name]
        if name in self.policy.terms:
            return self.term(name)
        raise KeyError(f"unknown name {name}")

    def is_(self, subject: str, labels: tuple[str, ...]) -> bool:
        """``subject in labels``: an enum fact's value, or the decision atoms ``D = x``."""
        if subject in self.policy.facts:
            return self.case[subject] in labels
        return any(self.value(subject, x) for x in labels)

    # ------------------------------------------------------------ outcomes
    def term(self, name: str) -> bool:
        """A defined term holds iff its definition does; otherwise iff some effective
        rule concludes it."""
        t = self.policy.terms[name]
        if t.definition is not None:
            return self._cached(("term", name), lambda: bool(self.expr(t.definition)))
        return self._cached(("term", name), lambda: self._some_effective(Atom(TERM, name)))

    def applicable(self, rid: str) -> bool:
        """condition and not unless."""
        r = self.policy.rules[rid]
        return self._cached(("app", rid), lambda: bool(self.expr(r.condition)) and not (
            r.unless is not None and self.expr(r.unless)))

    def defeated(self, rid: str) -> bool:
        """Some stronger rule with an incompatible conclusion is applicable."""
        return self._cached(("def", rid), lambda: any(
            self.applicable(h) for h in self.ix.defeaters[rid]))

    def effective(self, rid: str) -> bool:
        return self.applicable(rid) and not self.defeated(rid)

    def _some_effective(self, atom: Atom) -> bool:
        return any(self.effective(r) for r in self.ix.concluding.get(atom, ()))

    def obligated(self, x: str) -> bool:
        return self._some_effective(Atom(MUST, x))

    def permitted(self, x: str) -> bool:
        return self.obligated(x) or self._some_effective(Atom(MAY, x))

    def forbidden(self, x: str) -> bool:
        return self._some_effective(Atom(MUST_NOT, x))

    def concluded(self, d: str, x: str) -> bool:
        return self._some_effective(Atom(DECIDE, d, x))

    def value(self, d: str, x: str) -> bool:
        """The atom ``D = x``: concluded, and for an ordered decision no higher one is."""
        decision = self.policy.decisions[d]
        return self.concluded(d, x) and not any(
            self.concluded(d, h) for h in higher_alternatives(decision, x))

    def discretion(self, i: int) -> bool:
        """discretion(d) for ``policy.discretions[i]``: its condition (missing: true)."""
        c = self.policy.discretions[i].condition
        return c is None or bool(self.expr(c))

    def atom(self, a: Atom) -> bool:
        """The truth of any outcome atom."""
        if a.kind == TERM:
            return self.term(a.target)
        if a.kind == MUST:
            return self.obligated(a.target)
        if a.kind == MAY:
            return self.permitted(a.target)
        if a.kind == MUST_NOT:
            return self.forbidden(a.target)
        if a.kind == DECIDE:
            return self.value(a.target, a.value)
        raise ValueError(f"unknown atom kind {a.kind}")

    def admissible(self) -> bool:
        """Every assumption holds."""
        return all(self.expr(a.expr) for a in self.policy.assumptions)


# ---------------------------------------------------------------- compiled expressions
# Each expression node is turned once into a Python closure over an Evaluator (the
# isinstance dispatch per node per evaluation cost more than the evaluation itself).
# The closures are cached on the (immutable) policy object, keyed by id(node), with the
# node kept beside its closure so an id is never mistaken for another node's.


def compile_expr(policy: PolicySet, e):
    """``e`` as a function of an Evaluator of ``policy`` (what ``Evaluator.expr`` runs)."""
    return _compiled(policy, e)


def _compiled(policy: PolicySet, e):
    code = policy.__dict__.get("_verifier_code")
    if code is None:
        code = policy.__dict__["_verifier_code"] = {}
    hit = code.get(id(e))
    if hit is not None and hit[0] is e:
        return hit[1]
    fn = _compile(policy, e)
    code[id(e)] = (e, fn)
    return fn


def _compile(policy: PolicySet, e):
    sub = lambda x: _compiled(policy, x)  # noqa: E731
    if isinstance(e, (BoolLit, IntLit)):
        value = e.value
        return lambda ev: value
    if isinstance(e, Ref):
        name = e.name
        if name in policy.facts:
            return lambda ev: ev.case[name]
        if name in policy.interpretations:
            def interpretation(ev):
                ev.reads.add(name)
                return ev.readings[name]
            return interpretation
        if name in policy.terms:
            return lambda ev: ev.term(name)
        return lambda ev: ev.ref(name)
    if isinstance(e, Not):
        f = sub(e.operand)
        return lambda ev: not f(ev)
    if isinstance(e, And):
        fs = tuple(sub(o) for o in e.operands)

        def conj(ev):
            for f in fs:
                if not f(ev):
                    return False
            return True
        return conj
    if isinstance(e, Or):
        fs = tuple(sub(o) for o in e.operands)

        def disj(ev):
            for f in fs:
                if f(ev):
                    return True
            return False
        return disj
    if isinstance(e, Implies):
        left, right = sub(e.left), sub(e.right)
        return lambda ev: (not left(ev)) or bool(right(ev))
    if isinstance(e, Compare):
        op, left, right = _COMPARE[e.op], sub(e.left), sub(e.right)
        return lambda ev: op(left(ev), right(ev))
    if isinstance(e, Arith):
        op, left, right = _ARITH[e.op], sub(e.left), sub(e.right)
        return lambda ev: op(left(ev), right(ev))
    if isinstance(e, Is):
        subject, labels, negated = e.subject, e.labels, e.negated
        return lambda ev: ev.is_(subject, labels) != negated
    if isinstance(e, AtLeast):
        fs, k = tuple(sub(o) for o in e.operands), e.k
        return lambda ev: sum(bool(f(ev)) for f in fs) >= k
    if isinstance(e, Deontic):
        atom = Atom(e.modality, e.action)
        return lambda ev: ev.atom(atom)
    raise TypeError(f"not an expression: {e!r}")
