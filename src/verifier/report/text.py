"""Findings as text for people: grouped by clause ID, colour only when asked."""
from __future__ import annotations

from ..diagnostics.render import render_text as render_diagnostic
from .base import NO_CLAUSE, ReportInput, excerpt, has_location, prepare, value_text

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m", "clause": "\033[1m",
            "dim": "\033[2m"}
_RESET = "\033[0m"


def _paint(text: str, what: str, colour: bool) -> str:
    return f"{_COLOURS[what]}{text}{_RESET}" if colour else text


def _message(x, lang: str) -> str:
    if lang in ("en", "zh"):
        return x.message(lang)
    return f"{x.message('en')} / {x.message('zh')}"


def _rule_line(ri: ReportInput, ref) -> str:
    where = f" {ref.span.file}:{ref.span.line}" if has_location(ref.span) else ""
    clauses = f" ({', '.join(ref.clauses)})" if ref.clauses else ""
    conclusion = ri.conclusion(ref.id)
    then = f"  then {conclusion}" if conclusion else ""
    return f"      {ref.id}{clauses}{where}{then}"


def finding_lines(ri: ReportInput, f, lang: str = "both", colour: bool = False) -> list[str]:
    """The lines of one finding: head, rules, clause excerpts, witness, readings."""
    loc = ri.location(f)
    where = f"{loc.file}:{loc.line}:{loc.column}: " if has_location(loc) else ""
    lines = [f"  {where}{_paint(f.severity, f.severity, colour)}[{f.code}] {_message(f, lang)}"]
    if f.rules:
        lines.append("    rules:")
        lines += [_rule_line(ri, r) for r in f.rules]
    if f.related:
        lines.append("    related rules:")
        lines += [_rule_line(ri, r) for r in f.related]
    if f.core:
        lines.append(f"    assumptions: {', '.join(f.core)}")
    for cid in ri.clauses_of(f):
        text = ri.clause_text(cid)
        if text:
            lines.append(f"    {cid}: {excerpt(text)}")
    lines += witness_lines(ri, f, colour)
    lines.append(f"    readings: {ri.readings_text(f)}")
    return lines


def witness_lines(ri: ReportInput, f, colour: bool = False) -> list[str]:
    """``fact = value`` lines (facts away from their default) and the witness reading."""
    if f.witness is None:
        return []
    shown, hidden = ri.witness_split(f)
    lines = ["    witness:"]
    for name, value in shown:
        label = ri.label(name)
        note = _paint(f"  # {label}", "dim", colour) if label and label != name else ""
        lines.append(f"      {name} = {value_text(value)}{note}")
    decisive = ri.decisive_readings(f)
    for name, value in decisive:
        lines.append(f"      {name} = {value_text(value)}  (reading)")
    if ri.other_readings(f):
        lines.append(f"      ({ri.other_readings(f)} other interpretations: any reading)")
    if hidden:
        lines.append(f"      ({hidden} other facts at their default: false / first label / lower bound)")
    if not shown and not decisive:
        lines.append("      (every fact at its default)")
    return lines


def render_text(result, loaded=None, colour: bool = False, *, lang: str = "both") -> str:
    """Load diagnostics, then findings grouped by clause, then a one-line summary."""
    ri = prepare(result, loaded)
    out = [render_diagnostic(d, ri.sources, lang, colour) for d in ri.diagnostics]
    for cid, findings in ri.by_clause():
        if out:
            out.append("")
        if cid == NO_CLAUSE:
            out.append(_paint("(no clause)", "clause", colour))
        else:
            text = ri.clause_text(cid)
            out.append(_paint(cid, "clause", colour) + (f"  {excerpt(text, 60)}" if text else ""))
        for f in findings:
            out += finding_lines(ri, f, lang, colour)
    if out:
        out.append("")
    out.append(summary_line(ri))
    return "\n".join(out) + "\n"


def summary_line(ri: ReportInput) -> str:
    c = ri.counts()
    return (f"{len(ri.findings)} findings, {len(ri.diagnostics)} diagnostics: "
            f"{c['error']} errors, {c['warning']} warnings, {c['info']} notes")
