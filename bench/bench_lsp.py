"""A drafter's session with `verifier lsp`, driven over stdio by pygls's client, timed.

Not a timed test. Run from the repository root:

    python bench/bench_lsp.py                       # policy/rc.policy, 20 keystrokes
    python bench/bench_lsp.py --keystrokes 40 --show

Opens policy/rc.policy (its folder, so jl.policy too), waits for the checker's
diagnostics and for the background analysis; meanwhile asks for hovers (they must not
wait for the solver). Then types a misspelt name one character at a time into a rule,
and measures, per keystroke, the time until that version's diagnostics arrive (the
server waits 0.15 s after the last keystroke before re-checking: that pause is included).
Nothing is written to disk; the file's own text is only changed in the editor's copy.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types as t
from pygls import uris
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent


def position_of(text: str, needle: str, shift: int = 0) -> t.Position:
    offset = text.index(needle) + shift
    return t.Position(text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1))


async def session(path: Path, keystrokes: int, show: bool) -> None:
    client = LanguageClient("bench", "0")
    arrivals: list[tuple[float, str, int | None, list]] = []

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params):
        arrivals.append((time.perf_counter(), params.uri, params.version, params.diagnostics))

    async def until(predicate, timeout=120.0):
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            for item in arrivals:
                if predicate(item):
                    return item
            await asyncio.sleep(0.005)
        raise TimeoutError("no such diagnostics")

    started = time.perf_counter()
    await client.start_io(sys.executable, "-m", "verifier", "lsp", cwd=str(ROOT))
    await client.initialize_async(t.InitializeParams(
        capabilities=t.ClientCapabilities(), initialization_options={"verifier": {"lang": "en"}}))
    client.initialized(t.InitializedParams())
    ready = time.perf_counter()
    uri = uris.from_fs_path(str(path))
    text = path.read_text(encoding="utf-8")
    opened = time.perf_counter()
    client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(uri, "policy", 1, text)))
    first = await until(lambda a: a[1] == uri)
    print(f"server start + initialize: {ready - started:.3f} s")
    print(f"open {path.name}: checker diagnostics after {first[0] - opened:.3f} s "
          f"({len(first[3])} diagnostics)")

    hover_at = position_of(text, "如果 一般条件", 4)
    hovers = []
    while not any(a[1] == uri and any(d.source == "verifier-analysis" for d in a[3]) for a in arrivals):
        h0 = time.perf_counter()
        await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(uri), hover_at))
        hovers.append(time.perf_counter() - h0)
        await asyncio.sleep(0.05)
        if time.perf_counter() - opened > 120:
            break
    done = next(a for a in arrivals if a[1] == uri and any(d.source == "verifier-analysis" for d in a[3]))
    print(f"analysis findings (background) after {done[0] - opened:.3f} s "
          f"({sum(d.source == 'verifier-analysis' for d in done[3])} in {path.name})")
    if hovers:
        print(f"hover while the solver ran: {len(hovers)} requests, median "
              f"{statistics.median(hovers) * 1000:.1f} ms, max {max(hovers) * 1000:.1f} ms")

    at = position_of(text, "如果 一般条件", 3)
    word = "一般条件错" * (keystrokes // 5 + 1)
    latencies = []
    for i in range(keystrokes):
        version = i + 2
        sent = time.perf_counter()
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(version=version, uri=uri),
            content_changes=[t.TextDocumentContentChangePartial(
                range=t.Range(t.Position(at.line, at.character + i), t.Position(at.line, at.character + i)),
                text=word[i])]))
        got = await until(lambda a: a[1] == uri and a[2] == version and a[0] >= sent, timeout=30)
        latencies.append(got[0] - sent)
        if show and i in (0, keystrokes - 1):
            for d in got[3]:
                if d.severity == t.DiagnosticSeverity.Error:
                    print(f"  v{version} {d.range.start.line + 1}:{d.range.start.character + 1} "
                          f"{d.code} {d.message.splitlines()[0]}")
    print(f"typing {keystrokes} keystrokes (each waited for): diagnostics after median "
          f"{statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms "
          f"(0.15 s of it is the pause the server waits for)")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / "policy" / "rc.policy"))
    parser.add_argument("--keystrokes", type=int, default=20)
    parser.add_argument("--show", action="store_true", help="print the errors seen while typing")
    args = parser.parse_args()
    asyncio.run(session(Path(args.path).resolve(), args.keystrokes, args.show))


if __name__ == "__main__":
    main()
