"""Lark parse tree -> typed model (frozen dataclasses with source spans)."""
from __future__ import annotations

from typing import Callable

from lark import Token, Transformer, Tree, v_args

from ..diagnostics import Diagnostic, diag
from ..model import nodes as m

_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "=": "=", "!=": "!=", "≤": "<=",
        "≥": ">=", "≠": "!=", "小于": "<", "不超过": "<=", "大于": ">", "不少于": ">=",
        "等于": "=", "不等于": "!="}
_ATTR_FIELDS = {"a_label": "label", "a_phrase": "phrase", "a_gloss": "gloss", "a_note": "note",
                "a_cites": "cites", "a_title": "title", "a_source": "source", "a_uses": "uses"}
_HEADER_ONLY = {"title", "source", "uses"}


def unquote(s: str) -> str:
    """The value of a STRING token (escapes \\" and \\\\)."""
    body = s[1:-1]
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            i += 1
        out.append(body[i])
        i += 1
    return "".join(out)


class _Attr:
    """An attribute as parsed: its field, value and span (before grouping into Meta)."""

    def __init__(self, field: str, value, span: m.Span, spans=()):
        self.field, self.value, self.span, self.spans = field, value, span, spans


@v_args(meta=True)
class ToModel(Transformer):
    """Builds model nodes; ``span_of(start_pos, end_pos)`` maps offsets to source spans."""

    def __init__(self, span_of: Callable[[int, int], m.Span]):
        super().__init__()
        self.span_of = span_of
        self.diagnostics: list[Diagnostic] = []

    def _span(self, meta) -> m.Span:
        if getattr(meta, "empty", True):
            return m.NO_SPAN
        return self.span_of(meta.start_pos, meta.end_pos)

    def _tok_span(self, tok: Token) -> m.Span:
        return self.span_of(tok.start_pos, tok.end_pos)

    # ---------------------------------------------------------------- leaves
    def name(self, meta, c):
        tok = c[0]
        text = tok[1:-1] if tok.type == "QNAME" else str(tok)
        return Token("NAMEV", text, tok.start_pos, tok.line, tok.column, tok.end_line,
                     tok.end_column, tok.end_pos)

    MAX_DIGITS = 18            # |n| < 10**18: an integer literal longer than this is V117

    def _int(self, tok) -> int:
        """The token's integer value; one with more than MAX_DIGITS digits is V117 (and 0)."""
        text = str(tok).lstrip("+-")
        if len(text) > self.MAX_DIGITS:
            span = self._tok_span(tok) if isinstance(tok, Token) else m.NO_SPAN
            self.diagnostics.append(diag("V117", span, digits=len(text), limit=self.MAX_DIGITS,
                                         hint="integers in a policy have at most "
                                              f"{self.MAX_DIGITS} digits"))
            return 0
        return int(text) * (-1 if str(tok).startswith("-") else 1)

    def signed(self, meta, c):
        return -self._int(c[-1]) if len(c) == 2 else self._int(c[0])

    # ---------------------------------------------------------------- attributes
    def _attr(kind):  # noqa: N805 - factory for attribute callbacks
        def build(self, meta, c):
            field = _ATTR_FIELDS[kind]
            if field in ("cites", "uses"):
                return _Attr(field, tuple(str(t) for t in c), self._span(meta),
                             tuple(self._tok_span(t) for t in c))
            return _Attr(field, unquote(c[0]), self._span(meta))
        return build

    a_label = _attr("a_label")
    a_phrase = _attr("a_phrase")
    a_gloss = _attr("a_gloss")
    a_note = _attr("a_note")
    a_cites = _attr("a_cites")
    a_title = _attr("a_title")
    a_source = _attr("a_source")
    a_uses = _attr("a_uses")

    def _meta(self, attrs, header: bool = False) -> tuple[m.Meta, dict]:
        seen: dict = {}
        for a in attrs:
            if a.field in seen:
                self.diagnostics.append(diag("V115", a.span, attr=a.field,
                                             hint="keep one; remove the other"))
                continue
            if (a.field in _HEADER_ONLY) != header and a.field in _HEADER_ONLY:
                self.diagnostics.append(diag("V116", a.span, attr=a.field,
                                             hint="title/source/uses belong to the document header"))
                continue
            seen[a.field] = a
        meta = m.Meta(
            label=seen["label"].value if "label" in seen else None,
            phrase=seen["phrase"].value if "phrase" in seen else None,
            gloss=seen["gloss"].value if "gloss" in seen else None,
            note=seen["note"].value if "note" in seen else None,
            cites=seen["cites"].value if "cites" in seen else (),
            cite_spans=seen["cites"].spans if "cites" in seen else (),
        )
        return meta, seen

    @staticmethod
    def _split(c):
        """Children -> (non-attribute children, attributes)."""
        return [x for x in c if not isinstance(x, _Attr)], [x for x in c if isinstance(x, _Attr)]

    # ---------------------------------------------------------------- document
    def start(self, meta, c):
        return c

    def items(self, meta, c):
        return [None] + c

    def header(self, meta, c):
        rest, attrs = self._split(c)
        info, seen = self._meta(attrs, header=True)
        return m.Document(
            id=str(rest[0]),
            title=seen["title"].value if "title" in seen else None,
            source=seen["source"].value if "source" in seen else None,
            uses=seen["uses"].value if "uses" in seen else (),
            meta=info, span=self._span(meta))

    def clause(self, meta, c):
        status, reason = m.NORMATIVE, None
        if len(c) == 3:
            status, reason = c[2]
        return m.Clause(str(c[0]), unquote(c[1]), status, reason, self._span(meta))

    def non_normative(self, meta, c):
        return (m.NON_NORMATIVE, unquote(c[0]))

    def partial(self, meta, c):
        return (m.PARTIAL, unquote(c[0]))

    # ---------------------------------------------------------------- declarations
    def fact(self, meta, c):
        rest, attrs = self._split(c)
        return m.Fact(str(rest[0]), rest[1], self._meta(attrs)[0], self._span(meta))

    def bool_type(self, meta, c):
        return m.BoolType()

    def enum_type(self, meta, c):
        return m.EnumType(tuple(str(t) for t in c))

    def int_type(self, meta, c):
        return m.IntType(c[0], c[1])

    def term(self, meta, c):
        rest, attrs = self._split(c)
        definition = rest[1] if len(rest) > 1 else None
        return m.Term(str(rest[0]), definition, self._meta(attrs)[0], self._span(meta))

    def action(self, meta, c):
        rest, attrs = self._split(c)
        return m.Action(str(rest[0]), self._meta(attrs)[0], self._span(meta))

    def decision(self, meta, c):
        rest, attrs = self._split(c)
        ordered, alternatives = rest[1]
        scope = rest[2] if len(rest) > 2 else None
        return m.Decision(str(rest[0]), alternatives, ordered, scope, self._meta(attrs)[0],
                          self._span(meta))

    def unordered(self, meta, c):
        return (False, tuple(str(t) for t in c))

    def ordered(self, meta, c):
        return (True, tuple(str(t) for t in c if t.type == "NAMEV"))

    def assume(self, meta, c):
        rest, attrs = self._split(c)
        return m.Assumption(str(rest[0]), rest[1], self._meta(attrs)[0], self._span(meta))

    def rule(self, meta, c):
        rest, attrs = self._split(c)
        rid, condition, *more = rest
        unless = more[0] if len(more) == 2 else None
        return m.Rule(str(rid), condition, more[-1], unless, self._meta(attrs)[0], self._span(meta))

    def c_must(self, meta, c):
        return m.Conclusion(m.MUST, str(c[0]), None, self._span(meta))

    def c_may(self, meta, c):
        return m.Conclusion(m.MAY, str(c[0]), None, self._span(meta))

    def c_must_not(self, meta, c):
        return m.Conclusion(m.MUST_NOT, str(c[-1]), None, self._span(meta))

    def c_term(self, meta, c):
        return m.Conclusion(m.TERM, str(c[0]), None, self._span(meta))

    def c_decide(self, meta, c):
        return m.Conclusion(m.DECIDE, str(c[0]), str(c[2]), self._span(meta))

    def must_not(self, meta, c):
        return None

    def group(self, meta, c):
        rest, attrs = self._split(c)
        return m.Group(str(rest[0]), tuple(str(t) for t in rest[1:]), self._meta(attrs)[0],
                       self._span(meta))

    def priority(self, meta, c):
        rest, attrs = self._split(c)
        return m.Priority(str(rest[0]), str(rest[1]), self._meta(attrs)[0], self._span(meta))

    def discretion(self, meta, c):
        rest, attrs = self._split(c)
        rid, *mid, target, maker = rest
        condition = mid[0] if mid else None
        return m.Discretion(str(rid), str(target), unquote(maker), condition,
                            self._meta(attrs)[0], self._span(meta))

    def property(self, meta, c):
        rest, attrs = self._split(c)
        return m.Property(str(rest[0]), rest[1], self._meta(attrs)[0], self._span(meta))

    def interp(self, meta, c):
        rest, attrs = self._split(c)
        return m.Interpretation(str(rest[0]), unquote(rest[1]), unquote(rest[2]),
                                self._meta(attrs)[0], self._span(meta))

    # ---------------------------------------------------------------- expressions
    def implies_(self, meta, c):
        return m.Implies(c[0], c[1], self._span(meta))

    def or_(self, meta, c):
        return m.Or(tuple(c), self._span(meta))

    def and_(self, meta, c):
        return m.And(tuple(c), self._span(meta))

    def not_(self, meta, c):
        return m.Not(c[0], self._span(meta))

    def compare(self, meta, c):
        return m.Compare(_OPS[str(c[1])], c[0], c[2], self._span(meta))

    def cmp_op(self, meta, c):
        return c[0]

    def bound(self, meta, c):
        limit = m.IntLit(self._int(c[1]), self._tok_span(c[1]))
        return m.Compare(c[2], c[0], limit, self._span(meta))

    def ge(self, meta, c):
        return ">="

    def le(self, meta, c):
        return "<="

    def member(self, meta, c):
        subject, labels = c[0], tuple(str(t) for t in c[1:])
        if not isinstance(subject, m.Ref):
            self.diagnostics.append(diag("V203", self._span(meta), what="属于 / in",
                                         expected="a name", found="an expression",
                                         hint="write NAME 属于 {a, b} with an enumeration or decision"))
            return m.BoolLit(False, self._span(meta))
        return m.Is(subject.name, labels, False, self._span(meta))

    def arith_(self, meta, c):
        return m.Arith(str(c[1]), c[0], c[2], self._span(meta))

    def negate(self, meta, c):
        operand = c[1]
        if isinstance(operand, m.IntLit):
            return m.IntLit(-operand.value, self._span(meta))
        return m.Arith("-", m.IntLit(0, self._span(meta)), operand, self._span(meta))

    def int_lit(self, meta, c):
        return m.IntLit(self._int(c[0]), self._span(meta))

    def ref(self, meta, c):
        return m.Ref(str(c[0]), self._span(meta))

    def true_lit(self, meta, c):
        return m.BoolLit(True, self._span(meta))

    def false_lit(self, meta, c):
        return m.BoolLit(False, self._span(meta))

    def d_must(self, meta, c):
        return m.Deontic(m.MUST, str(c[0]), self._span(meta))

    def d_may(self, meta, c):
        return m.Deontic(m.MAY, str(c[0]), self._span(meta))

    def d_must_not(self, meta, c):
        return m.Deontic(m.MUST_NOT, str(c[-1]), self._span(meta))

    def at_least(self, meta, c):
        return None

    def at_least_(self, meta, c):
        rest = [x for x in c if x is not None]
        return m.AtLeast(self._int(rest[0]), tuple(rest[1:]), self._span(meta))


def tree_depth_exceeds(tree: Tree, limit: int) -> int:
    """The nesting depth of ``tree`` if it exceeds ``limit``, else 0 (iterative walk)."""
    stack = [(tree, 1)]
    deepest = 0
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return deepest if deepest > limit else 0
