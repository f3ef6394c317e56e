"""Rulings as values: one verdict per outcome and reading, with its proof or its open ends."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..cases import Case
from ..diagnostics import Diagnostic
from ..model import DECIDE, MAY, MUST, MUST_NOT, TERM

PROVEN, REFUTED, OPEN, DISCRETION, DEPENDS = "PROVEN", "REFUTED", "OPEN", "DISCRETION", "DEPENDS"
Outcome = tuple          # (kind, target, value)
Reading = tuple          # ((interpretation, bool), ...) sorted by name
Premise = tuple          # (kind, item): ("rule", id) ("assumption", name) ("fact", (name, v)) ("reading", (name, v))


@dataclass(frozen=True)
class Proof:
    """The minimal premises forcing a PROVEN/REFUTED verdict, and both solvers' answers."""

    premises: tuple[Premise, ...]
    z3: str                              # z3's answer on exactly these premises: "unsat"
    cvc5: str | None = None              # cvc5's answer on the printed obligation
    certificate: str | None = None       # content hash of the obligation
    smt2: str = field(default="", compare=False, repr=False)

    @property
    def valid(self) -> bool:
        return self.z3 == "unsat" and self.cvc5 in (None, "unsat")


@dataclass(frozen=True)
class Answer:
    """One answer to a question and the statuses the asked outcomes then take."""

    value: object
    statuses: tuple[str, ...]
    clauses: tuple[str, ...] = ()        # what a decided status rests on


@dataclass(frozen=True)
class Question:
    """An unknown fact worth finding out, with what each of its answers leads to."""

    fact: str
    answers: tuple[Answer, ...]
    decisive: int                        # answers (over the open readings) that decide


@dataclass(frozen=True)
class Verdict:
    """The verdict on one outcome under one reading."""

    outcome: Outcome
    reading: Reading
    status: str
    proof: Proof | None = None
    holds_in: tuple | None = None        # OPEN: a complete case where it holds (sorted items)
    fails_in: tuple | None = None        # OPEN: a complete case where it fails
    investigate: tuple[tuple[str, ...], ...] = ()   # OPEN: smallest deciding sets of unknown facts
    makers: tuple[str, ...] = ()         # DISCRETION: decision-makers named by the 裁量 declarations
    discretions: tuple[str, ...] = ()
    example: tuple | None = None          # OPEN: the reading the completions were computed under
    questions: tuple[Question, ...] = ()  # OPEN: facts to find out, most decisive first
    reasons: object = None                # PROVEN/REFUTED: the proof's rules sorted (explain.Reasons)
    silent: bool = False                  # REFUTED 可以/不得 X: the text neither permits nor forbids X


@dataclass(frozen=True)
class OutcomeRuling:
    outcome: Outcome
    verdicts: tuple[Verdict, ...]        # one per reading of the interpretations it depends on
    depends_on: tuple[str, ...] = ()     # the open interpretations whose reading changes it

    @property
    def status(self) -> str:
        statuses = {v.status for v in self.verdicts}
        return statuses.pop() if len(statuses) == 1 else DEPENDS


@dataclass(frozen=True)
class Ruling:
    case: Case
    readings: tuple[Reading, ...]                       # admissible readings considered
    excluded: tuple[tuple[Reading, tuple[Premise, ...]], ...] = ()   # inadmissible: why
    outcomes: tuple[OutcomeRuling, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def admissible(self) -> bool:
        return bool(self.readings)

    def get(self, outcome: Outcome) -> OutcomeRuling | None:
        for o in self.outcomes:
            if o.outcome == outcome:
                return o
        return None


KIND_ORDER = {DECIDE: 0, MUST: 1, MAY: 2, MUST_NOT: 3, TERM: 4}


def outcome_sort_key(outcome: Outcome) -> tuple:
    kind, target, value = outcome
    return (KIND_ORDER.get(kind, 9), target, value or "")


def outcome_text(outcome: Outcome, lang: str = "zh") -> str:
    """``应当 X`` / ``must X``, ``D = x``, or the term's name."""
    kind, target, value = outcome
    if kind == DECIDE:
        return f"{target} = {value}"
    if kind == TERM:
        return target
    words = {"zh": {MUST: "应当", MAY: "可以", MUST_NOT: "不得"},
             "en": {MUST: "must", MAY: "may", MUST_NOT: "must not"}}[lang]
    return f"{words[kind]} {target}"


def parse_outcome(text: str, policy) -> Outcome | None:
    """The outcome named by ``应当 X`` / ``must X`` / ``D = x`` / a term name, or None."""
    text = " ".join(text.split())
    if "=" in text:
        d, _, x = (s.strip() for s in text.partition("="))
        return (DECIDE, d, x) if d in policy.decisions and x in policy.decisions[d].alternatives else None
    for prefix, kind in (("must not ", MUST_NOT), ("不得 ", MUST_NOT), ("不得", MUST_NOT), ("must ", MUST),
                         ("应当 ", MUST), ("应当", MUST), ("may ", MAY), ("可以 ", MAY), ("可以", MAY)):
        if text.startswith(prefix) and text[len(prefix):].strip() in policy.actions:
            return (kind, text[len(prefix):].strip(), None)
    return (TERM, text, None) if text in policy.terms else None
