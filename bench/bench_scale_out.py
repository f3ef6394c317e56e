"""Scale-out bench: batch rulings with every reading open, local process pool vs a Dask
LocalCluster on this machine, per-case cost, and the projected time for 100,000 cases on
a 32-worker cluster (from the measured per-case cost; linear scaling assumed).

    python bench/bench_scale_out.py --cases 16          # policy/ by default

Cases: ``bench_rulings.random_cases(policy, n, seed, "open", "admissible")`` (known facts
drawn from random admissible complete cases, every interpretation open). Both runs write
JSON Lines with the same functions; the bench checks the outputs are byte for byte equal
(exit 1 if not). It prints the commit and the load average, the per-case cost of each run
(wall × workers / cases, and the workers' CPU time per case: on a shared machine the CPU
time is the steadier figure),
the RSS of each Dask worker idle and after the run, and the peak RSS of every worker
process (local pool: the largest child's ``ru_maxrss``; Dask: each worker's own).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s(who=resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _say(text: str) -> None:
    print(text, flush=True)


def _commit() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "bench"],
                               capture_output=True, text=True).stdout.strip()
        return rev + (" (with uncommitted changes under src/ or bench/)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def _load() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv=None) -> int:
    from bench_rulings import random_cases
    from verifier.load import load_policy
    from verifier.rulings.batch import iter_inputs, run_batch
    from verifier.rulings.distributed import policy_texts, run_distributed

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("policy", nargs="*", default=[str(ROOT / "policy")])
    ap.add_argument("--cases", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--target", type=int, default=100_000, help="cases in the projection")
    ap.add_argument("--cluster", type=int, default=32, help="workers in the projection")
    args = ap.parse_args(argv)

    import verifier

    _say(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M:%S} UTC; commit {_commit()}; "
         f"verifier from {Path(verifier.__file__).parent}; {_load()}")
    loaded = load_policy(args.policy)
    policy = loaded.policy
    work = Path(tempfile.mkdtemp(prefix="bench-scale-out-"))
    cases = work / "cases.jsonl"
    t0 = time.perf_counter()
    with open(cases, "w", encoding="utf-8") as fh:
        for c in random_cases(policy, args.cases, args.seed, "open", "admissible"):
            fh.write(json.dumps({"id": c.key, "facts": dict(c.facts)}, ensure_ascii=False, sort_keys=True) + "\n")
    inputs = iter_inputs([cases])
    _say(f"{args.cases} admissible cases, every reading open ({len(policy.interpretations)} interpretations), "
         f"generated in {time.perf_counter() - t0:.1f} s into {work}; {args.workers} workers; "
         f"{os.cpu_count()} cores; {_load()}")

    t0, cpu0 = time.perf_counter(), _cpu_s(resource.RUSAGE_CHILDREN)
    _, _, statuses = run_batch(policy, inputs, work / "local.jsonl", jobs=args.workers, progress=False)
    local = time.perf_counter() - t0
    local_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    local_cpu = _cpu_s(resource.RUSAGE_CHILDREN) - cpu0
    _say(f"local pool ({args.workers} processes): {local:.1f} s, {local / args.cases * 1000:.1f} ms/case wall, "
         f"{local * args.workers / args.cases * 1000:.1f} ms/case per worker; CPU {local_cpu / args.cases * 1000:.1f} "
         f"ms/case (workers' user+system); peak RSS of the largest worker {local_peak:.0f} MB (pages shared "
         f"with this process at fork included); records {dict(sorted(statuses.items()))}; {_load()}")

    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=50) as cluster, \
            Client(cluster, set_as_default=False) as client:
        start = time.perf_counter() - t0
        idle = client.run(_rss_mb)
        cpu0 = sum(client.run(_cpu_s).values())
        t0 = time.perf_counter()
        run_distributed(cluster.scheduler_address, policy_texts(loaded.sources), inputs, work / "dask.jsonl",
                        progress=False, client=client)
        dask = time.perf_counter() - t0
        dask_cpu = sum(client.run(_cpu_s).values()) - cpu0
        after = client.run(_rss_mb)
        peaks = client.run(_peak_mb)
    same = (work / "local.jsonl").read_bytes() == (work / "dask.jsonl").read_bytes()
    lines = sum(1 for _ in open(work / "dask.jsonl", "rb"))
    per_case = dask * args.workers / args.cases
    _say(f"dask LocalCluster ({args.workers} worker processes, 1 thread each; start {start:.1f} s): "
         f"{dask:.1f} s, {dask / args.cases * 1000:.1f} ms/case wall, {per_case * 1000:.1f} ms/case per worker; "
         f"CPU {dask_cpu / args.cases * 1000:.1f} ms/case (workers' user+system); output identical to the local pool: {same} ({lines} lines); {_load()}")
    _say("dask worker memory (RSS): idle " + ", ".join(f"{v:.0f}" for v in idle.values()) + " MB; after the run "
         + ", ".join(f"{v:.0f}" for v in after.values()) + " MB; peak " + ", ".join(f"{v:.0f}" for v in peaks.values())
         + f" MB; this process (client) peak {_peak_mb():.0f} MB")
    measured = f"measured on {args.cases:,} cases" + (f", not {args.target:,}" if args.cases != args.target else "")
    for name, cost in (("dask", per_case), ("local pool", local * args.workers / args.cases),
                       ("dask CPU", dask_cpu / args.cases)):
        seconds = cost * args.target / args.cluster
        _say(f"projection ({name} cost): {args.target:,} cases on {args.cluster} workers at {cost * 1000:.1f} ms/case "
             f"per worker = {seconds / 60:.1f} min (linear scaling assumed; {measured})")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
