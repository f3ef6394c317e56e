"""The three-valued evaluator (verifier.evaluate.partial) against brute-force enumeration.

Soundness: a TRUE / FALSE on a partial case holds in every completion (all values of the
unknown facts and readings). Exactness on complete cases: nothing is UNKNOWN and every
value equals the plain evaluator's.
"""
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policygen import all_cases, random_policy
from verifier.evaluate import Atom, eval_expr, evaluate
from verifier.evaluate.partial import ADMISSIBLE, PartialEvaluator


def concrete(policy, full, readings, result, key):
    """The value of a PartialEvaluator key in one complete case (plain evaluator)."""
    kind, target, value = key
    if key == ADMISSIBLE:
        return result.admissible
    if kind == "assumption":
        a = next(a for a in policy.assumptions if a.name == target)
        return bool(eval_expr(policy, a.expr, full, readings))
    if kind == "applicable":
        return result.applicable[target]
    if kind == "effective":
        return result.effective[target]
    if kind == "discretion":
        return result.discretion[target]
    if kind == "discretion_on":
        return any(result.discretion[d.id] for d in policy.discretions if d.target == target)
    return result.atoms[Atom(kind, target, value)]


def completions(table, facts, readings):
    return [(full, rd, res) for full, rd, res in table
            if all(full[n] == v for n, v in facts.items()) and all(rd[n] == v for n, v in readings.items())]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_kleene_values_hold_in_every_completion(seed):
    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=4, max_rules=7)
    pe = PartialEvaluator(policy)
    table = [(full, rd, evaluate(policy, full, rd)) for full, rd in all_cases(policy)]
    for _ in range(8):
        full, rd, _ = rng.choice(table)
        facts = {n: v for n, v in full.items() if rng.random() < 0.5}
        readings = {n: v for n, v in rd.items() if rng.random() < 0.5}
        got = pe.evaluate(facts, readings)
        assert set(got) == set(pe.keys)
        cases = completions(table, facts, readings)
        for key, value in got.items():
            if value is not None:
                for c_full, c_rd, res in cases:
                    assert concrete(policy, c_full, c_rd, res, key) == value, (key, facts, readings, c_full)
        short = pe.run(facts, readings, full=False)
        assert (short is None) == (got[ADMISSIBLE] is False)
        if short is not None:
            assert short == pe.run(facts, readings)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_complete_cases_are_evaluated_exactly(seed):
    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=5, max_rules=8)
    pe = PartialEvaluator(policy)
    cases = list(all_cases(policy))
    for full, rd in rng.sample(cases, min(30, len(cases))):
        result = evaluate(policy, full, rd)
        got = pe.evaluate(full, rd)
        assert got == {k: concrete(policy, full, rd, result, k) for k in pe.keys}


def test_kleene_examples():
    """Unknown propagates as in Kleene logic; known facts decide what they can."""
    from verifier.model.nodes import (Action, BoolType, Conclusion, Document, Fact, IntType, Or,
                                      Compare, IntLit, Ref, Rule)
    from verifier.model.policy import PolicySet
    policy = PolicySet((Document("T", items=(
        Fact("a", BoolType()), Fact("b", BoolType()), Fact("n", IntType(0, 10)), Action("X"),
        Rule("R1", Or((Ref("a"), Ref("b"))), Conclusion("must", "X")),
        Rule("R2", Compare("<", Ref("n"), IntLit(20)), Conclusion("may", "X")),
    )),))
    pe = PartialEvaluator(policy)
    assert pe.evaluate({}, {})[("must", "X", None)] is None
    assert pe.evaluate({"b": True}, {})[("must", "X", None)] is True
    assert pe.evaluate({"a": False, "b": False}, {})[("must", "X", None)] is False
    assert pe.evaluate({}, {})[("applicable", "R2", None)] is True      # n <= 10 < 20 always
    assert pe.evaluate({}, {})[("may", "X", None)] is True
