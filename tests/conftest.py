"""Test-wide settings: `verifier check`'s result cache (verifier.cache) is off, so a test
that patches the engine never gets an earlier run's output; tests/test_check_cache.py
turns it on in a temporary folder."""
import pytest


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch):
    monkeypatch.setenv("VERIFIER_NO_CACHE", "1")
