"""Rulings as text, Markdown or JSON, in Chinese or English; deterministic (everything sorted)."""
from __future__ import annotations

import json

from ..diagnostics.render import as_json
from ..model import DECIDE, MAY, MUST, MUST_NOT
from .model import DEPENDS, DISCRETION, OPEN, PROVEN, REFUTED, Ruling, Verdict, outcome_text
from .readings import cover
from .words import fact_text, label, sentence, value_text

STATUS = {
    "zh": {PROVEN: "成立", REFUTED: "不成立", OPEN: "未定", DISCRETION: "裁量", DEPENDS: "因解释而异"},
    "en": {PROVEN: "PROVEN", REFUTED: "REFUTED", OPEN: "OPEN", DISCRETION: "DISCRETION",
           DEPENDS: "DEPENDS ON READING"},
}
WORDS = {
    "zh": {"ruling": "裁定", "case": "案例", "facts": "已知事实", "none": "(无)", "readings": "解释",
           "both": "未指定,两种解释均已考虑", "verdicts": "结论", "because": "理由", "fact": "事实",
           "assumption": "假设", "rule": "规则", "reading": "解释", "so_holds": "所以在所有可能情形下 {o} 成立",
           "so_fails": "所以在所有可能情形下 {o} 不成立", "definition": "依定义即可得出(没有规则得出该结论)",
           "holds_in": "成立的情形", "fails_in": "不成立的情形", "investigate": "下一步调查(RC-PR2 调查)",
           "decided_by": "知道以下事实即可判定", "maker": "由 {m} 裁量决定", "no_maker": "文本允许但不要求,未指定决定者",
           "certificate": "证书", "recheck": "复核命令", "excluded": "被排除的解释", "open_why": "已知事实不足以判定",
           "if": "如果", "unless": "除非", "then": "那么", "under": "在解释", "cites": "依据",
           "inadmissible": "案例事实与假设矛盾", "true": "为真", "false": "为假", "unknown": "未知"},
    "en": {"ruling": "Ruling", "case": "Case", "facts": "Facts as given", "none": "(none)", "readings": "Readings",
           "both": "not fixed; both readings considered", "verdicts": "Verdicts", "because": "because",
           "fact": "fact", "assumption": "assumption", "rule": "rule", "reading": "reading",
           "so_holds": "so {o} holds in every admissible completion",
           "so_fails": "so {o} fails in every admissible completion",
           "definition": "by definition (no rule concludes it)", "holds_in": "holds in",
           "fails_in": "fails in", "investigate": "what to investigate next (RC-PR2 调查)",
           "decided_by": "knowing these facts decides it", "maker": "left to {m}",
           "no_maker": "the text permits but does not require it; no decision-maker is named",
           "certificate": "certificate", "recheck": "re-check", "excluded": "excluded readings",
           "open_why": "the known facts do not decide it", "if": "if", "unless": "unless", "then": "then",
           "under": "under", "cites": "cites", "inadmissible": "the facts contradict the assumptions",
           "true": "true", "false": "false", "unknown": "unknown"},
}


def _value(v, lang: str) -> str:
    return value_text(v, lang)


def _reading_text(reading, lang: str) -> str:
    return ", ".join(f"{n} = {_value(v, lang)}" for n, v in reading)


# ------------------------------------------------------------------ JSON

def ruling_to_json(ruling: Ruling, policy) -> dict:
    """The ruling as plain data (keys sorted when dumped)."""
    case = ruling.case
    return {
        "version": 1,
        "case": {"key": case.key, "source": case.source, "description": case.description,
                 "facts": dict(case.facts), "readings": dict(case.readings)},
        "documents": sorted(d.id for d in policy.documents),
        "admissible": ruling.admissible,
        "readings": [dict(r) for r in ruling.readings],
        "excluded_readings": [{"reading": dict(r), "because": _premises_json(core)} for r, core in ruling.excluded],
        "verdicts": [{"outcome": outcome_text(o.outcome, "zh"), "outcome_en": outcome_text(o.outcome, "en"),
                      "kind": o.outcome[0], "target": o.outcome[1], "value": o.outcome[2],
                      "status": o.status, "depends_on": list(o.depends_on),
                      "by_reading": [_verdict_json(v) for v in o.verdicts]}
                     for o in ruling.outcomes],
        "diagnostics": [as_json(d) for d in ruling.diagnostics],
    }


def _premises_json(premises) -> dict:
    return {"rules": [i for k, i in premises if k == "rule"],
            "assumptions": [i for k, i in premises if k == "assumption"],
            "facts": {n: v for k, (n, v) in ((k, i) for k, i in premises if k == "fact")},
            "readings": {n: v for k, (n, v) in ((k, i) for k, i in premises if k == "reading")}}


def _verdict_json(v: Verdict) -> dict:
    out: dict = {"reading": dict(v.reading), "status": v.status}
    if v.proof:
        out["proof"] = {**_premises_json(v.proof.premises), "z3": v.proof.z3, "cvc5": v.proof.cvc5,
                        "certificate": v.proof.certificate}
    if v.reasons is not None:
        out["deciding_rules"] = list(v.reasons.deciding)
        out["defeated"] = [{"rule": low, "by": high} for low, high in v.reasons.defeated]
        out["priorities"] = [f"{p.higher} > {p.lower}" for p in v.reasons.priorities]
        out["not_applicable"] = list(v.reasons.inapplicable)
    if v.silent:
        out["silent"] = True
    if v.questions:
        out["questions"] = [{"fact": q.fact, "decisive": q.decisive,
                             "answers": [{"value": a.value, "status": a.statuses[0] if len(a.statuses) == 1
                                          else list(a.statuses), "clauses": list(a.clauses)} for a in q.answers]}
                            for q in v.questions]
    if v.status == OPEN and v.holds_in is not None:
        out["holds_in"], out["fails_in"] = dict(v.holds_in), dict(v.fails_in)
        out["investigate"] = [list(s) for s in v.investigate]
    if v.status == DISCRETION:
        out["makers"], out["discretions"] = list(v.makers), list(v.discretions)
    return out


def render_json(ruling: Ruling, policy, indent: int | None = 2) -> str:
    return json.dumps(ruling_to_json(ruling, policy), ensure_ascii=False, indent=indent, sort_keys=True)


# ------------------------------------------------------------------ text and Markdown
#
# A ruling opens with its bottom line — one row per outcome: verdict, the interpretations
# it depends on, the deciding clauses — then warnings, then one paragraph per outcome in
# words, then the clauses quoted once each.

LABELS = {
    "zh": {PROVEN: "成立", REFUTED: "不成立", OPEN: "未定", DISCRETION: "裁量", DEPENDS: "因解释而异",
           "silent": "文本未规定", "bottom": "结论一览", "outcome": "结果", "verdict": "结论",
           "depends": "取决于的解释", "clauses": "依据条款", "warnings": "警告", "details": "详情",
           "quoted": "所引条款原文", "facts": "已知事实", "readings": "解释", "fixed": "已指定",
           "open_readings": "{n} 项解释未指定;只列出改变结论的解释",
           "because": "理由", "known": "已知", "rule": "规定", "outranks": "依优先级「{p}」({c}),它胜过同样适用的 {r}",
           "not_applied": "另有 {n} 条规则在本案中不适用(--explain-all 列出)",
           "none_apply": "能得出这一结果的 {n} 条规则在本案中均不适用(--explain-all 列出)", "not_applied_list": "不适用的规则",
           "by_definition": "文本没有任何条款得出这一结果", "cert": "证书", "open": "已知事实不足以判定。应先查明(最具决定性者在前):",
           "still_open": "仍未定", "no_question": "没有单个事实能改变结论;需同时查明:", "impossible": "",
           "maker": "由 {m} 裁量决定", "no_maker": "文本允许但未指定决定者", "silent_text": "文本既未允许也未禁止",
           "under": "若", "otherwise": "其余解释下", "more": "其余结果(共 {n} 项)未列出:用 --all 查看,或用 --ask 指定",
           "inadmissible": "案例事实与假设矛盾", "none": "(无)", "recheck": "复核",
           "for": "在解释 {r} 下"},
    "en": {PROVEN: "PROVEN", REFUTED: "REFUTED", OPEN: "OPEN", DISCRETION: "DISCRETION",
           DEPENDS: "DEPENDS ON READING", "silent": "SILENT", "bottom": "Bottom line", "outcome": "outcome",
           "verdict": "verdict", "depends": "depends on", "clauses": "clauses", "warnings": "Warnings",
           "details": "Details", "quoted": "Clauses cited", "facts": "Facts as given", "readings": "Readings",
           "fixed": "fixed", "open_readings": "{n} interpretations open; only those that change a verdict are named",
           "because": "because", "known": "known", "rule": "provides",
           "outranks": "by the priority 「{p}」 ({c}) it outranks {r}, which also applies",
           "not_applied": "{n} more rules did not apply (--explain-all lists them)",
           "none_apply": "none of the {n} rules that could lead to it applies (--explain-all lists them)",
           "not_applied_list": "rules that did not apply", "by_definition": "no clause of the text leads to it",
           "cert": "certificate", "open": "The known facts do not decide it. Find out first (most decisive first):",
           "still_open": "still open", "no_question": "no single fact changes it; find out together:",
           "impossible": "", "maker": "left to {m}", "no_maker": "permitted; no decision-maker is named",
           "silent_text": "the text neither permits nor forbids it", "under": "if",
           "otherwise": "under the other readings",
           "more": "{n} more outcomes not shown: --all shows them, --ask names one",
           "inadmissible": "the facts contradict the assumptions", "none": "(none)", "recheck": "re-check",
           "for": "under {r}"},
}


def describe_readings(group: list, every: list, lang: str = "zh") -> str:
    """A short description of the readings in ``group`` among ``every`` (the admissible ones):
    only the interpretations needed to tell the group apart are named."""
    if not group or not every:
        return ""
    inside = {tuple(r) for r in group}
    names = [n for n, _ in every[0]]
    keep = list(names)
    for name in names:
        trial = [n for n in keep if n != name]
        project = lambda r: tuple(x for x in r if x[0] in trial)  # noqa: E731
        mine = {project(r) for r in inside}
        if not any(project(r) in mine for r in every if tuple(r) not in inside):
            keep = trial
    shown = sorted({tuple(x for x in r if x[0] in keep) for r in inside})
    return " | ".join(", ".join(f"{n} = {_value(v, lang)}" for n, v in r) for r in shown)


def _colon(lang: str) -> str:
    return ":" if lang == "zh" else ": "


def _status_word(v_or_status, lang: str) -> str:
    L = LABELS[lang]
    if isinstance(v_or_status, Verdict):
        if v_or_status.silent:
            return L["silent"]
        return L[v_or_status.status]
    return L[v_or_status]


def _row_status(o, lang: str) -> str:
    words = sorted({_status_word(v, lang) for v in o.verdicts})
    return words[0] if len(words) == 1 else LABELS[lang][DEPENDS]


def deciding_clauses(verdicts, policy) -> list[str]:
    """The clauses a ruling's bottom line lists for these verdicts of one outcome: those of
    the deciding rules, and for a DISCRETION those of the 裁量 declarations behind it."""
    out: list[str] = []
    for v in verdicts:
        if v.reasons is not None:
            out += v.reasons.clauses(policy)
        if v.status == DISCRETION:
            out += [c for d in policy.discretions if d.id in v.discretions for c in d.meta.cites]
    return list(dict.fromkeys(out))


def _width(text: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _reading_words(reading, policy, lang: str) -> str:
    return ", ".join(f"{n} = {_value(v, lang)}" for n, v in reading)


def bottom_line(ruling: Ruling, policy, lang: str) -> list[str]:
    """The table: outcome, verdict, readings it depends on, deciding clauses."""
    L = LABELS[lang]
    rows = [(L["outcome"], L["verdict"], L["depends"], L["clauses"])]
    for o in ruling.outcomes:
        rows.append((outcome_text(o.outcome, lang), _row_status(o, lang), ", ".join(o.depends_on) or "—",
                     ", ".join(deciding_clauses(o.verdicts, policy)[:6]) or "—"))
    return _table(rows)


def _table(rows: list[tuple]) -> list[str]:
    """Rows of four columns, the first three padded to their width in terminal cells."""
    widths = [max(_width(r[i]) for r in rows) for i in range(3)]
    return ["  " + "  ".join(_pad(c, widths[i]) if i < 3 else c for i, c in enumerate(r)).rstrip() for r in rows]


def _after_table(ruling: Ruling, lang: str, hidden: int) -> list[str]:
    """How to see the outcomes left out, then the warnings (C508, C509, …)."""
    L = LABELS[lang]
    out = ["  " + L["more"].format(n=hidden)] if hidden else []
    if ruling.diagnostics:
        out += ["", f"{L['warnings']}:"]
        out += [f"  ⚠ [{d.code}] {d.message(lang)}" + (f" — {d.hint_in(lang)}" if d.hint else "") for d in ruling.diagnostics]
    return out


def _verdict_lines(v: Verdict, policy, lang: str, explain_all: bool, cited: list) -> list[str]:
    L = LABELS[lang]
    if v.status in (PROVEN, REFUTED) and v.proof is not None:
        return _proof_lines(v, policy, lang, explain_all, cited)
    if v.status == DISCRETION:
        sep = "、" if lang == "zh" else ", "
        ds = [d for d in policy.discretions if d.id in v.discretions]
        cited += [c for d in ds for c in d.meta.cites]
        text = L["maker"].format(m=sep.join(v.makers)) if v.makers else L["no_maker"]
        clauses = sorted({c for d in ds for c in d.meta.cites})
        lines = [text + (f"({', '.join(clauses)})" if clauses else "")]
        if v.proof is not None:         # 可以 X: the clauses that permit it
            lines += _proof_lines(v, policy, lang, explain_all, cited)
        return lines
    if v.status == OPEN:
        return _question_lines(v, policy, lang, cited)
    return []


def _proof_lines(v: Verdict, policy, lang: str, explain_all: bool, cited: list) -> list[str]:
    L = LABELS[lang]
    prem = v.proof.premises
    facts = [i for k, i in prem if k == "fact"]
    lines = []
    if v.silent:
        lines.append(L["silent_text"] + ("。" if lang == "zh" else "."))
    if facts:
        lines.append(f"{L['known']}{_colon(lang)}" + ("; " if lang == "en" else ";").join(
            fact_text(policy, n, x, lang) for n, x in facts))
    for n, x in (i for k, i in prem if k == "reading"):
        interp = policy.interpretations[n]
        lines.append(f"{L['readings']} {n} = {_value(x, lang)}{_colon(lang)}{interp.if_true if x else interp.if_false}")
    reasons = v.reasons
    shown = list(reasons.deciding) if reasons else [i for k, i in prem if k == "rule"]
    if explain_all and reasons:
        shown += list(reasons.inapplicable)
    for rid in shown:
        r = policy.rules[rid]
        cited += list(r.meta.cites)
        lines.append(f"{', '.join(r.meta.cites) or rid} {L['rule']}{_colon(lang)}{_rule_words(r, policy, lang)} [{rid}]")
    if reasons:
        for p in reasons.priorities:
            losers = sorted({low for low, high in reasons.defeated if _covers(policy, p, high, low)})
            cited += list(p.meta.cites)
            lines.append(L["outranks"].format(p=f"{p.higher} > {p.lower}", c=", ".join(p.meta.cites),
                                              r=", ".join(losers)))
        if not reasons.deciding and v.status == REFUTED:
            lines.append(L["none_apply"].format(n=len(reasons.inapplicable)))
        elif reasons.inapplicable and not explain_all:
            lines.append(L["not_applied"].format(n=len(reasons.inapplicable)))
    if not prem:
        lines.append(L["by_definition"])
    if v.proof.certificate:
        lines.append(f"{L['cert']} {v.proof.certificate[:16]} (z3: {v.proof.z3}, cvc5: {v.proof.cvc5})")
    return lines


def _covers(policy, p, high: str, low: str) -> bool:
    return high in policy.members(p.higher) and low in policy.members(p.lower)


def _rule_words(r, policy, lang: str) -> str:
    lead, then = ("若", ",则 ") if lang == "zh" else ("if ", ", then ")
    body = sentence(r.condition, policy, lang)
    if r.unless is not None:
        body += (",除非 " if lang == "zh" else ", unless ") + sentence(r.unless, policy, lang)
    c = r.conclusion
    return f"{lead}{body}{then}{outcome_text((c.kind, c.target, c.value), lang)}"


def _question_lines(v: Verdict, policy, lang: str, cited: list) -> list[str]:
    L = LABELS[lang]
    if not v.questions:
        return [L["open"].rstrip(":: ")]
    lines = [L["open"] if any(q.answers for q in v.questions) else L["no_question"]]
    for i, q in enumerate(v.questions, 1):
        head = f"  {i}. {q.fact}「{label(policy, q.fact, lang)}」"
        cites = policy.facts[q.fact].meta.cites
        head += f"({', '.join(cites[:3])})" if cites else ""
        parts = []
        for a in q.answers:
            st = a.statuses[0]
            word = L["still_open"] if st == OPEN else L[st]
            cited += list(a.clauses)
            parts.append(f"{_value(a.value, lang)} → {word}" + (f"({', '.join(a.clauses[:4])})" if a.clauses else ""))
        lines.append(head + (_colon(lang) + ("; " if lang == "en" else ";").join(parts) if parts else ""))
    return lines


def _outcome_block(o, policy, lang: str, explain_all: bool, cited: list, questions: bool = True) -> list[str]:
    """One outcome: its verdict per group of readings, in words."""
    L = LABELS[lang]
    out = [f"■ {outcome_text(o.outcome, lang)}{_colon(lang)}{_row_status(o, lang)}"]
    groups: list[tuple[str, list]] = []
    for v in o.verdicts:
        for status, members in groups:
            if status == _status_word(v, lang):
                members.append(v)
                break
        else:
            groups.append((_status_word(v, lang), [v]))
    names = set(o.depends_on)
    for status, members in groups:
        indent = "    "
        if len(groups) > 1:
            mine = [tuple(x for x in v.reading if x[0] in names) for v in members]
            rest = [tuple(x for x in v.reading if x[0] in names) for v in o.verdicts if v not in members]
            cubes = cover(mine, rest)
            when = (";" if lang == "zh" else "; or ").join(_reading_words(c, policy, lang) for c in cubes)
            out.append(f"  {L['under']} {when}{_colon(lang)}{status}")
            indent = "      "
        if members[0].status == OPEN and not questions:
            continue
        out += [indent + line for line in _verdict_lines(members[0], policy, lang, explain_all, cited)]
    return out


def _quotes(cited: list, policy, lang: str) -> list[str]:
    out = []
    for c in sorted(dict.fromkeys(cited)):
        clause = policy.clauses.get(c)
        if clause is not None:
            out.append(f"  {c}「{clause.text}」")
    return out


def ruling_lines(ruling: Ruling, policy, lang: str = "zh", explain_all: bool = False,
                 hidden: int = 0, summary: tuple | None = None) -> list[str]:
    """The ruling as lines of text (Markdown adds its headings around the same lines)."""
    L = LABELS[lang]
    case = ruling.case
    out = [f"{WORDS[lang]['ruling']}: {case.key} ({case.source})"]
    if case.description:
        out.append(case.description.strip())
    facts = ("; " if lang == "en" else ";").join(f"{n} = {_value(v, lang)}" for n, v in case.facts)
    out.append(f"{L['facts']}{_colon(lang)}{facts or L['none']}")
    given = dict(case.readings)
    open_n = len(set(policy.interpretations) - set(given))
    if given:
        out.append(f"{L['readings']}({L['fixed']}):" + _reading_words(sorted(given.items()), policy, lang))
    if open_n:
        out.append(L["open_readings"].format(n=open_n))
    if not ruling.admissible:
        out.append(f"{L['inadmissible']}:")
        out += [f"  [{d.code}] {d.message(lang)}" + (f" — {d.hint_in(lang)}" if d.hint else "") for d in ruling.diagnostics]
        return out
    if ruling.excluded:
        every = list(ruling.readings) + [r for r, _ in ruling.excluded]
        out.append(f"{WORDS[lang]['excluded']}: {describe_readings([r for r, _ in ruling.excluded], every, lang)}")
    if summary is not None:
        return out + [""] + summary_lines(ruling, policy, lang, summary[0], summary[1], explain_all, hidden)
    out += ["", f"{L['bottom']}:"] + bottom_line(ruling, policy, lang) + _after_table(ruling, lang, hidden)
    cited: list = []
    out += ["", f"{L['details']}:"]
    for o in ruling.outcomes:
        out += _outcome_block(o, policy, lang, explain_all, cited)
    quotes = _quotes(cited, policy, lang)
    if quotes:
        out += ["", f"{L['quoted']}:"] + quotes
    return out


def render_text(ruling: Ruling, policy, lang: str = "zh", cert_dir: str | None = None,
                explain_all: bool = False, hidden: int = 0, summary: tuple | None = None) -> str:
    """``summary``: (questions, goal outcomes) for a whole-document ruling (no --ask)."""
    return "\n".join(ruling_lines(ruling, policy, lang, explain_all, hidden, summary)) + "\n"


def render_markdown(ruling: Ruling, policy, lang: str = "zh", cert_dir: str | None = None,
                    explain_all: bool = False, hidden: int = 0, summary: tuple | None = None) -> str:
    lines = ruling_lines(ruling, policy, lang, explain_all, hidden, summary)
    out = [f"# {lines[0]}", ""]
    in_table = False
    for line in lines[1:]:
        if line.endswith(":") and not line.startswith(" "):
            out += ["", f"## {line[:-1]}", ""]
            in_table = line[:-1] == LABELS[lang]["bottom"]
            continue
        out.append(("    " + line) if in_table else line)
    folder = cert_dir or "CERTDIR"
    certs = sorted({v.proof.certificate for o in ruling.outcomes for v in o.verdicts
                    if v.proof and v.proof.certificate})
    if certs:
        out += ["", f"## {LABELS[lang]['recheck']}", ""] + [f"- `{h}`" for h in certs]
        out += ["", "```sh", f"python -m verifier.certificates {folder}/*.smt2", "```"]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ summary (no --ask)
#
# Without --ask a ruling covers whole documents: one row per decision and per action
# (应当 / 可以 / 不得 folded into one word), the actions on which the text says nothing in
# one line, the facts to find out for the open decisions, and details only for what is
# decided.

SUBJECT = {
    "zh": {"subject": "决定 / 行为", "duty": "应当", "forbidden": "不得", "may": "可以", "discretion": "可以(裁量)",
           "none_decision": "不作出(无适用条款)", "possible": "未定(可能:{x})", "quiet": "本案中文本未作规定的行为",
           "next": "下一步应查明(最具决定性者在前)", "no_change": "不改变结论", "then": "则"},
    "en": {"subject": "decision / action", "duty": "must", "forbidden": "must not", "may": "may",
           "discretion": "may (discretion)", "none_decision": "not made (no clause applies)",
           "possible": "OPEN (possibly {x})", "quiet": "actions on which the text says nothing in this case",
           "next": "Find out next (most decisive first)", "no_change": "changes nothing", "then": "then"},
}


def _subjects(ruling: Ruling) -> list[tuple[str, str, list]]:
    """(kind "decision"/"action", name, its outcome rulings) in first-seen order."""
    out: dict[tuple, list] = {}
    for o in ruling.outcomes:
        kind = "decision" if o.outcome[0] == DECIDE else "action"
        out.setdefault((kind, o.outcome[1]), []).append(o)
    return [(k, n, os) for (k, n), os in out.items()]


def _subject_word(kind: str, outcomes: list, lang: str, policy) -> str:
    L, S = LABELS[lang], SUBJECT[lang]
    status = {o.outcome: _row_status(o, lang) for o in outcomes}
    if L[DEPENDS] in status.values():
        return L[DEPENDS]
    if kind == "decision":
        proven = [o[2] for o, s in status.items() if s == L[PROVEN]]
        if proven:
            return f"= {proven[0]}"
        if all(s == L[DISCRETION] for s in status.values()):
            return L[DISCRETION]
        if all(s in (L[REFUTED], L["silent"]) for s in status.values()):
            return S["none_decision"]
        possible = [o[2] for o, s in status.items() if s not in (L[REFUTED], L["silent"])]
        return S["possible"].format(x=("、" if lang == "zh" else ", ").join(possible))
    by_kind = {o[0]: s for o, s in status.items()}
    if by_kind.get(MUST) == L[PROVEN]:
        return S["duty"]
    if by_kind.get(MUST_NOT) == L[PROVEN]:
        return S["forbidden"]
    if by_kind.get(MAY) == L[DISCRETION]:
        return S["discretion"]
    if by_kind.get(MAY) == L[PROVEN]:
        return S["may"]
    if all(s in (L[REFUTED], L["silent"]) for s in by_kind.values()):
        return ""
    return L[OPEN]


def summary_lines(ruling: Ruling, policy, lang: str, questions: list, goal: list,
                  explain_all: bool, hidden: int) -> list[str]:
    L, S = LABELS[lang], SUBJECT[lang]
    rows = [(S["subject"], L["verdict"], L["depends"], L["clauses"])]
    quiet, detail = [], []
    for kind, name, outcomes in _subjects(ruling):
        word = _subject_word(kind, outcomes, lang, policy)
        if not word:
            quiet.append(name)
            continue
        depends_on = sorted({n for o in outcomes for n in o.depends_on})
        clauses = list(dict.fromkeys(c for o in outcomes for c in deciding_clauses(o.verdicts, policy)))
        rows.append((name, word, ", ".join(depends_on) or "—", ", ".join(clauses[:6]) or "—"))
        detail += [o for o in outcomes if kind == "decision" or explain_all and _worth_detail(o, lang)]
    out = [f"{L['bottom']}:"] + _table(rows)
    if quiet:
        out.append(f"  {S['quiet']}:" + ("、" if lang == "zh" else ", ").join(quiet))
    out += _after_table(ruling, lang, hidden)
    cited: list = []
    if questions:
        out += ["", f"{S['next']}:"] + _aggregate_questions(questions, goal, policy, lang, cited)
    blocks = []
    for o in detail:
        block = _outcome_block(o, policy, lang, explain_all, cited, questions=False)
        if len(block) > 1:
            blocks += block
    if blocks:
        out += ["", f"{L['details']}:"] + blocks
    quotes = _quotes(cited, policy, lang)
    if quotes:
        out += ["", f"{L['quoted']}:"] + quotes
    return out


def _worth_detail(o, lang: str) -> bool:
    """An action outcome worth a paragraph: a duty, prohibition or discretion proven, or one
    that depends on the reading."""
    if o.status == DEPENDS:
        return True
    kind = o.outcome[0]
    return (o.status == PROVEN and kind in (MUST, MUST_NOT)) or (o.status == DISCRETION)


def _aggregate_questions(questions: list, goal: list, policy, lang: str, cited: list) -> list[str]:
    S, L = SUBJECT[lang], LABELS[lang]
    lines = []
    for i, q in enumerate(questions, 1):
        cites = policy.facts[q.fact].meta.cites
        lines.append(f"  {i}. {q.fact}「{label(policy, q.fact, lang)}」" + (f"({', '.join(cites[:3])})" if cites else ""))
        for a in q.answers:
            changed = [f"{outcome_text(o, lang)} {L[s]}" for o, s in zip(goal, a.statuses) if s != OPEN]
            cited += list(a.clauses)
            lines.append(f"     = {_value(a.value, lang)} {S['then']} " + ("; ".join(changed) or S["no_change"]))
    return lines
