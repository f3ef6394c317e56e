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
    inv = engine.investigator
    inv.fine = True             # settled = every atom the status reads is fixed
    try:
        readings = sorted({v.reading for o in ruling.outcomes for v in o.verdicts
                           if OPEN in (inv.statuses(case.facts, v.reading, [o.outcome]) or ())})
        if not readings:
            return Step(ruling, None)
        ranked = inv.rank(case, readings, [o.outcome for o in ruling.outcomes], limit=1, reasons=False, skip=skip)
    finally:
        inv.fine = False
    return Step(ruling, ranked[0] if ranked else None)


def with_answer(case: Case, name: str, value) -> Case:
    """The case with one more known fact."""
    facts = tuple(sorted({**dict(case.facts), name: value}.items()))
    return Case(case.key, facts, case.readings, case.description, case.source, case.spans)


def verdicts(ruling: Ruling) -> dict:
    """{outcome text: status} for the goal (DEPENDS when the readings disagree)."""
    return {outcome_text(o.outcome): o.status for o in ruling.outcomes}


def next_json(engine, policy, case, goal) -> dict:
    """One step of the interview as plain data (``question`` None when nothing is left to ask)."""
    from .investigate import answer_values

    s = step(engine, case, goal)
    question = None
    if s.question is not None:
        fact = policy.facts[s.question.fact]
        t = fact.type
        question = {"fact": fact.name, "label": fact.meta.label or fact.name, "phrase": fact.meta.phrase,
                    "gloss": fact.meta.gloss, "type": type(t).__name__.replace("Type", "").lower(),
                    "values": list(answer_values(policy, fact.name, engine.investigator.limits)),
                    "clause": list(fact.meta.cites),
                    "clause_text": {c: policy.clauses[c].text for c in fact.meta.cites if c in policy.clauses}}
    return {"goal": [outcome_text(o) for o in goal], "admissible": s.ruling.admissible,
            "verdict": verdicts(s.ruling), "known": dict(case.facts), "question": question}
