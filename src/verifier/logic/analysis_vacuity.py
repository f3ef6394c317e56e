"""Proofs without some rules: does a property still hold when the definitions of given
rules are dropped (their applicable / defeated / effective left unconstrained)?

Used by the vacuity analysis (verifier.analysis.vacuity): a property whose proof needs
none of the rules of the clauses it cites is proven vacuously with respect to them.
"""
from __future__ import annotations

import z3

from .encode import Encoding
from .solve import PROVEN, REFUTED, UNKNOWN, Result


class RuleDropProver:
    """One solver over ``enc`` with every rule's definitions guarded by its tracking
    literal; a check assumes the literals of the rules kept."""

    def __init__(self, enc: Encoding, timeout_ms: int):
        self.enc = enc
        self.solver = z3.SolverFor("QF_FD")
        self.solver.set("timeout", int(timeout_ms))
        for c in enc.domain:
            self.solver.add(c.constraint)
        for c in enc.definitions:
            guard = c.literal is not None and c.rule is not None
            self.solver.add(z3.Implies(c.literal, c.constraint) if guard else c.constraint)
        for c in enc.assumptions:
            self.solver.add(c.constraint)
        self._queries = 0

    def prove_without(self, claim, dropped, reading: dict) -> Result:
        """PROVEN iff ``claim`` holds in every admissible case under ``reading`` even with
        the definitions of the rules in ``dropped`` removed (unsat of not claim with only
        the other rules defined); REFUTED when some case needs them; UNKNOWN on timeout."""
        self._queries += 1
        q = z3.Bool(f"vacuity:{self._queries}")
        self.solver.add(z3.Implies(q, z3.Not(claim)))
        kept = [v.track for rid, v in self.enc.rules.items() if rid not in dropped]
        r = self.solver.check(q, *kept, *self.enc.reading_literals(reading))
        if r == z3.unsat:
            return Result(PROVEN)
        if r == z3.sat:
            return Result(REFUTED)
        return Result(UNKNOWN, reason=self.solver.reason_unknown() or "unknown")
