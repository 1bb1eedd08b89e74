"""Background runs: admission, one process per run, time limit, cancellation, recovery.

Why processes and not threads: an analysis is CPU-bound Python and NumPy code; a thread would
hold the interpreter lock against the pages, and a thread cannot be stopped at the time
limit. Each run therefore computes in its own process, watched by a supervisor thread that
relays progress to the database, stops the process at the limit (or on cancel) and stores
the result in one transaction. On Linux the processes come from a fork server that has
already imported the analysis stack, so a run starts in milliseconds rather than the second
or two that importing NumPy, SciPy and Matplotlib takes; elsewhere they are spawned.

At most ``settings.workers`` runs compute at once; up to ``settings.max_runs`` may be waiting
or computing, and one more is refused (:class:`TooManyRuns`, HTTP 429). Runs that a stopped
server leaves waiting or computing are marked ``interrupted`` (at shutdown, and again at the
next start in case the server was killed).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from typing import Any

from detente.web.settings import Settings
from detente.web.store import ResultData, Store

log = logging.getLogger("detente.web")

_CONTEXT_LOCK = threading.Lock()
_CONTEXT: BaseContext | None = None


def process_context() -> BaseContext:
    """The multiprocessing context of run processes (a preloading fork server when
    available, else spawn)."""
    global _CONTEXT
    with _CONTEXT_LOCK:
        if _CONTEXT is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(["detente.web._preload"])
                _CONTEXT = ctx
            else:  # pragma: no cover - Windows
                _CONTEXT = multiprocessing.get_context("spawn")
        return _CONTEXT


def start_process_server() -> None:
    """Start the fork server now (it imports the analysis stack), so the first run does not
    wait for it; nothing to do where runs are spawned."""
    ctx = process_context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


class TooManyRuns(Exception):  # noqa: N818 - a condition, as the other errors of detente
    """Every run slot is taken."""


@dataclass
class _Active:
    rid: int
    cancelled: bool = False
    process: Any = None
    started: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class RunManager:
    """Runs analyses in the background.

    Parameters
    ----------
    store
        Where runs and results are recorded.
    settings
        ``workers``, ``max_runs`` and ``run_timeout`` are used.
    """

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._lock = threading.Lock()
        self._active: dict[int, _Active] = {}
        self._reserved = 0
        self._closed = False
        self._executor = ThreadPoolExecutor(max_workers=max(1, settings.workers),
                                            thread_name_prefix="detente-run")

    # -- admission -------------------------------------------------------------------------
    def reserve(self) -> None:
        """Take a run slot (release it with :meth:`release` if the run is not started).

        Raises
        ------
        TooManyRuns
            When ``max_runs`` runs are already waiting or computing.
        """
        with self._lock:
            if self._closed:
                raise TooManyRuns("the server is shutting down")
            if len(self._active) + self._reserved >= self.settings.max_runs:
                raise TooManyRuns(
                    f"{self.settings.max_runs} runs are already waiting or running (the "
                    "limit); wait for one to finish and try again")
            self._reserved += 1

    def release(self) -> None:
        """Give back a slot taken by :meth:`reserve` without starting a run."""
        with self._lock:
            self._reserved = max(0, self._reserved - 1)

    def start(self, rid: int, job: dict[str, Any]) -> None:
        """Queue run ``rid`` (stored as ``queued``) in the slot taken by :meth:`reserve`."""
        with self._lock:
            self._reserved = max(0, self._reserved - 1)
            self._active[rid] = _Active(rid)
        try:
            self._executor.submit(self._supervise, rid, job)
        except RuntimeError:  # shutting down: the run will not start
            with self._lock:
                self._active.pop(rid, None)
            self.store.finish_run(rid, "interrupted", "the server stopped before this run "
                                  "started; start it again")

    @property
    def active(self) -> int:
        """Runs waiting or computing."""
        with self._lock:
            return len(self._active)

    def cancel(self, rid: int) -> bool:
        """Ask run ``rid`` to stop; returns whether it was waiting or computing."""
        with self._lock:
            a = self._active.get(rid)
            if a is None:
                return False
            a.cancelled = True
            return True

    # -- one run ---------------------------------------------------------------------------
    def _supervise(self, rid: int, job: dict[str, Any]) -> None:
        try:
            self._run(rid, job)
        except Exception:  # the supervisor must never lose a run
            log.exception("run %s: supervisor failed", rid)
            if not self._closed:
                self.store.finish_run(rid, "failed", "internal error while supervising the "
                                      "run; see the server log")
        finally:
            with self._lock:
                self._active.pop(rid, None)

    def _run(self, rid: int, job: dict[str, Any]) -> None:
        with self._lock:
            a = self._active[rid]
        if self._closed:
            return  # left queued; close() marks it interrupted
        if a.cancelled:
            self.store.finish_run(rid, "cancelled", "cancelled before it started")
            return
        from detente.web.work import child_main

        ctx = process_context()
        timeout = float(self.settings.run_timeout)
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=child_main, args=(send, job), daemon=True,  # type: ignore[attr-defined]
                           name=f"detente-run-{rid}")
        self.store.mark_running(rid)
        t0 = time.monotonic()
        proc.start()
        send.close()
        with self._lock:
            a.process = proc
            a.started = t0
        status: str | None = None
        error: str | None = None
        result: dict[str, Any] | None = None
        try:
            while True:
                if self._closed:
                    return
                if a.cancelled:
                    status, error = "cancelled", "cancelled while running"
                    break
                remaining = t0 + timeout - time.monotonic()
                if remaining <= 0:
                    status = "timeout"
                    error = (f"the run took longer than the time limit of {timeout:g} s and was "
                             "stopped; choose fewer variants, leave out the sensitivity pass, "
                             "or start the server with a longer --run-timeout")
                    break
                if not recv.poll(min(0.2, remaining)):
                    if not proc.is_alive() and not recv.poll(0):
                        status, error = "failed", _died(proc)
                        break
                    continue
                try:
                    msg = recv.recv()
                except (EOFError, OSError):
                    proc.join(5)
                    status, error = "failed", _died(proc)
                    break
                if msg[0] == "progress":
                    self.store.set_progress(rid, float(msg[1]), str(msg[2]))
                elif msg[0] == "done":
                    status, result = "done", msg[1]
                    break
                else:
                    status, error = "failed", str(msg[2])
                    break
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(10)
            recv.close()
        if self._closed:
            return
        if result is not None:
            data = ResultData(view=result["view"], report_json=result["report_json"],
                              report_html=result["report_html"], figures=result["figures"])
            self.store.finish_run(rid, "done", None, data)
        else:
            self.store.finish_run(rid, status or "failed", error)

    # -- shutdown ----------------------------------------------------------------------------
    def close(self) -> None:
        """Stop every run; runs not finished are marked ``interrupted``."""
        with self._lock:
            self._closed = True
            procs = [a.process for a in self._active.values() if a.process is not None]
        for p in procs:
            if p.is_alive():
                p.kill()
        self._executor.shutdown(wait=True, cancel_futures=True)
        n = self.store.interrupt_active()
        if n:
            log.warning("%d unfinished run(s) marked interrupted", n)


def _died(proc: Any) -> str:
    code = proc.exitcode
    if code is not None and code < 0:
        return (f"the analysis process was killed by signal {-code} (out of memory?); choose "
                "fewer variants or reduce the scenario")
    return f"the analysis process ended unexpectedly (exit code {code})"
