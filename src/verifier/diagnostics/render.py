"""Rendering diagnostics: text with a caret aligned under CJK text, and JSON."""
from __future__ import annotations

import json
import unicodedata

from .diagnostic import Diagnostic
from .hints import hint_text

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def cells(text: str) -> int:
    """Terminal cells taken by ``text`` (wide and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


EXCERPT = 100        # characters of a long source line shown around the column


def caret_lines(line: str, column: int, end_column: int | None = None) -> list[str]:
    """The source line and a caret line under [column, end_column) (1-based, characters)."""
    line = line.replace("\t", " ")
    start = max(column - 1, 0)
    end = end_column - 1 if end_column and end_column - 1 > start else start + 1
    if len(line) > EXCERPT:                 # a long line: an excerpt around the column
        lo = max(0, min(start - EXCERPT // 4, len(line) - EXCERPT))
        head, tail = ("…" if lo > 0 else ""), ("…" if lo + EXCERPT < len(line) else "")
        line = head + line[lo:lo + EXCERPT] + tail
        start, end = start - lo + len(head), min(end - lo, EXCERPT) + len(head)
    pad = cells(line[:start])
    width = max(cells(line[start:end]), 1)
    return [f"  | {line}", f"  | {' ' * pad}{'^' * min(width, 80)}"]


def render_text(d: Diagnostic, sources: dict, lang: str = "both", colour: bool = False) -> str:
    """``file:line:col: severity[CODE] message`` then the line, a caret and the hint, all
    in ``lang``: ``zh`` or ``en`` (one language), ``both`` (message "English / 中文",
    hint in English, then in Chinese when it differs)."""
    sev = d.severity
    head = f"{_COLOURS[sev]}{sev}{_RESET}" if colour else sev
    msg = d.message("en") if lang == "en" else d.message("zh") if lang == "zh" else \
        f"{d.message('en')} / {d.message('zh')}"
    lines = [f"{d.span}: {head}[{d.code}] {msg}"]
    source = sources.get(d.span.file)
    if source is not None and d.span.line > 0:
        end = d.span.end_column if d.span.end_line == d.span.line else None
        lines.extend(caret_lines(source.line(d.span.line), d.span.column, end))
    if d.hint:
        lines.append(f"  = hint: {hint_text(d, lang)}")        # the marker, like the severity, is fixed
    return "\n".join(lines)


def as_json(d: Diagnostic) -> dict:
    return {"code": d.code, "name": d.name, "severity": d.severity, "file": d.span.file,
            "line": d.span.line, "column": d.span.column, "message": d.message("en"),
            "message_zh": d.message("zh"), "hint": d.hint}


def render_json(diagnostics, extra: dict | None = None) -> str:
    payload = {"version": 1, "diagnostics": [as_json(d) for d in diagnostics]}
    payload.update(extra or {})
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True)


MAX_SHOWN = 20       # diagnostics of one code shown per file; the rest are counted


def render_many(diagnostics, sources: dict, lang: str = "both", limit: int = MAX_SHOWN) -> str:
    """Every diagnostic in order, but at most ``limit`` of one code per file: then one line
    ``… and N more <code> in <file>`` (thousands of unknown facts in one case stay readable)."""
    shown: dict[tuple, int] = {}
    out = []
    hidden: dict[tuple, int] = {}
    for d in diagnostics:
        key = (d.span.file, d.code)
        shown[key] = shown.get(key, 0) + 1
        if shown[key] > limit:
            hidden[key] = hidden.get(key, 0) + 1
            continue
        out.append(render_text(d, sources, lang))
    for (file, code), n in hidden.items():
        out.append(f"{file}: … and {n:,} more [{code}] not shown" if lang != "zh"
                   else f"{file}: … 另有 {n:,} 处 [{code}] 未显示")
    return "\n".join(out)
