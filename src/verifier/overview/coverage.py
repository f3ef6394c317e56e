"""Clause coverage: for every clause ID of the source, how the documents encode it."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..model import PolicySet
from ..model import nodes as m

_SOURCE_LINE = re.compile(r"^\s*-\s+\*\*([A-Z]+-[A-Za-z0-9-]+)\*\*\s*(.*)$", re.M)


@dataclass(frozen=True)
class ClauseCoverage:
    id: str
    status: str                     # encoded / non_normative / partial / unencoded / missing
    encoded_by: tuple[str, ...]     # "rule R-C1", "fact 谋取私利", …
    text_matches: bool | None       # clause text equals the source (None: no source)
    reason: str | None = None


@dataclass(frozen=True)
class Coverage:
    clauses: tuple[ClauseCoverage, ...]

    @property
    def problems(self) -> tuple[ClauseCoverage, ...]:
        return tuple(c for c in self.clauses
                     if c.status in ("missing", "unencoded") or c.text_matches is False)


def read_source_clauses(path: Path) -> dict[str, str]:
    """Clause ID -> text from a clauses.md (`- **ID** text` lines), in reading order."""
    text = path.read_text(encoding="utf-8")
    return {cid: body.strip() for cid, body in _SOURCE_LINE.findall(text)}


def _norm(text: str) -> str:
    """Compare texts modulo NFKC, white space and an editorial "(general condition)" tag."""
    text = re.sub(r"^\([A-Za-z ]+\)\s*", "", text.strip())
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _encoders(policy: PolicySet) -> dict[str, list[str]]:
    kinds = {m.Rule: "rule", m.Fact: "fact", m.Term: "term", m.Action: "action",
             m.Decision: "decision", m.Assumption: "assumption", m.Discretion: "discretion",
             m.Property: "property", m.Interpretation: "interpretation", m.Priority: "priority",
             m.Group: "group"}
    out: dict[str, list[str]] = {}
    for doc in policy.documents:
        for d in doc.items:
            if type(d) not in kinds:
                continue
            label = getattr(d, "id", None) or getattr(d, "name", None) or f"{d.higher}>{d.lower}"
            for cid in d.meta.cites:
                out.setdefault(cid, []).append(f"{kinds[type(d)]} {label}")
    return out


def coverage(policy: PolicySet, source: dict[str, str] | None = None) -> Coverage:
    """Coverage of every clause of ``source`` (or of the declared clauses if None)."""
    declared = policy.clauses
    encoders = _encoders(policy)
    ids = list(source) if source is not None else list(declared)
    ids += [cid for cid in declared if source is not None and cid not in source]
    rows = []
    for cid in ids:
        clause = declared.get(cid)
        by = tuple(sorted(set(encoders.get(cid, []))))
        if clause is None:
            rows.append(ClauseCoverage(cid, "missing", by, None))
            continue
        status = clause.status if clause.status != m.NORMATIVE else ("encoded" if by else "unencoded")
        matches = None if source is None or cid not in source else _norm(source[cid]) == _norm(clause.text)
        rows.append(ClauseCoverage(cid, status, by, matches, clause.reason))
    return Coverage(tuple(rows))
