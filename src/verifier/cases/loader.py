"""Read case files (YAML, JSON, JSON Lines) and check them against a policy's vocabulary.

Errors are diagnostics (codes C500-C505) with the file, line and a hint; nothing raises
for bad input. Contradictions with the assumptions (C506) need a solver and are found by
``verifier.rulings``.
"""
from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

from ..diagnostics import Diagnostic, diag
from ..model import BoolType, IntType, PolicySet, Span
from .case import Case, Value
from .located import LongInt, Mapping, Node, ReadError, read_json, read_yaml

CASE_KEYS = ("id", "description", "facts", "readings")
CASE_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")
READING_WORDS = {"为真": True, "为假": False, "true": True, "false": False}


def read_case_file(path: str | Path, policy: PolicySet) -> tuple[list[Case], list[Diagnostic]]:
    """All cases in one file: a YAML or JSON object is one case, a .jsonl line is one case."""
    path = Path(path)
    text, problem = read_case_bytes(path)
    if problem is not None:
        return [], [problem]
    if path.suffix == ".jsonl":
        return read_jsonl_text(text, str(path), policy)
    case, diags = read_case_text(text, str(path), policy, fmt="json" if path.suffix == ".json" else "yaml")
    return ([case] if case else []), diags


def read_case_bytes(path: Path) -> tuple[str | None, Diagnostic | None]:
    """The text of a case file, or a located C500: not a regular file (a FIFO or a device
    would block or read as empty), unreadable, or not UTF-8."""
    where = Span(str(path), 1, 1)
    try:
        if path.is_dir() or not path.is_file():
            what = "a folder" if path.is_dir() else "not a regular file" if path.exists() else "no such file"
            return None, diag("C500", where, reason=what,
                              hint="give a .yaml, .yml or .json case file, or a folder / .jsonl file of cases")
        data = path.read_bytes()
    except OSError as exc:
        return None, diag("C500", where, reason=_reason(exc), hint="check the path and its permissions")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, diag("C500", Span(str(path), line, col),
                          reason=f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", hint="save the file as UTF-8")


def read_case_text(text: str, source: str, policy: PolicySet, fmt: str = "yaml",
                   key: str | None = None, first_line: int = 1) -> tuple[Case | None, list[Diagnostic]]:
    """One case from YAML or JSON text."""
    try:
        root = read_json(text, first_line) if fmt == "json" else read_yaml(text)
    except ReadError as exc:
        return None, [diag("C500", Span(source, exc.line, exc.column), reason=exc.reason,
                           hint=f"the case must be a {fmt.upper()} mapping with a `facts:` section")]
    if root is None:
        return None, [diag("C500", Span(source, first_line, 1), reason="the case is empty",
                           hint="write `facts:` followed by `name: value` lines (`facts: {}` for a case with no facts)")]
    return case_from_node(root, policy, source, key or _default_key(source, first_line))


def read_jsonl_text(text: str, source: str, policy: PolicySet) -> tuple[list[Case], list[Diagnostic]]:
    """One case per non-blank line; the key is the line's ``id`` or ``<file>:<line>``."""
    cases, diags = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        case, ds = read_case_text(line, source, policy, "json", first_line=number)
        diags += ds
        if case:
            cases.append(case)
    return cases, diags


def _default_key(source: str, line: int) -> str:
    return f"{os.path.basename(source)}:{line}" if line > 1 else os.path.basename(source)


def _reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


# ---------------------------------------------------------------- checking

def case_from_node(root: Node, policy: PolicySet, source: str, key: str) -> tuple[Case | None, list[Diagnostic]]:
    """Check a located tree against the vocabulary; returns the case or the errors."""
    at = lambda node: Span(source, node.line, node.column)  # noqa: E731
    if not root.is_mapping:
        return None, [diag("C500", at(root), reason="the case is not a mapping",
                           hint="write `facts:` followed by `name: value` lines")]
    diags: list[Diagnostic] = []
    sections: dict[str, Node] = {}
    for name, key_node, value in _unique(root, at, diags):
        if name not in CASE_KEYS:
            diags.append(_unknown_top_key(name, at(key_node), policy))
        else:
            sections[name] = value
    facts, spans = _facts(sections.get("facts"), policy, at, diags)
    readings = _readings(sections.get("readings"), policy, at, diags, spans)
    ident = _scalar_text(sections.get("id"), "id", at, diags)
    text = _scalar_text(sections.get("description"), "description", at, diags)
    if diags:
        return None, diags
    return Case(str(ident) if ident is not None else key, tuple(sorted(facts.items())),
                tuple(sorted(readings.items())), None if text is None else str(text), source,
                tuple(sorted(spans.items()))), []


def _scalar_text(node: Node | None, key: str, at, diags: list) -> str | None:
    """``id`` and ``description``: a string or a number (None when absent or null)."""
    if node is None or node.value is None:
        return None
    v = node.value
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        diags.append(diag("C500", at(node), reason=f"`{key}` is {_describe(v)}",
                          hint=f"write `{key}:` followed by a string or a number"))
        return None
    return str(v)


def _unique(node: Node, at, diags: list) -> list[tuple[str, Node, Node]]:
    """The mapping's entries; a repeated key is an error (C505) and only the first counts."""
    seen: dict[str, Node] = {}
    out = []
    for k, key_node, value in node.value:
        name = str(k)
        if name in seen:
            diags.append(diag("C505", at(key_node), name=name,
                              hint=f"first given on line {seen[name].line}; keep one of them"))
            continue
        seen[name] = key_node
        out.append((name, key_node, value))
    return out


def _unknown_top_key(name: str, span: Span, policy: PolicySet) -> Diagnostic:
    if name in policy.facts:
        hint = f"facts go under `facts:` — write `facts:` then `  {name}: …`"
    else:
        hint = "a case has the keys " + ", ".join(CASE_KEYS) + _did_you_mean(name, CASE_KEYS)
    return diag("C500", span, reason=f"unknown key {name}", hint=hint)


def _facts(node: Node | None, policy: PolicySet, at, diags: list) -> tuple[dict, dict]:
    facts: dict[str, Value] = {}
    spans: dict[str, Span] = {}
    if node is None or node.value is None:
        return facts, spans
    if not node.is_mapping:
        diags.append(diag("C500", at(node), reason="`facts` is not a mapping",
                          hint="write one `name: value` per line under `facts:`"))
        return facts, spans
    for name, key_node, value in _unique(node, at, diags):
        fact = policy.facts.get(name)
        if fact is None:
            diags.append(_unknown_fact(name, at(key_node), policy))
            continue
        if value.value is None:
            continue          # explicitly unknown
        checked = check_value(name, fact.type, value.value, at(value))
        if isinstance(checked, Diagnostic):
            diags.append(checked)
        else:
            facts[name], spans[name] = checked, at(key_node)
    return facts, spans


def _readings(node: Node | None, policy: PolicySet, at, diags: list, spans: dict) -> dict:
    readings: dict[str, bool] = {}
    if node is None or node.value is None:
        return readings
    if not node.is_mapping:
        diags.append(diag("C500", at(node), reason="`readings` is not a mapping",
                          hint="write `interpretation: true` or `interpretation: false` under `readings:`"))
        return readings
    for name, key_node, value in _unique(node, at, diags):
        if name not in policy.interpretations:
            known = sorted(policy.interpretations)
            diags.append(diag("C501", at(key_node), name=name,
                              hint="not an interpretation; readings name interpretations"
                              + (f" ({', '.join(known)})" if known else " (the policy declares none)")
                              + _did_you_mean(name, known)))
            continue
        v = value.value
        v = READING_WORDS.get(v, v) if isinstance(v, str) else v
        if not isinstance(v, bool):
            diags.append(diag("C502", at(value), name=name, expected="true or false (为真/为假)",
                              found=_describe(value.value), hint="a reading is true or false"))
            continue
        readings[name], spans[name] = v, at(key_node)
    return readings


def _unknown_fact(name: str, span: Span, policy: PolicySet) -> Diagnostic:
    kinds = (("term", policy.terms), ("action", policy.actions), ("decision", policy.decisions),
             ("interpretation", policy.interpretations))
    for kind, table in kinds:
        if name in table:
            where = "put it under `readings:`" if kind == "interpretation" else "it is computed from the facts, not given"
            return diag("C501", span, name=name, hint=f"{name} is a {kind}; {where}")
    labels = {(f.meta.label or ""): f.name for f in policy.facts.values() if f.meta.label}
    if name in labels:
        return diag("C501", span, name=name, hint=f"that is the label of the fact {labels[name]}; name facts by their declared name")
    return diag("C501", span, name=name,
                hint="not a declared fact" + _did_you_mean(name, sorted(policy.facts)))


def _did_you_mean(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.5)
    return ("; did you mean " + " or ".join(f"「{c}」" for c in close) + "?") if close else ""


def check_value(name: str, type_, value: object, span: Span) -> Value | Diagnostic:
    """The value if it fits the fact's type, else a diagnostic (C502-C504)."""
    if isinstance(type_, BoolType):
        if isinstance(value, bool):
            return value
        hint = "write true or false" + (" (without quotes)" if str(value).lower() in ("true", "false") else "")
        return diag("C502", span, name=name, expected="true or false", found=_describe(value), hint=hint)
    if isinstance(type_, IntType):
        if isinstance(value, LongInt):
            return diag("C503", span, name=name, value=repr(value), lo=type_.lo, hi=type_.hi,
                        hint=f"{name} ranges over [{type_.lo}..{type_.hi}]")
        if isinstance(value, bool) or not isinstance(value, int):
            hint = f"write an integer in [{type_.lo}..{type_.hi}]"
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                hint += " without quotes"
            return diag("C502", span, name=name, expected=f"an integer in [{type_.lo}..{type_.hi}]",
                        found=_describe(value), hint=hint)
        if not type_.lo <= value <= type_.hi:
            return diag("C503", span, name=name, value=value, lo=type_.lo, hi=type_.hi,
                        hint=f"{name} ranges over [{type_.lo}..{type_.hi}]")
        return value
    labels = type_.labels
    if not isinstance(value, str):
        return diag("C502", span, name=name, expected="one of " + ", ".join(labels),
                    found=_describe(value), hint="write one of the labels " + ", ".join(labels))
    if value not in labels:
        return diag("C504", span, name=name, value=value, labels=", ".join(labels),
                    hint="the labels are " + ", ".join(labels) + _did_you_mean(value, labels))
    return value


def _describe(value: object) -> str:
    if value is None:
        return "null"
    kind = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}.get(type(value))
    if isinstance(value, (Mapping, tuple, list)):
        return "a list or mapping"
    if isinstance(value, LongInt):
        return repr(value)
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        shown = str(value)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return f"{shown} ({kind or type(value).__name__})"


def case_files(path: str | Path) -> list[Path]:
    """The case files under a directory (sorted), or the file itself."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in CASE_SUFFIXES)
    return [path]
