"""verifier.logic: the Z3 encoding agrees with verifier.evaluate; the solver API."""
import random

import z3
from hypothesis import given, settings

from policygen import all_cases, policies, random_policy
from verifier.evaluate import Atom, evaluate
from verifier.logic import PROVEN, REFUTED, UNKNOWN, EngineSolver, compile_policy
from verifier.model.nodes import (Action, And, Arith, Assumption, BoolType, Compare,
                                  Conclusion, Document, Fact, IntLit, IntType, Not, Ref,
                                  Rule)
from verifier.model.policy import PolicySet


def pol(*items):
    return PolicySet((Document("T", items=tuple(items)),))


@settings(max_examples=60, deadline=None)
@given(policies())
def test_encoding_agrees_with_evaluator_on_pinned_cases(p):
    enc = compile_policy(p)
    s = EngineSolver(enc)
    cases = list(all_cases(p))
    for case, reading in random.Random(len(cases)).sample(cases, min(8, len(cases))):
        o = evaluate(p, case, reading)
        s.reading = reading
        r = s.check([s.pin(k, v) for k, v in case.items()])
        assert r.status == (REFUTED if o.admissible else PROVEN)
        if not o.admissible:
            continue
        assert enc.case_from_model(r.model) == (case, reading)
        for atom, var in enc.atoms.items():
            assert z3.is_true(r.model.eval(var, model_completion=True)) == o.atoms[atom]
        for rid, v in enc.rules.items():
            assert z3.is_true(r.model.eval(v.applicable, True)) == o.applicable[rid]
            assert z3.is_true(r.model.eval(v.effective, True)) == o.effective[rid]


def test_wide_arithmetic_does_not_overflow():
    n = Fact("n", IntType(0, 1000))
    big = Compare(">", Arith("*", Ref("n"), IntLit(1000)), IntLit(999_000))
    p = pol(n, Action("x"), Rule("R-1", big, Conclusion("must", "x")))
    s = EngineSolver(compile_policy(p))
    app = s.enc.rules["R-1"].applicable
    assert s.check([s.pin("n", 999), app]).proven
    r = s.check([s.pin("n", 1000)])
    assert r.refuted and z3.is_true(r.model.eval(s.enc.rules["R-1"].applicable))


def test_prove_exists_and_cores():
    a, b = Fact("甲", BoolType()), Fact("乙", BoolType())
    p = pol(a, b, Assumption("A1", Ref("甲")), Assumption("A2", Not(Ref("甲"))),
            Assumption("A3", Ref("乙")))
    s = EngineSolver(compile_policy(p), minimize_cores=True)
    r = s.consistent()
    assert r.status == PROVEN and r.core == ("A1", "A2")


def test_prove_refute_with_model():
    a = Fact("甲", BoolType())
    p = pol(a, Action("x"), Rule("R-1", Ref("甲"), Conclusion("may", "x")))
    enc = compile_policy(p)
    s = EngineSolver(enc)
    assert s.prove(z3.Implies(enc.facts["甲"], enc.atoms[Atom("may", "x")])).proven
    r = s.prove(enc.atoms[Atom("may", "x")])
    assert r.refuted and enc.case_from_model(r.model)[0] == {"甲": False}
    assert s.exists(enc.atoms[Atom("must", "x")]).proven


def test_consequences_with_rule_tracking():
    a = Fact("甲", BoolType())
    p = pol(a, Action("x"), Rule("R-1", Ref("甲"), Conclusion("must", "x")))
    enc = compile_policy(p)
    s = EngineSolver(enc, track_rules=True)
    status, implied = s.consequences([s.pin("甲", True)], [enc.atoms[Atom("may", "x")]])
    assert status == z3.sat and len(implied) == 1
    assert "rule:R-1" in str(implied[0])


def test_unknown_under_a_tiny_timeout():
    rng = random.Random(0)
    facts = [Fact(f"v{i}", BoolType()) for i in range(250)]
    lits = lambda: tuple(Ref(f"v{rng.randrange(250)}") if rng.random() < .5  # noqa: E731
                         else Not(Ref(f"v{rng.randrange(250)}")) for _ in range(3))
    from verifier.model.nodes import Or
    hard = And(tuple(Or(lits()) for _ in range(1070)))
    p = pol(*facts)
    s = EngineSolver(compile_policy(p), timeout_ms=1)
    r = s.exists(s.enc.expr(hard))
    assert r.status in (UNKNOWN, REFUTED, PROVEN)
    if r.unknown:
        assert r.reason


def test_compile_random_policies_quickly():
    for seed in range(20):
        compile_policy(random_policy(random.Random(seed)))
