"""``verifier report [--check]``: regenerate reports/ (analysis, glossary, coverage) and docs/codes.md."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..diagnostics import DEFAULT_LANG
from ..diagnostics.render import render_text
from ..exitcodes import FINDINGS, INPUT_ERROR, OK
from .common import report_output_problem
from ..report.reports import (DEFAULT_OUT, DEFAULT_POLICY, DEFAULT_SOURCE, build_reports,
                              inputs_digest, stale_reports, stamp_fresh, write_reports,
                              write_stamp)


def register(sub) -> None:
    p = sub.add_parser("report", help="regenerate reports/ from policy/ (and docs/codes.md)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="policy files or folders (default: policy/)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if any generated file is missing or stale")
    p.add_argument("--full", action="store_true",
                   help="with --check: regenerate and compare even when reports/.stamp.json vouches for the files")
    p.add_argument("--out", default=DEFAULT_OUT, help="folder for the reports (default: reports)")
    p.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                   help="clauses.md with the clause IDs (default: policy/source/clauses.md)")
    p.add_argument("--no-codes", action="store_true", help="do not generate docs/codes.md")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.check and report_output_problem("--out", args.out, folder=True):
        return INPUT_ERROR
    paths = args.paths or [DEFAULT_POLICY]
    # docs/codes.md is the project's own file: written only where it already exists (the
    # checkout), never into whatever folder `verifier report` is run in
    codes = None if args.no_codes or not Path("docs/codes.md").is_file() else "docs/codes.md"
    inputs = inputs_digest(paths, args.source)
    if args.check and not args.full and stamp_fresh(args.out, inputs):
        return OK
    files, loaded = build_reports(paths, args.source, args.out, codes)
    if not loaded.ok:
        for d in loaded.diagnostics:
            print(render_text(d, loaded.sources, DEFAULT_LANG), file=sys.stderr)
        print("report: the policies did not load; reports/ left as it is", file=sys.stderr)
        if not args.check and files:
            write_reports(files)
        return INPUT_ERROR
    if args.check:
        stale = stale_reports(files)
        for path in stale:
            print(f"{path}: stale (run `verifier report` to regenerate it)", file=sys.stderr)
        return FINDINGS if stale else OK
    for path in write_reports(files):
        print(f"wrote {path}")
    write_stamp(args.out, inputs, files)
    return OK
