"""Findings as text for people: what to act on first, overlaps grouped, colour only when asked."""
from __future__ import annotations

from ..diagnostics.codes import lookup
from ..diagnostics.render import render_text as render_diagnostic
from ..analysis.groups import ACT, REST, REVIEW, TIER_TITLES, TIERS, group_findings, tally_properties
from .base import ReportInput, excerpt, has_location, prepare, value_text

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
    """``fact = value`` lines (relevant facts away from their neutral value), the
    witness reading, and counts of the facts at their neutral value / not relevant."""
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
    if not shown and not decisive:
        lines.append("      (every relevant fact at its neutral value)")
    rest = _rest_counts(ri, f, hidden)
    if rest:
        lines.append(f"      ({rest})")
    return lines


def _rest_counts(ri: ReportInput, f, hidden: int) -> str:
    parts = []
    if hidden:
        parts.append(f"{hidden} relevant facts at their neutral value")
    if ri.not_relevant(f):
        parts.append(f"{ri.not_relevant(f)} facts not relevant")
    if ri.other_readings(f):
        parts.append(f"{ri.other_readings(f)} interpretations: any reading")
    return "; ".join(parts)


def witness_inline(ri: ReportInput, f) -> str:
    """The witness on one line: ``a = true, b = 3 (reading c = false)``."""
    shown, _ = ri.witness_split(f)
    parts = [f"{n} = {value_text(v)}" for n, v in shown]
    parts += [f"{n} = {value_text(v)} (reading)" for n, v in ri.decisive_readings(f)]
    return ", ".join(parts) or "every relevant fact at its neutral value"


def compact_lines(ri: ReportInput, f, lang: str = "both", colour: bool = False) -> list[str]:
    """A finding in three lines or so: head, rules and clauses, witness, readings."""
    loc = ri.location(f)
    where = f"{loc.file}:{loc.line}: " if has_location(loc) else ""
    lines = [f"  {where}{_paint(f.severity, f.severity, colour)}[{f.code}] {_message(f, lang)}"]
    about = [*f.rule_ids, *ri.clauses_of(f, related=False)]
    if about:
        lines.append(f"    about: {', '.join(dict.fromkeys(about))}")
    if f.witness is not None:
        lines.append(f"    witness: {witness_inline(ri, f)}")
    detail = dict(f.args).get("detail")
    if detail and f.code == "A414":
        lines.append(f"    same facts, two readings: {detail}")
    lines.append(f"    readings: {ri.readings_text(f)}")
    return lines


def _ids(ids, limit: int = 8) -> str:
    ids = list(ids)
    return ", ".join(ids[:limit]) + (f", … ({len(ids)} in all)" if len(ids) > limit else "")


def group_line(ri: ReportInput, g, lang: str = "both") -> str:
    """One line for a group of findings (or a single note)."""
    n, f = len(g.members), g.first
    if g.code == "A403" and n > 1:
        en = f"{n} overlaps of rules concluding {g.about}: they agree ({_ids(g.rule_ids)})"
        zh = f"结论同为「{g.about}」的规则有 {n} 对可同时适用,结论一致"
    elif g.code == "A402" and n > 1:
        en = f"{n} overlaps resolved by the priority {g.about} ({_ids(g.rule_ids)})"
        zh = f"{n} 对重叠由优先关系 {g.about} 解决"
    elif n > 1:
        subjects = _ids((x.subject or ", ".join(x.rule_ids)) + ("" if ri.holds_always(x) else "*")
                        for x in g.members)
        title_en, title_zh = _GROUP_TITLES.get(g.code, (f.name, lookup(g.code).title_zh))
        partial = any(not ri.holds_always(x) for x in g.members)
        en = f"{n} {title_en}: {subjects}" + ("; * only under some readings" if partial else "")
        zh = f"{n} 项{title_zh}" + (";* 仅在部分解读下" if partial else "")
    else:
        return f"  [{f.code}] {_message(f, lang)}{_when(ri, f)}"
    text = en if lang == "en" else zh if lang == "zh" else f"{en} / {zh}"
    return f"  [{g.code}] {text}"


def _when(ri: ReportInput, f) -> str:
    return "" if ri.holds_always(f) else f" ({ri.readings_text(f)})"


_GROUP_TITLES = {"A405": ("left to the decision-maker's discretion", "由决定者裁量"),
                 "A410": ("properties proven", "命题成立"),
                 "A414": ("interpretations that change outcomes", "解读会改变结论"),
                 "A415": ("interpretations that change no outcome", "解读不改变任何结论")}


def member_line(ri: ReportInput, f) -> str:
    """A group member on one line (shown under its group with ``--expand``, and always
    in the review tier)."""
    what = " × ".join(f.rule_ids) or f.subject or ""
    detail = dict(f.args).get("detail")
    witness = f": {witness_inline(ri, f)}" if f.witness is not None else ""
    return f"      {what}{f' — {detail}' if detail else ''}{witness}{_when(ri, f)}"


def tier_lines(ri: ReportInput, tier: str, groups, lang: str, colour: bool, expand: bool) -> list[str]:
    """The heading of a tier and its entries."""
    en, zh = TIER_TITLES[tier]
    count = sum(len(g.members) for g in groups)
    head = en if lang == "en" else zh if lang == "zh" else f"{zh} / {en}"
    lines = [_paint(f"{head} ({count})", "clause", colour)]
    for g in groups:
        if tier != REST and len(g.members) == 1:
            full = finding_lines if tier == ACT else compact_lines
            lines += full(ri, g.first, lang, colour)
            continue
        lines.append(group_line(ri, g, lang))
        if (expand or tier == REVIEW) and len(g.members) > 1:
            lines += [member_line(ri, f) for f in g.members]
    return lines


def render_text(result, loaded=None, colour: bool = False, *, lang: str = "both",
                expand: bool = False) -> str:
    """Load diagnostics, then the findings by tier (act on / review / the rest, groups
    collapsed unless ``expand``), the property tally and a one-line summary."""
    ri = prepare(result, loaded)
    out = [render_diagnostic(d, ri.sources, lang, colour) for d in ri.diagnostics]
    groups = group_findings(ri.findings, ri.policy)
    for tier in TIERS:
        mine = [g for g in groups if g.tier == tier]
        if mine:
            out += ([""] if out else []) + tier_lines(ri, tier, mine, lang, colour, expand)
    if out:
        out.append("")
    if ri.policy is not None and ri.policy.properties and ri.findings:
        t = tally_properties(ri.findings, ri.policy.properties)
        out.append(t.text() if lang == "en" else t.text_zh() if lang == "zh" else f"{t.text_zh()}\n{t.text()}")
    out.append(summary_line(ri, len(groups)))
    return "\n".join(out) + "\n"


def summary_line(ri: ReportInput, entries: int | None = None) -> str:
    c = ri.counts()
    shown = f" in {entries} entries" if entries is not None and entries != len(ri.findings) else ""
    return (f"{len(ri.findings)} findings{shown}, {len(ri.diagnostics)} diagnostics: "
            f"{c['error']} errors, {c['warning']} warnings, {c['info']} notes")
