"""Baseline files: load (errors as diagnostics), apply to findings, dump deterministically."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from ..analysis.findings import fingerprint as compute_fingerprint
from ..diagnostics import SEVERITY_RANK, Diagnostic, diag
from ..model.nodes import Span

VERSION = 1
_HEX = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class BaselineEntry:
    """One accepted finding."""

    fingerprint: str
    code: str
    rules: tuple[str, ...] = ()
    subject: Optional[str] = None
    message: str = ""
    justification: str = ""
    accepted_by: str = ""
    line: int = 0


@dataclass(frozen=True)
class Baseline:
    path: str
    entries: tuple[BaselineEntry, ...]

    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.entries)


# ---------------------------------------------------------------- loading
def _error(path: str, line: int, reason: str, hint: Optional[str] = None,
           code: str = "B700") -> Diagnostic:
    """B700 for a baseline whose contents are wrong; V100 when it cannot be read."""
    return diag(code, Span(str(path), max(line, 1), 1), hint, path=path, reason=reason)


def _entry_lines(text: str) -> list[int]:
    """1-based line of each item of ``accepted`` (YAML node marks; 0 when unknown)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for k, v in node.value:
        if k.value == "accepted" and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []


def _parse(path: str, text: str):
    if path.endswith(".json"):
        return json.loads(text)
    return yaml.safe_load(text)


def load_baseline(path) -> tuple[Optional[Baseline], tuple[Diagnostic, ...]]:
    """Read a baseline file; (None, errors) if it cannot be used (the caller exits 2)."""
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, (_error(path, 1, getattr(exc, "strerror", None) or str(exc), code="V100"),)
    try:
        data = _parse(path, text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else getattr(exc, "lineno", 1)
        return None, (_error(path, line, f"not valid YAML/JSON: {exc}".splitlines()[0]),)
    if data is None:
        data = {"version": VERSION, "accepted": []}
    if not isinstance(data, dict) or not isinstance(data.get("accepted", []), list):
        return None, (_error(path, 1, "expected a mapping with a list 'accepted'",
                             "run `verifier baseline` to produce one"),)
    if data.get("version", VERSION) != VERSION:
        return None, (_error(path, 1, f"unsupported baseline version {data.get('version')!r}"),)
    lines = _entry_lines(text)
    entries, errors = [], []
    for i, item in enumerate(data.get("accepted") or []):
        line = lines[i] if i < len(lines) else 1
        entry, problem = _entry(item, line)
        if problem:
            errors.append(_error(path, line, f"entry {i + 1}: {problem}"))
        else:
            entries.append(entry)
    seen: dict[str, int] = {}
    for e in entries:
        if e.fingerprint in seen:
            errors.append(_error(path, e.line, f"fingerprint {e.fingerprint} is listed twice "
                                               f"(also line {seen[e.fingerprint]})"))
        seen.setdefault(e.fingerprint, e.line)
    if errors:
        return None, tuple(errors)
    return Baseline(path, tuple(entries)), ()


def _entry(item, line: int) -> tuple[Optional[BaselineEntry], Optional[str]]:
    if not isinstance(item, dict):
        return None, "expected a mapping"
    fp, code = item.get("fingerprint"), item.get("code")
    if not isinstance(fp, str) or not _HEX.fullmatch(fp):
        return None, "fingerprint must be 16 lower-case hex digits"
    if not isinstance(code, str) or not code:
        return None, "code is missing"
    rules = item.get("rules") or []
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        return None, "rules must be a list of rule ids"
    subject = item.get("subject")
    if subject is not None and not isinstance(subject, str):
        return None, "subject must be a string or null"
    if ("rules" in item or "subject" in item) and \
            compute_fingerprint(code, rules, subject) != fp:
        return None, (f"fingerprint {fp} does not match code {code}, rules {rules} and "
                      f"subject {subject!r}")
    strings = {k: item.get(k) or "" for k in ("message", "justification", "accepted_by")}
    if not all(isinstance(v, str) for v in strings.values()):
        return None, "message, justification and accepted_by must be strings"
    return BaselineEntry(fp, code, tuple(rules), subject, line=line, **strings), None


# ---------------------------------------------------------------- applying
def apply_baseline(findings, baseline: Optional[Baseline]):
    """(new, accepted, stale): findings not in the baseline, findings in it, and baseline
    entries whose finding is gone (matched by fingerprint)."""
    if baseline is None:
        return tuple(findings), (), ()
    accepted_fps = baseline.fingerprints()
    new = tuple(f for f in findings if f.fingerprint not in accepted_fps)
    accepted = tuple(f for f in findings if f.fingerprint in accepted_fps)
    present = {f.fingerprint for f in findings}
    stale = tuple(e for e in baseline.entries if e.fingerprint not in present)
    return new, accepted, stale


def stale_lines(stale, path: str = "") -> list[str]:
    """Text lines reporting stale baseline entries (the finding no longer occurs)."""
    where = f"{path}:" if path else ""
    return [f"{where}{e.line}: stale baseline entry {e.fingerprint} ({e.code}"
            f"{' ' + ', '.join(e.rules) if e.rules else ''}"
            f"{' ' + e.subject if e.subject else ''}): the finding no longer occurs"
            for e in stale]


# ---------------------------------------------------------------- dumping
def dump_baseline(findings, fmt: str = "yaml", previous: Optional[Baseline] = None,
                  min_severity: str = "warning") -> str:
    """A baseline accepting ``findings`` at or above ``min_severity``; justifications and
    accepted_by are kept from ``previous`` for fingerprints it already lists."""
    keep = {e.fingerprint: e for e in previous.entries} if previous else {}
    rank = SEVERITY_RANK[min_severity]
    chosen = sorted((f for f in findings if SEVERITY_RANK[f.severity] >= rank),
                    key=lambda f: f.sort_key())
    entries = []
    for f in chosen:
        old = keep.get(f.fingerprint)
        entries.append({
            "fingerprint": f.fingerprint, "code": f.code, "rules": list(f.rule_ids),
            "subject": f.subject, "message": f.message("en"),
            "justification": old.justification if old else "TODO: why this finding is accepted",
            "accepted_by": old.accepted_by if old else ""})
    data = {"version": VERSION, "accepted": entries}
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    head = ("# verifier baseline: accepted findings (matched by fingerprint).\n"
            "# `verifier check --baseline FILE` fails only on findings not listed here.\n")
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
