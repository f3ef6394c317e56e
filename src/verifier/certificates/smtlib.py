"""An SMT-LIB 2.6 printer of proof obligations, written directly from the policy model.

It implements docs/semantics.md on its own (it shares no code with ``verifier.logic``),
so an encoder bug there shows up as a certificate that cvc5 rejects. Counting is expanded
into integer sums (no pseudo-boolean ``_ pbeq``).

Symbols: ``|f.X|`` fact, ``|i.X|`` interpretation, ``|app.R|``/``|eff.R|`` applicability
and effectiveness of rule R (free constants tied down only by R's premise), ``|t.T|`` term,
``|must.X|``/``|may.X|``/``|must_not.X|`` deontic atoms, ``|c.D.x|`` concluded(D, x),
``|d.D.x|`` the atom D = x, ``|disc.ID|`` a discretion's condition.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import (DECIDE, MAY, MUST, MUST_NOT, TERM, And, Arith, AtLeast, BoolLit,
                     BoolType, Compare, Deontic, EnumType, Implies, IntLit, IntType, Is, Not,
                     Or, PolicySet, Ref)

Outcome = tuple  # (kind, target, value): ("term", T, None), ("must", X, None), ("decide", D, x), ...


@dataclass(frozen=True)
class Premises:
    """What an obligation may use: rule ids, assumption names, known facts, readings."""

    rules: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    facts: tuple[tuple[str, object], ...] = ()
    readings: tuple[tuple[str, bool], ...] = ()

    def size(self) -> int:
        return len(self.rules) + len(self.assumptions) + len(self.facts) + len(self.readings)

    def items(self) -> list[tuple[str, object]]:
        """Every premise as (kind, item), in a fixed order."""
        return ([("rule", r) for r in self.rules] + [("assumption", a) for a in self.assumptions]
                + [("fact", f) for f in self.facts] + [("reading", r) for r in self.readings])

    def without(self, index: int) -> "Premises":
        """The same premises with the index-th item (in ``items()`` order) removed."""
        kept = [it for i, it in enumerate(self.items()) if i != index]
        return Premises(*(tuple(x for k, x in kept if k == kind)
                          for kind in ("rule", "assumption", "fact", "reading")))


def sym(*parts: str) -> str:
    """A quoted SMT-LIB symbol (``|`` and ``\\`` cannot occur inside one)."""
    text = ".".join(parts).replace("|", "¦").replace("\\", "⧵")
    return f"|{text}|"


def outcome_symbol(outcome: Outcome) -> str:
    kind, target, value = outcome
    if kind == TERM:
        return sym("t", target)
    if kind == DECIDE:
        return sym("d", target, value)
    return sym(kind, target)


def _comment(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass
class SmtPrinter:
    """Prints the vocabulary, the definitions and premises of a policy set as SMT-LIB."""

    policy: PolicySet
    _defs: list[str] = field(default_factory=list)
    _printed: tuple | None = None

    # ------------------------------------------------------------ expressions
    def expr(self, e) -> str:
        if isinstance(e, BoolLit):
            return "true" if e.value else "false"
        if isinstance(e, IntLit):
            return str(e.value) if e.value >= 0 else f"(- {-e.value})"
        if isinstance(e, Ref):
            return self._ref(e.name)
        if isinstance(e, Not):
            return f"(not {self.expr(e.operand)})"
        if isinstance(e, (And, Or)):
            if not e.operands:
                return "true" if isinstance(e, And) else "false"
            op = "and" if isinstance(e, And) else "or"
            return f"({op} {' '.join(self.expr(o) for o in e.operands)})"
        if isinstance(e, Implies):
            return f"(=> {self.expr(e.left)} {self.expr(e.right)})"
        if isinstance(e, Compare):
            left, right = self.expr(e.left), self.expr(e.right)
            if e.op == "!=":
                return f"(not (= {left} {right}))"
            return f"({e.op} {left} {right})"
        if isinstance(e, Arith):
            return f"({e.op} {self.expr(e.left)} {self.expr(e.right)})"
        if isinstance(e, Is):
            return self._is(e)
        if isinstance(e, AtLeast):
            terms = " ".join(f"(ite {self.expr(o)} 1 0)" for o in e.operands)
            total = f"(+ {terms} 0)" if e.operands else "0"
            return f"(>= {total} {e.k})"
        if isinstance(e, Deontic):
            return sym(e.modality, e.action)
        raise TypeError(f"unknown expression {e!r}")

    def _ref(self, name: str) -> str:
        if name in self.policy.facts:
            return sym("f", name)
        if name in self.policy.interpretations:
            return sym("i", name)
        if name in self.policy.terms:
            return sym("t", name)
        raise KeyError(f"unknown name {name}")

    def _is(self, e: Is) -> str:
        if e.subject in self.policy.decisions:
            atoms = [sym("d", e.subject, x) for x in e.labels]
        else:
            labels = self.policy.facts[e.subject].type.labels
            atoms = [f"(= {sym('f', e.subject)} {labels.index(x)})" for x in e.labels]
        body = atoms[0] if len(atoms) == 1 else f"(or {' '.join(atoms)})"
        return f"(not {body})" if e.negated else body

    # ------------------------------------------------------------ semantics
    def rules_concluding(self, kind: str, target: str, value: str | None = None) -> list[str]:
        return sorted(r.id for r in self.policy.rules.values()
                      if (r.conclusion.kind, r.conclusion.target, r.conclusion.value) == (kind, target, value))

    def incompatible(self, c1, c2) -> bool:
        """Incompatible conclusions (docs/semantics.md)."""
        if c1.kind == TERM or c2.kind == TERM or c1.target != c2.target:
            return False
        if c1.kind == DECIDE and c2.kind == DECIDE:
            return c1.value != c2.value and not self.policy.decisions[c1.target].ordered
        return {c1.kind, c2.kind} in ({MUST, MUST_NOT}, {MAY, MUST_NOT})

    def defeaters(self, rule_id: str) -> list[str]:
        rule = self.policy.rules[rule_id]
        return sorted(h for h, low in self.policy.prevails if low == rule_id and h in self.policy.rules
                      and self.incompatible(self.policy.rules[h].conclusion, rule.conclusion))

    def rule_premise(self, rule_id: str) -> str:
        """app(r) = condition and not unless; eff(r) = app(r) and no stronger incompatible rule applies."""
        r = self.policy.rules[rule_id]
        cond = self.expr(r.condition)
        app = f"(and {cond} (not {self.expr(r.unless)}))" if r.unless is not None else cond
        stronger = [sym("app", h) for h in self.defeaters(rule_id)]
        defeated = "false" if not stronger else (stronger[0] if len(stronger) == 1 else f"(or {' '.join(stronger)})")
        return (f"(and (= {sym('app', rule_id)} {app}) "
                f"(= {sym('eff', rule_id)} (and {sym('app', rule_id)} (not {defeated}))))")

    def _any_eff(self, rule_ids: list[str]) -> str:
        effs = [sym("eff", r) for r in rule_ids]
        return "false" if not effs else (effs[0] if len(effs) == 1 else f"(or {' '.join(effs)})")

    def definitions(self) -> list[str]:
        """define-fun lines for every derived atom, in dependency order."""
        out = []
        p = self.policy
        for x in sorted(p.actions):
            out.append(f"(define-fun {sym('must', x)} () Bool {self._any_eff(self.rules_concluding(MUST, x))})")
            may = self._any_eff(self.rules_concluding(MAY, x))
            out.append(f"(define-fun {sym('may', x)} () Bool (or {sym('must', x)} {may}))")
            out.append(f"(define-fun {sym('must_not', x)} () Bool {self._any_eff(self.rules_concluding(MUST_NOT, x))})")
        for d in sorted(p.decisions):
            dec = p.decisions[d]
            for x in dec.alternatives:
                out.append(f"(define-fun {sym('c', d, x)} () Bool {self._any_eff(self.rules_concluding(DECIDE, d, x))})")
            for i, x in enumerate(dec.alternatives):
                higher = [sym("c", d, y) for y in dec.alternatives[:i]] if dec.ordered else []
                body = sym("c", d, x) if not higher else f"(and {sym('c', d, x)} (not (or {' '.join(higher)} false)))"
                out.append(f"(define-fun {sym('d', d, x)} () Bool {body})")
        for t in sorted(n for n, term in p.terms.items() if term.definition is None):
            out.append(f"(define-fun {sym('t', t)} () Bool {self._any_eff(self.rules_concluding(TERM, t))})")
        for t in self._defined_terms_in_order():
            out.append(f"(define-fun {sym('t', t)} () Bool {self.expr(p.terms[t].definition)})")
        for d in sorted(p.discretions, key=lambda d: d.id):
            cond = "true" if d.condition is None else self.expr(d.condition)
            out.append(f"(define-fun {sym('disc', d.id)} () Bool {cond})")
        return out

    def _defined_terms_in_order(self) -> list[str]:
        terms = {n: t for n, t in self.policy.terms.items() if t.definition is not None}
        order: list[str] = []
        done: set[str] = set()

        def visit(name: str) -> None:
            if name in done:
                return
            done.add(name)
            for dep in sorted(_refs(terms[name].definition)):
                if dep in terms:
                    visit(dep)
            order.append(name)

        for name in sorted(terms):
            visit(name)
        return order

    def declarations(self) -> list[str]:
        """Facts, interpretations and the per-rule symbols, with their domains."""
        p = self.policy
        out = []
        for name in sorted(p.facts):
            t = p.facts[name].type
            if isinstance(t, BoolType):
                out.append(f"(declare-const {sym('f', name)} Bool)")
                continue
            lo, hi = (t.lo, t.hi) if isinstance(t, IntType) else (0, len(t.labels) - 1)
            note = f" ; {', '.join(f'{i}={x}' for i, x in enumerate(t.labels))}" if isinstance(t, EnumType) else ""
            out.append(f"(declare-const {sym('f', name)} Int){note}")
            out.append(f"(assert (and (<= {self.expr(IntLit(lo))} {sym('f', name)}) "
                       f"(<= {sym('f', name)} {self.expr(IntLit(hi))})))")
        out += [f"(declare-const {sym('i', n)} Bool)" for n in sorted(p.interpretations)]
        for r in sorted(p.rules):
            out.append(f"(declare-const {sym('app', r)} Bool)")
            out.append(f"(declare-const {sym('eff', r)} Bool)")
        return out

    def fact_value(self, name: str, value) -> str:
        t = self.policy.facts[name].type
        if isinstance(t, BoolType):
            return sym("f", name) if value else f"(not {sym('f', name)})"
        number = t.labels.index(value) if isinstance(t, EnumType) else value
        return f"(= {sym('f', name)} {self.expr(IntLit(number))})"

    # ------------------------------------------------------------ obligations
    def premise_lines(self, premises: Premises) -> list[str]:
        p = self.policy
        out = []
        for r in premises.rules:
            rule = p.rules[r]
            out.append(f"; rule {r} ({', '.join(rule.meta.cites) or 'no clause'})")
            out.append(f"(assert (! {self.rule_premise(r)} :named {sym('p', 'rule', r)}))")
        assumptions = {a.name: a for a in p.assumptions}
        for a in premises.assumptions:
            out.append(f"; assumption {a} ({', '.join(assumptions[a].meta.cites) or 'no clause'})")
            out.append(f"(assert (! {self.expr(assumptions[a].expr)} :named {sym('p', 'assume', a)}))")
        for name, value in premises.facts:
            out.append(f"; case fact {name} = {value}")
            out.append(f"(assert (! {self.fact_value(name, value)} :named {sym('p', 'fact', name)}))")
        for name, value in premises.readings:
            lit = sym("i", name) if value else f"(not {sym('i', name)})"
            out.append(f"; reading {name} = {str(value).lower()}")
            out.append(f"(assert (! {lit} :named {sym('p', 'reading', name)}))")
        return out

    def _preamble(self) -> tuple[list[str], list[str]]:
        """(declarations, definitions): the same for every obligation of the policy, printed once."""
        if self._printed is None:
            self._printed = (self.declarations(), self.definitions())
        return self._printed

    def obligation(self, outcome: Outcome, holds: bool, premises: Premises, title: str = "") -> str:
        """SMT-LIB text that is unsat iff the premises force ``outcome`` to be ``holds``."""
        goal = outcome_symbol(outcome)
        lines = [
            "; verifier proof obligation (SMT-LIB 2.6), printed from the policy model",
            f"; claim: {_comment(title) or goal} {'holds' if holds else 'fails'} in every admissible completion",
            "; the claim is certified when this file is unsat (run: cvc5 FILE.smt2)",
            "(set-logic QF_LIA)",
            "; ---- vocabulary and domains",
            *self._preamble()[0],
            "; ---- definitions (stratified completion, docs/semantics.md)",
            *self._preamble()[1],
            "; ---- premises",
            *self.premise_lines(premises),
            "; ---- negated claim",
            f"(assert {'(not ' + goal + ')' if holds else goal})",
            "(check-sat)",
        ]
        return "\n".join(lines) + "\n"


def _refs(e) -> set[str]:
    """Names referenced by an expression (facts, terms, interpretations)."""
    if isinstance(e, Ref):
        return {e.name}
    out: set[str] = set()
    for value in vars(e).values() if hasattr(e, "__dict__") else ():
        if isinstance(value, tuple):
            for v in value:
                if hasattr(v, "__dataclass_fields__"):
                    out |= _refs(v)
        elif hasattr(value, "__dataclass_fields__") and not isinstance(value, str):
            out |= _refs(value)
    return out
