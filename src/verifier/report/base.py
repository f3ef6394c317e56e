"""What every renderer reads: one normalised view of findings, diagnostics and policy.

``ReportInput`` is built by :func:`prepare` from an ``Analysis`` (or a plain sequence of
``Finding``) and a ``Loaded`` (or a ``PolicySet``, or None). It fixes the order of
everything (findings by their stable key, diagnostics by location), makes every path
relative to the current directory, and offers the small helpers the formats share:
clause excerpts, witness lines, reading descriptions, rule locations.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import PurePath
from typing import Optional

from ..analysis.findings import Finding, natural_key
from ..diagnostics.codes import ERROR, INFO, WARNING
from ..diagnostics.diagnostic import Diagnostic
from ..model import nodes as m
from ..model.nodes import NO_SPAN, Span

SEVERITIES = (ERROR, WARNING, INFO)
NO_CLAUSE = ""          # the group of findings that cite no clause


def rel_path(path: str, base: Optional[str] = None) -> str:
    """``path`` relative to ``base`` (default: the current directory), with ``/``.

    Paths that are not files (``<none>``, ``<stdin>``) are returned unchanged; a path on
    another drive stays as given."""
    if not path or path.startswith("<"):
        return path
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(base or os.curdir))
    except ValueError:
        rel = path
    return PurePath(rel).as_posix()


def rel_span(span: Span) -> Span:
    return span if span == NO_SPAN or span.file.startswith("<") else replace(span, file=rel_path(span.file))


def has_location(span: Span) -> bool:
    return span != NO_SPAN and span.line > 0 and not span.file.startswith("<")


def excerpt(text: str, limit: int = 40) -> str:
    """The first ``limit`` characters of a clause text, on one line, with … when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def value_text(value: object) -> str:
    """A witness value as the policy language writes it: true / false, a label, a number."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def diagnostic_fingerprint(d: Diagnostic) -> str:
    """A stable hash of a diagnostic: code, relative file and arguments (not the line)."""
    text = "\x1f".join([d.code, rel_path(d.span.file), *(f"{k}={v}" for k, v in d.args)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def reading_text(reading) -> str:
    """``a = true, b = false`` for one reading; ``(no interpretations)`` for the empty one."""
    return ", ".join(f"{n} = {value_text(v)}" for n, v in reading) or "(no interpretations)"


@dataclass(frozen=True)
class ReportInput:
    """Everything a renderer needs, in a fixed order, with relative paths."""

    findings: tuple[Finding, ...]
    diagnostics: tuple[Diagnostic, ...]
    policy: Optional[object] = None                 # verifier.model.PolicySet
    documents: tuple[m.Document, ...] = ()
    readings: Optional[tuple] = None                # every reading analysed (None: unknown)
    sources: dict = field(default_factory=dict, compare=False)

    # ------------------------------------------------------------ counts
    def counts(self) -> dict[str, int]:
        """Findings and diagnostics per severity."""
        out = {s: 0 for s in SEVERITIES}
        for x in (*self.findings, *self.diagnostics):
            out[x.severity] += 1
        return out

    # ------------------------------------------------------------ clauses
    def clause_text(self, cid: str) -> Optional[str]:
        clause = self.policy.clauses.get(cid) if self.policy is not None else None
        return clause.text if clause is not None else None

    def clause_order(self) -> dict[str, int]:
        return {cid: i for i, cid in enumerate(self.policy.clauses)} if self.policy else {}

    def declaration(self, name: Optional[str]):
        """The declaration a finding's subject names (decision, action, property, …)."""
        p = self.policy
        if p is None or name is None:
            return None
        for table in (p.decisions, p.actions, p.properties, p.terms, p.facts):
            if name in table:
                return table[name]
        return None

    def clauses_of(self, f: Finding, related: bool = True) -> tuple[str, ...]:
        """Clause IDs a finding involves: its rules', then its subject's, then (when
        ``related``) the related rules'."""
        out: list[str] = []
        for r in f.rules:
            out += [c for c in r.clauses if c not in out]
        decl = self.declaration(f.subject)
        if decl is not None:
            out += [c for c in decl.meta.cites if c not in out]
        if self.policy is not None:
            for a in self.policy.assumptions:
                if a.name in f.core:
                    out += [c for c in a.meta.cites if c not in out]
        for r in f.related if related else ():
            out += [c for c in r.clauses if c not in out]
        return tuple(out)

    def specific_clause(self, ref) -> str:
        """The clause of a rule that fewest rules cite (RC-C1 rather than the general RC-C0)."""
        if not ref.clauses:
            return ref.id
        if self.policy is None:
            return ref.clauses[0]
        uses = {c: sum(c in r.meta.cites for r in self.policy.rules.values()) for c in ref.clauses}
        return min(ref.clauses, key=lambda c: (uses[c], ref.clauses.index(c)))

    def primary_clause(self, f: Finding) -> str:
        """The clause a finding is filed under: its first rule's most specific clause,
        else the first clause it involves."""
        if f.rules and f.rules[0].clauses:
            return self.specific_clause(f.rules[0])
        clauses = self.clauses_of(f)
        return clauses[0] if clauses else NO_CLAUSE

    def by_clause(self) -> list[tuple[str, list[Finding]]]:
        """Findings grouped by primary clause, clauses in declaration order, "" last."""
        groups: dict[str, list[Finding]] = {}
        for f in self.findings:
            groups.setdefault(self.primary_clause(f), []).append(f)
        order = self.clause_order()
        return sorted(groups.items(), key=lambda kv: (kv[0] == NO_CLAUSE, order.get(kv[0], len(order)),
                                                      natural_key(kv[0])))

    # ------------------------------------------------------------ locations
    def location(self, f: Finding) -> Span:
        """The primary location of a finding: its span, else its first rule's."""
        if has_location(f.span):
            return f.span
        candidates = [r.span for r in f.rules]
        decl = self.declaration(f.subject)
        if decl is not None:
            candidates.append(rel_span(decl.span))
        if self.policy is not None:
            candidates += [rel_span(a.span) for a in self.policy.assumptions if a.name in f.core]
        candidates += [rel_span(d.span) for d in self.documents]
        return next((s for s in candidates if has_location(s)), NO_SPAN)

    # ------------------------------------------------------------ witnesses
    def default_of(self, fact: str):
        """The neutral value of a fact as a reader sees it: false, the first label, and
        for an integer 0 when its range holds 0 (else the bound nearest to 0); None for
        an unknown fact."""
        decl = self.policy.facts.get(fact) if self.policy is not None else None
        if decl is None:
            return None
        t = decl.type
        if isinstance(t, m.BoolType):
            return False
        if isinstance(t, m.EnumType):
            return t.labels[0]
        return min(max(0, t.lo), t.hi)

    def witness_relevant(self, f: Finding) -> list[tuple[str, object]]:
        """The witness's facts in the finding's cone (every fact when no cone is known)."""
        if f.witness is None:
            return []
        if not f.cone:
            return list(f.witness)
        cone = set(f.cone)
        return [(n, v) for n, v in f.witness if n in cone]

    def not_relevant(self, f: Finding) -> int:
        """How many facts of the witness lie outside the finding's cone."""
        return 0 if f.witness is None else len(f.witness) - len(self.witness_relevant(f))

    def witness_split(self, f: Finding) -> tuple[list[tuple[str, object]], int]:
        """(relevant facts away from their neutral value, relevant facts at it)."""
        relevant = self.witness_relevant(f)
        if self.policy is None:
            return relevant, 0
        shown = [(n, v) for n, v in relevant if self.default_of(n) is None or v != self.default_of(n)]
        return shown, len(relevant) - len(shown)

    def label(self, name: str) -> str:
        decl = self.declaration(name)
        if decl is None and self.policy is not None:
            decl = self.policy.interpretations.get(name)
        return (decl.meta.label or "") if decl is not None else ""

    def gloss(self, name: str) -> str:
        decl = self.declaration(name)
        if decl is None and self.policy is not None:
            decl = self.policy.interpretations.get(name)
        return (decl.meta.gloss or "") if decl is not None else ""

    def conclusion(self, rule_id: str, lang: str = "en") -> str:
        """A rule's conclusion as the language writes it (``may 予以容错``, ``应当 …``)."""
        rule = self.policy.rules.get(rule_id) if self.policy is not None else None
        if rule is None:
            return ""
        c = rule.conclusion
        if c.kind == m.TERM:
            return c.target
        if c.kind == m.DECIDE:
            return f"{c.target} = {c.value}"
        words = {"en": {m.MUST: "must", m.MAY: "may", m.MUST_NOT: "must not"},
                 "zh": {m.MUST: "应当", m.MAY: "可以", m.MUST_NOT: "不得"}}[lang]
        return f"{words[c.kind]} {c.target}"

    # ------------------------------------------------------------ readings
    # Finding.readings holds *partial* readings: each stands for every full reading that
    # extends it; ``((),)`` means every reading. ``self.readings`` is the chosen reading(s).
    @cached_property
    def _fixed(self) -> dict[str, bool]:
        """The interpretations the analysis held fixed (--reading)."""
        return {n: v for reading in (self.readings or ()) for n, v in reading}

    @staticmethod
    def _partials(f: Finding) -> tuple:
        return tuple(tuple(r) for r in f.readings)

    def decisive_readings(self, f: Finding) -> tuple[tuple[str, bool], ...]:
        """The interpretation values common to every partial reading under which ``f``
        holds, beyond those fixed for the whole analysis."""
        partials = self._partials(f)
        if not partials:
            return tuple(f.witness_reading)
        common = set(partials[0]).intersection(*map(set, partials[1:]))
        return tuple(sorted((n, v) for n, v in common if n not in self._fixed))

    def other_readings(self, f: Finding) -> int:
        """How many interpretations of the witness may take either value."""
        decisive = {n for n, _ in self.decisive_readings(f)}
        return sum(1 for n, _ in f.witness_reading if n not in decisive and n not in self._fixed)

    def holds_always(self, f: Finding) -> bool:
        """True when ``f`` holds under every reading analysed."""
        partials = self._partials(f)
        return not partials or any(not set(r) - set(self._fixed.items()) for r in partials)

    def readings_summary(self, f: Finding) -> dict:
        """The readings under which ``f`` holds (see docs/output-format.md)."""
        partials = self._partials(f)
        return {"always": self.holds_always(f), "count": len(partials),
                "when": {n: v for n, v in self.decisive_readings(f)},
                "list": [{n: v for n, v in r} for r in partials]}

    def readings_overview(self) -> dict | None:
        """The interpretations, and those held fixed."""
        names = sorted(self.policy.interpretations) if self.policy is not None else sorted(self._fixed)
        return {"interpretations": names, "count": 2 ** len(set(names) - set(self._fixed)),
                "fixed": dict(sorted(self._fixed.items()))}

    def readings_text(self, f: Finding, lang: str = "en") -> str:
        """"all readings", or the partial readings under which ``f`` holds (in Chinese
        for ``lang`` = ``zh``, else in English)."""
        zh = lang == "zh"
        if not f.readings or f.readings == ((),) and self.policy is not None and not self.policy.interpretations:
            return "所有读法(没有解释)" if zh else "all readings (no interpretations)"
        if self.holds_always(f):
            fixed = reading_text(sorted(self._fixed.items())) if self._fixed else ""
            if zh:
                return "所有读法" + (f"(固定 {fixed})" if fixed else "")
            return "all readings" + (f" (with {fixed})" if fixed else "")
        shown = [reading_text(r) for r in _fewest_cubes(
            [tuple(sorted(set(r) - set(self._fixed.items()))) for r in self._partials(f)])]
        if zh:
            return "仅当 " + ";或 ".join(shown[:4]) + (";…" if len(shown) > 4 else "")
        return "only when " + " ; or ".join(shown[:4]) + (" ; …" if len(shown) > 4 else "")


def _fewest_cubes(partials: list[tuple]) -> list[tuple]:
    """The same readings as ``partials`` (each a partial reading under which a finding
    holds) written as few partial readings as possible: "A = false, B = false; or A =
    false, B = true; or A = true, B = false" becomes "A = false; or B = false"
    (``rulings.readings.cover`` over the interpretations they name; up to 10 of them)."""
    from itertools import product

    from ..rulings.readings import cover

    names = sorted({n for r in partials for n, _ in r})
    if len(names) > 10 or len(partials) < 2:
        return list(partials)
    every = [tuple(zip(names, values)) for values in product((False, True), repeat=len(names))]
    holds = [r for r in every if any(set(p) <= set(r) for p in partials)]
    found = cover(holds, [r for r in every if r not in holds])
    return found if len(found) < len(partials) else list(partials)


def _as_findings(result) -> tuple[tuple[Finding, ...], Optional[tuple]]:
    if result is None:
        return (), None
    if hasattr(result, "findings"):
        return tuple(result.findings), tuple(getattr(result, "readings", ()) or ()) or None
    return tuple(result), None


def prepare(result, loaded=None) -> ReportInput:
    """Normalise the renderer arguments.

    ``result``: an ``Analysis``, a sequence of ``Finding``, or None (nothing analysed);
    ``loaded``: a ``verifier.load.Loaded`` (policy, diagnostics, sources), a ``PolicySet``,
    or None."""
    findings, readings = _as_findings(result)
    findings = tuple(sorted(findings, key=lambda f: f.sort_key()))
    policy, diagnostics, sources, documents = None, (), {}, ()
    if loaded is not None and hasattr(loaded, "diagnostics"):
        policy, diagnostics = loaded.policy, tuple(loaded.diagnostics)
        sources = {rel_path(k): v for k, v in loaded.sources.items()}
        documents = tuple(loaded.documents)
    elif loaded is not None:
        policy = loaded
    if policy is not None:
        documents = tuple(policy.documents)
    diagnostics = tuple(sorted((replace(d, span=rel_span(d.span),
                                        related=tuple(rel_span(s) for s in d.related))
                                for d in diagnostics),
                               key=lambda d: d.sort_key()))
    findings = tuple(_relocate(f) for f in findings)
    documents = tuple(sorted(documents, key=lambda d: (natural_key(d.id))))
    return ReportInput(findings, diagnostics, policy, documents, readings, sources)


def _relocate(f: Finding) -> Finding:
    return replace(f, span=rel_span(f.span),
                   rules=tuple(replace(r, span=rel_span(r.span)) for r in f.rules),
                   related=tuple(replace(r, span=rel_span(r.span)) for r in f.related))


def say(lang: str, en: str, zh: str) -> str:
    """The words of the report's own scaffolding in the chosen language: Chinese for
    ``zh``, else English (``both`` shows messages in both languages, its scaffolding in
    English)."""
    return zh if lang == "zh" else en
