"""Findings and load diagnostics as SARIF 2.1.0 (one run; rules from the code registry)."""
from __future__ import annotations

import json
from urllib.parse import quote

from .. import __version__
from ..diagnostics.codes import REGISTRY
from .base import ReportInput, diagnostic_fingerprint, has_location, prepare
from .jsonfmt import witness_json

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "verifier/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    """A relative path as a URI reference (``/`` kept, other reserved characters escaped)."""
    return quote(path, safe="/")


def driver_rules() -> list[dict]:
    """Every registry code as a SARIF reportingDescriptor, in code order."""
    out = []
    for code in sorted(REGISTRY):
        c = REGISTRY[code]
        out.append({
            "id": c.code, "name": c.name,
            "shortDescription": {"text": c.en},
            "fullDescription": {"text": f"{c.en} / {c.zh}"},
            "defaultConfiguration": {"level": LEVELS[c.severity]},
            "properties": {"severity": c.severity, "message_zh": c.zh},
        })
    return out


def _physical(span) -> dict:
    region = {"startLine": span.line, "startColumn": max(span.column, 1)}
    if span.end_line:
        region["endLine"] = span.end_line
        if span.end_column:
            region["endColumn"] = span.end_column
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(span.file)}, "region": region}}


def _locations(span) -> list[dict]:
    return [_physical(span)] if has_location(span) else []


def _related(refs) -> list[dict]:
    out = []
    for i, r in enumerate(refs):
        if has_location(r.span):
            loc = _physical(r.span)
            loc["id"] = i
            loc["message"] = {"text": f"rule {r.id}" + (f" ({', '.join(r.clauses)})" if r.clauses else "")}
            out.append(loc)
    return out


def _finding(ri: ReportInput, f, index: dict[str, int]) -> dict:
    result = {
        "ruleId": f.code, "ruleIndex": index[f.code], "level": LEVELS[f.severity],
        "message": {"text": f"{f.message('en')} / {f.message('zh')}"},
        "locations": _locations(ri.location(f)),
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {
            "rules": [r.id for r in f.rules], "related": [r.id for r in f.related],
            "clauses": list(ri.clauses_of(f)), "subject": f.subject, "core": list(f.core),
            "witness": witness_json(ri, f), "witness_not_relevant": ri.not_relevant(f),
            "witness_reading": {n: v for n, v in f.witness_reading},
            "readings": ri.readings_summary(f),
        },
    }
    related = _related((*f.rules, *f.related))
    if related:
        result["relatedLocations"] = related
    return result


def _diagnostic(d, index: dict[str, int]) -> dict:
    props = {"args": dict(d.args)}
    if d.hint:
        props["hint"], props["hint_zh"] = d.hint_in("en"), d.hint_in("zh")
    return {
        "ruleId": d.code, "ruleIndex": index[d.code], "level": LEVELS[d.severity],
        "message": {"text": f"{d.message('en')} / {d.message('zh')}"},
        "locations": _locations(d.span),
        "partialFingerprints": {FINGERPRINT_KEY: diagnostic_fingerprint(d)},
        "properties": props,
    }


def sarif_log(ri: ReportInput) -> dict:
    """The SARIF log as a dict: diagnostics first, then findings."""
    rules = driver_rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = [_diagnostic(d, index) for d in ri.diagnostics]
    results += [_finding(ri, f, index) for f in ri.findings]
    return {
        "$schema": SARIF_SCHEMA, "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {"name": "verifier", "version": __version__,
                                "semanticVersion": __version__, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render_sarif(result, loaded=None, colour: bool = False) -> str:
    """A SARIF 2.1.0 log (``colour`` is ignored)."""
    return json.dumps(sarif_log(prepare(result, loaded)), ensure_ascii=False, indent=2,
                      sort_keys=True) + "\n"
