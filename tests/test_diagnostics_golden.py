"""Golden tests: the exact rendered diagnostics for typical mistakes (regen_golden.py)."""
from __future__ import annotations

import pytest

from regen_golden import cases, render

CASES = list(cases())


def test_there_are_at_least_twenty_mistakes():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name,arg,expected", CASES, ids=[c[0] for c in CASES])
def test_diagnostics_match_golden(name, arg, expected):
    got = render(arg)
    assert "Traceback" not in got
    assert got.rstrip().endswith(("[exit 2]", "[exit 0]" if "warning" in got else "[exit 2]"))
    assert got == expected.read_text(encoding="utf-8"), f"run python tests/regen_golden.py and review {expected.name}"
