"""The canonical witness search of the diff (``DiffSolver.witness``): its greedy state.

The witness is fixed by sat / unsat answers alone (see ``verifier.logic.diff_query``):
inputs in order are pinned to their default whenever a case of the region with the pins
so far and that default exists, then each remaining input to its least possible value.
``Greedy`` keeps, besides the pins, ``w``: a complete case of the region satisfying every
pin. A question whose answer ``w`` — or ``w`` with the question's change, possibly with the
boolean inputs the assumptions' binary clauses then force flipped, or with the inputs
still open at their defaults — shows to be "possible" needs no solver call (the candidate
is checked by evaluation); a Kleene-false partial case answers "impossible"; the solver
answers the rest and its model becomes the new ``w``. Models only change which questions
reach the solver, never an answer.
"""
from __future__ import annotations

import z3

from ..model.nodes import BoolType, EnumType
from .diff_cases import Region

SAT = "sat"


def _get(w: tuple, key):
    return w[1][key[1]] if isinstance(key, tuple) else w[0][key]


def _put(w: tuple, key, value) -> tuple:
    """The case ``w`` (a (facts, readings) pair) with one input changed (a copy)."""
    if isinstance(key, tuple):
        return w[0], {**w[1], key[1]: value}
    return {**w[0], key: value}, w[1]


def _with(w: tuple, pairs) -> tuple:
    """The case ``w`` with every (key, value) of ``pairs`` applied (a copy)."""
    case, readings = dict(w[0]), dict(w[1])
    for key, value in pairs:
        if isinstance(key, tuple):
            readings[key[1]] = value
        else:
            case[key] = value
    return case, readings


class Greedy:
    """The state of one canonical witness search: the pins so far (inputs fixed to a value,
    as solver literals and as a partial case) and ``w``, a complete case of the region
    satisfying every pin (inputs not yet pinned hold whatever value ``w`` has)."""

    def __init__(self, sub, region: Region, known: tuple, defaults: dict):
        self.s, self.region, self.defaults = sub, region, defaults
        self.free: set = set()
        self.q = sub.indicator(region)
        self.pairs: list[tuple] = []          # (key, value) pinned, in order
        self._lits: list[z3.BoolRef] = []     # solver literals of ``pairs[:self._done]``
        self._done = 0
        self.fixed: tuple[dict, dict] = ({}, {})
        self.w = known

    def _fix(self, pairs) -> None:
        self.fixed = _with(self.fixed, pairs)
        self.pairs.extend(pairs)

    def _sat(self, extra: list) -> bool:
        """The solver's answer (sat: True; unsat or unknown: False) with the pins and
        ``extra``; on sat ``w`` becomes its model's case."""
        for key, value in self.pairs[self._done:]:
            self._lits.append(self.s.pin(key, value))
        self._done = len(self.pairs)
        if self.s.sat(self.q + self._lits + extra) == SAT:
            self.w = self.s.model()
            return True
        return False

    def possible(self, pairs) -> bool:
        """Is there a case of the region with the pins and ``pairs`` ((key, value) list)?
        (on True ``w`` becomes one; solver unknown counts as False)."""
        if all(_get(self.w, k) == v for k, v in pairs):
            return True
        cand = _with(self.w, pairs)
        if self.s.test.member(self.region, *cand):
            self.w = cand
            return True
        fixed = [k for k, _ in self.pairs] + list(self.free)
        fixed_cand = self.s.test.implications.repair(self.w, pairs, fixed) \
            if self.s.test.implications is not None else None
        if fixed_cand is not None and fixed_cand != cand and \
                self.s.test.member(self.region, *fixed_cand):
            self.w = fixed_cand
            return True
        if self.s.test.excludes(self.region, *_with(self.fixed, pairs)):
            return False
        done = {k for k, _ in pairs} | self.free
        rest = [(k, v) for k, v in self.defaults.items() if k not in done and
                (k[1] not in self.fixed[1] if isinstance(k, tuple) else k not in self.fixed[0])]
        cand = _with(cand, rest)             # the inputs still open at their defaults
        if self.s.test.member(self.region, *cand):
            self.w = cand
            return True
        return self._sat([self.s.pin(k, v) for k, v in pairs])

    def try_pin(self, pairs) -> bool:
        """Pin every (key, value) of ``pairs`` if that is possible; else nothing."""
        if self.possible(pairs):
            self._fix(pairs)
            return True
        if len(pairs) == 1:
            self.free.add(pairs[0][0])
        return False

    def least(self, key, default) -> None:
        """Pin ``key`` to its smallest possible value (it cannot take ``default``)."""
        s = self.s
        if isinstance(key, tuple) or isinstance(s.parent.enc.policy.facts[key].type, BoolType):
            value = not default            # the only other value ...
            if _get(self.w, key) != value:  # ... unless the solver answered unknown
                value = _get(self.w, key)
        else:
            t = s.parent.enc.policy.facts[key].type
            value = _get(self.w, key)
            if isinstance(t, EnumType):
                for label in t.labels:
                    if label == value:
                        break
                    if label != default and self.possible([(key, label)]):
                        value = label
                        break
            else:
                lo, hi = (t.lo + 1 if default == t.lo else t.lo), value
                while lo < hi:          # smallest value possible: binary search on "<= mid"
                    mid = (lo + hi) // 2
                    if self._below(key, mid):
                        hi = _get(self.w, key)
                        if hi > mid:                # guards against a wrong model
                            raise AssertionError(f"solver model violates {key} <= {mid}")
                    else:
                        lo = mid + 1
                value = hi
        if _get(self.w, key) != value:
            raise AssertionError(f"witness search lost its case at {key}")
        self._fix([(key, value)])

    def _below(self, key, upper: int) -> bool:
        """Is there a case of the region with the pins and key <= upper? (on True, ``w``
        becomes one; solver unknown counts as False)."""
        cand = _put(self.w, key, upper)
        if self.s.test.member(self.region, *cand):
            self.w = cand
            return True
        return self._sat([self.s.bound(key, upper)])
