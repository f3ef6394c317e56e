"""Random small policies (model objects) for differential and metamorphic tests.

``random_policy(rng)`` builds a checked-style PolicySet with a few boolean facts, a small
enum, a small int, one or two interpretations, a defined term, a rule-concluded term, two actions,
an unordered decision with a scope, an ordered decision, a discretion, assumptions,
up to ~8 rules with random priorities (acyclic), and a property. Dependencies are
stratified: stratum-0 rules conclude 予以容错 / 可予容错 / 处理决定 and read only facts,
interpretations and the defined term; stratum-1 rules conclude act_b / 记功 and may also
read stratum-0 outcomes. ``policies()`` is the hypothesis strategy over seeds.
Shared by the analysis, rulings and diff tests.
"""
from __future__ import annotations

import itertools
import random

from verifier.model.nodes import (DECIDE, MAY, MUST, MUST_NOT, TERM, Action, And, Arith,
                                  Assumption, AtLeast, BoolLit, BoolType, Compare,
                                  Conclusion, Decision, Deontic, Discretion, Document,
                                  EnumType, Fact, Group, Implies, IntLit, IntType,
                                  Interpretation, Is, Not, Or, Priority, Property, Ref,
                                  Rule, Term)
from verifier.model.policy import PolicySet

BOOL_NAMES = ("谋取私利", "urgent", "明令禁止", "reform失误", "集体决策", "x_2", "主动挽回")
ENUM = ("处理方式", ("从轻", "减轻", "免除"))
INT = ("排名", 0, 5)
INTERP, INTERP2 = "宽松解释", "strict_口径"
DEF_TERM, RULE_TERM = "一般条件", "可予容错"
ACT_A, ACT_B = "予以容错", "act_b"
DEC_U = ("处理决定", ("甲", "乙", "丙"))
DEC_O = ("记功", ("一等", "二等", "三等"))


class _Gen:
    def __init__(self, rng: random.Random, max_bool: int, max_rules: int):
        self.rng = rng
        self.bools = BOOL_NAMES[:rng.randint(2, max_bool)]
        self.enum_labels = ENUM[1][:rng.randint(2, 3)]
        self.interp = rng.random() < 0.7
        self.interp2 = self.interp and rng.random() < 0.4
        self.max_rules = max_rules
        self.defining = False                 # True while generating the term's definition

    # ---------------------------------------------------------------- expressions
    def leaf(self, stratum: int):
        r = self.rng.random()
        if r < 0.45:
            return Ref(self.rng.choice(self.bools))
        if r < 0.55:
            labs = tuple(self.rng.sample(self.enum_labels, self.rng.randint(1, 2)))
            return Is(ENUM[0], labs, negated=self.rng.random() < 0.2)
        if r < 0.67:
            return self.int_compare()
        if r < 0.74 and self.interp:
            return Ref(INTERP if not self.interp2 or self.rng.random() < 0.5 else INTERP2)
        if r < 0.82 and not self.defining:
            return Ref(DEF_TERM)
        if r < 0.84:
            return BoolLit(self.rng.random() < 0.5)
        if stratum >= 1:
            return self.outcome_leaf()
        return Ref(self.rng.choice(self.bools))

    def outcome_leaf(self):
        k = self.rng.randrange(3)
        if k == 0:
            return Deontic(self.rng.choice((MUST, MAY, MUST_NOT)), ACT_A)
        if k == 1:
            return Ref(RULE_TERM)
        return Is(DEC_U[0], (self.rng.choice(DEC_U[1]),))

    def int_compare(self):
        n, lo, hi = INT
        left = Ref(n)
        if self.rng.random() < 0.3:
            left = Arith(self.rng.choice("+-*"), left, IntLit(self.rng.randint(1, 3)))
        op = self.rng.choice(("<", "<=", ">", ">=", "=", "!="))
        return Compare(op, left, IntLit(self.rng.randint(lo - 1, hi + 2)))

    def expr(self, stratum: int, depth: int = 2):
        if depth == 0 or self.rng.random() < 0.35:
            return self.leaf(stratum)
        k = self.rng.randrange(5)
        sub = lambda: self.expr(stratum, depth - 1)  # noqa: E731
        if k == 0:
            return Not(sub())
        if k == 1:
            return And(tuple(sub() for _ in range(self.rng.randint(2, 3))))
        if k == 2:
            return Or(tuple(sub() for _ in range(self.rng.randint(2, 3))))
        if k == 3:
            return Implies(sub(), sub())
        ops = tuple(sub() for _ in range(3))
        return AtLeast(self.rng.randint(1, 3), ops)

    # ---------------------------------------------------------------- declarations
    def conclusion(self, stratum: int) -> Conclusion:
        k = self.rng.randrange(4)
        if stratum == 0:
            if k == 0:
                return Conclusion(TERM, RULE_TERM)
            if k == 1:
                return Conclusion(DECIDE, DEC_U[0], self.rng.choice(DEC_U[1]))
            return Conclusion(self.rng.choice((MUST, MAY, MUST_NOT)), ACT_A)
        if k < 2:
            return Conclusion(DECIDE, DEC_O[0], self.rng.choice(DEC_O[1]))
        return Conclusion(self.rng.choice((MUST, MAY, MUST_NOT)), ACT_B)

    def rules(self) -> list[Rule]:
        out = []
        for i in range(self.rng.randint(1, self.max_rules)):
            stratum = 1 if self.rng.random() < 0.3 else 0
            unless = self.expr(stratum, 1) if self.rng.random() < 0.25 else None
            out.append(Rule(f"R-{i + 1}", self.expr(stratum), self.conclusion(stratum), unless))
        return out

    def priorities(self, rules: list[Rule]) -> tuple[list[Group], list[Priority]]:
        ids = [r.id for r in rules]
        order = ids[:]
        self.rng.shuffle(order)                       # higher priority = earlier in order
        pairs = [(a, b) for a, b in itertools.combinations(order, 2)]
        chosen = self.rng.sample(pairs, min(len(pairs), self.rng.randint(0, 4)))
        groups, prios = [], [Priority(a, b) for a, b in chosen]
        if len(order) >= 3 and self.rng.random() < 0.3:
            groups.append(Group("高组", tuple(order[:2])))
            prios.append(Priority("高组", order[-1]))
        return groups, prios

    def policy(self) -> PolicySet:
        rng = self.rng
        items: list = [Fact(n, BoolType()) for n in self.bools]
        items.append(Fact(ENUM[0], EnumType(self.enum_labels)))
        items.append(Fact(INT[0], IntType(INT[1], INT[2])))
        if self.interp:
            items.append(Interpretation(INTERP, "宽", "严"))
        if self.interp2:
            items.append(Interpretation(INTERP2, "严", "宽"))
        self.defining = True
        items.append(Term(DEF_TERM, self.expr(0)))
        self.defining = False
        items.append(Term(RULE_TERM))
        items += [Action(ACT_A), Action(ACT_B)]
        items.append(Decision(DEC_U[0], DEC_U[1], False, self.expr(0, 1)))
        items.append(Decision(DEC_O[0], DEC_O[1], True,
                              self.expr(1, 1) if rng.random() < 0.5 else None))
        if rng.random() < 0.5:
            items.append(Discretion("D-1", DEC_U[0], "党委", self.expr(0, 1)))
        for i in range(rng.choice((0, 0, 1, 1, 2))):
            shape = Implies if rng.random() < 0.6 else (lambda a, b: Not(And((a, b))))
            items.append(Assumption(f"假设{i + 1}", shape(self.leaf(0), self.leaf(0))))
        rules = self.rules()
        groups, prios = self.priorities(rules)
        items += rules + groups + prios
        items.append(Property("P-1", self.expr(1)))
        return PolicySet((Document("GEN", items=tuple(items)),))


def random_policy(rng: random.Random, max_bool: int = 5, max_rules: int = 8) -> PolicySet:
    """A random small policy (see module docstring); deterministic in ``rng``."""
    return _Gen(rng, max_bool, max_rules).policy()


def policies(max_bool: int = 5, max_rules: int = 8):
    """Hypothesis strategy of random small policies."""
    from hypothesis import strategies as st
    return st.integers(0, 2**32 - 1).map(
        lambda seed: random_policy(random.Random(seed), max_bool, max_rules))


def all_cases(policy: PolicySet):
    """Every complete (case, readings) pair of a policy, in a fixed order (brute force)."""
    names, domains = [], []
    for name, fact in policy.facts.items():
        t = fact.type
        names.append(name)
        domains.append((False, True) if isinstance(t, BoolType) else
                       t.labels if isinstance(t, EnumType) else range(t.lo, t.hi + 1))
    interps = list(policy.interpretations)
    for values in itertools.product(*domains):
        case = dict(zip(names, values))
        for rvals in itertools.product((False, True), repeat=len(interps)):
            yield case, dict(zip(interps, rvals))
