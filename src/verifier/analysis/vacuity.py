"""Vacuous properties (A413) and inert facts (A412).

A proven property is **vacuous** when it is proven without the part that makes it say
something. Two checks, standard in model checking:

- an atom occurrence (a fact, term, outcome or comparison) whose value does not matter:
  the property stays valid when the occurrence is replaced by the literal that makes the
  property strongest (``false`` where it occurs positively, ``true`` where negatively —
  e.g. in the antecedent of an implication). Unsat of ``not P[occurrence := strongest]``
  under the readings where P was proven means the occurrence is vacuous;
- the proof needs none of the rules of the clauses the property cites: P stays valid with
  those rules' definitions dropped (verifier.logic.analysis_vacuity).

An **inert fact** is one that properties read but no rule, term, assumption, decision
scope or discretion does, so no outcome can depend on it (purely syntactic).
"""
from __future__ import annotations

import dataclasses

from ..evaluate import Evaluator
from ..logic import neg
from ..logic.analysis_vacuity import RuleDropProver
from ..model.nodes import (And, AtLeast, BoolLit, Compare, Deontic, Implies, Is, Not, Or, Ref,
                           leaves)
from ..printer import print_expr
from .findings import Finding

_CONNECTIVES = (Not, And, Or, Implies, AtLeast)


def occurrences(e, positive: bool = True, path: tuple = ()):
    """(path, node, positive) of every atom occurrence of a boolean expression: names,
    ``Is``, deontic atoms, comparisons (not literals)."""
    if isinstance(e, Not):
        yield from occurrences(e.operand, not positive, path + (("operand", None),))
    elif isinstance(e, (And, Or, AtLeast)):
        for i, x in enumerate(e.operands):
            yield from occurrences(x, positive, path + (("operands", i),))
    elif isinstance(e, Implies):
        yield from occurrences(e.left, not positive, path + (("left", None),))
        yield from occurrences(e.right, positive, path + (("right", None),))
    elif isinstance(e, (Ref, Is, Deontic, Compare)):
        yield path, e, positive


def replace_at(e, path: tuple, new):
    """``e`` with the node at ``path`` replaced by ``new``."""
    if not path:
        return new
    (field, i), rest = path[0], path[1:]
    child = getattr(e, field)
    if i is None:
        return dataclasses.replace(e, **{field: replace_at(child, rest, new)})
    items = list(child)
    items[i] = replace_at(items[i], rest, new)
    return dataclasses.replace(e, **{field: tuple(items)})


def atom_text(node) -> str:
    return print_expr(node, "zh")


def vacuous_atoms(analyser, prop, refuted=()) -> list[str]:
    """The atom occurrences of ``prop`` whose value does not matter in every reading
    where the property was proven (every consistent reading outside ``refuted``, the
    partial readings where it was refuted). One solver call per occurrence at most: a
    counterexample found for one occurrence is tried (plain evaluator) on the others
    first."""
    out, cases = [], []
    s = analyser.s
    s.reading = dict(analyser.chosen)
    for path, node, positive in occurrences(prop.expr):
        strongest = replace_at(prop.expr, path, BoolLit(not positive))
        if any(not ev.expr(strongest) for ev in cases):
            continue
        with s.scope(neg(analyser.enc.expr(strongest))):
            s.exclude_readings(refuted)
            r = s.check(core=False)
        if r.refuted:
            case, reading = analyser.enc.case_from_model(r.model)
            cases.append(Evaluator(analyser.policy, case, reading, validate=False))
        elif r.proven and atom_text(node) not in out:
            out.append(atom_text(node))
    return out


def cited_rules(policy, prop) -> tuple[str, ...]:
    """The rules citing a clause the property cites."""
    cited = set(prop.meta.cites)
    return tuple(rid for rid, r in policy.rules.items() if cited & set(r.meta.cites))


def needs_no_cited_rule(analyser, prover, prop, readings) -> tuple[str, ...]:
    """The rules of the property's clauses when the proof needs none of them, else ()."""
    rules = cited_rules(analyser.policy, prop)
    if not rules:
        return ()
    claim = analyser.enc.expr(prop.expr)
    ok = all(prover.prove_without(claim, set(rules), dict(combo)).proven for combo in readings)
    return rules if ok else ()


def vacuity_findings(analyser, proven: list[Finding], timeout_ms: int) -> list[Finding]:
    """An A413 per proven property (A410 finding) that is vacuous, saying why."""
    out = []
    prover = None
    for f in proven:
        prop = analyser.policy.properties[f.subject]
        reasons, reasons_zh = [], []
        refuted = [r for g in analyser.findings if g.code == "A409" and g.subject == f.subject
                   for r in g.readings]
        atoms = vacuous_atoms(analyser, prop, refuted)
        if atoms:
            reasons.append(f"{', '.join(atoms)} does not matter (the property holds with it replaced "
                           f"by the value that makes it strongest)")
            reasons_zh.append(f"{'、'.join(atoms)} 的取值无关紧要(换成使命题最强的值后命题仍成立)")
        if cited_rules(analyser.policy, prop):
            prover = prover or RuleDropProver(analyser.enc, timeout_ms)
            rules = needs_no_cited_rule(analyser, prover, prop, f.readings)
            if rules:
                reasons.append(f"the proof needs none of the rules of {', '.join(prop.meta.cites)} "
                               f"({', '.join(rules)})")
                reasons_zh.append(f"证明不需要 {'、'.join(prop.meta.cites)} 的任何规则({'、'.join(rules)})")
        if reasons:
            args = (("name", f.subject), ("detail", "; ".join(reasons)), ("detail_zh", ";".join(reasons_zh)))
            out.append(Finding("A413", (), f.subject, args, readings=f.readings, span=prop.span))
    return out


def _direct_facts(policy, e) -> set[str]:
    out = set()
    for x in leaves(e):
        name = x.name if isinstance(x, Ref) else x.subject if isinstance(x, Is) else None
        if name in policy.facts:
            out.add(name)
    return out


def inert_facts(policy) -> list[Finding]:
    """A412 per fact that properties read but nothing that decides an outcome does."""
    used: set[str] = set()
    exprs = [e for r in policy.rules.values() for e in (r.condition, r.unless)]
    exprs += [t.definition for t in policy.terms.values()]
    exprs += [a.expr for a in policy.assumptions]
    exprs += [d.scope for d in policy.decisions.values()]
    exprs += [d.condition for d in policy.discretions]
    for e in exprs:
        used |= _direct_facts(policy, e)
    out = []
    for name, fact in policy.facts.items():
        props = [p for p, prop in policy.properties.items() if name in _direct_facts(policy, prop.expr)]
        if props and name not in used:
            out.append(Finding("A412", (), name, (("name", name), ("properties", ", ".join(props))),
                               readings=((),), span=fact.span))
    return out
