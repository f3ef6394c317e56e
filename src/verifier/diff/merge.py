"""Two policy versions as ONE PolicySet: shared facts, every other new-side name renamed.

Facts and interpretations are the inputs of a case and are shared by name. A fact whose
type differs is widened when both are enumerations (union of labels) or both integers
(union of bounds), with each side's own type added as a synthetic assumption of that side;
a fact whose kind changed (bool / enum / int) is kept apart (the new one is renamed).
Every other name of the new version (terms, actions, decisions, rules, groups,
discretions, properties, assumptions) gets ``SUFFIX`` so both versions fit in one set.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..evaluate.structure import Atom
from ..model.nodes import (Action, And, Arith, Assumption, AtLeast, BoolLit, BoolType,
                           Compare, Conclusion, Decision, Deontic, Discretion, Document,
                           EnumType, Fact, Group, Implies, IntLit, IntType, Interpretation,
                           Is, Not, Or, Priority, Property, Ref, Rule, Term)
from ..model.policy import PolicySet

SUFFIX = "\x1fnew"          # cannot occur in a parsed name (NFKC text, no control chars)
TYPE_PREFIX = "\x1ftype:"   # synthetic assumptions holding a side's own fact type


@dataclass(frozen=True)
class Merged:
    """The merged policy and how to map each side's names into it."""

    policy: PolicySet
    old: PolicySet
    new: PolicySet
    old_assumptions: tuple[str, ...]      # merged names of the old side's assumptions
    new_assumptions: tuple[str, ...]
    new_fact_names: dict[str, str]        # new fact name -> merged fact name

    def old_atom(self, atom: Atom) -> Atom:
        return atom

    def new_atom(self, atom: Atom) -> Atom:
        return Atom(atom.kind, atom.target + SUFFIX, atom.value)

    def side_case(self, side: str, case: dict, readings: dict) -> tuple[dict, dict]:
        """A merged (case, readings) restricted to one side's facts and interpretations."""
        p = self.old if side == "old" else self.new
        names = {f: f for f in p.facts} if side == "old" else self.new_fact_names
        return ({f: case[names[f]] for f in p.facts},
                {i: readings[i] for i in p.interpretations})


def display(name: str) -> str:
    """A merged name as shown to people (a renamed new-side fact reads 'X(new)')."""
    return name.replace(SUFFIX, "(new)")


class _Renamer:
    """Renames the new side's names inside expressions and declarations."""

    def __init__(self, facts: dict[str, str], interps):
        self.facts, self.interps = facts, set(interps)

    def n(self, name: str) -> str:
        if name in self.facts:
            return self.facts[name]
        return name if name in self.interps else name + SUFFIX

    def e(self, e):
        if e is None or isinstance(e, (BoolLit, IntLit)):
            return e
        if isinstance(e, Ref):
            return Ref(self.n(e.name))
        if isinstance(e, Not):
            return Not(self.e(e.operand))
        if isinstance(e, (And, Or)):
            return type(e)(tuple(self.e(o) for o in e.operands))
        if isinstance(e, Implies):
            return Implies(self.e(e.left), self.e(e.right))
        if isinstance(e, (Compare, Arith)):
            return type(e)(e.op, self.e(e.left), self.e(e.right))
        if isinstance(e, Is):
            return Is(self.n(e.subject), e.labels, e.negated)
        if isinstance(e, AtLeast):
            return AtLeast(e.k, tuple(self.e(o) for o in e.operands))
        if isinstance(e, Deontic):
            return Deontic(e.modality, self.n(e.action))
        raise TypeError(f"cannot rename {e!r}")

    def item(self, d):
        s, e = self.n, self.e
        if isinstance(d, Term):
            return replace(d, name=s(d.name), definition=e(d.definition))
        if isinstance(d, Action):
            return replace(d, name=s(d.name))
        if isinstance(d, Decision):
            return replace(d, name=s(d.name), scope=e(d.scope))
        if isinstance(d, Assumption):
            return replace(d, name=s(d.name), expr=e(d.expr))
        if isinstance(d, Rule):
            c = d.conclusion
            return replace(d, id=s(d.id), condition=e(d.condition), unless=e(d.unless),
                           conclusion=Conclusion(c.kind, s(c.target), c.value))
        if isinstance(d, Group):
            return replace(d, name=s(d.name), members=tuple(s(m) for m in d.members))
        if isinstance(d, Priority):
            return replace(d, higher=s(d.higher), lower=s(d.lower))
        if isinstance(d, Discretion):
            return replace(d, id=s(d.id), target=s(d.target), condition=e(d.condition))
        if isinstance(d, Property):
            return replace(d, name=s(d.name), expr=e(d.expr))
        raise TypeError(f"cannot rename {d!r}")


_KEEP = (Term, Action, Decision, Assumption, Rule, Group, Priority, Discretion, Property)


def _union_type(a, b):
    """The widened type of a fact on both sides, or None when the kinds differ."""
    if a == b:
        return a
    if isinstance(a, EnumType) and isinstance(b, EnumType):
        return EnumType(a.labels + tuple(x for x in b.labels if x not in a.labels))
    if isinstance(a, IntType) and isinstance(b, IntType):
        return IntType(min(a.lo, b.lo), max(a.hi, b.hi))
    return None


def _restriction(name: str, own, union):
    """An expression confining a widened fact to one side's own type (None if equal)."""
    if own == union:
        return None
    if isinstance(own, EnumType):
        return Is(name, own.labels)
    return And((Compare(">=", Ref(name), IntLit(own.lo)), Compare("<=", Ref(name), IntLit(own.hi))))


def _facts(old: PolicySet, new: PolicySet):
    """(merged facts, new-name map, old restrictions, new restrictions)."""
    old_other = set(old.terms) | set(old.actions) | set(old.decisions) | set(old.interpretations)
    facts, names, restrict_old, restrict_new = dict(old.facts), {}, [], []
    for name, f in new.facts.items():
        o = old.facts.get(name)
        union = _union_type(o.type, f.type) if o is not None else None
        if o is None and name not in old_other:
            facts[name], names[name] = f, name
        elif union is None:
            names[name] = name + SUFFIX
            facts[names[name]] = replace(f, name=names[name])
        else:
            names[name] = name
            facts[name] = replace(o, type=union)
            restrict_old.append((name, _restriction(name, o.type, union)))
            restrict_new.append((name, _restriction(name, f.type, union)))
    return facts, names, restrict_old, restrict_new


def merge(old: PolicySet, new: PolicySet) -> Merged:
    """The merged policy set of two checked versions (see module docstring)."""
    facts, names, r_old, r_new = _facts(old, new)
    interps = dict(old.interpretations)
    interps.update({k: v for k, v in new.interpretations.items() if k not in interps})
    ren = _Renamer(names, interps)
    items: list = list(facts.values()) + list(interps.values())
    items += [d for doc in old.documents for d in doc.items if isinstance(d, _KEEP)]
    items += [ren.item(d) for doc in new.documents for d in doc.items if isinstance(d, _KEEP)]
    old_adm = [a.name for a in old.assumptions]
    new_adm = [ren.n(a.name) for a in new.assumptions]
    for side, restr, adm in (("old", r_old, old_adm), ("new", r_new, new_adm)):
        for name, expr in restr:
            if expr is not None:
                aname = f"{TYPE_PREFIX}{name}\x1f{side}"
                items.append(Assumption(aname, expr))
                adm.append(aname)
    policy = PolicySet((Document("DIFF", items=tuple(items)),))
    return Merged(policy, old, new, tuple(old_adm), tuple(new_adm), names)
