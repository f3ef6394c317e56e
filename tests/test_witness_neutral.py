"""Witness integers read naturally (issue 12): an integer the finding does not force is at
its neutral value — 0 when its range holds 0, else the bound nearest to 0 — and one the
finding forces is at the value closest to 0 it allows (the positive one of two equally
close). Every witness still replays through the plain evaluator."""
from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

import policygen
from verifier.analysis import analyse
from verifier.analysis.witness import neutral_value, rank
from verifier.cli import main
from verifier.evaluate import Evaluator
from verifier.model.nodes import BoolType, EnumType, IntType

POLICY = """document T
fact 排名 : int [1..100]
fact 提升 : int [-50..50]
fact 差 : int [-9..9]
fact 远 : int [-20..-3]
action x
rule R-1 if 排名 <= 30 then must x
rule R-2 if 提升 < 5 then must x
rule R-3 if 提升 < -3 then must x
rule R-4 if 差 > 2 or 差 < -2 then must x
rule R-5 if 远 < 0 then must x
"""


def _witnesses(tmp_path, capsys) -> dict:
    p = tmp_path / "t.policy"
    p.write_text(POLICY, encoding="utf-8")
    assert main(["check", str(p), "--no-cache", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    return {(f["code"], tuple(r["id"] for r in f["rules"])): f["witness"] for f in data["findings"]}


def test_unforced_integers_are_zero_and_forced_ones_closest_to_zero(tmp_path, capsys):
    w = _witnesses(tmp_path, capsys)
    # 提升 is read (R-2: 提升 < 5) but not forced away from 0: 0, not its lower bound -50
    assert w[("A403", ("R-1", "R-2"))] == {"排名": 1, "提升": 0}
    # forced below -3: the value closest to 0, not -50
    assert w[("A403", ("R-1", "R-3"))] == {"排名": 1, "提升": -4}
    # |差| > 2: 3 and -3 are equally close; the positive one
    assert w[("A403", ("R-1", "R-4"))] == {"排名": 1, "差": 3}
    # a range without 0: the bound nearest to 0 (排名: 1, 远: -3)
    assert w[("A403", ("R-1", "R-5"))] == {"排名": 1, "远": -3}


def test_the_neutral_value_of_a_type():
    from verifier.model.policy import PolicySet
    from verifier.model.nodes import Document, Fact
    p = PolicySet((Document("T", items=(Fact("a", IntType(-5, 5)), Fact("b", IntType(3, 9)),
                                        Fact("c", IntType(-9, -2)), Fact("d", BoolType()),
                                        Fact("e", EnumType(("甲", "乙")))),),))
    assert [neutral_value(p, n) for n in "abcde"] == [0, 3, -2, False, "甲"]
    assert sorted(range(-3, 4), key=rank) == [0, 1, -1, 2, -2, 3, -3]


def _holds(f):
    """The replay predicate of a finding kind (as in tests/test_analysis_oracle.py)."""
    r = f.rule_ids
    if f.code == "A401":
        return lambda ev: ev.effective(r[0]) and ev.effective(r[1])
    if f.code in ("A402", "A403"):
        return lambda ev: ev.applicable(r[0]) and ev.applicable(r[1])
    if f.code == "A407":
        return lambda ev: ev.applicable(r[0]) and not ev.effective(r[0])
    if f.code == "A408":
        return lambda ev: ev.applicable(r[0])
    if f.code == "A409":
        return lambda ev: not ev.expr(ev.policy.properties[f.subject].expr)
    return None


def _policy_with_a_signed_int(seed: int):
    saved = policygen.INT
    policygen.INT = ("排名", -3, 4)          # a range around 0: the lower bound is not neutral
    try:
        return policygen.random_policy(random.Random(seed))
    finally:
        policygen.INT = saved


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_witness_integers_are_as_close_to_zero_as_the_finding_allows(seed):
    """Property: every witness replays; and no relevant fact of it can be moved alone
    closer to its neutral value (an integer: to a value of smaller rank; in particular to
    0 when 0 is allowed) while the case stays admissible and the finding holds."""
    p = _policy_with_a_signed_int(seed)
    for f in analyse(p).findings:
        if f.witness is None:
            continue
        case, reading = f.witness_case(), dict(f.witness_reading)
        ev = Evaluator(p, case, reading)
        assert ev.admissible()
        holds = _holds(f)
        if holds is None:
            continue
        assert holds(ev)

        def works(name, value):
            e = Evaluator(p, {**case, name: value}, reading)
            return e.admissible() and holds(e)

        for name in (f.cone or tuple(case)):
            t, v = p.facts[name].type, case[name]
            if isinstance(t, IntType):
                closer = [w for w in range(t.lo, t.hi + 1) if rank(w) < rank(v)]
                assert not any(works(name, w) for w in closer), (f.code, f.rule_ids, name, v)
                if 0 in range(t.lo, t.hi + 1) and works(name, 0):
                    assert v == 0
            elif v != neutral_value(p, name):
                assert not works(name, neutral_value(p, name)), (f.code, f.rule_ids, name)
