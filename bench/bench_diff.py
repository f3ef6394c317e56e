"""Benchmark of `verifier diff`: the two 办法 (policy/) against each worked amendment.

Not a timed test. Run from the repository root:

    python bench/bench_diff.py            # default settings (max 4 cubes, 2 witnesses)
    python bench/bench_diff.py --max-cubes 1

Prints, per amendment, the seconds to load both versions and to diff them (findings
comparison off; it runs the full analysis twice) — wall-clock and CPU (process time, less
disturbed by other load), medians of ``--repeat`` runs — the outcomes changed and solver
calls (``diff.queries``; the output never depends on this count).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from verifier.diff import diff_policies  # noqa: E402
from verifier.load import load_policy  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-cubes", type=int, default=4)
    ap.add_argument("--max-witnesses", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"{'amendment':28} {'load s':>7} {'diff s':>7} {'cpu s':>7} {'changed':>8} "
          f"{'queries':>8}")
    for folder in sorted((ROOT / "amendments").glob("[0-9]*")):
        loads, diffs, cpus = [], [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            old, new = load_policy([str(ROOT / "policy")]), load_policy([str(folder)])
            t1, c1 = time.perf_counter(), time.process_time()
            d = diff_policies(old.policy, new.policy, findings=False, max_cubes=args.max_cubes,
                              max_witnesses=args.max_witnesses)
            t2, c2 = time.perf_counter(), time.process_time()
            loads.append(t1 - t0)
            diffs.append(t2 - t1)
            cpus.append(c2 - c1)
        print(f"{folder.name:28} {statistics.median(loads):7.2f} {statistics.median(diffs):7.2f} "
              f"{statistics.median(cpus):7.2f} {len(d.changed_outcomes):8d} {d.queries:8d}")
    t0 = time.perf_counter()
    same = load_policy([str(ROOT / "policy")]).policy
    d = diff_policies(same, same, findings=False)
    print(f"{'(policy/ against itself)':28} {'':7} {time.perf_counter() - t0:7.2f} {'':7} "
          f"{len(d.changed_outcomes):8d} {d.queries:8d}")


if __name__ == "__main__":
    main()
