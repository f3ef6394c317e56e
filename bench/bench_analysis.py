"""Benchmark of verifier.analysis on synthetic policies, and against truth tables.

    python bench/bench_analysis.py                 # sizes 100 1000 5000 + truth table
    python bench/bench_analysis.py --sizes 100 1000 --no-truth-table
    python bench/bench_analysis.py --one 1000      # one size in this process (used internally)
    python bench/bench_analysis.py --check 7       # `verifier check policy/`: cold and warm (cache)

Each size runs in a fresh subprocess so peak memory (ru_maxrss: Python + Z3) is its own.
The truth-table baseline enumerates every case of a 20-boolean-fact, 100-rule policy
through verifier.evaluate and answers the same analyses (dead, shadowed, redundant,
conflict, overlaps, gaps, discretion, properties); with --sample it times the first
2^k cases and scales linearly (every case costs the same).
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from synthetic import synthetic  # noqa: E402

from verifier.analysis import analyse  # noqa: E402
from verifier.evaluate import Evaluator, incompatible, index, same_conclusion  # noqa: E402
from verifier.logic import compile_policy  # noqa: E402


def one(n: int) -> dict:
    """Compile and analyse the synthetic policy of n rules; time and peak memory."""
    p = synthetic(n)
    t0 = time.perf_counter()
    compile_policy(p)
    t1 = time.perf_counter()
    a = analyse(p)
    t2 = time.perf_counter()
    codes: dict[str, int] = {}
    for f in a.findings:
        codes[f.code] = codes.get(f.code, 0) + 1
    return {"rules": n, "facts": len(p.facts), "compile_s": round(t1 - t0, 3),
            "analyse_s": round(t2 - t1, 3), "solver_checks": a.queries,
            "findings": len(a.findings), "by_code": dict(sorted(codes.items())),
            "phases": {name: {"s": round(sec, 3), "checks": n} for name, sec, n in a.phases},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def truth_table(p, limit_bits: int | None = None) -> tuple[float, int]:
    """Answer the analyses by enumerating cases with the evaluator; (seconds, cases).
    With ``limit_bits`` only the first 2**limit_bits cases are enumerated."""
    ix, rules = index(p), tuple(p.rules)
    names = list(p.facts)
    live, eff_ever, alone, pairs_seen = set(), set(), set(), set()
    t0 = time.perf_counter()
    n = 0
    for values in itertools.product((False, True), repeat=len(names)):
        if limit_bits is not None and n >= 2 ** limit_bits:
            break
        n += 1
        ev = Evaluator(p, dict(zip(names, values)), {}, validate=False)
        if not ev.admissible():
            continue
        app = [r for r in rules if ev.applicable(r)]
        live.update(app)
        eff_ever.update(r for r in app if ev.effective(r))
        for r in app:                                   # redundancy: r applies alone
            c = p.rules[r].conclusion
            if not any(o != r and same_conclusion(p.rules[o].conclusion, c) for o in app):
                alone.add(r)
        for a, b in itertools.combinations(app, 2):     # conflicts and overlaps
            ca, cb = p.rules[a].conclusion, p.rules[b].conclusion
            if incompatible(p, ca, cb) or same_conclusion(ca, cb):
                pairs_seen.add((a, b, ev.effective(a) and ev.effective(b)))
        for d in p.decisions.values():                  # gaps
            if d.scope is not None and ev.expr(d.scope):
                any(ev.concluded(d.name, v) for v in d.alternatives)
        for x in p.actions:                             # discretion on actions
            ev.permitted(x) and not ev.obligated(x)
        for prop in p.properties.values():
            ev.expr(prop.expr)
    del ix
    return time.perf_counter() - t0, n


def compare(sample_bits: int | None) -> dict:
    p = synthetic(100, n_facts=20, plain=True)
    t0 = time.perf_counter()
    analyse(p)
    smt = time.perf_counter() - t0
    secs, n = truth_table(p, sample_bits)
    total = 2 ** len(p.facts)
    tt = secs * total / n
    return {"facts": len(p.facts), "rules": len(p.rules), "smt_s": round(smt, 3),
            "truth_table_cases_run": n, "truth_table_s": round(tt, 2),
            "extrapolated": n < total, "speedup": round(tt / smt, 1)}


def check_runs(runs: int) -> dict:
    """`verifier check policy/` (text) in fresh processes: cold (VERIFIER_NO_CACHE=1: parse,
    check, every analysis incl. A412-A415) and warm (the result cache in a fresh folder,
    filled by one run first); median wall seconds, and the analysis phases in-process."""
    import statistics
    import tempfile
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": os.path.join(root, "src")}

    def wall(extra: dict) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "verifier", "check", "policy/"], cwd=root,
                       stdout=subprocess.DEVNULL, env={**env, **extra}, check=False)
        return time.perf_counter() - t0
    cold = [wall({"VERIFIER_NO_CACHE": "1"}) for _ in range(runs)]
    with tempfile.TemporaryDirectory() as cache:
        wall({"VERIFIER_CACHE_DIR": cache})
        warm = [wall({"VERIFIER_CACHE_DIR": cache}) for _ in range(runs)]
    from verifier.load import load_policy
    a = analyse(load_policy([os.path.join(root, "policy")]).policy)
    return {"cold_median_s": round(statistics.median(cold), 3), "warm_median_s": round(statistics.median(warm), 3),
            "cold": [round(x, 2) for x in cold], "warm": [round(x, 3) for x in warm],
            "findings": len(a.findings), "solver_calls": a.queries,
            "phases": {name: [round(sec, 3), calls] for name, sec, calls in a.phases}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", type=int, metavar="RUNS",
                    help="time `verifier check policy/` cold and warm (RUNS fresh processes each)")
    ap.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 5000])
    ap.add_argument("--one", type=int)
    ap.add_argument("--no-truth-table", action="store_true")
    ap.add_argument("--sample", type=int, default=None,
                    help="time only the first 2^SAMPLE cases of the truth table and scale")
    args = ap.parse_args()
    if args.check:
        print(json.dumps(check_runs(args.check), ensure_ascii=False, indent=1))
        return
    if args.one:
        print(json.dumps(one(args.one)))
        return
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True,
                             text=True, check=True).stdout
        print(out.strip(), flush=True)
    if not args.no_truth_table:
        print(json.dumps({"truth_table_comparison": compare(args.sample)}), flush=True)


if __name__ == "__main__":
    main()
