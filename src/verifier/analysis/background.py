"""One piece of work in a forked child process while the caller goes on.

Used by ``analyse(..., parallel=True)`` (``verifier check``): the reading-sensitivity
analysis compiles its own policies and solvers and reads nothing the other analyses
compute, so it runs on the second core. Its findings are canonical (least witnesses), so
they are the same whichever process computes them. Wherever a child cannot be had or
would not pay (one core, a busy machine, no fork, a daemon process, a failure in the
child), the work is done in the caller when its result is asked for.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Generic, Optional, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """``work()`` started in a forked child; ``result()`` waits for it (or runs it here)."""

    def __init__(self, work: Callable[[], T]):
        self.work = work
        self.conn = self.process = None
        if not _can_fork():
            return
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe(duplex=False)
        try:
            process = ctx.Process(target=_child, args=(work, child), daemon=True)
            process.start()
            self.process = process
        except OSError:
            self.conn.close()
            self.conn = None
        child.close()

    def result(self) -> T:
        if self.process is not None:
            try:
                ok, value = self.conn.recv()
            except (EOFError, OSError):
                ok, value = False, None
            self._close()
            if ok:
                return value
        return self.work()

    def discard(self) -> None:
        """Stop the child (its result is not wanted)."""
        if self.process is not None:
            self.process.kill()
            self._close()

    def _close(self) -> None:
        self.process.join()
        self.conn.close()
        self.process = None


def _can_fork() -> bool:
    """A fork pays only with a core to spare: on a machine already busy (load average of
    the last minute above cores - 1) the child's copy-on-write faults and the contention
    cost more than the overlap saves (measured: +0.3 s on `check policy/` at load 5 of 2
    cores), so the work is then done in the caller."""
    cores = os.cpu_count() or 1
    try:
        idle = os.getloadavg()[0] < cores - 1
    except OSError:
        idle = False
    return (cores > 1 and idle and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


def _child(work: Callable, conn) -> None:
    value: Optional[tuple] = None
    try:
        value = (True, work())
    except BaseException as exc:          # redone (and reported) in the parent
        value = (False, repr(exc))
    try:
        conn.send(value)
    except BaseException:                 # an unpicklable result: the parent redoes it
        conn.send((False, "unpicklable"))
    finally:
        conn.close()
        os._exit(0)
