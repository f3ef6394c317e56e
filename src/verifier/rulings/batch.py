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


def iter_inputs(paths) -> list[tuple[str, str | None, str, int, str]]:
    """(key, text, format, first line, file) for every case under the paths, in a fixed order.

    The key is the case's ``id`` when it has one, else ``file`` (or ``file:line`` for a
    JSON Lines file), relative to the folder given. Input that cannot be read (not a
    regular file, unreadable, invalid UTF-8 in a file or in one JSON line) is an item of
    format ``error`` whose text is the reason and whose line/column say where: it becomes
    one ``error`` record, never an aborted batch.
    """
    out = []
    for root in map(Path, paths):
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in CASE_SUFFIXES) \
            if root.is_dir() else [root]
        for f in files:
            name = str(f.relative_to(root)) if root.is_dir() else f.name
            try:
                if not f.is_file():
                    raise OSError(0, "not a regular file")
                data = f.read_bytes()
            except OSError as exc:
                out.append((name, exc.strerror or str(exc), "error", 1, str(f)))
                continue
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            if f.suffix == ".jsonl":
                for number, raw in enumerate(data.split(b"\n"), 1):
                    raw = raw.rstrip(b"\r")
                    if not raw.strip():
                        continue
                    try:
                        out.append((f"{name}:{number}", raw.decode("utf-8"), "json", number, str(f)))
                    except UnicodeDecodeError as exc:
                        out.append((f"{name}:{number}", _bad_utf8(exc, raw), "error", number, str(f)))
            else:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    line = data[:exc.start].count(b"\n") + 1
                    out.append((name, _bad_utf8(exc, data), "error", line, str(f)))
                    continue
                out.append((name, text, "json" if f.suffix == ".json" else "yaml", 1, str(f)))
    return out


def _bad_utf8(exc: UnicodeDecodeError, data: bytes) -> str:
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return f"{column}:not valid UTF-8 (byte 0x{data[exc.start]:02x})"


RESULT_KEYS = {"key", "status"}


def results_problem(output: Path) -> str | None:
    """Why ``output`` cannot be this tool's JSON Lines results (to resume or create), or None.

    Refused: a folder, something that is not a regular file, a non-empty file whose first
    line is not a result record (a policy, a case file, anything else: it would be
    overwritten), and a path that cannot be created or written.
    """
    from ..commands.common import output_problem

    problem = output_problem(output)
    if problem or not output.exists():
        return problem
    with open(output, "rb") as fh:
        first = fh.readline(1 << 20)
    if not first.strip():
        return None if output.stat().st_size <= len(first) else \
            "it is not a results file of `verifier case` (its first line is blank)"
    try:
        record = json.loads(first)
    except ValueError:
        record = None
        if not first.endswith(b"\n") and first.startswith((b'{"diagnostics": [', b'{"id": ', b'{"key": ')):
            return None             # one record torn by a crash mid-write: resumed (and cut)
    if not isinstance(record, dict) or not RESULT_KEYS <= set(record):
        return ("it is not a results file of `verifier case` (its first line is not a "
                "{\"key\": …, \"status\": …} record); give a new file name")
    return None


def done_keys(output: Path) -> set[str]:
    """Keys already written (see ``read_results``)."""
    return set(read_results(output)[0])


def read_results(output: Path) -> tuple[dict[str, str], list[int]]:
    """{key: status} of the records already written, and the numbers of the lines that are
    not records (left in place: their cases are ruled again and appended).

    Only an unfinished last line (no newline: a crash mid-write) is cut off, and only if
    it is not a whole record (then it is completed with a newline); no valid record is
    ever dropped.
    """
    if not output.exists():
        return {}, []
    data = output.read_bytes()
    done, bad = {}, []
    lines = data.split(b"\n")
    tail = lines.pop()                      # b"" when the file ends with a newline
    for number, raw in enumerate(lines, 1):
        record = _record_of(raw)
        if record is None:
            if raw.strip():
                bad.append(number)
            continue
        done[record["key"]] = record["status"]
    if tail:
        record = _record_of(tail)
        with open(output, "r+b") as fh:
            if record is None:
                fh.truncate(len(data) - len(tail))
            else:
                fh.seek(0, os.SEEK_END)
                fh.write(b"\n")
                done[record["key"]] = record["status"]
    return done, bad


def _record_of(raw: bytes) -> dict | None:
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    if isinstance(record, dict) and isinstance(record.get("key"), str) and "status" in record:
        return record
    return None


def _init(policy, explain: bool, readings: dict | None = None, worker: bool = False,
          inadmissible: list | None = None) -> None:
    global _ENGINE
    from .engine import RulingEngine

    if worker:
        _worker_signals()
    engine = None if inadmissible else RulingEngine(policy, certify=explain)
    _ENGINE = (engine, policy, explain, dict(readings or {}), inadmissible)


def _worker_signals() -> None:
    """A worker ignores Ctrl-C (the parent stops the pool: no traceback per worker) and
    dies with its parent (Linux: PR_SET_PDEATHSIG), so a killed parent leaves no orphans."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)          # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() == 1:                                    # the parent is already gone
        os._exit(1)


MAX_RECORD_DIAGNOSTICS = 50


def _diagnostics_json(diags) -> dict:
    """The first MAX_RECORD_DIAGNOSTICS diagnostics (and how many were left off)."""
    out = {"diagnostics": [as_json(d) for d in diags[:MAX_RECORD_DIAGNOSTICS]]}
    if len(diags) > MAX_RECORD_DIAGNOSTICS:
        out["diagnostics_left_off"] = len(diags) - MAX_RECORD_DIAGNOSTICS
    return out


def _one(item) -> str:
    from ..diagnostics import diag
    from ..model import Span

    key, text, fmt, line, source = item
    engine, policy, explain, readings, inadmissible = _ENGINE
    if fmt == "error":
        column, _, reason = text.partition(":") if text[:1].isdigit() else ("1", "", text)
        diags = [diag("C500", Span(source, line, int(column)), reason=reason,
                      hint="save the case as UTF-8 in a regular file")]
        record = {"key": key, "status": "error", **_diagnostics_json(diags)}
    else:
        case, diags = read_case_text(text, source, policy, fmt, key=key, first_line=line)
        if case is None:
            record = {"key": key, "status": "error", **_diagnostics_json(diags)}
        elif inadmissible:
            record = {"key": key, "status": "inadmissible",
                      **_diagnostics_json([d.__class__(d.code, Span(source, line, 1), d.args, d.hint)
                                           for d in inadmissible])}
        else:
            record = _record(engine, policy, case, key, explain, readings)
    return dump_record(record), record["status"]


def dump_record(record: dict) -> str:
    """One JSON line; a string that cannot be UTF-8 (a lone surrogate from ``"\\ud800"``)
    is written escaped rather than crashing the writer."""
    line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record, ensure_ascii=True, sort_keys=True) + "\n"
    return line


def _record(engine, policy, case, key: str, explain: bool, readings: dict | None = None) -> dict:
    ident = case.key
    case_readings = case.readings
    if readings:
        case_readings = tuple(sorted({**dict(case.readings), **readings}.items()))
    case = case.__class__(key, case.facts, case_readings, case.description, case.source, case.spans)
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
    if set(dict(case.readings)) < set(policy.interpretations):
        # readings open: each outcome over the interpretations that can change it
        ruling = engine.rule(case, explain=False)
        if not ruling.admissible:
            return {"key": key, "status": "inadmissible", "diagnostics": [as_json(d) for d in ruling.diagnostics]}
        verdicts = {}
        for o in ruling.outcomes:
            per = {_reading_key(v.reading): v.status for v in o.verdicts}
            values = set(per.values())
            verdicts[outcome_text(o.outcome)] = values.pop() if len(values) == 1 else per
        return {"key": key, "status": "ok", "verdicts": verdicts}
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


def pending(inputs, output: Path) -> tuple[list, int, dict[str, int]]:
    """(inputs not yet in ``output``, how many are, {status: count} of those already written);
    creates the output's folder."""
    output.parent.mkdir(parents=True, exist_ok=True)
    done, _bad = read_results(output)
    todo = [item for item in inputs if item[0] not in done]
    keys = {item[0] for item in inputs}
    statuses: dict[str, int] = {}
    for key, status in done.items():
        if key in keys:
            statuses[status] = statuses.get(status, 0) + 1
    return todo, len(inputs) - len(todo), statuses


def run_batch(policy, inputs, output: Path, jobs: int = 0, explain: bool = False,
              progress: bool | None = None, readings: dict | None = None,
              inadmissible: list | None = None) -> tuple[int, int, dict[str, int]]:
    """Rule every input not yet in ``output``; returns (written, skipped, {status: count}
    over every input's record, the ones already present included).

    ``readings`` override each case's; ``inadmissible`` (C506 diagnostics of a policy whose
    assumptions admit no case at all) makes every record ``inadmissible`` without a solver.
    """
    todo, skipped, statuses = pending(inputs, output)
    jobs = jobs or os.cpu_count() or 1
    progress = sys.stderr.isatty() if progress is None else progress
    fd = os.open(output, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    written, start, pool = 0, time.monotonic(), None
    try:
        if jobs == 1 or len(todo) <= 1:
            _init(policy, explain, readings, inadmissible=inadmissible)
            results = map(_one, todo)
        else:
            pool = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn").Pool(
                jobs, initializer=_init, initargs=(policy, explain, readings, True, inadmissible))
            results = pool.imap(_one, todo, chunksize=max(1, min(64, len(todo) // (jobs * 8) or 1)))
        for line, status in results:
            os.write(fd, line.encode("utf-8"))        # one write per line: whole or truncated
            written += 1
            statuses[status] = statuses.get(status, 0) + 1
            if progress:
                _bar(written, len(todo), start)
        if pool:
            pool.close()
            pool.join()
            pool = None
    finally:
        if pool:                                     # interrupted or failed: stop the workers now
            pool.terminate()
            pool.join()
        os.close(fd)
        if progress:
            sys.stderr.write("\n")
    return written, skipped, statuses


def _bar(done: int, total: int, start: float) -> None:
    if done != total and done % 25:
        return
    width = 30
    filled = width * done // max(total, 1)
    rate = done / max(time.monotonic() - start, 1e-9)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {rate:.0f} cases/s")
    sys.stderr.flush()
