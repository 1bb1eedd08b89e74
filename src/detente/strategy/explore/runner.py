"""Run an exploration: sample, evaluate chunks on a process pool or Dask, store, merge.

The engines (in this process, a local process pool, Dask) are in
:mod:`detente.strategy.explore.engines`. The engine starts before anything else: spawned
workers import the models while this process loads the scenario and prepares the run, and
forked ones start when first needed, with the models this process has built.

All engines run the same function (:func:`~detente.strategy.explore.evaluate.evaluate_chunk`)
on the same chunks, whose points come from one design computed here, so results do not
depend on the engine or on the number of workers. The process that drives the run writes
every finished chunk at once (atomically) and keeps a manifest; ``resume=True`` completes
only the missing chunks (see :mod:`detente.strategy.explore.store`).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import detente
from detente.display import DisplayMixin, NotebookProgress, in_notebook
from detente.errors import InputError
from detente.strategy.explore import engines

if TYPE_CHECKING:
    from detente.scenario import Scenario
    from detente.strategy.explore.evaluate import Chunk, Job
    from detente.strategy.explore.store import ResultStore

#: Concepts an exploration can use (as ``detente analyze``).
EXPLORE_CONCEPTS = ("nash", "gmr", "smr", "seq")
MAX_CHUNK = 25


@dataclass(frozen=True)
class RunReport(DisplayMixin):
    """What a run did (``seconds`` and the worker sums are timings, not results).

    Attributes
    ----------
    out
        The results file.
    samples, variants, rows
        Samples, variants in row order, and rows in the file (samples x variants).
    chunks, chunks_run, chunks_reused
        Chunks in the run; evaluated now; found done on disk (``resume``).
    engine, workers
        ``"serial"``, ``"pool"``, ``"dask"`` or ``"none"`` (nothing to do), and its workers.
    seconds
        Wall time of the run.
    worker_s, engine_s, models_s, setup_s
        Summed over chunks evaluated now: time in ``evaluate_chunk``; in the GMCR engine
        (payoffs, stability, status-quo search); in the bargaining and verification models;
        building the per-process context (scenario, variants, state spaces).
    engine_calls, cache_hits
        Engine evaluations, and those answered by the per-process memo.
    """

    out: str
    samples: int
    variants: tuple[str, ...]
    rows: int
    chunks: int
    chunks_run: int
    chunks_reused: int
    engine: str
    workers: int
    seconds: float
    worker_s: float = 0.0
    engine_s: float = 0.0
    models_s: float = 0.0
    setup_s: float = 0.0
    engine_calls: int = 0
    cache_hits: int = 0


ChunkCallback = Callable[[int, int, int], None]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def explore(
    source: str | os.PathLike[str] | Scenario | None,
    out: str | os.PathLike[str],
    samples: int,
    *,
    seed: int = 0,
    method: str = "lhs",
    variants: Sequence[str] | None = None,
    concept: str = "seq",
    coalitions: bool = True,
    workers: int | None = None,
    scheduler: str | None = None,
    cluster: str | None = None,
    resume: bool = False,
    chunk_size: int | None = None,
    cache: bool = True,
    progress: bool | None = None,
    on_chunk: ChunkCallback | None = None,
) -> RunReport:
    """Explore a scenario's variants over its ``uncertainties:`` and write one row per
    (sample, variant).

    Parameters
    ----------
    source
        A scenario path, a loaded base :class:`Scenario`, or ``None`` for korea-2017.
    out
        Results file, ``.parquet`` (needs pyarrow) or ``.csv``.
    samples
        Number of samples ``N``.
    seed, method
        Seed and sampling method (``"lhs"`` or ``"mc"``; see
        :mod:`detente.strategy.explore.sampling`).
    variants
        Variant ids (``"base"`` for the base model); default: every variant of the file, or
        the base model when it has none.
    concept
        Stability concept for equilibria: ``nash``, ``gmr``, ``smr`` or ``seq`` (default, as
        ``detente analyze``).
    coalitions
        Let each variant's coalitions move jointly in the status-quo search (default); with
        ``False`` only unilateral improvements move the conflict (faster, and the variants
        that rely on joint action lose it).
    workers
        Local pool size (default: the number of CPUs); ``1`` evaluates in this process.
    scheduler, cluster
        Run on Dask: the address of a running scheduler, or ``"local:N"`` for a local
        cluster of ``N`` worker processes.
    resume
        Complete an interrupted run with the same settings (only missing chunks are run).
    chunk_size
        Samples per task (default: up to 25, about eight tasks per worker).
    cache
        Memoise engine results per process by preference profile.
    progress
        Show a progress bar on stderr (default: only when stderr is a terminal).
    on_chunk
        Called as ``on_chunk(index, done, total)`` after each chunk is stored.

    Returns
    -------
    RunReport
        Counts and timings of the run.

    Raises
    ------
    ValueError
        Bad settings, a resumed run whose settings differ, a missing optional dependency.
    ScenarioError
        Bad scenario or ``uncertainties:`` section (one line with file, line and field).
    """
    t0 = time.perf_counter()
    if concept not in EXPLORE_CONCEPTS:
        raise InputError(f"--concept must be one of {', '.join(EXPLORE_CONCEPTS)}; "
                         f"got {concept!r}")
    if scheduler and cluster:
        raise InputError("give --scheduler or --cluster, not both")
    if workers is not None and workers < 1:
        raise InputError(f"--workers must be at least 1; got {workers}")
    if chunk_size is not None and chunk_size < 1:
        raise InputError(f"--chunk-size must be at least 1; got {chunk_size}")
    # the engine first: spawned workers import the models while this process loads the
    # scenario; forked ones start when first needed, inheriting the models built here
    engine = engines.start(workers, scheduler, cluster)
    store: ResultStore | None = None
    try:
        # imported while the engine's workers start (the models, scipy, pydantic)
        from detente.strategy.explore.evaluate import Chunk, make_job, result_schema
        from detente.strategy.explore.sampling import design, design_digest
        from detente.strategy.explore.spec import parse_uncertainties, variant_scenarios
        from detente.strategy.explore.store import ResultStore
        from detente.strategy.spec import tracked_outcomes

        base = _load(source)
        vids = _variant_ids(base, variants)
        every = variant_scenarios(base, ["base", *[v.id for v in base.variants]])
        space = parse_uncertainties(base, every)
        schema = result_schema(base, space)
        points = design(samples, space.dimension, seed, method)
        config = {
            "scenario": base.name,
            "scenario_file": Path(base.source).name,
            "digest": base.digest,
            "variants": list(vids),
            "concept": concept,
            "coalitions": coalitions,
            "method": method,
            "seed": seed,
            "samples": samples,
            "design": design_digest(points),
            "parameters": [p.describe() for p in space.parameters],
            "outcomes": [label for label, _ in space.outcomes]
            or [t.id for t in tracked_outcomes(base)],
            "schema": [list(c) for c in schema],
            "detente": detente.__version__,
        }
        store = ResultStore(out, schema, config)
        manifest = store.read_manifest()
        if manifest is not None and not resume:
            raise InputError(
                f"{store.parts} holds an interrupted run; pass --resume to complete it, or "
                "delete that folder to start again")
        if resume and manifest is not None:
            _same_config(manifest.get("config", {}), config, store.parts)
        elif resume and store.out.is_file() and _complete(store.out, config):
            engine.close(cancel=True)
            return RunReport(str(store.out), samples, vids, samples * len(vids), 0, 0, 0,
                             "none", 0, time.perf_counter() - t0)
        if resume and manifest is not None:
            size = int(manifest.get("chunk_size") or 1)
        else:
            store.reset()
            size = chunk_size or _default_chunk(samples, engine.workers)
        bounds = {i: (lo, min(samples, lo + size))
                  for i, lo in enumerate(range(0, samples, size))}
        done = set(store.scan(bounds, len(vids))) if resume else set()
        store.write_manifest(config, size, len(bounds))
        todo = [Chunk(i, lo, hi, points[lo:hi]) for i, (lo, hi) in bounds.items()
                if i not in done]
        job = make_job(base, vids, concept, coalitions, 4096 if cache else 0)
        store.log([{"event": "start", "time": _now(), "engine": engine.name,
                    "workers": engine.workers, "chunks": len(bounds), "todo": len(todo),
                    "chunk_size": size, "resume": resume}], fresh=not resume)
        sums = {"seconds": 0.0, "engine_s": 0.0, "models_s": 0.0, "setup_s": 0.0,
                "engine_calls": 0, "cache_hits": 0}
        if cache and engine.workers > 1 and todo:
            job, todo = _first_pass(job, todo, engine, sums, store)
        done_samples = sum(bounds[i][1] - bounds[i][0] for i in done)
        with _Progress(samples, done_samples, progress) as bar:
            for res in engine.run(job, todo):
                store.write_chunk(res.index, res.columns)
                store.write_manifest(config, size, len(bounds))
                for k in sums:
                    sums[k] += res.stats.get(k, 0)
                lo, hi = bounds[res.index]
                store.log([{"event": "chunk", "chunk": res.index, "samples": [lo, hi],
                            "time": _now(), **res.stats}])
                bar.advance(hi - lo)
                if on_chunk is not None:
                    on_chunk(res.index, len(store.done), len(bounds))
    except BaseException as exc:
        engine.close(cancel=True)
        if store is not None and store.parts.is_dir():
            store.log([{"event": "interrupted", "time": _now(), "done": len(store.done),
                        "error": type(exc).__name__}])
        raise
    engine.close(cancel=False)
    store.merge(len(bounds))
    seconds = time.perf_counter() - t0
    store.log([{"event": "finish", "time": _now(), "seconds": seconds}])
    return RunReport(
        str(store.out), samples, vids, samples * len(vids), len(bounds), len(todo), len(done),
        engine.name, engine.workers, seconds, sums["seconds"], sums["engine_s"],
        sums["models_s"], sums["setup_s"], int(sums["engine_calls"]), int(sums["cache_hits"]),
    )


def _first_pass(job: Job, todo: Sequence[Chunk], engine: engines.Serial, sums: dict[str, Any],
                store: ResultStore) -> tuple[Job, list[Chunk]]:
    """Analyse each (variant, preference profile) met in more than one chunk once, split
    across the workers, and return ``job`` carrying those results for the sample pass, with
    the chunks in the order to run them: those with the most engine runs left first.

    Without it every worker keeps its own memo, so a profile met by samples in chunks on
    different workers is analysed once per worker (issue 15: 248 engine calls with one worker,
    373 with two). Profiles met in one chunk only are left to that chunk: analysing them
    beforehand would only add a wait for the slowest worker between two passes (korea-2017,
    200 samples: 111 of 1,048 distinct profiles are shared between chunks). Running the
    costliest chunks first (longest processing time first; Graham 1969, *Bounds on
    multiprocessing timing anomalies*) keeps the workers from waiting on one last long chunk.
    While the workers are still starting (spawning, importing the engine), this process
    analyses shared profiles itself, one at a time, and hands the rest over once they are up.
    Results do not change: an engine result is a pure function of the profile, and chunks
    are stored by index. When the shared profiles outnumber the memo, the first pass is
    skipped.
    """
    from detente.strategy.explore.evaluate import evaluate_profiles, plan_profiles

    plan = plan_profiles(job, todo)
    order = sorted(todo, key=lambda c: (-plan.own[c.index], c.start - c.stop, c.index))
    items = plan.shared
    if len(items) > job.cache_size or len(items) < 2:
        return job, order
    t0 = time.perf_counter()
    # while the workers are still starting, this process analyses profiles itself
    results: list[Any] = []
    while len(results) < len(items) - 1 and not engine.started():
        results.append(evaluate_profiles(job, items[len(results):len(results) + 1]))
    local = len(results)
    rest = items[local:]
    n = min(len(rest), engine.workers * 4)
    results.extend(engine.map_profiles(job, [rest[k::n] for k in range(n)]))
    entries = [entry for res in results for entry in res.entries]
    for res in results:
        for k in ("engine_s", "setup_s", "engine_calls", "cache_hits"):
            sums[k] += res.stats.get(k, 0)
    store.log([{"event": "first pass", "time": _now(), "profiles": plan.distinct,
                "shared": len(items), "by_driver": local,
                "seconds": time.perf_counter() - t0}])
    return replace(job, memo=tuple(entries)), order


def _load(source: str | os.PathLike[str] | Scenario | None) -> Scenario:
    """The base scenario to explore; one with no feasible state is refused (one line)."""
    from detente.conflict.statespace import check_some_feasible
    from detente.loading import load_scenario
    from detente.scenario import Scenario

    if isinstance(source, Scenario):
        if source.variant is not None:
            raise InputError("explore the base scenario, not a variant; choose variants with "
                             "--variant")
        base = source
    else:
        base = load_scenario(detente.scenario_path() if source is None else source)
    check_some_feasible(base)
    return base


def _variant_ids(base: Scenario, variants: Sequence[str] | None) -> tuple[str, ...]:
    known = [v.id for v in base.variants]
    if not variants:
        return tuple(known) or ("base",)
    out: list[str] = []
    for v in variants:
        for part in str(v).split(","):
            part = part.strip()
            if not part:
                continue
            if part != "base" and part not in known:
                raise InputError(f"unknown variant {part!r}; choose from "
                                 f"{', '.join(['base', *known])}")
            if part not in out:
                out.append(part)
    return tuple(out) or tuple(known) or ("base",)


def _default_chunk(samples: int, workers: int) -> int:
    return max(1, min(MAX_CHUNK, math.ceil(samples / (8 * max(1, workers)))))


def _same_config(old: dict[str, Any], new: dict[str, Any], parts: Path) -> None:
    for key in new:
        if old.get(key) != new[key]:
            shown = key if key not in ("schema", "parameters", "design", "digest") else \
                f"{key} (the scenario or its uncertainties changed)"
            raise InputError(
                f"cannot resume: {shown} differs from the interrupted run in {parts}; use the "
                "same settings, or delete that folder to start again")


def _complete(path: Path, config: dict[str, Any]) -> bool:
    from detente.strategy.explore.store import read_results

    try:
        meta = read_results(path).meta
    except ValueError:
        return False
    return all(meta.get(k) == v for k, v in config.items())


# -- progress ----------------------------------------------------------------------------


class _Progress:
    """A rich progress bar with samples/s and ETA on a terminal; silent otherwise."""

    def __init__(self, total: int, done: int, enabled: bool | None) -> None:
        from rich.console import Console

        console = Console(stderr=True)
        self.enabled = console.is_terminal if enabled is None else enabled
        # in a notebook stderr is no terminal: draw the bar in the cell instead
        self.notebook = enabled is None and not self.enabled and in_notebook()
        self.total, self.start_done = total, done
        self.bar: Any = None
        self.cell: NotebookProgress | None = None
        self.console = console

    def __enter__(self) -> _Progress:
        if self.notebook:
            self.cell = NotebookProgress("explore", self.total, self.start_done)
            return self
        if not self.enabled:
            return self
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("explore"), BarColumn(), MofNCompleteColumn(), TextColumn("samples"),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), console=self.console, transient=False,
        )
        self.bar.__enter__()
        self.task = self.bar.add_task("explore", total=self.total, completed=self.start_done,
                                      rate="")
        self.t0 = time.perf_counter()
        self.new = 0
        return self

    def advance(self, n: int) -> None:
        if self.cell is not None:
            self.cell.update(advance=n, stage="samples")
        if self.bar is None:
            return
        self.new += n
        rate = self.new / max(1e-9, time.perf_counter() - self.t0)
        self.bar.update(self.task, advance=n, rate=f"{rate:,.1f} samples/s")

    def __exit__(self, *exc: object) -> None:
        if self.cell is not None:
            self.cell.close()
        if self.bar is not None:
            self.bar.__exit__(*exc)
