"""Regenerate the golden outputs of tests/golden/ (never edit them by hand).

    python tests/regen_golden.py
"""
from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

from verifier.cli import main

GOLDEN = Path(__file__).parent / "golden"


def cases():
    """(name, path-argument, expected-file) for every bad input."""
    bad = GOLDEN / "bad"
    for entry in sorted(bad.iterdir()):
        if entry.suffix == ".policy" or entry.is_dir():
            yield entry.stem if entry.is_file() else entry.name, entry.name, bad / f"{entry.stem}.expected"


def render(arg: str) -> str:
    """What `verifier check ARG --lang both` prints (stdout, then exit code), run in bad/."""
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(GOLDEN / "bad")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(["check", arg, "--lang", "both"])
    finally:
        os.chdir(cwd)
    return out.getvalue() + f"[exit {code}]\n"


if __name__ == "__main__":
    for name, arg, expected in cases():
        expected.write_text(render(arg), encoding="utf-8")
        print("wrote", expected.relative_to(GOLDEN), file=sys.stderr)
    import golden_groups                    # the grouped text report (tests/test_analysis_groups.py)
    golden_groups.regen()
    import golden_rulings                   # text rulings (tests/test_rulings_golden.py)
    golden_rulings.regen()
