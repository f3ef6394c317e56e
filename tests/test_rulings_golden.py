"""The text ruling of a few plain-story cases, byte for byte, and its length."""
import os

import pytest

from golden_rulings import ROOT, goldens, render

CASES = list(goldens())


@pytest.mark.parametrize("case, extra, expected", CASES, ids=[e.name for _, _, e in CASES])
def test_text_ruling_matches_golden(case, extra, expected, monkeypatch):
    monkeypatch.chdir(ROOT)
    got = render(case, extra)
    assert got == expected.read_text(encoding="utf-8"), f"regenerate with python tests/regen_golden.py ({expected})"
    lines = got.count("\n")
    assert lines <= 80, f"{expected.name}: {lines} lines"
    assert "Traceback" not in got


def test_goldens_exist():
    assert len(CASES) >= 6 and all(e.exists() for _, _, e in CASES)
