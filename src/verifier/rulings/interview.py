"""The interview: ask the single most decisive question until the goal is decided.

``step(engine, case, goal)`` rules on the goal's outcomes and proposes the next question
(``Investigator.rank``: a fact some answer of which changes the goal's verdict, most
decisive first; or a fact of a smallest deciding set when no single answer changes it).
The goal is decided when no admissible reading leaves any of its outcomes OPEN; then, and
only then, ``question`` is None (every OPEN outcome has a deciding set among the unknown
facts, so some question always remains while one is OPEN).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..cases import Case
from .model import OPEN, Question, Ruling, outcome_text


@dataclass(frozen=True)
class Step:
    ruling: Ruling
    question: Question | None


def step(engine, case: Case, goal: list[tuple], skip: frozenset = frozenset()) -> Step:
    """The ruling on the goal and the next question (None once the goal is decided)."""
    ruling = engine.rule(case, only=set(goal), explain=False)
    if not ruling.admissible:
        return Step(ruling, None)
    readings = sorted({v.reading for o in ruling.outcomes for v in o.verdicts if v.status == OPEN})
    if not readings:
        return Step(ruling, None)
    open_goal = [o.outcome for o in ruling.outcomes if any(v.status == OPEN for v in o.verdicts)]
    ranked = engine.investigator.rank(case, readings, open_goal, limit=1, reasons=False, skip=skip)
    return Step(ruling, ranked[0] if ranked else None)


def with_answer(case: Case, name: str, value) -> Case:
    """The case with one more known fact."""
    facts = tuple(sorted({**dict(case.facts), name: value}.items()))
    return Case(case.key, facts, case.readings, case.description, case.source, case.spans)


def verdicts(ruling: Ruling) -> dict:
    """{outcome text: status} for the goal (DEPENDS when the readings disagree)."""
    return {outcome_text(o.outcome): o.status for o in ruling.outcomes}
