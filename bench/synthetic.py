"""Synthetic policies for benchmarks: ``synthetic(n_rules, n_facts=None, seed=0)``.

Shaped like the real 办法: facts grouped into topics; each action / decision is governed
by ~10 rules whose conditions are conjunctions of 2–4 literals over its topic (boolean
facts, an enum, an integer threshold); prohibitions have priority over permissions in
each topic; decisions have a scope; a few properties and assumptions.
"""
from __future__ import annotations

import random

from verifier.model.nodes import (Action, And, Assumption, BoolType, Compare, Conclusion,
                                  Decision, Deontic, Document, EnumType, Fact, Implies,
                                  IntLit, IntType, Is, Not, Priority, Property, Ref, Rule)
from verifier.model.policy import PolicySet

RULES_PER_TARGET = 10


def _literal(rng: random.Random, topic: list[str], enum: str, num: str, plain: bool):
    k = 1.0 if plain else rng.random()
    if k < 0.1:
        return Is(enum, (rng.choice(("从轻", "减轻", "免除")),))
    if k < 0.2:
        return Compare(rng.choice(("<=", ">=")), Ref(num), IntLit(rng.randint(1, 158)))
    f = Ref(rng.choice(topic))
    return f if rng.random() < 0.7 else Not(f)


def synthetic(n_rules: int, n_facts: int | None = None, seed: int = 0,
              plain: bool = False) -> PolicySet:
    """A policy with ``n_rules`` rules over ``n_facts`` boolean facts (+1 enum, +1 int;
    ``plain``: boolean facts only, for truth-table comparisons)."""
    rng = random.Random(seed)
    n_targets = max(1, n_rules // RULES_PER_TARGET)
    n_facts = n_facts or max(20, n_rules // 5)
    facts = [f"事实{i}" for i in range(n_facts)]
    items: list = [Fact(f, BoolType()) for f in facts]
    if not plain:
        items += [Fact("处理方式", EnumType(("从轻", "减轻", "免除"))), Fact("县域排名", IntType(1, 158))]
        items.append(Assumption("排名合理", Implies(Ref(facts[0]),
                                                 Compare("<=", Ref("县域排名"), IntLit(150)))))
    else:
        items.append(Assumption("互斥", Not(And((Ref(facts[0]), Ref(facts[1]))))))
    rules: list[Rule] = []
    for t in range(n_targets):
        start = rng.randrange(n_facts)
        topic = [facts[(start + j) % n_facts] for j in range(min(10, n_facts))]
        decide = t % 3 == 2
        name = f"决策{t}" if decide else f"行为{t}"
        if decide:
            items.append(Decision(name, ("予以", "不予", "暂缓"), False, Ref(topic[0])))
        else:
            items.append(Action(name))
        ids_pos, ids_neg = [], []
        for j in range(RULES_PER_TARGET):
            if len(rules) >= n_rules:
                break
            rid = f"R-{t}-{j}"
            cond = And(tuple(_literal(rng, topic, "处理方式", "县域排名", plain)
                             for _ in range(rng.randint(2, 4))))
            if decide:
                c = Conclusion("decide", name, ("予以", "不予", "暂缓")[j % 3])
            else:
                c = Conclusion(("may", "must", "must_not")[j % 3], name)
            rules.append(Rule(rid, cond, c))
            (ids_neg if c.kind == "must_not" or c.value == "不予" else ids_pos).append(rid)
        items += [Priority(h, lo) for h in ids_neg[:2] for lo in ids_pos[:2]]
        if t % 10 == 0 and not decide:
            items.append(Property(f"P-{t}", Implies(Ref(topic[1]), Not(Deontic("must_not", name)))))
    items += rules
    return PolicySet((Document("SYN", items=tuple(items)),))
