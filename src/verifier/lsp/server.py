"""The language server: pygls wiring of diagnostics, hover, definition, references,
completion, formatting, quick fixes and background analysis for ``.policy`` files.

Settings (``initializationOptions`` or ``workspace/didChangeConfiguration`` under
``verifier``): ``lang`` zh | en | both (messages, default zh), ``keywords`` auto | zh | en
(formatting and hover code, default auto = the document's own), ``analysis`` true | false
(findings of saved files, default true), ``timeoutMs`` (per solver call, default 10000).
"""
from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys

from lsprotocol import types as t
from pygls import uris
from pygls.lsp.server import LanguageServer

from .. import __version__
from . import diags, edits
from .background import Background
from .complete import completions, prefix_start
from .hover import hover_markdown
from .positions import Positions
from .project import Project, Snapshot

DEBOUNCE_SECONDS = 0.15
DEFAULTS = {"lang": "zh", "keywords": "auto", "analysis": True, "timeoutMs": 10_000}
log = logging.getLogger("verifier.lsp")


def guarded(fn):
    """A handler that never raises at the client: a failure is logged in one line."""
    if asyncio.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def run_async(ls, params):
            try:
                return await fn(ls, params)
            except Exception as exc:        # noqa: BLE001 - the server must survive bad input
                ls.report(f"{fn.__name__}: {type(exc).__name__}: {exc}")
                return None
        return run_async

    @functools.wraps(fn)
    def run(ls, params):
        try:
            return fn(ls, params)
        except Exception as exc:            # noqa: BLE001
            ls.report(f"{fn.__name__}: {type(exc).__name__}: {exc}")
            return None
    return run


class PolicyServer(LanguageServer):
    """A pygls server with the verifier's state: settings, snapshots, findings."""

    def __init__(self, use_process: bool = True):
        super().__init__("verifier", __version__)
        self.settings = dict(DEFAULTS)
        self.project = Project()
        self.background = Background(use_process)
        self.findings: dict[str, tuple[dict, dict]] = {}   # folder -> (texts analysed, path -> items)
        self.published: dict[str, list] = {}                # uri -> last diagnostics sent
        self.pending: dict[str, asyncio.Task] = {}          # folder -> debounced refresh
        self.analyses: set[asyncio.Task] = set()

    # ------------------------------------------------------------ settings, logging
    def configure(self, options) -> None:
        """Take ``lang``, ``keywords``, ``analysis`` and ``timeoutMs`` from a settings object."""
        if not isinstance(options, dict):
            return
        options = options.get("verifier", options)
        if not isinstance(options, dict):
            return
        if options.get("lang") in ("zh", "en", "both"):
            self.settings["lang"] = options["lang"]
        if options.get("keywords") in ("auto", "zh", "en"):
            self.settings["keywords"] = options["keywords"]
        if isinstance(options.get("analysis"), bool):
            self.settings["analysis"] = options["analysis"]
        if isinstance(options.get("timeoutMs"), int) and options["timeoutMs"] > 0:
            self.settings["timeoutMs"] = options["timeoutMs"]

    def report(self, text: str) -> None:
        """A one-line message in the client's log (and on stderr)."""
        print(f"verifier lsp: {text}", file=sys.stderr)
        try:
            self.window_log_message(t.LogMessageParams(t.MessageType.Warning, text))
        except Exception:                    # noqa: BLE001 - no client (yet)
            pass

    # ------------------------------------------------------------ paths and snapshots
    def path_of(self, uri: str) -> str:
        path = uris.to_fs_path(uri) if uri.startswith("file:") else None
        return os.path.abspath(path) if path else uri

    def open_texts(self) -> dict[str, str]:
        return {self.path_of(u): d.source for u, d in self.workspace.text_documents.items()}

    def uri_of(self, path: str) -> str:
        for uri in self.workspace.text_documents:
            if self.path_of(uri) == path:
                return uri
        return uris.from_fs_path(path) if os.path.isabs(path) else path

    def snapshot(self, uri: str) -> Snapshot:
        return self.project.snapshot(self.path_of(uri), self.open_texts())

    def positions(self, snap: Snapshot, path: str) -> Positions:
        f = snap.files.get(path)
        text = f.text if f else ""
        return Positions(text, self.workspace.position_codec, f.source if f else None)

    def resolver(self, snap: Snapshot):
        """``uri_of`` with a ``positions(path)`` for related locations in other files."""
        def resolve(path):
            return self.uri_of(path)
        resolve.positions = lambda path: self.positions(snap, path) if path in snap.files else None
        return resolve

    # ------------------------------------------------------------ diagnostics
    def publish(self, snap: Snapshot) -> None:
        """Send every file's diagnostics (checker + current findings) if they changed."""
        lang, resolve = self.settings["lang"], self.resolver(snap)
        analysed = self.findings.get(snap.folder, ({}, {}))
        for path, f in snap.files.items():
            pos = self.positions(snap, path)
            out = [diags.to_lsp(d, pos, lang, resolve) for d in snap.diagnostics_of(path)]
            if analysed[0].get(path) == f.text:
                out += [diags.finding_to_lsp(item, pos, resolve) for item in analysed[1].get(path, [])]
            uri = self.uri_of(path)
            if self.published.get(uri) == out:
                continue
            self.published[uri] = out
            doc = self.workspace.text_documents.get(uri)
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
                uri=uri, diagnostics=out, version=doc.version if doc else None))

    def refresh(self, uri: str) -> Snapshot:
        snap = self.snapshot(uri)
        self.publish(snap)
        return snap

    def refresh_later(self, uri: str) -> None:
        """Re-check after a pause in typing (each keystroke restarts the pause)."""
        folder = self.snapshot_key(uri)
        old = self.pending.pop(folder, None)
        if old is not None:
            old.cancel()

        async def later():
            await asyncio.sleep(DEBOUNCE_SECONDS)
            self.pending.pop(folder, None)
            try:
                self.refresh(uri)
            except Exception as exc:        # noqa: BLE001
                self.report(f"refresh: {type(exc).__name__}: {exc}")
        self.pending[folder] = asyncio.ensure_future(later())

    def snapshot_key(self, uri: str) -> str:
        path = self.path_of(uri)
        return os.path.dirname(path) if os.path.isabs(path) else path

    def analyse_later(self, snap: Snapshot) -> None:
        """Analyse the snapshot in the background; publish when done (if still current)."""
        if not self.settings["analysis"] or snap.policy is None:
            return
        texts = snap.texts

        async def run():
            result = await self.background.submit(snap.folder, snap.policy, self.settings["timeoutMs"])
            for text in self.background.failures:
                self.report(text)
            self.background.failures.clear()
            if result is None:
                return
            by_file = diags.findings_by_file(result, snap.loaded(), self.settings["lang"])
            self.findings[snap.folder] = (texts, by_file)
            current = self.project.snapshot(next(iter(snap.files)), self.open_texts())
            self.publish(current)
        task = asyncio.ensure_future(run())
        self.analyses.add(task)
        task.add_done_callback(self.analyses.discard)


def create_server(use_process: bool = True) -> PolicyServer:
    """A server with every feature registered."""
    server = PolicyServer(use_process)
    _register_sync(server)
    _register_features(server)
    return server


def _register_sync(server: PolicyServer) -> None:
    @server.feature(t.INITIALIZE)
    @guarded
    def initialize(ls: PolicyServer, params: t.InitializeParams):
        ls.configure(params.initialization_options)

    @server.feature(t.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded
    def changed_configuration(ls: PolicyServer, params: t.DidChangeConfigurationParams):
        ls.configure(params.settings)
        ls.published.clear()
        for uri in list(ls.workspace.text_documents):
            ls.refresh(uri)

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    @guarded
    def did_open(ls: PolicyServer, params: t.DidOpenTextDocumentParams):
        ls.analyse_later(ls.refresh(params.text_document.uri))

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    @guarded
    def did_change(ls: PolicyServer, params: t.DidChangeTextDocumentParams):
        ls.refresh_later(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    @guarded
    def did_save(ls: PolicyServer, params: t.DidSaveTextDocumentParams):
        ls.analyse_later(ls.refresh(params.text_document.uri))

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    @guarded
    def did_close(ls: PolicyServer, params: t.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        ls.project.forget(ls.path_of(uri))
        if ls.published.pop(uri, None):
            ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        remaining = [u for u in ls.workspace.text_documents
                     if u != uri and ls.snapshot_key(u) == ls.snapshot_key(uri)]
        if remaining:
            ls.refresh(remaining[0])


def _lookup(ls: PolicyServer, uri: str, position: t.Position):
    """(snapshot, path, occurrence under the cursor or None)."""
    snap = ls.snapshot(uri)
    path = ls.path_of(uri)
    offset = ls.positions(snap, path).offset(position)
    return snap, path, snap.index.at(path, offset)


def _location(ls: PolicyServer, snap: Snapshot, occ) -> t.Location:
    return t.Location(ls.uri_of(occ.file), ls.positions(snap, occ.file).offset_range(occ.start, occ.end))


def _register_features(server: PolicyServer) -> None:
    @server.feature(t.TEXT_DOCUMENT_HOVER)
    @guarded
    def hover(ls: PolicyServer, params: t.HoverParams):
        snap, path, occ = _lookup(ls, params.text_document.uri, params.position)
        if occ is None:
            return None
        f = snap.files[path]
        keywords = ls.settings["keywords"]
        keywords = edits.keyword_language(f.text) if keywords == "auto" else keywords
        rel = lambda p: os.path.relpath(p, snap.folder) if os.path.isabs(p) else p  # noqa: E731
        text = hover_markdown(snap.index, occ.key, ls.settings["lang"], keywords, rel)
        if not text:
            return None
        return t.Hover(t.MarkupContent(t.MarkupKind.Markdown, text),
                       ls.positions(snap, path).offset_range(occ.start, occ.end))

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    @guarded
    def definition(ls: PolicyServer, params: t.DefinitionParams):
        snap, _, occ = _lookup(ls, params.text_document.uri, params.position)
        if occ is None:
            return None
        key = ("name", occ.key[1].split("\x1f")[0]) if occ.key[0] == "label" else occ.key
        target = snap.index.declaration(key)
        return _location(ls, snap, target) if target else None

    @server.feature(t.TEXT_DOCUMENT_REFERENCES)
    @guarded
    def references(ls: PolicyServer, params: t.ReferenceParams):
        snap, _, occ = _lookup(ls, params.text_document.uri, params.position)
        if occ is None:
            return None
        found = snap.index.references(occ.key, params.context.include_declaration)
        return [_location(ls, snap, o) for o in found]

    @server.feature(t.TEXT_DOCUMENT_COMPLETION,
                    t.CompletionOptions(trigger_characters=["「", " ", "="]))
    @guarded
    def completion(ls: PolicyServer, params: t.CompletionParams):
        uri = params.text_document.uri
        snap = ls.snapshot(uri)
        path = ls.path_of(uri)
        pos = ls.positions(snap, path)
        cursor = pos.original_offset(params.position)
        line_start = pos.starts[params.position.line] if params.position.line < len(pos.starts) else cursor
        start = line_start + prefix_start(pos.text[line_start:cursor])
        from .positions import original_position
        rng = t.Range(original_position(pos, start), original_position(pos, cursor))
        f = snap.files[path]
        norm_start = pos.offset(rng.start) if f.source else start
        items = completions(snap.index, f.tokens, norm_start, rng)
        return t.CompletionList(is_incomplete=False, items=items)

    @server.feature(t.TEXT_DOCUMENT_FORMATTING)
    @guarded
    def formatting(ls: PolicyServer, params: t.DocumentFormattingParams):
        uri = params.text_document.uri
        snap = ls.snapshot(uri)
        path = ls.path_of(uri)
        f = snap.files[path]
        return edits.format_edits(f.text, path, ls.settings["keywords"], ls.positions(snap, path))

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
    @guarded
    def code_action(ls: PolicyServer, params: t.CodeActionParams):
        uri = params.text_document.uri
        snap = ls.snapshot(uri)
        path = ls.path_of(uri)
        pos = ls.positions(snap, path)
        resolve = ls.resolver(snap)
        lang = ls.settings["lang"]
        lsp_of = lambda d: diags.to_lsp(d, pos, lang, resolve)  # noqa: E731
        wanted = [d for d in snap.diagnostics_of(path) if d.hint and "「" in d.hint
                  and _overlaps(lsp_of(d).range, params.range)]
        return edits.quick_fixes(wanted, pos, lsp_of, uri)

    @server.feature(t.SHUTDOWN)
    @guarded
    def shutdown(ls: PolicyServer, params):
        ls.background.shutdown()


def _overlaps(a: t.Range, b: t.Range) -> bool:
    key = lambda p: (p.line, p.character)  # noqa: E731
    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)
