"""Rendering a Diff: text, JSON, Markdown (an "impact of this amendment" page) and SARIF.

Every format is deterministic: no times, no temporary paths, stable orders.
"""
from __future__ import annotations

import json

from ..diagnostics.codes import lookup
from ..model.nodes import DECIDE, TERM, Deontic
from ..printer import print_expr
from ..printer.printer import name
from .report import CHANGED, GAINED, LOST, NEW_ONLY, OLD_ONLY, SAME, Diff, Witness

FORMATS = ("text", "json", "markdown", "sarif")
_DIRECTION = {LOST: ("held before, no longer holds", "原先成立,修改后不再成立"),
              GAINED: ("did not hold before, now holds", "原先不成立,修改后成立"),
              OLD_ONLY: ("admissible before, no longer admissible", "原先可能的情形,修改后不再可能"),
              NEW_ONLY: ("not admissible before, now admissible", "原先不可能的情形,修改后成为可能")}


def atom_text(atom, lang: str = "zh") -> str:
    """An outcome atom in the policy language: ``T``, ``可以 X``, ``D = x``."""
    if atom.kind == TERM:
        return name(atom.target)
    if atom.kind == DECIDE:
        return f"{name(atom.target)} = {name(atom.value)}"
    return print_expr(Deontic(atom.kind, atom.target), lang)


def _value(v) -> str:
    return "true" if v is True else "false" if v is False else str(v)


# the prose of the text and Markdown reports, in the run's language (``--lang``)
_WORDS = {
    "default": ("every fact at its default", "各事实均取默认值"),
    "defined": ("by its definition", "由其定义"),
    "no rule": ("no rule concluding it applies", "没有得出它的规则适用"),
    "nothing": ("nothing", "无"),
    "inconsistent": ("warning: the {side} version's assumptions admit no case",
                     "警告:{side}版本的假设不容许任何情形"),
    "old": ("old", "修改前"), "new": ("new", "修改后"),
    "summary": ("outcomes: {n} compared, {changed} changed, {same} proven unchanged",
                "结论:比较 {n} 项,{changed} 项改变,{same} 项经证明不变"),
    "admissibility": ("ADMISSIBILITY: cases {what}", "可受理的情形:{what}"),
    "removed": (" (removed outcome)", "(删除的结论)"), "added": (" (new outcome)", "(新增的结论)"),
    "changed": ("CHANGED", "改变"), "unknown": ("UNKNOWN", "未能判定"),
    "solver": ("solver", "求解器"), "definition": ("definition", "定义"),
    "or": ("or ", "或 "), "eg": ("e.g.", "例如"),
    "bounded": ("or … (more cases; the list is bounded)", "或 …(还有更多情形;列表有上限)"),
    "ruling": ("ruling: {old} -> {new} on a case knowing only {facts}",
               "裁定:仅知 {facts} 的案例,{old} -> {new}"),
    "same": ("proven unchanged ({n}): {list}", "经证明不变({n} 项):{list}"),
    "more": ("… ({n} in all; every one in --format json)", "…(共 {n} 项;完整列表见 --format json)"),
    "findings": ("findings: {i} introduced, {r} resolved, {u} unchanged",
                 "发现:新增 {i} 项,消除 {r} 项,未变 {u} 项"),
    "introduced": ("introduced", "新增"), "resolved": ("resolved", "消除"),
    "newly refuted": ("properties newly refuted", "新近不成立的命题"),
    "newly proven": ("properties newly proven", "新近成立的命题"),
}
_SIDE = {"old": ("old", "修改前"), "new": ("new", "修改后")}
_CHANGE_ZH = {"added": "新增", "removed": "删除", "changed": "修改"}
_KIND_ZH = {"fact": "事实", "interpretation": "解释", "term": "术语", "action": "行为", "decision": "决定项",
            "assumption": "假设", "rule": "规则", "group": "规则组", "priority": "优先关系",
            "discretion": "裁量", "property": "命题"}


def _declaration(d, lang: str) -> str:
    """One textual change: "changed rule R-X4 (…)" / "修改 规则 R-X4(…)"."""
    if lang != "zh":
        return f"{d.change} {d.kind} {d.name}" + (f" ({d.detail})" if d.detail else "")
    return (f"{_CHANGE_ZH.get(d.change, d.change)} {_KIND_ZH.get(d.kind, d.kind)} {d.name}"
            + (f"({d.detail})" if d.detail else ""))


def _w(lang: str, key: str, **args) -> str:
    en, zh = _WORDS[key]
    return (zh if lang == "zh" else en).format(**args)


def _case_text(w: Witness, lang: str = "zh") -> str:
    parts = [f"{name(n)} = {_value(v)}" for n, v in w.case if n in w.nondefault]
    parts += [f"{name(n)} = {_value(v)}" for n, v in w.readings if v]
    return ", ".join(parts) or _w(lang, "default")


def _uses(uses, defined: bool = False, lang: str = "zh") -> str:
    if defined:
        return _w(lang, "defined")
    if not uses:
        return _w(lang, "no rule")
    out = []
    for u in uses:
        cites = f" [{', '.join(u.clauses)}]" if u.clauses else ""
        if lang != "zh":
            out.append(f"{u.rule}{cites} {u.status}" + (f" by {', '.join(u.by)}" if u.by else ""))
        else:
            out.append(f"{u.rule}{cites} " + (f"被 {'、'.join(u.by)} 推翻" if u.by else
                                              "被推翻" if u.status == "defeated" else "生效"))
    return "; ".join(out)


def render(diff: Diff, fmt: str = "text", lang: str = "zh") -> str:
    return {"text": render_text, "json": render_json, "markdown": render_markdown,
            "sarif": render_sarif}[fmt](diff, lang)


# ---------------------------------------------------------------- text
SAME_SHOWN = 12        # outcomes proven unchanged named in the text (all of them in JSON)


def render_text(diff: Diff, lang: str = "zh") -> str:
    zh = lang == "zh"
    lines = [f"diff {diff.old_label} -> {diff.new_label}"]
    for side in diff.inconsistent:
        lines.append(_w(lang, "inconsistent", side=_SIDE.get(side, (side, side))[zh]))
    changed = diff.changed_outcomes
    lines.append(_w(lang, "summary", n=len(diff.outcomes), changed=len(changed),
                    same=sum(o.status == SAME for o in diff.outcomes)))
    lines += [f"  {_declaration(d, lang)}" for d in diff.declarations]
    for a in diff.admissibility:
        if a.status != SAME:
            lines.append("\n" + _w(lang, "admissibility", what=_DIRECTION[a.side][zh]))
            lines += _condition_text(a.expressions, a.complete, a.witnesses, lang, None)
    for o in changed:
        where = {OLD_ONLY: _w(lang, "removed"), NEW_ONLY: _w(lang, "added")}.get(o.presence, "")
        head = _w(lang, "changed") if o.status == CHANGED else _w(lang, "unknown") if zh else o.status.upper()
        lines.append(f"\n{head} {atom_text(o.atom, lang)}{where}")
        if o.reason:
            lines.append(f"  {_w(lang, 'solver')}: {o.reason}")
        if o.old_definition != o.new_definition:
            lines.append(f"  {_w(lang, 'definition')}: {o.old_definition} -> {o.new_definition}")
        for c in o.changes:
            lines.append(f"  {_DIRECTION[c.direction][1]},当" if zh else
                         f"  {c.direction}: {_DIRECTION[c.direction][0]}, when")
            lines += _condition_text(c.expressions, c.complete, c.witnesses, lang, o)
            lines += ["  " + _w(lang, "ruling", old=r.old_verdict, new=r.new_verdict,
                                facts=_facts_text(r.facts, lang)) for r in c.rulings]
    same = [atom_text(o.atom, lang) for o in diff.outcomes if o.status == SAME]
    if same:
        shown = ("、" if zh else ", ").join(same[:SAME_SHOWN])
        if len(same) > SAME_SHOWN:
            shown += ("" if zh else " ") + _w(lang, "more", n=len(same))
        lines.append("\n" + _w(lang, "same", n=len(same), list=shown))
    lines += _findings_text(diff, lang)
    return "\n".join(lines) + "\n"


def _condition_text(exprs, complete, witnesses, lang, o) -> list[str]:
    lines = []
    for i, e in enumerate(exprs):
        lines.append(f"    {_w(lang, 'or') if i else '   '}{print_expr(e, lang)}")
        if i >= len(witnesses):
            continue
        w = witnesses[i]
        lines.append(f"        {_w(lang, 'eg')} {_case_text(w, lang)}")
        if o is not None:
            lines.append(f"        {_w(lang, 'old')}: {_uses(w.old_rules, o.old_definition is not None, lang)}")
            lines.append(f"        {_w(lang, 'new')}: {_uses(w.new_rules, o.new_definition is not None, lang)}")
    if not complete:
        lines.append("    " + _w(lang, "bounded"))
    return lines


def _facts_text(facts, lang: str = "zh") -> str:
    return ", ".join(f"{name(n)} = {_value(v)}" for n, v in facts) or _w(lang, "nothing")


def _findings_text(diff: Diff, lang: str = "zh") -> list[str]:
    f = diff.findings
    if not f.ran:
        return []
    lines = ["\n" + _w(lang, "findings", i=len(f.introduced), r=len(f.resolved), u=len(f.unchanged))]
    for tag, items in (("introduced", f.introduced), ("resolved", f.resolved)):
        for x in items:
            lines.append(f"  {_w(lang, tag)} {x.severity}[{x.code}] {x.message(lang)} ({x.fingerprint})")
    for tag, items in (("newly refuted", f.newly_refuted), ("newly proven", f.newly_proven)):
        if items:
            lines.append(f"  {_w(lang, tag)}: {', '.join(items)}")
    return lines


# ---------------------------------------------------------------- json
def _witness_json(w: Witness) -> dict:
    def uses(us):
        return [{"rule": u.rule, "status": u.status, "clauses": list(u.clauses),
                 "defeated_by": list(u.by), "file": u.file, "line": u.line} for u in us]
    return {"case": dict(w.case), "readings": dict(w.readings), "changed_facts": list(w.nondefault),
            "old": w.old_value, "new": w.new_value, "old_rules": uses(w.old_rules),
            "new_rules": uses(w.new_rules)}


def _finding_json(f) -> dict:
    return {"code": f.code, "name": f.name, "severity": f.severity, "fingerprint": f.fingerprint,
            "rules": list(f.rule_ids), "subject": f.subject, "message": f.message("en"),
            "message_zh": f.message("zh")}


def as_dict(diff: Diff, lang: str = "zh") -> dict:
    def cond(exprs, cubes, complete, witnesses):
        return {"condition": print_expr(_or(exprs), lang) if exprs else None,
                "cubes": [print_expr(e, lang) for e in exprs], "complete": complete,
                "raw_cubes": [[list(x) for x in c] for c in cubes],
                "witnesses": [_witness_json(w) for w in witnesses]}
    outcomes = []
    for o in diff.outcomes:
        d = {"outcome": atom_text(o.atom, lang), "kind": o.atom.kind, "target": o.atom.target,
             "value": o.atom.value, "presence": o.presence, "status": o.status}
        if o.status == CHANGED:
            d["changes"] = [{"direction": c.direction,
                             **cond(c.expressions, c.condition, c.complete, c.witnesses),
                             **({"rulings": [{"old": r.old_verdict, "new": r.new_verdict,
                                              "facts": dict(r.facts), "readings": dict(r.readings)}
                                             for r in c.rulings]} if c.rulings else {})}
                            for c in o.changes]
        if o.reason:
            d["reason"] = o.reason
        outcomes.append(d)
    f = diff.findings
    return {
        "version": 1, "old": diff.old_label, "new": diff.new_label,
        "changed": diff.changed, "exit_code": diff.exit_code(),
        "inconsistent": list(diff.inconsistent),
        "declarations": [{"kind": d.kind, "name": d.name, "change": d.change, "detail": d.detail}
                         for d in diff.declarations],
        "admissibility": [{"side": a.side, "status": a.status,
                           **cond(a.expressions, a.condition, a.complete, a.witnesses)}
                          for a in diff.admissibility],
        "outcomes": outcomes,
        "findings": None if not f.ran else {
            "introduced": [_finding_json(x) for x in f.introduced],
            "resolved": [_finding_json(x) for x in f.resolved],
            "unchanged": [_finding_json(x) for x in f.unchanged],
            "newly_refuted": list(f.newly_refuted), "newly_proven": list(f.newly_proven)},
    }


def _or(exprs):
    from ..model.nodes import Or
    return exprs[0] if len(exprs) == 1 else Or(tuple(exprs))


def render_json(diff: Diff, lang: str = "zh") -> str:
    return json.dumps(as_dict(diff, lang), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# ---------------------------------------------------------------- markdown
def _md(text: str) -> str:
    return text.replace("|", "\\|")


_MD = {
    "title": ("Impact of this amendment", "本次修改的影响"),
    "comparing": ("Comparing `{old}` (before) with `{new}` (after).", "比较 `{old}`(修改前)与 `{new}`(修改后)。"),
    "compared": ("outcomes compared", "比较的结论"), "n changed": ("outcomes changed", "改变的结论"),
    "n same": ("outcomes proven unchanged", "经证明不变的结论"),
    "admissible": ("admissible cases changed", "可受理的情形有变化"), "yes": ("yes", "是"), "no": ("no", "否"),
    "n findings": ("findings introduced / resolved / unchanged", "发现:新增 / 消除 / 未变"),
    "verdict": ("Verdict: **{what}** (exit code {code}).", "结论:**{what}**(退出码 {code})。"),
    "changes": ("outcomes change", "有结论改变"), "no change": ("no outcome changes", "没有结论改变"),
    "text": ("What changed in the text", "文本改了什么"),
    "columns": ("| change | kind | name | detail |", "| 改动 | 种类 | 名称 | 详情 |"),
    "cases": ("Cases {what}", "情形:{what}"), "outcomes": ("Outcomes that change", "改变的结论"),
    "removed": (" (outcome removed)", "(删除的结论)"), "added": (" (new outcome)", "(新增的结论)"),
    "undecided": ("The solver could not decide: {reason}.", "求解器未能判定:{reason}。"),
    "before def": ("Definition before: `{d}`  ", "修改前的定义:`{d}`  "),
    "after def": ("Definition after: `{d}`", "修改后的定义:`{d}`"),
    "when": ("**{text}** when:", "**{text}**,当:"),
    "ruling": ("Ruling on a case that knows only {facts}: **{old} → {new}**.\n",
               "仅知 {facts} 的案例,裁定:**{old} → {new}**。\n"),
    "same": ("Outcomes proven unchanged", "经证明不变的结论"),
    "same why": ("In every case admissible under both versions these are decided the same way:",
                 "在两个版本下都可受理的每一种情形中,以下结论的判定相同:"),
    "example": ("example", "例如"), "before": ("before", "修改前"), "after": ("after", "修改后"),
    "further": ("… and further cases (the list is bounded)", "……还有更多情形(列表有上限)"),
    "findings": ("Findings", "发现"),
    "f columns": ("| | severity | code | message | fingerprint |", "| | 严重程度 | 代码 | 说明 | 指纹 |"),
    "none": ("No finding introduced or resolved.", "没有新增或消除的发现。"),
    "unchanged": ("{n} findings unchanged.", "{n} 项发现未变。"),
    "newly refuted": ("Properties newly refuted", "新近不成立的命题"),
    "newly proven": ("Properties newly proven", "新近成立的命题"),
}


def _m(lang: str, key: str, **args) -> str:
    en, zh = _MD[key]
    return (zh if lang == "zh" else en).format(**args)


def render_markdown(diff: Diff, lang: str = "zh", title: str | None = None) -> str:
    zh = lang == "zh"
    changed = diff.changed_outcomes
    admissible = any(a.status != SAME for a in diff.admissibility)
    out = [f"# {title or _m(lang, 'title')}", "",
           _m(lang, "comparing", old=diff.old_label, new=diff.new_label), "",
           "| | |", "|---|---|",
           f"| {_m(lang, 'compared')} | {len(diff.outcomes)} |",
           f"| {_m(lang, 'n changed')} | {len(changed)} |",
           f"| {_m(lang, 'n same')} | {sum(o.status == SAME for o in diff.outcomes)} |",
           f"| {_m(lang, 'admissible')} | {_m(lang, 'yes' if admissible else 'no')} |"]
    if diff.findings.ran:
        f = diff.findings
        out += [f"| {_m(lang, 'n findings')} | {len(f.introduced)} / {len(f.resolved)} / {len(f.unchanged)} |"]
    out += ["", _m(lang, "verdict", what=_m(lang, "changes" if diff.changed else "no change"),
                   code=diff.exit_code()), ""]
    if diff.declarations:
        out += [f"## {_m(lang, 'text')}", "", _m(lang, "columns"), "|---|---|---|---|"]
        out += [f"| {_CHANGE_ZH.get(d.change, d.change) if zh else d.change} | "
                f"{_KIND_ZH.get(d.kind, d.kind) if zh else d.kind} | {_md(d.name)} | {_md(d.detail)} |"
                for d in diff.declarations]
        out.append("")
    for a in diff.admissibility:
        if a.status != SAME:
            out += [f"## {_m(lang, 'cases', what=_DIRECTION[a.side][zh])}", ""]
            out += _md_condition(a.expressions, a.complete, a.witnesses, lang, None)
    if changed:
        out += [f"## {_m(lang, 'outcomes')}", ""]
    for o in changed:
        where = {OLD_ONLY: _m(lang, "removed"), NEW_ONLY: _m(lang, "added")}.get(o.presence, "")
        out += [f"### `{atom_text(o.atom, lang)}`{where}", ""]
        if o.reason:
            out += [_m(lang, "undecided", reason=o.reason), ""]
        if o.old_definition != o.new_definition:
            out += [_m(lang, "before def", d=o.old_definition), _m(lang, "after def", d=o.new_definition), ""]
        for c in o.changes:
            out += [_m(lang, "when", text=_DIRECTION[c.direction][zh]), ""]
            out += _md_condition(c.expressions, c.complete, c.witnesses, lang, o)
            out += [_m(lang, "ruling", facts=_facts_text(r.facts, lang), old=r.old_verdict, new=r.new_verdict)
                    for r in c.rulings]
    same = [f"`{atom_text(o.atom, lang)}`" for o in diff.outcomes if o.status == SAME]
    if same:
        out += [f"## {_m(lang, 'same')}", "", _m(lang, "same why"), "", ", ".join(same), ""]
    out += _md_findings(diff, lang)
    return "\n".join(out).rstrip() + "\n"


def _md_condition(exprs, complete, witnesses, lang, o) -> list[str]:
    out = []
    for i, e in enumerate(exprs, 1):
        if i > len(witnesses):
            out.append(f"{i}. `{print_expr(e, lang)}`")
            continue
        w = witnesses[i - 1]
        out.append(f"{i}. `{print_expr(e, lang)}`  ")
        out.append(f"   {_m(lang, 'example')}: {_case_text(w, lang)}" + ("  " if o is not None else ""))
        if o is not None:
            out.append(f"   {_m(lang, 'before')}: {_uses(w.old_rules, o.old_definition is not None, lang)}  ")
            out.append(f"   {_m(lang, 'after')}: {_uses(w.new_rules, o.new_definition is not None, lang)}")
    if not complete:
        out.append(f"{len(exprs) + 1}. {_m(lang, 'further')}")
    return out + [""]


def _md_findings(diff: Diff, lang: str = "zh") -> list[str]:
    f = diff.findings
    if not f.ran:
        return []
    out = [f"## {_m(lang, 'findings')}", ""]
    rows = [("introduced", x) for x in f.introduced] + [("resolved", x) for x in f.resolved]
    if rows:
        out += [_m(lang, "f columns"), "|---|---|---|---|---|"]
        out += [f"| {_w(lang, tag)} | {x.severity} | {x.code} | {_md(x.message(lang))} | `{x.fingerprint}` |"
                for tag, x in rows]
    else:
        out.append(_m(lang, "none"))
    out.append("")
    out.append(_m(lang, "unchanged", n=len(f.unchanged)))
    for tag, items in (("newly refuted", f.newly_refuted), ("newly proven", f.newly_proven)):
        if items:
            out += ["", f"{_m(lang, tag)}: " + ", ".join(f"`{p}`" for p in items)]
    return out + [""]


# ---------------------------------------------------------------- sarif
# rule ids and names come from the code registry (verifier.diagnostics.codes, D6xx)
SARIF_RULES = tuple((code, lookup(code).name, text) for code, text in (
    ("D600", "An outcome is decided differently after the change"),
    ("D601", "The set of admissible cases changed"),
    ("D602", "The solver could not compare an outcome")))


def render_sarif(diff: Diff, lang: str = "zh") -> str:
    results, rule_ids = [], {r[0] for r in SARIF_RULES}
    extra_rules = {}
    for o in diff.changed_outcomes:
        code = "D600" if o.status == CHANGED else "D602"
        dirs = ", ".join(c.direction for c in o.changes)
        msg = f"{atom_text(o.atom, lang)}: {o.status} ({dirs or o.reason})"
        for c in o.changes[:1]:
            if c.expressions:
                msg += f" when {print_expr(c.expressions[0], lang)}"
        results.append(_result(code, "warning", msg, *o.location))
    for a in diff.admissibility:
        if a.status != SAME:
            results.append(_result("D601", "warning", f"cases {_DIRECTION[a.side][0]}", "", 0))
    for x in diff.findings.introduced if diff.findings.ran else ():
        extra_rules[x.code] = x.name
        level = {"error": "error", "warning": "warning"}.get(x.severity, "note")
        results.append(_result(x.code, level, x.message("en"), x.span.file, x.span.line,
                               x.fingerprint))
    rules = [{"id": c, "name": n, "shortDescription": {"text": t}} for c, n, t in SARIF_RULES]
    rules += [{"id": c, "name": n} for c, n in sorted(extra_rules.items()) if c not in rule_ids]
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "verifier-diff", "rules": rules}},
                     "results": results}]}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _result(code, level, message, file, line, fingerprint=None) -> dict:
    r = {"ruleId": code, "level": level, "message": {"text": message}}
    if file:
        r["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": file},
                                                "region": {"startLine": max(line, 1)}}}]
    if fingerprint:
        r["partialFingerprints"] = {"verifier/v1": fingerprint}
    return r
