"""``verifier diff [OLD] [NEW]``: the semantic diff of two policy versions.

Each side is a file, a folder, ``REV`` (its policy/ folder) or ``REV:PATH`` of the working
git repository. Defaults: OLD = ``--base`` (default: the merge base of HEAD with main),
NEW = policy/. Exit 0: no outcome changed; 1: outcomes changed or new error findings;
2: an input could not be read, resolved, parsed or checked.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..diff import diff_policies
from ..diff.render import FORMATS, render
from ..diff.sources import DEFAULT_POLICY_DIR, SideError, merge_base, resolve_side
from ..exitcodes import INPUT_ERROR
from ..rulings.select import parse_asked
from .common import load_or_report, positive_ms, report_output_problem


def register(sub) -> None:
    p = sub.add_parser("diff", help="semantic diff of two policy versions (files, folders, git revisions)")
    p.add_argument("old", nargs="?", metavar="OLD", help="file, folder, REV or REV:PATH (default: --base); "
                   "one argument alone is OLD, compared with policy/")
    p.add_argument("new", nargs="?", metavar="NEW", help=f"file, folder, REV or REV:PATH (default: {DEFAULT_POLICY_DIR}/)")
    p.add_argument("--base", metavar="REV", help="the old side when OLD is not given (default: merge base with main)")
    p.add_argument("--policy-dir", default=DEFAULT_POLICY_DIR, help="folder taken from a revision (default: policy)")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="keywords of printed conditions")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--no-findings", action="store_true", help="skip the findings comparison")
    p.add_argument("--max-cubes", type=int, default=4, help="bound on the condition terms listed per change")
    p.add_argument("--max-witnesses", type=int, default=2, help="example cases per change (at least 1)")
    p.add_argument("--timeout-ms", type=positive_ms, default=10_000, metavar="MS",
                   help="time limit per solver call, in milliseconds (default 10000)")
    p.add_argument("--rulings", action="store_true",
                   help="also give, per change, the verdicts both versions reach on a minimal partial "
                        "case (refuted -> proven, proven -> open, ...)")
    p.add_argument("--cases", metavar="PATH",
                   help="also re-rule the recorded cases under PATH (a folder of case files or policy test "
                        "suites, or a .jsonl file) under both versions and list those whose verdict changes")
    p.add_argument("--ask", action="append", default=[], metavar="OUTCOME",
                   help="with --cases: the outcomes compared (repeatable; default: each case's documents' "
                        "decisions and actions)")
    p.add_argument("--jobs", type=_jobs, default=0, metavar="N",
                   help="with --cases: worker processes (default 0: one per core)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --cases: rule the cases on this Dask cluster (pip install \"verifier[dask]\")")
    p.add_argument("--records", metavar="FILE",
                   help="with --cases: keep one JSON line per case in FILE (JSON Lines), as `verifier case -o` "
                        "does: an interrupted run given the same FILE resumes where it stopped; refused if FILE "
                        "is any other file")
    p.set_defaults(run=run)


def _jobs(text: str) -> int:
    from .case import _jobs as jobs

    return jobs(text)


def run(args: argparse.Namespace) -> int:
    if args.output and report_output_problem("-o", args.output):
        return INPUT_ERROR
    if (args.ask or args.scheduler or args.records) and not args.cases:
        print("error: --ask, --scheduler and --records go with --cases PATH", file=sys.stderr)
        return INPUT_ERROR
    if args.records:
        from .common import output_problem

        if args.output and Path(args.output).resolve() == Path(args.records).resolve():
            print("error: --records and -o name the same file; the report and the records need two files",
                  file=sys.stderr)
            return INPUT_ERROR
        if report_output_problem("--records", args.records, problem=output_problem(args.records)):
            return INPUT_ERROR
    if args.cases and args.format == "sarif":
        print("error: --cases reports in text, json or markdown (not sarif)", file=sys.stderr)
        return INPUT_ERROR
    if args.cases and not Path(args.cases).exists():
        print(f"{args.cases}:1:1: error[C500] cannot read the cases: no such file or folder", file=sys.stderr)
        return INPUT_ERROR
    sides = []
    try:
        old_spec = args.old or args.base or merge_base()
        sides.append(resolve_side(old_spec, policy_dir=args.policy_dir))
        sides.append(resolve_side(args.new, policy_dir=args.policy_dir))
        return _diff(args, *sides)
    except SideError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return INPUT_ERROR
    finally:
        for s in sides:
            s.close()


def _diff(args, old, new) -> int:
    loaded, sources = [], []
    for side in (old, new):
        result = load_or_report(side.paths)
        if result is None:
            print(f"error: cannot load the {side.label} side", file=sys.stderr)
            return INPUT_ERROR
        loaded.append(result.policy)
        sources.append(result.sources)
    if args.cases and args.records:
        # checked before any work: a records file of another run, or any other file, is
        # never resumed nor written to
        from ..diff.precedents import records_problem, run_id

        args.run = run_id(sources[0], sources[1], args.ask)
        if report_output_problem("--records", args.records, problem=records_problem(args.records, args.run)):
            return INPUT_ERROR

    def show(path: str) -> str:
        return old.show(new.show(path))
    diff = diff_policies(loaded[0], loaded[1], old_label=old.label, new_label=new.label,
                         findings=not args.no_findings, max_cubes=args.max_cubes,
                         max_witnesses=args.max_witnesses,
                         timeout_ms=args.timeout_ms, show_path=show, rulings=args.rulings)
    text = render(diff, args.format, args.lang)
    code = diff.exit_code()
    if args.cases:
        impact = _cases(args, loaded[0], loaded[1], sources)
        if impact is None:
            return INPUT_ERROR
        text = _with_cases(text, impact, args.format)
        code = max(code, impact.exit_code())
    if args.output:
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return code


def _cases(args, old, new, sources=()):
    """The impact on the recorded cases, or None (reported) when they cannot be read at all."""
    from ..diff.precedents import CasesImpact, iter_corpus, rule_corpus
    from ..rulings.select import suggest

    for text in args.ask:
        if not any(parse_asked([text], p)[0] for p in (old, new)):
            print(f"error: --ask {text!r} names no outcome of either version — hint: {suggest(text, new)}",
                  file=sys.stderr)
            return None
    items = iter_corpus([args.cases])
    if not items:
        print(f"{args.cases}:1:1: error[C500] cannot read the cases: no case files (.yaml, .yml, .json, "
              ".jsonl) there", file=sys.stderr)
        return None
    records_file = Path(args.records) if args.records else None
    if records_file:
        from ..rulings.batch import DIFF_RUN, read_results

        keys = [k for k, *_ in items]
        if len(set(keys)) != len(keys):
            twice = sorted({k for k in keys if keys.count(k) > 1})[:5]
            print(f"error: two cases share a key: {', '.join(twice)}", file=sys.stderr)
            return None
        done, bad = read_results(records_file, lambda r: r.get(DIFF_RUN) == args.run)
        already = sum(k in done for k in keys)
        if bad:
            print(f"warning: {records_file}: {len(bad)} line(s) are not records of this run (first: line "
                  f"{bad[0]}); left in place, their cases are ruled again", file=sys.stderr)
    texts = None
    if args.scheduler:
        from ..rulings.distributed import DaskError, dask_problem, policy_texts

        problem = dask_problem()
        if problem:
            print(f"error: --scheduler: {problem}", file=sys.stderr)
            return None
        texts = tuple(policy_texts(s) for s in sources)
    try:
        records = rule_corpus(old, new, items, args.ask or None, jobs=args.jobs, scheduler=args.scheduler,
                              texts=texts, records=records_file, run=getattr(args, "run", None))
    except RuntimeError as exc:         # DaskError: the cluster could not be used
        if not args.scheduler or not isinstance(exc, DaskError):
            raise
        print(f"error: --scheduler: {exc}" + ("; the records written so far are kept (run again to resume)"
                                             if records_file else ""), file=sys.stderr)
        return None
    if records_file:
        print(f"{len(items) - already} written, {already} already present: {records_file}", file=sys.stderr)
    impact = CasesImpact(args.cases, tuple(args.ask), tuple(records))
    for r in impact.errors:
        for d in r["diagnostics"][:3]:
            print(f"{d['file']}:{d['line']}:{d['column']}: error[{d['code']}] {d['message']}"
                  + (f" — hint: {d['hint']}" if d.get("hint") else ""), file=sys.stderr)
    if len(impact.errors) == len(records):
        print(f"error: none of the {len(records)} case(s) under {args.cases} could be read", file=sys.stderr)
        return None
    return impact


def _with_cases(text: str, impact, fmt: str) -> str:
    import json

    from ..diff import precedents

    if fmt == "json":
        data = json.loads(text)
        data["cases"] = impact.as_dict()
        data["exit_code"] = max(data["exit_code"], impact.exit_code())
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt == "markdown":
        return text + "\n" + precedents.render_markdown(impact)
    return text + precedents.render_text(impact)
