"""`verifier check`'s result cache: a second identical run prints the same bytes and exit
code without analysing; any change of input, option or source misses."""
import contextlib
import io

import pytest

import golden_groups
from verifier.cli import main


def _check(*args) -> tuple[str, int]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", *args])
    return out.getvalue(), code


@pytest.fixture
def cached(tmp_path, monkeypatch):
    monkeypatch.delenv("VERIFIER_NO_CACHE", raising=False)
    monkeypatch.setenv("VERIFIER_CACHE_DIR", str(tmp_path / "cache"))
    policy = tmp_path / "g.policy"
    policy.write_text(golden_groups.POLICY, encoding="utf-8")
    return tmp_path, policy


def test_hit_is_byte_identical_and_skips_the_analysis(cached, monkeypatch):
    tmp, policy = cached
    first = _check(str(policy))
    assert len(list((tmp / "cache").glob("*.json"))) == 1
    import verifier.analysis as analysis

    def boom(*a, **k):
        raise AssertionError("analysed again")
    monkeypatch.setattr(analysis, "analyse", boom)
    assert _check(str(policy)) == first
    monkeypatch.setenv("VERIFIER_NO_CACHE", "1")
    with pytest.raises(AssertionError, match="analysed again"):
        _check(str(policy))


def test_changes_miss(cached):
    tmp, policy = cached
    a = _check(str(policy))
    b = _check(str(policy), "--format", "json")
    assert a != b
    policy.write_text(golden_groups.POLICY.replace("命题 P-2", "命题 P-3"), encoding="utf-8")
    c = _check(str(policy))
    assert "P-3" in c[0] and c != a
    assert len(list((tmp / "cache").glob("*.json"))) == 3
    assert _check(str(policy), "--no-cache") == c
