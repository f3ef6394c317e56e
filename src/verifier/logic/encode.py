"""compile_policy: a PolicySet as Z3 variables and named constraints (stratified completion).

Facts and interpretations are free variables; everything else is a Bool constant pinned
to its definition by an equation (``o == definition``), never by a bare implication, so a
conflict can never turn into a constraint on the facts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import z3

from ..evaluate.structure import Atom, higher_alternatives, index
from ..model.nodes import (DECIDE, MAY, MUST, MUST_NOT, TERM, BoolType, EnumType,
                           IntType)
from ..model.policy import PolicySet
from .exprs import ExprCompiler


# Term builders through the C API: the same z3 terms as z3.Bool / And / Or / Not / ==,
# without z3py's per-argument coercion and sort checks (most of compile_policy's time).
def _bool(name: str) -> z3.BoolRef:
    ctx = z3.main_ctx()
    sort = _BOOL_SORT.get(id(ctx))
    if sort is None:
        sort = _BOOL_SORT[id(ctx)] = (ctx, z3.BoolSort(ctx))
    return z3.BoolRef(z3.Z3_mk_const(ctx.ref(), z3.to_symbol(name, ctx), sort[1].ast), ctx)


_BOOL_SORT: dict[int, tuple] = {}


def _nary(fn, args: list) -> z3.BoolRef:
    ctx = z3.main_ctx()
    array = (z3.Ast * len(args))(*[a.as_ast() for a in args])
    return z3.BoolRef(fn(ctx.ref(), len(args), array), ctx)


def _and(*args: z3.BoolRef) -> z3.BoolRef:
    return _nary(z3.Z3_mk_and, list(args))


def _or(args) -> z3.BoolRef:
    """Or of a list (empty: false, as ``z3.Or([BoolVal(False)])``)."""
    return _nary(z3.Z3_mk_or, list(args) or [z3.BoolVal(False)])


def _not(a: z3.BoolRef) -> z3.BoolRef:
    return z3.BoolRef(z3.Z3_mk_not(a.ctx_ref(), a.as_ast()), a.ctx)


def _eq(a: z3.BoolRef, b: z3.BoolRef) -> z3.BoolRef:
    return z3.BoolRef(z3.Z3_mk_eq(a.ctx_ref(), a.as_ast(), b.as_ast()), a.ctx)


@dataclass(frozen=True)
class Named:
    """A named constraint. ``literal`` is its tracking literal (None: always asserted);
    ``rule`` is the rule id for a rule's own definitions."""

    name: str
    constraint: z3.BoolRef
    literal: Optional[z3.BoolRef] = None
    rule: Optional[str] = None


@dataclass(frozen=True)
class RuleVars:
    """The Bool constants of one rule: applicable, defeated, effective, and its tracking
    literal ``track`` (guards the rule's definitions in a solver built with track_rules)."""

    applicable: z3.BoolRef
    defeated: z3.BoolRef
    effective: z3.BoolRef
    track: z3.BoolRef


class Encoding:
    """The compiled policy. Build with ``compile_policy``; see the package docstring."""

    def __init__(self, policy: PolicySet):
        self.policy = policy
        self.ix = index(policy)
        self.facts: dict[str, z3.ExprRef] = {}          # bool: Bool; int: BitVec
        self.labels: dict[str, dict[str, z3.BoolRef]] = {}  # enum fact -> label -> Bool
        self.readings: dict[str, z3.BoolRef] = {}       # interpretation -> Bool
        self.terms: dict[str, z3.BoolRef] = {}
        self.rules: dict[str, RuleVars] = {}
        self.atoms: dict[Atom, z3.BoolRef] = {}         # every outcome atom
        self.concluded: dict[tuple[str, str], z3.BoolRef] = {}
        self.discretions: dict[str, z3.BoolRef] = {}    # discretion id -> Bool
        self.domain: list[Named] = []
        self.assumptions: list[Named] = []
        self.definitions: list[Named] = []
        self._compiler = ExprCompiler(self)
        self._declare()
        self._define()

    # ------------------------------------------------------------ variables
    def _declare(self) -> None:
        p = self.policy
        for name, fact in p.facts.items():
            self._declare_fact(name, fact.type)
        for name in p.interpretations:
            self.readings[name] = _bool(f"reading:{name}")
        for name in p.terms:
            self.terms[name] = _bool(f"term:{name}")
            self.atoms[Atom(TERM, name)] = self.terms[name]
        for rid in p.rules:
            self.rules[rid] = RuleVars(_bool(f"applicable:{rid}"), _bool(f"defeated:{rid}"),
                                       _bool(f"effective:{rid}"), _bool(f"rule:{rid}"))
        for x in p.actions:
            for m in (MUST, MAY, MUST_NOT):
                self.atoms[Atom(m, x)] = _bool(f"{m}:{x}")
        for d in p.decisions.values():
            for v in d.alternatives:
                self.concluded[(d.name, v)] = _bool(f"concluded:{d.name}={v}")
                self.atoms[Atom(DECIDE, d.name, v)] = _bool(f"value:{d.name}={v}")
        for disc in p.discretions:
            self.discretions[disc.id] = _bool(f"discretion:{disc.id}")

    def _declare_fact(self, name: str, t) -> None:
        if isinstance(t, BoolType):
            self.facts[name] = _bool(f"fact:{name}")
        elif isinstance(t, EnumType):
            bools = {lab: _bool(f"fact:{name}={lab}") for lab in t.labels}
            self.labels[name] = bools
            first, rest = bools[t.labels[0]], [bools[lab] for lab in t.labels[1:]]
            # exactly one label; the first holds when no other does (so all-false = default)
            self.domain.append(Named(f"type:{name}", z3.And(
                first == z3.Not(z3.Or(rest or [z3.BoolVal(False)])),
                z3.AtMost(*rest, 1) if len(rest) > 1 else z3.BoolVal(True))))
        elif isinstance(t, IntType):
            # offset encoding: the bit-vector holds value - lo (unsigned), so 0 = lower bound
            var = z3.BitVec(f"fact:{name}", max(1, (t.hi - t.lo).bit_length()))
            self.facts[name] = var
            self.domain.append(Named(f"type:{name}", z3.ULE(var, z3.BitVecVal(t.hi - t.lo, var.size()))))
        else:
            raise TypeError(f"unknown type {t!r}")

    # ------------------------------------------------------------ definitions
    def _define(self) -> None:
        p = self.policy
        for a in p.assumptions:
            self.assumptions.append(Named(a.name, self.expr(a.expr), _bool(f"assume:{a.name}")))
        for name, t in p.terms.items():
            body = self.expr(t.definition) if t.definition is not None else self._some(Atom(TERM, name))
            self._def(f"term:{name}", _eq(self.terms[name], body))
        for rid, r in p.rules.items():
            self._define_rule(rid, r)
        for x in p.actions:
            ob = self._some(Atom(MUST, x))
            self._def(f"must:{x}", _eq(self.atoms[Atom(MUST, x)], ob))
            self._def(f"may:{x}", _eq(self.atoms[Atom(MAY, x)], _or([self.atoms[Atom(MUST, x)],
                                                                      self._some(Atom(MAY, x))])))
            self._def(f"must_not:{x}", _eq(self.atoms[Atom(MUST_NOT, x)], self._some(Atom(MUST_NOT, x))))
        for d in p.decisions.values():
            self._define_decision(d)
        for disc in p.discretions:
            cond = z3.BoolVal(True) if disc.condition is None else self.expr(disc.condition)
            self._def(f"discretion:{disc.id}", _eq(self.discretions[disc.id], cond))

    def _define_rule(self, rid: str, r) -> None:
        v = self.rules[rid]
        app = self.expr(r.condition)
        if r.unless is not None:
            app = _and(app, _not(self.expr(r.unless)))
        defeat = _or([self.rules[h].applicable for h in self.ix.defeaters[rid]])
        self._def(f"applicable:{rid}", _eq(v.applicable, app), rid)
        self._def(f"defeated:{rid}", _eq(v.defeated, defeat), rid)
        self._def(f"effective:{rid}", _eq(v.effective, _and(v.applicable, _not(v.defeated))), rid)

    def _define_decision(self, d) -> None:
        for x in d.alternatives:
            self._def(f"concluded:{d.name}={x}",
                      _eq(self.concluded[(d.name, x)], self._some(Atom(DECIDE, d.name, x))))
        for x in d.alternatives:
            higher = [self.concluded[(d.name, h)] for h in higher_alternatives(d, x)]
            self._def(f"value:{d.name}={x}", _eq(self.atoms[Atom(DECIDE, d.name, x)], _and(
                self.concluded[(d.name, x)], _not(_or(higher)))))

    def _def(self, name: str, constraint: z3.BoolRef, rule: Optional[str] = None) -> None:
        literal = self.rules[rule].track if rule else None
        self.definitions.append(Named(name, constraint, literal, rule))

    def _some(self, atom: Atom) -> z3.BoolRef:
        """Some effective rule concludes ``atom``."""
        rules = self.ix.concluding.get(atom, ())
        return _or([self.rules[r].effective for r in rules])

    # ------------------------------------------------------------ name resolution
    def bool_name(self, name: str) -> z3.BoolRef:
        if name in self.facts and name not in self.labels:
            return self.facts[name]
        if name in self.readings:
            return self.readings[name]
        if name in self.terms:
            return self.terms[name]
        raise KeyError(f"{name} is not a boolean name")

    def int_bounds(self, name: str) -> Optional[tuple[int, int]]:
        fact = self.policy.facts.get(name)
        if fact is not None and isinstance(fact.type, IntType):
            return fact.type.lo, fact.type.hi
        return None

    def int_value(self, name: str, width: int) -> z3.BitVecRef:
        """The value of int fact ``name`` as a signed bit-vector of ``width`` bits
        (width >= the fact's signed width, which is >= its offset width)."""
        var, lo = self.facts[name], self.policy.facts[name].type.lo
        ext = z3.ZeroExt(width - var.size(), var) if width > var.size() else var
        return ext + z3.BitVecVal(lo, width) if lo else ext

    def is_literal(self, subject: str, label: str) -> z3.BoolRef:
        """``subject = label`` for an enum fact (its one-hot Bool) or a decision (D = x)."""
        if subject in self.labels:
            return self.labels[subject][label]
        return self.atoms[Atom(DECIDE, subject, label)]

    def atom_var_of(self, modality: str, action: str) -> z3.BoolRef:
        return self.atoms[Atom(modality, action)]

    # ------------------------------------------------------------ public helpers
    def expr(self, e) -> z3.BoolRef:
        """The Z3 translation of any boolean model expression (over the encoding's vars)."""
        return self._compiler.bool(e)

    def reading_literals(self, reading: dict[str, bool]) -> list[z3.BoolRef]:
        """Literals fixing the interpretations named in ``reading``."""
        key = tuple(sorted(reading.items()))
        cache = self.__dict__.setdefault("_reading_lits", {})
        lits = cache.get(key)
        if lits is None:
            lits = cache[key] = [self.readings[n] if v else z3.Not(self.readings[n]) for n, v in key]
        return list(lits)

    def fact_literal(self, name: str, value) -> z3.BoolRef:
        """``fact = value`` as a z3 Bool expression (a literal for bool and enum facts;
        for an int fact an equation — use ``EngineSolver.pin`` to get a literal)."""
        t = self.policy.facts[name].type
        if isinstance(t, BoolType):
            return self.facts[name] if value else z3.Not(self.facts[name])
        if isinstance(t, EnumType):
            return self.labels[name][value]
        var = self.facts[name]
        return var == z3.BitVecVal(value - t.lo, var.size())

    def default_value(self, name: str):
        """The neutral default of a fact: false, the first label, the lower bound."""
        t = self.policy.facts[name].type
        if isinstance(t, BoolType):
            return False
        if isinstance(t, EnumType):
            return t.labels[0]
        return t.lo

    def case_from_model(self, model: z3.ModelRef) -> tuple[dict, dict]:
        """(case, readings): a complete assignment read back from a z3 model (unconstrained
        variables completed as z3 chooses). One model evaluation of a packed bit-vector
        holding every fact and reading, decoded in Python."""
        term, fields = self._packed()
        bits = model.eval(term, model_completion=True).as_long()
        case: dict = {}
        readings: dict = {}
        for kind, name, offset, width, extra in fields:
            v = (bits >> offset) & ((1 << width) - 1)
            if kind == "bool":
                case[name] = bool(v)
            elif kind == "reading":
                readings[name] = bool(v)
            elif kind == "enum":
                on = [lab for i, lab in enumerate(extra) if v >> i & 1]
                case[name] = on[0] if on else extra[0]
            else:
                lo, hi = extra
                case[name] = min(v + lo, hi)
        return case, readings

    def _packed(self):
        """A bit-vector concatenating every fact and reading, and its field layout."""
        if getattr(self, "_pack", None) is None:
            parts, fields, offset = [], [], 0
            one, zero = z3.BitVecVal(1, 1), z3.BitVecVal(0, 1)

            def push(kind, name, term, width, extra=None):
                nonlocal offset
                parts.append(term)
                fields.append((kind, name, offset, width, extra))
                offset += width
            for name, fact in self.policy.facts.items():
                t = fact.type
                if isinstance(t, BoolType):
                    push("bool", name, z3.If(self.facts[name], one, zero), 1)
                elif isinstance(t, EnumType):
                    bits = [z3.If(self.labels[name][lab], one, zero) for lab in t.labels]
                    push("enum", name, z3.Concat(*reversed(bits)) if len(bits) > 1 else bits[0],
                         len(bits), t.labels)
                else:
                    push("int", name, self.facts[name], self.facts[name].size(), (t.lo, t.hi))
            for name, b in self.readings.items():
                push("reading", name, z3.If(b, one, zero), 1)
            if not parts:
                parts, fields = [zero], []
            term = z3.Concat(*reversed(parts)) if len(parts) > 1 else parts[0]
            self._pack = (term, fields)
        return self._pack


class EncodingView:
    """An Encoding seen through a sub-policy of its policy (declarations closed under
    what they read): ``policy`` is the sub-policy and ``case_from_model`` reads back its
    facts only (and every interpretation); every variable, constraint and helper is the full encoding's (the same
    z3 terms), so a solver over a slice of the constraints can use it."""

    def __init__(self, enc: Encoding, policy: PolicySet):
        self.full, self.policy = enc, policy
        self._pack = None                      # its own packed term: the sub-policy's facts

    def __getattr__(self, name):
        return getattr(self.full, name)

    case_from_model = Encoding.case_from_model
    _packed = Encoding._packed


def compile_policy(policy: PolicySet) -> Encoding:
    """Compile a checked PolicySet once; reuse the Encoding for every query."""
    return Encoding(policy)
