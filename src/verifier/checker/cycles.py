"""Cycles among definitions and rule-derived outcomes, and among priorities."""
from __future__ import annotations

from ..diagnostics import Diagnostic, diag
from ..model import PolicySet
from ..model import nodes as m


def dependency_graph(policy: PolicySet) -> dict[str, set[str]]:
    """outcome name -> names its value depends on (terms, actions, decisions)."""
    from .check import names_in
    graph: dict[str, set[str]] = {}
    outcomes = set(policy.terms) | set(policy.actions) | set(policy.decisions)
    for t in policy.terms.values():
        if t.definition is not None:
            graph.setdefault(t.name, set()).update(names_in(t.definition))
    for r in policy.rules.values():
        deps = names_in(r.condition) | (names_in(r.unless) if r.unless is not None else set())
        graph.setdefault(r.conclusion.target, set()).update(deps)
    from ..evaluate.structure import incompatible
    for hi, lo in policy.prevails:
        # a priority makes the weaker rule's outcome depend on the stronger rule's condition
        # only when their conclusions are incompatible: otherwise it never defeats
        # (docs/semantics.md), so it adds no dependency (issue 14: "x → x" was reported)
        if hi in policy.rules and lo in policy.rules and \
                incompatible(policy, policy.rules[hi].conclusion, policy.rules[lo].conclusion):
            h = policy.rules[hi]
            graph.setdefault(policy.rules[lo].conclusion.target, set()).update(
                names_in(h.condition) | (names_in(h.unless) if h.unless is not None else set()))
    return {k: v & outcomes for k, v in graph.items() if k in outcomes}


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of nodes, or None (iterative DFS)."""
    colour: dict[str, int] = {}
    for root in sorted(graph):
        if colour.get(root):
            continue
        stack = [(root, iter(sorted(graph.get(root, ()))))]
        path = [root]
        colour[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = 2
                stack.pop()
                path.pop()
            elif colour.get(child) == 1:
                return path[path.index(child):] + [child]
            elif not colour.get(child) and child in graph:
                colour[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph.get(child, ())))))
    return None


def check_cycles(policy: PolicySet) -> list[Diagnostic]:
    out = []
    cycle = _find_cycle(dependency_graph(policy))
    if cycle:
        decl = (policy.terms.get(cycle[0]) or policy.actions.get(cycle[0])
                or policy.decisions.get(cycle[0]))
        span = decl.span if decl is not None else m.NO_SPAN
        out.append(diag("V205", span, cycle=" → ".join(cycle),
                        hint="a term or outcome may not depend on itself; break the cycle"))
    loops = sorted(a for a, b in policy.prevails if a == b)
    if loops:
        p = next(p for p in policy.priorities if loops[0] in policy.members(p.higher))
        out.append(diag("V212", p.span, cycle=loops[0], hint="remove one of the priorities"))
    return out
