"""The glossary: every fact and term with its label, gloss, type, source phrase and clauses."""
from __future__ import annotations

from dataclasses import dataclass

from ..checker import names_in
from ..model import PolicySet
from ..model import nodes as m


@dataclass(frozen=True)
class GlossaryEntry:
    name: str
    kind: str            # fact / term / action / decision / interpretation
    type: str
    label: str
    gloss: str
    phrase: str
    clauses: tuple[str, ...]   # cited by the declaration and by every rule that uses it
    document: str


def _type_text(d) -> str:
    if isinstance(d, m.Fact):
        t = d.type
        if isinstance(t, m.BoolType):
            return "bool"
        if isinstance(t, m.EnumType):
            return "enum {" + ", ".join(t.labels) + "}"
        return f"int [{t.lo}..{t.hi}]"
    if isinstance(d, m.Decision):
        return "decision {" + (" > " if d.ordered else ", ").join(d.alternatives) + "}"
    if isinstance(d, m.Term):
        return "term (defined)" if d.definition is not None else "term (concluded by rules)"
    return {m.Action: "action", m.Interpretation: "interpretation (bool)"}[type(d)]


def _users(policy: PolicySet) -> dict[str, set[str]]:
    """name -> clause IDs cited by every rule, term, decision or discretion that mentions it."""
    users: dict[str, set[str]] = {}
    for doc in policy.documents:
        for d in doc.items:
            mentioned = set()
            for attr in ("condition", "unless", "definition", "scope", "expr"):
                e = getattr(d, attr, None)
                if e is not None and not isinstance(e, str):
                    mentioned |= names_in(e)
            if isinstance(d, m.Rule):
                mentioned.add(d.conclusion.target)
            if isinstance(d, m.Discretion):
                mentioned.add(d.target)
            for n in mentioned:
                users.setdefault(n, set()).update(d.meta.cites)
    return users


def glossary(policy: PolicySet) -> list[GlossaryEntry]:
    """Entries for facts, terms, actions, decisions and interpretations, sorted by kind then name."""
    users = _users(policy)
    order = {"fact": 0, "term": 1, "action": 2, "decision": 3, "interpretation": 4}
    out = []
    for doc in policy.documents:
        for d in doc.items:
            kind = {m.Fact: "fact", m.Term: "term", m.Action: "action", m.Decision: "decision",
                    m.Interpretation: "interpretation"}.get(type(d))
            if kind is None:
                continue
            clauses = tuple(sorted(set(d.meta.cites) | users.get(d.name, set())))
            out.append(GlossaryEntry(d.name, kind, _type_text(d), d.meta.label or "",
                                     d.meta.gloss or "", d.meta.phrase or "", clauses, doc.id))
    return sorted(out, key=lambda e: (e.document, order[e.kind], e.name))
