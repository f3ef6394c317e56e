"""Name resolution and typing of expressions (boolean and integer)."""
from __future__ import annotations

from ..diagnostics import diag
from ..model import nodes as m
from .names import KIND_WORDS, Symbol, did_you_mean

_BOOL_NAMES = (m.Term, m.Interpretation)


class ExprChecker:
    """Checks expressions of one document; appends diagnostics to ``out``."""

    def __init__(self, symbols: dict[str, Symbol], visible: set[str], out: list):
        self.symbols, self.visible, self.out = symbols, visible, out

    # ------------------------------------------------------------ names
    def lookup(self, name: str, span: m.Span, kinds: tuple, expected: str) -> Symbol | None:
        sym = self.symbols.get(name)
        if sym is None:
            candidates = [n for n, s in self.symbols.items() if isinstance(s.decl, kinds)]
            self.out.append(diag("V200", span, name=name, hint=did_you_mean(name, candidates)
                                 or f"declare it first ({expected})"))
            return None
        if sym.doc not in self.visible:
            self.out.append(diag("V211", span, name=name, doc=sym.doc,
                                 hint=f"add 引用 {sym.doc} / uses {sym.doc} to the header"))
        if not isinstance(sym.decl, kinds):
            self.out.append(diag("V202", span, name=name, kind=sym.kind, expected=expected))
            return None
        return sym

    def target(self, name: str, span: m.Span, kinds: tuple) -> Symbol | None:
        expected = " or ".join(KIND_WORDS[k] for k in kinds)
        return self.lookup(name, span, kinds, expected)

    # ------------------------------------------------------------ typing
    def _type_of_ref(self, e: m.Ref) -> str | None:
        sym = self.symbols.get(e.name)
        if sym is None:
            return None
        if isinstance(sym.decl, m.Fact):
            t = sym.decl.type
            return "bool" if isinstance(t, m.BoolType) else "int" if isinstance(t, m.IntType) else "enum"
        return "bool" if isinstance(sym.decl, _BOOL_NAMES) else sym.kind

    def boolean(self, e):
        """Check ``e`` as a boolean expression; returns it with equalities rewritten."""
        if isinstance(e, m.BoolLit):
            return e
        if isinstance(e, m.Ref):
            self._expect_ref(e, "bool", "a boolean fact, term or interpretation")
            return e
        if isinstance(e, m.Not):
            return m.Not(self.boolean(e.operand), e.span)
        if isinstance(e, (m.And, m.Or)):
            return type(e)(tuple(self.boolean(x) for x in e.operands), e.span)
        if isinstance(e, m.Implies):
            return m.Implies(self.boolean(e.left), self.boolean(e.right), e.span)
        if isinstance(e, m.AtLeast):
            return m.AtLeast(e.k, tuple(self.boolean(x) for x in e.operands), e.span)
        if isinstance(e, m.Deontic):
            self.target(e.action, e.span, (m.Action,))
            return e
        if isinstance(e, m.Is):
            return self._is(e)
        if isinstance(e, m.Compare):
            return self._compare(e)
        self._mismatch(e, "a boolean", "an integer")
        return e

    def integer(self, e):
        """Check ``e`` as an integer expression."""
        if isinstance(e, m.IntLit):
            return e
        if isinstance(e, m.Ref):
            self._expect_ref(e, "int", "an integer fact")
            return e
        if isinstance(e, m.Arith):
            if e.op == "*" and not (isinstance(e.left, m.IntLit) or isinstance(e.right, m.IntLit)):
                self.out.append(diag("V213", e.span, hint="multiply by a number: 3 * x"))
            return m.Arith(e.op, self.integer(e.left), self.integer(e.right), e.span)
        self._mismatch(e, "an integer", "a boolean")
        return e

    def _expect_ref(self, e: m.Ref, want: str, words: str) -> None:
        kinds = (m.Fact, m.Term, m.Interpretation)
        sym = self.lookup(e.name, e.span, kinds, words)
        if sym is None:
            return
        found = self._type_of_ref(e)
        if found != want:
            self._mismatch(e, words, f"{e.name} ({found})")

    def _mismatch(self, e, expected: str, found: str) -> None:
        self.out.append(diag("V203", e.span, what="expression", expected=expected, found=found))

    def _compare(self, e: m.Compare):
        left, right = e.left, e.right
        if e.op in ("=", "!=") and isinstance(left, m.Ref) and isinstance(right, m.Ref):
            sym = self.symbols.get(left.name)
            if sym is not None and self._type_of_ref(left) in ("enum", "decision"):
                return self._is(m.Is(left.name, (right.name,), e.op == "!=", e.span))
        return m.Compare(e.op, self.integer(left), self.integer(right), e.span)

    def _is(self, e: m.Is):
        sym = self.lookup(e.subject, e.span, (m.Fact, m.Decision), "an enumeration fact or a decision")
        if sym is None:
            return e
        if isinstance(sym.decl, m.Fact):
            if not isinstance(sym.decl.type, m.EnumType):
                self._mismatch(e, "an enumeration fact", f"{e.subject}")
                return e
            labels = sym.decl.type.labels
        else:
            labels = sym.decl.alternatives
        for label in e.labels:
            if label not in labels:
                self.out.append(diag("V204", e.span, label=label, name=e.subject,
                                     labels=", ".join(labels), hint=did_you_mean(label, labels)))
        return e
