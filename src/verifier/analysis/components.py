"""Independent components: the parts of a policy that share no name.

Two declarations are linked when one reads or concludes a name the other declares or
reads (a rule and the facts, terms, actions and decisions of its condition, exceptions
and conclusion; a priority and the rules it ranks; an assumption, property, decision
scope or discretion and the names it reads; a group and its members). A component is a
class of the transitive closure. Components constrain disjoint sets of facts and
interpretations, so every question of docs/semantics.md about one of them has the same
answer whatever the others contain (as long as every one has an admissible case under
each reading: ``analyse`` checks that, and otherwise analyses the whole policy).

``batches`` packs consecutive components into sub-policies of a bounded number of
declarations: each is analysed on its own and released before the next, so the solver
never holds the whole of a large policy and memory stays bounded by the largest batch.
"""
from __future__ import annotations

from typing import Iterable, Optional

from ..model.nodes import (Assumption, Clause, Decision, Discretion, Document, Group, Priority,
                           Property, Rule, Term, leaves, Ref, Is)
from ..model.policy import PolicySet

BATCH_DECLARATIONS = 2_000      # declarations (facts, rules, ...) per analysed batch


def _names(e) -> Iterable[str]:
    for x in leaves(e):
        yield x.name if isinstance(x, Ref) else x.subject if isinstance(x, Is) else x.action


class _Links:
    """Union-find over declaration keys."""

    def __init__(self):
        self.parent: dict[tuple, tuple] = {}

    def find(self, x: tuple) -> tuple:
        parent = self.parent
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def link(self, a: tuple, names: Iterable[str]) -> None:
        ra = self.find(a)
        for n in names:
            rb = self.find(("name", n))
            if rb != ra:
                self.parent[rb] = ra


def _key(item) -> tuple | None:
    """The union-find key of a declaration (None: belongs to no component)."""
    if isinstance(item, Clause):
        return None
    if isinstance(item, (Rule, Discretion)):
        return (type(item).__name__, item.id)
    if isinstance(item, (Assumption, Property, Group)):
        return (type(item).__name__, item.name)
    if isinstance(item, Priority):
        return ("Priority", id(item))
    return ("name", item.name)


def _link(links: _Links, policy: PolicySet, item) -> None:
    key = _key(item)
    if key is None:
        return
    links.find(key)
    if isinstance(item, Rule):
        links.link(key, [item.conclusion.target, *_names(item.condition), *_names(item.unless)])
    elif isinstance(item, Term):
        links.link(key, _names(item.definition))
    elif isinstance(item, Decision):
        links.link(key, _names(item.scope))
    elif isinstance(item, (Assumption, Property)):
        links.link(key, _names(item.expr))
    elif isinstance(item, Discretion):
        links.link(key, [item.target, *_names(item.condition)])
    elif isinstance(item, Group):
        for rid in item.members:
            links.parent[links.find(("Rule", rid))] = links.find(key)
    elif isinstance(item, Priority):
        for side in (item.higher, item.lower):
            target = ("Group", side) if side in policy.groups else ("Rule", side)
            links.parent[links.find(target)] = links.find(key)


def components(policy: PolicySet) -> list[list[tuple]]:
    """The components of ``policy``: lists of declaration keys, each in declaration
    order, the components ordered by their first declaration."""
    links = _Links()
    items = [d for doc in policy.documents for d in doc.items]
    for item in items:
        _link(links, policy, item)
    out: dict[tuple, list[tuple]] = {}
    for item in items:
        key = _key(item)
        if key is not None:
            out.setdefault(links.find(key), []).append(key)
    return list(out.values())


def batches(policy: PolicySet, limit: Optional[int] = None) -> list[PolicySet]:
    """``policy`` cut into sub-policies of whole components, consecutive components packed
    together up to ``limit`` declarations (a larger component is a batch of its own);
    ``[policy]`` itself when that leaves one batch or one component holds 90% of the
    declarations (cutting off the rest would save nothing). Every sub-policy keeps the documents'
    headers and clauses, and its declarations in their original order."""
    limit = BATCH_DECLARATIONS if limit is None else limit
    comps = components(policy)
    total = sum(map(len, comps))
    if len(comps) < 2 or total <= limit or max(map(len, comps)) * 10 >= total * 9:
        return [policy]            # small, or one component is nearly all of it
    groups: list[set] = []
    size = limit
    for comp in comps:
        if size + len(comp) > limit:
            groups.append(set())
            size = 0
        groups[-1].update(comp)
        size += len(comp)
    if len(groups) < 2:
        return [policy]
    return [_sub_policy(policy, g) for g in groups]


def _sub_policy(policy: PolicySet, keys: set) -> PolicySet:
    docs = []
    for doc in policy.documents:
        items = tuple(d for d in doc.items if _key(d) is None or _key(d) in keys)
        docs.append(Document(doc.id, doc.title, doc.source, doc.uses, items, doc.meta, doc.span))
    return PolicySet(tuple(docs))
