"""Does the policy admit any case at all? (issue 14, engine item 1)

When the assumptions contradict each other or a fact's bounds (``fact n : int [0..2]``
with ``assume A1 : n > 3``), no case is admissible: every case is rejected with C506, as
for a Boolean contradiction. Checked once per run with a general solver (the rulings
engine's finite-domain solver may answer *unknown* on such a policy).
"""
from __future__ import annotations

import z3

from ..diagnostics import Diagnostic, diag
from ..model import PolicySet, Span


def inadmissible_policy(policy: PolicySet, source: str = "<case>") -> list[Diagnostic]:
    """C506 for each assumption in a core of the contradiction ([] when some case is admissible).

    The diagnostics are located at ``source``:1:1 (the case); callers relocate them.
    """
    if not policy.assumptions:
        return []
    from ..logic.encode import compile_policy

    enc = compile_policy(policy)
    solver = z3.Solver()
    solver.set("timeout", 10_000)
    for named in list(enc.domain) + list(enc.definitions):
        solver.add(named.constraint if named.literal is None else z3.Implies(named.literal, named.constraint))
        if named.literal is not None:
            solver.add(named.literal)
    by_literal = {}
    for named in enc.assumptions:
        solver.add(z3.Implies(named.literal, named.constraint))
        by_literal[str(named.literal)] = named.name
    if solver.check(*[n.literal for n in enc.assumptions]) != z3.unsat:
        return []
    core = sorted(by_literal[str(lit)] for lit in solver.unsat_core() if str(lit) in by_literal)
    assumptions = {a.name: a for a in policy.assumptions}
    out = []
    for name in core:
        a = assumptions[name]
        cites = ", ".join(a.meta.cites) or "no clause"
        out.append(diag("C506", Span(source, 1, 1), name=name, clauses=cites,
                        hint=f"assumption {name} holds in no case (given the facts' declared ranges"
                             + (" and the other assumptions" if len(core) > 1 else "")
                             + "); no case is admissible under this policy — fix the assumption"))
    return out
