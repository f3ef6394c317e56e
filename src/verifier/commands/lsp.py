"""``verifier lsp``: run the language server for .policy files over stdio (docs/editor.md)."""
from __future__ import annotations

import argparse
import sys

from ..exitcodes import INPUT_ERROR, OK


def register(sub) -> None:
    p = sub.add_parser("lsp", help="run the language server for editors (stdio)")
    p.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    p.add_argument("--lang", choices=("zh", "en", "both"),
                   help="language of messages (default zh; editors may set it too)")
    p.add_argument("--keywords", choices=("auto", "zh", "en"),
                   help="keyword set for formatting (default auto: the document's own)")
    p.add_argument("--no-analysis", action="store_true",
                   help="checker diagnostics only; no solver findings on save")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from ..lsp.server import create_server
    except ImportError as exc:
        print(f"verifier lsp needs pygls: pip install 'verifier[lsp]' ({exc})", file=sys.stderr)
        return INPUT_ERROR
    server = create_server()
    server.configure({"lang": args.lang, "keywords": args.keywords,
                      **({"analysis": False} if args.no_analysis else {})})
    server.start_io()
    return OK
