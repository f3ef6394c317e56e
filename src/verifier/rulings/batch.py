"""Rulings for many cases: all cores, JSON Lines out, resumable.

Each result is one line ``{"key": …, …}`` appended with a single ``os.write`` on an
``O_APPEND`` descriptor, so a line is written whole or (on a crash mid-write) left
truncated at the end. On restart the output is read back, a truncated last line is cut
off, and cases whose key is already present are skipped: no case is lost or written twice.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

from ..cases import read_case_text
from ..cases.loader import CASE_SUFFIXES
from ..diagnostics.render import as_json

_ENGINE = None


def iter_inputs(paths) -> list[tuple[str, str, str, int, str]]:
    """(key, text, format, first line, file) for every case under the paths, in a fixed order.

    The key is the case's ``id`` when it has one, else ``file`` (or ``file:line`` for a
    JSON Lines file), relative to the folder given.
    """
    out = []
    for root in map(Path, paths):
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in CASE_SUFFIXES) \
            if root.is_dir() else [root]
        for f in files:
            name = str(f.relative_to(root)) if root.is_dir() else f.name
            text = f.read_text(encoding="utf-8")
            if f.suffix == ".jsonl":
                for number, line in enumerate(text.splitlines(), 1):
                    if line.strip():
                        out.append((f"{name}:{number}", line, "json", number, str(f)))
            else:
                out.append((name, text, "json" if f.suffix == ".json" else "yaml", 1, str(f)))
    return out


def done_keys(output: Path) -> set[str]:
    """Keys already written; cuts off a truncated (unparseable) last line."""
    if not output.exists():
        return set()
    data = output.read_bytes()
    keys, good = set(), 0
    for raw in data.splitlines(keepends=True):
        try:
            record = json.loads(raw)
        except ValueError:
            break
        if not raw.endswith(b"\n"):
            break
        keys.add(record["key"])
        good += len(raw)
    if good < len(data):
        with open(output, "r+b") as fh:
            fh.truncate(good)
    return keys


def _init(policy, explain: bool) -> None:
    global _ENGINE
    from .engine import RulingEngine

    _ENGINE = (RulingEngine(policy, certify=explain), policy, explain)


def _one(item) -> str:
    key, text, fmt, line, source = item
    engine, policy, explain = _ENGINE
    case, diags = read_case_text(text, source, policy, fmt, key=key, first_line=line)
    if case is None:
        record = {"key": key, "status": "error", "diagnostics": [as_json(d) for d in diags]}
    else:
        record = _record(engine, policy, case, key, explain)
    return json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"


def _record(engine, policy, case, key: str, explain: bool) -> dict:
    ident = case.key
    case = case.__class__(key, case.facts, case.readings, case.description, case.source, case.spans)
    record = _ruling_record(engine, policy, case, key, explain)
    if ident != key:
        record["id"] = ident
    return record


def _ruling_record(engine, policy, case, key: str, explain: bool) -> dict:
    from .model import outcome_text
    from .render import ruling_to_json

    if explain:
        ruling = engine.rule(case)
        data = ruling_to_json(ruling, policy)
        return {"key": key, "status": "ok" if ruling.admissible else "inadmissible", "ruling": data}
    tables = engine.statuses(case)
    if tables is None:
        ruling = engine.rule(case, explain=False)
        return {"key": key, "status": "inadmissible", "diagnostics": [as_json(d) for d in ruling.diagnostics]}
    verdicts = {}
    keyed = [(_reading_key(r), t) for r, t in tables.items()]
    for o in engine.outcomes:
        per = {key: t[o] for key, t in keyed}
        values = set(per.values())
        verdicts[outcome_text(o)] = values.pop() if len(values) == 1 else per
    return {"key": key, "status": "ok", "verdicts": verdicts}


def _reading_key(reading) -> str:
    return ",".join(f"{n}={str(v).lower()}" for n, v in reading) or "-"


def run_batch(policy, inputs, output: Path, jobs: int = 0, explain: bool = False,
              progress: bool | None = None) -> tuple[int, int]:
    """Rule every input not yet in ``output``; returns (written, skipped)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    done = done_keys(output)
    todo = [item for item in inputs if item[0] not in done]
    skipped = len(inputs) - len(todo)
    jobs = jobs or os.cpu_count() or 1
    progress = sys.stderr.isatty() if progress is None else progress
    fd = os.open(output, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    written, start = 0, time.monotonic()
    try:
        if jobs == 1:
            _init(policy, explain)
            results = map(_one, todo)
            pool = None
        else:
            pool = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn").Pool(
                jobs, initializer=_init, initargs=(policy, explain))
            results = pool.imap(_one, todo, chunksize=max(1, min(64, len(todo) // (jobs * 8) or 1)))
        for line in results:
            os.write(fd, line.encode("utf-8"))        # one write per line: whole or truncated
            written += 1
            if progress:
                _bar(written, len(todo), start)
        if pool:
            pool.close()
            pool.join()
    finally:
        os.close(fd)
        if progress:
            sys.stderr.write("\n")
    return written, skipped


def _bar(done: int, total: int, start: float) -> None:
    if done != total and done % 25:
        return
    width = 30
    filled = width * done // max(total, 1)
    rate = done / max(time.monotonic() - start, 1e-9)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {rate:.0f} cases/s")
    sys.stderr.flush()
