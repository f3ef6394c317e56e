"""verifier.analysis: one small hand-built policy per finding kind (A400–A411)."""
from verifier.analysis import analyse, fingerprint
from verifier.evaluate import evaluate
from verifier.model.nodes import (Action, And, Assumption, BoolType, Compare, Conclusion,
                                  Decision, Deontic, Discretion, Document, EnumType, Fact,
                                  Implies, IntLit, IntType, Interpretation, Is, Not, Or,
                                  Priority, Property, Ref, Rule)
from verifier.model.policy import PolicySet

A, B, C = Fact("甲", BoolType()), Fact("乙", BoolType()), Fact("c", BoolType())
X = Action("予以容错")


def pol(*items):
    return PolicySet((Document("T", items=tuple(items)),))


def concl(kind, target="予以容错", value=None):
    return Conclusion(kind, target, value)


def codes(analysis):
    return sorted((f.code, f.rule_ids, f.subject) for f in analysis.findings
                  if f.code not in ("A405",))


def test_a400_inconsistent_assumptions_with_core():
    p = pol(A, B, Assumption("H1", Ref("甲")), Assumption("H2", Not(Ref("甲"))),
            Assumption("H3", Ref("乙")), X, Rule("R-1", Ref("甲"), concl("must")))
    a = analyse(p)
    assert a.codes() == ("A400",)
    assert a.findings[0].core == ("H1", "H2") and a.findings[0].witness is None


def test_a401_unresolved_conflict_with_witness():
    p = pol(A, B, X, Rule("R-1", Ref("甲"), concl("may")), Rule("R-2", Ref("乙"), concl("must_not")))
    [f] = analyse(p).of("A401")
    assert f.rule_ids == ("R-1", "R-2") and f.severity == "error"
    assert f.witness_case() == {"甲": True, "乙": True}
    assert "R-1, R-2" in f.message()


def test_a402_overlap_resolved_by_priority():
    p = pol(A, B, X, Rule("R-1", Ref("甲"), concl("may")), Rule("R-2", Ref("乙"), concl("must_not")),
            Priority("R-2", "R-1"))
    a = analyse(p)
    assert not a.of("A401")
    [f] = a.of("A402")
    assert dict(f.args)["winner"] == "R-2"


def test_a403_same_conclusion_and_a408_redundant():
    p = pol(A, B, X, Rule("R-1", Ref("甲"), concl("must")),
            Rule("R-2", And((Ref("甲"), Ref("乙"))), concl("must")))
    a = analyse(p)
    assert [f.rule_ids for f in a.of("A403")] == [("R-1", "R-2")]
    assert [f.rule_ids for f in a.of("A408")] == [("R-2",)]     # R-1 alone covers 甲 ∧ ¬乙


def test_a404_gap_and_a405_discretion():
    d = Decision("决定", ("是", "否"), scope=Ref("甲"))
    p = pol(A, B, d, Rule("R-1", And((Ref("甲"), Ref("乙"))), concl("decide", "决定", "是")))
    [gap] = analyse(p).of("A404")
    assert gap.subject == "决定" and gap.witness_case() == {"甲": True, "乙": False}
    p2 = pol(A, B, d, Rule("R-1", And((Ref("甲"), Ref("乙"))), concl("decide", "决定", "是")),
             Discretion("D-1", "决定", "党委"))
    a2 = analyse(p2)
    assert not a2.of("A404") and [f.subject for f in a2.of("A405")] == ["决定"]


def test_a405_action_permitted_not_obligated():
    p = pol(A, X, Rule("R-1", Ref("甲"), concl("may")))
    [f] = analyse(p).of("A405")
    assert f.subject == "予以容错" and [r.id for r in f.related] == ["R-1"]


def test_a406_dead_rule():
    n = Fact("n", IntType(1, 10))
    p = pol(A, n, X, Rule("R-1", And((Compare(">", Ref("n"), IntLit(5)),
                                      Compare("<", Ref("n"), IntLit(3)))), concl("must")),
            Rule("R-2", Ref("甲"), concl("must"), unless=Ref("甲")))
    assert [f.rule_ids for f in analyse(p).of("A406")] == [("R-1",), ("R-2",)]


def test_a406_dead_under_an_assumption():
    p = pol(A, B, X, Assumption("H", Implies(Ref("甲"), Ref("乙"))),
            Rule("R-1", And((Ref("甲"), Not(Ref("乙")))), concl("must")))
    assert [f.rule_ids for f in analyse(p).of("A406")] == [("R-1",)]


def test_a407_shadowed_rule():
    p = pol(A, B, X, Rule("R-1", Ref("甲"), concl("must_not")),
            Rule("R-2", And((Ref("甲"), Ref("乙"))), concl("may")), Priority("R-1", "R-2"))
    a = analyse(p)
    [f] = a.of("A407")
    assert f.rule_ids == ("R-2",) and [r.id for r in f.related] == ["R-1"]
    o = evaluate(p, f.witness_case())
    assert o.applicable["R-2"] and not o.effective["R-2"]


def test_a409_refuted_and_a410_proven():
    p = pol(A, B, X, Rule("R-1", Ref("甲"), concl("must_not")),
            Property("P-ok", Implies(Ref("甲"), Not(Deontic("may", "予以容错")))),
            Property("P-bad", Deontic("must_not", "予以容错")))
    a = analyse(p)
    assert [f.subject for f in a.of("A410")] == ["P-ok"]
    [bad] = a.of("A409")
    assert bad.subject == "P-bad" and bad.witness_case() == {"甲": False, "乙": False}


def test_a411_unknown_is_reported_not_raised():
    import random
    rng = random.Random(0)
    facts = [Fact(f"v{i}", BoolType()) for i in range(200)]

    def lit():
        r = Ref(f"v{rng.randrange(200)}")
        return r if rng.random() < .5 else Not(r)
    hard = And(tuple(Or((lit(), lit(), lit())) for _ in range(860)))
    p = pol(*facts, X, Rule("R-1", hard, concl("must")))
    a = analyse(p, timeout_ms=1)
    assert a.of("A411")
    assert all(f.code in ("A405", "A406", "A411") for f in a.findings)
    for f in a.of("A411"):
        assert f.args and dict(f.args)["reason"]


def test_readings_are_recorded_and_merged():
    i = Interpretation("宽", "t", "f")
    p = pol(A, i, X, Rule("R-1", And((Ref("甲"), Ref("宽"))), concl("must")))
    a = analyse(p)
    [dead] = a.of("A406")
    assert dead.readings == ((("宽", False),),)
    assert analyse(p, {"宽": True}).of("A406") == ()
    assert a.readings == ((),) and a.reading_count == 2
    assert a.of("A405") == ()                 # only a must rule: never permitted-only


def test_irrelevant_interpretations_are_not_enumerated():
    many = [Interpretation(f"解释{i}", "t", "f") for i in range(20)]
    p = pol(A, B, *many, X, Rule("R-1", And((Ref("甲"), Ref("解释3"))), concl("may")),
            Rule("R-2", Ref("乙"), concl("must_not")))
    a = analyse(p)
    assert a.reading_count == 2 ** 20 and a.queries < 40
    [conflict] = a.of("A401")
    assert conflict.readings == ((("解释3", True),),)
    [dead_free] = a.of("A405")
    assert dead_free.readings == ((("解释3", True),),)


def test_minimal_witness_prefers_defaults():
    e, n = Fact("方式", EnumType(("从轻", "减轻", "免除"))), Fact("n", IntType(3, 9))
    p = pol(A, B, C, e, n, X,
            Rule("R-1", Or((Ref("甲"), Is("方式", ("免除",)))), concl("may")),
            Rule("R-2", Or((Ref("乙"), Compare(">", Ref("n"), IntLit(8)))), concl("must_not")))
    [f] = analyse(p).of("A401")
    w = f.witness_case()
    away = {k for k, v in w.items() if v != {"甲": False, "乙": False, "c": False,
                                              "方式": "从轻", "n": 3}[k]}
    assert len(away) == 2 and "c" not in away


def test_fingerprint_is_stable_and_order_free():
    assert fingerprint("A401", ["R-2", "R-1"], None) == fingerprint("A401", ("R-1", "R-2"), None)
    assert fingerprint("A401", ["R-1"], None) != fingerprint("A403", ["R-1"], None)
    assert len(fingerprint("A404", [], "决定")) == 16


def test_findings_convert_to_diagnostics():
    p = pol(A, B, X, Rule("R-1", Ref("甲"), concl("may")), Rule("R-2", Ref("乙"), concl("must_not")))
    d = analyse(p).of("A401")[0].to_diagnostic()
    assert d.code == "A401" and "R-1" in d.message("zh")
