"""docs/codes.md, generated from the code registry (verifier.diagnostics.codes)."""
from __future__ import annotations

from ..diagnostics.codes import REGISTRY

CODES_DOC = "docs/codes.md"

_SECTIONS = (("V1", "Input and syntax"), ("V2", "Names and types"), ("V3", "Lints"),
             ("A4", "Analysis findings"), ("C5", "Case files and certificates"),
             ("D6", "Amendments (verifier diff)"), ("B7", "Baselines"))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("{", "`{").replace("}", "}`")


def codes_markdown() -> str:
    """The table of every code: code, name, severity, English and Chinese message."""
    lines = ["# Codes / 代码表", "",
             "Generated from `src/verifier/diagnostics/codes.py` by `verifier report`; do not edit.",
             "Every output format (text, JSON, SARIF, Markdown) reads the same registry.",
             "`{field}` marks a value filled in when the message is shown.", ""]
    done = set()
    for prefix, title in _SECTIONS:
        codes = sorted(c for c in REGISTRY if c.startswith(prefix))
        if codes:
            lines += _section(title, codes)
            done |= set(codes)
    rest = sorted(set(REGISTRY) - done)
    if rest:
        lines += _section("Other", rest)
    return "\n".join(lines).rstrip("\n") + "\n"


def _section(title: str, codes: list[str]) -> list[str]:
    lines = [f"## {title}", "", "| code | name | severity | message | 中文 |", "|---|---|---|---|---|"]
    for code in codes:
        c = REGISTRY[code]
        lines.append(f"| {c.code} | `{c.name}` | {c.severity} | {_cell(c.en)} | {_cell(c.zh)} |")
    return lines + [""]
