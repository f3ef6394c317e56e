"""The analysis of saved files, off the editor's path: one worker process (spawned, so the
solver never shares the server's interpreter lock with typing), a generation counter per
folder so that only the newest result is published, and a thread fallback where a
process cannot be started."""
from __future__ import annotations

import asyncio
import concurrent.futures as cf
import multiprocessing


def run_analysis(policy, timeout_ms: int):
    """What the worker runs: ``verifier.analysis.analyse`` on a checked policy set."""
    from ..analysis import analyse
    return analyse(policy, None, timeout_ms=timeout_ms)


class Background:
    """Runs ``run_analysis`` in a worker; ``submit`` returns the result, or None when a
    newer request for the same folder superseded it (or the worker failed)."""

    def __init__(self, use_process: bool = True):
        self.use_process = use_process
        self._pool: cf.Executor | None = None
        self._generation: dict[str, int] = {}
        self._lock: asyncio.Lock | None = None
        self.failures: list[str] = []

    def _executor(self) -> cf.Executor:
        if self._pool is None:
            if self.use_process:
                try:
                    ctx = multiprocessing.get_context("spawn")
                    self._pool = cf.ProcessPoolExecutor(max_workers=1, mp_context=ctx)
                except (OSError, ValueError, NotImplementedError) as exc:
                    self.failures.append(f"no worker process ({exc}); analysing in a thread")
                    self.use_process = False
            if self._pool is None:
                self._pool = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis")
        return self._pool

    async def submit(self, folder: str, policy, timeout_ms: int):
        """Analyse ``policy``; None if superseded or failed (the reason in ``failures``)."""
        generation = self._generation.get(folder, 0) + 1
        self._generation[folder] = generation
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:              # one analysis at a time; queued stale ones skip
            if self._generation.get(folder) != generation:
                return None
            loop = asyncio.get_running_loop()
            try:
                result = await loop.run_in_executor(self._executor(), run_analysis, policy, timeout_ms)
            except cf.process.BrokenProcessPool as exc:
                self.failures.append(f"the analysis worker stopped ({exc}); restarting it")
                self._pool = None
                return None
            except Exception as exc:        # noqa: BLE001 - reported, never raised at the editor
                self.failures.append(f"analysis failed: {type(exc).__name__}: {exc}")
                return None
        if self._generation.get(folder) != generation:
            return None
        return result

    def shutdown(self) -> None:
        """Stop the worker at once (an analysis still running is abandoned)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
