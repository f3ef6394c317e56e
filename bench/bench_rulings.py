"""Benchmark of rulings on partial cases (not a timed test).

    python bench/bench_rulings.py [POLICY...] [--cases 10000] [--naive 500] [--proofs 200] [--seed 1]
    python bench/bench_rulings.py --cases 10000 --jsonl cases.jsonl     # input for the batch CLI

Generates random partial cases of the policy (each fact known with probability 1/2, taken
from a random admissible complete case unless ``--source random``; readings fixed per case,
or left open with ``--readings open``), then measures on ONE core:
  fast   complete verdict sets (every outcome under every admissible reading) per second,
         witness lanes and learnt implicants, then at most one ``consequences`` call per
         reading when something is left (``RulingEngine.statuses``);
  naive  the same verdict sets by two satisfiability checks per outcome and reading;
  proofs minimal core + cvc5 re-check of one PROVEN/REFUTED verdict, on demand.
The two answers are compared case by case; any difference is a failure (exit 1).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from verifier.cases import make_case  # noqa: E402
from verifier.load import load_policy  # noqa: E402
from verifier.model import BoolType, EnumType  # noqa: E402
from verifier.rulings import PROVEN, REFUTED, RulingEngine  # noqa: E402


def random_cases(policy, n: int, seed: int, readings: str = "fixed", source: str = "admissible") -> list:
    """``n`` partial cases, each fact known with probability 1/2. ``source`` "random":
    known facts drawn uniformly (most such cases contradict an assumption: the 办法's
    integer counts and 蕴含 assumptions); "admissible": the known facts are taken from a
    random admissible complete case (z3 with random phase and seed), as a real disputed
    case would be, so every case gets full verdicts."""
    rng = random.Random(seed)
    names = sorted(policy.facts)
    complete = _admissible_cases(policy, n, seed) if source == "admissible" else None
    cases = []
    for i in range(n):
        facts = {}
        for name in names:
            if rng.random() < 0.5:
                t = policy.facts[name].type
                facts[name] = (complete[i][0][name] if complete else
                               rng.random() < 0.5 if isinstance(t, BoolType) else rng.choice(t.labels)
                               if isinstance(t, EnumType) else rng.randint(t.lo, t.hi))
        fixed = {}
        if readings == "fixed":
            fixed = ({name: complete[i][1][name] for name in sorted(policy.interpretations)} if complete else
                     {name: rng.random() < 0.5 for name in sorted(policy.interpretations)})
        cases.append(make_case(f"bench-{i}", facts, fixed))
    return cases


def _admissible_cases(policy, n: int, seed: int) -> list:
    """``n`` admissible complete cases with their readings: models of the policy's
    encoding under a random phase and a fresh random seed each (setup, not timed)."""
    from verifier.logic import EngineSolver, compile_policy
    s = EngineSolver(compile_policy(policy))
    s.solver.set("phase", "random")
    out = []
    for i in range(n):
        s.solver.set("random_seed", seed * 1_000_003 + i)
        r = s.check(core=False)
        if not r.refuted:
            raise SystemExit("the policy admits no case")
        out.append(s.enc.case_from_model(r.model))
    return out


def naive_statuses(engine, case, readings):
    """The same verdict sets, two checks per outcome, for the same (possibly partial) readings."""
    out = {}
    for reading in readings:
        fixed = engine.query.decide_naive(case.facts, reading)
        if fixed is not None:
            out[reading] = engine._table(fixed)
    return out or None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("policy", nargs="*", default=["policy/"])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--naive", type=int, default=500, help="cases for the naive baseline")
    ap.add_argument("--proofs", type=int, default=200, help="verdicts proved and certified on demand")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--source", choices=("admissible", "random"), default="admissible",
                    help="admissible: known facts from random admissible complete cases (default); "
                         "random: uniformly drawn known facts (mostly inadmissible cases)")
    ap.add_argument("--readings", choices=("fixed", "open"), default="fixed",
                    help="fixed: each case fixes every interpretation (one verdict set per case); "
                         "open: none fixed, every combination is ruled on")
    ap.add_argument("--jsonl", metavar="FILE", help="write the generated cases as JSON Lines (input for "
                    "`verifier case --facts FILE -o OUT`) and stop")
    args = ap.parse_args(argv)

    loaded = load_policy(args.policy)
    if not loaded.ok:
        print("policy does not load", file=sys.stderr)
        return 2
    policy = loaded.policy
    t0 = time.perf_counter()
    engine = RulingEngine(policy)
    compile_s = time.perf_counter() - t0
    cases = random_cases(policy, args.cases, args.seed, args.readings, args.source)
    if args.jsonl:
        with open(args.jsonl, "w", encoding="utf-8") as fh:
            for c in cases:
                record = {"id": c.key, "facts": dict(c.facts), "readings": dict(c.readings)}
                fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"{len(cases)} cases written to {args.jsonl}")
        return 0
    outcomes = len(engine.outcomes)
    readings = 2 ** (len(policy.interpretations) - len(cases[0].readings))
    print(f"policy: {', '.join(args.policy)}: {len(policy.rules)} rules, {len(policy.facts)} facts, "
          f"{outcomes} outcomes, {len(policy.interpretations)} interpretations ({readings} readings per case, "
          f"--readings {args.readings})")
    print(f"compile: {compile_s * 1000:.0f} ms")

    if args.readings == "open":
        return _bench_open(engine, cases, args)
    t0, c0 = time.perf_counter(), time.process_time()
    fast = [engine.statuses(c) for c in cases]
    fast_s, fast_cpu = time.perf_counter() - t0, time.process_time() - c0
    fast_rate = len(cases) / fast_cpu
    print(f"fast:   {len(cases)} complete verdict sets: {fast_cpu:.2f} s CPU = {fast_rate:,.0f} cases/s per core "
          f"({fast_s:.2f} s wall)")
    counts = dict(engine.query.counts)
    if counts["cases"]:
        calls = max(counts["calls"], 1)
        print(f"        lanes: {counts['inadmissible']} of {counts['cases']} decide() calls inadmissible without "
              f"the solver, {counts['no_call']} fully decided without it; outcomes shown open by witness lanes "
              f"{counts['witnessed']}, fixed by learnt implicants {counts['implied']}; {counts['calls']} solver "
              f"calls, each with {counts['atoms'] / calls:.1f} of {len(engine.query._pending)} non-constant "
              f"outcomes and {counts['literals'] / calls:.1f} case literals")
    sample = cases[: args.naive]
    t0, c0 = time.perf_counter(), time.process_time()
    naive = [naive_statuses(engine, c, sorted(t) if t else [c.readings]) for c, t in zip(sample, fast)]
    naive_s, naive_cpu = time.perf_counter() - t0, time.process_time() - c0
    naive_rate = len(sample) / naive_cpu
    print(f"naive:  {len(sample)} complete verdict sets: {naive_cpu:.2f} s CPU = {naive_rate:,.0f} cases/s per core "
          f"({naive_s:.2f} s wall)")
    print(f"ratio:  fast / naive = {fast_rate / naive_rate:.1f}x")
    mismatches = sum(a != b for a, b in zip(fast, naive))
    print(f"agreement: {len(sample) - mismatches}/{len(sample)} identical verdict sets")

    decided = [(c, r, o, t[o]) for c, tables in zip(cases, fast) if tables
               for r, t in sorted(tables.items())[:1] for o in engine.outcomes if t[o] in (PROVEN, REFUTED)]
    rng = random.Random(args.seed)
    picks = rng.sample(decided, min(args.proofs, len(decided)))
    t0 = time.perf_counter()
    sizes, bad = [], 0
    for case, reading, o, status in picks:
        diags: list = []
        proof = engine.prove(case, reading, o, status == PROVEN, diags)
        sizes.append(len(proof.premises))
        bad += proof.cvc5 != "unsat" or bool(diags)
    proof_s = time.perf_counter() - t0
    if picks:
        print(f"proofs: {len(picks)} on demand (minimal core + cvc5) in {proof_s:.2f} s = "
              f"{proof_s / len(picks) * 1000:.1f} ms each; mean core size {sum(sizes) / len(sizes):.1f}; "
              f"{bad} not certified")
    statuses: dict[str, int] = {}
    for tables in fast:
        for t in (tables or {}).values():
            for s in t.values():
                statuses[s] = statuses.get(s, 0) + 1
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    return 1 if mismatches or bad else 0


def _bench_open(engine, cases, args) -> int:
    """Every reading open: complete verdict sets by ``RulingEngine.rule(explain=False)`` (each
    outcome over the readings of just the interpretations that can change it), against the
    reading tables walked one by one (``RulingEngine._tables``) on a sample."""
    t0, c0 = time.perf_counter(), time.process_time()
    rulings = [engine.rule(c, explain=False) for c in cases]
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    print(f"symbolic: {len(cases)} complete verdict sets: {cpu:.2f} s CPU = {len(cases) / cpu:,.1f} cases/s per core "
          f"({wall:.2f} s wall)")
    depends = [len({n for o in r.outcomes for n in o.depends_on}) for r in rulings]
    print(f"          interpretations that change some verdict: mean {sum(depends) / len(depends):.1f}, "
          f"max {max(depends)} of {len(engine.policy.interpretations)}")
    sample = cases[: min(args.naive, 10)]
    t0, c0 = time.perf_counter(), time.process_time()
    tables = [engine._tables(c)[0] or None for c in sample]
    cpu_t = time.process_time() - c0
    print(f"tables:   {len(sample)} verdict sets reading table by reading table: {cpu_t:.2f} s CPU = "
          f"{len(sample) / cpu_t:,.2f} cases/s per core; ratio {len(sample) / cpu_t and (len(cases) / cpu) / (len(sample) / cpu_t):.0f}x")
    bad = 0
    for ruling, table in zip(rulings, tables):
        for reading, statuses in (table or {}).items():
            for o in ruling.outcomes:
                given = dict(reading)       # verdicts on readings that agree with this one
                mine = {v.status for v in o.verdicts if all(given.get(n, x) == x for n, x in v.reading)}
                bad += mine != {statuses[o.outcome]}
    print(f"agreement: {'all' if not bad else bad} {'identical' if not bad else 'verdicts differ'} on the sample")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
