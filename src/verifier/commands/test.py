"""``verifier test [PATH...]``: run policy tests (YAML cases with expected verdicts).

Without PATH: tests/cases/ against policy/. Prints failures, then ``N passed, N failed``
alone on the last line; ``--junit FILE`` writes JUnit XML; exit 1 on any failure.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..exitcodes import FINDINGS, INPUT_ERROR, OK
from ..load import load_policy
from .common import report_output_problem

DEFAULT_TESTS = ["tests/cases/"]
DEFAULT_POLICY = ["policy/"]


def register(sub) -> None:
    p = sub.add_parser("test", help="run policy tests: cases with expected verdicts")
    p.add_argument("paths", nargs="*", metavar="PATH", help="test files or folders (default: tests/cases/)")
    p.add_argument("--policy", action="append", default=[], metavar="PATH",
                   help="policy files or folders (default: the file's `policy:` key, else policy/)")
    p.add_argument("--junit", metavar="FILE", help="write JUnit XML")
    p.add_argument("-v", "--verbose", action="store_true", help="print every case")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..rulings import RulingEngine
    from ..rulings.policytests import (InputProblem, TestResult, junit_xml, read_test_file, run_case,
                                       test_files)

    if args.junit and report_output_problem("--junit", args.junit):
        return INPUT_ERROR
    files = test_files(args.paths or DEFAULT_TESTS)
    if not files:
        print("error: no test files found", file=sys.stderr)
        return INPUT_ERROR
    engines: dict[tuple, tuple] = {}
    results: list[TestResult] = []
    progress = sys.stderr.isatty()
    for number, path in enumerate(files, 1):
        if progress:
            sys.stderr.write(f"\r[{number}/{len(files)}] {path}\033[K")
            sys.stderr.flush()
        policy_paths, cases, error = read_test_file(path)
        key = tuple(args.policy or policy_paths or DEFAULT_POLICY)
        if key not in engines:
            loaded = load_policy(list(key))
            engines[key] = (RulingEngine(loaded.policy), loaded.policy) if loaded.ok else (None, loaded)
        engine, policy = engines[key]
        if error or engine is None:
            reason = error or "the policy does not load: " + "; ".join(
                f"{d.span} {d.message()}" for d in policy.diagnostics if d.is_error)
            results.append(TestResult(str(path), "(file)", 1, [InputProblem(reason)]))
            continue
        for name, line, node in cases:
            start = time.perf_counter()
            failures = run_case(engine, policy, path, name, node)
            results.append(TestResult(str(path), name, line, failures, time.perf_counter() - start))
    if progress:
        sys.stderr.write("\r\033[K")
    for r in results:
        if not r.passed:
            print(f"{'ERROR' if r.input_error else 'FAILED'} {r.file}:{r.line} {r.name}")
            for f in r.failures:
                print(f"    {f}")
        elif args.verbose:
            print(f"passed {r.file}:{r.line} {r.name}")
    if args.junit:
        junit = Path(args.junit)
        junit.parent.mkdir(parents=True, exist_ok=True)
        junit.write_text(junit_xml(results), encoding="utf-8")
    errors = sum(r.input_error for r in results)
    failed = sum(not r.passed for r in results) - errors
    print(f"{len(results) - failed - errors} passed, {failed} failed"
          + (f", {errors} input errors (exit 2: fix the test file)" if errors else ""))
    return INPUT_ERROR if errors else FINDINGS if failed else OK
