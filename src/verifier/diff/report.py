"""The values a semantic diff returns (frozen; plain data, no z3)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..evaluate.structure import Atom

SAME, CHANGED, UNKNOWN = "same", "changed", "unknown"
LOST, GAINED = "lost", "gained"           # old true -> new false; old false -> new true
BOTH, OLD_ONLY, NEW_ONLY = "both", "old", "new"

Cube = tuple[tuple, ...]                  # literals, see verifier.logic.diff_query


@dataclass(frozen=True)
class RuleUse:
    """A rule concluding the outcome in a witness: effective, or applicable but defeated
    (``by`` = the applicable stronger rules)."""

    rule: str
    status: str                           # "effective" / "defeated"
    clauses: tuple[str, ...] = ()
    by: tuple[str, ...] = ()
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Witness:
    """A complete case (merged facts; values of both sides) replayed on both versions."""

    case: tuple[tuple[str, object], ...]
    readings: tuple[tuple[str, bool], ...]
    old_value: Optional[bool]
    new_value: Optional[bool]
    old_rules: tuple[RuleUse, ...] = ()
    new_rules: tuple[RuleUse, ...] = ()
    nondefault: tuple[str, ...] = ()      # facts away from their neutral default


@dataclass(frozen=True)
class RulingChange:
    """The verdicts of both versions on a minimal partial case (diff/rulings.py)."""

    old_verdict: str                      # PROVEN / REFUTED / OPEN / DISCRETION
    new_verdict: str
    facts: tuple[tuple[str, object], ...]  # the known facts (the proving side's names)
    readings: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Change:
    """One direction of change of an outcome: where it happens, and an example."""

    direction: str                        # LOST / GAINED
    condition: tuple[Cube, ...]           # DNF over the inputs (prime-implicant cubes)
    complete: bool                        # the cubes cover every such case
    witnesses: tuple[Witness, ...]        # one per cube (minimised inside it)
    expressions: tuple = ()               # the cubes as model expressions (for printing)
    rulings: tuple[RulingChange, ...] = ()   # with --rulings: verdicts on partial cases


@dataclass(frozen=True)
class OutcomeDiff:
    """One outcome atom matched by name across the versions."""

    atom: Atom
    presence: str                         # BOTH / OLD_ONLY / NEW_ONLY
    status: str                           # SAME (proven) / CHANGED / UNKNOWN
    changes: tuple[Change, ...] = ()
    reason: Optional[str] = None
    old_definition: Optional[str] = None  # a defined term's definition (printed), per side
    new_definition: Optional[str] = None
    location: tuple[str, int] = ("", 0)   # where the outcome is declared (new side first)


@dataclass(frozen=True)
class AdmissibilityDiff:
    """Cases admissible on one side only (the assumptions or fact types changed)."""

    side: str                             # OLD_ONLY: admissible before, not after
    status: str
    condition: tuple[Cube, ...] = ()
    complete: bool = True
    witnesses: tuple[Witness, ...] = ()
    reason: Optional[str] = None
    expressions: tuple = ()


@dataclass(frozen=True)
class DeclChange:
    """A declaration added, removed or changed in the text (by kind and name)."""

    kind: str                             # fact / term / rule / ...
    name: str
    change: str                           # added / removed / changed / metadata
    detail: str = ""


@dataclass(frozen=True)
class FindingsDelta:
    """Analysis findings matched by fingerprint across the versions."""

    introduced: tuple = ()                # verifier.analysis.Finding of the new version
    resolved: tuple = ()                  # ... of the old version
    unchanged: tuple = ()                 # ... of the new version
    newly_refuted: tuple[str, ...] = ()   # property names
    newly_proven: tuple[str, ...] = ()
    ran: bool = True

    @property
    def new_errors(self) -> tuple:
        return tuple(f for f in self.introduced if f.severity == "error")


@dataclass(frozen=True)
class Diff:
    """Everything ``diff_policies`` found."""

    old_label: str
    new_label: str
    declarations: tuple[DeclChange, ...]
    admissibility: tuple[AdmissibilityDiff, ...]
    outcomes: tuple[OutcomeDiff, ...]
    findings: FindingsDelta
    inconsistent: tuple[str, ...] = ()    # sides whose assumptions admit no case
    queries: int = 0

    @property
    def changed_outcomes(self) -> tuple[OutcomeDiff, ...]:
        return tuple(o for o in self.outcomes if o.status != SAME)

    @property
    def changed(self) -> bool:
        """Some outcome (or admissibility) changed or could not be proven unchanged."""
        return bool(self.changed_outcomes) or any(a.status != SAME for a in self.admissibility)

    def exit_code(self) -> int:
        """0: nothing changed; 1: outcomes changed or new error findings."""
        return 1 if self.changed or self.findings.new_errors else 0
