"""Shared test helpers: parse and check policy text in one call."""
from __future__ import annotations

from pathlib import Path

from verifier.checker import check
from verifier.syntax import parse_text

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


def parse_ok(text: str, path: str = "t.policy"):
    """Parse text that must be free of syntax errors; returns the Document."""
    doc, diagnostics, _ = parse_text(text, path)
    assert doc is not None and not diagnostics, [d.message() for d in diagnostics]
    return doc


def check_ok(*texts: str):
    """Parse and check texts that must be clean (warnings allowed); returns the PolicySet."""
    docs = [parse_ok(t, f"t{i}.policy") for i, t in enumerate(texts)]
    policy, diagnostics = check(docs)
    errors = [f"{d.code} {d.message()}" for d in diagnostics if d.is_error]
    assert not errors, errors
    return policy


def codes(text: str, *others: str) -> list[str]:
    """Diagnostic codes for a text (parse errors, else check diagnostics)."""
    doc, diagnostics, _ = parse_text(text, "t.policy")
    if doc is None or any(d.is_error for d in diagnostics):
        return [d.code for d in diagnostics]
    policy, found = check([doc] + [parse_ok(o, f"o{i}.policy") for i, o in enumerate(others)])
    return [d.code for d in found]
