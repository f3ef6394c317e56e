"""A partial case: the facts a user knows (others are unknown) and the chosen readings."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model.nodes import NO_SPAN, Span

Value = bool | int | str   # a boolean, an integer, or an enumeration label


@dataclass(frozen=True)
class Case:
    """Known facts and readings, each sorted by name; spans say where each was given."""

    key: str
    facts: tuple[tuple[str, Value], ...] = ()
    readings: tuple[tuple[str, bool], ...] = ()
    description: str | None = None
    source: str = "<case>"
    spans: tuple[tuple[str, Span], ...] = field(default=(), compare=False, repr=False)

    @property
    def fact_map(self) -> dict[str, Value]:
        return dict(self.facts)

    @property
    def reading_map(self) -> dict[str, bool]:
        return dict(self.readings)

    def span_of(self, name: str) -> Span:
        """Where a fact or reading was given (the case itself when unknown)."""
        for n, s in self.spans:
            if n == name:
                return s
        return Span(self.source, 1, 1) if self.source else NO_SPAN


def make_case(key: str, facts: dict | None = None, readings: dict | None = None,
              source: str = "<case>", description: str | None = None) -> Case:
    """Build a case from plain dictionaries (no checking; see ``cases.loader``)."""
    return Case(key, tuple(sorted((facts or {}).items())), tuple(sorted((readings or {}).items())),
                description, source)
