"""Findings and load diagnostics as Markdown (for CI summaries and review comments)."""
from __future__ import annotations

from .base import NO_CLAUSE, ReportInput, excerpt, has_location, prepare, value_text


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def table(head: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(x) for x in row) + " |" for row in rows]
    return lines


def where(span) -> str:
    return f"`{span.file}:{span.line}`" if has_location(span) else "—"


def witness_block(ri: ReportInput, f) -> list[str]:
    """A fenced block of ``fact = value`` lines (facts away from their default)."""
    if f.witness is None:
        return []
    shown, hidden = ri.witness_split(f)
    body = []
    for name, value in shown:
        label = ri.label(name)
        body.append(f"{name} = {value_text(value)}" + (f"  # {label}" if label and label != name else ""))
    decisive = ri.decisive_readings(f)
    body += [f"{n} = {value_text(v)}  # reading" for n, v in decisive]
    if ri.other_readings(f):
        body.append(f"# {ri.other_readings(f)} other interpretations: any reading")
    if hidden:
        body.append(f"# {hidden} other facts at their default (false / first label / lower bound)")
    return ["Witness:", "", "```", *(body or ["# every fact at its default"]), "```", ""]


def finding_block(ri: ReportInput, f, level: str = "####") -> list[str]:
    lines = [f"{level} {f.severity} {f.code} `{f.name}`", "",
             f"{f.message('en')} / {f.message('zh')}", ""]
    refs = [(r, "") for r in f.rules] + [(r, "related") for r in f.related]
    if refs:
        lines += table(["rule", "clauses", "location", "conclusion", "role"],
                       [[r.id, ", ".join(r.clauses), where(r.span), ri.conclusion(r.id), role]
                        for r, role in refs]) + [""]
    if f.core:
        lines += [f"Assumptions: {', '.join(f.core)}", ""]
    quotes = [f"> **{cid}** {excerpt(ri.clause_text(cid), 80)}" for cid in ri.clauses_of(f)
              if ri.clause_text(cid)]
    for i, quote in enumerate(quotes):
        lines += [">", quote] if i else [quote]
    lines += [""] if quotes else []
    lines += witness_block(ri, f)
    lines += [f"Readings: {ri.readings_text(f)}. Fingerprint `{f.fingerprint}`.", ""]
    return lines


def diagnostics_block(ri: ReportInput) -> list[str]:
    if not ri.diagnostics:
        return []
    rows = [[where(d.span), d.severity, d.code, f"{d.message('en')} / {d.message('zh')}",
             d.hint or ""] for d in ri.diagnostics]
    return ["## Load diagnostics", ""] + table(["location", "severity", "code", "message", "hint"], rows) + [""]


def render_markdown(result, loaded=None, colour: bool = False) -> str:
    """A Markdown page: summary, load diagnostics, findings grouped by clause."""
    ri = prepare(result, loaded)
    c = ri.counts()
    lines = ["# verifier findings", "",
             f"**{c['error']} errors, {c['warning']} warnings, {c['info']} notes** — "
             f"{len(ri.findings)} findings, {len(ri.diagnostics)} load diagnostics.", ""]
    if ri.policy is None and ri.diagnostics:
        lines += ["The policy set did not load, so it was not analysed.", ""]
    lines += diagnostics_block(ri)
    if ri.findings:
        lines += ["## Findings by clause", ""]
    for cid, findings in ri.by_clause():
        text = ri.clause_text(cid) if cid != NO_CLAUSE else None
        title = "(no clause)" if cid == NO_CLAUSE else cid + (f" — {excerpt(text)}" if text else "")
        lines += [f"### {title}", ""]
        for f in findings:
            lines += finding_block(ri, f)
    return "\n".join(lines).rstrip("\n") + "\n"
