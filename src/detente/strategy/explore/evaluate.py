"""Evaluate samples: one row per (sample, variant), computed in whatever process runs a chunk.

What a row holds (all deterministic; timings go to the run log, never here):

``sample``, ``variant``
    The sample index and the variant id (``"base"`` for the base model).
``in.<parameter>``
    The sampled value of each uncertain input (choice index, swap flag or number).
``reached``, ``n_equilibria``
    Whether an equilibrium under the chosen concept is reachable from the status quo, and how
    many are (Li, Hipel, Kilgour, Fang and Noakes 2004; coalition moves as in
    :func:`detente.strategy.analysis.reachable_outcomes`, Kilgour et al. 2001). Without a
    status quo every equilibrium counts as reachable.
``best_state``, ``outcome``
    The reachable equilibrium with the highest total interest score (on ties the nearest
    to the status quo, then the lowest code, as :attr:`VariantAnalysis.best`) and its outcome
    class: the first outcome whose condition holds there, from ``uncertainties.outcomes`` when
    given, else from the scenario's tracked ``outcomes:`` (:mod:`detente.strategy.spec`);
    ``other`` when none holds; the state code when the scenario declares no outcomes.
    ``no equilibrium`` when none is reachable.
``score``, ``score_min``, ``interest.<id>``
    Total (weighted with the sampled weights) and per-interest points of the best reachable
    equilibrium, and the lowest total among the reachable ones (a pessimistic reading). When
    none is reachable the status quo stands in: the conflict is assumed to stay where it is.
``regret``
    The best ``score`` among the sample's variants minus this variant's (Savage 1951).
``stable.<id>``, ``reached.<id>``
    For each tracked outcome of the scenario's ``outcomes:``: some equilibrium under the
    concept has it / some reachable equilibrium has it (as :func:`analyze_variant`'s
    ``tracked``).
``bargain.<issue>``
    The expected-utility forecast (Bueno de Mesquita 1994; :func:`forecast_issue`, 10 rounds)
    of the issue with the sampled positions, saliences and capabilities: the final median.
``breakout_months``
    Breakout time (:func:`detente.verify.spec.assess_freeze`) under the verification regime
    in force at the best state: the ``regime:`` of the first tracked outcome (in file order)
    that holds there and names one, else ``now``; ``NaN`` for ``regime: none`` (a regime the
    verification section does not model).

Reuse: a worker process builds the scenario, the variants and one
:class:`~detente.conflict.ConflictModel` per structure once (cached by the job's key) and
keeps them for every chunk it runs; per sample only preferences change, so only payoffs,
stability and the status-quo search are recomputed. Engine results are also memoised per
process by the exact preference profile (a bounded LRU): discrete uncertainties (alternatives,
swaps) repeat profiles often, and the result is a pure function of the profile.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict import ConflictModel, analyse, build_model, structure_key
from detente.scenario.model import Condition, Preference, Scenario
from detente.strategy.explore.spec import (
    UncertaintySpace,
    normalise,
    parse_uncertainties,
    set_path,
    variant_scenarios,
)
from detente.strategy.spec import TrackedOutcome, tracked_outcomes

NO_EQUILIBRIUM = "no equilibrium"
OTHER = "other"
#: Column types: ``int64``, ``float64``, ``bool`` or ``string``.
ColumnType = str


@dataclass(frozen=True)
class Job:
    """What every worker needs to evaluate samples (plain data, picklable).

    Attributes
    ----------
    data
        The base scenario's data (with its variants and uncertainties), as plain dicts.
    source
        The scenario's file name (for messages).
    variants
        Variant ids in row order (``"base"`` for the base model).
    concept
        Stability concept: ``nash``, ``gmr``, ``smr`` or ``seq``.
    coalitions
        Let the coalitions a variant defines move jointly in the status-quo search.
    cache_size
        Engine results memoised per process (0 disables the memo).
    key
        SHA-256 of all of the above (identifies cached contexts).
    memo
        Engine results computed beforehand (:func:`evaluate_profiles`), as (profile key,
        result) pairs: a worker adds them to its memo before evaluating a chunk, so no
        profile is analysed twice across workers. Not part of :attr:`key`.
    """

    data: Mapping[str, Any]
    source: str
    variants: tuple[str, ...]
    concept: str
    coalitions: bool = True
    cache_size: int = 4096
    key: str = ""
    memo: tuple[tuple[Any, Any], ...] = ()


def make_job(scenario: Scenario, variants: Sequence[str], concept: str, coalitions: bool = True,
             cache_size: int = 4096) -> Job:
    """Build the :class:`Job` for ``scenario`` (the base model, not a variant)."""
    from detente.scenario.model import plain_data

    data = plain_data(scenario.raw)
    blob = json.dumps([data, list(variants), concept, coalitions], sort_keys=True, default=str)
    key = hashlib.sha256(blob.encode()).hexdigest()
    return Job(data, scenario.source, tuple(variants), concept, coalitions, cache_size, key)


@dataclass(frozen=True)
class Chunk:
    """Samples ``start .. stop - 1`` and their points of the unit hypercube (rows)."""

    index: int
    start: int
    stop: int
    unit: NDArray[np.float64]


@dataclass(frozen=True)
class ChunkResult:
    """The rows of one chunk (column name -> values) and how long it took (for the log)."""

    index: int
    columns: Mapping[str, list[Any]]
    stats: Mapping[str, Any] = field(default_factory=dict)


# -- columns -------------------------------------------------------------------------------


def tracked_of(scenario: Scenario) -> tuple[TrackedOutcome, ...]:
    """The scenario's tracked outcomes (its ``outcomes:`` section)."""
    return tracked_outcomes(scenario)


def result_schema(base: Scenario, space: UncertaintySpace) -> list[tuple[str, ColumnType]]:
    """Column names and types of the results of ``base`` explored over ``space``."""
    cols: list[tuple[str, ColumnType]] = [("sample", "int64"), ("variant", "string")]
    for p in space.parameters:
        t = "bool" if p.kind == "swap" else "int64" if p.kind == "choice" or p.integer \
            else "float64"
        cols.append((f"in.{p.name}", t))
    cols += [("reached", "bool"), ("n_equilibria", "int64"), ("best_state", "string"),
             ("outcome", "string"), ("score", "float64"), ("score_min", "float64"),
             ("regret", "float64")]
    cols += [(f"interest.{it.id}", "float64") for it in base.interests]
    for tr in tracked_of(base):
        cols += [(f"stable.{tr.id}", "bool"), (f"reached.{tr.id}", "bool")]
    cols += [(f"bargain.{issue.id}", "float64") for issue in base.issues]
    if base.verification is not None and hasattr(base.verification, "model_dump"):
        cols.append(("breakout_months", "float64"))
    return cols


# -- per-process context ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Op:
    param: int
    position: int
    alternatives: tuple[Condition | None, ...] = ()


@dataclass
class _Variant:
    vid: str
    scenario: Scenario
    model: ConflictModel
    start: int | None
    coalitions: list[list[str]]
    scores: NDArray[np.float64]  # states x interests
    tracked_masks: dict[str, NDArray[np.bool_]]
    class_masks: list[tuple[str, NDArray[np.bool_]]]
    ops: dict[str, tuple[tuple[Condition, ...], list[_Op], list[_Op]]]


@dataclass(frozen=True)
class _EngineOut:
    reach: NDArray[np.int64]  # reachable equilibria (indices, increasing)
    depth: NDArray[np.int32]  # their distance from the status quo (0 without one)
    stable: Mapping[str, bool]


class _Context:
    """Everything a process keeps between chunks of one job."""

    def __init__(self, job: Job) -> None:
        from detente.loading import from_data

        self.job = job
        base = from_data(dict(job.data), source=job.source)
        self.base = base
        every = variant_scenarios(base, ["base", *[v.id for v in base.variants]])
        self.space = parse_uncertainties(base, every)
        self.schema = result_schema(base, self.space)
        self.tracked = tracked_of(base)
        if self.space.outcomes:
            classes: list[tuple[str, Condition]] = list(self.space.outcomes)
        else:
            classes = [(t.id, t.condition) for t in self.tracked]
        self.by_state = not classes
        models: dict[str, ConflictModel] = {}
        self.variants: list[_Variant] = []
        for vid in job.variants:
            s = every[vid]
            key = structure_key(s)
            if key not in models:
                models[key] = build_model(s)
            model = models[key]
            codes = model.space.codes
            scores = np.zeros((codes.shape[0], len(s.interests)), dtype=np.float64)
            for j, it in enumerate(s.interests):
                scores[:, j] = it.score(codes)
            start = None
            if s.status_quo is not None:
                start = int(model.space.position(np.array([s.status_quo]))[0])
            coal = [list(c) for c in (s.coalitions or ()) if len(c) > 1] if job.coalitions \
                else []
            self.variants.append(_Variant(
                vid, s, model, start, coal, scores,
                {t.id: t.condition.holds(codes) for t in self.tracked},
                [(label, c.holds(codes)) for label, c in classes],
                self._ops(s, vid),
            ))
        self.weights = np.array([it.weight for it in base.interests], dtype=np.float64)
        self.interest_index = {it.id: j for j, it in enumerate(base.interests)}
        self.issues = tuple(base.issues)
        self.verification = base.verification if hasattr(base.verification, "model_dump") \
            else None
        self.verification_dump = None if self.verification is None else \
            self.verification.model_dump()
        self.cache: OrderedDict[Any, _EngineOut] = OrderedDict()
        self.side_cache: dict[Any, Any] = {}
        self.lock = threading.Lock()
        self.stats = {"engine_s": 0.0, "models_s": 0.0, "engine_calls": 0, "cache_hits": 0}

    def _ops(self, s: Scenario, vid: str
             ) -> dict[str, tuple[tuple[Condition, ...], list[_Op], list[_Op]]]:
        out: dict[str, tuple[tuple[Condition, ...], list[_Op], list[_Op]]] = {}
        for k, p in enumerate(self.space.parameters):
            if p.target not in ("statement", "swap") or not p.applies_to(vid):
                continue
            assert p.actor is not None
            pref = s.preferences.get(p.actor)
            if pref is None or pref.kind != "statements":
                continue
            texts = [normalise(c.text) for c in pref.statements]
            if p.statement not in texts:
                continue
            pos = texts.index(p.statement)
            _, alts, swaps = out.setdefault(p.actor, (pref.statements, [], []))
            if p.target == "statement":
                alts.append(_Op(k, pos, p.alternatives))
            elif pos < len(texts) - 1:
                swaps.append(_Op(k, pos))
        return out

    # -- engine ----------------------------------------------------------------------------
    def prime(self, memo: Sequence[tuple[Any, Any]]) -> None:
        """Add engine results computed elsewhere (the first pass) to the memo."""
        if self.job.cache_size <= 0:
            return
        with self.lock:
            for key, out in memo:
                if key not in self.cache:
                    self.cache[key] = out
            while len(self.cache) > self.job.cache_size:
                self.cache.popitem(last=False)

    def preferences(self, v: _Variant, values: Sequence[Any]
                    ) -> tuple[Any, dict[str, Preference]]:
        prefs: dict[str, Preference] = {}
        key: list[Any] = [v.vid]
        for actor, (stm, alts, swaps) in v.ops.items():
            cur: list[Condition | None] = list(stm)
            for op in alts:
                cur[op.position] = op.alternatives[int(values[op.param])]
            for op in swaps:
                if values[op.param]:
                    a = op.position
                    cur[a], cur[a + 1] = cur[a + 1], cur[a]
            new = tuple(c for c in cur if c is not None)
            prefs[actor] = replace(v.scenario.preferences[actor], statements=new)
            key.append((actor, tuple(c.text for c in new)))
        return tuple(key), prefs

    def engine(self, v: _Variant, key: Any, prefs: Mapping[str, Preference]) -> _EngineOut:
        if self.job.cache_size > 0:
            with self.lock:
                hit = self.cache.get(key)
                if hit is not None:
                    self.cache.move_to_end(key)
                    self.stats["cache_hits"] += 1
                    return hit
        t0 = time.perf_counter()
        from detente.strategy.analysis import reachable_outcomes

        concept = self.job.concept
        pay = v.model.payoffs(prefs or None, v.scenario)
        res = analyse(v.scenario, [concept], model=v.model, payoffs=pay)
        eq = res.equilibrium_mask(concept)
        sq = None if v.start is None else reachable_outcomes(v.scenario, v.model, pay, eq,
                                                              concept, v.coalitions)
        if sq is None:
            reach = np.flatnonzero(eq).astype(np.int64)
            depth = np.zeros(reach.shape[0], dtype=np.int32)
        else:
            reach = np.flatnonzero(sq.resolution).astype(np.int64)
            depth = sq.depth[reach]
        out = _EngineOut(reach, depth,
                         {n: bool((m & eq).any()) for n, m in v.tracked_masks.items()})
        with self.lock:
            self.stats["engine_s"] += time.perf_counter() - t0
            self.stats["engine_calls"] += 1
            if self.job.cache_size > 0:
                self.cache[key] = out
                while len(self.cache) > self.job.cache_size:
                    self.cache.popitem(last=False)
        return out

    # -- other models ----------------------------------------------------------------------
    def bargaining(self, values: Sequence[Any]) -> dict[str, float]:
        out: dict[str, float] = {}
        for issue in self.issues:
            over = tuple((p.path, values[k]) for k, p in enumerate(self.space.parameters)
                         if p.target == "bargain" and p.path[0] == issue.id)
            key = ("bargain", issue.id, over)
            hit = self.side_cache.get(key)
            if hit is None:
                hit = self._forecast(issue, over)
                self._side_store(key, hit)
            out[issue.id] = hit
        return out

    def _forecast(self, issue: Any, over: Sequence[tuple[Any, Any]]) -> float:
        from detente.bargain.spec import forecast_issue

        t0 = time.perf_counter()
        updates: dict[str, dict[str, float]] = {}
        for path, value in over:
            updates.setdefault(str(path[1]), {})[str(path[2])] = float(value)
        spec = issue
        if updates:
            positions = {a: (s.model_copy(update=updates[a]) if a in updates else s)
                         for a, s in issue.positions.items()}
            spec = issue.model_copy(update={"positions": positions})
        median = float(forecast_issue(spec, rounds=10).rounds[-1].median)
        self.stats["models_s"] += time.perf_counter() - t0
        return median

    def breakout(self, values: Sequence[Any]) -> dict[str, float]:
        if self.verification is None:
            return {}
        over = tuple((p.path, values[k]) for k, p in enumerate(self.space.parameters)
                     if p.target == "verify")
        key = ("verify", over)
        hit = self.side_cache.get(key)
        if hit is not None:
            return dict(hit)
        from detente.verify.spec import VerificationSpec, assess_freeze

        t0 = time.perf_counter()
        spec = self.verification
        if over:
            data = self.verification_dump
            for path, value in over:
                data = set_path(data, path, value)
            spec = VerificationSpec.model_validate(data)
        fa = assess_freeze(spec)
        out = {"now": float(fa.now.months)}
        if fa.freeze is not None:
            out["freeze"] = float(fa.freeze.months)
        if fa.cap is not None:
            out["cap"] = float(fa.cap.months)
        self._side_store(key, out)
        self.stats["models_s"] += time.perf_counter() - t0
        return out

    def _side_store(self, key: Any, value: Any) -> None:
        if len(self.side_cache) > 4096:
            self.side_cache.clear()
        self.side_cache[key] = value

    # -- one sample ------------------------------------------------------------------------
    def sample(self, index: int, values: Sequence[Any], cols: dict[str, list[Any]]) -> None:
        weights = self.weights.copy()
        for k, p in enumerate(self.space.parameters):
            if p.target == "weight":
                weights[self.interest_index[str(p.path[0])]] = float(values[k])
        bargain = self.bargaining(values)
        months = self.breakout(values)
        rows: list[dict[str, Any]] = []
        for v in self.variants:
            key, prefs = self.preferences(v, values)
            eng = self.engine(v, key, prefs)
            rows.append(self._row(v, eng, weights, months))
        finite = [r["score"] for r in rows if not math.isnan(r["score"])]
        top = max(finite) if finite else math.nan
        in_values = [
            bool(val) if p.kind == "swap" else int(val) if p.kind == "choice" or p.integer
            else float(val)
            for p, val in zip(self.space.parameters, values, strict=True)
        ]
        for v, r in zip(self.variants, rows, strict=True):
            r["sample"] = index
            r["variant"] = v.vid
            r["regret"] = top - r["score"]
            for p, val in zip(self.space.parameters, in_values, strict=True):
                r[f"in.{p.name}"] = val
            for issue_id, median in bargain.items():
                r[f"bargain.{issue_id}"] = median
            for name, _ in self.schema:
                cols[name].append(r.get(name))

    def _row(self, v: _Variant, eng: _EngineOut, weights: NDArray[np.float64],
             months: Mapping[str, float]) -> dict[str, Any]:
        reach = eng.reach
        s = v.scenario
        r: dict[str, Any] = {"reached": bool(reach.size), "n_equilibria": int(reach.size)}
        if reach.size:
            totals = _weighted(v.scores[reach], weights)
            from detente.strategy.analysis import best_first

            # the rule of analyze_variant: best total, then nearest, then lowest code
            b = int(best_first(v.model.space.codes[reach], eng.depth, totals)[0])
            best = int(reach[b])
            r["best_state"] = s.code_text(int(v.model.space.codes[best]))
            r["score"] = float(totals[b])
            r["score_min"] = float(totals.min())
            points = v.scores[best]
            r["outcome"] = self._class(v, best, r["best_state"])
        else:
            r["best_state"] = None
            r["outcome"] = NO_EQUILIBRIUM
            if v.start is not None:
                points = v.scores[v.start]
                r["score"] = r["score_min"] = float(_weighted(points[None, :], weights)[0])
            else:
                points = np.full(v.scores.shape[1], np.nan)
                r["score"] = r["score_min"] = math.nan
        for it_id, j in self.interest_index.items():
            r[f"interest.{it_id}"] = float(points[j])
        for name, mask in v.tracked_masks.items():
            r[f"stable.{name}"] = eng.stable[name]
            r[f"reached.{name}"] = bool(mask[reach].any()) if reach.size else False
        if months:
            regime = "now"
            if reach.size:
                regime = next((t.regime for t in self.tracked
                               if t.regime and v.tracked_masks[t.id][best]), "now")
            r["breakout_months"] = math.nan if regime == "none" else \
                months.get(regime, months["now"])
        return r

    def _class(self, v: _Variant, best: int, text: str) -> str:
        if self.by_state:
            return text
        for label, mask in v.class_masks:
            if mask[best]:
                return label
        return OTHER


def _weighted(points: NDArray[np.float64], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """Weighted totals, summed interest by interest in file order (the same floating-point
    operations as :func:`detente.strategy.analysis.total_score`, on any machine)."""
    if points.shape[1] == 0:
        return np.zeros(points.shape[0])
    total = weights[0] * points[:, 0]
    for j in range(1, points.shape[1]):
        total = total + weights[j] * points[:, j]
    return np.asarray(total, dtype=np.float64)


_CONTEXTS: dict[str, _Context] = {}
_CONTEXT_LOCK = threading.Lock()


def context(job: Job) -> _Context:
    """The process's cached context for ``job`` (built on first use, at most two kept)."""
    with _CONTEXT_LOCK:
        ctx = _CONTEXTS.get(job.key)
        if ctx is None:
            while len(_CONTEXTS) >= 2:
                _CONTEXTS.pop(next(iter(_CONTEXTS)))
            ctx = _Context(job)
            _CONTEXTS[job.key] = ctx
        return ctx


def evaluate_chunk(job: Job, chunk: Chunk) -> ChunkResult:
    """Evaluate every sample of ``chunk`` under every variant of ``job``.

    Runs in a worker (a local process, a Dask worker or the driver itself). Returns the rows
    as columns in the order of :func:`result_schema`: samples in order, and for each sample
    the variants in the job's order.
    """
    t0 = time.perf_counter()
    ctx = context(job)
    ctx.prime(job.memo)
    t_ready = time.perf_counter()
    before = dict(ctx.stats)
    cols: dict[str, list[Any]] = {name: [] for name, _ in ctx.schema}
    for k, i in enumerate(range(chunk.start, chunk.stop)):
        ctx.sample(i, ctx.space.values(chunk.unit[k]), cols)
    t1 = time.perf_counter()
    stats: dict[str, Any] = {k: ctx.stats[k] - before[k] for k in ctx.stats}
    stats.update({"host": socket.gethostname(), "pid": os.getpid(),
                  "seconds": t1 - t0, "setup_s": t_ready - t0,
                  "samples": chunk.stop - chunk.start})
    return ChunkResult(chunk.index, cols, stats)


@dataclass(frozen=True)
class ProfilePlan:
    """Which engine runs the chunks need (:func:`plan_profiles`).

    Attributes
    ----------
    distinct
        Distinct (variant, preference profile) pairs over all the chunks.
    shared
        The pairs met in more than one chunk, each as (variant position, the values of the
        first sample that gives it), in sample order: a first pass runs them once
        (:func:`evaluate_profiles`) so that no two workers both analyse one.
    own
        For each chunk index, the pairs met in that chunk only: the engine runs its worker
        will make (its memo covers repeats inside the chunk), a measure of the chunk's cost.
    """

    distinct: int
    shared: tuple[tuple[int, tuple[Any, ...]], ...]
    own: Mapping[int, int]


def plan_profiles(job: Job, chunks: Sequence[Chunk]) -> ProfilePlan:
    """Find the distinct (variant, preference profile) pairs of ``chunks``' samples and where
    they are met.

    Many samples share a profile (discrete alternatives and swaps repeat), so the engine
    needs to run once per pair. A pair met in one chunk only is analysed once by the worker
    that runs that chunk; a pair met in several could be analysed by several workers, so it
    goes to the first pass (:attr:`ProfilePlan.shared`).
    """
    ctx = context(job)
    first: dict[Any, tuple[int, tuple[Any, ...]]] = {}
    met_in: dict[Any, int] = {}  # the one chunk a pair is met in, or -1 for several
    for chunk in chunks:
        for k in range(chunk.stop - chunk.start):
            values = tuple(ctx.space.values(chunk.unit[k]))
            for j, v in enumerate(ctx.variants):
                key, _ = ctx.preferences(v, values)
                if key not in first:
                    first[key] = (j, values)
                    met_in[key] = chunk.index
                elif met_in[key] != chunk.index:
                    met_in[key] = -1
    own = {c.index: 0 for c in chunks}
    for where in met_in.values():
        if where >= 0:
            own[where] += 1
    shared = tuple(item for key, item in first.items() if met_in[key] < 0)
    return ProfilePlan(len(first), shared, own)


@dataclass(frozen=True)
class ProfileResult:
    """Engine results of some profiles (the first pass) and what they cost (for the log)."""

    entries: tuple[tuple[Any, Any], ...]
    stats: Mapping[str, Any] = field(default_factory=dict)


def evaluate_profiles(job: Job, items: Sequence[tuple[int, tuple[Any, ...]]]) -> ProfileResult:
    """Run the engine once for each (variant position, sample values) of ``items``: the
    first pass of an exploration, whose results every worker then reuses."""
    t0 = time.perf_counter()
    ctx = context(job)
    t_ready = time.perf_counter()
    before = dict(ctx.stats)
    entries = []
    for j, values in items:
        v = ctx.variants[j]
        key, prefs = ctx.preferences(v, values)
        entries.append((key, ctx.engine(v, key, prefs)))
    stats: dict[str, Any] = {k: ctx.stats[k] - before[k] for k in ctx.stats}
    stats.update({"seconds": time.perf_counter() - t0, "setup_s": t_ready - t0})
    return ProfileResult(tuple(entries), stats)
