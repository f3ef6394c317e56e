"""The slice of a merged policy that a diff region depends on (its cone of derived names).

``Slice(policy).closure(atoms)`` is the set of derived names — terms, rules, actions,
decisions — that the given outcome atoms and ALL assumptions are computed from:
definitions, the rules concluding an atom, the names read by their conditions and
unless-clauses, and the rules that may defeat them, transitively. Facts and
interpretations (the inputs) are always kept.

What it guarantees: every kept name is defined, in the sliced policy and in the sliced
constraint set, by exactly the same formula over kept names and inputs as in the full
policy. So (1) Kleene / exact evaluation of a kept atom or assumption gives the same value
on both; (2) a formula over kept names is satisfiable together with the kept definitions
iff it is with all of them (each dropped definition only fixes a variable nothing kept
reads, and the definitions are acyclic). The diff's solver and evaluator may therefore
work on the slice of the region they answer for.
"""
from __future__ import annotations

from ..evaluate.structure import Atom, index
from ..model.nodes import (DECIDE, MAY, MUST, MUST_NOT, TERM, Action, Assumption, Decision, Deontic,
                           Document, Fact, Group, Interpretation, Is, Priority, Ref, Rule, Term, leaves)
from ..model.policy import PolicySet

_KIND = {TERM: "term", MUST: "action", MAY: "action", MUST_NOT: "action", DECIDE: "decision"}


class Slice:
    """Closures of derived names in one (merged) policy; see the module docstring."""

    def __init__(self, policy: PolicySet):
        self.p, self.ix = policy, index(policy)

    def _refs(self, e, out: list) -> None:
        """The derived names an expression reads, as nodes (kind, name)."""
        for x in leaves(e):
            if isinstance(x, Ref) and x.name in self.p.terms:
                out.append(("term", x.name))
            elif isinstance(x, Is) and x.subject in self.p.decisions:
                out.append(("decision", x.subject))
            elif isinstance(x, Deontic):
                out.append(("action", x.action))

    def _needs(self, node: tuple) -> list:
        kind, name = node
        out: list = []
        c = self.ix.concluding
        if kind == "term":
            t = self.p.terms[name]
            if t.definition is not None:
                self._refs(t.definition, out)
            else:
                out += [("rule", r) for r in c.get(Atom(TERM, name), ())]
        elif kind == "rule":
            r = self.p.rules[name]
            self._refs(r.condition, out)
            self._refs(r.unless, out)
            out += [("rule", h) for h in self.ix.defeaters[name]]
        elif kind == "action":
            out += [("rule", r) for m in (MUST, MAY, MUST_NOT) for r in c.get(Atom(m, name), ())]
        else:
            d = self.p.decisions[name]
            out += [("rule", r) for x in d.alternatives for r in c.get(Atom(DECIDE, name, x), ())]
        return out

    def closure(self, atoms, assumptions: bool = True) -> frozenset:
        """The nodes (kind, name) the atoms (None skipped) and (unless ``assumptions`` is
        False) all assumptions depend on."""
        todo: list = []
        for a in self.p.assumptions if assumptions else ():
            self._refs(a.expr, todo)
        todo += [(_KIND[a.kind], a.target) for a in atoms if a is not None]
        seen: set = set()
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo += self._needs(node)
        return frozenset(seen)

    def inputs(self, e, out: set) -> None:
        """Add to ``out`` the inputs (fact and interpretation names) an expression reads,
        through the definitions and rules of the derived names it reads."""
        nodes: list = []
        self._inputs(e, out)
        self._refs(e, nodes)
        seen: set = set()
        while nodes:
            node = nodes.pop()
            if node in seen:
                continue
            seen.add(node)
            kind, name = node
            if kind == "term" and self.p.terms[name].definition is not None:
                self._inputs(self.p.terms[name].definition, out)
            elif kind == "rule":
                self._inputs(self.p.rules[name].condition, out)
                self._inputs(self.p.rules[name].unless, out)
            nodes += self._needs(node)

    def _inputs(self, e, out: set) -> None:
        """The facts and interpretations an expression reads directly."""
        for x in leaves(e):
            if isinstance(x, Ref) and (x.name in self.p.facts or x.name in self.p.interpretations):
                out.add(x.name)
            elif isinstance(x, Is) and x.subject in self.p.facts:
                out.add(x.subject)

    def policy(self, nodes: frozenset, assumptions: bool = True) -> PolicySet:
        """The sliced policy: inputs, assumptions (unless ``assumptions`` is False),
        priorities and groups, and the kept terms,
        actions, decisions and rules (declaration order kept). A kept rule concludes a kept
        name: it concludes an atom of the closure or defeats a rule that does (same
        action or decision)."""
        items = []
        for doc in self.p.documents:
            for d in doc.items:
                if isinstance(d, (Fact, Interpretation, Group, Priority)) or \
                        assumptions and isinstance(d, Assumption) or \
                        isinstance(d, Term) and ("term", d.name) in nodes or \
                        isinstance(d, Action) and ("action", d.name) in nodes or \
                        isinstance(d, Decision) and ("decision", d.name) in nodes or \
                        isinstance(d, Rule) and ("rule", d.id) in nodes:
                    items.append(d)
        sliced = PolicySet((Document("SLICE", items=tuple(items)),))
        sliced.__dict__["prevails"] = self.p.prevails      # same pairs, computed once
        return sliced

    def definition_names(self, nodes: frozenset) -> set[str]:
        """Names of the kept definitions in ``Encoding.definitions``."""
        out: set[str] = set()
        for kind, name in nodes:
            if kind == "term":
                out.add(f"term:{name}")
            elif kind == "rule":
                out |= {f"applicable:{name}", f"defeated:{name}", f"effective:{name}"}
            elif kind == "action":
                out |= {f"must:{name}", f"may:{name}", f"must_not:{name}"}
            else:
                for x in self.p.decisions[name].alternatives:
                    out |= {f"concluded:{name}={x}", f"value:{name}={x}"}
        return out
