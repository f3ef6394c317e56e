"""Text -> Document: the only module that runs Lark. Errors come back as diagnostics.

A file is split into chunks at lines that begin with a declaration keyword; each chunk is
parsed on its own, so every broken declaration gets its own diagnostic and the rest of
the file is still read.
"""
from __future__ import annotations

import gc
import re
from functools import lru_cache

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedInput

from ..diagnostics import Diagnostic, diag
from ..model import nodes as m
from .grammar import grammar_text
from .keywords import chinese_keywords, keywords
from .source import Source, normalise
from .transform import ToModel, tree_depth_exceeds

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 200
MAX_ERRORS = 50          # syntax errors reported per file before V118 stops the parse
_DECLARATIONS = ("document", "clause", "fact", "term", "action", "decision", "assume",
                 "rule", "group", "priority", "discretion", "property", "interp")


@lru_cache(maxsize=1)
def parser() -> Lark:
    return Lark(grammar_text(), parser="lalr", propagate_positions=True, cache=True,
                start=["start", "items"], maybe_placeholders=False)


@lru_cache(maxsize=1)
def _chunk_start() -> re.Pattern:
    words = sorted({keywords()[k][lang] for k in _DECLARATIONS for lang in ("zh", "en")},
                   key=len, reverse=True)
    return re.compile(r"^[ \t\u3000]*(?:%s)(?=[\s「]|$)" % "|".join(map(re.escape, words)), re.M)


def parse_bytes(data: bytes, path: str) -> tuple[m.Document | None, list[Diagnostic], Source | None]:
    """Decode, normalise and parse one file."""
    where = m.Span(path, 1, 1)
    if len(data) > MAX_BYTES:
        return None, [diag("V102", where, size=len(data), limit=MAX_BYTES,
                           hint="split the document into several files")], None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [diag("V101", m.Span(path, line, col), byte=f"0x{data[exc.start]:02x}",
                           offset=exc.start, hint="save the file as UTF-8")], None
    doc, diagnostics, source = parse_text(text, path)
    return doc, diagnostics, source


def parse_text(text: str, path: str = "<text>") -> tuple[m.Document | None, list[Diagnostic], Source]:
    """Parse one document. Returns (document or None, diagnostics, source).

    The cyclic garbage collector is paused meanwhile: a parse allocates hundreds of
    thousands of acyclic objects (tokens, trees, model nodes) and the collector's passes
    over them took about half the time of a 10,000-rule file (bench/bench_scale.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_text(text, path)
    finally:
        if enabled:
            gc.enable()


def _parse_text(text: str, path: str) -> tuple[m.Document | None, list[Diagnostic], Source]:
    source = normalise(path, text)
    if "\x00" in source.text:
        i = source.text.index("\x00")
        return None, [diag("V110", source.span(i, i + 1), char="NUL",
                           hint="this looks like a binary file, not a policy")], source
    if not source.text.strip() or not strip_comments(source.text).strip():
        return None, [diag("V103", m.Span(path, 1, 1),
                           hint="start the file with a header: 文档 ID / document ID")], source
    whole = _parse_whole(source)
    if whole is not None:
        return whole[0], whole[1], source
    header, items, diagnostics = None, [], []
    for start, end, first in declaration_chunks(source.text):
        if sum(d.is_error for d in diagnostics) >= MAX_ERRORS:
            diagnostics.append(diag("V118", source.span(start, start + 1), count=MAX_ERRORS,
                                    hint="fix these first; the rest of the file was not parsed"))
            break
        result = parse_chunk(source, start, end, first, diagnostics)
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


def _parse_whole(source: Source):
    """(document, diagnostics) from one parse of the whole text, or None to take the
    declaration-by-declaration path (which reports every broken declaration): on any
    syntax error, deep nesting or missing header. Same model and spans either way, as
    positions are absolute here and chunk start + relative there."""
    try:
        tree = parser().parse(source.text, start="start")
    except (UnexpectedInput, RecursionError):
        return None
    if tree_depth_exceeds(tree, MAX_DEPTH):
        return None
    builder = ToModel(lambda a, b: source.span(a, b))
    try:
        result = builder.transform(tree)
    except RecursionError:
        return None
    header, items = result[0], result[1:]
    if header is None:
        return None
    doc = m.Document(header.id, header.title, header.source, header.uses, tuple(items),
                     header.meta, header.span)
    return doc, list(builder.diagnostics)


def strip_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)


def declaration_chunks(text: str):
    """(start, end, is_first) offsets of the header chunk and of each declaration chunk."""
    starts = [mt.start() for mt in _chunk_start().finditer(text)]
    if starts and not strip_comments(text[:starts[0]]).strip():
        starts[0] = 0                      # leading comments belong to the first chunk
    if not starts or starts[0] != 0:
        starts = [0] + starts
    bounds = starts + [len(text)]
    for i in range(len(starts)):
        yield bounds[i], bounds[i + 1], i == 0


def parse_chunk(source: Source, start: int, end: int, first: bool, out: list):
    """Parse text[start:end]; on error append one diagnostic and return None."""
    chunk = source.text[start:end]
    try:
        tree = _parse_tree(chunk, first)
    except UnexpectedInput as exc:
        out.append(_syntax_error(source, start, chunk, exc))
        return None
    except RecursionError:
        out.append(diag("V113", source.span(start, start + 1), depth="?", limit=MAX_DEPTH))
        return None
    depth = tree_depth_exceeds(tree, MAX_DEPTH)
    if depth:
        out.append(diag("V113", source.span(start, start + 1), depth=depth, limit=MAX_DEPTH,
                        hint="split the expression with derived terms (术语 / term)"))
        return None
    builder = ToModel(lambda a, b: source.span(start + a, start + b))
    try:
        result = builder.transform(tree)
    except RecursionError:
        out.append(diag("V113", source.span(start, start + 1), depth="?", limit=MAX_DEPTH))
        return None
    out.extend(builder.diagnostics)
    return result


_TREES: dict[tuple[str, bool], object] = {}   # chunk text -> parse tree (positions are chunk-relative)


def _parse_tree(chunk: str, first: bool):
    """Lark's tree for one chunk, memoised on its text: two versions of a document (diff)
    share most declarations, and the tree does not depend on where the chunk stands."""
    key = (chunk, first)
    tree = _TREES.get(key)
    if tree is None:
        tree = parser().parse(chunk, start="start" if first else "items")
        if len(_TREES) > 50_000:
            _TREES.clear()
        _TREES[key] = tree
    return tree


def _syntax_error(source: Source, base: int, chunk: str, exc: UnexpectedInput) -> Diagnostic:
    pos = base + (exc.pos_in_stream or 0) if exc.pos_in_stream is not None else base + len(chunk)
    span = source.span(pos, pos + 1)
    if isinstance(exc, UnexpectedCharacters):
        char = chunk[exc.pos_in_stream] if exc.pos_in_stream < len(chunk) else "?"
        if char in "\"「":
            return diag("V114", span, hint="close it on the same line with \" or 」")
        return diag("V110", span, char=repr(char), hint=_char_hint(char))
    expected = describe_expected(getattr(exc, "accepts", None) or
                                 getattr(exc, "expected", None) or set())
    token = getattr(exc, "token", None)
    if token is None or token.type == "$END":
        return diag("V112", source.span(base + len(chunk.rstrip()) - 1, base + len(chunk.rstrip())),
                    expected=expected, hint="finish the declaration")
    return diag("V111", span, token=_describe_token(token), expected=expected,
                hint=_token_hint(source, pos, token))


def _char_hint(char: str) -> str:
    if char in "“”‘’":
        return "strings use ASCII double quotes \"…\"; names may be quoted with 「…」"
    return "remove it, or put it inside a string \"…\" or a quoted name 「…」"


_TOKEN_WORDS = {"NAME": "a name", "QNAME": "a quoted name 「…」", "ID": "an id such as RC-C0 or R-C1",
                "STRING": 'a string "…"', "INT": "a number", "$END": "the end of the file"}


def _describe_token(token) -> str:
    text = str(token) if len(token) <= 30 else str(token)[:30] + "…"
    return f"{_TOKEN_WORDS.get(token.type, 'keyword')} «{text}»" if token.type != "$END" else "the end"


def describe_expected(names) -> str:
    """Human words for a set of terminal names (keywords shown in both languages)."""
    terminals = {t.name: t.pattern.value for t in parser().terminals}
    words = set()
    for name in names:
        if name in _TOKEN_WORDS:
            words.add(_TOKEN_WORDS[name])
            continue
        lit = terminals.get(name, name)
        pair = name[1:].rsplit("_", 1)
        if name.startswith("_") and len(pair) == 2 and pair[1] in ("ZH", "EN"):
            kw = keywords().get(pair[0].lower())
            words.add(f"{kw['zh']} / {kw['en']}" if kw else lit)
        else:
            words.add(lit if isinstance(lit, str) and len(lit) < 12 else name)
    items = sorted(words, key=lambda w: (" / " not in w, w))
    return ", ".join(items[:10]) + (", …" if len(items) > 10 else "") if items else "nothing"


def _token_hint(source: Source, pos: int, token) -> str:
    text = source.text
    if str(token) in chinese_keywords():
        before = text[pos - 1] if pos > 0 else " "
        after_pos = pos + len(str(token))
        after = text[after_pos] if after_pos < len(text) else " "
        if before.isalnum() or after.isalnum():
            word = _word_around(text, pos, after_pos)
            return (f"«{token}» is a keyword; a name that contains it must be quoted: 「{word}」"
                    f" / 名称中含有关键字 «{token}» 时须用「」括起")
    if token.type in ("NAME", "QNAME"):
        return "a keyword is missing before this name, or the previous declaration is unfinished"
    return "see docs/language.md for the form of this declaration"


def _word_around(text: str, a: int, b: int) -> str:
    while a > 0 and (text[a - 1].isalnum() or text[a - 1] == "_"):
        a -= 1
    while b < len(text) and (text[b].isalnum() or text[b] == "_"):
        b += 1
    return text[a:b]
