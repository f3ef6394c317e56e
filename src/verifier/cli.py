"""verifier: a formal policy-logic verifier for administrative policy texts."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from . import __version__
from .exitcodes import INPUT_ERROR

# Subcommand modules under verifier.commands, in help order; missing ones are skipped.
COMMANDS = ("check", "fmt", "glossary", "coverage", "report", "case", "schema", "test",
            "diff", "baseline", "ask", "lsp", "serve")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that subcommand is registered (each
    subcommand imports its own stages, so loading all of them would cost a
    one-command run ~0.15 s of start-up)."""
    parser = argparse.ArgumentParser(prog="verifier", description=__doc__)
    parser.add_argument("--version", action="version", version=f"verifier {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        try:
            module = importlib.import_module(f"verifier.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"verifier.commands.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return INPUT_ERROR
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def entry() -> None:
    """The console script and ``python -m verifier``: run ``main`` and exit without the
    interpreter's teardown (freeing every Z3 object one by one took ~0.1 s), once the
    output is flushed. Library callers and tests use ``main``, which returns."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)
