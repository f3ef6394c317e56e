"""Model -> canonical policy text, with Chinese or English keywords.

Parsing the printed text and checking it gives back an equal model (spans aside).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import nodes as m
from ..syntax.keywords import chinese_keywords, keywords

_PREC_IMPLIES, _PREC_OR, _PREC_AND, _PREC_NOT, _PREC_CMP, _PREC_SUM, _PREC_MUL, _PREC_ATOM = range(1, 9)


@lru_cache(maxsize=1)
def _bare_name() -> re.Pattern:
    alt = "|".join(sorted(map(re.escape, chinese_keywords()), key=len, reverse=True))
    return re.compile(rf"(?!(?:{alt}))[^\W\d](?:(?!(?:{alt}))\w)*")


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    words = {w for pair in keywords().values() for w in pair["en"].split()}
    return frozenset(words | {"at", "least", "of", "more", "less", "not"})


def name(text: str) -> str:
    """A name as written: bare when it lexes as one name, else quoted 「…」."""
    if _bare_name().fullmatch(text) and text not in _english_words():
        return text
    return f"「{text}」"


_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*(-[A-Za-z0-9_.]*[A-Za-z0-9_])+")


def ident(text: str) -> str:
    """An id (with a hyphen, written bare) or a name."""
    return text if _ID.fullmatch(text) else name(text)


def string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Printer:
    """Prints declarations and expressions in one keyword language ('zh' or 'en')."""

    def __init__(self, lang: str = "zh"):
        self.lang = lang

    def k(self, key: str) -> str:
        if key == "must_not":
            return "不得" if self.lang == "zh" else "must not"
        if key == "at_least":
            return "至少" if self.lang == "zh" else "at least"
        if key == "of":
            return "项" if self.lang == "zh" else "of"
        return keywords()[key][self.lang]

    # ------------------------------------------------------------ documents
    def document(self, doc: m.Document, comments: dict | None = None) -> str:
        """The whole document; ``comments`` maps an item index (or -1 for the end) to
        comment lines to print before it."""
        comments = comments or {}
        head = [f"{self.k('document')} {name(doc.id)}"]
        if doc.title is not None:
            head.append(f"  {self.k('title')} {string(doc.title)}")
        if doc.source is not None:
            head.append(f"  {self.k('source')} {string(doc.source)}")
        if doc.uses:
            head.append(f"  {self.k('uses')} " + ", ".join(name(u) for u in doc.uses))
        head.extend(self.meta(doc.meta))
        blocks = ["\n".join(comments.get("header", []) + head)]
        for i, item in enumerate(doc.items):
            blocks.append("\n".join(comments.get(i, []) + [self.item(item)]))
        if comments.get(-1):
            blocks.append("\n".join(comments[-1]))
        return "\n\n".join(blocks) + "\n"

    def meta(self, meta: m.Meta) -> list[str]:
        lines = []
        for key, value in (("label", meta.label), ("phrase", meta.phrase),
                           ("gloss", meta.gloss), ("note", meta.note)):
            if value is not None:
                lines.append(f"  {self.k(key)} {string(value)}")
        if meta.cites:
            lines.append(f"  {self.k('cites')} " + ", ".join(meta.cites))
        return lines

    def item(self, d) -> str:
        method = getattr(self, "_" + type(d).__name__.lower())
        return "\n".join(method(d))

    def _clause(self, c: m.Clause) -> list[str]:
        line = f"{self.k('clause')} {c.id} {string(c.text)}"
        if c.status == m.NON_NORMATIVE:
            line += f"\n  {self.k('nonnorm')} {string(c.reason or '')}"
        elif c.status == m.PARTIAL:
            line += f"\n  {self.k('partial')} {string(c.reason or '')}"
        return [line]

    def _fact(self, f: m.Fact) -> list[str]:
        return [f"{self.k('fact')} {name(f.name)} : {self.type(f.type)}"] + self.meta(f.meta)

    def type(self, t) -> str:
        if isinstance(t, m.BoolType):
            return self.k("bool")
        if isinstance(t, m.EnumType):
            return f"{self.k('enum')} {{" + ", ".join(name(x) for x in t.labels) + "}"
        return f"{self.k('inttype')} [{t.lo}..{t.hi}]"

    def _term(self, t: m.Term) -> list[str]:
        head = f"{self.k('term')} {name(t.name)}"
        if t.definition is not None:
            head += f"\n  {self.k('iff')} {self.expr(t.definition)}"
        return [head] + self.meta(t.meta)

    def _action(self, a: m.Action) -> list[str]:
        return [f"{self.k('action')} {name(a.name)}"] + self.meta(a.meta)

    def _decision(self, d: m.Decision) -> list[str]:
        sep = " > " if d.ordered else ", "
        head = f"{self.k('decision')} {name(d.name)} : {{" + sep.join(name(x) for x in d.alternatives) + "}"
        if d.scope is not None:
            head += f"\n  {self.k('scope')} {self.expr(d.scope)}"
        return [head] + self.meta(d.meta)

    def _interpretation(self, i: m.Interpretation) -> list[str]:
        return ([f"{self.k('interp')} {name(i.name)}"] + self.meta(i.meta)
                + [f"  {self.k('true')} {string(i.if_true)}", f"  {self.k('false')} {string(i.if_false)}"])

    def _assumption(self, a: m.Assumption) -> list[str]:
        return [f"{self.k('assume')} {name(a.name)}"] + self.meta(a.meta) + [f"  : {self.expr(a.expr)}"]

    def _property(self, p: m.Property) -> list[str]:
        return [f"{self.k('property')} {ident(p.name)}"] + self.meta(p.meta) + [f"  : {self.expr(p.expr)}"]

    def _rule(self, r: m.Rule) -> list[str]:
        lines = [f"{self.k('rule')} {r.id}"] + self.meta(r.meta)
        lines.append(f"  {self.k('if')} {self.expr(r.condition)}")
        if r.unless is not None:
            lines.append(f"  {self.k('unless')} {self.expr(r.unless)}")
        lines.append(f"  {self.k('then')} {self.conclusion(r.conclusion)}")
        return lines

    def conclusion(self, c: m.Conclusion) -> str:
        if c.kind == m.TERM:
            return name(c.target)
        if c.kind == m.DECIDE:
            return f"{name(c.target)} = {name(c.value)}"
        return f"{self.k(c.kind)} {name(c.target)}"

    def _group(self, g: m.Group) -> list[str]:
        return [f"{self.k('group')} {name(g.name)} : " + ", ".join(g.members)] + self.meta(g.meta)

    def _priority(self, p: m.Priority) -> list[str]:
        return [f"{self.k('priority')} {ident(p.higher)} {self.k('over')} {ident(p.lower)}"] + self.meta(p.meta)

    def _discretion(self, d: m.Discretion) -> list[str]:
        lines = [f"{self.k('discretion')} {d.id}"] + self.meta(d.meta)
        if d.condition is not None:
            lines.append(f"  {self.k('if')} {self.expr(d.condition)}")
        lines.append(f"  {self.k('on')} {name(d.target)} {self.k('by')} {string(d.maker)}")
        return lines

    # ------------------------------------------------------------ expressions
    def expr(self, e, level: int = 0) -> str:
        text, prec = self._expr(e)
        return f"({text})" if prec < level else text

    def _expr(self, e) -> tuple[str, int]:
        if isinstance(e, m.BoolLit):
            return self.k("true" if e.value else "false"), _PREC_ATOM
        if isinstance(e, m.IntLit):
            return str(e.value), _PREC_ATOM if e.value >= 0 else _PREC_SUM
        if isinstance(e, m.Ref):
            return name(e.name), _PREC_ATOM
        if isinstance(e, m.Deontic):
            return f"{self.k(e.modality)} {name(e.action)}", _PREC_ATOM
        if isinstance(e, m.AtLeast):
            inner = ", ".join(self.expr(x) for x in e.operands)
            return f"{self.k('at_least')} {e.k} {self.k('of')} ({inner})", _PREC_ATOM
        if isinstance(e, m.Not):
            return f"{self.k('not')} {self.expr(e.operand, _PREC_NOT)}", _PREC_NOT
        if isinstance(e, m.Implies):
            return (f"{self.expr(e.left, _PREC_OR)} {self.k('implies')} "
                    f"{self.expr(e.right, _PREC_IMPLIES)}"), _PREC_IMPLIES
        if isinstance(e, (m.And, m.Or)):
            prec, key = (_PREC_AND, "and") if isinstance(e, m.And) else (_PREC_OR, "or")
            return f" {self.k(key)} ".join(self.expr(x, prec + 1) for x in e.operands), prec
        if isinstance(e, m.Is):
            return self._is(e), _PREC_CMP
        if isinstance(e, m.Compare):
            return (f"{self.expr(e.left, _PREC_SUM)} {e.op} {self.expr(e.right, _PREC_SUM)}",
                    _PREC_CMP)
        if isinstance(e, m.Arith):
            prec = _PREC_MUL if e.op == "*" else _PREC_SUM
            return f"{self.expr(e.left, prec)} {e.op} {self.expr(e.right, prec + 1)}", prec
        raise TypeError(f"cannot print {e!r}")

    def _is(self, e: m.Is) -> str:
        if e.negated:
            return f"{name(e.subject)} != {name(e.labels[0])}"
        return f"{name(e.subject)} {self.k('in')} {{" + ", ".join(name(x) for x in e.labels) + "}"


def print_document(doc: m.Document, lang: str = "zh", comments: dict | None = None) -> str:
    return Printer(lang).document(doc, comments)


def print_expr(e, lang: str = "zh") -> str:
    return Printer(lang).expr(e)
