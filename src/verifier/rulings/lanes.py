"""Candidate completions of a partial case, laid out in lanes (``verifier.evaluate.lanes``).

``CaseLanes(policy).build(known, given)`` returns the lane inputs: lane 0 is the case
itself (its unknown facts unknown), lanes 1..N-1 complete it. With ``copies=K`` the N
lanes are laid out K times side by side (lane c·N + i holds the same facts as lane i), so
that a caller can give each copy its own readings (``RulingsQuery.decide_many``,
``RulingsQuery.reading_witness``); lane c·N is then the case itself in copy c.

Free facts (no assumption reaches them) are drawn from a fixed pseudo-random pool — lane
groups of different densities of true, from mostly false to mostly true, so that long
conjunctions and long disjunctions of unknown facts both take both values somewhere;
integer facts at the policy's thresholds (every constant they are compared with, its
neighbours, the bounds). The facts of one assumption component (facts linked by
assumptions) are filled together with one of the component's admissible assignments
consistent with the known facts, found by enumerating candidate values through the
component's assumptions (cached by the case's restriction to the component).

Nothing here is trusted: the caller evaluates the lanes and uses a lane as a witness only
where the evaluation finds every assumption TRUE (a complete lane is an exact
evaluation). A poor sample only costs a solver call.
"""
from __future__ import annotations

import random
from itertools import product
from typing import Mapping, NamedTuple

from ..evaluate.lanes import LaneEvaluator
from ..model import Arith, BoolType, Compare, IntLit, IntType, PolicySet, Ref, walk
from .deps import Cone


class CaseLanes:
    """Lane inputs for partial cases of one policy (deterministic: fixed seed and order)."""

    DENSITIES = (0.5, 0.1, 0.9, 0.3, 0.7, 0.02, 0.98, 0.5)
    MAX_COMBOS = 1024          # candidate assignments tried per component and case
    MAX_OPTIONS = 32           # admissible assignments spread over the lanes
    CACHE_LIMIT = 20_000       # cached component fills (≈ 3 KB each); emptied when full

    def __init__(self, policy: PolicySet, lanes: int = 1024, pool: int = 101, seed: int = 0,
                 cone: Cone | None = None, copies: int = 1):
        self.policy = policy
        self.lanes = lanes                          # per copy
        self.copies = copies
        self._unit = sum(1 << (c * lanes) for c in range(copies))
        self.mask = ((1 << lanes) - 1) * self._unit
        self.head = self._unit                      # lane 0 of each copy: the case itself
        self.witness = self.mask ^ self.head        # the others: completions
        self._cache_limit = self.CACHE_LIMIT // copies
        self._rng = rng = random.Random(seed)
        self._turn = 0
        self._thresholds = thresholds(policy)
        self.components = components(policy, self._thresholds, cone)
        in_component = {n for c in self.components for n in c.names}
        facts = policy.facts
        density = [self.DENSITIES[i * len(self.DENSITIES) // lanes] for i in range(lanes)]
        self._partitions: dict[tuple, list[int]] = {}
        self._known: dict[tuple, object] = {}
        bools = []
        for _ in range(pool):
            t = sum(1 << i for i in range(1, lanes) if rng.random() < density[i]) * self._unit
            bools.append((t, self.witness ^ t))
        free = sorted(n for n in facts if n not in in_component)
        slots = {n: slot(policy, n, self._thresholds) for n in free}
        interps = sorted(n for n in policy.interpretations if n not in in_component)
        self._free = []                     # per turn: every free fact and reading from the pool
        for j in range(pool):
            fill = {n: bools[(i * 31 + j) % pool] if slots[n].kind == "bool" else
                    self._spread(slots[n].values, self._partition(len(slots[n].values), (n, j)), slots[n])
                    for i, n in enumerate(free)}
            self._free.append((fill, {n: bools[(i * 37 + 11 + j) % pool] for i, n in enumerate(interps)}))
        self._options: dict[tuple, tuple | None] = {}

    # ------------------------------------------------------------ per case
    def build(self, known: Mapping, given: Mapping) -> tuple[dict, dict]:
        """(facts, readings) lane inputs. A component with no admissible assignment among
        its candidates (the case may be inadmissible) stays unknown in every lane, so no
        lane is complete: the caller then has no witness and asks the solver."""
        turn = self._turn = (self._turn + 1) % len(self._free)
        facts, readings = self._free[turn]
        facts, readings = facts.copy(), readings.copy()
        for values, target in ((known, facts), (given, readings)):
            inputs = list(map(self._known.get, values.items()))
            if None in inputs:                    # a value not met before
                inputs = [self.constant(*item) for item in values.items()]
            target.update(zip(values, inputs))
        values = {**known, **given}
        for index, comp in enumerate(self.components):
            filled = self._component(index, comp, tuple(map(values.get, comp.names)))
            facts.update(filled[0])
            readings.update(filled[1])
        return facts, readings

    def constant(self, name: str, value):
        """The lane input of a known fact or reading (the same in every lane)."""
        key = (name, value)
        out = self._known.get(key)
        if out is None:
            kind = slot(self.policy, name, {}).kind
            out = ((self.mask, 0) if value else (0, self.mask)) if kind == "bool" \
                else [(value, value, self.mask)] if kind == "int" else [(value, self.mask)]
            self._known[key] = out
        return out

    # ------------------------------------------------------------ components
    def _component(self, index: int, comp: "Component", restriction: tuple) -> tuple[dict, dict]:
        """The component's lane inputs (cached by ``restriction``): its known values; its
        unknown ones spread over the completion lanes from its admissible assignments, and
        in lane 0 the value the assumptions force, if any — every admissible assignment
        has it (when the candidates were the whole domains), or the other values make an
        assumption FALSE already in three-valued logic (failed literals)."""
        key = (index, restriction)
        filled = self._options.get(key)
        if filled is not None:
            return filled
        unknown = [n for n, v in zip(comp.names, restriction) if v is None]
        values = {n: v for n, v in zip(comp.names, restriction) if v is not None}
        options, exhaustive = self._admissible(comp, unknown, values)
        if exhaustive:
            forced = {n: column.pop() for n, column in
                      ((n, {o[i] for o in options}) for i, n in enumerate(unknown)) if len(column) == 1}
        else:
            forced = self._failed_literals(comp, unknown, values)
        slots = comp.slots
        filled = ({}, {})
        for n, v in values.items():
            filled[slots[n].reading][n] = self.constant(n, v)
        groups = self._partition(len(options), index) if options else None
        for position, n in enumerate(unknown):
            spread = self._spread([o[position] for o in options], groups, slots[n]) if options \
                else self._unknown(slots[n])
            filled[slots[n].reading][n] = spread if n not in forced else _in_heads(spread, forced[n], self.head)
        if len(self._options) > self._cache_limit:
            self._options.clear()
        self._options[key] = filled
        return filled

    def _failed_literals(self, comp: "Component", unknown: list[str], values: dict) -> dict:
        """Values of unknown booleans and labels of unknown enumerations that every other
        value of theirs makes an assumption of the component FALSE in three-valued logic
        (one lane per value, everything else unknown)."""
        slots = comp.slots
        tested = [(n, v) for n in unknown for v in slots[n].domain]
        if not tested:
            return {}
        whole = (1 << len(tested)) - 1
        inputs = ({}, {})
        for n, v in values.items():
            inputs[slots[n].reading][n] = self.constant(n, v)
        for n in unknown:
            bits = {v: 1 << i for i, (m, v) in enumerate(tested) if m == n}
            kind = slots[n].kind
            inputs[slots[n].reading][n] = (bits[True], bits[False]) if kind == "bool" \
                else [(slots[n].lo, slots[n].hi, whole)] if kind == "int" \
                else list(bits.items()) + [(None, whole ^ sum(bits.values()))]
        refuted = comp.evaluator.run(inputs[0], inputs[1], whole)[1][0]
        forced = {}
        for n in unknown:
            alive = [v for i, (m, v) in enumerate(tested) if m == n and not refuted >> i & 1]
            if len(alive) == 1 and len(slots[n].domain) > 1:
                forced[n] = alive[0]
        return forced

    def _unknown(self, slot: "Slot"):
        """The lane input of a fact or reading unknown in every lane."""
        return (0, 0) if slot.kind == "bool" else [(slot.lo, slot.hi, self.mask)] if slot.kind == "int" \
            else [(None, self.mask)]

    def _admissible(self, comp: "Component", unknown: list[str], values: dict) -> tuple[list[tuple], bool]:
        """(admissible assignments of ``unknown`` (tuples in that order) among the candidates,
        whether the candidates were every value of every name):
        every combination in its own lane (mixed radix, the last name fastest), evaluated
        through the component's assumptions. The assignments kept cover every candidate
        value of every name that some admissible combination has, then others spread
        evenly, at most ``MAX_OPTIONS`` in all."""
        slots = comp.slots
        columns = self._thin([self._candidates(slots[n], values) for n in unknown])
        size = _size(columns)
        exhaustive = size <= self.MAX_COMBOS and all(len(c) == len(slots[n].domain) for c, n in zip(columns, unknown))
        if size > self.MAX_COMBOS:                # too many still: a random sample of them
            lanes = self.MAX_COMBOS
            layout = [self._random_groups(column, lanes) for column in columns]
        else:                                     # every combination (mixed radix)
            lanes = size
            layout, stride = [], lanes
            for column in columns:
                stride //= len(column)
                repeat = ((1 << lanes) - 1) // ((1 << (stride * len(column))) - 1)
                layout.append([(((1 << stride) - 1) << (d * stride)) * repeat for d in range(len(column))])
        whole = (1 << lanes) - 1
        inputs = ({}, {})
        for n, v in values.items():
            inputs[slots[n].reading][n] = self.constant(n, v)
        for n, column, groups in zip(unknown, columns, layout):
            slot = slots[n]
            inputs[slot.reading][n] = \
                (groups[column.index(True)] if True in column else 0,
                 groups[column.index(False)] if False in column else 0) if slot.kind == "bool" \
                else [(v, v, g) for v, g in zip(column, groups)] if slot.kind == "int" else list(zip(column, groups))
        ok = comp.evaluator.run(inputs[0], inputs[1], whole)[0][0] & whole
        chosen = []
        for groups in layout:                     # every value some admissible lane has
            for g in groups:
                hit = ok & g
                if hit:
                    chosen.append((hit & -hit).bit_length() - 1)
        bits = format(ok, "b")[::-1]              # bit i at position i
        step = max(1, lanes // self.MAX_OPTIONS)
        i = bits.find("1")
        while i >= 0 and len(chosen) < self.MAX_OPTIONS:
            chosen.append(i)
            i = bits.find("1", i + step)
        chosen = sorted(set(chosen))
        if _size(columns) == lanes:
            combos = list(product(*columns))      # mixed radix: lane i holds combos[i]
            return [combos[i] for i in chosen], exhaustive
        return [tuple(next(v for v, g in zip(column, groups) if g >> i & 1)
                      for column, groups in zip(columns, layout)) for i in chosen], exhaustive

    def _thin(self, candidates: list[tuple[list, set]]) -> list[list]:
        """The candidate lists cut so that their product is at most ``MAX_COMBOS`` where
        possible: each integer list longer than its share keeps its required values and
        evenly spaced others (then every other value, if still too many). Booleans and
        labels are never cut: too many of them and the caller samples combinations."""
        sizes = [len(c) for c, _ in candidates]
        if _size([range(n) for n in sizes]) <= self.MAX_COMBOS:
            return [c for c, _ in candidates]
        thinnable = [i for i, (c, kept) in enumerate(candidates) if len(c) > len(kept)]
        fixed = _size([range(n) for i, n in enumerate(sizes) if i not in thinnable])
        share = max(1, int((self.MAX_COMBOS / fixed) ** (1 / max(1, len(thinnable)))))
        out = []
        for i, (column, kept) in enumerate(candidates):
            room = share - len(kept)
            if i not in thinnable or len(column) <= share or room <= 0:
                out.append(column if i not in thinnable or room > 0 else sorted(kept))
                continue
            others = [v for v in column if v not in kept]
            step = len(others) / room
            out.append(sorted(kept | {others[int(j * step)] for j in range(room)}))
        while _size(out) > self.MAX_COMBOS:       # the required integer values alone are too many
            integers = [i for i, (column, kept) in enumerate(candidates) if kept != column and len(out[i]) > 2]
            if not integers:                      # booleans and labels: sampled by the caller
                break
            longest = max(integers, key=lambda i: len(out[i]))
            out[longest] = out[longest][::2]
        return out

    def _random_groups(self, column: list, lanes: int) -> list[int]:
        """A random split of ``lanes`` lanes by value (one mask per value of ``column``)."""
        if len(column) == 2:
            bits = self._rng.getrandbits(lanes)
            return [((1 << lanes) - 1) ^ bits, bits]
        groups = [0] * len(column)
        for i in range(lanes):
            groups[self._rng.randrange(len(column))] |= 1 << i
        return groups

    @staticmethod
    def _candidates(slot: "Slot", values: dict) -> tuple:
        """(values tried, those never thinned out) for an unknown fact or reading: its whole
        domain (booleans, labels), or for an integer its thresholds and bounds plus the
        boundaries the component's comparisons put on it given the known values (kept)."""
        if slot.domain:
            return slot.domain, slot.domain
        required = set()
        for difference, refs in slot.compares:
            if all(n == slot.name or n in values for n in refs):
                required |= boundaries(difference, refs, slot.name, values, slot.lo, slot.hi)
        return (sorted(required.union(slot.values)), required) if required else (slot.values, required)

    # ------------------------------------------------------------ lane layout
    def _partition(self, size: int, salt=0) -> list[int]:
        """The completion lanes split at random into ``size`` non-empty groups (cached): one
        shuffled split per size, rotated over the completion lanes by a salt-dependent amount
        (a rotation costs a few big-integer operations; a shuffle costs one per lane)."""
        key = (size, salt)
        groups = self._partitions.get(key)
        if groups is None:
            base = self._partitions.get((size, None))
            if base is None:
                rng = random.Random(f"{size}")
                order = list(range(1, self.lanes))
                rng.shuffle(order)
                width = (self.lanes + 7) // 8
                arrays = [bytearray(width) for _ in range(size)]
                for i, lane in enumerate(order):
                    arrays[i % size][lane >> 3] |= 1 << (lane & 7)
                base = self._partitions[(size, None)] = [int.from_bytes(a, "little") for a in arrays]
            n = self.lanes - 1                      # completion lanes 1..lanes-1 (of each copy)
            shift = random.Random(f"{size}/{salt}").randrange(n)
            full = (1 << n) - 1
            groups = [(((((g >> 1) << shift) | ((g >> 1) >> (n - shift))) & full) << 1) * self._unit
                      for g in base]
            self._partitions[key] = groups
        return groups

    def _spread(self, column: list, groups: list[int], slot: "Slot"):
        """The lane input giving completion-lane group i the value ``column[i]``, lane 0 unknown."""
        if slot.kind == "bool":
            yes = 0
            for v, g in zip(column, groups):
                if v:
                    yes |= g
            return yes, self.witness ^ yes
        by_value: dict = {}
        for v, g in zip(column, groups):
            by_value[v] = by_value.get(v, 0) | g
        if slot.kind == "int":
            return [(slot.lo, slot.hi, self.head)] + [(v, v, m) for v, m in sorted(by_value.items())]
        return [(None, self.head)] + sorted(by_value.items())


class Slot(NamedTuple):
    """One fact or reading: how it is laid out in lanes and which values are tried."""

    name: str
    kind: str                    # "bool" (facts and readings), "int" or "enum"
    reading: bool
    domain: tuple                # every value (booleans, labels); () for integers
    values: list                 # the values tried: the domain, or thresholds and bounds
    lo: int
    hi: int
    compares: list               # in a component: (left - right as a function of refs, refs)


def slot(policy: PolicySet, name: str, limits: dict, compares: list = ()) -> Slot:
    """The slot of a fact or interpretation (``limits``: the integer thresholds)."""
    t = policy.facts[name].type if name in policy.facts else BoolType()
    kind = "bool" if isinstance(t, BoolType) else "int" if isinstance(t, IntType) else "enum"
    domain = (False, True) if kind == "bool" else tuple(t.labels) if kind == "enum" else ()
    lo, hi = (t.lo, t.hi) if kind == "int" else (0, 0)
    values = sorted(limits.get(name, set()) | {lo, hi}) if kind == "int" else list(domain)
    return Slot(name, kind, name in policy.interpretations, domain, values, lo, hi,
                [c for c in compares if name in c[1]])


class Component:
    """Facts and readings linked by assumptions, and those assumptions compiled for lanes.

    An unknown integer's candidate values include, besides the thresholds, where each
    comparison over the component's facts changes truth given the known values: those of
    its assumptions, and those of every rule, term and discretion (e.g. 好等次班子数 * 10 >
    同类班子总数 * 3 with 同类班子总数 known), so that witness lanes fall on both sides."""

    def __init__(self, policy: PolicySet, names: set[str], assumptions: list, limits: dict):
        self.names = tuple(sorted(names))
        self.assumptions = assumptions
        self.evaluator = LaneEvaluator(policy, only=assumptions)
        exprs = [a.expr for a in assumptions] + _conditions(policy)
        compares, seen = [], set()
        for e in exprs:
            for node in walk(e):
                if not isinstance(node, Compare) or id(node) in seen:
                    continue
                seen.add(id(node))
                refs = tuple(sorted({x.name for x in walk(node) if isinstance(x, Ref)}))
                if refs and set(refs) <= set(names):
                    compares.append((_difference(node, refs), refs))
        self.slots = {n: slot(policy, n, limits, compares) for n in self.names}


def _conditions(policy: PolicySet) -> list:
    """Every condition of a rule, term or discretion (None left out)."""
    exprs = [t.definition for t in policy.terms.values()] + [d.condition for d in policy.discretions]
    for r in policy.rules.values():
        exprs += [r.condition, r.unless]
    return [e for e in exprs if e is not None]


def components(policy: PolicySet, limits: dict | None = None, cone: Cone | None = None) -> list[Component]:
    """The assumption components: assumptions grouped by the facts and readings they reach
    (through terms and outcomes too), merged while they share one."""
    cone = cone or Cone(policy)
    groups: list[tuple[set, list]] = []
    for a in policy.assumptions:
        reach: set = set()
        cone._walk_expr(a.expr, reach, set(), set())
        names, members = set(reach), [a]
        for g in [g for g in groups if g[0] & names]:
            groups.remove(g)
            names |= g[0]
            members = g[1] + members
        groups.append((names, members))
    order = {a.name: i for i, a in enumerate(policy.assumptions)}
    groups.sort(key=lambda g: order[g[1][0].name])
    limits = thresholds(policy) if limits is None else limits
    return [Component(policy, names, sorted(members, key=lambda a: order[a.name]), limits)
            for names, members in groups]


def _in_heads(spread, value, head: int):
    """A lane input with the head lanes (mask ``head``) set to ``value`` (unknown there before)."""
    if isinstance(spread, tuple):                     # boolean: (t, f)
        return (spread[0] | head, spread[1] & ~head) if value else (spread[0] & ~head, spread[1] | head)
    out, placed = [], False
    for entry in spread:                              # (lo, hi, mask) or (label, mask)
        point = entry[0] == value and (len(entry) == 2 or entry[1] == value)
        mask = entry[-1] | head if point else entry[-1] & ~head
        placed |= point
        if mask:
            out.append(entry[:-1] + (mask,))
    if not placed:
        out.append(((value, value) if len(spread[0]) == 3 else (value,)) + (head,))
    return out


def thresholds(policy: PolicySet) -> dict[str, set[int]]:
    """Per integer fact: each constant it is compared with (directly or in a sum), and ±1."""
    out: dict[str, set[int]] = {}
    for e in [a.expr for a in policy.assumptions] + _conditions(policy):
        for node in walk(e):
            if not isinstance(node, Compare):
                continue
            parts = list(walk(node))
            consts = [x.value for x in parts if isinstance(x, IntLit)]
            for x in parts:
                t = policy.facts[x.name].type if isinstance(x, Ref) and x.name in policy.facts else None
                if isinstance(t, IntType):
                    out.setdefault(x.name, set()).update(
                        v for c in consts for v in (c - 1, c, c + 1) if t.lo <= v <= t.hi)
    return out


def boundaries(difference, refs: tuple, name: str, values: dict, lo: int, hi: int) -> set[int]:
    """Where a comparison, linear in ``name`` once the other facts take their known
    ``values``, changes truth: the root of ``difference`` (left - right, a function of
    ``refs``) and its neighbours, within [lo, hi]."""
    at0 = difference(*[0 if n == name else values[n] for n in refs])
    slope = difference(*[1 if n == name else values[n] for n in refs]) - at0
    if slope == 0:
        return set()
    root = -at0 // slope
    return {v for v in (root - 1, root, root + 1) if lo <= v <= hi}


def _difference(e: Compare, refs: tuple):
    """``left - right`` of a comparison as a Python function of ``refs`` (positional)."""
    args = {n: f"a{i}" for i, n in enumerate(refs)}

    def text(x) -> str:
        if isinstance(x, IntLit):
            return str(x.value)
        if isinstance(x, Ref):
            return args[x.name]
        if isinstance(x, Arith):
            return f"({text(x.left)} {x.op} {text(x.right)})"
        raise TypeError(f"not an integer expression: {x!r}")
    return eval(f"lambda {', '.join(args.values())}: {text(e.left)} - ({text(e.right)})")  # noqa: S307


def _size(columns: list[list]) -> int:
    size = 1
    for c in columns:
        size *= len(c)
    return size
