"""Where an exploration's chunks run: in this process, a local process pool, or Dask.

Every engine runs the same functions (:func:`~detente.strategy.explore.evaluate.evaluate_chunk`
and, for the first pass, :func:`~detente.strategy.explore.evaluate.evaluate_profiles`) on the
same chunks, so results do not depend on the engine or on the number of workers.

* :class:`Serial` (``workers=1``): chunks one after another in the calling process;
* :class:`Pool`: a :class:`concurrent.futures.ProcessPoolExecutor` of ``spawn`` workers;
* :class:`Dask`: tasks on a running scheduler, or on a :class:`distributed.LocalCluster` of
  single-threaded worker processes started for the run (Rocklin 2015, *Dask: Parallel
  Computation with Blocked algorithms and Task Scheduling*); a worker that dies has its tasks
  rescheduled on the others.

This module imports nothing heavy: an engine is started first, so that its workers spawn and
import the models while the driving process imports them too and loads the scenario (issue
15). Workers unpickle :func:`warm_up` and :func:`worker_init` from here.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from detente.errors import InputError

if TYPE_CHECKING:
    from detente.strategy.explore.evaluate import Chunk, ChunkResult, Job, ProfileResult

#: How to install Dask (and pyarrow) when they are missing (also :mod:`.store`'s hint).
EXTRA_HINT = "pip install 'detente[distributed]'"


def warm_up() -> None:
    """Import what evaluating a chunk needs, in a worker that has just started (run while
    the driving process is still preparing the job, so the first tasks start at once)."""
    import detente.bargain.spec
    import detente.loading
    import detente.strategy.analysis
    import detente.strategy.explore.evaluate
    import detente.verify.spec  # noqa: F401


def worker_init() -> None:
    """Initialiser of local pool workers: leave Ctrl-C to the driving process."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Serial:
    """Chunks one after another in this process."""

    name = "serial"
    workers = 1

    def started(self) -> bool:
        """Whether the workers are up (without waiting for them)."""
        return True

    def run(self, job: Job, chunks: Sequence[Chunk]) -> Iterator[ChunkResult]:
        """:func:`evaluate_chunk` on each chunk, results as they finish."""
        from detente.strategy.explore.evaluate import evaluate_chunk

        yield from self._map(evaluate_chunk, job, chunks, "detente-explore")

    def map_profiles(self, job: Job, groups: Sequence[Sequence[Any]]
                     ) -> Iterator[ProfileResult]:
        """The first pass: :func:`evaluate_profiles` on each group of profiles."""
        from detente.strategy.explore.evaluate import evaluate_profiles

        yield from self._map(evaluate_profiles, job, groups, "detente-profiles")

    def _map(self, fn: Callable[..., Any], job: Job, items: Sequence[Any], name: str
             ) -> Iterator[Any]:
        """``fn(job, item)`` for each item; the one place an engine runs work."""
        for item in items:
            yield fn(job, item)

    def close(self, cancel: bool) -> None:
        return None


def fork_is_safe() -> bool:
    """Whether workers may be forked from this process: on Linux, with no other thread.

    A forked worker inherits the modules this process has imported and the models it has
    built, so it starts at once (a spawned one imports the models afresh: about a second).
    Forking a process with other threads (a notebook kernel's, say) can leave the child
    waiting on a lock another thread held, so then workers are spawned. macOS can fork but
    its system libraries are not fork-safe, so it spawns too.
    """
    import multiprocessing
    import sys

    return (sys.platform.startswith("linux") and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


class Pool(Serial):
    """A local pool of worker processes: forked when the workers are first needed, where
    :func:`fork_is_safe`, else spawned at once (they import the models while the driver
    loads the scenario)."""

    name = "pool"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.fork = fork_is_safe()
        self.pool: Any = None  # kept for both passes: workers keep their contexts
        self.warm: list[Any] = []
        if not self.fork:
            self._open()

    def _open(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("fork" if self.fork else "spawn"),
                initializer=worker_init)
            if not self.fork:
                self.warm = [self.pool.submit(warm_up) for _ in range(self.workers)]
        return self.pool

    def started(self) -> bool:
        return all(f.done() for f in self.warm)

    def _map(self, fn: Callable[..., Any], job: Job, items: Sequence[Any], name: str
             ) -> Iterator[Any]:
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        if not items:
            return
        pool = self._open()
        futures = [pool.submit(fn, job, c) for c in items]
        try:
            for f in as_completed(futures):
                yield f.result()
        except BrokenProcessPool:
            raise InputError("a worker process died; run again with --resume to complete the "
                             "missing samples") from None

    def close(self, cancel: bool) -> None:
        if self.pool is None:
            return
        if cancel:
            procs = list(getattr(self.pool, "_processes", {}).values())
            self.pool.shutdown(wait=False, cancel_futures=True)
            for p in procs:  # do not wait for chunks that will be recomputed anyway
                p.terminate()
        else:
            self.pool.shutdown(wait=True)
        self.pool = None


def dask_module(scheduler: str | None) -> Any:
    try:
        import distributed
    except ImportError:
        flag = "--scheduler" if scheduler else "--cluster"
        raise InputError(f"{flag} needs Dask distributed: {EXTRA_HINT}") from None
    return distributed


class Dask(Serial):
    """Dask: a running scheduler, or a local cluster: forked when first needed where
    :func:`fork_is_safe`, else spawned on a thread at once."""

    name = "dask"

    def __init__(self, scheduler: str | None, cluster: str | None) -> None:
        self.cluster: Any = None
        self.client: Any = None
        self.futures: list[Any] = []
        self._starting: threading.Thread | None = None
        self._deferred: Any = None
        self._failed: BaseException | None = None
        if cluster is not None:
            self.workers = _local_workers(cluster)
            # imported here, not on the thread: two threads importing and loading at once
            # share one interpreter lock, and the cluster would start later
            distributed = dask_module(None)
            if fork_is_safe():
                # forked when first needed, from this process with the models built
                self._deferred = distributed
            else:
                # started on a thread: the worker processes spawn and import the engine
                # while the driver loads the scenario (about a second of a 2-core machine)
                self._starting = threading.Thread(
                    target=self._start_local, args=(distributed,), daemon=True,
                    name="detente-dask-start")
                self._starting.start()
        else:
            distributed = dask_module(scheduler)
            try:
                self.client = distributed.Client(scheduler, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(f"cannot reach the Dask scheduler at {scheduler}: "
                                 f"{exc}".replace("\n", " ")) from None
            self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def _start_local(self, distributed: Any, fork: bool = False) -> None:
        try:
            import logging

            with local_worker_config(fork):
                self.cluster = distributed.LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR)
            self.client = distributed.Client(self.cluster, set_as_default=False)
            if not fork:
                self.client.run(warm_up)
        except BaseException as exc:  # re-raised in the driving thread by _ready
            self._failed = exc

    def started(self) -> bool:
        return self._starting is None or not self._starting.is_alive()

    def _ready(self) -> Any:
        if self._deferred is not None:
            distributed, self._deferred = self._deferred, None
            self._start_local(distributed, fork=True)
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        if self._failed is not None:
            failed, self._failed = self._failed, None
            raise failed
        return self.client

    def _map(self, fn: Callable[..., Any], job: Job, items: Sequence[Any], name: str
             ) -> Iterator[Any]:
        import distributed

        self._ready()
        # the job (with the first pass's results) goes to each worker once, not once a task
        shared = self.client.scatter(job, broadcast=True, hash=False)
        batch = uuid.uuid4().hex[:8]  # keys never meet another run's on a shared scheduler
        self.futures = [
            self.client.submit(fn, shared, item, key=f"{name}-{job.key[:16]}-{batch}-{k}",
                               pure=False)
            for k, item in enumerate(items)
        ]
        for f in distributed.as_completed(self.futures, loop=self.client.loop):
            yield f.result()

    def close(self, cancel: bool) -> None:
        self._deferred = None  # a cluster never started has nothing to close
        try:
            self._ready()
        except BaseException:  # a cluster that failed to start has nothing to close
            pass
        try:
            if self.client is not None:
                if cancel and self.futures:
                    self.client.cancel(self.futures)
                self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def local_worker_config(fork: bool = False) -> Any:
    """Dask settings for the workers of a local cluster started for one run.

    Two defaults of Dask's cost the engine about a fifth of its speed, measured on korea-2017
    (``benchmarks/explore_scaling.py``; issue 15):

    * the nanny starts each worker with ``MALLOC_TRIM_THRESHOLD_=65536``, which makes glibc
      return freed memory to the system at once, so every large numpy array the engine
      allocates is mapped and faulted in afresh (a long-lived shared worker gains from
      handing memory back; a worker that lives for one run does not);
    * the statistical profiler samples each task's stack every 10 ms.

    The other variables the nanny sets (one BLAS/OpenMP thread per worker) are kept. With
    ``fork`` the nannies fork their workers from this process (see :func:`fork_is_safe`),
    which Dask allows with ``distributed.worker.multiprocessing-method``. Workers of a
    scheduler the user runs are left as the user configured them.
    """
    import dask

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}) or {})
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    settings: dict[str, Any] = {"distributed.nanny.pre-spawn-environ": environ,
                                "distributed.worker.profile.enabled": False}
    if fork:
        settings["distributed.worker.multiprocessing-method"] = "fork"
    return dask.config.set(settings)


def _local_workers(spec: str) -> int:
    head, _, n = spec.partition(":")
    if head != "local" or not n.isdigit() or int(n) < 1:
        raise InputError(f"--cluster must be local:N with N >= 1 workers; got {spec!r}")
    return int(n)


def start(workers: int | None, scheduler: str | None, cluster: str | None) -> Serial:
    """Start the engine the settings ask for (its workers start in the background)."""
    if scheduler or cluster:
        return Dask(scheduler, cluster)
    n = workers if workers is not None else (os.cpu_count() or 1)
    return Serial() if n == 1 else Pool(n)
