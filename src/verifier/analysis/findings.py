"""Findings: the values the analyses return (frozen; stable fingerprints; registry codes)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Optional

from ..diagnostics.codes import Coded, lookup
from ..model.nodes import NO_SPAN, Span

Reading = tuple[tuple[str, bool], ...]       # sorted (interpretation, value) pairs


@dataclass(frozen=True)
class RuleRef:
    """A rule a finding involves: its id, the clause IDs it cites, its location."""

    id: str
    clauses: tuple[str, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)


def natural_key(s: str) -> tuple:
    """Sort key ordering 'R-2' before 'R-10'."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", s))


def fingerprint(code: str, rule_ids, subject: Optional[str]) -> str:
    """A stable hash of the code, the sorted rule ids and the subject name (sha256, 16 hex)."""
    text = "\x1f".join([code, *sorted(rule_ids), subject or ""])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Finding(Coded):
    """One analysis finding.

    ``rules``: the rules the finding is about (a pair for A401–A403, one rule for
    A406–A408, else none); ``related``: rules that explain it (defeaters of a shadowed
    rule, the same-conclusion rules of a redundant one, the ``may`` rules of an action's
    A405); ``subject``: the decision / action / property / question name; ``witness``: a
    complete case (facts in declaration order) replayed by verifier.evaluate, with
    ``witness_reading``; ``readings``: every reading under which the finding holds;
    ``core``: for A400 the assumptions that contradict each other; ``cone``: the facts
    the witness was minimised over (the question's cone and the facts assumptions link
    to it) — the others are not relevant: any admissible values of them keep the finding
    (empty: every fact counts).
    """

    code: str
    rules: tuple[RuleRef, ...] = ()
    subject: Optional[str] = None
    args: tuple[tuple[str, str], ...] = ()
    witness: Optional[tuple[tuple[str, object], ...]] = None
    witness_reading: Reading = ()
    readings: tuple[Reading, ...] = ()
    related: tuple[RuleRef, ...] = ()
    core: tuple[str, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)
    cone: tuple[str, ...] = ()

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.code, self.rule_ids, self.subject)

    def message(self, lang: str = "en") -> str:
        return getattr(lookup(self.code), lang).format(**dict(self.args))

    def witness_case(self) -> Optional[dict]:
        return None if self.witness is None else dict(self.witness)

    def sort_key(self) -> tuple:
        return (self.code, tuple(natural_key(r) for r in sorted(self.rule_ids, key=natural_key)),
                natural_key(self.subject or ""))

    def to_diagnostic(self):
        """The finding as a verifier.diagnostics.Diagnostic (span = primary location)."""
        from ..diagnostics.diagnostic import Diagnostic
        related = tuple(r.span for r in self.rules[1:] + self.related)
        return Diagnostic(self.code, self.span, self.args, None, related)


def make_args(code: str, rule_ids: tuple[str, ...], subject: Optional[str],
              winner: Optional[str] = None, reason: Optional[str] = None) -> tuple:
    """The message-template arguments of a finding (see diagnostics.codes)."""
    args: dict[str, str] = {}
    if code in ("A401", "A402", "A403"):
        args["rules"] = ", ".join(rule_ids)
    if code == "A402":
        args["winner"] = winner or ""
    if code in ("A404", "A405", "A409", "A410"):
        args["name"] = subject or ""
    if code in ("A406", "A407", "A408"):
        args["name"] = rule_ids[0]
    if code in ("A412", "A414", "A415"):
        args["name"] = subject or ""
    if code == "A411":
        args["question"] = subject or ""
        args["reason"] = reason or "unknown"
    return tuple(args.items())
