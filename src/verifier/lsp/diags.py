"""The checker's diagnostics and the analysis findings as LSP diagnostics.

Messages come from the code registry (``Diagnostic.message`` / ``Finding.message``) in
the language the client asked for; a finding's detail lines (rules, clause excerpts,
witness, readings) are the text report's own (``verifier.report.text.finding_lines``).
"""
from __future__ import annotations

import os

from lsprotocol import types as t

from ..model.nodes import Span
from .positions import Positions

SOURCE = "verifier"
ANALYSIS_SOURCE = "verifier-analysis"
_SEVERITY = {"error": t.DiagnosticSeverity.Error, "warning": t.DiagnosticSeverity.Warning,
             "info": t.DiagnosticSeverity.Information}


def message(x, lang: str) -> str:
    """A diagnostic's or finding's message in ``lang`` (zh, en, or both)."""
    if lang in ("zh", "en"):
        return x.message(lang)
    return f"{x.message('zh')} / {x.message('en')}"


def narrow(span: Span, positions: Positions, name: str | None) -> Span:
    """A span over several lines shrunk to the first ``name`` in it, else to its first line."""
    if span.line <= 0 or span.end_line <= span.line:
        return span
    last = min(span.end_line, len(positions.lines))
    for line in range(span.line, last + 1):
        text = positions.lines[line - 1]
        at = text.find(name, span.column - 1 if line == span.line else 0) if name else -1
        if at >= 0:
            return Span(span.file, line, at + 1, line, at + 1 + len(name))
    first = positions.lines[span.line - 1] if span.line <= len(positions.lines) else ""
    return Span(span.file, span.line, span.column, span.line, max(len(first) + 1, span.column + 1))


def primary_name(d) -> str | None:
    """The name, label or clause ID a diagnostic is about (what a fix would replace)."""
    args = dict(d.args)
    return args.get("name") or args.get("label") or args.get("clause")


def to_lsp(d, positions: Positions, lang: str, uri_of) -> t.Diagnostic:
    """One checker diagnostic; ``uri_of(path)`` gives the URI of a related location."""
    span = narrow(d.span, positions, primary_name(d))
    text = message(d, lang) + (f"\n{d.hint_in(lang)}" if d.hint else "")
    related = [t.DiagnosticRelatedInformation(t.Location(uri_of(s.file), _range_in(s, positions, uri_of)),
                                              "related / 相关位置")
               for s in d.related if s.line > 0 and not s.file.startswith("<")]
    return t.Diagnostic(range=positions.range(span), message=text, severity=_SEVERITY[d.severity],
                        code=d.code, source=SOURCE, related_information=related or None)


def _range_in(span: Span, positions: Positions, uri_of) -> t.Range:
    """The range of a span of another file (its own text when the resolver knows it)."""
    other = getattr(uri_of, "positions", lambda path: None)(span.file)
    return (other or positions).range(span)


def findings_by_file(analysis, loaded, lang: str) -> dict[str, list[tuple[Span, str, str, object]]]:
    """path -> (span, severity, message, finding) for every finding of ``analysis``.

    The message is the finding's head in ``lang`` followed by the text report's lines
    (rules, clauses, witness, readings), so the witness is in the message."""
    from ..report.base import has_location, prepare
    from ..report.text import finding_lines
    ri = prepare(analysis, loaded)
    out: dict[str, list] = {}
    for f in ri.findings:
        loc = ri.location(f)
        if not has_location(loc):
            continue
        path = os.path.abspath(loc.file)
        lines = [line.strip() for line in finding_lines(ri, f, lang)[1:]]
        body = "\n".join([message(f, lang), *lines])
        out.setdefault(path, []).append((Span(path, loc.line, loc.column, loc.end_line, loc.end_column),
                                         f.severity, body, f))
    return out


def finding_to_lsp(item, positions: Positions, uri_of) -> t.Diagnostic:
    """One finding (as ``findings_by_file`` gives it) as an LSP diagnostic."""
    span, severity, text, f = item
    related = []
    for r in (*f.rules, *f.related):
        s = r.span
        if s.line > 0 and not s.file.startswith("<"):
            s = Span(os.path.abspath(s.file), s.line, s.column, s.end_line, s.end_column)
            related.append(t.DiagnosticRelatedInformation(
                t.Location(uri_of(s.file), _range_in(s, positions, uri_of)), f"rule {r.id}"))
    return t.Diagnostic(range=positions.range(narrow(span, positions, None)), message=text,
                        severity=_SEVERITY[severity], code=f.code, source=ANALYSIS_SOURCE,
                        related_information=related or None)
