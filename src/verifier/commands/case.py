"""``verifier case [POLICY...] --facts FILE``: the ruling on a partial case.

With ``--facts`` a folder or a ``.jsonl`` file (or with ``-o``), rules every case in it
on all cores and writes one JSON line per case (resumable).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cases import read_case_file
from ..diagnostics import has_errors
from ..exitcodes import FINDINGS, INPUT_ERROR, OK
from .common import load_or_report, parse_readings


def register(sub) -> None:
    p = sub.add_parser("case", help="rule on a partial case: PROVEN / REFUTED / OPEN / DISCRETION per outcome")
    p.add_argument("paths", nargs="*", metavar="POLICY", help="policy files or folders (default: policy/)")
    p.add_argument("--facts", required=True, metavar="FILE",
                   help="a case file (.yaml/.yml/.json), or a folder / .jsonl file of many cases")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--reading", action="append", default=[], metavar="NAME=true|false",
                   help="fix an interpretation's reading (overrides the case file)")
    p.add_argument("--certificates", metavar="DIR", help="write one .smt2 proof obligation per verdict into DIR")
    p.add_argument("-o", "--output", metavar="FILE", help="batch: JSON Lines output (resumed if it exists)")
    p.add_argument("--jobs", type=int, default=0, help="batch: worker processes (default: all cores)")
    p.add_argument("--explain", action="store_true", help="batch: full rulings with proofs and certificates")
    p.set_defaults(run=run)


class _Text:
    """Minimal stand-in for a Source: lines of a case file, for caret display."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""


def _print_diagnostics(diagnostics, lang: str) -> None:
    from ..diagnostics.render import render_many

    sources = {}
    for d in diagnostics:
        if d.span.file not in sources:
            path = Path(d.span.file)
            try:
                if path.is_file():          # never open a FIFO or a device to show a line
                    sources[d.span.file] = _Text(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                pass
    if diagnostics:
        print(render_many(sorted(diagnostics, key=lambda d: d.sort_key()), sources, lang), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    loaded = load_or_report(args.paths)
    if loaded is None:
        return INPUT_ERROR
    policy = loaded.policy
    facts = Path(args.facts)
    if not facts.exists():
        print(f"error: {facts}: no such file or folder", file=sys.stderr)
        return INPUT_ERROR
    if facts.is_dir() or facts.suffix == ".jsonl" or args.output:
        return _batch(args, policy, facts)
    readings, problem = parse_readings(args.reading, policy)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return INPUT_ERROR
    cases, diagnostics = read_case_file(facts, policy)
    if has_errors(diagnostics) or not cases:
        _print_diagnostics(diagnostics, args.lang)
        return INPUT_ERROR
    return _single(args, policy, cases[0], readings)


def _single(args, policy, case, readings) -> int:
    from ..rulings import RulingEngine
    from ..rulings.render import render_json, render_markdown, render_text

    if readings:
        case = case.__class__(case.key, case.facts, tuple(sorted({**dict(case.readings), **readings}.items())),
                              case.description, case.source, case.spans)
    ruling = RulingEngine(policy).rule(case)
    if not ruling.admissible:
        _print_diagnostics(ruling.diagnostics, args.lang)
        return INPUT_ERROR
    if args.certificates:
        _write_certificates(ruling, Path(args.certificates))
    if args.format == "json":
        print(render_json(ruling, policy))
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(ruling, policy, args.lang, args.certificates))
    else:
        sys.stdout.write(render_text(ruling, policy, args.lang, args.certificates))
    return FINDINGS if has_errors(ruling.diagnostics) else OK


def _write_certificates(ruling, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for o in ruling.outcomes:
        for v in o.verdicts:
            if v.proof and v.proof.certificate:
                path = folder / f"{v.proof.certificate}.smt2"
                if not path.exists():
                    path.write_text(v.proof.smt2, encoding="utf-8")


def _batch(args, policy, facts: Path) -> int:
    from ..rulings.batch import iter_inputs, run_batch

    if not args.output:
        print("error: rule many cases with -o FILE (JSON Lines)", file=sys.stderr)
        return INPUT_ERROR
    inputs = iter_inputs([facts])
    keys = [k for k, *_ in inputs]
    if len(set(keys)) != len(keys):
        print("error: two cases share a key", file=sys.stderr)
        return INPUT_ERROR
    written, skipped = run_batch(policy, inputs, Path(args.output), args.jobs, args.explain)
    print(f"{written} written, {skipped} already present: {args.output}", file=sys.stderr)
    return OK
