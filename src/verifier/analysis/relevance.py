"""Which facts of a witness matter: the question's cone, plus what the check reads.

A witness is a complete case, but most of its facts cannot change the finding. The
facts shown are the ones the witness was minimised over (the question's cone and the
facts assumptions link to it) together with every fact the plain evaluator actually
reads while re-checking the finding on the witness. Evaluation is a deterministic
function of what it reads, so changing any other fact — as long as the case stays
admissible — leaves the finding true: those facts are "not relevant".
"""
from __future__ import annotations

from typing import Callable

from ..evaluate import Evaluator


class _Recording(dict):
    """A case that remembers which facts were looked up."""

    def __init__(self, case: dict):
        super().__init__(case)
        self.seen: set[str] = set()

    def __getitem__(self, name):
        self.seen.add(name)
        return dict.__getitem__(self, name)


def facts_read(policy, case: dict, readings: dict, holds: Callable[[Evaluator], bool]) -> set[str]:
    """The facts ``holds`` reads when evaluated on ``case`` under ``readings``."""
    recording = _Recording(case)
    holds(Evaluator(policy, recording, readings, validate=False))
    return recording.seen


def witness_cone(policy, case: dict, readings: dict, holds, relevant) -> tuple[str, ...]:
    """The facts of ``case`` that matter (declaration order): ``relevant`` (None: all)
    and those ``holds`` reads."""
    if relevant is None:
        return tuple(case)
    read = facts_read(policy, case, readings, holds) if holds is not None else set()
    return tuple(n for n in case if n in relevant or n in read)
