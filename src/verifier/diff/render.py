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


def _case_text(w: Witness) -> str:
    parts = [f"{name(n)} = {_value(v)}" for n, v in w.case if n in w.nondefault]
    parts += [f"{name(n)} = {_value(v)}" for n, v in w.readings if v]
    return ", ".join(parts) or "every fact at its default"


def _uses(uses, defined: bool = False) -> str:
    if defined:
        return "by its definition"
    if not uses:
        return "no rule concluding it applies"
    out = []
    for u in uses:
        cites = f" [{', '.join(u.clauses)}]" if u.clauses else ""
        by = f" by {', '.join(u.by)}" if u.by else ""
        out.append(f"{u.rule}{cites} {u.status}{by}")
    return "; ".join(out)


def render(diff: Diff, fmt: str = "text", lang: str = "zh") -> str:
    return {"text": render_text, "json": render_json, "markdown": render_markdown,
            "sarif": render_sarif}[fmt](diff, lang)


# ---------------------------------------------------------------- text
def render_text(diff: Diff, lang: str = "zh") -> str:
    lines = [f"diff {diff.old_label} -> {diff.new_label}"]
    for side in diff.inconsistent:
        lines.append(f"warning: the {side} version's assumptions admit no case")
    changed = diff.changed_outcomes
    lines.append(f"outcomes: {len(diff.outcomes)} compared, {len(changed)} changed, "
                 f"{sum(o.status == SAME for o in diff.outcomes)} proven unchanged")
    for d in diff.declarations:
        detail = f" ({d.detail})" if d.detail else ""
        lines.append(f"  {d.change} {d.kind} {d.name}{detail}")
    for a in diff.admissibility:
        if a.status != SAME:
            lines.append(f"\nADMISSIBILITY: cases {_DIRECTION[a.side][0]}")
            lines += _condition_text(a.expressions, a.complete, a.witnesses, lang, None)
    for o in changed:
        where = {OLD_ONLY: " (removed outcome)", NEW_ONLY: " (new outcome)"}.get(o.presence, "")
        lines.append(f"\n{o.status.upper()} {atom_text(o.atom, lang)}{where}")
        if o.reason:
            lines.append(f"  solver: {o.reason}")
        if o.old_definition != o.new_definition:
            lines.append(f"  definition: {o.old_definition} -> {o.new_definition}")
        for c in o.changes:
            lines.append(f"  {c.direction}: {_DIRECTION[c.direction][0]}, when")
            lines += _condition_text(c.expressions, c.complete, c.witnesses, lang, o)
            lines += [f"  ruling: {r.old_verdict} -> {r.new_verdict} on a case knowing only "
                      f"{_facts_text(r.facts)}" for r in c.rulings]
    same = [atom_text(o.atom, lang) for o in diff.outcomes if o.status == SAME]
    if same:
        lines.append("\nproven unchanged: " + ", ".join(same))
    lines += _findings_text(diff)
    return "\n".join(lines) + "\n"


def _condition_text(exprs, complete, witnesses, lang, o) -> list[str]:
    lines = []
    for i, e in enumerate(exprs):
        lines.append(f"    {'or ' if i else '   '}{print_expr(e, lang)}")
        if i >= len(witnesses):
            continue
        w = witnesses[i]
        lines.append(f"        e.g. {_case_text(w)}")
        if o is not None:
            lines.append(f"        old: {_uses(w.old_rules, o.old_definition is not None)}")
            lines.append(f"        new: {_uses(w.new_rules, o.new_definition is not None)}")
    if not complete:
        lines.append("    or … (more cases; the list is bounded)")
    return lines


def _facts_text(facts) -> str:
    return ", ".join(f"{name(n)} = {_value(v)}" for n, v in facts) or "nothing"


def _findings_text(diff: Diff) -> list[str]:
    f = diff.findings
    if not f.ran:
        return []
    lines = [f"\nfindings: {len(f.introduced)} introduced, {len(f.resolved)} resolved, "
             f"{len(f.unchanged)} unchanged"]
    for tag, items in (("introduced", f.introduced), ("resolved", f.resolved)):
        for x in items:
            lines.append(f"  {tag} {x.severity}[{x.code}] {x.message('en')} ({x.fingerprint})")
    for tag, items in (("newly refuted", f.newly_refuted), ("newly proven", f.newly_proven)):
        if items:
            lines.append(f"  properties {tag}: {', '.join(items)}")
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


def render_markdown(diff: Diff, lang: str = "zh", title: str | None = None) -> str:
    changed = diff.changed_outcomes
    out = [f"# {title or 'Impact of this amendment'}", "",
           f"Comparing `{diff.old_label}` (before) with `{diff.new_label}` (after).", "",
           "| | |", "|---|---|",
           f"| outcomes compared | {len(diff.outcomes)} |",
           f"| outcomes changed | {len(changed)} |",
           f"| outcomes proven unchanged | {sum(o.status == SAME for o in diff.outcomes)} |",
           f"| admissible cases changed | {'yes' if any(a.status != SAME for a in diff.admissibility) else 'no'} |"]
    if diff.findings.ran:
        f = diff.findings
        out += [f"| findings introduced / resolved / unchanged | {len(f.introduced)} / "
                f"{len(f.resolved)} / {len(f.unchanged)} |"]
    out += ["", f"Verdict: **{'outcomes change' if diff.changed else 'no outcome changes'}**"
            f" (exit code {diff.exit_code()}).", ""]
    if diff.declarations:
        out += ["## What changed in the text", "", "| change | kind | name | detail |",
                "|---|---|---|---|"]
        out += [f"| {d.change} | {d.kind} | {_md(d.name)} | {_md(d.detail)} |"
                for d in diff.declarations]
        out.append("")
    for a in diff.admissibility:
        if a.status != SAME:
            out += [f"## Cases {_DIRECTION[a.side][0]}", ""]
            out += _md_condition(a.expressions, a.complete, a.witnesses, lang, None)
    if changed:
        out += ["## Outcomes that change", ""]
    for o in changed:
        where = {OLD_ONLY: " (outcome removed)", NEW_ONLY: " (new outcome)"}.get(o.presence, "")
        out += [f"### `{atom_text(o.atom, lang)}`{where}", ""]
        if o.reason:
            out += [f"The solver could not decide: {o.reason}.", ""]
        if o.old_definition != o.new_definition:
            out += [f"Definition before: `{o.old_definition}`  ", f"Definition after: `{o.new_definition}`", ""]
        for c in o.changes:
            en, zh = _DIRECTION[c.direction]
            out += [f"**{en}** ({zh}) when:", ""]
            out += _md_condition(c.expressions, c.complete, c.witnesses, lang, o)
            out += [f"Ruling on a case that knows only {_facts_text(r.facts)}: "
                    f"**{r.old_verdict} → {r.new_verdict}**.\n" for r in c.rulings]
    same = [f"`{atom_text(o.atom, lang)}`" for o in diff.outcomes if o.status == SAME]
    if same:
        out += ["## Outcomes proven unchanged", "",
                "In every case admissible under both versions these are decided the same way:", "",
                ", ".join(same), ""]
    out += _md_findings(diff)
    return "\n".join(out).rstrip() + "\n"


def _md_condition(exprs, complete, witnesses, lang, o) -> list[str]:
    out = []
    for i, e in enumerate(exprs, 1):
        if i > len(witnesses):
            out.append(f"{i}. `{print_expr(e, lang)}`")
            continue
        w = witnesses[i - 1]
        out.append(f"{i}. `{print_expr(e, lang)}`  ")
        out.append(f"   example: {_case_text(w)}" + ("  " if o is not None else ""))
        if o is not None:
            out.append(f"   before: {_uses(w.old_rules, o.old_definition is not None)}  ")
            out.append(f"   after: {_uses(w.new_rules, o.new_definition is not None)}")
    if not complete:
        out.append(f"{len(exprs) + 1}. … and further cases (the list is bounded)")
    return out + [""]


def _md_findings(diff: Diff) -> list[str]:
    f = diff.findings
    if not f.ran:
        return []
    out = ["## Findings", ""]
    rows = [("introduced", x) for x in f.introduced] + [("resolved", x) for x in f.resolved]
    if rows:
        out += ["| | severity | code | message | fingerprint |", "|---|---|---|---|---|"]
        out += [f"| {tag} | {x.severity} | {x.code} | {_md(x.message('en'))} | `{x.fingerprint}` |"
                for tag, x in rows]
    else:
        out.append("No finding introduced or resolved.")
    out.append("")
    out.append(f"{len(f.unchanged)} findings unchanged.")
    for tag, items in (("Properties newly refuted", f.newly_refuted),
                       ("Properties newly proven", f.newly_proven)):
        if items:
            out += ["", f"{tag}: " + ", ".join(f"`{p}`" for p in items)]
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
