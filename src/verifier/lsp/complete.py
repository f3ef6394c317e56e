"""Completion: declared names (quoted 「…」 where the printer would quote them), rule ids,
clause IDs after 依据 / cites, labels after ``=`` or inside ``属于 {…}``, and the keywords
of both keyword sets."""
from __future__ import annotations

import re

from lsprotocol import types as t

from ..model import nodes as m
from ..printer.printer import ident, name as quoted
from ..syntax.keywords import keywords
from .index import Index, _labels_of
from .tokens import ID, PUNCT, keyword_key

_KINDS = {m.Fact: t.CompletionItemKind.Field, m.Term: t.CompletionItemKind.Function,
          m.Action: t.CompletionItemKind.Event, m.Decision: t.CompletionItemKind.Enum,
          m.Interpretation: t.CompletionItemKind.Constant, m.Assumption: t.CompletionItemKind.Property,
          m.Group: t.CompletionItemKind.Module, m.Property: t.CompletionItemKind.Property,
          m.Rule: t.CompletionItemKind.Method, m.Discretion: t.CompletionItemKind.Method,
          m.Clause: t.CompletionItemKind.Reference}
_EXTRA_KEYWORDS = (("不得", "must not"), ("至少", "at least"), ("项", "of"), ("以上", "or more"),
                   ("以下", "or less"), ("以内", "or less"))
_WORD_BEFORE = re.compile(r"(「[^」\n]*|[\w\-]*)$")


def prefix_start(line_text: str) -> int:
    """Where the word being typed starts in ``line_text`` (the text before the cursor)."""
    mt = _WORD_BEFORE.search(line_text)
    return mt.start() if mt else len(line_text)


def keyword_pairs() -> list[tuple[str, str]]:
    """(中文, English) for every keyword, sorted by the English word."""
    pairs = {(v["zh"], v["en"]) for v in keywords().values()} | set(_EXTRA_KEYWORDS)
    return sorted(pairs, key=lambda p: (p[1], p[0]))


def _context(tokens, start: int) -> tuple[str, str | None]:
    """('cites' | 'label' | 'any', label owner) from the tokens before the word being
    typed, which starts at normalised offset ``start``."""
    before = [x for x in tokens if x.end <= start and x.kind != "comment"]
    i = len(before) - 1
    j = i
    while j >= 0 and (before[j].kind == ID or before[j].text == ","):
        j -= 1
    if j >= 0 and keyword_key(before[j]) == "cites" and (j == i or before[i].text == ","):
        return "cites", None
    if i >= 1 and before[i].text in ("=", "!=", "等于", "不等于", "≠") and before[i - 1].is_name:
        return "label", before[i - 1].value
    for k in range(i, -1, -1):
        x = before[k]
        if x.kind == PUNCT and x.text == "}":
            break
        if x.kind == PUNCT and x.text == "{":
            if k >= 2 and keyword_key(before[k - 1]) == "in" and before[k - 2].is_name:
                return "label", before[k - 2].value
            break
    return "any", None


def _item(label: str, insert: str, kind, detail: str, sort: str, rng: t.Range) -> t.CompletionItem:
    return t.CompletionItem(label=label, kind=kind, detail=detail or None, sort_text=sort + label,
                            filter_text=label, text_edit=t.TextEdit(rng, insert))


def completions(index: Index, tokens, start: int, rng: t.Range) -> list[t.CompletionItem]:
    """Items for the word that starts at normalised offset ``start``; ``rng`` is the
    range it covers (replaced by the chosen item)."""
    context, owner = _context(tokens, start)
    items: list[t.CompletionItem] = []
    if context == "cites":
        for cid in index.names("clause"):
            clause = index.decls[("clause", cid)][0]
            items.append(_item(cid, cid, _KINDS[m.Clause], clause.text[:60], "0", rng))
        return items
    if context == "label":
        decl = index.decls.get(("name", owner))
        for label in (_labels_of(decl[0]) if decl else ()):
            items.append(_item(label, quoted(label), t.CompletionItemKind.EnumMember,
                               f"{owner}", "0", rng))
        if items:
            return items
    for name in index.names("name"):
        decl = index.decls[("name", name)][0]
        meta = getattr(decl, "meta", None)
        detail = " · ".join(x for x in (type(decl).__name__.lower(), meta and meta.label,
                                        meta and meta.gloss) if x)
        items.append(_item(name, ident(name) if isinstance(decl, m.Property) else quoted(name),
                           _KINDS.get(type(decl), t.CompletionItemKind.Text), detail, "1", rng))
    for rid in index.names("rule"):
        items.append(_item(rid, rid, _KINDS[m.Rule], "rule", "2", rng))
    for zh, en in keyword_pairs():
        items.append(_item(zh, zh, t.CompletionItemKind.Keyword, en, "3", rng))
        items.append(_item(en, en, t.CompletionItemKind.Keyword, zh, "3", rng))
    seen, unique = set(), []
    for it in items:
        if it.label not in seen:
            seen.add(it.label)
            unique.append(it)
    return unique

