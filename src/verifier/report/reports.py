"""What ``verifier report`` writes: reports/*.md and reports/html/ from policy/, and docs/codes.md."""
from __future__ import annotations

import hashlib
import json
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
from .html import html_pages

DEFAULT_POLICY = "policy"
DEFAULT_SOURCE = Path("policy/source/clauses.md")
DEFAULT_OUT = "reports"
STAMP = ".stamp.json"
_PACKAGE = Path(__file__).resolve().parent.parent      # src/verifier


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
    files.update({f"{out}/html/{path}": text for path, text in html_pages(ri).items()})
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


# ---------------------------------------------------------------- the stamp
# The reports are a deterministic function of the policy files, the clause source, the
# verifier's own source and the z3 version. ``verifier report`` records a hash of those
# inputs and of the files it wrote in reports/.stamp.json; ``--check`` trusts the stamp
# when both hashes still match and otherwise regenerates everything and compares.

def _digest(items) -> str:
    h = hashlib.sha256()
    for name, data in items:
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def inputs_digest(paths, source: Optional[Path]) -> str:
    """A hash of everything the generated files depend on."""
    from ..load import policy_files
    import z3
    files, _ = policy_files(paths)
    items = [(f"policy:{p.as_posix()}", p.read_bytes()) for p in files]
    if source is not None and Path(source).is_file():
        items.append(("source", Path(source).read_bytes()))
    code = sorted(p for p in _PACKAGE.rglob("*") if p.suffix in (".py", ".lark") and p.is_file())
    items += [(f"code:{p.relative_to(_PACKAGE).as_posix()}", p.read_bytes()) for p in code]
    items.append(("z3", z3.get_version_string().encode()))
    return _digest(items)


def outputs_digest(paths_: list[str]) -> Optional[str]:
    """A hash of the files on disk (None if one is missing)."""
    items = []
    for path in sorted(paths_):
        p = Path(path)
        if not p.is_file():
            return None
        items.append((path, p.read_bytes()))
    return _digest(items)


def stamp_path(out: str) -> Path:
    return Path(out) / STAMP


def write_stamp(out: str, inputs: str, files: dict[str, str]) -> None:
    text = json.dumps({"inputs": inputs, "outputs": outputs_digest(list(files)), "files": sorted(files)},
                      indent=2, sort_keys=True) + "\n"
    p = stamp_path(out)
    if not p.is_file() or p.read_text(encoding="utf-8") != text:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def stamp_fresh(out: str, inputs: str) -> bool:
    """True when the stamp vouches for the files on disk under the current inputs."""
    try:
        stamp = json.loads(stamp_path(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp.get("inputs") == inputs and stamp.get("outputs") == outputs_digest(stamp.get("files", []))
