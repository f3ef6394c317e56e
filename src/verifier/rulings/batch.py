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
DIFF_RUN = "versions"               # the field that marks a record of `verifier diff --cases --records`


def case_record_problem(record: dict) -> str | None:
    """Why a result record is not one of ``verifier case``'s (its first line is checked)."""
    if DIFF_RUN in record:
        return "it holds the records of `verifier diff --cases`, not of `verifier case`; give a new file name"
    return None


def results_problem(output: Path, tool: str = "`verifier case`", check=case_record_problem,
                    torn=(b'{"diagnostics": [', b'{"id": ', b'{"key": ')) -> str | None:
    """Why ``output`` cannot be this tool's JSON Lines results (to resume or create), or None.

    Refused: a folder, something that is not a regular file, a non-empty file whose first
    line is not a result record (a policy, a case file, anything else: it would be
    overwritten) or is one ``check`` refuses (another tool's, another run's), and a path
    that cannot be created or written. ``torn``: how a first record of this tool can begin
    (a first line torn by a crash mid-write is resumed, and cut).
    """
    from ..commands.common import output_problem

    problem = output_problem(output)
    if problem or not output.exists():
        return problem
    with open(output, "rb") as fh:
        first = fh.readline(1 << 20)
    if not first.strip():
        return None if output.stat().st_size <= len(first) else \
            f"it is not a results file of {tool} (its first line is blank)"
    try:
        record = json.loads(first)
    except ValueError:
        record = None
        if not first.endswith(b"\n") and first.startswith(tuple(torn)):
            return None             # one record torn by a crash mid-write: resumed (and cut)
    if not isinstance(record, dict) or not RESULT_KEYS <= set(record):
        return (f"it is not a results file of {tool} (its first line is not a "
                "{\"key\": …, \"status\": …} record); give a new file name")
    return check(record) if check else None


def done_keys(output: Path) -> set[str]:
    """Keys already written (see ``read_results``)."""
    return set(read_results(output)[0])


def read_results(output: Path, accept=None) -> tuple[dict[str, str], list[int]]:
    """{key: status} of the records already written, and the numbers of the lines that are
    not records (left in place: their cases are ruled again and appended). ``accept``
    (record -> bool): records it rejects count as lines that are not records.

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
        if record is None or (accept and not accept(record)):
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
                if accept and not accept(record):
                    bad.append(len(lines) + 1)
                else:
                    done[record["key"]] = record["status"]
    return done, bad


def iter_records(output: Path, accept=None):
    """Every whole record of a results file (``accept``: the ones it accepts), in file order."""
    with open(output, "rb") as fh:
        for raw in fh:
            if raw.endswith(b"\n"):
                record = _record_of(raw)
                if record is not None and (accept is None or accept(record)):
                    yield record


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


_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def dump_record(record: dict) -> str:
    """One JSON line; a string that cannot be UTF-8 (a lone surrogate from ``"\\ud800"``)
    is written escaped rather than crashing the writer, and so are the characters other
    readers take for a line break (U+0085, U+2028, U+2029: ``str.splitlines`` splits on
    them), so that every record stays one line to every reader."""
    line = json.dumps(record, ensure_ascii=False, sort_keys=True)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record, ensure_ascii=True, sort_keys=True)
    for char, escaped in _LINE_BREAKS.items():      # they occur only inside JSON strings
        line = line.replace(char, escaped)
    return line + "\n"


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


def pending(inputs, output: Path, accept=None) -> tuple[list, int, dict[str, int]]:
    """(inputs not yet in ``output``, how many are, {status: count} of those already written);
    creates the output's folder. ``accept``: as for ``read_results``."""
    output.parent.mkdir(parents=True, exist_ok=True)
    done, _bad = read_results(output, accept)
    todo = [item for item in inputs if item[0] not in done]
    keys = {item[0] for item in inputs}
    statuses: dict[str, int] = {}
    for key, status in done.items():
        if key in keys:
            statuses[status] = statuses.get(status, 0) + 1
    return todo, len(inputs) - len(todo), statuses


class Progress:
    """The progress bar on stderr (``enabled``: default, only when stderr is a terminal)."""

    def __init__(self, total: int, enabled: bool | None = None):
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.enabled = sys.stderr.isatty() if enabled is None else enabled

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.enabled:
            _bar(self.done, self.total, self.start)

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


class ResultsWriter:
    """Appends result lines to a results file, as every batch does: one ``os.write`` per
    line on an ``O_APPEND`` descriptor (a line is whole or, on a crash mid-write, a torn
    last line that the next run cuts), a key already in the file or written in this run
    never written again; counts the statuses and draws the progress bar."""

    def __init__(self, output: Path, total: int, seen=(), statuses: dict | None = None,
                 progress: bool | None = None):
        self.seen = set(seen)
        self.statuses = statuses if statuses is not None else {}
        self.written = 0
        self.progress = Progress(total, progress)
        self.fd = os.open(output, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def add(self, key: str, line: str, status: str) -> bool:
        if key in self.seen:                              # never twice
            return False
        os.write(self.fd, line.encode("utf-8"))          # one write per line: whole or truncated
        self.seen.add(key)
        self.written += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.progress.step()
        return True

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
            self.progress.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def pool(jobs: int, initializer, initargs: tuple):
    """The local process pool of every batch: forked workers (spawned where there is no
    fork), each initialised once."""
    return multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn").Pool(
        jobs, initializer=initializer, initargs=initargs)


def imap_in_order(function, items, jobs: int, initializer, initargs: tuple, chunk_cap: int = 64):
    """``function`` over the items in input order: in this process when ``jobs`` is 1 or
    there is at most one item, else on a pool of ``jobs`` worker processes (``initializer``
    gets ``initargs`` + ``(True,)`` there: it is a worker). The pool is stopped at once when
    the consumer stops early (Ctrl-C, an error)."""
    if jobs == 1 or len(items) <= 1:
        initializer(*initargs)
        yield from map(function, items)
        return
    workers = pool(min(jobs, len(items)), initializer, (*initargs, True))
    try:
        yield from workers.imap(function, items, chunksize=max(1, min(chunk_cap, len(items) // (jobs * 8) or 1)))
        workers.close()
        workers.join()
        workers = None
    finally:
        if workers:                                  # interrupted or failed: stop the workers now
            workers.terminate()
            workers.join()


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
    results = imap_in_order(_one, todo, jobs, _init_batch, (policy, explain, readings, inadmissible))
    with ResultsWriter(output, len(todo), statuses=statuses, progress=progress) as out:
        try:
            for item, (line, status) in zip(todo, results):
                out.add(item[0], line, status)
        finally:
            results.close()
    return out.written, skipped, statuses


def _init_batch(policy, explain, readings, inadmissible, worker: bool = False) -> None:
    _init(policy, explain, readings, worker, inadmissible)


def _bar(done: int, total: int, start: float) -> None:
    if done != total and done % 25:
        return
    width = 30
    filled = width * done // max(total, 1)
    rate = done / max(time.monotonic() - start, 1e-9)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {rate:.0f} cases/s")
    sys.stderr.flush()
