"""Hover text (Markdown) for a fact, term, action, decision, interpretation, assumption,
group, property, rule, discretion, clause ID, label or document under the cursor."""
from __future__ import annotations

from ..model import nodes as m
from ..printer.printer import Printer
from .index import Index, label_parts

_WORDS = {
    "fact": ("事实", "fact"), "term": ("术语", "term"), "action": ("动作", "action"),
    "decision": ("决定项", "decision"), "interpretation": ("解释", "interpretation"),
    "assumption": ("假设", "assumption"), "group": ("规则组", "group"),
    "property": ("命题", "property"), "rule": ("规则", "rule"), "discretion": ("裁量", "discretion"),
    "clause": ("条款", "clause"), "document": ("文档", "document"), "label": ("取值", "label"),
    "label_of": ("的取值", "a label of"),
    "attr_label": ("标签", "label"), "phrase": ("原文", "phrase"), "gloss": ("英文", "gloss"),
    "note": ("说明", "note"), "cites": ("依据", "cites"), "used": ("用于", "used in"),
    "cited_by": ("被引用于", "cited by"), "declared": ("声明于", "declared in"),
    "undeclared": ("未声明", "not declared"), "type": ("类型", "type"),
    "non_normative": ("非规范", "non-normative"), "partial": ("部分缺失", "partial"),
    "members": ("成员", "members"), "groups": ("所属规则组", "in groups"),
    "priorities": ("优先级", "priorities"), "reading_true": ("为真", "true"),
    "reading_false": ("为假", "false"),
}
_KIND = {m.Fact: "fact", m.Term: "term", m.Action: "action", m.Decision: "decision",
         m.Interpretation: "interpretation", m.Assumption: "assumption", m.Group: "group",
         m.Property: "property", m.Rule: "rule", m.Discretion: "discretion", m.Clause: "clause",
         m.Document: "document"}
MAX_USERS = 20


def word(key: str, lang: str) -> str:
    zh, en = _WORDS[key]
    return zh if lang == "zh" else en if lang == "en" else f"{zh} / {en}"


def type_text(d) -> str:
    """The type of a declaration as the glossary writes it."""
    if isinstance(d, (m.Fact, m.Decision, m.Term, m.Action, m.Interpretation)):
        from ..overview.glossary import _type_text
        return _type_text(d)
    return ""


def _clause_line(index: Index, cid: str) -> str:
    clause = index.decls.get(("clause", cid))
    text = clause[0].text if clause else "?"
    return f"- **{cid}** {text}"


def _where(decl, doc_id: str, rel) -> str:
    span = getattr(decl, "span", None)
    return f"{doc_id} ({rel(span.file)}:{span.line})" if span and span.line > 0 else doc_id


def _meta_lines(meta: m.Meta, lang: str) -> list[str]:
    out = []
    for key, value in (("attr_label", meta.label), ("phrase", meta.phrase), ("gloss", meta.gloss),
                       ("note", meta.note)):
        if value:
            out.append(f"{word(key, lang)}: {value}  ")
    return out


def _users(index: Index, key, lang: str, heading: str) -> list[str]:
    users = index.users(key)
    if not users:
        return []
    shown = [u[1] for u in users[:MAX_USERS]]
    more = f" … (+{len(users) - MAX_USERS})" if len(users) > MAX_USERS else ""
    return ["", f"{word(heading, lang)}: " + ", ".join(shown) + more]


def _definition_lines(d, printer: Printer, lang: str) -> list[str]:
    """The declaration's own logic (definition, scope, expression, readings, members)."""
    if isinstance(d, (m.Rule, m.Discretion, m.Term, m.Decision, m.Assumption, m.Property, m.Group)):
        try:
            body = printer.item(d)
        except (TypeError, AttributeError, KeyError):
            return []
        keep = [line for line in body.split("\n") if not _is_meta_line(line, printer)]
        return ["", "```policy", *keep, "```"]
    if isinstance(d, m.Interpretation):
        return ["", f"- {word('reading_true', lang)}: {d.if_true}",
                f"- {word('reading_false', lang)}: {d.if_false}"]
    return []


def _is_meta_line(line: str, printer: Printer) -> bool:
    heads = {printer.k(k) for k in ("label", "phrase", "gloss", "note", "cites")}
    first = line.strip().split(" ", 1)[0]
    return line.startswith("  ") and first in heads


def hover_markdown(index: Index, key, lang: str, keywords: str, rel) -> str | None:
    """The hover text of ``key``; ``rel(path)`` shortens a path for display."""
    ns, text = key
    printer = Printer(keywords)
    if ns == "label":
        owner, label = label_parts(key)
        decl = index.decls.get(("name", owner))
        head = f"**{label}** · {word('label', lang)} — {owner}"
        lines = [head]
        if decl is not None:
            lines.append(f"{word('type', lang)}: `{type_text(decl[0])}`")
        return "\n\n".join(lines)
    found = index.decls.get(key)
    if found is None:
        return f"**{text}** · {word('undeclared', lang)}"
    decl, doc_id = found
    kind = _KIND.get(type(decl), ns)
    head = f"**{text}** · {word(kind, lang)}"
    ty = type_text(decl)
    if ty:
        head += f" · `{ty}`"
    lines = [head, ""]
    if isinstance(decl, m.Clause):
        lines.append("> " + decl.text)
        if decl.status != m.NORMATIVE:
            status = "non_normative" if decl.status == m.NON_NORMATIVE else "partial"
            lines += ["", f"*{word(status, lang)}*: {decl.reason or ''}"]
        lines += _users(index, key, lang, "cited_by")
    elif isinstance(decl, m.Document):
        lines += [x for x in (decl.title, decl.source) if x]
    else:
        lines += _meta_lines(decl.meta, lang)
        lines += _definition_lines(decl, printer, lang)
        if decl.meta.cites:
            lines += ["", f"{word('cites', lang)}:"] + [_clause_line(index, c) for c in decl.meta.cites]
        lines += _users(index, key, lang, "used")
    lines += ["", f"{word('declared', lang)} {_where(decl, doc_id, rel)}"]
    return "\n".join(lines).strip()
