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
from .common import load_or_report, outcome_problem, parse_readings, report_output_problem


def register(sub) -> None:
    p = sub.add_parser("case", help="rule on a partial case: PROVEN / REFUTED / OPEN / DISCRETION per outcome")
    p.add_argument("paths", nargs="*", metavar="POLICY", help="policy files or folders (default: policy/)")
    p.add_argument("--facts", required=True, metavar="FILE",
                   help="a case file (.yaml/.yml/.json), or a folder / .jsonl file of many cases")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of the ruling, its messages and hints (default zh)")
    p.add_argument("--reading", action="append", default=[], metavar="NAME=true|false",
                   help="fix an interpretation's reading (overrides the case file)")
    p.add_argument("--certificates", metavar="DIR",
                   help="write one .smt2 proof obligation per verdict into DIR (a folder; created if missing)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="batch: JSON Lines output; resumed if it is an earlier results file, refused if it "
                        "is any other file")
    p.add_argument("--jobs", type=_jobs, default=0, metavar="N",
                   help="batch: worker processes, 1 or more (default 0: one per core)")
    p.add_argument("--explain", action="store_true", help="batch: full rulings with proofs and certificates")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="batch: rule the cases on this Dask cluster (tcp://host:8786; pip install "
                        "\"verifier[dask]\"; docs/scale.md)")
    p.add_argument("--ask", action="append", default=[], metavar="OUTCOME",
                   help="rule on this outcome only (repeatable): 容错决定, \"容错决定 = 予以容错\", "
                        "\"可以 予以容错\", an action or a term; default: the decisions and actions of the "
                        "documents whose facts the case mentions")
    p.add_argument("--all", action="store_true", help="rule on every outcome of every document")
    p.add_argument("--explain-all", action="store_true",
                   help="also list the rules that did not apply, and example completions of OPEN verdicts")
    p.set_defaults(run=run)


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of workers, 1 or more (0: one per core)")
    return n


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
    # outputs are checked before any work: a long batch never ends in a traceback, and a
    # file that is not this tool's results is never truncated
    if args.output:
        from ..rulings.batch import results_problem

        if report_output_problem("-o", args.output, lang=args.lang, problem=results_problem(Path(args.output))):
            return INPUT_ERROR
    if args.certificates and report_output_problem("--certificates", args.certificates, folder=True,
                                                   lang=args.lang):
        return INPUT_ERROR
    loaded = load_or_report(args.paths, args.lang)
    if loaded is None:
        return INPUT_ERROR
    policy = loaded.policy
    facts = Path(args.facts)
    if not facts.exists():
        print(f"{facts}:1:1: error[C500] " + ("无法读取案例:没有这个文件或文件夹" if args.lang == "zh" else
                                              "cannot read the case: no such file or folder"), file=sys.stderr)
        return INPUT_ERROR
    readings, problem = parse_readings(args.reading, policy, args.lang)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return INPUT_ERROR
    if facts.is_dir() or facts.suffix == ".jsonl" or args.output:
        return _batch(args, policy, facts, readings, loaded.sources)
    cases, diagnostics = read_case_file(facts, policy)
    if has_errors(diagnostics) or not cases:
        _print_diagnostics(diagnostics, args.lang)
        return INPUT_ERROR
    try:
        return _single(args, policy, cases[0], readings)
    except RuntimeError:
        # the finite-domain solver gives up on a policy whose assumptions admit no case
        # (e.g. they contradict an integer fact's bounds): then every case is C506
        contradiction = _inadmissible(policy, cases[0].source)
        if not contradiction:
            raise
        _print_diagnostics(contradiction, args.lang)
        return INPUT_ERROR


def _inadmissible(policy, source: str) -> list:
    from ..cases.admit import inadmissible_policy

    return inadmissible_policy(policy, source)


def _single(args, policy, case, readings) -> int:
    from ..rulings import RulingEngine
    from ..rulings.render import render_json, render_markdown, render_text
    from ..rulings.select import default_outcomes, parse_asked

    if readings:
        case = case.__class__(case.key, case.facts, tuple(sorted({**dict(case.readings), **readings}.items())),
                              case.description, case.source, case.spans)
    asked, bad = parse_asked(args.ask, policy)
    if bad:
        for text in bad:
            print(outcome_problem("--ask", text, policy, args.lang), file=sys.stderr)
        return INPUT_ERROR
    engine = RulingEngine(policy)
    only = asked or (engine.outcomes if args.all else default_outcomes(case, policy, engine.outcomes))
    hidden = 0 if args.ask or args.all else len(engine.outcomes) - len(only)
    # a whole-document ruling ranks questions for the decisions (its summary asks the rest at once)
    decisions = None if asked else {o for o in only if o[0] == "decide"}
    ruling = engine.rule(case, only=set(only), explain_all=args.explain_all, questions_for=decisions)
    if not ruling.admissible:
        _print_diagnostics(ruling.diagnostics, args.lang)
        return INPUT_ERROR
    if args.certificates:
        _write_certificates(ruling, Path(args.certificates))
    summary = None if asked else engine.goal_questions(case, ruling)
    if args.format == "json":
        print(render_json(ruling, policy))
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(ruling, policy, args.lang, args.certificates, args.explain_all, hidden,
                                         summary))
    else:
        sys.stdout.write(render_text(ruling, policy, args.lang, args.certificates, args.explain_all, hidden,
                                     summary))
    return FINDINGS if has_errors(ruling.diagnostics) else OK


def _write_certificates(ruling, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for o in ruling.outcomes:
        for v in o.verdicts:
            if v.proof and v.proof.certificate:
                path = folder / f"{v.proof.certificate}.smt2"
                if not path.exists():
                    path.write_text(v.proof.smt2, encoding="utf-8")


def _batch(args, policy, facts: Path, readings: dict | None = None, sources=None) -> int:
    from ..rulings.batch import iter_inputs, read_results, run_batch

    if not args.output:
        print("error: rule many cases with -o FILE (JSON Lines)", file=sys.stderr)
        return INPUT_ERROR
    inputs = iter_inputs([facts])
    keys = [k for k, *_ in inputs]
    if len(set(keys)) != len(keys):
        twice = sorted({k for k in keys if keys.count(k) > 1})[:5]
        print(f"error: two cases share a key: {', '.join(twice)}", file=sys.stderr)
        return INPUT_ERROR
    output = Path(args.output)
    bad = read_results(output)[1] if output.exists() else []
    if bad:
        print(f"warning: {output}: {len(bad)} line(s) are not result records (first: line {bad[0]}); "
              "left in place, their cases are ruled again", file=sys.stderr)
    if getattr(args, "scheduler", None):
        from ..rulings.distributed import DaskError, dask_problem, policy_texts, run_distributed

        if dask_problem():
            print(f"error: --scheduler: {dask_problem()}", file=sys.stderr)
            return INPUT_ERROR
        try:
            written, skipped, statuses = run_distributed(
                args.scheduler, policy_texts(sources or {}), inputs, output, args.explain, readings=readings,
                inadmissible=_inadmissible(policy, str(facts)))
        except DaskError as exc:
            print(f"error: --scheduler: {exc}; the results written so far are kept (run again to resume)",
                  file=sys.stderr)
            return INPUT_ERROR
    else:
        written, skipped, statuses = run_batch(policy, inputs, output, args.jobs, args.explain,
                                               readings=readings, inadmissible=_inadmissible(policy, str(facts)))
    failed = statuses.get("error", 0) + statuses.get("inadmissible", 0)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    print(f"{written} written, {skipped} already present: {args.output} ({summary or 'no cases'})",
          file=sys.stderr)
    if failed:
        print(f"error: {failed} case(s) could not be ruled (status error or inadmissible); "
              "see their records' diagnostics", file=sys.stderr)
        return INPUT_ERROR
    return OK
