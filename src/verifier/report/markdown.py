"""Findings and load diagnostics as Markdown (for CI summaries and review comments)."""
from __future__ import annotations

from ..analysis.groups import TIERS, group_findings, tally_properties
from ..diagnostics.hints import hint_text
from .base import ReportInput, excerpt, has_location, prepare, say, value_text
from .text import compact_parts, entries, group_text, member_text, message_text, tally_text, tier_title


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def table(head: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(x) for x in row) + " |" for row in rows]
    return lines


def where(span) -> str:
    return f"`{span.file}:{span.line}`" if has_location(span) else "—"


def inline(text: object) -> str:
    """Text safe in a Markdown paragraph or list item (no emphasis, code or HTML)."""
    out = str(text).replace("\\", "\\\\").replace("\n", " ")
    for ch in "*_`<[]":
        out = out.replace(ch, "\\" + ch)
    return out


def witness_block(ri: ReportInput, f, lang: str = "both") -> list[str]:
    """A fenced block of ``fact = value`` lines (relevant facts away from their neutral value)."""
    if f.witness is None:
        return []
    shown, hidden = ri.witness_split(f)
    body = []
    for name, value in shown:
        label = ri.label(name)
        body.append(f"{name} = {value_text(value)}" + (f"  # {label}" if label and label != name else ""))
    decisive = ri.decisive_readings(f)
    body += [f"{n} = {value_text(v)}  # {say(lang, 'reading', '解读')}" for n, v in decisive]
    if ri.other_readings(f):
        body.append(say(lang, f"# {ri.other_readings(f)} other interpretations: any reading",
                        f"# 其余 {ri.other_readings(f)} 项解释:任一读法"))
    if hidden:
        body.append(say(lang, f"# {hidden} other relevant facts at their neutral value",
                        f"# 其余 {hidden} 项相关事实取中性值"))
    if ri.not_relevant(f):
        body.append(say(lang, f"# {ri.not_relevant(f)} facts not relevant",
                        f"# {ri.not_relevant(f)} 项事实与此无关"))
    empty = say(lang, "# every relevant fact at its neutral value", "# 相关事实均取中性值")
    return [say(lang, "Witness:", "见证:"), "", "```", *(body or [empty]), "```", ""]


def finding_block(ri: ReportInput, f, level: str = "###", lang: str = "both") -> list[str]:
    """One finding in full: message, rules, the clauses quoted, witness, readings."""
    loc = ri.location(f)
    at = f" — {where(loc)}" if has_location(loc) else ""
    lines = [f"{level} {f.severity} {f.code} `{f.name}`{at}", "", inline(message_text(f, lang)), ""]
    refs = [(r, "") for r in f.rules] + [(r, "related") for r in f.related]
    if refs:
        head = ["rule", "clauses", "location", "conclusion", "role"] if lang != "zh" else \
            ["规则", "条款", "位置", "结论", "角色"]
        role = {"": "", "related": say(lang, "related", "相关")}
        lines += table(head, [[r.id, ", ".join(r.clauses), where(r.span),
                               ri.conclusion(r.id, "zh" if lang == "zh" else "en"), role[kind]]
                              for r, kind in refs]) + [""]
    if f.core:
        lines += [f"{say(lang, 'Assumptions', '假设')}: {', '.join(f.core)}", ""]
    quotes = [f"> **{cid}** {inline(excerpt(ri.clause_text(cid), 80))}" for cid in ri.clauses_of(f)
              if ri.clause_text(cid)]
    for i, quote in enumerate(quotes):
        lines += [">", quote] if i else [quote]
    lines += [""] if quotes else []
    lines += witness_block(ri, f, lang)
    lines += [say(lang, f"Readings: {inline(ri.readings_text(f))}. Fingerprint `{f.fingerprint}`.",
                  f"解读:{inline(ri.readings_text(f, lang))}。指纹 `{f.fingerprint}`。"), ""]
    return lines


def compact_block(ri: ReportInput, f, lang: str = "both") -> list[str]:
    """A finding to review, as the text shows it: head, then about / witness / readings."""
    loc = ri.location(f)
    at = f"{where(loc)} " if has_location(loc) else ""
    lines = [f"- {at}**{f.severity} {f.code}** {inline(message_text(f, lang))}"]
    lines += [f"  - {label}: {inline(text)}" for label, text in compact_parts(ri, f, lang)]
    return lines


def group_block(ri: ReportInput, g, lang: str = "both") -> list[str]:
    """A group on one line (as the text shows it), its members in a collapsed list."""
    code, _, text = group_text(ri, g, lang).partition("] ")
    lines = [f"- **{code}]** {inline(text)}"]
    if len(g.members) > 1:
        summary = say(lang, f"{len(g.members)} findings", f"{len(g.members)} 项")
        lines += [f"  <details><summary>{summary}</summary>", ""]
        lines += [f"  - {inline(member_text(ri, f, lang))}" for f in g.members]
        lines += ["", "  </details>", ""]
    return lines


def diagnostics_block(ri: ReportInput, lang: str = "both") -> list[str]:
    if not ri.diagnostics:
        return []
    rows = [[where(d.span), d.severity, d.code, message_text(d, lang), hint_text(d, lang)]
            for d in ri.diagnostics]
    head = ["location", "severity", "code", "message", "hint"] if lang != "zh" else \
        ["位置", "级别", "代码", "说明", "提示"]
    return [f"## {say(lang, 'Load diagnostics', '加载诊断')}", ""] + table(head, rows) + [""]


def render_markdown(result, loaded=None, colour: bool = False, *, lang: str = "both") -> str:
    """A Markdown page in the text's order: summary, load diagnostics, then the findings
    by tier (act on / review / the rest) and group (overlaps per conclusion and per
    priority declaration, each group's members in a collapsed ``<details>`` list), the
    property tally. ``lang``: the language of messages and headings (``both``: bilingual
    messages and tier headings)."""
    ri = prepare(result, loaded)
    c = ri.counts()
    groups = group_findings(ri.findings, ri.policy)
    shown = f" in {len(groups)} entries" if len(groups) != len(ri.findings) else ""
    lines = ["# verifier findings", "",
             say(lang, f"**{c['error']} errors, {c['warning']} warnings, {c['info']} notes** — "
                       f"{len(ri.findings)} findings{shown}, {len(ri.diagnostics)} load diagnostics.",
                 f"**{c['error']} 个错误,{c['warning']} 个警告,{c['info']} 条提示** — "
                 f"{len(ri.findings)} 项发现{f'({len(groups)} 个条目)' if shown else ''},"
                 f"{len(ri.diagnostics)} 条加载诊断。"), ""]
    if ri.policy is None and ri.diagnostics:
        lines += [say(lang, "The policy set did not load, so it was not analysed.",
                      "策略未能加载,因此未作分析。"), ""]
    lines += diagnostics_block(ri, lang)
    for tier in TIERS:
        mine = [g for g in groups if g.tier == tier]
        if not mine:
            continue
        lines += [f"## {tier_title(tier, lang)} ({sum(len(g.members) for g in mine)})", ""]
        for kind, x in entries(mine, tier):
            if kind == "full":
                lines += finding_block(ri, x, "###", lang)
            elif kind == "compact":
                lines += compact_block(ri, x, lang) + [""]
            else:
                lines += group_block(ri, x, lang)
        if lines[-1] != "":
            lines.append("")
    if ri.policy is not None and ri.policy.properties and ri.findings:
        tally = tally_properties(ri.findings, ri.policy.properties)
        lines += [line for t in tally_text(tally, lang).split("\n") for line in (t, "")]
    return "\n".join(lines).rstrip("\n") + "\n"
