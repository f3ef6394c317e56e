"""Locating and loading the Lark grammar (shipped inside the package, or in the repo)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

GRAMMAR_NAME = "policy.lark"


def grammar_path() -> Path:
    """The grammar file: the installed package copy, else the repository's grammar/."""
    packaged = resources.files("verifier") / "grammar" / GRAMMAR_NAME
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "grammar" / GRAMMAR_NAME


@lru_cache(maxsize=1)
def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")
