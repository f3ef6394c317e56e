"""Translation of model expressions to Z3 terms (integers as signed bit-vectors).

Integers are bit-blasted so that every query stays in QF_FD (Bool + bit-vectors), where
``Solver.consequences`` is fast. Each comparison is computed at a width wide enough for
every intermediate value of both sides (interval analysis), so no overflow is possible.
"""
from __future__ import annotations

import z3

from ..model.nodes import (And, Arith, AtLeast, BoolLit, Compare, Deontic, Implies,
                           IntLit, Is, Not, Or, Ref)


def bits_for(lo: int, hi: int) -> int:
    """The smallest signed bit-vector width holding every integer in [lo, hi]."""
    w = 1
    while not (-(1 << (w - 1)) <= lo and hi <= (1 << (w - 1)) - 1):
        w += 1
    return w


class ExprCompiler:
    """Compiles model expressions given name resolvers supplied by the Encoding."""

    def __init__(self, enc):
        self.enc = enc

    # ------------------------------------------------------------ booleans
    def bool(self, e) -> z3.BoolRef:
        if isinstance(e, BoolLit):
            return z3.BoolVal(e.value)
        if isinstance(e, Ref):
            return self.enc.bool_name(e.name)
        if isinstance(e, Not):
            return z3.Not(self.bool(e.operand))
        if isinstance(e, And):
            return z3.And([self.bool(o) for o in e.operands]) if e.operands else z3.BoolVal(True)
        if isinstance(e, Or):
            return z3.Or([self.bool(o) for o in e.operands]) if e.operands else z3.BoolVal(False)
        if isinstance(e, Implies):
            return z3.Implies(self.bool(e.left), self.bool(e.right))
        if isinstance(e, Is):
            lits = [self.enc.is_literal(e.subject, x) for x in e.labels]
            inside = z3.Or(lits) if lits else z3.BoolVal(False)
            return z3.Not(inside) if e.negated else inside
        if isinstance(e, AtLeast):
            return self._at_least(e)
        if isinstance(e, Deontic):
            return self.enc.atom_var_of(e.modality, e.action)
        if isinstance(e, Compare):
            return self._compare(e)
        raise TypeError(f"not a boolean expression: {e!r}")

    def _at_least(self, e: AtLeast) -> z3.BoolRef:
        ops = [self.bool(o) for o in e.operands]
        if e.k <= 0:
            return z3.BoolVal(True)
        if e.k > len(ops):
            return z3.BoolVal(False)
        return z3.AtLeast(*ops, e.k)

    # ------------------------------------------------------------ integers
    def _is_int(self, e) -> bool:
        return (isinstance(e, (IntLit, Arith))
                or isinstance(e, Ref) and self.enc.int_bounds(e.name) is not None)

    def _compare(self, e: Compare) -> z3.BoolRef:
        if not (self._is_int(e.left) and self._is_int(e.right)):
            a, b = self.bool(e.left), self.bool(e.right)
            if e.op in ("=", "!="):
                return (a == b) if e.op == "=" else (a != b)
            raise TypeError(f"ordering of booleans: {e!r}")
        w = max(self.width(e.left), self.width(e.right))
        a, b = self.int(e.left, w), self.int(e.right, w)
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b,
                "=": a == b, "!=": a != b}[e.op]

    def interval(self, e) -> tuple[int, int]:
        """Bounds of an integer expression."""
        if isinstance(e, IntLit):
            return e.value, e.value
        if isinstance(e, Ref):
            return self.enc.int_bounds(e.name)
        if isinstance(e, Arith):
            (a, b), (c, d) = self.interval(e.left), self.interval(e.right)
            if e.op == "+":
                return a + c, b + d
            if e.op == "-":
                return a - d, b - c
            products = (a * c, a * d, b * c, b * d)
            return min(products), max(products)
        raise TypeError(f"not an integer expression: {e!r}")

    def width(self, e) -> int:
        """A width holding the value of ``e`` and of every subexpression (one extra bit
        so the offset of an integer fact, value - lo, fits as well)."""
        w = bits_for(*self.interval(e)) + 1
        if isinstance(e, Arith):
            w = max(w, self.width(e.left), self.width(e.right))
        return w

    def int(self, e, w: int) -> z3.BitVecRef:
        if isinstance(e, IntLit):
            return z3.BitVecVal(e.value, w)
        if isinstance(e, Ref):
            return self.enc.int_value(e.name, w)
        if isinstance(e, Arith):
            a, b = self.int(e.left, w), self.int(e.right, w)
            return {"+": a + b, "-": a - b, "*": a * b}[e.op]
        raise TypeError(f"not an integer expression: {e!r}")
