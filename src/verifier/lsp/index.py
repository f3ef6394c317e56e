"""Where every name, rule id, clause ID and label is declared and used, across the files
of one folder — built from the forgiving lexer, so it works on a document that does not
parse.

Keys are ``(namespace, text)``: ``name`` (facts, terms, actions, decisions,
interpretations, assumptions, groups, properties — one namespace, as in the checker),
``rule`` (rule and discretion ids), ``clause`` (clause IDs), ``doc`` (document ids) and
``label`` (``owner\\x1flabel``: an enumeration label or a decision alternative).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from ..model import nodes as m
from .tokens import ID, KEYWORD, PUNCT, Token, keyword_key

DECL_KEYWORDS = {"document": "doc", "clause": "clause", "fact": "name", "term": "name",
                 "action": "name", "decision": "name", "assume": "name", "group": "name",
                 "interp": "name", "property": "name", "rule": "rule", "discretion": "rule"}
_EQUALS = {"=", "!=", "≠", "等于", "不等于"}
LABEL_SEP = "\x1f"


@dataclass(frozen=True)
class Occurrence:
    """A token that declares or uses a key; ``container``: the enclosing declaration."""

    file: str
    start: int
    end: int
    key: tuple[str, str]
    role: str                                   # "decl" or "ref"
    container: tuple[str, str] | None = None


@dataclass
class Index:
    """Declarations (model objects) and occurrences of one folder's documents."""

    decls: dict[tuple[str, str], tuple[object, str]] = field(default_factory=dict)  # key -> (decl, doc id)
    occurrences: dict[str, list[Occurrence]] = field(default_factory=dict)          # file -> sorted
    by_key: dict[tuple[str, str], list[Occurrence]] = field(default_factory=dict)

    def at(self, file: str, offset: int) -> Occurrence | None:
        """The occurrence under normalised ``offset`` of ``file`` (touching its end counts)."""
        occ = self.occurrences.get(file, [])
        i = bisect_right([o.start for o in occ], offset) - 1
        if i >= 0 and occ[i].start <= offset <= occ[i].end:
            return occ[i]
        return None

    def declaration(self, key) -> Occurrence | None:
        """Where ``key`` is declared (the first declaration, as the checker keeps it)."""
        return next((o for o in self.by_key.get(key, ()) if o.role == "decl"), None)

    def references(self, key, include_declaration: bool = True) -> list[Occurrence]:
        return [o for o in self.by_key.get(key, ()) if include_declaration or o.role != "decl"]

    def users(self, key) -> list[tuple[str, str]]:
        """The declarations that use ``key``, in file order, without repeats."""
        seen: list[tuple[str, str]] = []
        for o in self.by_key.get(key, ()):
            if o.role == "ref" and o.container and o.container != key and o.container not in seen:
                seen.append(o.container)
        return seen

    def names(self, namespace: str) -> list[str]:
        return sorted(k[1] for k in self.decls if k[0] == namespace)


def _declare(documents) -> dict:
    """key -> (declaration, document id); the first declaration of a key wins."""
    out: dict = {}
    for doc in documents:
        out.setdefault(("doc", doc.id), (doc, doc.id))
        for d in doc.items:
            if isinstance(d, m.Clause):
                key = ("clause", d.id)
            elif isinstance(d, (m.Rule, m.Discretion)):
                key = ("rule", d.id)
            elif isinstance(d, m.Priority):
                continue
            else:
                key = ("name", d.name)
            out.setdefault(key, (d, doc.id))
    return out


def _labels_of(decl) -> tuple[str, ...]:
    if isinstance(decl, m.Fact) and isinstance(decl.type, m.EnumType):
        return decl.type.labels
    if isinstance(decl, m.Decision):
        return decl.alternatives
    return ()


class _Scanner:
    """Classifies the tokens of one file (a small state machine over the token stream)."""

    def __init__(self, file: str, decls: dict):
        self.file, self.decls = file, decls
        self.out: list[Occurrence] = []
        self.pending: str | None = None        # namespace of the name a keyword declares
        self.container = None
        self.mode: str | None = None           # "cites" / "uses" while in such a list
        self.brace_owner: str | None = None
        self.prev: list[Token] = []

    def add(self, t: Token, key, role: str = "ref") -> None:
        self.out.append(Occurrence(self.file, t.start, t.end, key, role, self.container))

    def keyword(self, t: Token) -> None:
        key = keyword_key(t)
        self.mode = key if key in ("cites", "uses") else None
        if key in DECL_KEYWORDS:
            self.pending, self.container, self.brace_owner = DECL_KEYWORDS[key], None, None
        elif key == "priority":
            self.pending, self.container = None, None

    def punct(self, t: Token) -> None:
        if t.text == "{":
            before = self.prev[-1] if self.prev else None
            if before is not None and (keyword_key(before) in ("enum", "in") or before.text == ":"):
                owner = self.container if keyword_key(before) != "in" else (
                    ("name", self.prev[-2].value) if len(self.prev) > 1 and self.prev[-2].is_name else None)
                self.brace_owner = owner[1] if owner and owner[0] == "name" else "?"
        elif t.text == "}":
            self.brace_owner = None
        if t.text != ",":
            self.mode = None

    def word(self, t: Token) -> None:
        if self.pending:
            ns = self.pending
            key = (ns, t.value)
            self.container, self.pending = key, None
            self.add(t, key, "decl")
            return
        if self.brace_owner is not None:
            self.add(t, ("label", self.brace_owner + LABEL_SEP + t.value))
            return
        if self.mode == "cites" and t.kind == ID:
            self.add(t, ("clause", t.value))
            return
        if self.mode == "uses":
            self.add(t, ("doc", t.value))
            return
        self.mode = None
        if len(self.prev) > 1 and self.prev[-1].text in _EQUALS and self.prev[-2].is_name:
            owner = self.decls.get(("name", self.prev[-2].value))
            if owner is not None and _labels_of(owner[0]):
                self.add(t, ("label", self.prev[-2].value + LABEL_SEP + t.value))
                return
        if t.kind == ID:
            for ns in ("rule", "name", "clause"):
                if (ns, t.value) in self.decls:
                    self.add(t, (ns, t.value))
                    return
            self.add(t, ("rule", t.value))
            return
        self.add(t, ("name", t.value))

    def feed(self, t: Token) -> None:
        if t.kind == "comment":
            return
        if t.kind == KEYWORD:
            self.keyword(t)
        elif t.kind == PUNCT:
            self.punct(t)
        elif t.is_name or t.kind == ID:
            self.word(t)
        else:
            self.mode = None
        self.prev = (self.prev + [t])[-2:]


def build_index(documents, tokens_by_file: dict[str, list[Token]]) -> Index:
    """The index of ``documents`` (parsed, possibly partially) and their files' tokens."""
    index = Index(decls=_declare(documents))
    for file, tokens in tokens_by_file.items():
        scanner = _Scanner(file, index.decls)
        for t in tokens:
            scanner.feed(t)
        index.occurrences[file] = scanner.out
        for o in scanner.out:
            index.by_key.setdefault(o.key, []).append(o)
    return index


def label_parts(key) -> tuple[str, str]:
    """(owner, label) of a label key."""
    owner, _, label = key[1].partition(LABEL_SEP)
    return owner, label
