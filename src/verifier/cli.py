"""verifier: a formal policy-logic verifier for administrative policy texts."""
from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .exitcodes import INPUT_ERROR

# Subcommand modules under verifier.commands, in help order; missing ones are skipped.
COMMANDS = ("check", "fmt", "glossary", "coverage", "report", "case", "schema", "test",
            "diff", "baseline")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="verifier", description=__doc__)
    parser.add_argument("--version", action="version", version=f"verifier {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
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
    parser = build_parser()
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
