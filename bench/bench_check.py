"""Benchmark of `verifier check` on the two 办法, each run in a fresh process.

Not a timed test. Run from the repository root:

    python bench/bench_check.py                 # 7 cold runs of `verifier check policy/ --no-cache --format json`
    python bench/bench_check.py --runs 11 --format text
    python bench/bench_check.py --no-analysis   # parse and check only
    python bench/bench_check.py --against /tmp/old   # alternate with another tree's src/

Every run is cold: a fresh process with ``--no-cache`` (the result cache of
verifier.cache would answer a repeated run without analysing anything). Prints each run's
wall and CPU time (user + sys of the child process and its children — the forked
reading-sensitivity worker included) and the medians, then the analysis alone, phase by
phase, measured in this process (median of the runs).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from verifier.analysis import analyse  # noqa: E402
from verifier.load import load_policy  # noqa: E402


def fresh_process(fmt: str, extra: tuple = (), src: Path = ROOT / "src") -> tuple[float, float]:
    """(wall, cpu) seconds of one `python -m verifier check policy/ --no-cache` in a new
    process, running the package in ``src``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "verifier", "check", "policy/", "--no-cache", "--format", fmt,
                    *extra],
                   cwd=ROOT, stdout=subprocess.DEVNULL, check=False,
                   env={**os.environ, "PYTHONPATH": str(src)})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--format", default="json")
    ap.add_argument("--no-analysis", action="store_true", help="time parse + check only")
    ap.add_argument("--against", metavar="TREE", type=Path,
                    help="another checkout (e.g. `git worktree add /tmp/old COMMIT`): runs "
                         "alternate between the two, so both see the same load")
    args = ap.parse_args()
    extra = ("--no-analysis",) if args.no_analysis else ()
    if args.against:
        compare(args, extra)
        return
    walls, cpus = [], []
    for i in range(args.runs):
        wall, cpu = fresh_process(args.format, extra)
        walls.append(wall)
        cpus.append(cpu)
        print(f"run {i + 1}: wall {wall:.3f} s, cpu {cpu:.3f} s", flush=True)
    print(f"median: wall {statistics.median(walls):.3f} s, cpu {statistics.median(cpus):.3f} s")
    if args.no_analysis:
        return
    policy = load_policy([str(ROOT / "policy")]).policy
    runs = [analyse(policy) for _ in range(args.runs)]
    print(f"analysis in-process: median {statistics.median(a.seconds for a in runs):.3f} s, "
          f"{runs[0].queries} solver calls, {len(runs[0].findings)} findings")
    for i, (name, _, checks) in enumerate(runs[0].phases):
        secs = statistics.median(a.phases[i][1] for a in runs)
        print(f"  {name:16} {secs:.3f} s  {checks:4} solver calls")


def compare(args, extra: tuple) -> None:
    """Median wall and CPU of this tree and ``--against``, runs alternating."""
    trees = {"this tree": ROOT / "src", str(args.against): args.against / "src"}
    times: dict[str, list] = {k: [] for k in trees}
    for _ in range(args.runs):
        for name, src in trees.items():
            times[name].append(fresh_process(args.format, extra, src))
    for name, runs in times.items():
        print(f"{name}: median wall {statistics.median(w for w, _ in runs):.3f} s, "
              f"cpu {statistics.median(c for _, c in runs):.3f} s  "
              f"(walls {', '.join(f'{w:.2f}' for w, _ in runs)})")


if __name__ == "__main__":
    main()
