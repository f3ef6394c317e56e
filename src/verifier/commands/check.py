"""``verifier check [PATH...]``: parse, check and analyse policies; report in any format.

Exit codes: 0 nothing at or above ``--fail-on`` (after the baseline), 1 findings at or
above it, 2 the input (policies, baseline, readings) could not be read or checked.
"""
from __future__ import annotations

import argparse
import sys

from ..exitcodes import FINDINGS, INPUT_ERROR, OK

# The stages are imported inside the functions that use them: a run answered from the
# result cache (verifier.cache) then never imports the parser, the model or z3.
POLICY_DEFAULT = ["policy/"]          # = commands.common.DEFAULT_PATHS (not imported here)


def _positive_ms(text: str) -> int:
    from .common import positive_ms
    return positive_ms(text)


def register(sub) -> None:
    p = sub.add_parser("check", help="parse, check and analyse policy files")
    p.add_argument("paths", nargs="*", metavar="PATH", help="policy files or folders (default: policy/)")
    p.add_argument("--format", choices=("text", "json", "sarif", "markdown"), default="text",
                   help="output format (default text; json/sarif: see docs/output-format.md)")
    p.add_argument("--lang", choices=("zh", "en", "both"), default="zh",
                   help="language of messages, hints and headings (text and markdown): zh (default), en, "
                        "or both (each message in English / Chinese)")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default="error",
                   help="exit 1 when a finding at or above this severity remains (default error)")
    p.add_argument("--reading", action="append", default=[], metavar="NAME=true|false",
                   help="fix an interpretation to one reading (repeatable; default: every reading)")
    p.add_argument("--baseline", metavar="FILE", help="accepted findings: fail only on new ones")
    p.add_argument("--expand", action="store_true",
                   help="text: list every member of a group of findings (overlaps, discretions, proven properties)")
    p.add_argument("--no-analysis", action="store_true", help="parse and check only")
    p.add_argument("--no-cache", action="store_true",
                   help="do not use or fill the result cache (see verifier.cache; also VERIFIER_NO_CACHE=1)")
    p.add_argument("--timeout-ms", type=_positive_ms, default=10_000, metavar="MS",
                   help="time limit per solver call, in milliseconds (default 10000); an undecided "
                        "question is reported as A411")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """``check``, memoised on its inputs (verifier.cache; --no-cache bypasses it)."""
    from ..cache import memoised
    options = {k: v for k, v in sorted(vars(args).items()) if k != "run"}
    files = {"policies": args.paths or POLICY_DEFAULT, "extra": [args.baseline]}
    return memoised("check", options, files, lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    from ..diagnostics.render import render_text
    from ..load import load_policy
    from .common import DEFAULT_PATHS, parse_readings
    loaded = load_policy(args.paths or DEFAULT_PATHS)
    if not loaded.ok or args.no_analysis:
        return _report_front_end(loaded, args)
    readings, problem = parse_readings(args.reading, loaded.policy, args.lang)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return INPUT_ERROR
    baseline = None
    if args.baseline:
        from ..baseline import load_baseline
        baseline, problems = load_baseline(args.baseline)
        if baseline is None:
            for d in problems:
                print(render_text(d, {}, args.lang), file=sys.stderr)
            return INPUT_ERROR
    from ..analysis import analyse
    result = analyse(loaded.policy, readings or None, timeout_ms=args.timeout_ms,
                     parallel=True)
    findings = list(result.findings)
    stale = []
    if baseline is not None:
        from ..baseline import apply_baseline, stale_lines
        findings, _accepted, stale = apply_baseline(findings, baseline)
        findings = list(findings)
    out = _render(args, result, findings, loaded)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    if stale and args.format == "text":
        for line in stale_lines(stale, args.baseline):
            print(line)
    return _exit_code(args.fail_on, [*loaded.diagnostics, *findings])


def _render(args, result, findings, loaded) -> str:
    """The findings (after the baseline) in the chosen format; text honours --lang and --expand."""
    from dataclasses import replace
    from ..report import render, render_text as render_findings
    kept = replace(result, findings=tuple(findings))
    if args.format == "text":
        return render_findings(kept, loaded, sys.stdout.isatty(), lang=args.lang,
                               expand=getattr(args, "expand", False))
    if args.format == "markdown":
        from ..report import render_markdown
        return render_markdown(kept, loaded, lang=args.lang)
    return render(args.format, kept, loaded)


def _exit_code(fail_on: str, items) -> int:
    from ..diagnostics import SEVERITY_RANK
    threshold = SEVERITY_RANK[fail_on]
    return FINDINGS if any(SEVERITY_RANK[x.severity] >= threshold for x in items) else OK


def _report_front_end(loaded, args) -> int:
    """Diagnostics only (the input did not load, or --no-analysis)."""
    from ..diagnostics.render import render_text
    if args.format == "text":
        colour = sys.stdout.isatty()
        for d in sorted(loaded.diagnostics, key=lambda d: d.sort_key()):
            print(render_text(d, loaded.sources, args.lang, colour))
        for line in summary_lines(loaded, args.lang):
            print(line)
    elif args.format == "markdown":
        from ..report import render_markdown
        sys.stdout.write(render_markdown(None, loaded, lang=args.lang) + "\n")
    else:
        from ..report import render
        sys.stdout.write(render(args.format, None, loaded) + "\n")
    if not loaded.ok:
        return INPUT_ERROR
    return _exit_code(args.fail_on, loaded.diagnostics)


def summaries(loaded) -> list[dict]:
    out = []
    for doc in loaded.documents:
        counts: dict[str, int] = {}
        for d in doc.items:
            key = type(d).__name__.lower()
            counts[key] = counts.get(key, 0) + 1
        out.append({"id": doc.id, "file": doc.span.file, "title": doc.title, "counts": counts})
    return sorted(out, key=lambda s: s["id"])


_KINDS_ZH = {"clause": "条款", "fact": "事实", "term": "术语", "rule": "规则", "decision": "决定项"}


def summary_lines(loaded, lang: str = "both") -> list[str]:
    lines = []
    zh = lang == "zh"
    for s in summaries(loaded):
        c = s["counts"]
        kinds = ("clause", "fact", "term", "rule", "decision")
        if zh:
            parts = ",".join(f"{_KINDS_ZH[k]} {c.get(k, 0)}" for k in kinds)
            lines.append(f"{s['id']}({s['file']}):{parts}")
        else:
            parts = ", ".join(f"{c.get(k, 0)} {k}s" for k in kinds)
            lines.append(f"{s['id']} ({s['file']}): {parts}")
    errors = sum(d.is_error for d in loaded.diagnostics)
    warnings = sum(d.severity == "warning" for d in loaded.diagnostics)
    if zh:
        lines.append(f"{'通过' if loaded.ok else '失败'}:{errors} 个错误,{warnings} 个警告")
    else:
        lines.append(f"{'ok' if loaded.ok else 'failed'}: {errors} errors, {warnings} warnings")
    return lines
