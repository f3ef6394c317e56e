"""Findings as text for people: what to act on first, overlaps grouped, colour only when asked."""
from __future__ import annotations

from ..diagnostics.codes import lookup
from ..diagnostics.render import render_text as render_diagnostic
from ..analysis.groups import ACT, REST, REVIEW, TIER_TITLES, TIERS, group_findings, tally_properties
from .base import ReportInput, excerpt, has_location, prepare, say, value_text

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m", "clause": "\033[1m",
            "dim": "\033[2m"}
_RESET = "\033[0m"


def _paint(text: str, what: str, colour: bool) -> str:
    return f"{_COLOURS[what]}{text}{_RESET}" if colour else text


def message_text(x, lang: str) -> str:
    """A finding's or diagnostic's message in ``lang`` (``both``: English / Chinese)."""
    if lang in ("en", "zh"):
        return x.message(lang)
    return f"{x.message('en')} / {x.message('zh')}"


def _rule_line(ri: ReportInput, ref, lang: str = "both") -> str:
    where = f" {ref.span.file}:{ref.span.line}" if has_location(ref.span) else ""
    clauses = f" ({', '.join(ref.clauses)})" if ref.clauses else ""
    conclusion = ri.conclusion(ref.id, "zh" if lang == "zh" else "en")
    then = f"  {say(lang, 'then', '那么')} {conclusion}" if conclusion else ""
    return f"      {ref.id}{clauses}{where}{then}"


def finding_lines(ri: ReportInput, f, lang: str = "both", colour: bool = False) -> list[str]:
    """The lines of one finding: head, rules, clause excerpts, witness, readings."""
    loc = ri.location(f)
    where = f"{loc.file}:{loc.line}:{loc.column}: " if has_location(loc) else ""
    lines = [f"  {where}{_paint(f.severity, f.severity, colour)}[{f.code}] {message_text(f, lang)}"]
    if f.rules:
        lines.append(f"    {say(lang, 'rules:', '规则:')}")
        lines += [_rule_line(ri, r, lang) for r in f.rules]
    if f.related:
        lines.append(f"    {say(lang, 'related rules:', '相关规则:')}")
        lines += [_rule_line(ri, r, lang) for r in f.related]
    if f.core:
        lines.append(f"    {say(lang, 'assumptions:', '假设:')} {', '.join(f.core)}")
    for cid in ri.clauses_of(f):
        text = ri.clause_text(cid)
        if text:
            lines.append(f"    {cid}: {excerpt(text)}")
    lines += witness_lines(ri, f, colour, lang)
    lines.append(f"    {say(lang, 'readings:', '解读:')} {ri.readings_text(f, lang)}")
    return lines


def witness_lines(ri: ReportInput, f, colour: bool = False, lang: str = "both") -> list[str]:
    """``fact = value`` lines (relevant facts away from their neutral value), the
    witness reading, and counts of the facts at their neutral value / not relevant."""
    if f.witness is None:
        return []
    shown, hidden = ri.witness_split(f)
    lines = [f"    {say(lang, 'witness:', '见证:')}"]
    for name, value in shown:
        label = ri.label(name)
        note = _paint(f"  # {label}", "dim", colour) if label and label != name else ""
        lines.append(f"      {name} = {value_text(value)}{note}")
    decisive = ri.decisive_readings(f)
    for name, value in decisive:
        lines.append(f"      {name} = {value_text(value)}  {say(lang, '(reading)', '(解读)')}")
    if not shown and not decisive:
        lines.append(f"      {say(lang, '(every relevant fact at its neutral value)', '(相关事实均取中性值)')}")
    rest = _rest_counts(ri, f, hidden, lang)
    if rest:
        lines.append(f"      ({rest})")
    return lines


def _rest_counts(ri: ReportInput, f, hidden: int, lang: str = "both") -> str:
    parts = []
    if hidden:
        parts.append(say(lang, f"{hidden} relevant facts at their neutral value", f"{hidden} 项相关事实取中性值"))
    if ri.not_relevant(f):
        parts.append(say(lang, f"{ri.not_relevant(f)} facts not relevant", f"{ri.not_relevant(f)} 项事实与此无关"))
    if ri.other_readings(f):
        parts.append(say(lang, f"{ri.other_readings(f)} interpretations: any reading",
                         f"{ri.other_readings(f)} 项解释:任一读法"))
    return say(lang, "; ", ";").join(parts)


def witness_inline(ri: ReportInput, f, lang: str = "both") -> str:
    """The witness on one line: ``a = true, b = 3 (reading c = false)``."""
    shown, _ = ri.witness_split(f)
    parts = [f"{n} = {value_text(v)}" for n, v in shown]
    parts += [f"{n} = {value_text(v)} {say(lang, '(reading)', '(解读)')}" for n, v in ri.decisive_readings(f)]
    return ", ".join(parts) or say(lang, "every relevant fact at its neutral value", "相关事实均取中性值")


def _detail(f, lang: str) -> str | None:
    args = dict(f.args)
    return args.get("detail_zh") or args.get("detail") if lang == "zh" else args.get("detail")


def compact_parts(ri: ReportInput, f, lang: str = "both") -> list[tuple[str, str]]:
    """The body of a compact finding as (label, text) pairs: what it is about (rules and
    clauses), its witness on one line, the A414 witness pair, its readings."""
    parts = []
    about = [*f.rule_ids, *ri.clauses_of(f, related=False)]
    if about:
        parts.append((say(lang, "about", "涉及"), ", ".join(dict.fromkeys(about))))
    if f.witness is not None:
        parts.append((say(lang, "witness", "见证"), witness_inline(ri, f, lang)))
    detail = _detail(f, lang)
    if detail and f.code == "A414":
        parts.append((say(lang, "same facts, two readings", "同一事实,两种读法"), detail))
    parts.append((say(lang, "readings", "解读"), ri.readings_text(f, lang)))
    return parts


def compact_lines(ri: ReportInput, f, lang: str = "both", colour: bool = False) -> list[str]:
    """A finding in three lines or so: head, rules and clauses, witness, readings."""
    loc = ri.location(f)
    where = f"{loc.file}:{loc.line}: " if has_location(loc) else ""
    lines = [f"  {where}{_paint(f.severity, f.severity, colour)}[{f.code}] {message_text(f, lang)}"]
    lines += [f"    {label}: {text}" for label, text in compact_parts(ri, f, lang)]
    return lines


def _ids(ids, limit: int = 8) -> str:
    ids = list(ids)
    return ", ".join(ids[:limit]) + (f", … ({len(ids)} in all)" if len(ids) > limit else "")


def _ids_zh(ids, limit: int = 8) -> str:
    ids = list(ids)
    return "、".join(ids[:limit]) + (f"…(共 {len(ids)} 项)" if len(ids) > limit else "")


_DEONTIC_ZH = (("must not ", "不得 "), ("must ", "应当 "), ("may ", "可以 "))


def _about(g, lang: str) -> str:
    """What a group shares, in the run's language (``may 予以容错`` → ``可以 予以容错``)."""
    about = g.about or ""
    if lang == "zh":
        for en, zh in _DEONTIC_ZH:
            if about.startswith(en):
                return zh + about[len(en):]
    return about


def group_line(ri: ReportInput, g, lang: str = "both") -> str:
    """One line for a group of findings (or a single note)."""
    return f"  {group_text(ri, g, lang)}"


def group_text(ri: ReportInput, g, lang: str = "both") -> str:
    """What a group of findings (or a single note) is, on one line: ``[CODE] …``."""
    n, f = len(g.members), g.first
    if g.code == "A403" and n > 1:
        en = f"{n} overlaps of rules concluding {g.about}: they agree ({_ids(g.rule_ids)})"
        zh = f"结论同为「{_about(g, lang)}」的规则有 {n} 对可同时适用,结论一致"
    elif g.code == "A402" and n > 1:
        en = f"{n} overlaps resolved by the priority {g.about} ({_ids(g.rule_ids)})"
        zh = f"{n} 对重叠由优先关系 {g.about} 解决"
    elif n > 1:
        subjects = _ids((x.subject or ", ".join(x.rule_ids)) + ("" if ri.holds_always(x) else "*")
                        for x in g.members)
        title_en, title_zh = _GROUP_TITLES.get(g.code, (f.name, lookup(g.code).title_zh))
        partial = any(not ri.holds_always(x) for x in g.members)
        en = f"{n} {title_en}: {subjects}" + ("; * only under some readings" if partial else "")
        zh = f"{n} 项{title_zh}"
        if lang == "zh":
            zh += ":" + _ids_zh((x.subject or "、".join(x.rule_ids)) + ("" if ri.holds_always(x) else "*")
                                 for x in g.members)
        zh += ";* 仅在部分解读下" if partial else ""
    else:
        return f"[{f.code}] {message_text(f, lang)}{_when(ri, f, lang)}"
    if lang == "zh" and g.code in ("A402", "A403"):
        zh += f"({_ids_zh(g.rule_ids)})"
    text = en if lang == "en" else zh if lang == "zh" else f"{en} / {zh}"
    return f"[{g.code}] {text}"


def _when(ri: ReportInput, f, lang: str = "both") -> str:
    return "" if ri.holds_always(f) else f" ({ri.readings_text(f, lang)})"


_GROUP_TITLES = {"A405": ("left to the decision-maker's discretion", "由决定者裁量"),
                 "A410": ("properties proven", "命题成立"),
                 "A414": ("interpretations that change outcomes", "解读会改变结论"),
                 "A415": ("interpretations that change no outcome", "解读不改变任何结论")}


def member_line(ri: ReportInput, f, lang: str = "both") -> str:
    """A group member on one line (shown under its group with ``--expand``, and always
    in the review tier)."""
    return f"      {member_text(ri, f, lang)}"


def member_text(ri: ReportInput, f, lang: str = "both") -> str:
    """A group member on one line: its rules (or subject), detail, witness, readings."""
    what = " × ".join(f.rule_ids) or f.subject or ""
    detail = _detail(f, lang)
    witness = f": {witness_inline(ri, f, lang)}" if f.witness is not None else ""
    return f"{what}{f' — {detail}' if detail else ''}{witness}{_when(ri, f, lang)}"


def tier_title(tier: str, lang: str = "both") -> str:
    """The heading of a tier in the chosen language (``both``: Chinese / English)."""
    en, zh = TIER_TITLES[tier]
    return en if lang == "en" else zh if lang == "zh" else f"{zh} / {en}"


def entries(groups, tier: str):
    """How a tier shows its groups, the same in every format: ``("full", finding)`` for a
    lone finding to act on, ``("compact", finding)`` for a lone one to review, else
    ``("group", group)`` — one line, its members listed when expanded (always in the
    review tier)."""
    for g in groups:
        if tier != REST and len(g.members) == 1:
            yield ("full" if tier == ACT else "compact"), g.first
        else:
            yield "group", g


def tally_text(t, lang: str = "both") -> str:
    """The property tally in the chosen language (``both``: Chinese, then English)."""
    return t.text() if lang == "en" else t.text_zh() if lang == "zh" else f"{t.text_zh()}\n{t.text()}"


def tier_lines(ri: ReportInput, tier: str, groups, lang: str, colour: bool, expand: bool) -> list[str]:
    """The heading of a tier and its entries."""
    count = sum(len(g.members) for g in groups)
    lines = [_paint(f"{tier_title(tier, lang)} ({count})", "clause", colour)]
    for kind, x in entries(groups, tier):
        if kind == "full":
            lines += finding_lines(ri, x, lang, colour)
        elif kind == "compact":
            lines += compact_lines(ri, x, lang, colour)
        else:
            lines.append(group_line(ri, x, lang))
            if (expand or tier == REVIEW) and len(x.members) > 1:
                lines += [member_line(ri, f, lang) for f in x.members]
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
        out.append(tally_text(tally_properties(ri.findings, ri.policy.properties), lang))
    out.append(summary_line(ri, len(groups), lang))
    return "\n".join(out) + "\n"


def summary_line(ri: ReportInput, entries: int | None = None, lang: str = "both") -> str:
    c = ri.counts()
    grouped = entries is not None and entries != len(ri.findings)
    if lang == "zh":
        shown = f"({entries} 个条目)" if grouped else ""
        return (f"{len(ri.findings)} 项发现{shown},{len(ri.diagnostics)} 条诊断:"
                f"{c['error']} 个错误,{c['warning']} 个警告,{c['info']} 条提示")
    shown = f" in {entries} entries" if grouped else ""
    return (f"{len(ri.findings)} findings{shown}, {len(ri.diagnostics)} diagnostics: "
            f"{c['error']} errors, {c['warning']} warnings, {c['info']} notes")
