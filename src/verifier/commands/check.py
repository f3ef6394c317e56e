"""``verifier check [PATH...]``: parse, check and (when available) analyse policies."""
from __future__ import annotations

import argparse
import sys

from ..diagnostics import SEVERITY_RANK
from ..diagnostics.render import render_json, render_text
from ..exitcodes import FINDINGS, INPUT_ERROR, OK
from ..load import load_policy

DEFAULT_PATHS = ["policy/"]


def register(sub) -> None:
    p = sub.add_parser("check", help="parse, check and analyse policy files")
    p.add_argument("paths", nargs="*", metavar="PATH", help="policy files or folders (default: policy/)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=("both", "zh", "en"), default="both")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default="error")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    loaded = load_policy(args.paths or DEFAULT_PATHS)
    diagnostics = sorted(loaded.diagnostics, key=lambda d: d.sort_key())
    if args.format == "json":
        print(render_json(diagnostics, {"documents": _summaries(loaded)}))
    else:
        colour = sys.stdout.isatty()
        for d in diagnostics:
            print(render_text(d, loaded.sources, args.lang, colour))
        for line in _summary_lines(loaded):
            print(line)
    if not loaded.ok:
        return INPUT_ERROR
    threshold = SEVERITY_RANK[args.fail_on]
    return FINDINGS if any(SEVERITY_RANK[d.severity] >= threshold for d in diagnostics) else OK


def _summaries(loaded) -> list[dict]:
    out = []
    for doc in loaded.documents:
        counts: dict[str, int] = {}
        for d in doc.items:
            key = type(d).__name__.lower()
            counts[key] = counts.get(key, 0) + 1
        out.append({"id": doc.id, "file": doc.span.file, "title": doc.title, "counts": counts})
    return sorted(out, key=lambda s: s["id"])


def _summary_lines(loaded) -> list[str]:
    lines = []
    for s in _summaries(loaded):
        c = s["counts"]
        parts = ", ".join(f"{c.get(k, 0)} {k}s" for k in ("clause", "fact", "term", "rule", "decision"))
        lines.append(f"{s['id']} ({s['file']}): {parts}")
    errors = sum(d.is_error for d in loaded.diagnostics)
    warnings = sum(d.severity == "warning" for d in loaded.diagnostics)
    lines.append(f"{'ok' if loaded.ok else 'failed'}: {errors} errors, {warnings} warnings")
    return lines
