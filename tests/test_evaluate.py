"""verifier.evaluate on small hand-built policies: each clause of docs/semantics.md."""
import pytest

from verifier.evaluate import Atom, Evaluator, admissible, eval_expr, evaluate, outcome_atoms
from verifier.model.nodes import (Action, And, Arith, Assumption, AtLeast, BoolType,
                                  Compare, Conclusion, Decision, Deontic, Discretion,
                                  Document, EnumType, Fact, Group, IntLit, IntType,
                                  Interpretation, Is, Not, Priority, Ref, Rule, Term)
from verifier.model.policy import PolicySet


def pol(*items):
    return PolicySet((Document("T", items=tuple(items)),))


A, B, C = Fact("甲", BoolType()), Fact("乙", BoolType()), Fact("c", BoolType())
ACT = Action("予以容错")


def must(x="予以容错"):
    return Conclusion("must", x)


def may(x="予以容错"):
    return Conclusion("may", x)


def must_not(x="予以容错"):
    return Conclusion("must_not", x)


def test_applicable_uses_unless():
    p = pol(A, B, ACT, Rule("R-1", Ref("甲"), may(), unless=Ref("乙")))
    assert evaluate(p, {"甲": True, "乙": False}).applicable["R-1"]
    assert not evaluate(p, {"甲": True, "乙": True}).applicable["R-1"]


def test_defeat_needs_only_applicability_of_the_stronger_rule():
    # R-1 > R-2 > R-3 (must not / may / must not): R-2 is defeated by R-1, and still
    # defeats R-3 because defeat needs only its applicability (no chain reasoning).
    p = pol(A, ACT, Rule("R-1", Ref("甲"), must_not()), Rule("R-2", Ref("甲"), may()),
            Rule("R-3", Ref("甲"), must_not()), Priority("R-1", "R-2"), Priority("R-2", "R-3"))
    o = evaluate(p, {"甲": True})
    assert o.effective == {"R-1": True, "R-2": False, "R-3": False}
    assert o.forbidden["予以容错"] and not o.permitted["予以容错"]


def test_defeat_by_transitive_priority_and_groups():
    p = pol(A, ACT, Rule("R-1", Ref("甲"), must_not()), Rule("R-2", Ref("甲"), must_not()),
            Rule("R-3", Ref("甲"), may()), Group("G", ("R-1",)),
            Priority("G", "R-2"), Priority("R-2", "R-3"))
    o = evaluate(p, {"甲": True})
    assert o.defeated["R-3"] and not o.defeated["R-1"] and not o.defeated["R-2"]


def test_compatible_priority_does_not_defeat():
    p = pol(A, ACT, Rule("R-1", Ref("甲"), must()), Rule("R-2", Ref("甲"), may()),
            Priority("R-1", "R-2"))
    o = evaluate(p, {"甲": True})
    assert o.effective == {"R-1": True, "R-2": True}


def test_must_implies_may_and_deontic_atoms():
    p = pol(A, ACT, Rule("R-1", Ref("甲"), must()))
    o = evaluate(p, {"甲": True})
    assert o.obligated["予以容错"] and o.permitted["予以容错"] and not o.forbidden["予以容错"]
    assert eval_expr(p, Deontic("may", "予以容错"), {"甲": True}) is True
    assert o.atoms[Atom("may", "予以容错")]


def test_terms_defined_and_concluded():
    p = pol(A, B, Term("T1", And((Ref("甲"), Not(Ref("乙"))))), Term("T2"),
            Rule("R-1", Ref("T1"), Conclusion("term", "T2")))
    assert evaluate(p, {"甲": True, "乙": False}).terms == {"T1": True, "T2": True}
    assert evaluate(p, {"甲": True, "乙": True}).terms == {"T1": False, "T2": False}


def test_ordered_decision_takes_the_highest():
    d = Decision("记功", ("一等", "二等", "三等"), ordered=True)
    p = pol(A, B, d, Rule("R-1", Ref("甲"), Conclusion("decide", "记功", "二等")),
            Rule("R-2", Ref("乙"), Conclusion("decide", "记功", "三等")))
    o = evaluate(p, {"甲": True, "乙": True})
    assert o.concluded[("记功", "三等")] and not o.value[("记功", "三等")]
    assert o.decision_values("记功") == ("二等",)
    assert eval_expr(p, Is("记功", ("二等",)), {"甲": True, "乙": True})


def test_unordered_decision_may_hold_two_values():
    d = Decision("决定", ("是", "否"))
    p = pol(A, d, Rule("R-1", Ref("甲"), Conclusion("decide", "决定", "是")),
            Rule("R-2", Ref("甲"), Conclusion("decide", "决定", "否")))
    assert evaluate(p, {"甲": True}).decision_values("决定") == ("是", "否")


def test_unordered_decision_defeat():
    d = Decision("决定", ("是", "否"))
    p = pol(A, d, Rule("R-1", Ref("甲"), Conclusion("decide", "决定", "是")),
            Rule("R-2", Ref("甲"), Conclusion("decide", "决定", "否")), Priority("R-2", "R-1"))
    assert evaluate(p, {"甲": True}).decision_values("决定") == ("否",)


def test_enum_int_atleast_and_arith():
    e, n = Fact("方式", EnumType(("从轻", "减轻"))), Fact("排名", IntType(1, 158))
    p = pol(A, B, e, n)
    case = {"甲": True, "乙": False, "方式": "减轻", "排名": 30}
    assert eval_expr(p, Is("方式", ("减轻",)), case)
    assert eval_expr(p, Is("方式", ("减轻",), negated=True), case) is False
    assert eval_expr(p, Compare("<=", Ref("排名"), IntLit(30)), case)
    assert eval_expr(p, Compare("<", Arith("*", Ref("排名"), IntLit(10)), IntLit(300)), case) is False
    assert eval_expr(p, AtLeast(2, (Ref("甲"), Ref("乙"), Is("方式", ("减轻",)))), case)


def test_discretion_and_interpretation():
    i = Interpretation("宽", "t", "f")
    d = Decision("决定", ("是", "否"), scope=Ref("甲"))
    p = pol(A, i, d, Discretion("D-1", "决定", "党委", Ref("宽")), Discretion("D-2", "决定", "x"))
    o = evaluate(p, {"甲": True}, {"宽": False})
    assert o.discretion == {"D-1": False, "D-2": True}


def test_admissible():
    p = pol(A, B, Assumption("假设", Not(And((Ref("甲"), Ref("乙"))))))
    assert admissible(p, {"甲": True, "乙": False})
    assert not admissible(p, {"甲": True, "乙": True})
    assert not evaluate(p, {"甲": True, "乙": True}).admissible


@pytest.mark.parametrize("case", [{}, {"甲": 1}, {"甲": True, "x": True}])
def test_incomplete_or_ill_typed_case_is_rejected(case):
    with pytest.raises(ValueError):
        evaluate(pol(A), case)


def test_missing_reading_is_rejected():
    with pytest.raises(ValueError):
        evaluate(pol(A, Interpretation("宽", "t", "f")), {"甲": True}, {})


def test_int_out_of_range_is_rejected():
    with pytest.raises(ValueError):
        evaluate(pol(Fact("n", IntType(0, 3))), {"n": 4})


def test_rule_reading_outcomes_of_other_rules():
    p = pol(A, ACT, Action("b"), Rule("R-1", Ref("甲"), must()),
            Rule("R-2", Deontic("must", "予以容错"), must_not("b")))
    o = evaluate(p, {"甲": True})
    assert o.forbidden["b"]


def test_outcome_atoms_cover_everything():
    p = pol(ACT, Term("T"), Decision("D", ("x", "y")))
    assert set(outcome_atoms(p)) == {Atom("term", "T"), Atom("must", "予以容错"),
                                     Atom("may", "予以容错"), Atom("must_not", "予以容错"),
                                     Atom("decide", "D", "x"), Atom("decide", "D", "y")}


def test_cycle_is_reported():
    p = pol(Term("T", Ref("U")), Term("U", Ref("T")))
    with pytest.raises(ValueError):
        Evaluator(p, {}).term("T")
