"""Which outcomes a ruling covers: those asked for, else the decisions and actions of the
documents whose facts the case mentions."""
from __future__ import annotations

from ..model import DECIDE, MAY, MUST, MUST_NOT
from .model import outcome_sort_key, parse_outcome


def parse_asked(texts: list[str], policy) -> tuple[list[tuple], list[str]]:
    """(outcomes, texts that name none). A decision's name stands for all its alternatives,
    an action's name for 应当 / 可以 / 不得 it."""
    out: list[tuple] = []
    bad: list[str] = []
    for text in texts:
        name = " ".join(text.split())
        if name in policy.decisions:
            out += [(DECIDE, name, x) for x in policy.decisions[name].alternatives]
        elif name in policy.actions:
            out += [(MUST, name, None), (MAY, name, None), (MUST_NOT, name, None)]
        else:
            o = parse_outcome(name, policy)
            if o is None:
                bad.append(text)
            else:
                out.append(o)
    return sorted(dict.fromkeys(out), key=outcome_sort_key), bad


def default_outcomes(case, policy, every: list[tuple]) -> list[tuple]:
    """The decisions and actions (not terms) of the documents the case's facts belong to;
    all of them when the case names no fact."""
    docs = {doc.id for doc in policy.documents
            if any(getattr(d, "name", None) in dict(case.facts) for d in doc.items)}
    if not docs:
        docs = {doc.id for doc in policy.documents}
    mine = set()
    for doc in policy.documents:
        if doc.id in docs:
            mine |= {getattr(d, "name", None) for d in doc.items}
    return [o for o in every if o[0] in (DECIDE, MUST, MAY, MUST_NOT) and o[1] in mine]


def suggest(text: str, policy) -> str:
    """A hint for an outcome text that names nothing."""
    import difflib

    names = list(policy.decisions) + list(policy.actions) + list(policy.terms)
    close = difflib.get_close_matches(text.split()[-1] if text.split() else text, names, n=3, cutoff=0.3)
    form = "write a decision (容错决定), D = x, 应当/可以/不得 X, or a term"
    return form + (f"; did you mean {', '.join(close)}?" if close else "")
