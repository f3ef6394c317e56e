"""Parsing while the drafter types: the parser's own declaration-by-declaration path.

``verifier.syntax.parse_text`` first parses a whole file in one go and falls back to one
parse per declaration (each declaration's parse tree memoised on its text) only on a
syntax error; both give the same model and spans. In an editor one keystroke changes
one declaration, so the server takes the per-declaration path every time, and keeps each
declaration's model (and diagnostics) for as long as its original text and the line and
column it starts at are unchanged: those fix every span in it. A keystroke then builds
just the declaration it touched (``syntax.parser.declaration_chunks`` / ``parse_chunk``).
"""
from __future__ import annotations

from ..diagnostics import diag
from ..model import nodes as m
from ..syntax import parse_text
from ..syntax.parser import declaration_chunks, parse_chunk, strip_comments
from ..syntax.source import normalise


def parse_editing(text: str, path: str):
    """(document or None, diagnostics, source), as ``parse_text`` returns them."""
    source = normalise(path, text)
    if "\x00" in source.text or not strip_comments(source.text).strip():
        return parse_text(text, path)    # its own answers for binary and empty files
    header, items, diagnostics = None, [], []
    for start, end, first in declaration_chunks(source.text):
        result = _chunk(source, start, end, first, diagnostics)
        if result is None:
            continue
        if first and result[0] is not None:
            header = result[0]
        items.extend(result[1:])
    if header is None:
        if not any(d.code.startswith("V11") for d in diagnostics):
            diagnostics.append(diag("V103", m.Span(path, 1, 1),
                                    hint="start the file with a header: 文档 ID / document ID"))
        return None, diagnostics, source
    doc = m.Document(header.id, header.title, header.source, header.uses, tuple(items),
                     header.meta, header.span)
    return doc, diagnostics, source


_MODELS: dict[tuple, tuple] = {}          # chunk key -> (result, its diagnostics)
_MAX_MODELS = 20_000


def _chunk(source, start: int, end: int, first: bool, out: list):
    """``parse_chunk`` memoised on the chunk's original text, path and start position."""
    a = source.origin[start] if start < len(source.origin) else len(source.original)
    b = source.origin[end - 1] + 1 if end > start else a
    span = source.span(start, start + 1)
    key = (source.path, source.original[a:b], first, span.line, span.column)
    hit = _MODELS.get(key)
    if hit is None:
        found: list = []
        result = parse_chunk(source, start, end, first, found)
        if len(_MODELS) >= _MAX_MODELS:
            _MODELS.clear()
        hit = _MODELS[key] = (result, tuple(found))
    out.extend(hit[1])
    return hit[0]
