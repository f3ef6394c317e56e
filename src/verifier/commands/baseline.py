"""``verifier baseline [PATH...]``: print a baseline accepting the current findings.

Writes to stdout, or to ``-o FILE`` (refusing to overwrite an existing file unless
``--force``; justifications already in that file are kept). Exit 0, or 2 on input errors.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from ..analysis import analyse
from ..baseline import dump_baseline, load_baseline
from ..diagnostics import DEFAULT_LANG
from ..diagnostics.render import render_text
from ..exitcodes import INPUT_ERROR, OK
from .common import load_or_report, report_output_problem


def register(sub) -> None:
    p = sub.add_parser("baseline", help="print a baseline file accepting the current findings")
    p.add_argument("paths", nargs="*", metavar="PATH", help="policy files or folders (default: policy/)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (.json: JSON, else YAML)")
    p.add_argument("--force", action="store_true", help="overwrite an existing FILE")
    p.add_argument("--format", choices=("yaml", "json"), help="default: from FILE's suffix, else yaml")
    p.add_argument("--min-severity", choices=("info", "warning", "error"), default="warning",
                   help="accept findings at or above this severity (default: warning)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.output) if args.output else None
    if out is not None and report_output_problem("-o", out):
        return INPUT_ERROR
    if out is not None and out.exists() and not args.force:
        print(f"error: {out} exists; use --force to overwrite it", file=sys.stderr)
        return INPUT_ERROR
    previous = None
    if out is not None and out.exists():
        previous, problems = load_baseline(out)
        for d in problems:
            print(render_text(d, {}, DEFAULT_LANG), file=sys.stderr)
        if problems:
            return INPUT_ERROR
    loaded = load_or_report(args.paths)
    if loaded is None:
        return INPUT_ERROR
    fmt = args.format or ("json" if out is not None and out.suffix == ".json" else "yaml")
    text = dump_baseline(analyse(loaded.policy).findings, fmt, previous, args.min_severity)
    if out is not None and out.exists() and fmt == "yaml":
        text = _own_comments(out, text) + text      # a rewrite keeps the file's own header
    if out is None:
        sys.stdout.write(text)
        return OK
    _write_atomic(out, text)
    print(f"wrote {out}", file=sys.stderr)
    return OK


def _own_comments(path: Path, text: str) -> str:
    """The leading comment lines of the existing file that the generated text lacks."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return ""
    lead = []
    for line in lines:
        if not line.startswith("#"):
            break
        lead.append(line)
    return "".join(line for line in lead if line not in text)


def _write_atomic(path: Path, text: str) -> None:
    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
