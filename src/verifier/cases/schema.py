"""The JSON Schema of the case format, generated from a policy's vocabulary."""
from __future__ import annotations

from ..model import BoolType, IntType, PolicySet

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def case_schema(policy: PolicySet) -> dict:
    """A JSON Schema (draft 2020-12) for case files of this policy set."""
    ids = ", ".join(sorted(doc.id for doc in policy.documents))
    facts = {name: _fact_schema(f) for name, f in sorted(policy.facts.items())}
    readings = {name: _reading_schema(i) for name, i in sorted(policy.interpretations.items())}
    return {
        "$schema": DRAFT,
        "title": f"verifier case ({ids})",
        "description": "A partial case: facts named by their declared names; an absent (or null) "
                       "fact is unknown. 案例:以声明的名称给出已知事实,未给出的事实视为未知。",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "description": "the case key (defaults to the file name)"},
            "description": {"type": "string"},
            "facts": {"type": "object", "additionalProperties": False, "properties": facts},
            "readings": {"type": "object", "additionalProperties": False, "properties": readings,
                         "description": "interpretations fixed to one reading; an absent one is "
                                        "considered under both readings"},
        },
    }


def _describe(meta) -> str:
    parts = [p for p in (meta.label, meta.phrase and f"原文「{meta.phrase}」", meta.gloss) if p]
    if meta.cites:
        parts.append("依据 " + ", ".join(meta.cites))
    return "; ".join(parts)


def _fact_schema(fact) -> dict:
    t = fact.type
    if isinstance(t, BoolType):
        out: dict = {"type": ["boolean", "null"]}
    elif isinstance(t, IntType):
        out = {"type": ["integer", "null"], "minimum": t.lo, "maximum": t.hi}
    else:
        out = {"enum": [*t.labels, None]}
    if fact.meta.label:
        out["title"] = fact.meta.label
    text = _describe(fact.meta)
    if text:
        out["description"] = text
    return out


def _reading_schema(interp) -> dict:
    text = f"true: {interp.if_true}; false: {interp.if_false}"
    if interp.meta.label:
        text = f"{interp.meta.label}. {text}"
    return {"type": ["boolean", "null"], "description": text}
