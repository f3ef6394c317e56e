"""PolicySet: the checked documents loaded together, with lookup tables.

Names (facts, terms, actions, decisions, interpretations, groups, properties,
assumptions) share one namespace across all documents of a set; rule and discretion ids
form their own namespace; clause IDs another.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .nodes import (Action, Assumption, Clause, Decision, Discretion, Document, Fact,
                    Group, Interpretation, Priority, Property, Rule, Term)


@dataclass(frozen=True)
class PolicySet:
    documents: tuple[Document, ...]

    def _all(self, kind: type) -> tuple:
        return tuple(d for doc in self.documents for d in doc.items if isinstance(d, kind))

    def _by_name(self, kind: type) -> dict:
        return {d.name: d for d in self._all(kind)}

    @cached_property
    def clauses(self) -> dict[str, Clause]:
        return {c.id: c for c in self._all(Clause)}

    @cached_property
    def facts(self) -> dict[str, Fact]:
        return self._by_name(Fact)

    @cached_property
    def terms(self) -> dict[str, Term]:
        return self._by_name(Term)

    @cached_property
    def actions(self) -> dict[str, Action]:
        return self._by_name(Action)

    @cached_property
    def decisions(self) -> dict[str, Decision]:
        return self._by_name(Decision)

    @cached_property
    def interpretations(self) -> dict[str, Interpretation]:
        return self._by_name(Interpretation)

    @cached_property
    def groups(self) -> dict[str, Group]:
        return self._by_name(Group)

    @cached_property
    def properties(self) -> dict[str, Property]:
        return self._by_name(Property)

    @cached_property
    def assumptions(self) -> tuple[Assumption, ...]:
        return self._all(Assumption)

    @cached_property
    def rules(self) -> dict[str, Rule]:
        return {r.id: r for r in self._all(Rule)}

    @cached_property
    def priorities(self) -> tuple[Priority, ...]:
        return self._all(Priority)

    @cached_property
    def discretions(self) -> tuple[Discretion, ...]:
        return self._all(Discretion)

    def document_of(self, name_or_id: str) -> Document | None:
        """The document that declares a name, rule id or clause id."""
        for doc in self.documents:
            for d in doc.items:
                if getattr(d, "name", None) == name_or_id or getattr(d, "id", None) == name_or_id:
                    return doc
        return None

    def members(self, name: str) -> tuple[str, ...]:
        """Rule ids named by a priority side: a group's members, or the rule itself."""
        group = self.groups.get(name)
        return group.members if group else (name,)

    @cached_property
    def prevails(self) -> frozenset[tuple[str, str]]:
        """(higher, lower) rule-id pairs: the transitive closure of declared priorities."""
        pairs = {(h, l) for p in self.priorities
                 for h in self.members(p.higher) for l in self.members(p.lower)}
        below: dict[str, set[str]] = {}
        for h, lo in pairs:
            below.setdefault(h, set()).add(lo)
        closure = set()
        for a, direct in below.items():        # everything reachable from a (linear, not
            seen: set[str] = set()             # a join of every pair with every pair)
            stack = list(direct)
            while stack:
                x = stack.pop()
                if x not in seen:
                    seen.add(x)
                    stack.extend(below.get(x, ()))
            closure.update((a, x) for x in seen)
        return frozenset(closure)
