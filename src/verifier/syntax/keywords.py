"""The keyword table, read from the grammar itself (the single source of truth).

Each keyword is a pair of terminals ``_<NAME>_ZH`` / ``_<NAME>_EN``; the printer uses this
table to write either keyword set.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .grammar import grammar_text

_TERMINAL = re.compile(r'^_([A-Z]+)_(ZH|EN): "(.*)"$', re.M)


@lru_cache(maxsize=1)
def keywords() -> dict[str, dict[str, str]]:
    """``{'rule': {'zh': '规则', 'en': 'rule'}, ...}`` for every paired keyword."""
    table: dict[str, dict[str, str]] = {}
    for name, lang, literal in _TERMINAL.findall(grammar_text()):
        table.setdefault(name.lower(), {})[lang.lower()] = literal
    return {k: v for k, v in table.items() if len(v) == 2}


@lru_cache(maxsize=1)
def chinese_keywords() -> frozenset[str]:
    """Every Chinese keyword literal of the grammar (those a bare name may not contain)."""
    literals = re.findall(r'^[A-Z_0-9]+: "([^"\x00-\x7f]{2,})"$', grammar_text(), re.M)
    return frozenset(literals)


def kw(name: str, lang: str) -> str:
    """The keyword ``name`` in ``lang`` ('zh' or 'en')."""
    return keywords()[name][lang]
