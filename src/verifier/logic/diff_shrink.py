"""Growing a witness's cube into a prime-implicant-like cube of a diff region.

``Shrinker(solver, region, case, readings).generalise(cube)`` drops literals of ``cube``
(the full cube of the witness ``case``, which lies in the region) greedily in order, then
widens enum and integer literals, keeping the cube inside the region: ``unsat(scope and
cube and not goal)``. Every step is decided by that yes / no question alone, asked in a
fixed order, so the result does not depend on z3's models. The question is answered
without the solver when possible:

- "no" when a known counterexample — a complete case in the scope, failing the goal —
  satisfies the cube (checked by evaluation);
- "yes" when Kleene evaluation of the cube's fixed inputs, plus what the assumptions'
  binary clauses force, shows ``not scope or goal`` (``diff_cases.CaseTest.inside``);
- "no" when a candidate turns out to be a counterexample: the witness with one released
  input changed (every cube asked about is the current cube, which lies inside and holds
  in the witness, with some inputs released), possibly with the boolean inputs the binary
  clauses then force flipped; or an earlier solver counterexample with the inputs the cube
  fixes reset to the witness's values;
- otherwise by one solver call (``DiffSolver.inside``), whose counterexample is kept.
"""
from __future__ import annotations

from ..model.nodes import EnumType, IntType
from .diff_cases import Region, cube_holds


def _key(lit: tuple):
    return ("reading", lit[1]) if lit[0] == "reading" else lit[1]


def _allowed(lit: tuple):
    """The values a cube literal allows (a range for an integer literal)."""
    if lit[0] in ("bool", "reading"):
        return (lit[2],)
    if lit[0] == "enum":
        return lit[2]
    return range(lit[2], lit[3] + 1)


class Shrinker:
    """The cube generalisation of one witness (see module docstring)."""

    def __init__(self, s, region: Region, case: dict, readings: dict):
        self.s, self.region, self.sub = s, region, s.sub(region)
        self.case, self.readings = case, readings
        self._tried: set = set()                     # (input, value) changes evaluated
        self.found: list[tuple] = []                 # counterexamples: (case, readings)
        self.models: list[tuple] = []                # the solver's ones among them

    # ------------------------------------------------------------ the question
    def inside(self, cube: list[tuple], released) -> bool:
        """unsat(scope and cube and not goal), where ``cube`` is the current cube (known to
        lie inside) with the inputs ``released`` dropped or widened. A single change of
        the witness can only be a counterexample if it is to a released input: any other
        change satisfies the current cube."""
        if any(cube_holds(cube, *c) for c in self.found):
            return False
        if self.sub.test.inside(self.region, cube):
            return True
        allowed = {_key(lit): _allowed(lit) for lit in cube}
        for key, value in self._candidates(allowed, released):
            c = self._counterexample(key, value)
            if c is not None and cube_holds(cube, *c):
                return False
        for i, model in enumerate(self.models):
            c = self._projection(i, model, allowed)
            if c is not None:
                return False
        inside, model = self.s.inside(self.region, cube)
        if model is not None:
            self.found.append(model)
            self.models.append(model)
        return inside

    def _projection(self, i: int, model: tuple, allowed: dict):
        """A solver counterexample of an earlier question moved into the cube: its inputs
        outside what the cube allows take the witness's values. The candidate if it is a
        counterexample (each tried once), else None."""
        case, readings = dict(model[0]), dict(model[1])
        moved = []
        for key, values in allowed.items():
            if isinstance(key, tuple):
                if readings[key[1]] not in values:
                    readings[key[1]] = self.readings[key[1]]
                    moved.append(key)
            elif case[key] not in values:
                case[key] = self.case[key]
                moved.append(key)
        if not moved or (i, tuple(moved)) in self._tried:
            return None
        self._tried.add((i, tuple(moved)))
        if self.sub.test.outside(self.region, case, readings):
            self.found.append((case, readings))
            return case, readings
        return None

    def _candidates(self, allowed: dict, released):
        """Untried (input, value) pairs: the witness with that one change of a released
        input satisfies the cube (whose literals are given as ``allowed``)."""
        out = []
        for key in released:
            current = self._current(key)
            t = None if isinstance(key, tuple) else self.s.enc.policy.facts[key].type
            if isinstance(t, EnumType):
                values = t.labels
            elif isinstance(t, IntType):
                r = allowed.get(key, range(t.lo, t.hi + 1))
                values = [v for v in (r.start, r.stop - 1, current - 1, current + 1)
                          if t.lo <= v <= t.hi]
            else:
                values = (not current,)
            for v in values:
                if v != current and (key not in allowed or v in allowed[key]) \
                        and (key, v) not in self._tried:
                    out.append((key, v))
        return out

    def _current(self, key):
        return self.readings[key[1]] if isinstance(key, tuple) else self.case[key]

    def _counterexample(self, key, value):
        """The witness with ``key`` changed to ``value`` — and, if that alone is not a
        counterexample, with the boolean inputs the implications then force flipped — if
        that is a counterexample (else None; each change is tried once)."""
        self._tried.add((key, value))
        case, readings = self.case, self.readings
        if isinstance(key, tuple):
            readings = {**readings, key[1]: value}
        else:
            case = {**case, key: value}
        test = self.sub.test
        if not test.outside(self.region, case, readings):
            w = test.implications.repair((self.case, self.readings), [(key, value)], ()) \
                if test.implications is not None else None
            if w is None or w == (case, readings) or not test.outside(self.region, *w):
                return None
            case, readings = w
        self.found.append((case, readings))
        return case, readings

    # ------------------------------------------------------------ generalisation
    def generalise(self, cube: list[tuple]) -> list[tuple]:
        """Drop literals (greedily, in order, whole blocks at once when possible), then
        widen enum and integer literals, while the cube stays inside the region."""
        cube = self._drop([], cube, [])
        i = 0
        while i < len(cube):
            lit = cube[i]
            if lit[0] == "enum":
                cube[i] = self._widen_enum(cube, i)
            elif lit[0] == "int":
                cube[i] = self._widen_int(cube, i)
            if self._trivial(cube[i]):
                del cube[i]
            else:
                i += 1
        return cube

    def _drop(self, kept: list, block: list, suffix: list) -> list:
        """The literals of ``block`` that in-order greedy deletion keeps, given the kept
        literals before it and the undecided ``suffix`` after it (still present). A block
        whose removal keeps the cube inside is dropped whole: by monotonicity the
        one-by-one deletion would drop each of its literals too."""
        if not block:
            return []
        if self.inside(kept + suffix, [_key(x) for x in block]):
            return []
        if len(block) == 1:
            return block
        h = len(block) // 2
        first = self._drop(kept, block[:h], block[h:] + suffix)
        return first + self._drop(kept + first, block[h:], suffix)

    def _trivial(self, lit: tuple) -> bool:
        """True for a literal that allows every value of its input's type."""
        if lit[0] == "enum":
            return len(lit[2]) == len(self.s.enc.policy.facts[lit[1]].type.labels)
        if lit[0] == "int":
            t = self.s.enc.policy.facts[lit[1]].type
            return (lit[2], lit[3]) == (t.lo, t.hi)
        return False

    def _widen_enum(self, cube: list[tuple], i: int) -> tuple:
        _, name, labels = cube[i]
        fact = self.s.enc.policy.facts[name]
        for x in fact.type.labels:
            if x not in labels:
                trial = (*labels, x)
                if self.inside(cube[:i] + [("enum", name, trial)] + cube[i + 1:], [name]):
                    labels = trial
        order = fact.type.labels
        return ("enum", name, tuple(x for x in order if x in labels))

    def _widen_int(self, cube: list[tuple], i: int) -> tuple:
        _, name, lo, hi = cube[i]
        t = self.s.enc.policy.facts[name].type

        def ok(a, b):
            return self.inside(cube[:i] + [("int", name, a, b)] + cube[i + 1:], [name])
        a, b = t.lo, lo                   # smallest a with ok(a, hi): binary search
        while a < b:
            mid = (a + b) // 2
            if ok(mid, hi):
                b = mid
            else:
                a = mid + 1
        lo = a
        a, b = hi, t.hi                   # largest b with ok(lo, b)
        while a < b:
            mid = (a + b + 1) // 2
            if ok(lo, mid):
                a = mid
            else:
                b = mid - 1
        return ("int", name, lo, a)
