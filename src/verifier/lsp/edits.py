"""Edits: quick fixes for the checker's "did you mean 「…」" hints, and whole-document
formatting through ``verifier fmt``'s own ``format_text``."""
from __future__ import annotations

import re

from lsprotocol import types as t

from ..printer.printer import ident
from .diags import narrow, primary_name
from .positions import Positions, original_position, span_offsets
from .tokens import KEYWORD, tokenize

_SUGGESTED = re.compile(r"「([^」\n]+)」")


def suggestions(hint: str | None) -> list[str]:
    """The names a hint suggests, in order, without repeats."""
    out: list[str] = []
    for s in _SUGGESTED.findall(hint or ""):
        if s not in out:
            out.append(s)
    return out


def _find(text: str, word: str, lo: int, hi: int) -> tuple[int, int] | None:
    """[start, end) of ``word`` (or 「word」) inside text[lo:hi], preferring the quoted form."""
    for needle in (f"「{word}」", word):
        at = text.find(needle, lo, hi + len(needle))
        if at >= 0:
            return at, at + len(needle)
    return None


def _covering(text: str, word: str, line_start: int, line_end: int, pos: int) -> tuple[int, int] | None:
    """An unquoted ``word`` on the line [line_start, line_end) that covers offset ``pos``."""
    at = text.find(word, line_start, line_end)
    while at >= 0:
        if at <= pos < at + len(word):
            return at, at + len(word)
        at = text.find(word, at + 1, line_end)
    return None


def fix_edit(d, suggestion: str, positions: Positions) -> t.TextEdit | None:
    """The edit that replaces what ``d`` is about with ``suggestion`` (quoted if needed)."""
    text = positions.text
    wrong = primary_name(d)
    span = narrow(d.span, positions, wrong)
    lo, hi = span_offsets(positions, span)
    found = _find(text, wrong, lo, hi) if wrong else None
    if found is None:                     # a keyword split a name: 市级以上表彰
        line0 = max(span.line - 1, 0)
        line_start = positions.starts[min(line0, len(positions.starts) - 1)]
        found = _covering(text, suggestion, line_start, line_start + len(positions.lines[line0]), lo)
    if found is None:
        return None
    start, end = found
    return t.TextEdit(t.Range(original_position(positions, start), original_position(positions, end)),
                      ident(suggestion))


def quick_fixes(diagnostics, positions: Positions, lsp_of, uri: str) -> list[t.CodeAction]:
    """One code action per suggestion of every diagnostic given (first one preferred)."""
    actions = []
    for d in diagnostics:
        for n, s in enumerate(suggestions(d.hint)):
            edit = fix_edit(d, s, positions)
            if edit is None or positions.text[_off(positions, edit.range.start):
                                              _off(positions, edit.range.end)] == edit.new_text:
                continue
            actions.append(t.CodeAction(
                title=f"改为 {edit.new_text} / replace with {edit.new_text}",
                kind=t.CodeActionKind.QuickFix, diagnostics=[lsp_of(d)], is_preferred=n == 0,
                edit=t.WorkspaceEdit(changes={uri: [edit]})))
    return actions


def _off(positions: Positions, pos: t.Position) -> int:
    return positions.original_offset(pos)


def keyword_language(text: str) -> str:
    """'en' when most keywords of ``text`` are English, else 'zh'."""
    words = [x.text for x in tokenize(text) if x.kind == KEYWORD]
    english = sum(1 for w in words if w.isascii())
    return "en" if english * 2 > len(words) else "zh"


def format_edits(text: str, path: str, keywords: str, positions: Positions) -> list[t.TextEdit]:
    """The whole-document edit of ``verifier fmt`` (none when the text has errors or is
    already formatted); ``keywords``: zh, en or auto (the document's own)."""
    from ..commands.fmt import format_text
    lang = keyword_language(text) if keywords == "auto" else keywords
    try:
        out, _, _ = format_text(text, path, lang)
    except (AssertionError, RecursionError, ValueError, TypeError):
        return []
    if out is None or out == text:
        return []
    end = original_position(positions, len(text))
    return [t.TextEdit(t.Range(t.Position(0, 0), end), out)]
