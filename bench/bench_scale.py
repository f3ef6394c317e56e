"""Policy scale (issue 14): `verifier check` on large generated policies, time and memory.

Not a timed test. Run from the repository root:

    python bench/bench_scale.py                        # 5,000-rule topics policy + 20,000 independent rules
    python bench/bench_scale.py --rules 5000 --independent 0
    python bench/bench_scale.py --rules 0 --independent 20000 --cap-gb 3 --timeout 300

Two generated policies, written as text and checked in a fresh process each:

- ``topics``: ``bench/synthetic.py``'s shape (facts in topics of 10, ~10 rules per action or
  decision, 2-4 literals per condition, priorities, assumptions, properties) with N rules.
- ``independent``: N one-line rules, each over its own fact and action
  (``rule R-i if f_i then must x_i``) — nothing links two rules, so a checker that
  analyses by independent components should scale linearly.

Each is run with ``--no-analysis`` (parse + check) and fully analysed (``--format json``).
A run is stopped when it exceeds ``--timeout`` seconds or ``--cap-gb`` of resident memory
(polled every 0.2 s), so the bench cannot take the machine down; the peak RSS printed is
the child's ``ru_maxrss`` (or the last poll for a stopped run).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def topics_text(n_rules: int) -> str:
    from synthetic import synthetic
    from verifier.printer import print_document

    return print_document(synthetic(n_rules).documents[0], "en", {})


def independent_text(n_rules: int) -> str:
    lines = ["document IND", ""]
    for i in range(n_rules):
        lines.append(f"fact f{i} : bool")
        lines.append(f"action x{i}")
        lines.append(f"rule R-{i} if f{i} then must x{i}")
    return "\n".join(lines) + "\n"


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(argv: list[str], timeout: float, cap_kb: int) -> dict:
    """Wall seconds, peak RSS (MB), exit code, and why it was stopped (if it was)."""
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "verifier", *argv], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT, start_new_session=True)
    stopped, last = None, 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        last = max(last, _rss_kb(proc.pid))
        elapsed = time.monotonic() - start
        if elapsed > timeout or last > cap_kb:
            stopped = f"stopped after {elapsed:.0f} s" if elapsed > timeout else f"stopped at {last / 1e6:.1f} GB"
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": time.monotonic() - start, "peak_mb": max(usage.ru_maxrss, last) / 1024,
            "exit": proc.returncode, "stopped": stopped}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rules", type=int, default=5000, help="rules of the topics policy (0: skip)")
    ap.add_argument("--independent", type=int, default=20000, help="independent one-line rules (0: skip)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per run before it is stopped")
    ap.add_argument("--cap-gb", type=float, default=3.0, help="resident memory per run before it is stopped")
    ap.add_argument("--keep", metavar="DIR", help="write the generated policies here (default: a temp folder)")
    args = ap.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench_scale."))
    folder.mkdir(parents=True, exist_ok=True)
    jobs = []
    if args.rules:
        jobs.append((f"topics, {args.rules} rules", folder / f"topics_{args.rules}.policy", topics_text(args.rules)))
    if args.independent:
        jobs.append((f"independent, {args.independent} rules", folder / f"independent_{args.independent}.policy",
                     independent_text(args.independent)))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; policies in {folder}")
    print(f"{'policy':32} {'size':>8} {'mode':12} {'wall s':>8} {'peak MB':>8} {'exit':>5}  note")
    for label, path, text in jobs:
        path.write_text(text, encoding="utf-8")
        size = f"{path.stat().st_size / 1e6:.1f} MB"
        for mode, extra in (("no-analysis", ["--no-analysis"]), ("full", ["--format", "json"])):
            r = run(["check", str(path), "--no-cache", *extra], args.timeout, int(args.cap_gb * 1e6))
            print(f"{label:32} {size:>8} {mode:12} {r['seconds']:8.1f} {r['peak_mb']:8.0f} {r['exit']:>5}  "
                  f"{r['stopped'] or ''}", flush=True)


if __name__ == "__main__":
    main()
