"""``verifier glossary [PATH...]``: every fact and term, for people filling in a case."""
from __future__ import annotations

from ..exitcodes import INPUT_ERROR, OK
from ..overview import glossary
from ..overview.render import as_json, glossary_markdown, glossary_text
from .common import load_or_report


def register(sub) -> None:
    p = sub.add_parser("glossary", help="list every fact and term with labels, glosses and clauses")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.set_defaults(run=run)


def run(args) -> int:
    loaded = load_or_report(args.paths)
    if loaded is None:
        return INPUT_ERROR
    entries = glossary(loaded.policy)
    render = {"text": glossary_text, "markdown": glossary_markdown, "json": as_json}[args.format]
    print(render(entries), end="")
    return OK
