"""``verifier fmt [PATH...]``: rewrite policy files in canonical form (zh or en keywords).

A file is rewritten only when it parses cleanly, when the printed text parses back to an
equal model, and when every comment survives; the write is atomic.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from ..diagnostics import DEFAULT_LANG, diag
from ..diagnostics.render import render_text
from ..model.nodes import Span
from ..exitcodes import FINDINGS, INPUT_ERROR, OK
from ..load import policy_files
from ..printer import print_document
from ..syntax import parse_bytes, parse_text

_COMMENT = re.compile(r'"(?:\\.|[^"\\\n])*"|「[^」\n]*」|(#[^\n]*)')


def register(sub) -> None:
    p = sub.add_parser("fmt", help="rewrite policy files in canonical form")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: policy/)")
    p.add_argument("--keywords", choices=("zh", "en"), default="zh",
                   help="keyword language of the output (default zh)")
    p.add_argument("--check", action="store_true", help="only report files that would change (exit 1)")
    p.add_argument("--diff", action="store_true",
                   help="print a unified diff of what would change, write nothing (exit 1 if anything would)")
    p.add_argument("--stdout", action="store_true", help="print instead of rewriting")
    p.set_defaults(run=run)


def format_text(text: str, path: str, lang: str):
    """(formatted text or None, diagnostics) for one file's text."""
    doc, diagnostics, source = parse_text(text, path)
    if doc is None or any(d.is_error for d in diagnostics):
        return None, diagnostics, source
    out = print_document(doc, lang, _comments(source.text, doc))
    again, problems, _ = parse_text(out, path)
    if again != doc or problems or _count_comments(out) != _count_comments(source.text):
        raise AssertionError(f"formatter round trip failed for {path}")
    return out, diagnostics, source


def _count_comments(text: str) -> int:
    return sum(1 for mt in _COMMENT.finditer(text) if mt.group(1))


def _comments(text: str, doc) -> dict:
    """Comment lines keyed by the index of the item they precede ('header', or -1 at the end)."""
    starts = [item.span.line for item in doc.items]
    line_of = lambda pos: text.count("\n", 0, pos) + 1  # noqa: E731
    out: dict = {}
    for mt in _COMMENT.finditer(text):
        if not mt.group(1):
            continue
        line = line_of(mt.start(1))
        if line < doc.span.line or not starts or line < starts[0] and line <= doc.span.line:
            key = "header"
        else:
            key = next((i for i, s in enumerate(starts) if s >= line), -1)
        out.setdefault(key, []).append(mt.group(1).rstrip())
    return out


def run(args: argparse.Namespace) -> int:
    files, problems = policy_files(args.paths or ["policy/"], bundled=False)   # never the package's
    status = OK
    for d in problems:
        print(render_text(d, {}, DEFAULT_LANG), file=sys.stderr)
        status = INPUT_ERROR
    for f in files:
        status = max(status, _format_file(f, args))
    return status


def _format_file(path: Path, args) -> int:
    try:
        data = path.read_bytes()
    except OSError as exc:
        d = diag("V100", Span(str(path), 1, 1), path=path, reason=exc.strerror or exc,
                 hint="check the path and its permissions")
        print(render_text(d, {}, DEFAULT_LANG), file=sys.stderr)
        return INPUT_ERROR
    doc, diagnostics, source = parse_bytes(data, str(path))
    if doc is None or any(d.is_error for d in diagnostics):
        for d in diagnostics:
            print(render_text(d, {str(path): source} if source else {}, DEFAULT_LANG), file=sys.stderr)
        print(f"{path}: not formatted (fix the errors first)", file=sys.stderr)
        return INPUT_ERROR
    try:
        out, _, _ = format_text(source.original, str(path), args.keywords)
    except AssertionError as exc:
        print(f"{path}: internal error, file left unchanged: {exc}", file=sys.stderr)
        return INPUT_ERROR
    if args.stdout:
        sys.stdout.write(out)
        return OK
    if out == source.original:
        return OK
    if getattr(args, "diff", False):
        import difflib
        sys.stdout.writelines(difflib.unified_diff(
            source.original.splitlines(keepends=True), out.splitlines(keepends=True),
            f"{path} (now)", f"{path} (formatted)"))
        return FINDINGS
    if args.check:
        print(f"{path}: would be reformatted")
        return FINDINGS
    _atomic_write(path, out)
    print(f"{path}: formatted")
    return OK


def _atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file and a rename; through a symbolic link the target is
    rewritten (the link stays a link)."""
    path = Path(os.path.realpath(path))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.chmod(tmp, path.stat().st_mode & 0o777)
    os.replace(tmp, path)
