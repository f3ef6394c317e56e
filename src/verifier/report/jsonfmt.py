"""Findings as JSON: the versioned schema ``verifier/findings`` (docs/output-format.md)."""
from __future__ import annotations

import json

from .. import __version__
from ..analysis.groups import group_findings, tally_properties, tier_of
from ..diagnostics.codes import lookup
from .base import ReportInput, diagnostic_fingerprint, has_location, prepare, rel_path

SCHEMA, VERSION = "verifier/findings", 2


def _location(span) -> dict | None:
    if not has_location(span):
        return None
    return {"file": span.file, "line": span.line, "column": span.column,
            "end_line": span.end_line or span.line, "end_column": span.end_column or span.column}


def _rule(ri: ReportInput, ref) -> dict:
    return {"id": ref.id, "clauses": list(ref.clauses), "location": _location(ref.span),
            "conclusion": ri.conclusion(ref.id) or None}


def _reading(reading) -> dict:
    return {name: value for name, value in reading}


def witness_json(ri: ReportInput, f) -> dict | None:
    """The witness's relevant facts (the finding's cone), ``{fact: value}``."""
    return None if f.witness is None else {n: v for n, v in ri.witness_relevant(f)}


def finding_json(ri: ReportInput, f, group=None) -> dict:
    """One finding as a JSON object (see docs/output-format.md, "finding")."""
    return {
        "group": group.id if group is not None else None,
        "tier": group.tier if group is not None else tier_of(f),
        "witness_not_relevant": ri.not_relevant(f),
        "code": f.code, "name": f.name, "severity": f.severity,
        "message": f.message("en"), "message_zh": f.message("zh"),
        "fingerprint": f.fingerprint, "subject": f.subject, "args": dict(f.args),
        "location": _location(ri.location(f)),
        "rules": [_rule(ri, r) for r in f.rules],
        "related": [_rule(ri, r) for r in f.related],
        "clauses": list(ri.clauses_of(f)),
        "core": list(f.core),
        "witness": witness_json(ri, f),
        "witness_reading": _reading(f.witness_reading),
        "readings": ri.readings_summary(f),
    }


def diagnostic_json(d) -> dict:
    """One load diagnostic (V-codes and others) as a JSON object."""
    return {"code": d.code, "name": d.name, "severity": d.severity,
            "message": d.message("en"), "message_zh": d.message("zh"),
            "hint": d.hint_in("en") if d.hint else None, "hint_zh": d.hint_in("zh") if d.hint else None,
            "fingerprint": diagnostic_fingerprint(d), "args": dict(d.args),
            "location": _location(d.span)}


def group_json(ri: ReportInput, g) -> dict:
    """A group of findings shown as one entry: its members' fingerprints, in order."""
    return {"id": g.id, "code": g.code, "tier": g.tier, "about": g.about,
            "severity": g.severity, "rules": list(g.rule_ids),
            "members": [f.fingerprint for f in g.members]}


def _tally(ri: ReportInput) -> dict | None:
    if ri.policy is None or not ri.policy.properties or not ri.findings:
        return None
    t = tally_properties(ri.findings, ri.policy.properties)
    return {"total": t.total, "proven_every_reading": list(t.proven_all),
            "refuted_some_readings": list(t.refuted_some), "refuted_every_reading": list(t.refuted_all),
            "undecided": list(t.undecided), "vacuous": list(t.vacuous)}


def payload(ri: ReportInput) -> dict:
    """The whole document as a dict (before serialisation)."""
    groups = group_findings(ri.findings, ri.policy)
    of = {f.fingerprint: g for g in groups for f in g.members}
    codes: dict[str, int] = {}
    for x in (*ri.findings, *ri.diagnostics):
        codes[x.code] = codes.get(x.code, 0) + 1
    return {
        "schema": SCHEMA, "version": VERSION,
        "tool": {"name": "verifier", "version": __version__},
        "documents": [{"id": d.id, "title": d.title, "file": rel_path(d.span.file) if has_location(d.span) else None}
                      for d in ri.documents],
        "readings": ri.readings_overview(),
        "diagnostics": [diagnostic_json(d) for d in ri.diagnostics],
        "findings": [finding_json(ri, f, of[f.fingerprint]) for f in ri.findings],
        "groups": [group_json(ri, g) for g in groups],
        "summary": {"counts": ri.counts(), "codes": codes, "loaded": ri.policy is not None,
                    "properties": _tally(ri)},
        "codes": {c: {"name": lookup(c).name, "severity": lookup(c).severity} for c in sorted(codes)},
    }


def render_json(result, loaded=None, colour: bool = False) -> str:
    """The ``verifier/findings`` v1 JSON document (``colour`` is ignored)."""
    ri = prepare(result, loaded)
    return json.dumps(payload(ri), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
