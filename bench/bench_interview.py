"""Benchmark of the rulings' user-facing costs (not a timed test).

    python bench/bench_interview.py [POLICY...] [--cases 30] [--seed 1]

1. Interview length: for random admissible complete cases (every reading fixed as drawn),
   the interview on 容错决定 starts from nothing and answers each question from the complete
   case; counts the questions asked against the unknown facts in the goal's cone (what a
   form asking everything relevant would ask). Checks the final verdict equals the verdict
   on the complete case.
2. A fresh `verifier case` process on single cases taken from the policy test suites in
   tests/cases/ (their facts only: every reading open): wall time, lines of text, JSON size.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_rulings import _admissible_cases  # noqa: E402
from verifier.cases import make_case  # noqa: E402
from verifier.load import load_policy  # noqa: E402
from verifier.rulings import RulingEngine  # noqa: E402
from verifier.rulings.interview import step, with_answer  # noqa: E402
from verifier.rulings.select import parse_asked  # noqa: E402


def interview_lengths(policy, n: int, seed: int, goal_text: str) -> None:
    engine = RulingEngine(policy, certify=False)
    goal, _ = parse_asked([goal_text], policy)
    cone = engine.investigator.candidates(make_case("x"), goal)
    asked, same = [], 0
    for full, readings in _admissible_cases(policy, n, seed):
        case = make_case("i", {}, readings)
        count = 0
        while True:
            s = step(engine, case, goal)
            if s.question is None:
                break
            case = with_answer(case, s.question.fact, full[s.question.fact])
            count += 1
        final = engine.rule(case, only=set(goal), explain=False)
        complete = engine.rule(make_case("c", full, readings), only=set(goal), explain=False)
        same += [o.status for o in final.outcomes] == [o.status for o in complete.outcomes]
        asked.append(count)
    print(f"interview on {goal_text}: {n} admissible complete cases; questions asked mean "
          f"{statistics.mean(asked):.1f}, median {statistics.median(asked)}, worst {max(asked)}, "
          f"against {len(cone)} facts in the goal's cone; final verdict = complete case's in {same}/{n}")


def suite_cases(folder: Path):
    for path in sorted(folder.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, entry in enumerate(data.get("cases", []) if isinstance(data, dict) else []):
            if isinstance(entry, dict) and entry.get("facts"):
                yield f"{path.stem}-{i}", entry["facts"]


def fresh_processes(policy_dir: str, limit: int) -> None:
    walls, lines, sizes = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for key, facts in list(suite_cases(ROOT / "tests" / "cases"))[:limit]:
            path = Path(tmp) / f"{key}.yaml"
            path.write_text(yaml.safe_dump({"id": key, "facts": facts}, allow_unicode=True), encoding="utf-8")
            t0 = time.perf_counter()
            text = subprocess.run([sys.executable, "-m", "verifier", "case", policy_dir, "--facts", str(path)],
                                  capture_output=True, text=True, cwd=ROOT)
            walls.append(time.perf_counter() - t0)
            lines.append(text.stdout.count("\n"))
            js = subprocess.run([sys.executable, "-m", "verifier", "case", policy_dir, "--facts", str(path),
                                 "--format", "json"], capture_output=True, text=True, cwd=ROOT)
            sizes.append(len(js.stdout.encode("utf-8")))
    print(f"fresh `verifier case` (every reading open) on {len(walls)} single cases from tests/cases/: wall median "
          f"{statistics.median(walls):.2f} s, max {max(walls):.2f} s; text lines median {statistics.median(lines):.0f}, "
          f"max {max(lines)}; JSON median {statistics.median(sizes) / 1024:.0f} KB, max {max(sizes) / 1024:.0f} KB")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("policy", nargs="*", default=["policy/"])
    ap.add_argument("--cases", type=int, default=30)
    ap.add_argument("--processes", type=int, default=40, help="single cases run in a fresh process")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--goal", default="容错决定")
    args = ap.parse_args(argv)
    policy = load_policy(args.policy).policy
    interview_lengths(policy, args.cases, args.seed, args.goal)
    interview_lengths(policy, args.cases, args.seed, "可以 予以容错")
    fresh_processes(args.policy[0], args.processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
