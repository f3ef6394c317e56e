"""Three-valued (Kleene) evaluation of a policy on a partial case (docs/semantics.md).

What it proves: for a partial case (some facts and some readings known), a value
``TRUE`` / ``FALSE`` returned for a key holds in EVERY completion of the case — every value
of each unknown fact within its type, every value of each unknown reading, admissible or
not. ``UNKNOWN`` proves nothing: the evaluation is sound, not complete (``a or not a`` is
``UNKNOWN`` when ``a`` is unknown, and the assumptions are not used to narrow completions).

Values are the integers ``FALSE = 0 < UNKNOWN = 1 < TRUE = 2``, so Kleene's ``and`` is
``min``, ``or`` is ``max`` and ``not`` is ``2 - v``. Integer expressions are evaluated as
intervals (a known fact is a point, an unknown one its declared bounds). Outcomes follow
the stratified completion of the semantics exactly as ``verifier.evaluate.core`` does for a
complete case: ``applicable``, ``defeated`` (some applicable stronger incompatible rule),
``effective``, rule-concluded terms and deontic atoms (closed: true iff some effective rule
concludes them), ``D = x`` (concluded, and for an ordered decision no higher alternative
concluded), defined terms, ``discretion`` and ``discretion_on``. Each step is monotone in
the information order, which is what makes the whole evaluation sound.

The policy is compiled once into straight-line Python (one assignment per node, in
dependency order); ``run`` then costs a few tens of microseconds on the full policy.

Keys (``PartialEvaluator.keys``): ``ADMISSIBLE``; ``("assumption", name, None)``;
``("applicable", rule, None)``; ``("effective", rule, None)``; every outcome atom
``(kind, target, value)`` (term / must / may / must_not / decide); ``("discretion", id,
None)`` and ``("discretion_on", target, None)`` — the same tuples ``verifier.logic``
uses for its atoms.
"""
from __future__ import annotations

from typing import Mapping

from ..model.nodes import (DECIDE, MAY, MUST, MUST_NOT, TERM, And, Arith, AtLeast, BoolLit,
                           BoolType, Compare, Deontic, Implies, IntLit, IntType, Is,
                           Not, Or, Ref)
from ..model.policy import PolicySet
from .structure import incompatible

FALSE, UNKNOWN, TRUE = 0, 1, 2
ADMISSIBLE = ("admissible", None, None)
_AS_BOOL = {FALSE: False, UNKNOWN: None, TRUE: True}

_COMPARE = {   # (definitely true, definitely false) over intervals [al, ah] and [bl, bh]
    "<": ("{ah} < {bl}", "{al} >= {bh}"),
    "<=": ("{ah} <= {bl}", "{al} > {bh}"),
    ">": ("{al} > {bh}", "{ah} <= {bl}"),
    ">=": ("{al} >= {bh}", "{ah} < {bl}"),
    "=": ("{al} == {ah} == {bl} == {bh}", "{ah} < {bl} or {bh} < {al}"),
    "!=": ("{ah} < {bl} or {bh} < {al}", "{al} == {ah} == {bl} == {bh}"),
}


class PartialEvaluator:
    """One policy compiled for three-valued evaluation of partial cases."""

    def __init__(self, policy: PolicySet):
        self.policy = policy
        self.keys, self.source, self._fn = _Emitter(policy).compiled()

    def run(self, facts: Mapping, readings: Mapping, full: bool = True) -> tuple[int, ...] | None:
        """Values (FALSE / UNKNOWN / TRUE) aligned with ``keys``; unknown = absent from the maps.

        ``facts`` maps fact names to values of their types, ``readings`` interpretation
        names to booleans (neither is checked: the caller validated the case). With
        ``full=False`` the evaluation stops at the assumptions and returns None when one of
        them is FALSE (no completion is admissible).
        """
        return self._fn(facts, readings, full)

    def evaluate(self, facts: Mapping, readings: Mapping) -> dict[tuple, bool | None]:
        """``{key: True / False / None}``: True / False hold in every completion of the case."""
        return {k: _AS_BOOL[v] for k, v in zip(self.keys, self._fn(facts, readings, True))}


class _Emitter:
    """Generates the body of ``kleene(k, r, full)``: one local per node, dependencies first.

    The structure (rules, defeat, outcomes) is written once here; the truth values come
    from the algebra hooks (``T``, ``F``, ``conj``, ``disj``, ``neg``, ``refuted`` and the
    leaves ``fact``, ``reading``, ``compare``, ``at_least``, ``is_fact``), which
    ``verifier.evaluate.lanes`` overrides for bit-parallel evaluation."""

    def __init__(self, policy: PolicySet, only: list | None = None):
        """``only``: emit just these assumptions (and their conjunction), nothing else."""
        self.p = policy
        self.lines: list[str] = []
        self.count = 0
        self.memo: dict[tuple, object] = {}
        self.busy: set[tuple] = set()
        rules = policy.rules
        self.concluding: dict[tuple, list[str]] = {}
        for rid, r in rules.items():
            c = r.conclusion
            self.concluding.setdefault((c.kind, c.target, c.value), []).append(rid)
        self.defeaters = {rid: [h for h in rules if (h, rid) in policy.prevails
                                and incompatible(policy, rules[h].conclusion, r.conclusion)]
                          for rid, r in rules.items()}
        self.keys: list[tuple] = [ADMISSIBLE]
        values: list[str] = []
        assumptions = []
        for a in policy.assumptions if only is None else only:
            v = self.expr(a.expr)
            assumptions.append(v)
            self.keys.append(("assumption", a.name, None))
        values.append(self.conj(assumptions))
        values += assumptions
        self.values = values
        if only is not None:
            return
        self.lines.append(f"if not full and {self.refuted(values[0])}:")
        self.lines.append("    return None")
        for rid in sorted(rules):
            self.keys += [("applicable", rid, None), ("effective", rid, None)]
            values += [self.applicable(rid), self.effective(rid)]
        for key in self.outcome_keys():
            self.keys.append(key)
            values.append(self.atom(key))

    def outcome_keys(self) -> list[tuple]:
        p = self.p
        keys = [(TERM, t, None) for t in sorted(p.terms)]
        for x in sorted(p.actions):
            keys += [(MUST, x, None), (MAY, x, None), (MUST_NOT, x, None)]
        for d, dec in sorted(p.decisions.items()):
            keys += [(DECIDE, d, x) for x in dec.alternatives]
        keys += [("discretion", d.id, None) for d in sorted(p.discretions, key=lambda d: d.id)]
        keys += [("discretion_on", t, None) for t in sorted({d.target for d in p.discretions})]
        return keys

    def compiled(self) -> tuple[tuple[tuple, ...], str, object]:
        """(keys, source, function): the generated function, compiled once."""
        source = self.source()
        namespace: dict = {}
        exec(compile(source, f"<{type(self).__module__}>", "exec"), namespace)
        return tuple(self.keys), source, namespace[self.signature.split("(")[0]]

    def source(self) -> str:
        body = "\n".join("    " + line for line in self.lines)
        return f"def {self.signature}:\n{body}\n    return ({', '.join(self.values)},)\n"

    # ------------------------------------------------------------ helpers
    def new(self, code: str) -> str:
        """A fresh local holding ``code``."""
        self.count += 1
        name = f"v{self.count}"
        self.lines.append(f"{name} = {code}")
        return name

    # ------------------------------------------------------------ the algebra (Kleene here)
    T, F = str(TRUE), str(FALSE)          # the constants true / false
    signature = "kleene(k, r, full)"

    def conj(self, parts: list[str]) -> str:
        return self._fold("min({})", ", ", parts, self.T)

    def disj(self, parts: list[str]) -> str:
        return self._fold("max({})", ", ", parts, self.F)

    def neg(self, part: str) -> str:
        return self.new(f"2 - {part}")

    @staticmethod
    def refuted(value: str) -> str:
        """A Python test that ``value`` is false (for the early return on assumptions)."""
        return f"{value} == {FALSE}"

    def _fold(self, template: str, sep: str, parts: list[str], empty: str) -> str:
        if not parts:
            return empty
        if len(parts) == 1:
            return parts[0]
        return self.new(template.format(sep.join(parts)))

    def _memo(self, key: tuple, compute):
        if key in self.memo:
            return self.memo[key]
        if key in self.busy:
            raise ValueError(f"cyclic dependency through {key}")
        self.busy.add(key)
        value = self.memo[key] = compute()
        self.busy.discard(key)
        return value

    # ------------------------------------------------------------ names
    def fact(self, name: str):
        """A boolean fact's value; an integer fact's (lo, hi); an enumeration fact's raw value."""
        def compute():
            t = self.p.facts[name].type
            raw = self.new(f"k.get({name!r})")
            if isinstance(t, BoolType):
                return self.new(f"1 if {raw} is None else 2 if {raw} else 0")
            if isinstance(t, IntType):
                return (self.new(f"{t.lo} if {raw} is None else {raw}"),
                        self.new(f"{t.hi} if {raw} is None else {raw}"))
            return raw
        return self._memo(("fact", name), compute)

    def reading(self, name: str) -> str:
        return self._memo(("reading", name), lambda: self.new(
            f"1 if r.get({name!r}) is None else 2 if r[{name!r}] else 0"))

    # ------------------------------------------------------------ expressions
    def expr(self, e) -> str:
        """The local (or constant) holding a boolean expression's Kleene value."""
        if isinstance(e, BoolLit):
            return self.T if e.value else self.F
        if isinstance(e, Ref):
            if e.name in self.p.facts:
                return self.fact(e.name)
            if e.name in self.p.interpretations:
                return self.reading(e.name)
            return self.atom((TERM, e.name, None))
        if isinstance(e, Not):
            return self.neg(self.expr(e.operand))
        if isinstance(e, And):
            return self.conj([self.expr(o) for o in e.operands])
        if isinstance(e, Or):
            return self.disj([self.expr(o) for o in e.operands])
        if isinstance(e, Implies):
            left = self.neg(self.expr(e.left))
            return self.disj([left, self.expr(e.right)])
        if isinstance(e, Compare):
            return self.compare(e)
        if isinstance(e, Is):
            return self.is_(e)
        if isinstance(e, AtLeast):
            return self.at_least(e.k, [self.expr(o) for o in e.operands])
        if isinstance(e, Deontic):
            return self.atom((e.modality, e.action, None))
        raise TypeError(f"not a boolean expression: {e!r}")

    def compare(self, e: Compare) -> str:
        (al, ah), (bl, bh) = self.interval(e.left), self.interval(e.right)
        yes, no = (c.format(al=al, ah=ah, bl=bl, bh=bh) for c in _COMPARE[e.op])
        return self.new(f"2 if {yes} else 0 if {no} else 1")

    def at_least(self, k: int, ops: list[str]) -> str:
        sure = " + ".join(f"({o} == 2)" for o in ops) or "0"
        maybe = " + ".join(f"({o} > 0)" for o in ops) or "0"
        return self.new(f"2 if {sure} >= {k} else 0 if {maybe} < {k} else 1")

    def interval(self, e) -> tuple[str, str]:
        """(lo, hi) locals or constants bounding an integer expression in every completion."""
        if isinstance(e, IntLit):
            return str(e.value), str(e.value)
        if isinstance(e, Ref):
            return self.fact(e.name)
        if isinstance(e, Arith):
            (al, ah), (bl, bh) = self.interval(e.left), self.interval(e.right)
            if e.op == "+":
                return self.new(f"{al} + {bl}"), self.new(f"{ah} + {bh}")
            if e.op == "-":
                return self.new(f"{al} - {bh}"), self.new(f"{ah} - {bl}")
            corners = self.new(f"({al} * {bl}, {al} * {bh}, {ah} * {bl}, {ah} * {bh})")
            return self.new(f"min({corners})"), self.new(f"max({corners})")
        raise TypeError(f"not an integer expression: {e!r}")

    def is_(self, e: Is) -> str:
        if e.subject in self.p.facts:
            labels = self.p.facts[e.subject].type.labels
            if set(labels) <= set(e.labels):
                return self.F if e.negated else self.T
            return self.is_fact(e)
        held = self.disj([self.atom((DECIDE, e.subject, x)) for x in e.labels])
        return self.neg(held) if e.negated else held

    def is_fact(self, e: Is) -> str:
        """``F is (labels)`` for an enumeration fact F (not all of its labels)."""
        yes, no = (FALSE, TRUE) if e.negated else (TRUE, FALSE)
        raw = self.fact(e.subject)
        return self.new(f"1 if {raw} is None else {yes} if {raw} in {tuple(e.labels)!r} else {no}")

    # ------------------------------------------------------------ rules and outcomes
    def applicable(self, rid: str) -> str:
        """condition and not unless."""
        def compute():
            r = self.p.rules[rid]
            cond = self.expr(r.condition)
            if r.unless is None:
                return cond
            return self.conj([cond, self.neg(self.expr(r.unless))])
        return self._memo(("applicable", rid), compute)

    def effective(self, rid: str) -> str:
        """applicable and not defeated (some stronger incompatible rule applicable)."""
        def compute():
            app = self.applicable(rid)
            defeated = self.disj([self.applicable(h) for h in self.defeaters[rid]])
            return app if defeated == self.F else self.conj([app, self.neg(defeated)])
        return self._memo(("effective", rid), compute)

    def some_effective(self, kind: str, target: str, value=None) -> str:
        """Some effective rule concludes (kind, target, value) (closed completion)."""
        rules = sorted(self.concluding.get((kind, target, value), ()))
        return self.disj([self.effective(r) for r in rules])

    def atom(self, key: tuple) -> str:
        """The Kleene value of an outcome atom (or internal discretion atom)."""
        return self._memo(("atom",) + key, lambda: self._atom(key))

    def _atom(self, key: tuple) -> str:
        kind, target, value = key
        p = self.p
        if kind == TERM:
            term = p.terms[target]
            if term.definition is not None:
                return self.expr(term.definition)
            return self.some_effective(TERM, target)
        if kind in (MUST, MUST_NOT):
            return self.some_effective(kind, target)
        if kind == MAY:
            return self.disj([self.atom((MUST, target, None)), self.some_effective(MAY, target)])
        if kind == DECIDE:
            dec = p.decisions[target]
            concluded = self.some_effective(DECIDE, target, value)
            higher = dec.alternatives[:dec.alternatives.index(value)] if dec.ordered else ()
            blocked = self.disj([self.some_effective(DECIDE, target, h) for h in higher])
            return concluded if blocked == self.F else self.conj([concluded, self.neg(blocked)])
        if kind == "discretion":
            disc = next(d for d in p.discretions if d.id == target)
            return self.T if disc.condition is None else self.expr(disc.condition)
        if kind == "discretion_on":
            ids = sorted(d.id for d in p.discretions if d.target == target)
            return self.disj([self.atom(("discretion", i, None)) for i in ids])
        raise ValueError(f"unknown atom kind {kind}")
