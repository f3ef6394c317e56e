"""The symbol table of a policy set: every declared name with its kind and document."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..model import nodes as m
from ..syntax.keywords import chinese_keywords

KIND_WORDS = {m.Fact: "fact", m.Term: "term", m.Action: "action", m.Decision: "decision",
              m.Interpretation: "interpretation", m.Assumption: "assumption",
              m.Group: "group", m.Property: "property"}


@dataclass(frozen=True)
class Symbol:
    decl: object
    doc: str

    @property
    def kind(self) -> str:
        return KIND_WORDS[type(self.decl)]


def did_you_mean(name: str, candidates) -> str | None:
    """A hint naming the closest declared names, or the quoted form of a name that
    contains a keyword (the lexer splits such names)."""
    candidates = sorted(set(candidates))
    split = [c for c in candidates if name in c and c != name
             and any(k in c for k in chinese_keywords())]
    if split:
        return (f"did you mean 「{split[0]}」? A name containing a keyword must be quoted"
                f" / 是否指「{split[0]}」?含关键字的名称须加「」")
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " / ".join(f"「{c}」" for c in close) + "? / 是否指 " + "、".join(close)
    return None
