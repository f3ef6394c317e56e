"""Textual changes between two versions: declarations added, removed or changed."""
from __future__ import annotations

from dataclasses import replace

from ..model.nodes import (Action, Assumption, Decision, Discretion, Fact, Group,
                           Interpretation, Meta, Priority, Property, Rule, Term)
from ..model.policy import PolicySet
from ..printer.printer import Printer
from .report import DeclChange

_KINDS = (("fact", Fact), ("interpretation", Interpretation), ("term", Term),
          ("action", Action), ("decision", Decision), ("assumption", Assumption),
          ("rule", Rule), ("group", Group), ("priority", Priority),
          ("discretion", Discretion), ("property", Property))


def _key(d) -> str:
    if isinstance(d, Priority):
        return f"{d.higher} > {d.lower}"
    return getattr(d, "name", None) or getattr(d, "id")


def _table(policy: PolicySet, kind) -> dict:
    return {_key(d): d for doc in policy.documents for d in doc.items if isinstance(d, kind)}


def _plain(d):
    return replace(d, meta=Meta()) if hasattr(d, "meta") else d


def declaration_changes(old: PolicySet, new: PolicySet) -> tuple[DeclChange, ...]:
    """Every declaration (by kind and name / id) added, removed, changed in meaning-bearing
    parts, or changed in metadata only (label, note, cites...); in a stable order."""
    out = []
    printer = Printer("zh")
    for label, kind in _KINDS:
        a, b = _table(old, kind), _table(new, kind)
        for name in sorted(a.keys() | b.keys()):
            if name not in b:
                out.append(DeclChange(label, name, "removed"))
            elif name not in a:
                out.append(DeclChange(label, name, "added"))
            elif _plain(a[name]) != _plain(b[name]):
                out.append(DeclChange(label, name, "changed", _detail(printer, a[name], b[name])))
            elif a[name] != b[name]:
                out.append(DeclChange(label, name, "metadata"))
    return tuple(out)


def _detail(printer: Printer, a, b) -> str:
    """A short before/after of the changed declaration, in the policy language (Chinese
    keywords, as the printer's)."""
    if isinstance(a, Fact):
        return f"{printer.type(a.type)} -> {printer.type(b.type)}"
    if isinstance(a, Rule):
        parts = []
        for label, x, y in (("如果", a.condition, b.condition), ("除非", a.unless, b.unless)):
            if x != y:
                parts.append(f"{label}: {_show(printer, x)} -> {_show(printer, y)}")
        if a.conclusion != b.conclusion:
            parts.append(f"那么: {printer.conclusion(a.conclusion)} -> {printer.conclusion(b.conclusion)}")
        return "; ".join(parts)
    for attr in ("definition", "expr", "scope", "condition"):
        x, y = getattr(a, attr, None), getattr(b, attr, None)
        if x != y:
            return f"{_show(printer, x)} -> {_show(printer, y)}"
    return ""


def _show(printer: Printer, e) -> str:
    return "(无)" if e is None else printer.expr(e)
