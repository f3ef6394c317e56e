"""Bit-parallel evaluation (verifier.evaluate.lanes) and the witness lanes of rulings
(verifier.rulings.lanes) against the three-valued evaluator and the plain evaluator.

- Lane by lane, the dual-rail evaluation equals ``PartialEvaluator`` on that lane's partial
  case (so it inherits its soundness, tested against brute force in test_partial_eval).
- On a complete lane exactly one rail is set, and it is the plain evaluator's value.
- ``CaseLanes``: lane 0 is the case itself with what the assumptions force (its definite
  values hold in every admissible completion); every lane the evaluation marks admissible
  is a complete, admissible completion of the case (replayed through ``verifier.evaluate``).
"""
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policygen import all_cases, random_policy
from test_partial_eval import concrete
from verifier.evaluate import evaluate
from verifier.evaluate.lanes import LaneEvaluator
from verifier.evaluate.partial import FALSE, TRUE, UNKNOWN, PartialEvaluator
from verifier.load import load_policy
from verifier.model import BoolType, IntType
from verifier.rulings.lanes import CaseLanes


def pack(policy, cases):
    """Lane inputs holding ``cases`` ((facts, readings) pairs, partial) one per lane."""
    facts, readings = {}, {}
    for name, fact in policy.facts.items():
        facts[name] = _column(fact.type, [k.get(name) for k, _ in cases])
    for name in policy.interpretations:
        readings[name] = _column(BoolType(), [r.get(name) for _, r in cases])
    return facts, readings


def _column(t, values):
    if isinstance(t, BoolType):
        return (sum(1 << i for i, v in enumerate(values) if v is True),
                sum(1 << i for i, v in enumerate(values) if v is False))
    groups: dict = {}
    for i, v in enumerate(values):
        key = ((t.lo, t.hi) if v is None else (v, v)) if isinstance(t, IntType) else v
        groups[key] = groups.get(key, 0) | 1 << i
    return [(lo, hi, m) for (lo, hi), m in groups.items()] if isinstance(t, IntType) else list(groups.items())


def lane_value(sure, refuted, position, lane):
    t, f = sure[position] >> lane & 1, refuted[position] >> lane & 1
    assert not (t and f), "both rails set"
    return TRUE if t else FALSE if f else UNKNOWN


def unpack(policy, facts, readings, lane):
    """The complete case lane ``lane`` holds (None if some value is unknown there)."""
    case, rd = {}, {}
    for name, fact in policy.facts.items():
        value = _value(fact.type, facts[name], lane)
        if value is None:
            return None
        case[name] = value
    for name in policy.interpretations:
        value = _value(BoolType(), readings[name], lane)
        if value is None:
            return None
        rd[name] = value
    return case, rd


def _value(t, column, lane):
    if isinstance(t, BoolType):
        return True if column[0] >> lane & 1 else False if column[1] >> lane & 1 else None
    for entry in column:
        if entry[-1] >> lane & 1:
            if isinstance(t, IntType):
                return entry[0] if entry[0] == entry[1] else None
            return entry[0]
    raise AssertionError(f"lane {lane} in no group")


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_lanes_equal_kleene_lane_by_lane_and_plain_semantics_on_complete_lanes(seed):
    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=4, max_rules=7)
    lanes, pe = LaneEvaluator(policy), PartialEvaluator(policy)
    assert lanes.keys == pe.keys
    table = list(all_cases(policy))
    cases = []
    for _ in range(40):
        full, rd = rng.choice(table)
        keep = rng.choice((0.0, 0.5, 1.0))
        cases.append(({n: v for n, v in full.items() if rng.random() < keep},
                      {n: v for n, v in rd.items() if rng.random() < keep}))
    facts, readings = pack(policy, cases)
    sure, refuted = lanes.run(facts, readings, (1 << len(cases)) - 1)
    for lane, (k, r) in enumerate(cases):
        expected = pe.run(k, r)
        assert tuple(lane_value(sure, refuted, i, lane) for i in range(len(pe.keys))) == expected
        if len(k) == len(policy.facts) and len(r) == len(policy.interpretations):
            result = evaluate(policy, k, r)
            for i, key in enumerate(pe.keys):
                assert lane_value(sure, refuted, i, lane) == (TRUE if concrete(policy, k, r, result, key) else FALSE)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_admissible_lanes_are_admissible_completions_of_the_case(seed):
    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=4, max_rules=7)
    builder, lanes, pe = CaseLanes(policy, lanes=64), LaneEvaluator(policy), PartialEvaluator(policy)
    table = [(full, rd) for full, rd in all_cases(policy) if evaluate(policy, full, rd).admissible]
    replayed = 0
    for _ in range(6 if table else 0):
        full, rd = rng.choice(table)
        known = {n: v for n, v in full.items() if rng.random() < 0.5}
        given_ = {n: v for n, v in rd.items() if rng.random() < 0.5}
        facts, readings = builder.build(known, given_)
        sure, refuted = lanes.run(facts, readings, builder.mask)
        # lane 0: the case, plus what its assumption components force: at least what Kleene
        # says, and every definite value holds in every admissible completion
        completions = [(c, r, evaluate(policy, c, r)) for c, r in table
                       if all(c[n] == v for n, v in known.items()) and all(r[n] == v for n, v in given_.items())]
        for i, (key, kleene) in enumerate(zip(pe.keys, pe.run(known, given_))):
            value = lane_value(sure, refuted, i, 0)
            assert kleene == UNKNOWN or value == kleene
            if value != UNKNOWN:
                for c, r, result in completions:
                    assert concrete(policy, c, r, result, key) == (value == TRUE), (key, known, given_, c)
        valid = sure[0] & builder.witness
        for lane in range(1, builder.lanes):
            if not valid >> lane & 1:
                continue
            case, rd_lane = unpack(policy, facts, readings, lane)
            assert all(case[n] == v for n, v in known.items()) and all(rd_lane[n] == v for n, v in given_.items())
            result = evaluate(policy, case, rd_lane)
            assert result.admissible
            replayed += 1
            for i, key in enumerate(pe.keys):
                assert lane_value(sure, refuted, i, lane) == (TRUE if concrete(policy, case, rd_lane, result, key)
                                                              else FALSE)
    # the cases come from admissible completions and small components are enumerated whole:
    # some lane must be a witness, else the loop above checked nothing
    assert replayed or not table


def test_witness_lanes_on_the_encoded_policy_are_admissible_completions():
    """On the 办法 (integer components, assumption chains): the lanes the evaluation marks
    admissible replay as admissible completions with the same outcome values."""
    policy = load_policy(["policy/"]).policy
    builder, lanes, pe = CaseLanes(policy, lanes=64), LaneEvaluator(policy), PartialEvaluator(policy)
    rng = random.Random(5)
    known = {"违反党的纪律": False, "违反法律法规强制性禁止性规定": False, "谋取私利": False, "县域排名": 40, "班子成员数": 12, "严格执行民主程序": True}
    for _ in range(3):
        facts, readings = builder.build(known, {})
        sure, refuted = lanes.run(facts, readings, builder.mask)
        valid = sure[0] & builder.witness
        assert bin(valid).count("1") > 10
        lane = rng.choice([i for i in range(64) if valid >> i & 1])
        case, rd = unpack(policy, facts, readings, lane)
        result = evaluate(policy, case, rd)
        assert result.admissible and all(case[n] == v for n, v in known.items())
        for i, key in enumerate(pe.keys):
            assert lane_value(sure, refuted, i, lane) == (TRUE if concrete(policy, case, rd, result, key) else FALSE)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_copies_repeat_the_same_lanes_and_decide_many_equals_decide(seed):
    """``CaseLanes(copies=K)``: lane c·N + i holds what lane i holds; ``decide_many`` (one
    lane run for several readings, one copy each) answers exactly what ``decide`` answers
    for each request, inadmissible readings included."""
    from verifier.logic.rulings_query import RulingsQuery

    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=4, max_rules=7)
    builder = CaseLanes(policy, lanes=16, copies=4)
    table = [(full, rd) for full, rd in all_cases(policy)]
    full, rd = rng.choice(table)
    known = {n: v for n, v in full.items() if rng.random() < 0.5}
    facts, readings = builder.build(known, {})
    for lane in range(16):
        first = unpack(policy, facts, readings, lane)
        assert all(unpack(policy, facts, readings, c * 16 + lane) == first for c in range(1, 4))
    query = RulingsQuery(policy)
    query.COPIES, query.COPY_LANES = 4, 16
    names = sorted(policy.interpretations)
    requests = []
    for _ in range(rng.randint(2, 7)):
        reading = tuple(sorted((n, rng.random() < 0.5) for n in names if rng.random() < 0.6))
        wanted = None if rng.random() < 0.5 else frozenset(rng.sample(query.outcomes, min(3, len(query.outcomes))))
        requests.append((reading, wanted))
    facts_items = tuple(sorted(known.items()))
    more = [(tuple(sorted({**known, n: v}.items())), r, w) for n, v in rng.sample(list(full.items()), 1)
            for r, w in requests[:3]]
    asked = [(facts_items, r, w) for r, w in requests] + more
    assert query.decide_many(asked) == [query.decide(f, r, w) for f, r, w in asked]
