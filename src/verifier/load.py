"""Paths -> checked PolicySet: the one orchestration function of the front end."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checker import check
from .diagnostics import Diagnostic, diag, has_errors
from .model import PolicySet
from .model.nodes import Document, Span
from .syntax import parse_bytes
from .syntax.source import Source

POLICY_SUFFIX = ".policy"


@dataclass(frozen=True)
class Loaded:
    """The result of loading: the policy set (None on any error), diagnostics, sources."""

    policy: PolicySet | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict = field(default_factory=dict, compare=False)
    documents: tuple[Document, ...] = ()

    @property
    def ok(self) -> bool:
        return self.policy is not None


def bundled_policy_dir() -> Path | None:
    """The policies shipped in the package (``verifier/bundled``, the checkout's policy/), or None."""
    folder = Path(__file__).resolve().parent / "bundled"
    return folder if folder.is_dir() and any(folder.glob(f"*{POLICY_SUFFIX}")) else None


def policy_files(paths, bundled: bool = True) -> tuple[list[Path], list[Diagnostic]]:
    """Expand folders to their *.policy files (sorted); report paths that do not exist.

    With ``bundled``, the default folder ``policy/`` falls back to the policies shipped in
    the package when there is no such folder here (an install outside the checkout)."""
    files, problems = [], []
    for p in map(Path, paths):
        if bundled and p == Path("policy") and not p.exists() and bundled_policy_dir() is not None:
            p = bundled_policy_dir()
        if p.is_dir():
            files.extend(sorted(x for x in p.rglob(f"*{POLICY_SUFFIX}") if x.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            problems.append(diag("V100", Span(str(p), 1, 1), path=p, reason="no such file or folder",
                                 hint="give a .policy file or a folder that holds some"))
    return files, problems


def load_policy(paths) -> Loaded:
    """Read, parse and check the policy files under ``paths``."""
    files, diagnostics = policy_files(paths)
    if not files and not diagnostics:
        diagnostics.append(diag("V100", Span(str(paths[0]) if paths else ".", 1, 1),
                                path=", ".join(map(str, paths)), reason="no .policy files found",
                                hint="policy files end in .policy"))
    documents, sources = [], {}
    for f in files:
        doc, found, source = _read_one(f)
        diagnostics.extend(found)
        if source is not None:
            sources[str(f)] = source
        if doc is not None:
            documents.append(doc)
    if has_errors(diagnostics):
        return Loaded(None, tuple(diagnostics), sources, tuple(documents))
    policy, found = check(documents)
    diagnostics.extend(found)
    return Loaded(None if has_errors(diagnostics) else policy, tuple(diagnostics), sources,
                  tuple(documents))


def _read_one(path: Path) -> tuple[Document | None, list[Diagnostic], Source | None]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [diag("V100", Span(str(path), 1, 1), path=path, reason=exc.strerror or exc)], None
    return parse_bytes(data, str(path))
