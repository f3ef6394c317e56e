"""A document in the context of its folder: the sibling ``.policy`` files, parsed (open
editors' text over the disk's), checked together, indexed.

This is ``verifier.load.load_policy`` for texts that live in an editor: the same parser,
the same checker and the same rule (the checker runs only when every file parsed), with
each file's parse memoised on its text so a keystroke re-parses one file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..checker import check
from ..diagnostics import Diagnostic, diag, has_errors
from ..load import POLICY_SUFFIX, Loaded
from ..model import PolicySet
from ..model.nodes import Document, Span
from ..syntax import parse_bytes
from ..syntax.source import Source
from .incremental import parse_editing
from .index import Index, build_index
from .tokens import Token, tokenize


@dataclass(frozen=True)
class FileState:
    """One file: its text, parse result and tokens (``source`` is None when unreadable)."""

    path: str
    text: str
    document: Document | None
    diagnostics: tuple[Diagnostic, ...]
    source: Source | None
    tokens: tuple[Token, ...]


@dataclass
class Snapshot:
    """The files of one folder, checked together, with their index."""

    folder: str
    files: dict[str, FileState]
    policy: PolicySet | None
    diagnostics: tuple[Diagnostic, ...]
    index: Index = field(default_factory=Index)

    def loaded(self) -> Loaded:
        """The snapshot as ``verifier.load.Loaded`` (what the reports take)."""
        sources = {p: f.source for p, f in self.files.items() if f.source is not None}
        docs = tuple(f.document for f in self.files.values() if f.document is not None)
        return Loaded(self.policy, self.diagnostics, sources, docs)

    def diagnostics_of(self, path: str) -> list[Diagnostic]:
        """The diagnostics located in ``path`` (those without a file go to every file)."""
        return [d for d in self.diagnostics if d.span.file == path or d.span.line == 0
                and d.span.file not in self.files]

    @property
    def texts(self) -> dict[str, str]:
        return {p: f.text for p, f in self.files.items()}


def folder_files(path: str) -> list[str]:
    """The ``.policy`` files beside ``path`` (itself included), sorted."""
    folder = Path(path).parent
    try:
        found = {str(p) for p in folder.glob(f"*{POLICY_SUFFIX}") if p.is_file()}
    except OSError:
        found = set()
    return sorted(found | {path})


class Project:
    """Snapshots of folders, rebuilt from memoised per-file parses."""

    def __init__(self):
        self._parsed: dict[str, FileState] = {}
        self._snapshots: dict[str, Snapshot] = {}
        self._last_document: dict[str, Document] = {}     # path -> last document that parsed
        self._raw: dict[str, bytes] = {}                   # path -> bytes last read from disk

    def parse(self, path: str, text: str | None) -> FileState:
        """One file's state: ``text`` if the editor has it open, else the disk's."""
        cached = self._parsed.get(path)
        if text is None:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                return FileState(path, "", None, (diag("V100", Span(path, 1, 1), path=path,
                                                       reason=exc.strerror or exc),), None, ())
            if cached is not None and self._raw.get(path) == data:
                return cached
            self._raw[path] = data
            doc, found, source = parse_bytes(data, path)
        else:
            if cached is not None and cached.text == text and path not in self._raw:
                return cached
            self._raw.pop(path, None)
            doc, found, source = parse_editing(text, path)
        state = FileState(path, source.original if source else "", doc, tuple(found), source,
                          tuple(tokenize(source.text)) if source else ())
        self._parsed[path] = state
        if doc is not None:
            self._last_document[path] = doc
        return state

    def snapshot(self, path: str, open_texts: dict[str, str]) -> Snapshot:
        """The folder of ``path`` with open editors' texts (``open_texts``: path -> text)."""
        paths = folder_files(path) if os.path.isabs(path) else [path]
        folder = str(Path(path).parent) if os.path.isabs(path) else path
        files = {p: self.parse(p, open_texts.get(p)) for p in paths}
        previous = self._snapshots.get(folder)
        if previous is not None and previous.texts == {p: f.text for p, f in files.items()} \
                and all(previous.files[p] is f for p, f in files.items()):
            return previous
        fallback = {p: self._last_document.get(p) for p in files}
        snap = _check(folder, files, fallback)
        self._snapshots[folder] = snap
        return snap

    def forget(self, path: str) -> None:
        """Drop the memoised parse of ``path`` (closed in the editor, changed on disk)."""
        self._parsed.pop(path, None)
        self._raw.pop(path, None)


def _check(folder: str, files: dict[str, FileState], fallback: dict) -> Snapshot:
    """Check the parsed files together, as ``load_policy`` does. The index takes a file's
    last document that parsed when its text no longer yields one (a stray NUL byte), so
    hover still knows the names."""
    diagnostics = [d for f in files.values() for d in f.diagnostics]
    documents = [f.document for f in files.values() if f.document is not None]
    policy = None
    if not has_errors(diagnostics) and documents:
        checked, found = check(documents)
        diagnostics.extend(found)
        policy = None if has_errors(diagnostics) else checked
    known = [f.document or fallback.get(p) for p, f in files.items()]
    index = build_index([d for d in known if d is not None],
                        {p: list(f.tokens) for p, f in files.items()})
    return Snapshot(folder, files, policy, tuple(sorted(diagnostics, key=Diagnostic.sort_key)), index)
