"""Which interpretations a verdict depends on, and the readings grouped by verdict.

A verdict table maps readings (assignments of some open interpretations, plus the case's
own) to a status. ``depends`` drops every interpretation whose value never changes the
status (checked on the admissible readings present: the table stays a function of what
is kept) and groups the readings by what is left. ``cover`` writes the readings with one
status as a short disjunction of partial readings (merged cubes), for the ruling's text.
"""
from __future__ import annotations

from itertools import combinations

Reading = tuple   # ((name, bool), ...) sorted by name


def depends(table: dict[Reading, str], names: list[str]) -> dict[Reading, tuple[str, Reading]]:
    """{reading restricted to the interpretations that matter: (status, a full reading of the group)}.

    An interpretation is dropped when, after dropping it, every restricted reading still has
    one status; names are tried in order, so the result is deterministic.
    """
    keep = list(names)
    for name in names:
        trial = [n for n in keep if n != name]
        if _is_function(table, set(names) - set(trial)):
            keep = trial
    gone = set(names) - set(keep)
    out: dict[Reading, tuple[str, Reading]] = {}
    for full in sorted(table):
        key = tuple(x for x in full if x[0] not in gone)
        if key not in out:
            out[key] = (table[full], full)
    return out


def _is_function(table: dict[Reading, str], gone: set[str]) -> bool:
    seen: dict[Reading, str] = {}
    for full, status in table.items():
        key = tuple(x for x in full if x[0] not in gone)
        if seen.setdefault(key, status) != status:
            return False
    return True


def cover(readings: list[Reading], others: list[Reading]) -> list[Reading]:
    """Few partial readings (cubes) whose extensions include every reading of ``readings``
    and none of ``others``: prime implicants by merging, then a greedy cover."""
    if not readings:
        return []
    cubes = {tuple(r) for r in readings}
    primes: set[Reading] = set()
    while cubes:
        merged, used = set(), set()
        for a, b in combinations(sorted(cubes), 2):
            m = _merge(a, b)
            if m is not None:
                merged.add(m)
                used |= {a, b}
        primes |= cubes - used
        cubes = merged
    bad = [set(r) for r in others]
    primes = {p for p in primes if not any(set(p) <= o for o in bad)}
    chosen: list[Reading] = []
    todo = [set(r) for r in readings]
    while todo:
        best = max(sorted(primes), key=lambda p: (sum(set(p) <= t for t in todo), -len(p)))
        chosen.append(best)
        todo = [t for t in todo if not set(best) <= t]
    return sorted(chosen, key=lambda c: (len(c), c))


def _merge(a: Reading, b: Reading) -> Reading | None:
    """The cube covering both when they differ in the value of exactly one name."""
    if [n for n, _ in a] != [n for n, _ in b]:
        return None
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(diff) != 1:
        return None
    return a[:diff[0]] + a[diff[0] + 1:]
