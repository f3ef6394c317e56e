"""What to find out next about an OPEN outcome: unknown facts ranked by how decisive they are.

For each unknown fact in the outcome's cone and each answer it could get (both truth
values, every label, the integer thresholds the policy compares with), the verdict on the
extended case is computed by the same solver-backed ``decide`` as every verdict (so each
"if … then …" shown is a verdict, not a guess). A fact is worth asking when some answer
changes the verdict; facts are ranked by how many of their answers decide the outcome,
then by how many change its verdict, then by declaration order in the policy. When no
single answer changes anything (the outcome turns on several facts at once), the facts of
a smallest deciding set are proposed instead (``RulingsQuery.deciding_sets``).
"""
from __future__ import annotations

from ..model import BoolType, EnumType, PolicySet
from .lanes import thresholds
from .explain import sort_premises
from .model import DISCRETION, OPEN, Answer, Question


class _Facts:
    """A case reduced to its facts (what ``sort_premises`` reads)."""

    def __init__(self, facts: tuple):
        self.facts = facts


def answer_values(policy: PolicySet, name: str, limits: dict) -> tuple:
    """The answers a question about ``name`` can get (integers: its bounds and thresholds)."""
    t = policy.facts[name].type
    if isinstance(t, BoolType):
        return (True, False)
    if isinstance(t, EnumType):
        return tuple(t.labels)
    return tuple(sorted({t.lo, t.hi} | set(limits.get(name, ()))))


class Investigator:
    """Ranks the unknown facts of a case by how decisive they are for some outcomes."""

    def __init__(self, engine):
        self.engine = engine
        self.policy = engine.policy
        self.limits = thresholds(engine.policy)
        self.order = {n: i for i, n in enumerate(engine.policy.facts)}
        self.fine = False

    def candidates(self, case, outcomes) -> list[str]:
        """Unknown facts in the cones of the outcomes (and of the atoms their status reads)."""
        known = dict(case.facts)
        names: set[str] = set()
        for o in outcomes:
            for atom in self.engine.related(o):
                names |= self.engine.cone.of(atom)[0]
        return sorted((n for n in names if n in self.policy.facts and n not in known), key=self.order.get)

    def statuses(self, facts, reading, outcomes) -> tuple | None:
        """The outcomes' statuses on a case under a reading (None: inadmissible)."""
        return self.statuses_many([(facts, reading)], outcomes)[0]

    def statuses_many(self, asked: list[tuple], outcomes) -> list[tuple | None]:
        """``statuses`` for each (facts, reading) pair, several per lane run (``decide_many``)."""
        wanted = frozenset(a for o in outcomes for a in self.engine.related(o))   # what their statuses read
        decided = self.engine.query.decide_many([(facts, reading, wanted) for facts, reading in asked])
        return [self._statuses(fixed, facts, reading, outcomes) for fixed, (facts, reading) in zip(decided, asked)]

    def _statuses(self, fixed, facts, reading, outcomes) -> tuple | None:
        if fixed is None:
            return None
        status = self.engine._status_of
        if not self.fine:
            return tuple(status(fixed, o) for o in outcomes)
        # the interview's view: a verdict counts as settled only once every atom its status
        # reads is fixed (a REFUTED permission may still become a DISCRETION)
        return tuple(status(fixed, o) if self.engine.settled(o, fixed, facts, reading) else OPEN for o in outcomes)

    def rank(self, case, readings, outcomes, limit: int | None = 5, reasons: bool = True,
             skip: frozenset = frozenset(), tiers: list[int] | None = None) -> list[Question]:
        """The facts worth asking, most decisive first, over the readings where some outcome
        is OPEN; each with the verdicts its answers lead to (under the first such reading).
        ``tiers`` (aligned with ``outcomes``, 0 first): what an answer decides in a lower tier
        counts before anything it decides in a higher one."""
        tiers = tiers or [0] * len(outcomes)
        depth = max(tiers) + 1
        facts = tuple(case.facts)
        now = list(zip(readings, self.statuses_many([(facts, r) for r in readings], outcomes)))
        now = [(r, s) for r, s in now if s is not None and OPEN in s]
        names = [n for n in self.candidates(case, outcomes) if n not in skip]
        asked = [(facts + ((name, value),), reading) for name in names for reading, _ in now
                 for value in answer_values(self.policy, name, self.limits)]
        results = iter(self.statuses_many(asked, outcomes))
        scored = []
        for name in names:
            decisive = changes = 0
            per_tier = [0] * depth
            answers = []
            for i, (reading, before) in enumerate(now):
                for value in answer_values(self.policy, name, self.limits):
                    after = next(results)
                    if after is None:
                        continue                       # an answer the assumptions rule out
                    for t, a, b in zip(tiers, after, before):
                        per_tier[t] += b == OPEN != a
                    decisive += sum(b == OPEN != a for a, b in zip(after, before))
                    changes += sum(a != b for a, b in zip(after, before))
                    if i == 0:
                        answers.append((value, after, reading))
            if changes:
                scored.append(((*(-x for x in per_tier), -changes, self.order[name]), name, answers, decisive))
        scored.sort()
        if not scored:
            return [q for q in self._fallback(case, [r for r, _ in now], outcomes) if q.fact not in skip]
        chosen = scored if limit is None else scored[:limit]
        return [Question(name, tuple(self._answer(case, name, v, after, r, outcomes, reasons)
                                     for v, after, r in answers), decisive)
                for _, name, answers, decisive in chosen]

    def _answer(self, case, name, value, after, reading, outcomes, reasons: bool) -> Answer:
        """One answer and the verdicts it leads to, with the clauses a decided verdict rests on."""
        clauses: set[str] = set()
        if reasons and len(outcomes) == 1 and after[0] != OPEN:
            clauses = self._clauses(case.facts + ((name, value),), reading, outcomes[0], after[0])
        return Answer(value, after, tuple(sorted(clauses)))

    def _clauses(self, facts, reading, o, status) -> set[str]:
        eng = self.engine
        if status == DISCRETION:
            return {c for d in eng.discretions_for(o) for c in d.meta.cites}
        core = eng.query.core(facts, reading, o, status == "PROVEN")
        case = _Facts(tuple(facts))
        found = set(sort_premises(eng, case, reading, core).clauses(self.policy))
        return found or {c for k, i in core if k == "rule" for c in self.policy.rules[i].meta.cites}

    def _fallback(self, case, readings, outcomes) -> list[Question]:
        """No single answer changes the verdict: the facts of a smallest deciding set."""
        eng = self.engine
        for reading in readings:
            now = self.statuses(tuple(case.facts), reading, outcomes)
            o = outcomes[now.index(OPEN)]
            candidates = self.candidates(case, [o])
            fixed = eng.query.decide(case.facts, reading) or {}
            for atom in [a for a in eng.related(o) if a not in fixed]:
                sets = eng.query.deciding_sets(case.facts, reading, atom, candidates)
                if sets:
                    return [Question(n, (), 0) for n in sorted(sets[0], key=self.order.get)]
        return []
