"""Batch rulings on a Dask distributed cluster (``--scheduler ADDRESS``; ``pip install
"verifier[dask]"``). See docs/scale.md.

What travels to the workers: the policy's source texts with their hash (scattered once,
broadcast to every worker), and the cases in chunks of (key, text, format, line, file)
items. A worker compiles the policy once: its cache maps the hash of the texts to the
checked policy and its engine. What comes back: one JSON line per case, made by the very
functions of the local batch (``batch._one``), so the output is byte for byte the local one.

The parent writes the lines in input order, each with one ``os.write`` on an ``O_APPEND``
descriptor, and only once all earlier chunks are written; on restart it skips the keys
already in the file (``batch.read_results``), exactly as the local batch. A chunk whose
worker dies is recomputed by Dask on another worker and its result arrives once; a chunk
that keeps killing workers (``KilledWorker``) stops the run with the earlier lines written,
so the next run resumes after them. No line is written twice: a key is written only if it
is not already in the file or in this run.
"""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path

_CACHE: dict = {}                   # worker side: (kind, hashes, options) -> compiled state
MAX_CACHED = 8                      # a long-lived worker keeps the most recent policies only
_LOCK = threading.Lock()            # z3 contexts are not thread-safe: one chunk at a time per worker


class DaskError(RuntimeError):
    """The cluster could not be used (unreachable scheduler, a chunk that kills every worker)."""


def dask_problem() -> str | None:
    """Why ``--scheduler`` cannot be used here, or None."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return 'Dask is not installed: pip install "verifier[dask]" (dask[distributed])'
    return None


# ---------------------------------------------------------------- what travels

def policy_texts(sources) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(hash, ((file, text), ...)) of a loaded policy (``Loaded.sources``): what a worker
    compiles. The hash is over the texts and their file names, in file order."""
    files = tuple(sorted((str(path), src.original if hasattr(src, "original") else str(src))
                         for path, src in sources.items()))
    h = hashlib.sha256()
    for path, text in files:
        h.update(path.encode("utf-8", "surrogatepass") + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest(), files


def _remember(key, value):
    while len(_CACHE) >= MAX_CACHED:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = value
    return value


def compile_texts(payload):
    """The checked policy of ``policy_texts``'s payload, compiled once per worker process."""
    digest, files = payload
    key = ("policy", digest)
    if key not in _CACHE:
        from ..checker import check
        from ..diagnostics import has_errors
        from ..syntax.parser import parse_bytes

        documents, diagnostics = [], []
        for path, text in files:
            doc, found, _ = parse_bytes(text.encode("utf-8", "surrogatepass"), path)
            diagnostics += found
            if doc is not None:
                documents.append(doc)
        if not has_errors(diagnostics):
            policy, found = check(documents)
            diagnostics += found
        if has_errors(diagnostics):
            raise ValueError(f"the policy does not compile on this worker: {diagnostics[0]}")
        return _remember(key, policy)
    return _CACHE[key]


# ---------------------------------------------------------------- worker side

def _case_chunk(payload, options, chunk) -> list[tuple[str, str, str]]:
    """[(key, line, status)] for a chunk of ``verifier case`` items (``batch._one``)."""
    from . import batch

    explain, readings, inadmissible = options
    key = ("case", payload[0], explain, tuple(sorted((readings or {}).items())), bool(inadmissible))
    with _LOCK:
        policy = compile_texts(payload)
        if key not in _CACHE:
            from .engine import RulingEngine

            engine = None if inadmissible else RulingEngine(policy, certify=explain)
            _remember(key, (engine, policy, explain, dict(readings or {}), inadmissible))
        saved, batch._ENGINE = batch._ENGINE, _CACHE[key]
        try:
            return [(item[0], *batch._one(item)) for item in chunk]
        finally:
            batch._ENGINE = saved


def _precedent_chunk(old_payload, new_payload, asked, chunk) -> list[dict]:
    """Records of ``diff --cases`` for a chunk (``precedents.Precedents.rule``)."""
    from ..diff.precedents import Precedents

    key = ("precedents", old_payload[0], new_payload[0], tuple(asked or ()))
    with _LOCK:
        if key not in _CACHE:
            old, new = compile_texts(old_payload), compile_texts(new_payload)
            _remember(key, Precedents(old, new, asked))
        return [_CACHE[key].rule(item) for item in chunk]


# ---------------------------------------------------------------- client side

def connect(address: str, timeout: float = 20):
    from distributed import Client

    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise DaskError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def _workers(client) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def _in_order(client, function, shared: tuple, items: list, chunk: int | None, on_result) -> None:
    """Run ``function(*shared, chunk)`` over the items in chunks, calling ``on_result`` with
    each chunk's results in input order; at most a few chunks per worker are in flight."""
    from distributed import as_completed
    from distributed.client import FutureCancelledError

    workers = _workers(client)
    size = chunk or max(1, min(64, len(items) // (workers * 8) or 1))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    window = max(2, 4 * workers)
    futures: dict = {}                      # outstanding: future -> chunk number
    waiting: dict[int, list] = {}
    next_submit = next_write = 0

    def submit() -> list:
        nonlocal next_submit
        new = []
        while next_submit < len(chunks) and next_submit - next_write < window:
            f = client.submit(function, *shared, chunks[next_submit], pure=False, retries=2)
            futures[f] = next_submit
            new.append(f)
            next_submit += 1
        return new

    pending = as_completed(submit(), loop=client.loop)
    try:
        for f in pending:
            try:
                result = f.result()
            except FutureCancelledError:
                raise DaskError("a chunk was cancelled by the cluster") from None
            except Exception as exc:  # KilledWorker and the like: stop, what is written stays
                raise DaskError(f"a chunk failed on the cluster ({type(exc).__name__}: {exc})") from None
            waiting[futures.pop(f)] = result
            f.release()
            while next_write in waiting:
                on_result(waiting.pop(next_write))
                next_write += 1
            for g in submit():
                pending.add(g)
    finally:
        for f in futures:                   # interrupted or failed: nothing left running for us
            f.cancel()


def run_distributed(address: str, payload, inputs, output: Path, explain: bool = False,
                    progress: bool | None = None, readings: dict | None = None,
                    inadmissible: list | None = None, chunk: int | None = None,
                    client=None) -> tuple[int, int, dict[str, int]]:
    """``batch.run_batch`` on a Dask cluster: (written, skipped, {status: count})."""
    from .batch import ResultsWriter, pending

    todo, skipped, statuses = pending(inputs, output)
    own = client is None
    if todo and own:
        client = connect(address)
    seen = {item[0] for item in inputs} - {item[0] for item in todo}     # already in the file
    try:
        with ResultsWriter(output, len(todo), seen, statuses, progress) as out:
            if todo:
                shared = client.scatter(payload, broadcast=True, hash=False)
                _in_order(client, _case_chunk, (shared, (explain, readings, inadmissible)), todo, chunk,
                          lambda results: [out.add(*r) for r in results])
    finally:
        if own and client is not None:
            client.close()
    return out.written, skipped, statuses


def rule_precedents(address: str, old_payload, new_payload, items, asked=None, progress=None,
                    chunk: int | None = None, client=None, each=None) -> list[dict] | None:
    """``precedents.rule_corpus`` on a Dask cluster: one record per item, in input order —
    returned, or given one by one to ``each``."""
    from .batch import Progress

    own = client is None
    if own and items:
        client = connect(address)
    out: list[dict] = []
    bar = Progress(len(items), progress)

    def collect(records):
        for r in records:
            each(r) if each else out.append(r)
        bar.step(len(records))
    try:
        if items:
            shared = [client.scatter(p, broadcast=True, hash=False) for p in (old_payload, new_payload)]
            _in_order(client, _precedent_chunk, (*shared, list(asked) if asked else None), items, chunk,
                      collect)
    finally:
        if own and client is not None:
            client.close()
        bar.close()
    return None if each else out
