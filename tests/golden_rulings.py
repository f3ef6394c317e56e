"""Golden text rulings: cases written from plain stories (tests/golden/rulings/*.yaml), ruled on
the bundled policies with every reading open; `python tests/regen_golden.py` rewrites them."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

from verifier.cli import main

ROOT = Path(__file__).resolve().parent.parent
FOLDER = Path(__file__).parent / "golden" / "rulings"
RUNS = {"": [], ".ask": ["--ask", "容错决定", "--ask", "可以 予以容错"]}


def render(case: Path, extra: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["case", str(ROOT / "policy"), "--facts", str(case.relative_to(ROOT)), *extra])
    return out.getvalue() + f"[exit {code}]\n"


def goldens():
    for case in sorted(FOLDER.glob("*.yaml")):
        for suffix, extra in RUNS.items():
            yield case, extra, case.with_suffix(f"{suffix}.expected")


def regen() -> None:
    import os
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for case, extra, expected in goldens():
            expected.write_text(render(case, extra), encoding="utf-8")
    finally:
        os.chdir(cwd)
