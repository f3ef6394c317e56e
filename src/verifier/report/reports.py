"""What ``verifier report`` writes: reports/*.md from policy/, and docs/codes.md."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional

from ..analysis import analyse
from ..load import Loaded, load_policy
from ..overview import coverage, glossary, read_source_clauses
from ..overview.render import coverage_markdown, glossary_markdown
from .analysis_md import analysis_markdown
from .base import prepare
from .codes_doc import CODES_DOC, codes_markdown

DEFAULT_POLICY = "policy"
DEFAULT_SOURCE = Path("policy/source/clauses.md")
DEFAULT_OUT = "reports"


def build_reports(paths=(DEFAULT_POLICY,), source: Optional[Path] = DEFAULT_SOURCE,
                  out: str = DEFAULT_OUT, codes_doc: Optional[str] = CODES_DOC,
                  ) -> tuple[dict[str, str], Loaded]:
    """{path: text} of every generated file, and the load result.

    The report files are left out when the policies do not load (the caller reports the
    diagnostics); ``docs/codes.md`` depends only on the registry."""
    files: dict[str, str] = {}
    if codes_doc:
        files[codes_doc] = codes_markdown()
    loaded = load_policy(list(paths))
    if not loaded.ok:
        return files, loaded
    policy = loaded.policy
    clauses = read_source_clauses(source) if source is not None and Path(source).is_file() else None
    cov = coverage(policy, clauses)
    ri = prepare(analyse(policy), loaded)
    files[f"{out}/analysis.md"] = analysis_markdown(ri, cov)
    files[f"{out}/glossary.md"] = glossary_markdown(glossary(policy))
    files[f"{out}/coverage.md"] = coverage_markdown(cov)
    return files, loaded


def stale_reports(files: dict[str, str]) -> list[str]:
    """The paths whose content on disk differs from ``files`` (or that are missing)."""
    stale = []
    for path, text in sorted(files.items()):
        p = Path(path)
        if not p.is_file() or p.read_bytes() != text.encode("utf-8"):
            stale.append(path)
    return stale


def write_reports(files: dict[str, str]) -> list[str]:
    """Write the files that changed (atomically); return their paths."""
    changed = stale_reports(files)
    for path in changed:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(files[path].encode("utf-8"))
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return changed
