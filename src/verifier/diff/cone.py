"""The inputs an outcome depends on: facts and interpretations in its cone of influence."""
from __future__ import annotations

from ..evaluate.structure import Atom, higher_alternatives, index
from ..model.nodes import DECIDE, MAY, MUST, MUST_NOT, TERM, Is, Ref, leaves
from ..model.policy import PolicySet


class Cone:
    """Memoised dependency sets of one policy: ``atom(a)`` -> frozenset of input names."""

    def __init__(self, policy: PolicySet):
        self.p = policy
        self.ix = index(policy)
        self._memo: dict = {}

    def expr(self, e) -> frozenset:
        return frozenset().union(*(self._leaf(x) for x in leaves(e)))

    def _leaf(self, x) -> frozenset:
        if isinstance(x, Ref):
            if x.name in self.p.facts or x.name in self.p.interpretations:
                return frozenset({x.name})
            return self.atom(Atom(TERM, x.name)) if x.name in self.p.terms else frozenset()
        if isinstance(x, Is):
            if x.subject in self.p.facts:
                return frozenset({x.subject})
            return frozenset().union(*(self.atom(Atom(DECIDE, x.subject, v)) for v in x.labels))
        return self.atom(Atom(x.modality, x.action))

    def applicable(self, rid: str) -> frozenset:
        key = ("app", rid)
        if key not in self._memo:
            r = self.p.rules[rid]
            self._memo[key] = self.expr(r.condition) | self.expr(r.unless)
        return self._memo[key]

    def effective(self, rid: str) -> frozenset:
        out = self.applicable(rid)
        for h in self.ix.defeaters[rid]:
            out |= self.applicable(h)
        return out

    def concluding(self, atom: Atom) -> tuple[str, ...]:
        """Rules whose effectiveness the atom's truth depends on."""
        c = self.ix.concluding
        if atom.kind == MAY:
            return c.get(Atom(MUST, atom.target), ()) + c.get(atom, ())
        if atom.kind == DECIDE:
            d = self.p.decisions[atom.target]
            alts = (atom.value,) + higher_alternatives(d, atom.value)
            return tuple(r for x in alts for r in c.get(Atom(DECIDE, atom.target, x), ()))
        return c.get(atom, ())

    def atom(self, atom: Atom) -> frozenset:
        if atom in self._memo:
            return self._memo[atom]
        self._memo[atom] = frozenset()
        out: frozenset = frozenset()
        if atom.kind == TERM and self.p.terms[atom.target].definition is not None:
            out = self.expr(self.p.terms[atom.target].definition)
        elif atom.kind in (TERM, MUST, MAY, MUST_NOT, DECIDE):
            for r in self.concluding(atom):
                out |= self.effective(r)
        self._memo[atom] = out
        return out


def _plain(d):
    """A declaration without its metadata (labels, notes, cites) and location."""
    from dataclasses import replace
    return replace(d, meta=type(d.meta)()) if hasattr(d, "meta") else d


class Signature:
    """The declarations an outcome's truth is computed from, metadata stripped.

    Two versions whose signatures for an atom are equal compute it by the same formula
    over the same inputs, so they decide every case the same way (a structural proof)."""

    def __init__(self, policy: PolicySet):
        self.p, self.ix = policy, index(policy)
        self._memo: dict = {}

    def atom(self, atom: Atom) -> frozenset:
        if atom in self._memo:
            return self._memo[atom]
        self._memo[atom] = frozenset()
        out = set()
        if atom.kind == TERM:
            t = self.p.terms.get(atom.target)
            if t is None:
                return frozenset({("missing", atom)})
            out.add(_plain(t))
            if t.definition is not None:
                out |= self.expr(t.definition)
        if atom.kind == DECIDE:
            d = self.p.decisions.get(atom.target)
            if d is None:
                return frozenset({("missing", atom)})
            out.add((d.name, d.alternatives, d.ordered))
        if atom.kind != TERM and atom.kind != DECIDE and atom.target not in self.p.actions:
            return frozenset({("missing", atom)})
        for rid in Cone.concluding(self, atom) if atom.kind != TERM or \
                self.p.terms[atom.target].definition is None else ():
            out |= self.rule(rid)
        self._memo[atom] = frozenset(out)
        return self._memo[atom]

    def rule(self, rid: str) -> set:
        r = self.p.rules[rid]
        out = {_plain(r), ("defeaters", rid, tuple(sorted(self.ix.defeaters[rid])))}
        out |= self.expr(r.condition) | self.expr(r.unless)
        for h in self.ix.defeaters[rid]:
            hr = self.p.rules[h]
            out |= {_plain(hr)} | self.expr(hr.condition) | self.expr(hr.unless)
        return out

    def expr(self, e) -> set:
        """The signatures of the derived names an expression reads (facts read as such;
        their types only matter for admissibility, which is compared separately)."""
        return set().union(*(self._leaf(x) for x in leaves(e)))

    def _leaf(self, x) -> set:
        if isinstance(x, Ref):
            if x.name in self.p.facts:
                return {("fact", x.name)}
            if x.name in self.p.interpretations:
                return {("interpretation", x.name)}
            return set(self.atom(Atom(TERM, x.name)))
        if isinstance(x, Is):
            if x.subject in self.p.facts:
                return {("fact", x.subject)}
            return set().union(*(self.atom(Atom(DECIDE, x.subject, v)) for v in x.labels))
        return set(self.atom(Atom(x.modality, x.action)))
