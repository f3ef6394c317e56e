"""verifier.evaluate: the plain-Python evaluator of docs/semantics.md (no solver).

The oracle for witness replay and brute-force tests. API::

    evaluate(policy, case, readings) -> Outcomes        # every outcome of one complete case
    admissible(policy, case, readings) -> bool           # every assumption holds
    eval_expr(policy, expr, case, readings) -> bool|int  # any model expression
    Evaluator(policy, case, readings)                    # lazy, memoised, per-atom access
    outcome_atoms(policy) -> tuple[Atom, ...]            # every term, must/may/must not X, D = x
    Atom(kind, target, value=None)                       # an outcome atom (see structure.py)
    incompatible(policy, c1, c2), index(policy)          # structural helpers shared with logic

``case`` maps every fact name to a bool / enum label (str) / int within bounds;
``readings`` maps every interpretation name to a bool. Both must be complete: a missing
or ill-typed value raises ValueError.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model.policy import PolicySet
from .core import Evaluator, Value, check_case, compile_expr
from .structure import (Atom, Index, conclusion_atom, incompatible, index, outcome_atoms,
                        same_conclusion)

__all__ = ["Atom", "Evaluator", "compile_expr", "Index", "Outcomes", "Value", "admissible", "check_case",
           "conclusion_atom", "eval_expr", "evaluate", "incompatible", "index",
           "outcome_atoms", "same_conclusion"]


@dataclass(frozen=True)
class Outcomes:
    """Everything the semantics computes from one complete case.

    Dicts are keyed: rule id (applicable/defeated/effective), term name (terms), action
    (obligated/permitted/forbidden), (decision, alternative) (concluded/value), discretion
    id (discretion). ``atoms`` holds every outcome atom's truth.
    """

    admissible: bool
    applicable: dict[str, bool]
    defeated: dict[str, bool]
    effective: dict[str, bool]
    terms: dict[str, bool]
    obligated: dict[str, bool]
    permitted: dict[str, bool]
    forbidden: dict[str, bool]
    concluded: dict[tuple[str, str], bool]
    value: dict[tuple[str, str], bool]
    discretion: dict[str, bool]
    atoms: dict[Atom, bool]

    def decision_values(self, decision: str) -> tuple[str, ...]:
        """The alternatives x with ``D = x`` true (more than one only in a conflict)."""
        return tuple(x for (d, x), v in self.value.items() if d == decision and v)


def evaluate(policy: PolicySet, case: dict[str, Value],
             readings: dict[str, bool] | None = None) -> Outcomes:
    """Evaluate every outcome of ``policy`` in the complete ``case`` under ``readings``."""
    ev = Evaluator(policy, case, readings)
    rules = policy.rules
    pairs = [(d.name, x) for d in policy.decisions.values() for x in d.alternatives]
    return Outcomes(
        admissible=ev.admissible(),
        applicable={r: ev.applicable(r) for r in rules},
        defeated={r: ev.defeated(r) for r in rules},
        effective={r: ev.effective(r) for r in rules},
        terms={t: ev.term(t) for t in policy.terms},
        obligated={x: ev.obligated(x) for x in policy.actions},
        permitted={x: ev.permitted(x) for x in policy.actions},
        forbidden={x: ev.forbidden(x) for x in policy.actions},
        concluded={p: ev.concluded(*p) for p in pairs},
        value={p: ev.value(*p) for p in pairs},
        discretion={d.id: ev.discretion(i) for i, d in enumerate(policy.discretions)},
        atoms={a: ev.atom(a) for a in outcome_atoms(policy)},
    )


def admissible(policy: PolicySet, case: dict[str, Value],
               readings: dict[str, bool] | None = None) -> bool:
    """True iff every assumption holds in the complete case."""
    return Evaluator(policy, case, readings).admissible()


def eval_expr(policy: PolicySet, expr, case: dict[str, Value],
              readings: dict[str, bool] | None = None) -> Value:
    """The value of any model expression in the complete case."""
    return Evaluator(policy, case, readings).expr(expr)
