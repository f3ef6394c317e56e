"""What matters first: findings in tiers (act / review / rest) and overlaps in groups.

A drafter reads errors and warnings first, then what deserves a second look, then the
rest. Same-conclusion overlaps (A403) are grouped per conclusion, priority-resolved
overlaps (A402) per priority declaration; every other finding is a group of its own.
Grouping is presentation only: each finding keeps its own fingerprint, so baselines are
unaffected, and every member is listed in JSON.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional

from ..model.nodes import DECIDE, MAY, MUST, MUST_NOT, TERM
from .findings import Finding, natural_key

ACT, REVIEW, REST = "act", "review", "rest"
TIERS = (ACT, REVIEW, REST)
TIER_TITLES = {ACT: ("Act on: errors and warnings", "需要处理:错误与警告"),
               REVIEW: ("Review: what a drafter should look at", "需要复核"),
               REST: ("The rest: notes", "其余:提示")}
# info codes a drafter should look at (errors and warnings are always acted on)
REVIEW_CODES = ("A408", "A413", "A414", "A415")
# notes shown as one entry per code (each member on its own line when expanded)
BY_CODE = ("A405", "A410", "A414", "A415")


@dataclass(frozen=True)
class Group:
    """Findings shown as one entry. ``key``: stable id (code + what groups them);
    ``members``: the findings, in their stable order; ``about``: the conclusion (A403)
    or the priority declaration "H > L" (A402) they share, else None."""

    key: str
    code: str
    tier: str
    members: tuple[Finding, ...]
    about: Optional[str] = None

    @property
    def id(self) -> str:
        return hashlib.sha256(self.key.encode("utf-8")).hexdigest()[:12]

    @property
    def first(self) -> Finding:
        return self.members[0]

    @property
    def severity(self) -> str:
        return self.first.severity

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Every rule of the members, in natural order, once each."""
        return tuple(sorted({r for f in self.members for r in f.rule_ids}, key=natural_key))


def tier_of(f: Finding) -> str:
    if f.severity in ("error", "warning"):
        return ACT
    return REVIEW if f.code in REVIEW_CODES else REST


def conclusion_text(policy, rule_id: str) -> str:
    """A rule's conclusion as the English keywords write it (``may 予以容错``)."""
    c = policy.rules[rule_id].conclusion
    if c.kind == TERM:
        return c.target
    if c.kind == DECIDE:
        return f"{c.target} = {c.value}"
    return f"{ {MUST: 'must', MAY: 'may', MUST_NOT: 'must not'}[c.kind]} {c.target}"


def priority_of(policy, winner: str, loser: str) -> str:
    """The first priority declaration that puts ``winner`` above ``loser`` (``H > L``),
    else ``(transitive)`` when only the closure of several declarations does."""
    for p in policy.priorities:
        if winner in policy.members(p.higher) and loser in policy.members(p.lower):
            return f"{p.higher} > {p.lower}"
    return "(transitive)"


def _group_key(f: Finding, policy) -> tuple[str, Optional[str]]:
    if policy is not None and f.code == "A403" and f.rules and f.rules[0].id in policy.rules:
        about = conclusion_text(policy, f.rules[0].id)
        return f"A403\x1f{about}", about
    if policy is not None and f.code == "A402" and len(f.rules) == 2:
        winner = dict(f.args).get("winner", "")
        loser = next((r.id for r in f.rules if r.id != winner), "")
        if winner in policy.rules and loser in policy.rules:
            about = priority_of(policy, winner, loser)
            return f"A402\x1f{about}", about
    if f.code in BY_CODE:
        return f.code, None
    return f"{f.code}\x1f{f.fingerprint}", None


def group_findings(findings, policy=None) -> tuple[Group, ...]:
    """The findings as groups, in reading order: tier, severity, code, then the stable
    key of the group's first member."""
    buckets: dict[str, list[Finding]] = {}
    about: dict[str, Optional[str]] = {}
    for f in sorted(findings, key=lambda f: f.sort_key()):
        key, what = _group_key(f, policy)
        buckets.setdefault(key, []).append(f)
        about[key] = what
    groups = [Group(k, fs[0].code, tier_of(fs[0]), tuple(fs), about[k]) for k, fs in buckets.items()]
    rank = {"error": 0, "warning": 1, "info": 2}
    return tuple(sorted(groups, key=lambda g: (TIERS.index(g.tier), rank[g.severity], g.code,
                                               g.first.sort_key())))


@dataclass(frozen=True)
class PropertyTally:
    """Properties counted honestly across readings."""

    total: int
    proven_all: tuple[str, ...]       # proven in every reading analysed
    refuted_some: tuple[str, ...]     # refuted in some readings, proven in others
    refuted_all: tuple[str, ...]      # refuted in every reading analysed
    undecided: tuple[str, ...]        # no verdict (solver unknown) in some reading
    vacuous: tuple[str, ...]          # proven somewhere, but vacuously (A413)

    def text(self) -> str:
        vac = f" ({len(self.vacuous)} of them vacuously)" if self.vacuous else ""
        parts = [f"{len(self.proven_all)} proven in every reading{vac}",
                 f"{len(self.refuted_some)} refuted in some readings",
                 f"{len(self.refuted_all)} refuted in every reading"]
        if self.undecided:
            parts.append(f"{len(self.undecided)} undecided")
        return f"properties ({self.total}): " + ", ".join(parts)

    def text_zh(self) -> str:
        vac = f"(其中 {len(self.vacuous)} 项为空洞成立)" if self.vacuous else ""
        parts = [f"{len(self.proven_all)} 项在所有解读下成立{vac}",
                 f"{len(self.refuted_some)} 项在部分解读下不成立",
                 f"{len(self.refuted_all)} 项在所有解读下都不成立"]
        if self.undecided:
            parts.append(f"{len(self.undecided)} 项未能判定")
        return f"命题({self.total} 项):" + ",".join(parts)


def tally_properties(findings, names) -> PropertyTally:
    """Count properties ``names`` by their A409 / A410 findings: refuted in every reading
    when there is an A409 and no A410, in some when both exist, proven in every reading
    when only an A410 exists (and no A411 leaves a reading undecided)."""
    refuted = {f.subject for f in findings if f.code == "A409"}
    proven = {f.subject for f in findings if f.code == "A410"}
    vacuous = {f.subject for f in findings if f.code == "A413"}
    unknown = {n for n in names for f in findings
               if f.code == "A411" and f.subject == f"property {n}"}
    names = sorted(names, key=natural_key)
    return PropertyTally(
        len(names),
        tuple(n for n in names if n in proven and n not in refuted and n not in unknown),
        tuple(n for n in names if n in proven and n in refuted),
        tuple(n for n in names if n in refuted and n not in proven and n not in unknown),
        tuple(n for n in names if n in unknown or (n not in proven and n not in refuted)),
        tuple(n for n in names if n in vacuous))
