"""Rulings as text, Markdown or JSON, in Chinese or English; deterministic (everything sorted)."""
from __future__ import annotations

import json

from ..diagnostics.render import as_json
from ..model import TERM
from ..printer.printer import print_expr
from .model import DEPENDS, DISCRETION, OPEN, PROVEN, REFUTED, Ruling, Verdict, outcome_text

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
    if isinstance(v, bool):
        return WORDS[lang]["true" if v else "false"]
    return str(v)


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
                      "status": o.status, "by_reading": [_verdict_json(v) for v in o.verdicts]}
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
    if v.status == OPEN and v.holds_in is not None:
        out["holds_in"], out["fails_in"] = dict(v.holds_in), dict(v.fails_in)
        out["investigate"] = [list(s) for s in v.investigate]
    if v.status == DISCRETION:
        out["makers"], out["discretions"] = list(v.makers), list(v.discretions)
    return out


def render_json(ruling: Ruling, policy, indent: int | None = 2) -> str:
    return json.dumps(ruling_to_json(ruling, policy), ensure_ascii=False, indent=indent, sort_keys=True)


# ------------------------------------------------------------------ reasoning

def reasoning(v: Verdict, policy, lang: str) -> list[str]:
    """The proof as a short chain: facts, readings, assumptions, rules (feeding rules first)."""
    w = WORDS[lang]
    lines = []
    prem = v.proof.premises
    for kind, item in prem:
        if kind == "fact":
            lines.append(f"{w['fact']} {item[0]} = {_value(item[1], lang)}")
        elif kind == "reading":
            interp = policy.interpretations[item[0]]
            text = interp.if_true if item[1] else interp.if_false
            lines.append(f"{w['reading']} {item[0]} = {_value(item[1], lang)}「{text}」")
    assumptions = {a.name: a for a in policy.assumptions}
    for kind, item in prem:
        if kind == "assumption":
            a = assumptions[item]
            lines.append(f"{w['assumption']} {item}: {print_expr(a.expr, lang)}{_cites(a.meta.cites, policy, lang)}")
    rules = [policy.rules[i] for k, i in prem if k == "rule"]
    for r in sorted(rules, key=lambda r: (r.conclusion.kind != TERM, r.id)):
        body = f"{w['if']} {print_expr(r.condition, lang)}"
        if r.unless is not None:
            body += f" {w['unless']} {print_expr(r.unless, lang)}"
        body += f" {w['then']} {_conclusion(r.conclusion, lang)}"
        lines.append(f"{w['rule']} {r.id}: {body}{_cites(r.meta.cites, policy, lang)}")
    if not prem:
        lines.append(w["definition"])
    o = outcome_text(v.outcome, lang)
    lines.append("⇒ " + (w["so_holds"] if v.status == PROVEN else w["so_fails"]).format(o=o))
    return lines


def _conclusion(c, lang: str) -> str:
    return outcome_text((c.kind, c.target, c.value), lang)


def _cites(cites, policy, lang: str) -> str:
    if not cites:
        return ""
    quoted = []
    for c in cites:
        clause = policy.clauses.get(c)
        quoted.append(f"{c}「{_short(clause.text)}」" if clause else c)
    return f" ({WORDS[lang]['cites']} " + "; ".join(quoted) + ")"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------ text and Markdown

def _groups(o_ruling) -> list[tuple[list, Verdict]]:
    """Readings that share one verdict (same status and proof) are shown together."""
    groups: list[tuple[list, Verdict]] = []
    key = lambda v: (v.status, v.proof.certificate if v.proof else None, v.investigate,  # noqa: E731
                     v.makers, v.holds_in, v.fails_in, v.example)
    for v in o_ruling.verdicts:
        for readings, first in groups:
            if key(first) == key(v):
                readings.append(v.reading)
                break
        else:
            groups.append(([v.reading], v))
    return groups


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


def _verdict_body(v: Verdict, policy, lang: str, cert_dir: str | None, case) -> list[str]:
    w = WORDS[lang]
    if v.status in (PROVEN, REFUTED) and v.proof:
        lines = [f"{w['because']}:"] + [f"  {i}. {s}" for i, s in enumerate(reasoning(v, policy, lang), 1)]
        if v.proof.certificate:
            lines.append(f"{w['certificate']} {v.proof.certificate} (z3: {v.proof.z3}, cvc5: {v.proof.cvc5})")
        return lines
    if v.status == DISCRETION:
        who = "、".join(v.makers) if lang == "zh" else ", ".join(v.makers)
        text = w["maker"].format(m=who) if v.makers else w["no_maker"]
        ids = f" [{', '.join(v.discretions)}]" if v.discretions else ""
        return [text + ids]
    if v.status == OPEN and v.holds_in is not None:
        fails = dict(v.fails_in)
        relevant = {n for n, x in v.holds_in if fails.get(n) != x}    # where the two differ
        show = lambda items: ", ".join(f"{n} = {_value(x, lang)}" for n, x in items if n in relevant)  # noqa: E731
        example = ""
        if v.example:
            example = f" ({w['under']} " + ", ".join(f"{n} = {_value(x, lang)}" for n, x in v.example) + ")"
        lines = [w["open_why"] + example + ":",
                 f"  {w['holds_in']}: {show(v.holds_in) or '—'}",
                 f"  {w['fails_in']}: {show(v.fails_in) or '—'}"]
        if v.investigate:
            sets = " / ".join("{" + ", ".join(s[:12]) + (f", … (+{len(s) - 12})" if len(s) > 12 else "") + "}"
                              for s in v.investigate)
            lines.append(f"{w['investigate']}: {sets}")
        return lines
    return []


def render_text(ruling: Ruling, policy, lang: str = "zh", cert_dir: str | None = None) -> str:
    w, s = WORDS[lang], STATUS[lang]
    case = ruling.case
    out = [f"{w['ruling']}: {case.key} ({case.source})"]
    if case.description:
        out.append(case.description)
    out.append(f"{w['facts']}:")
    out += [f"  {n} = {_value(v, lang)}" for n, v in case.facts] or [f"  {w['none']}"]
    out += _readings_lines(ruling, policy, lang)
    if not ruling.admissible:
        out.append(f"{w['inadmissible']}:")
        out += [f"  [{d.code}] {d.message(lang)}" + (f" — {d.hint}" if d.hint else "") for d in ruling.diagnostics]
        return "\n".join(out) + "\n"
    out.append(f"{w['verdicts']}:")
    for o in ruling.outcomes:
        out.append(f"  [{s[o.status]}] {outcome_text(o.outcome, lang)}")
        every = [v.reading for v in o.verdicts]
        for readings, v in _groups(o):
            indent = "      "
            if len(readings) < len(every):
                out.append(f"    {w['under']} {describe_readings(readings, every, lang)}: {s[v.status]}")
            out += [indent + line for line in _verdict_body(v, policy, lang, cert_dir, case)]
    for d in ruling.diagnostics:
        out.append(f"[{d.code}] {d.message(lang)}" + (f" — {d.hint}" if d.hint else ""))
    return "\n".join(out) + "\n"


def _readings_lines(ruling: Ruling, policy, lang: str) -> list[str]:
    w = WORDS[lang]
    if not policy.interpretations:
        return []
    given = dict(ruling.case.readings)
    lines = [f"{w['readings']}:"]
    for name in sorted(policy.interpretations):
        lines.append(f"  {name} = " + (_value(given[name], lang) if name in given else w["both"]))
    if ruling.excluded:
        every = list(ruling.readings) + [r for r, _ in ruling.excluded]
        lines.append(f"  {w['excluded']}: {describe_readings([r for r, _ in ruling.excluded], every, lang)}")
    return lines


def render_markdown(ruling: Ruling, policy, lang: str = "zh", cert_dir: str | None = None) -> str:
    w, s = WORDS[lang], STATUS[lang]
    case = ruling.case
    docs = ", ".join(f"{d.id}《{d.title}》" if d.title else d.id for d in sorted(policy.documents, key=lambda d: d.id))
    out = [f"# {w['ruling']}: {case.key}", "", f"- {w['case']}: `{case.source}`", f"- Policy: {docs}"]
    if case.description:
        out += ["", case.description]
    out += ["", f"## {w['facts']}", ""]
    if case.facts:
        out += ["| fact | value |", "|---|---|"] + [f"| {n} | {_value(v, lang)} |" for n, v in case.facts]
    else:
        out.append(w["none"])
    readings = _readings_lines(ruling, policy, lang)
    if readings:
        out += ["", f"## {w['readings']}", ""] + [f"- {line.strip()}" for line in readings[1:]]
    if not ruling.admissible:
        out += ["", f"## {w['inadmissible']}", ""]
        out += [f"- **{d.code}** {d.message(lang)}" + (f" — {d.hint}" if d.hint else "") for d in ruling.diagnostics]
        return "\n".join(out) + "\n"
    out += ["", f"## {w['verdicts']}", "", "| outcome | verdict |", "|---|---|"]
    out += [f"| {outcome_text(o.outcome, lang)} | {s[o.status]} |" for o in ruling.outcomes]
    certs = []
    for o in ruling.outcomes:
        out += ["", f"### {outcome_text(o.outcome, lang)} — {s[o.status]}", ""]
        every = [v.reading for v in o.verdicts]
        for readings, v in _groups(o):
            if len(readings) < len(every):
                out += [f"*{w['under']} {describe_readings(readings, every, lang)}*: **{s[v.status]}**", ""]
            for line in _verdict_body(v, policy, lang, cert_dir, case):
                out.append(line if line.startswith("  ") else f"{line}")
            out.append("")
            if v.proof and v.proof.certificate:
                certs.append((v.proof.certificate, outcome_text(o.outcome, lang), v.proof))
    if certs:
        folder = cert_dir or "CERTDIR"
        out += [f"## {w['certificate']}", "", "| hash | outcome | z3 | cvc5 |", "|---|---|---|---|"]
        unique = {(h, t): p for h, t, p in certs}
        out += [f"| `{h}` | {t} | {p.z3} | {p.cvc5} |" for (h, t), p in sorted(unique.items())]
        out += ["", f"{w['recheck']}:", "", "```sh",
                f"python -m verifier.certificates {folder}/*.smt2",
                f"cvc5 {folder}/{sorted(certs)[0][0]}.smt2   # each file: expect unsat", "```"]
    if ruling.diagnostics:
        out += ["", "## Diagnostics", ""]
        out += [f"- **{d.code}** {d.message(lang)}" + (f" — {d.hint}" if d.hint else "") for d in ruling.diagnostics]
    return "\n".join(out) + "\n"
