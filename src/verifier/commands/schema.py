"""``verifier schema [POLICY...]``: the JSON Schema of case files, from the vocabulary."""
from __future__ import annotations

import argparse
import json

from ..cases import case_schema
from ..exitcodes import INPUT_ERROR, OK
from .common import load_or_report


def register(sub) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of case files for the policies")
    p.add_argument("paths", nargs="*", metavar="POLICY", help="policy files or folders (default: policy/)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    loaded = load_or_report(args.paths)
    if loaded is None:
        return INPUT_ERROR
    print(json.dumps(case_schema(loaded.policy), ensure_ascii=False, indent=2, sort_keys=True))
    return OK
