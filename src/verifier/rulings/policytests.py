"""Policy tests: YAML files of cases with expected verdicts (and expected reasons).

A test file::

    policy: ../../policy          # optional: policy files/folders, relative to this file
    cases:
      - name: 谋取私利则不予容错
        facts: {谋取私利: true}
        readings: {}                   # optional
        expect:                        # outcome: PROVEN | REFUTED | OPEN | DISCRETION | DEPENDS
          可以 予以容错: REFUTED
        reasons:                       # optional: clause IDs that must appear in the proof
          可以 予以容错: [RC-C0]

An outcome is written ``应当 X`` / ``可以 X`` / ``不得 X`` (or ``must X`` …), ``D = x``, or a
term's name. Reasons are the clauses cited by the rules and assumptions of the proof
(PROVEN/REFUTED), or by the discretion declarations (DISCRETION).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..cases.loader import CASE_KEYS, case_from_node
from ..cases.located import Mapping, Node, ReadError, read_yaml
from .model import DEPENDS, DISCRETION, OPEN, PROVEN, REFUTED, parse_outcome

STATUSES = (PROVEN, REFUTED, OPEN, DISCRETION, DEPENDS)
TEST_SUFFIXES = (".yaml", ".yml")


class InputProblem(str):
    """A failure message that is really an input error in the test file (a typo in
    ``expect:``, an unknown key, a case that does not fit the vocabulary): ``verifier test``
    exits 2 for these, not 1."""


@dataclass
class TestResult:
    file: str
    name: str
    line: int
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def input_error(self) -> bool:
        return any(isinstance(f, InputProblem) for f in self.failures)


def test_files(paths) -> list[Path]:
    out = []
    for p in map(Path, paths):
        out += sorted(x for x in p.rglob("*") if x.suffix in TEST_SUFFIXES) if p.is_dir() else [p]
    return out


def read_test_file(path: Path) -> tuple[list[str] | None, list[tuple[str, int, Node]], str | None]:
    """(policy paths or None, [(name, line, case node)], error)."""
    try:
        root = read_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [], f"cannot read: {exc}"
    except ReadError as exc:
        return None, [], f"line {exc.line}: {exc.reason}"
    if root is None or not root.is_mapping:
        return None, [], "a test file is a mapping with `cases:`"
    top = {k: v for k, _, v in root.value}
    policy = None
    if "policy" in top:
        value = top["policy"].value
        items = [value] if isinstance(value, str) else [n.value for n in value] if top["policy"].is_sequence else []
        policy = [str((path.parent / v) if (path.parent / v).exists() else Path(v)) for v in items]
    cases = top.get("cases")
    if cases is None or not cases.is_sequence:
        return policy, [], "`cases:` must be a list"
    out = []
    for i, node in enumerate(cases.value, 1):
        entries = dict((k, v) for k, _, v in node.value) if node.is_mapping else {}
        name = str(entries["name"].value) if "name" in entries else f"case {i}"
        out.append((name, node.line, node))
    return policy, out, None


def run_case(engine, policy, path: Path, name: str, node: Node) -> list[str]:
    """Failure messages for one test case (empty when it passes)."""
    if not node.is_mapping:
        return [InputProblem("a test case is a mapping with facts and expect")]
    entries = {k: v for k, _, v in node.value}
    unknown = sorted(set(entries) - set(CASE_KEYS) - {"name", "expect", "reasons", "clauses", "note"})
    if unknown:
        return [InputProblem(f"unknown key(s) {', '.join(unknown)}")]
    case_node = Node(Mapping(t for t in node.value if t[0] in CASE_KEYS), node.line, node.column)
    case, diags = case_from_node(case_node, policy, str(path), name)
    if case is None:
        return [InputProblem(f"{d.span}: [{d.code}] {d.message()}" + (f" ({d.hint})" if d.hint else ""))
                for d in diags]
    expect = _mapping(entries.get("expect"))
    reasons = _mapping(entries.get("reasons"))
    if not expect:
        return [InputProblem("no `expect:` verdicts")]
    wanted, failures = {}, []
    for text, value in list(expect.items()) + [(t, None) for t in reasons if t not in expect]:
        o = parse_outcome(text, policy)
        if o is None:
            failures.append(InputProblem(f"{text!r} is not an outcome (write 应当/可以/不得 X, D = x, or a term)"))
        elif value is not None and str(value) not in STATUSES:
            failures.append(InputProblem(f"{text}: expected verdict {value!r} is not one of {', '.join(STATUSES)}"))
        else:
            wanted[text] = o
    if failures:
        return failures
    ruling = engine.rule(case, only=set(wanted.values()))
    if not ruling.admissible:
        return [f"[{d.code}] {d.message()} — {d.hint}" for d in ruling.diagnostics]
    failures += [f"[{d.code}] {d.message()}" for d in ruling.diagnostics if d.is_error]
    for text, o in sorted(wanted.items()):
        got = ruling.get(o)
        if text in expect and got.status != str(expect[text]):
            failures.append(f"{text}: expected {expect[text]}, got {got.status}" + _per_reading(got))
        if text in reasons:
            cited = cited_clauses(policy, got)
            missing = [c for c in _list(reasons[text]) if c not in cited]
            if missing:
                failures.append(f"{text}: the proof does not rest on {', '.join(missing)} "
                                f"(it cites {', '.join(sorted(cited)) or 'nothing'})")
    return failures


def cited_clauses(policy, outcome_ruling) -> set[str]:
    """Clauses cited by the premises of the verdict's proofs (or its discretions)."""
    assumptions = {a.name: a for a in policy.assumptions}
    discretions = {d.id: d for d in policy.discretions}
    cited: set[str] = set()
    for v in outcome_ruling.verdicts:
        for kind, item in (v.proof.premises if v.proof else ()):
            if kind == "rule":
                cited |= set(policy.rules[item].meta.cites)
            elif kind == "assumption":
                cited |= set(assumptions[item].meta.cites)
        for d in v.discretions:
            cited |= set(discretions[d].meta.cites)
    return cited


def _per_reading(got) -> str:
    if len(got.verdicts) < 2:
        return ""
    return " (" + "; ".join(", ".join(f"{n}={v}" for n, v in x.reading) + f": {x.status}" for x in got.verdicts) + ")"


def _mapping(node: Node | None) -> dict:
    if node is None or not node.is_mapping:
        return {}
    return {str(k): (v.value if not v.is_sequence else [x.value for x in v.value]) for k, _, v in node.value}


def _list(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def junit_xml(results: list[TestResult]) -> str:
    """JUnit XML: one testsuite per file, one testcase per case."""
    by_file: dict[str, list[TestResult]] = {}
    for r in results:
        by_file.setdefault(r.file, []).append(r)
    failed = sum(not r.passed for r in results)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<testsuites name="verifier test" tests="{len(results)}" failures="{failed}" errors="0">']
    for file, rs in sorted(by_file.items()):
        f = sum(not r.passed for r in rs)
        lines.append(f'  <testsuite name={quoteattr(file)} tests="{len(rs)}" failures="{f}" errors="0" '
                     f'time="{sum(r.seconds for r in rs):.3f}">')
        for r in rs:
            head = f'    <testcase classname={quoteattr(file)} name={quoteattr(r.name)} time="{r.seconds:.3f}"'
            if r.passed:
                lines.append(head + "/>")
            else:
                message = "; ".join(r.failures)
                lines += [head + ">", f"      <failure message={quoteattr(message[:500])}>"
                          f"{escape(chr(10).join(r.failures))}</failure>", "    </testcase>"]
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"
