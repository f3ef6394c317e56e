"""Formula builders for the analyses (so that only verifier.logic imports z3).

``Formula`` is a z3 Boolean term of an Encoding; ``conj``, ``disj`` and ``neg`` build
conjunctions, disjunctions and negations of them; ``TRUE`` / ``FALSE`` are constants.
"""
from __future__ import annotations

import z3

Formula = z3.BoolRef
TRUE: Formula = z3.BoolVal(True)
FALSE: Formula = z3.BoolVal(False)


def conj(*parts: Formula) -> Formula:
    return z3.And(*parts)


def disj(parts) -> Formula:
    """The disjunction of ``parts`` (a list; empty: false)."""
    return z3.Or(list(parts) or [FALSE])


def neg(part: Formula) -> Formula:
    return z3.Not(part)
