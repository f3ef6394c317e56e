"""`verifier diff --rulings`: the verdict pair of each change on a minimal partial case,
against brute-force enumeration of the partial case's completions on both versions."""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policygen
from test_diff_property import mutate
from test_rulings import brute_table, oracle
from verifier.cases import make_case
from verifier.diff import GAINED, diff_policies
from verifier.rulings import DISCRETION, PROVEN

HOLDS = (PROVEN, DISCRETION)


def _verdict(policy, table, facts, readings, key):
    tables = oracle(policy, table, make_case("b", facts, readings), [key])
    return next(iter(tables.values()))[key] if tables else None


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_ruling_kinds_agree_with_brute_force_and_are_minimal(seed):
    rng = random.Random(seed)
    old = policygen.random_policy(rng, max_bool=3, max_rules=6)
    new = mutate(old, rng)
    d = diff_policies(old, new, findings=False, rulings=True)
    tables = {"old": brute_table(old), "new": brute_table(new)}
    for o in d.changed_outcomes:
        key = (o.atom.kind, o.atom.target, o.atom.value)
        for c in o.changes:
            for r in c.rulings:
                proving = "new" if c.direction == GAINED else "old"
                facts, readings = dict(r.facts), dict(r.readings)
                for side, policy, got in (("old", old, r.old_verdict), ("new", new, r.new_verdict)):
                    side_readings = {n: v for n, v in readings.items() if n in policy.interpretations}
                    assert got == _verdict(policy, tables[side], facts, side_readings, key), (side, o.atom)
                assert (r.new_verdict if proving == "new" else r.old_verdict) in HOLDS
                assert (r.old_verdict if proving == "new" else r.new_verdict) != \
                    (r.new_verdict if proving == "new" else r.old_verdict)
                p = new if proving == "new" else old
                for n in facts:                 # no known fact can be dropped
                    fewer = {k: v for k, v in facts.items() if k != n}
                    assert _verdict(p, tables[proving], fewer, readings, key) not in HOLDS, (n, o.atom)


def test_amendment_03_loses_the_county_ranking_proof():
    from pathlib import Path
    from verifier.load import load_policy
    root = Path(__file__).resolve().parent.parent
    old = load_policy([str(root / "policy")]).policy
    new = load_policy([str(root / "amendments" / "03-county-ranking")]).policy
    d = diff_policies(old, new, findings=False, rulings=True, max_cubes=1, max_witnesses=1)
    kinds = {(str(o.atom), r.old_verdict, r.new_verdict, r.facts)
             for o in d.changed_outcomes for c in o.changes for r in c.rulings}
    assert ("考核评价结果符合", "PROVEN", "OPEN",
            (("县域排名", 21), ("年度提升位次", 1), ("激励主体类型", "县市区"))) in kinds
