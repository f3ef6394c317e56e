"""Benchmark of the ruling page's verdict update (issue 15; not a timed test).

    python bench/bench_web.py [POLICY...] [--requests 30] [--port 0] [--check 300]

Starts `verifier serve` in a subprocess (uvicorn, HTTP on 127.0.0.1) and times, over real
HTTP, what the page does when an official changes a fact with EVERY reading open (no
``readings`` in the case): POST /api/verdict (the verdict per outcome and reading, the
readings it depends on) — the number the target is about — and the two requests the page
makes right after it: POST /api/explain (the deciding clauses of the decided outcomes, from
z3 cores) and POST /api/next (the interview's next question).

The cases are those an official builds by following the page's hint: starting from an
empty case, the next question is answered from a known case (tests/cases/real/01, then
tests/cases/rc_conditions.yaml #0 for RC, tests/cases/jl_e1.yaml #0 for 记功嘉奖 first) and the
new case is sent, so every request is a new case (the server's answer cache never hits).
With ``--check MS`` exits 1 when the median verdict update is above MS milliseconds.
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRUTHS = [("jl_e1.yaml", 0, ["记功嘉奖"]),
          ("real/01_funds_moved.yaml", 0, ["容错决定", "可以 予以容错"]),
          ("rc_conditions.yaml", 0, ["容错决定", "可以 予以容错"]),
          ("rc_exclusions.yaml", 0, ["容错决定", "可以 予以容错"]),
          ("jl_e2_e3.yaml", 0, ["记功嘉奖"]),
          ("rc_specific.yaml", 0, ["容错决定", "可以 予以容错"]),
          ("real/05_gifts_and_error.yaml", 0, ["容错决定", "可以 予以容错"]),
          ("real/02_subsidy_lost.yaml", 0, ["容错决定", "可以 予以容错"]),
          ("real/03_approval_reform.yaml", 0, ["容错决定", "可以 予以容错"]),
          ("real/04_flood_evacuation.yaml", 0, ["容错决定", "可以 予以容错"])]


def post(url: str, path: str, goal: list[str], case: dict) -> tuple[float, dict]:
    query = urllib.parse.urlencode([("goal", g) for g in goal])
    req = urllib.request.Request(f"{url}{path}?{query}", data=json.dumps(case, ensure_ascii=False).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            body = json.loads(r.read())
    except urllib.error.HTTPError as exc:
        body = json.loads(exc.read())
        raise SystemExit(f"{path}: HTTP {exc.code}: {body.get('message')}")
    return (time.perf_counter() - start) * 1000, body


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "policy")])
    ap.add_argument("--requests", type=int, default=30, help="verdict updates to time (default 30)")
    ap.add_argument("--check", type=float, metavar="MS", help="exit 1 when the median update is above MS")
    args = ap.parse_args()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "verifier", "serve", *args.paths, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise SystemExit(proc.stderr.read().decode())
                time.sleep(0.2)
        startup = time.perf_counter() - start
        page_ms = time.perf_counter()
        page = urllib.request.urlopen(url + "/", timeout=30).read()
        page_ms = (time.perf_counter() - page_ms) * 1000
        verdict_ms, explain_ms, next_ms, first_ms = [], [], [], None
        seen: set = set()
        for k, (name, i, goal) in enumerate(TRUTHS):
            truth = yaml.safe_load((ROOT / "tests" / "cases" / name).read_text(encoding="utf-8"))["cases"][i]["facts"]
            share = -(-(args.requests - len(verdict_ms)) // (len(TRUTHS) - k))
            case: dict = {"id": f"bench-{k}", "facts": {}}
            mine = 0
            while len(verdict_ms) < args.requests and mine < share:
                new = (tuple(goal), tuple(sorted(case["facts"].items()))) not in seen
                seen.add((tuple(goal), tuple(sorted(case["facts"].items()))))
                a, v = post(url, "/api/verdict", goal, case)
                b, _ = post(url, "/api/explain", goal, case)
                c, n = post(url, "/api/next", goal, case)
                if first_ms is None:
                    first_ms = a            # the first request warms the solver's caches
                elif new:                   # a case sent before is answered from memory: not counted
                    verdict_ms.append(a)
                    explain_ms.append(b)
                    next_ms.append(c)
                    mine += 1
                q = n["question"]
                shown = ", ".join(f"{o['outcome']}: {o['status']}" for o in v["outcomes"])
                print(f"  {name:<28} {len(case['facts']):2d} facts  verdict {a:7.1f} ms  clauses {b:7.1f} ms"
                      f"  next {c:7.1f} ms{'' if new else ' (seen)'}  {shown}", file=sys.stderr)
                if q is None:
                    break
                fact = q["fact"]
                case = {"id": case["id"], "facts": {**case["facts"], fact: truth.get(fact, q["values"][-1])}}
    finally:
        proc.terminate()
        proc.wait(10)

    def line(name, xs):
        xs = sorted(xs)
        p90 = xs[min(len(xs) - 1, int(0.9 * len(xs)))]
        return (f"{name:<32} n={len(xs):3d}  median {statistics.median(xs):7.1f} ms  p90 {p90:7.1f} ms"
                f"  max {xs[-1]:7.1f} ms")

    print(f"server start (load + compile) {startup:.1f} s; page {len(page) // 1024} KiB in {page_ms:.0f} ms; "
          f"first verdict (cold) {first_ms:.0f} ms")
    print(line("verdict update (/api/verdict)", verdict_ms))
    print(line("deciding clauses (/api/explain)", explain_ms))
    print(line("next question (/api/next)", next_ms))
    whole = [a + b + c for a, b, c in zip(verdict_ms, explain_ms, next_ms)]
    print(line("all three, one after another", whole))
    median = statistics.median(verdict_ms)
    if args.check is not None and median > args.check:
        print(f"median verdict update {median:.1f} ms > {args.check:g} ms", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
