"""Differential and metamorphic tests: analyse() against brute-force truth tables.

Every analysis of a random small policy (tests/policygen.py) must agree exactly with the
oracle (tests/oracle.py, built on verifier.evaluate only): the same findings, under the
same readings; every witness replays and is subset-minimal w.r.t. single resets.
"""
import dataclasses
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from oracle import ORACLE_CODES, actual, admissible_cases, expected
from policygen import policies, random_policy
from verifier.analysis import analyse
from verifier.evaluate import Evaluator
from verifier.model.nodes import BoolType, Document, EnumType, Priority, Rule
from verifier.model.policy import PolicySet

FAST = settings(max_examples=120, deadline=None)


@FAST
@given(policies())
def test_analysis_agrees_with_truth_tables(p):
    assert actual(analyse(p), p) == expected(p)


@settings(max_examples=30, deadline=None)
@given(policies(), st.booleans())
def test_analysis_agrees_under_a_chosen_reading(p, value):
    chosen = {n: value for n in p.interpretations}
    assert actual(analyse(p, chosen), p) == expected(p, chosen)


def _holds(f):
    """The replay predicate of a finding kind (independent of the engine's own)."""
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


@settings(max_examples=60, deadline=None)
@given(policies())
def test_witnesses_replay_and_are_minimal(p):
    for f in analyse(p).findings:
        if f.witness is None:
            assert f.code in ("A400", "A406", "A410", "A411", "A412", "A413", "A415")
            continue
        case, reading = f.witness_case(), dict(f.witness_reading)
        ev = Evaluator(p, case, reading)
        assert ev.admissible()
        holds = _holds(f)
        if holds is None:
            continue
        assert holds(ev)
        for name, fact in p.facts.items():       # no single fact can be reset to default
            default = _default(fact.type)
            if case[name] != default:
                ev2 = Evaluator(p, {**case, name: default}, reading)
                assert not (ev2.admissible() and holds(ev2)), (f.code, name)


def test_analysis_is_deterministic():
    for seed in range(15):
        p = random_policy(random.Random(seed))
        a, b = analyse(p), analyse(p)
        assert [(f.fingerprint, f.witness, f.readings) for f in a.findings] == \
               [(f.fingerprint, f.witness, f.readings) for f in b.findings]


# ---------------------------------------------------------------- metamorphic

NAME_FIELDS = {"name", "subject", "action", "target", "higher", "lower", "id"}


def rename(obj, m):
    """Rename identifiers (rule ids, facts, terms, actions, decisions…) throughout a model."""
    if isinstance(obj, tuple):
        return tuple(rename(o, m) for o in obj)
    if not dataclasses.is_dataclass(obj):
        return obj
    changes = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if f.name in NAME_FIELDS and isinstance(v, str):
            changes[f.name] = m.get(v, v)
        elif f.name == "members":
            changes[f.name] = tuple(m.get(x, x) for x in v)
        else:
            changes[f.name] = rename(v, m)
    return dataclasses.replace(obj, **changes)


def key(analysis, m=None):
    """Findings as (code, rule ids, subject, readings), names mapped through m."""
    m = m or {}
    return sorted((f.code, tuple(sorted(m.get(r, r) for r in f.rule_ids)),
                   m.get(f.subject, f.subject),
                   tuple(sorted(tuple((m.get(k, k), v) for k, v in rd) for rd in f.readings)))
                  for f in analysis.findings)


@settings(max_examples=40, deadline=None)
@given(policies())
def test_renaming_does_not_change_findings(p):
    names = list(p.rules) + list(p.facts) + list(p.terms) + list(p.actions) + \
        list(p.decisions) + list(p.properties) + list(p.groups)
    m = {n: f"新_{n}_x" if not n.startswith("R-") else f"Q-{n[2:]}0" for n in names}
    q = PolicySet(rename(p.documents, m))
    assert key(analyse(q)) == key(analyse(p), m)


@settings(max_examples=40, deadline=None)
@given(policies(), st.randoms(use_true_random=False))
def test_reordering_declarations_does_not_change_findings(p, rnd):
    items = list(p.documents[0].items)
    rnd.shuffle(items)
    q = PolicySet((Document("GEN", items=tuple(items)),))
    assert key(analyse(q)) == key(analyse(p))
    assert [f.fingerprint for f in analyse(q).findings] == [f.fingerprint for f in analyse(p).findings]


@settings(max_examples=40, deadline=None)
@given(policies(), st.randoms(use_true_random=False))
def test_adding_an_implied_rule_changes_only_its_own_findings(p, rnd):
    base = analyse(p)
    live = [r for r in p.rules if not any(f.code == "A406" and f.rule_ids == (r,)
                                          for f in base.findings)]
    if not live or not admissible_cases(p, {n: True for n in p.interpretations}):
        return
    rid = rnd.choice(live)
    r = p.rules[rid]
    # an implied copy: applicable only where r is, in the same place of the priorities
    from verifier.model.nodes import And, Not, Ref
    cond = r.condition if r.unless is None else And((r.condition, Not(r.unless)))
    extra = Rule("R-new", And((cond, Ref(rnd.choice([n for n in p.facts
                                                    if n in _bools(p)])))), r.conclusion)
    prios = [Priority(h, "R-new") for (h, l) in p.prevails if l == rid] + \
            [Priority("R-new", l) for (h, l) in p.prevails if h == rid]
    q = PolicySet((Document("GEN", items=p.documents[0].items + (extra, *prios)),))
    after = analyse(q)

    def unaffected(a):          # (a new rule may make a fact read: A412-A415 may change)
        return sorted(k for k in key(a) if "R-new" not in k[1] and k[0] in ORACLE_CODES
                      and not (k[0] == "A408" and k[1] == (rid,)))
    assert unaffected(after) == unaffected(base)
    redundant = [f for f in after.findings if f.code == "A408" and f.rule_ids == ("R-new",)]
    dead = [f for f in after.findings if f.code == "A406" and f.rule_ids == ("R-new",)]
    assert redundant or dead


def _default(t):
    if isinstance(t, BoolType):
        return False
    return t.labels[0] if isinstance(t, EnumType) else t.lo


def _bools(p):
    return [n for n, f in p.facts.items() if type(f.type).__name__ == "BoolType"]
