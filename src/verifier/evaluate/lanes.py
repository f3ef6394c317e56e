"""Bit-parallel three-valued evaluation of a policy on many partial cases at once ("lanes").

What it computes: lane i (bit i of Python integers) holds one partial case. For every key of
``verifier.evaluate.partial.PartialEvaluator.keys`` the evaluation returns two masks, ``t``
and ``f``: bit i of ``t`` is set only if the key holds in EVERY completion of lane i's case,
bit i of ``f`` only if it fails in every completion — the same Kleene evaluation as
``partial`` (sound, not complete), done for all lanes at once with ``&`` and ``|`` ("dual
rail": and = (t1 & t2, f1 | f2), or = (t1 | t2, f1 & f2), not swaps the rails). On a lane
whose case is complete exactly one of the two bits is set, and it is the plain semantics of
``verifier.evaluate.core`` (docs/semantics.md): a complete lane is a replayed evaluation.

Inputs: ``facts`` maps a boolean fact to its ``(t, f)`` masks (neither bit set: unknown in
that lane); an integer fact to a list of ``(lo, hi, mask)`` triples, an enumeration fact to
a list of ``(label or None, mask)`` pairs, each list's masks partitioning the lanes (an
unknown integer is its declared bounds, an unknown label None); ``readings`` maps an
interpretation to its ``(t, f)`` masks. Every fact and interpretation read must be given.
"""
from __future__ import annotations

from typing import Mapping

from ..model.nodes import Arith, BoolType, Compare, IntLit, Is, Ref, leaves
from ..model.policy import PolicySet
from .partial import _COMPARE, _Emitter


class LaneEvaluator:
    """One policy (or, with ``only``, some of its assumptions) compiled for lanes."""

    def __init__(self, policy: PolicySet, only: list | None = None):
        self.policy = policy
        self.keys, self.source, self._fn = _LaneEmitter(policy, only).compiled()

    def run(self, facts: Mapping, readings: Mapping, mask: int, full: bool = True):
        """``(t, f)``: two tuples of lane masks aligned with ``keys``; ``mask`` has a bit set
        for every lane in use. With ``full=False`` the evaluation returns None as soon as
        the assumptions are definitely false in lane 0."""
        return self._fn(facts, readings, mask, full)


class _LaneEmitter(_Emitter):
    """The structural emitter of ``partial`` with (t, f) mask pairs for truth values."""

    T, F = ("M", "0"), ("0", "M")
    signature = "lanes(k, r, M, full)"

    def source(self) -> str:
        body = "\n".join("    " + line for line in self.lines)
        t = ", ".join(v[0] for v in self.values)
        f = ", ".join(v[1] for v in self.values)
        return f"def {self.signature}:\n{body}\n    return ({t},), ({f},)\n"

    def _rail(self, parts: list[str], sep: str, empty: str) -> str:
        if not parts:
            return empty
        return parts[0] if len(parts) == 1 else self.new(sep.join(parts))

    def conj(self, parts: list) -> tuple[str, str]:
        if len(parts) == 1:
            return parts[0]
        return (self._rail([p[0] for p in parts], " & ", "M"), self._rail([p[1] for p in parts], " | ", "0"))

    def disj(self, parts: list) -> tuple[str, str]:
        if len(parts) == 1:
            return parts[0]
        return (self._rail([p[0] for p in parts], " | ", "0"), self._rail([p[1] for p in parts], " & ", "M"))

    def neg(self, part: tuple[str, str]) -> tuple[str, str]:
        return part[1], part[0]

    @staticmethod
    def refuted(value: tuple[str, str]) -> str:
        return f"{value[1]} & 1"

    def fact(self, name: str):
        """A boolean fact's (t, f); an integer or enumeration fact's list of lane groups."""
        def compute():
            local = self.new(f"k[{name!r}]")
            if isinstance(self.p.facts[name].type, BoolType):
                return self.new(f"{local}[0]"), self.new(f"{local}[1]")
            return local
        return self._memo(("fact", name), compute)

    def reading(self, name: str):
        def compute():
            local = self.new(f"r[{name!r}]")
            return self.new(f"{local}[0]"), self.new(f"{local}[1]")
        return self._memo(("reading", name), compute)

    def compare(self, e: Compare):
        """Over every combination of the integer facts' lane groups: the interval test."""
        names = sorted({x.name for x in leaves(e) if isinstance(x, Ref)})
        sources = [self.fact(n) for n in names]          # emitted before the loops
        var = {n: (f"l{i}", f"h{i}") for i, n in enumerate(names)}
        (al, ah), (bl, bh) = self._interval(e.left, var), self._interval(e.right, var)
        yes, no = (c.format(al=al, ah=ah, bl=bl, bh=bh) for c in _COMPARE[e.op])
        if not names:
            return self.new(f"M if {yes} else 0"), self.new(f"M if {no} else 0")
        t, f = self.new("0"), self.new("0")
        for depth, source in enumerate(sources):
            self.lines.append("    " * depth + f"for l{depth}, h{depth}, m{depth} in {source}:")
        inner = "    " * len(names)
        self.lines.append(inner + f"m = {' & '.join(f'm{i}' for i in range(len(names)))}")
        self.lines.append(inner + f"if {yes}: {t} |= m")
        self.lines.append(inner + f"elif {no}: {f} |= m")
        return t, f

    def _interval(self, e, var: dict) -> tuple[str, str]:
        """(lo, hi) Python expressions bounding an integer expression inside the loops."""
        if isinstance(e, IntLit):
            return str(e.value), str(e.value)
        if isinstance(e, Ref):
            return var[e.name]
        if isinstance(e, Arith):
            (al, ah), (bl, bh) = self._interval(e.left, var), self._interval(e.right, var)
            if e.op == "+":
                return f"({al} + {bl})", f"({ah} + {bh})"
            if e.op == "-":
                return f"({al} - {bh})", f"({ah} - {bl})"
            constant = e.right if isinstance(e.right, IntLit) else e.left if isinstance(e.left, IntLit) else None
            if constant is not None:                    # times a constant: no corners needed
                xl, xh = (al, ah) if constant is e.right else (bl, bh)
                c = constant.value
                return (f"({xl} * {c})", f"({xh} * {c})") if c >= 0 else (f"({xh} * {c})", f"({xl} * {c})")
            corners = f"({al} * {bl}, {al} * {bh}, {ah} * {bl}, {ah} * {bh})"
            return f"min{corners}", f"max{corners}"
        raise TypeError(f"not an integer expression: {e!r}")

    def at_least(self, k: int, ops: list):
        """Sure: at least k operands surely true; refuted: fewer than k possibly true."""
        if k <= 0:
            return self.T
        if k > len(ops):
            return self.F
        sure = self._count(k, [o[0] for o in ops])
        possible = self._count(k, [self.new(f"M ^ {o[1]}") for o in ops])
        return sure, self.new(f"M ^ {possible}")

    def _count(self, k: int, masks: list[str]) -> str:
        """Lanes where at least k of the masks are set (counters c[j] = at least j so far)."""
        counts = ["M"] + ["0"] * k
        for i, m in enumerate(masks):
            for j in range(min(k, i + 1), 0, -1):
                both = self._rail([counts[j - 1], m], " & ", "M") if counts[j - 1] != "M" else m
                counts[j] = both if counts[j] == "0" else self.new(f"{counts[j]} | {both}")
        return counts[k]

    def is_fact(self, e: Is):
        source = self.fact(e.subject)
        t, f = self.new("0"), self.new("0")
        yes, no = (f, t) if e.negated else (t, f)
        self.lines.append(f"for x, m in {source}:")
        self.lines.append("    if x is None: pass")
        self.lines.append(f"    elif x in {tuple(e.labels)!r}: {yes} |= m")
        self.lines.append(f"    else: {no} |= m")
        return t, f
