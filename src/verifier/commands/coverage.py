"""``verifier coverage [PATH...]``: how every clause of the source text is encoded."""
from __future__ import annotations

import sys
from pathlib import Path

from ..exitcodes import FINDINGS, INPUT_ERROR, OK
from ..overview import coverage, read_source_clauses
from ..overview.render import as_json, coverage_markdown, coverage_text
from .common import load_or_report

DEFAULT_SOURCE = Path("policy/source/clauses.md")


def register(sub) -> None:
    p = sub.add_parser("coverage", help="for every clause ID: encoded, non-normative or partial, and by what")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--source", type=Path, help="clauses.md with the clause IDs (default policy/source/clauses.md)")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.set_defaults(run=run)


def run(args) -> int:
    loaded = load_or_report(args.paths)
    if loaded is None:
        return INPUT_ERROR
    source_path = args.source or (DEFAULT_SOURCE if DEFAULT_SOURCE.is_file() else None)
    try:
        source = read_source_clauses(source_path) if source_path else None
    except OSError as exc:
        print(f"{source_path}: error[V100] cannot read: {exc.strerror}", file=sys.stderr)
        return INPUT_ERROR
    cov = coverage(loaded.policy, source)
    render = {"text": coverage_text, "markdown": coverage_markdown,
              "json": lambda c: as_json(c.clauses)}[args.format]
    print(render(cov), end="")
    return FINDINGS if cov.problems else OK
