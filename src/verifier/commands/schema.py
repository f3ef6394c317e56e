"""``verifier schema [POLICY...]``: the JSON Schema of case files, from the vocabulary."""
from __future__ import annotations

import argparse
import json
import sys

from ..cases import case_schema
from ..diagnostics.render import render_text
from ..exitcodes import INPUT_ERROR, OK
from ..load import load_policy

DEFAULT_PATHS = ["policy/"]


def register(sub) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of case files for the policies")
    p.add_argument("paths", nargs="*", metavar="POLICY", help="policy files or folders (default: policy/)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    loaded = load_policy(args.paths or DEFAULT_PATHS)
    if not loaded.ok:
        for d in sorted(loaded.diagnostics, key=lambda d: d.sort_key()):
            if d.is_error:
                print(render_text(d, loaded.sources, "both"), file=sys.stderr)
        return INPUT_ERROR
    print(json.dumps(case_schema(loaded.policy), ensure_ascii=False, indent=2, sort_keys=True))
    return OK
