"""A policy with one interpretation fixed to a reading: every ``Ref`` to it replaced by
a literal (the model-level substitution behind reading sensitivity)."""
from __future__ import annotations

import dataclasses

from ..model.nodes import BoolLit, Interpretation, Ref, leaves
from ..model.policy import PolicySet


def _sub(x, name: str, value: bool):
    if isinstance(x, Ref) and x.name == name:
        return BoolLit(value, x.span)
    if isinstance(x, tuple):
        return tuple(_sub(y, name, value) for y in x)
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        changes = {f.name: _sub(getattr(x, f.name), name, value)
                   for f in dataclasses.fields(x) if f.name not in ("span", "meta")}
        if all(changes[k] is getattr(x, k) for k in changes):
            return x
        return dataclasses.replace(x, **changes)
    return x


def _item(d, name: str, value: bool):
    """A declaration with the interpretation substituted, untouched when it does not
    read it (most do not: only their expressions are walked to find out)."""
    exprs = [getattr(d, f) for f in ("condition", "unless", "definition", "expr", "scope")
             if getattr(d, f, None) is not None]
    if not any(isinstance(x, Ref) and x.name == name for e in exprs for x in leaves(e)):
        return d
    return _sub(d, name, value)


def fix_interpretation(policy: PolicySet, name: str, value: bool) -> PolicySet:
    """``policy`` with interpretation ``name`` read as ``value`` everywhere and its
    declaration removed (the other interpretations stay free)."""
    docs = []
    for doc in policy.documents:
        items = tuple(_item(d, name, value) for d in doc.items
                      if not (isinstance(d, Interpretation) and d.name == name))
        docs.append(dataclasses.replace(doc, items=items))
    return PolicySet(tuple(docs))
