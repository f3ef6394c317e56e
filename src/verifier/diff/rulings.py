"""Rulings-style kinds of change (``verifier diff --rulings``): what an amendment does to
the verdict on a partial case — refuted → proven, proven → open, …

For a change of outcome ``o`` with a witness ``w`` (a complete case where the versions
disagree), the side where ``o`` holds at ``w`` (new for a gained outcome, old for a lost
one) proves it from a minimal set of premises (``RulingsQuery.core``: deletion-minimal).
The facts among those premises, less any the proving side does not need once every
rule and assumption is in force (dropped one by one in name order), with ``w``'s readings,
make a partial case ruled on by both versions: the side that proves ``o`` says PROVEN by construction, the
other says what it can — OPEN (``w`` itself is a completion where it fails on that side)
or REFUTED. That pair of verdicts is the kind, and the partial case its minimal witness:
no known fact can be dropped without the proving side losing its proof.
"""
from __future__ import annotations

from typing import Optional

from ..cases import make_case
from ..evaluate.structure import Atom
from ..logic.rulings_query import FACT
from ..rulings import DISCRETION, PROVEN, RulingEngine
from .merge import Merged
from .report import GAINED, RulingChange, Witness


HOLDS = (PROVEN, DISCRETION)             # verdicts that prove the outcome true


class RulingKinds:
    """Rulings engines for both versions, built on first use."""

    def __init__(self, merged: Merged):
        self.m = merged
        self._engines: dict[str, RulingEngine] = {}

    def engine(self, side: str) -> RulingEngine:
        if side not in self._engines:
            self._engines[side] = RulingEngine(self.m.old if side == "old" else self.m.new,
                                               certify=False)
        return self._engines[side]

    def of(self, key: Atom, direction: str, w: Witness) -> Optional[RulingChange]:
        """The kind of change ``w`` shows for ``key`` on partial cases, or None when the
        outcome or a fact of the proof is missing on one side."""
        proving = "new" if direction == GAINED else "old"
        other = "old" if proving == "new" else "new"
        case, readings = dict(w.case), dict(w.readings)
        c, r = self.m.side_case(proving, case, readings)
        outcome = (key.kind, key.target, key.value)
        engine = self.engine(proving)
        if outcome not in engine.outcomes:
            return None
        premises = engine.query.core(tuple(sorted(c.items())), tuple(sorted(r.items())),
                                     outcome, True)
        facts = dict(sorted(item for kind, item in premises if kind == FACT))
        # the core is minimal among premises that include rules and assumptions; with all
        # of them in force, drop each fact that is not needed (name order)
        for name in list(facts):
            fewer = {n: v for n, v in facts.items() if n != name}
            if self._verdict(proving, fewer, r, outcome) in HOLDS:
                facts = fewer
        verdicts = {}
        for side in (proving, other):
            policy = self.m.old if side == "old" else self.m.new
            if any(n not in policy.facts for n in facts) or outcome not in self.engine(side).outcomes:
                return None
            verdicts[side] = self._verdict(side, facts, self.m.side_case(side, case, readings)[1],
                                           outcome)
            if verdicts[side] is None:
                return None
        return RulingChange(verdicts["old"], verdicts["new"], tuple(facts.items()),
                            tuple(sorted(r.items())))

    def _verdict(self, side: str, facts: dict, readings: dict, outcome: tuple) -> Optional[str]:
        """The verdict of ``side`` on ``outcome`` for the partial case (None: inadmissible)."""
        tables = self.engine(side).statuses(make_case("diff", facts, readings))
        return next(iter(tables.values()))[outcome] if tables else None
