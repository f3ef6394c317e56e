"""Cubes (conjunctions of input literals) as model expressions, printable in the language."""
from __future__ import annotations

from ..model.nodes import And, BoolLit, Compare, IntLit, Is, Not, Or, Ref
from ..model.policy import PolicySet
from .merge import display


def literal_expr(policy: PolicySet, lit: tuple):
    """One cube literal (see verifier.logic.diff_query) as a model expression."""
    kind, name = lit[0], display(lit[1])
    if kind in ("bool", "reading"):
        return Ref(name) if lit[2] else Not(Ref(name))
    if kind == "enum":
        return Is(name, tuple(lit[2]))
    t = policy.facts[lit[1]].type
    lo, hi = lit[2], lit[3]
    if lo == hi:
        return Compare("=", Ref(name), IntLit(lo))
    if lo == t.lo:
        return Compare("<=", Ref(name), IntLit(hi))
    if hi == t.hi:
        return Compare(">=", Ref(name), IntLit(lo))
    return And((Compare(">=", Ref(name), IntLit(lo)), Compare("<=", Ref(name), IntLit(hi))))


def cube_expr(policy: PolicySet, cube):
    """A cube as an expression (the empty cube is ``true``)."""
    parts = [literal_expr(policy, x) for x in cube]
    if not parts:
        return BoolLit(True)
    flat = []
    for p in parts:
        flat.extend(p.operands if isinstance(p, And) else (p,))
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def dnf_expr(policy: PolicySet, cubes):
    """A DNF (tuple of cubes) as one expression."""
    exprs = tuple(cube_expr(policy, c) for c in cubes)
    return exprs[0] if len(exprs) == 1 else Or(exprs) if exprs else BoolLit(False)
