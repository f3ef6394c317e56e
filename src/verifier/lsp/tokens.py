"""A forgiving lexer for the editor: every name, id, keyword and string of a text, with
offsets, even where the text does not parse.

The patterns of names and ids are the grammar's own terminals (read from the Lark parser),
so a token here is a token there; a character no terminal matches becomes a one-character
``other`` token instead of an error. Offsets are into the NFKC-normalised text
(``Source.text``), like every span the parser reports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..syntax.keywords import chinese_keywords, keywords
from ..syntax.parser import parser

NAME, QNAME, ID, KEYWORD, STRING, INT, COMMENT, PUNCT, OTHER = (
    "name", "qname", "id", "keyword", "string", "int", "comment", "punct", "other")


@dataclass(frozen=True)
class Token:
    """One token: its kind, its text as written (normalised), [start, end) offsets."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def value(self) -> str:
        """The name a name token stands for (a quoted name without its 「」)."""
        return self.text[1:-1] if self.kind == QNAME else self.text

    @property
    def is_name(self) -> bool:
        return self.kind in (NAME, QNAME)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Every word of every English keyword (``must not`` gives ``must`` and ``not``)."""
    words = {w for pair in keywords().values() for w in pair["en"].split()}
    return frozenset(words | {"at", "least", "of", "more", "less", "not", "must"})


@lru_cache(maxsize=1)
def keyword_owner() -> dict[str, str]:
    """keyword literal (zh or en) -> the keyword's table name (``如果`` -> ``if``)."""
    out = {}
    for key, pair in keywords().items():
        out[pair["zh"]] = key
        out[pair["en"]] = key
    out.update({"不得": "must_not", "至少": "at_least", "项": "of", "least": "at_least",
                "at": "at_least"})
    return out


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    terminals = {t.name: t.pattern.to_regexp() for t in parser().terminals}
    zh = "|".join(sorted(map(re.escape, chinese_keywords()), key=len, reverse=True))
    parts = [
        ("comment", terminals["COMMENT"]),
        ("string", r'"(?:\\.|[^"\\\n])*"?'),       # an unclosed string runs to the line end
        ("qname", r"「[^」\n]*」?"),                   # likewise an unclosed quoted name
        ("id", terminals["ID"]),
        ("zh", zh),
        ("name", terminals["NAME"]),
        ("int", terminals["INT"]),
        ("space", r"[ \t\r\n\f\u3000]+"),
        ("punct", r"<=|>=|!=|\.\.|[<>=≤≥≠(){}\[\],:*+\-]"),
    ]
    return re.compile("|".join(f"(?P<{k}>{v})" for k, v in parts))


def tokenize(text: str) -> list[Token]:
    """Every token of ``text`` except white space, in order."""
    out: list[Token] = []
    pattern, words = _pattern(), english_words()
    i, n = 0, len(text)
    while i < n:
        mt = pattern.match(text, i)
        if mt is None or mt.end() == i:
            out.append(Token(OTHER, text[i], i, i + 1))
            i += 1
            continue
        kind, word = mt.lastgroup, mt.group()
        if kind == "zh":
            kind = KEYWORD
        elif kind in ("name", "id") and (word in words or word == "项" or word == "non-normative"):
            kind = KEYWORD
        elif kind == "qname":
            kind = QNAME if word.endswith("」") and len(word) > 2 else OTHER
        elif kind == "string" and (len(word) < 2 or not word.endswith('"')):
            kind = OTHER
        if kind != "space":
            out.append(Token(kind, word, i, mt.end()))
        i = mt.end()
    return out


def keyword_key(token: Token) -> str | None:
    """The keyword table name of a keyword token (``并且`` -> ``and``), else None."""
    return keyword_owner().get(token.text) if token.kind == KEYWORD else None
