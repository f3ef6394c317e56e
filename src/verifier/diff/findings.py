"""Findings introduced, resolved and unchanged between two versions (by fingerprint)."""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable

from ..analysis import analyse
from ..model.policy import PolicySet
from .report import FindingsDelta


def findings_delta(old: PolicySet, new: PolicySet, *, timeout_ms: int = 10_000) -> FindingsDelta:
    """Analyse both versions and match their findings by fingerprint (not by line)."""
    return start_findings(old, new, timeout_ms=timeout_ms, background=False)()


def start_findings(old: PolicySet, new: PolicySet, *, timeout_ms: int = 10_000,
                   background: bool = True) -> Callable[[], FindingsDelta]:
    """Start analysing both versions; the function returned waits and matches the findings.

    With ``background`` and a second core, each version is analysed in a forked worker
    process while the caller goes on (the semantic diff); the findings are the same as in
    one process (witnesses are canonical). A worker that fails is redone here."""
    jobs = [_Job(p, timeout_ms, background) for p in (old, new)]
    return lambda: delta(*(job.result() for job in jobs))


class _Job:
    """One analysis, in a forked child when asked and possible, else on demand."""

    def __init__(self, policy: PolicySet, timeout_ms: int, background: bool):
        self.policy, self.timeout_ms = policy, timeout_ms
        self.conn = self.process = None
        if background and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("fork")
            self.conn, child = ctx.Pipe(duplex=False)
            try:
                process = ctx.Process(target=_work, args=(policy, timeout_ms, child), daemon=True)
                process.start()
                self.process = process
            except OSError:                    # no process to spare: analyse here on demand
                self.conn.close()
            child.close()

    def result(self):
        if self.process is not None:
            try:
                ok, value = self.conn.recv()
            except (EOFError, OSError):
                ok, value = False, None
            self.process.join()
            if ok:
                return value
        return analyse(self.policy, timeout_ms=self.timeout_ms).findings


def _work(policy: PolicySet, timeout_ms: int, conn) -> None:
    try:
        conn.send((True, analyse(policy, timeout_ms=timeout_ms).findings))
    except BaseException as exc:          # reported by redoing the work in the parent
        conn.send((False, repr(exc)))
    finally:
        conn.close()
        os._exit(0)


def delta(old_findings, new_findings) -> FindingsDelta:
    """Match two finding lists by fingerprint; properties by name (A409 / A410)."""
    old_fp = {f.fingerprint: f for f in old_findings}
    new_fp = {f.fingerprint: f for f in new_findings}
    introduced = tuple(f for f in new_findings if f.fingerprint not in old_fp)
    resolved = tuple(f for f in old_findings if f.fingerprint not in new_fp)
    unchanged = tuple(f for f in new_findings if f.fingerprint in old_fp)

    def props(findings, code):
        return {f.subject for f in findings if f.code == code}
    refuted = props(new_findings, "A409") - props(old_findings, "A409")
    proven = props(new_findings, "A410") - props(old_findings, "A410")
    return FindingsDelta(introduced, resolved, unchanged, tuple(sorted(refuted)),
                         tuple(sorted(proven)))
