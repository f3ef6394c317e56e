"""Documents -> checked PolicySet: names, kinds, types, citations, cycles.

``check(documents)`` returns the policy set, with ``a = b`` on enumerations and decisions
rewritten to ``Is``, and every problem as a diagnostic value.
"""
from __future__ import annotations

import dataclasses

from ..diagnostics import Diagnostic, diag
from ..model import PolicySet
from ..model import nodes as m
from .cycles import check_cycles
from .exprs import ExprChecker
from .names import KIND_WORDS, Symbol, did_you_mean


def check(documents: list[m.Document]) -> tuple[PolicySet, list[Diagnostic]]:
    """Check documents loaded together; returns the rewritten set and all diagnostics."""
    out: list[Diagnostic] = []
    docs = _unique_documents(documents, out)
    symbols = _declare(docs, out)
    rules = _ids(docs, (m.Rule, m.Discretion), out)
    clauses = _ids(docs, (m.Clause,), out)
    checked = tuple(_check_document(doc, docs, symbols, rules, clauses, out) for doc in docs)
    policy = PolicySet(checked)
    out.extend(check_cycles(policy))
    out.extend(_unused_facts(policy))
    return policy, sorted(out, key=Diagnostic.sort_key)


def _unique_documents(documents, out):
    seen: dict[str, m.Document] = {}
    for doc in documents:
        if doc.id in seen:
            out.append(diag("V201", doc.span, name=doc.id, other=seen[doc.id].span))
        else:
            seen[doc.id] = doc
    return list(seen.values())


def _declare(docs, out) -> dict[str, Symbol]:
    symbols: dict[str, Symbol] = {}
    for doc in docs:
        for d in doc.items:
            if type(d) not in KIND_WORDS:
                continue
            if d.name in symbols:
                out.append(diag("V201", d.span, name=d.name, other=symbols[d.name].decl.span,
                                hint="rename one of them"))
            else:
                symbols[d.name] = Symbol(d, doc.id)
    return symbols


def _ids(docs, kinds, out) -> dict[str, object]:
    table: dict[str, object] = {}
    for doc in docs:
        for d in doc.items:
            if isinstance(d, kinds):
                if d.id in table:
                    out.append(diag("V201", d.span, name=d.id, other=table[d.id].span))
                else:
                    table[d.id] = d
    return table


def _check_document(doc, docs, symbols, rules, clauses, out) -> m.Document:
    known_docs = {d.id for d in docs}
    for used in doc.uses:
        if used not in known_docs:
            out.append(diag("V210", doc.span, name=used,
                            hint=did_you_mean(used, known_docs) or "load that document too"))
    visible = {doc.id, *doc.uses}
    ex = ExprChecker(symbols, visible, out)
    items = tuple(_check_item(d, ex, symbols, rules, clauses, out) for d in doc.items)
    return dataclasses.replace(doc, items=items)


def _check_citations(decl, clauses, out) -> None:
    meta = getattr(decl, "meta", None)
    if meta is None:
        return
    spans = meta.cite_spans or (decl.span,) * len(meta.cites)
    for cid, span in zip(meta.cites, spans):
        clause = clauses.get(cid)
        if clause is None:
            out.append(diag("V206", span, clause=cid,
                            hint=did_you_mean(cid, clauses) or "cite a clause ID declared with 条款 / clause"))
        elif clause.status == m.NON_NORMATIVE and not isinstance(decl, m.Clause):
            out.append(diag("V302", span, name=getattr(decl, "name", getattr(decl, "id", "?")),
                            clause=cid))


def _check_item(d, ex: "ExprChecker", symbols, rules, clauses, out):
    _check_citations(d, clauses, out)
    if isinstance(d, m.Fact):
        return _check_fact(d, out)
    if isinstance(d, m.Term) and d.definition is not None:
        return dataclasses.replace(d, definition=ex.boolean(d.definition))
    if isinstance(d, m.Decision):
        _unique_labels(d.alternatives, d.span, out)
        return dataclasses.replace(d, scope=ex.boolean(d.scope) if d.scope is not None else None)
    if isinstance(d, (m.Assumption, m.Property)):
        return dataclasses.replace(d, expr=ex.boolean(d.expr))
    if isinstance(d, m.Rule):
        return _check_rule(d, ex, symbols, out)
    if isinstance(d, m.Group):
        for rid in d.members:
            if rid not in rules or not isinstance(rules[rid], m.Rule):
                out.append(diag("V207", d.span, name=rid, hint=did_you_mean(rid, rules)))
        return d
    if isinstance(d, m.Priority):
        for side in (d.higher, d.lower):
            is_group = side in symbols and isinstance(symbols[side].decl, m.Group)
            if not is_group and not isinstance(rules.get(side), m.Rule):
                out.append(diag("V207", d.span, name=side,
                                hint=did_you_mean(side, [*rules, *symbols])))
        return d
    if isinstance(d, m.Discretion):
        ex.target(d.target, d.span, (m.Decision, m.Action))
        cond = ex.boolean(d.condition) if d.condition is not None else None
        return dataclasses.replace(d, condition=cond)
    return d


def _check_fact(d: m.Fact, out) -> m.Fact:
    if isinstance(d.type, m.IntType) and d.type.lo > d.type.hi:
        out.append(diag("V208", d.span, lo=d.type.lo, hi=d.type.hi, hint="write [low..high]"))
    if isinstance(d.type, m.EnumType):
        _unique_labels(d.type.labels, d.span, out)
    return d


def _unique_labels(labels, span, out) -> None:
    seen = set()
    for label in labels:
        if label in seen:
            out.append(diag("V209", span, label=label))
        seen.add(label)


def _check_rule(r: m.Rule, ex: "ExprChecker", symbols, out) -> m.Rule:
    if not r.meta.cites:
        out.append(diag("V301", r.span, name=r.id, hint="add 依据 CLAUSE-ID / cites CLAUSE-ID"))
    c = r.conclusion
    if c.kind in m.MODALITIES:
        ex.target(c.target, c.span, (m.Action,))
    elif c.kind == m.TERM:
        sym = ex.target(c.target, c.span, (m.Term,))
        if sym is not None and sym.decl.definition is not None:
            out.append(diag("V214", c.span, name=c.target, rule=r.id,
                            hint="drop the definition (当且仅当) or the rule"))
    else:
        sym = ex.target(c.target, c.span, (m.Decision,))
        if sym is not None and c.value not in sym.decl.alternatives:
            out.append(diag("V215", c.span, label=c.value, name=c.target,
                            labels=", ".join(sym.decl.alternatives),
                            hint=did_you_mean(c.value, sym.decl.alternatives)))
    unless = ex.boolean(r.unless) if r.unless is not None else None
    return dataclasses.replace(r, condition=ex.boolean(r.condition), unless=unless)


def _unused_facts(policy: PolicySet) -> list[Diagnostic]:
    used = set()
    for doc in policy.documents:
        for d in doc.items:
            for e in _expressions(d):
                used |= names_in(e)
    return [diag("V300", f.span, name=f.name, hint="use it in a rule or remove it")
            for f in policy.facts.values() if f.name not in used]


def _expressions(d):
    for attr in ("definition", "scope", "expr", "condition", "unless"):
        e = getattr(d, attr, None)
        if e is not None and not isinstance(e, str):
            yield e


def names_in(e) -> set[str]:
    """Every name an expression refers to (facts, terms, actions, decisions…)."""
    return {x.name if isinstance(x, m.Ref) else x.subject if isinstance(x, m.Is) else x.action
            for x in m.leaves(e)}
