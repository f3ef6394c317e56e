"""Question slices: the part of the encoding a question can depend on.

A question about rules, outcomes or an expression reads the definitions of what it names,
of what those read (terms, the rules concluding an outcome, the defeaters of a rule), and
so on; with the assumptions (every one: they decide which cases are admissible at all)
and the type constraints of the facts reached. Every other definition pins a constant
nothing in the question reads to a function of the facts, so it can be dropped without
changing which cases (restricted to the slice's facts) exist: the answers, and so the
findings, are the same; the solver's work per call no longer grows with the policy.
"""
from __future__ import annotations

from typing import Iterable

from ..evaluate import Atom, index
from ..model.nodes import (DECIDE, MAY, MUST, MUST_NOT, TERM, Action, Assumption, Decision,
                           Deontic, Discretion, Document, Fact, Interpretation, Is,
                           Priority, Ref, Rule, Term, leaves)
from ..model.policy import PolicySet

Node = tuple[str, str]        # ("rule", id) | ("term", name) | ("action", x) | ...


class Slicer:
    """Constraint names (verifier.logic.encode) of the slice of a set of roots."""

    def __init__(self, policy: PolicySet):
        self.policy = policy
        self.ix = index(policy)
        self.base = self._close(self._assumption_roots())
        self._items = [d for doc in policy.documents for d in doc.items]
        self._position: dict[Node, int] = {}
        for i, d in enumerate(self._items):
            node = _node(d)
            if node is not None:
                self._position[node] = i
        discretions = [i for i, d in enumerate(self._items) if isinstance(d, Discretion)]
        for k, i in enumerate(discretions):              # policy.discretions is in this order
            self._position[("discretion", str(k))] = i
        self._always = [i for i, d in enumerate(self._items)
                        if isinstance(d, (Assumption, Interpretation, Discretion))]
        self._above: dict[str, list[str]] = {}           # rule -> the rules that prevail over it
        for h, lo in sorted(policy.prevails):
            self._above.setdefault(lo, []).append(h)
        self._nodes: dict[frozenset, frozenset] = {}
        self._closures: dict[Node, frozenset] = {}

    # ------------------------------------------------------------ roots
    def expr(self, e) -> list[Node]:
        """The nodes an expression reads."""
        out = []
        p = self.policy
        for x in leaves(e):
            if isinstance(x, Ref):
                if x.name in p.terms:
                    out.append(("term", x.name))
                elif x.name in p.facts:
                    out.append(("fact", x.name))
            elif isinstance(x, Is):
                out.append(("decision", x.subject) if x.subject in p.decisions else ("fact", x.subject))
            elif isinstance(x, Deontic):
                out.append(("action", x.action))
        return out

    def rules(self, rids: Iterable[str]) -> list[Node]:
        return [("rule", r) for r in rids]

    def _assumption_roots(self) -> list[Node]:
        return [n for a in self.policy.assumptions for n in self.expr(a.expr)]

    # ------------------------------------------------------------ closure
    def _deps(self, node: Node) -> list[Node]:
        kind, name = node
        p, ix = self.policy, self.ix
        if kind == "rule":
            r = p.rules[name]
            return [*self.expr(r.condition), *self.expr(r.unless),
                    *(("rule", h) for h in ix.defeaters[name])]
        if kind == "term":
            t = p.terms[name]
            if t.definition is not None:
                return self.expr(t.definition)
            return self.rules(ix.concluding.get(Atom(TERM, name), ()))
        if kind == "action":
            return [("rule", r) for m in (MUST, MAY, MUST_NOT)
                    for r in ix.concluding.get(Atom(m, name), ())]
        if kind == "decision":
            d = p.decisions[name]
            return [("rule", r) for v in d.alternatives
                    for r in ix.concluding.get(Atom(DECIDE, name, v), ())]
        if kind == "discretion":
            disc = p.discretions[int(name)]
            return self.expr(disc.condition)
        return []

    def _close(self, roots: Iterable[Node]) -> frozenset:
        seen: set[Node] = set()
        stack = list(roots)
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(self._deps(node))
        return frozenset(seen)

    def nodes(self, roots: Iterable[Node]) -> frozenset:
        """The closure of ``roots`` and of the assumptions (memoised)."""
        key = frozenset(roots)
        got = self._nodes.get(key)
        if got is None:
            got = self._nodes[key] = self.base.union(*map(self._closure, key))
        return got

    def _closure(self, node: Node) -> frozenset:
        got = self._closures.get(node)
        if got is None:
            got = self._closures[node] = self._close([node])
        return got

    def constraint_names(self, nodes: frozenset) -> frozenset:
        """The names of the domain and definition constraints of ``nodes``."""
        p = self.policy
        out: set[str] = set()
        for kind, name in nodes:
            if kind == "fact":
                out.add(f"type:{name}")
            elif kind == "term":
                out.add(f"term:{name}")
            elif kind == "rule":
                out.update((f"applicable:{name}", f"defeated:{name}", f"effective:{name}"))
            elif kind == "action":
                out.update((f"must:{name}", f"may:{name}", f"must_not:{name}"))
            elif kind == "decision":
                for v in p.decisions[name].alternatives:
                    out.update((f"concluded:{name}={v}", f"value:{name}={v}"))
            elif kind == "discretion":
                out.add(f"discretion:{p.discretions[int(name)].id}")
        return frozenset(out)

    def sub_policy(self, nodes: frozenset) -> PolicySet:
        """The policy cut down to ``nodes`` (a closure: every definition they need) and
        every assumption, interpretation and discretion (discretions are numbered by
        position) and the declaration each kept rule concludes about (it tells which
        conclusions conflict), in declaration order, as one document; its priorities are
        the pairs of kept rules of the policy's (transitive) priority relation. Evaluating
        it on a case of its own facts gives what the whole policy gives on any case
        agreeing with that one."""
        targets = {(kind, self.policy.rules[name].conclusion.target) for kind0, name in nodes
                   if kind0 == "rule" for kind in ("decision", "action", "term")}
        keep = sorted({*self._always, *(self._position[n] for n in (*nodes, *targets)
                                        if n in self._position)})
        rules = sorted(name for kind, name in nodes if kind == "rule")
        kept = set(rules)
        priorities = [Priority(h, lo) for lo in rules for h in self._above.get(lo, ()) if h in kept]
        return PolicySet((Document("slice", items=(*(self._items[i] for i in keep), *priorities)),))


def _node(d) -> Node | None:
    if isinstance(d, Fact):
        return ("fact", d.name)
    if isinstance(d, Term):
        return ("term", d.name)
    if isinstance(d, Rule):
        return ("rule", d.id)
    if isinstance(d, Action):
        return ("action", d.name)
    if isinstance(d, Decision):
        return ("decision", d.name)
    return None
