"""The main analysis of a scenario: every variant, its equilibria, the outcomes reachable from
the status quo, interest scores, the same analysis under common move rules, a sensitivity
pass and answers to the scenario's own questions.

Status-quo reachability is the status-quo analysis of :mod:`detente.conflict.paths` (Li,
Kilgour and Hipel 2005; Xu et al. 2010): the conflict moves from the status quo by legal
sequences of unilateral improvements and of the chosen coalitions' improvements; the
outcomes are the reachable equilibria that no such coalition can improve on, each with a
shortest evolution. Which coalitions may move is a *rule* (:mod:`detente.strategy.rules`):
each variant's own (``declared``), none, one named set for every variant, or every coalition.
Variants are ranked with ties (:mod:`detente.strategy.ranking`). Nothing here knows a scenario
by name: the outcomes to track and the questions come from the file
(:mod:`detente.strategy.spec`). See ``docs/discussion/strategy-comparison.md``.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

import detente
from detente.conflict import ConflictModel, StabilityResult, analyse, build_model
from detente.conflict.coalitions import Move
from detente.conflict.engine import submodel
from detente.conflict.paths import PathsResult, status_quo_paths
from detente.conflict.stability import analyse_profile
from detente.display import DisplayMixin, dataframe
from detente.errors import InputError
from detente.jsonutil import plain
from detente.loading import load_scenario
from detente.scenario import Scenario, variant_of
from detente.scenario.model import Preference
from detente.strategy.accountability import RecordCheck, Reneging
from detente.strategy.ranking import RankEntry, competition_ranking, ranks, top
from detente.strategy.rules import (
    DECLARED,
    Conclusion,
    RuleRun,
    Rules,
    Structure,
    conclusion,
    default_rules,
    structure_of,
)
from detente.strategy.spec import TrackedOutcome, questions_of, tracked_outcomes

DEFAULT_CONCEPTS = ("nash", "gmr", "smr", "seq")
#: Reachable equilibria kept per variant (with paths) in the report and the JSON.
MAX_OUTCOMES = 25


@dataclass(frozen=True)
class Step:
    """One move on a path: ``mover`` changes the listed options, going from ``before`` to
    ``after``."""

    mover: str
    before: str
    after: str
    taken: tuple[str, ...]
    withdrawn: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """An equilibrium reachable from the status quo, with its shortest path and scores;
    ``tracked`` lists the tracked outcomes (ids) that hold there."""

    state: str
    concepts: tuple[str, ...]
    path: tuple[Step, ...]
    interests: Mapping[str, float]
    total: float
    options: Mapping[str, tuple[str, ...]]
    tracked: tuple[str, ...] = ()


@dataclass(frozen=True)
class VariantAnalysis:
    """Everything computed for one variant.

    ``reachable`` holds the first :data:`MAX_OUTCOMES` reachable equilibria in the one order
    used everywhere (:func:`best_first`); ``n_reachable_equilibria`` counts all of them.
    ``tracked`` maps each tracked outcome id to ``{concept: stable somewhere, "reachable":
    bool, "reachable_count": int}``. ``no_best`` says why there is no best outcome (no
    interests, or every reachable equilibrium scores the same); ``n_top`` counts the reachable
    equilibria that share the top score. ``under`` holds the same variant under other move
    rules (rule label -> :class:`~detente.strategy.rules.RuleRun`).
    """

    variant: str
    name: str
    description: str
    stability: StabilityResult
    concept: str
    reachable: tuple[Outcome, ...]
    n_reachable_states: int
    tracked: Mapping[str, Mapping[str, Any]]
    n_reachable_equilibria: int = 0
    reachable_mask: NDArray[np.bool_] | None = field(default=None, repr=False)
    no_best: str = ""
    n_top: int = 0
    under: Mapping[str, RuleRun] = field(default_factory=dict)

    @property
    def top(self) -> Outcome | None:
        """The first reachable equilibrium in the report's order (``None`` if none)."""
        return self.reachable[0] if self.reachable else None

    @property
    def score(self) -> float | None:
        """The highest total interest score among the reachable equilibria (``None`` when
        none is reachable): what the variants are ranked by."""
        return self.reachable[0].total if self.reachable else None

    @property
    def best(self) -> Outcome | None:
        """The reachable equilibrium with the highest total score (among equal scores the
        nearest to the status quo, then the lowest code); ``None`` when none is reachable,
        the scenario defines no interests, or all reachable equilibria score the same
        (``no_best`` says which)."""
        return None if self.no_best else self.top


@dataclass(frozen=True)
class Perturbation:
    """A change to one actor's statements and its effect on the comparison."""

    variant: str
    actor: str
    change: str
    ranking: tuple[RankEntry, ...]
    best_state: str | None
    changes_ranking: bool
    changes_outcome: bool
    changes_top: bool = False


@dataclass(frozen=True)
class Answer:
    """A question of the scenario, answered from the results with the evidence."""

    question: str
    answer: str
    evidence: tuple[str, ...]
    id: str = ""
    kind: str = ""
    n_evidence: int = -1

    @property
    def evidence_total(self) -> int:
        """How many evidence lines there are in all (``evidence`` may hold fewer)."""
        return len(self.evidence) if self.n_evidence < 0 else self.n_evidence


@dataclass(frozen=True)
class StrategyReport(DisplayMixin):
    """The result of :func:`analyze_scenario` (frozen, with provenance).

    ``ranking`` is best first with shared ranks for equal scores; ``rules`` the same
    comparison under each move rule analysed (the first is the main one); ``conclusion`` the
    headline and whether it survives those rules; ``structure`` each variant's structural
    differences from the base model.

    ``reneging`` maps each variant to what happens if an actor reneges on its first-ranked
    outcome (:class:`~detente.strategy.accountability.Reneging`); ``record`` is the model
    held against the scenario's ``history:``
    (:class:`~detente.strategy.accountability.RecordCheck`, ``None`` without one).
    """

    scenario: str
    digest: str
    description: str
    sources: tuple[str, ...]
    actors: tuple[tuple[str, str], ...]
    options: tuple[tuple[str, str, str], ...]
    status_quo: str | None
    n_states: int
    concept: str
    variants: tuple[VariantAnalysis, ...]
    ranking: tuple[RankEntry, ...]
    sensitivity: tuple[Perturbation, ...]
    answers: tuple[Answer, ...]
    interests: tuple[tuple[str, str, float], ...]
    extras: Mapping[str, Any] = field(default_factory=dict)
    parameters: Mapping[str, Any] = field(default_factory=dict)
    tracked: tuple[tuple[str, str, str], ...] = ()
    rules: tuple[RuleRun, ...] = ()
    conclusion: Conclusion | None = None
    structure: tuple[Structure, ...] = ()
    reneging: Mapping[str, Reneging] = field(default_factory=dict)
    record: RecordCheck | None = None
    version: str = detente.__version__

    def variant(self, vid: str) -> VariantAnalysis:
        """The analysis of variant ``vid``."""
        for v in self.variants:
            if v.variant == vid:
                return v
        raise KeyError(vid)

    @property
    def order(self) -> tuple[str, ...]:
        """Variant ids in ranking order."""
        return tuple(e.variant for e in self.ranking)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of the ranking: one row per variant. Needs pandas."""
        return dataframe(self.to_dict()["ranking"], index="variant")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able structure (``detente analyze --json``)."""
        variants: dict[str, Any] = {}
        for v in self.variants:
            variants[v.variant] = {
                "name": v.name,
                "description": v.description,
                "equilibria": {c: v.stability.equilibria(c) for c in v.stability.concepts},
                "reachable": [_outcome_dict(o) for o in v.reachable],
                "best": None if v.best is None else _outcome_dict(v.best),
                "no_best": v.no_best or None,
                "score": v.score,
                "top_tied": v.n_top,
                "reachable_states": v.n_reachable_states,
                "reachable_equilibria": v.n_reachable_equilibria,
                "tracked": plain(v.tracked),
            }
        return {
            "scenario": self.scenario,
            "digest": self.digest,
            "status_quo": self.status_quo,
            "n_states": self.n_states,
            "concept": self.concept,
            "options": [o[0] for o in self.options],
            "outcomes": [{"id": i, "name": n, "when": w} for i, n, w in self.tracked],
            "variants": variants,
            "ranking": [e.to_dict() for e in self.ranking],
            "rules": [r.to_dict() for r in self.rules],
            "conclusion": None if self.conclusion is None else self.conclusion.to_dict(),
            "structure": [s.to_dict() for s in self.structure],
            "sensitivity": [p.__dict__ | {"ranking": [e.to_dict() for e in p.ranking]}
                            for p in self.sensitivity],
            "answers": [
                {"id": a.id, "kind": a.kind, "question": a.question, "answer": a.answer,
                 "evidence": list(a.evidence), "evidence_total": a.evidence_total}
                for a in self.answers
            ],
            "reneging": plain(self.reneging),
            "record": plain(self.record),
            "extras": plain(self.extras),
            "provenance": {"detente": self.version, **dict(self.parameters)},
        }


def _outcome_dict(o: Outcome) -> dict[str, Any]:
    return {
        "state": o.state,
        "concepts": list(o.concepts),
        "options": {k: list(v) for k, v in o.options.items()},
        "interests": dict(o.interests),
        "total": o.total,
        "tracked": list(o.tracked),
        "path": [s.__dict__ | {"taken": list(s.taken), "withdrawn": list(s.withdrawn)}
                 for s in o.path],
    }


# -- status-quo reachability -------------------------------------------------------------------


def reachable_outcomes(
    scenario: Scenario,
    model: ConflictModel | None = None,
    payoffs: Mapping[str, NDArray[Any]] | None = None,
    equilibrium: NDArray[np.bool_] | None = None,
    concept: str = "seq",
    coalitions: Sequence[Sequence[str]] | str | None = None,
    *,
    max_paths: int = 0,
    edge_limit: int = 0,
) -> PathsResult | None:
    """The status-quo analysis behind ``analyze`` and ``explore``: one rule for both, the one
    of :func:`detente.conflict.paths.status_quo_paths` (legal evolutions of unilateral
    improvements and of the coalitions' improvements; outcomes are its *resolutions*, the
    reachable equilibria no such coalition can improve on).

    ``coalitions`` defaults to the scenario's (those of two or more actors); ``[]`` allows
    unilateral improvements only and ``"all"`` every coalition of two or more actors.
    ``model``, ``payoffs`` and ``equilibrium`` are computed when not given. Returns ``None``
    when the scenario has no status quo. By default no path is traced and no edge kept
    (``max_paths``, ``edge_limit`` as for ``status_quo_paths``); the result's
    :meth:`~detente.conflict.paths.PathsResult.path` traces any on request.
    """
    if scenario.status_quo is None:
        return None
    if coalitions is None:
        coalitions = scenario.coalitions or ()
    chosen: bool | str | list[list[str]]
    if isinstance(coalitions, str):
        chosen = coalitions
    else:
        chosen = [list(c) for c in coalitions if len(c) > 1] or False
    return status_quo_paths(scenario, concept, coalitions=chosen, model=model,
                            payoffs=payoffs, equilibrium=equilibrium, max_paths=max_paths,
                            edge_limit=edge_limit)


def best_first(codes: NDArray[np.int64], depth: NDArray[Any], totals: NDArray[Any]
                ) -> NDArray[np.intp]:
    """The one order of reachable outcomes in every table and answer: highest total interest
    score first (to 9 decimals); among equal scores the nearest to the status quo, then the
    lowest code."""
    return np.lexsort((codes, depth, -np.round(totals, 9)))


def steps_of(moves: Sequence[Move]) -> tuple[Step, ...]:
    """Report form of an evolution: mover, states before and after, options taken and
    withdrawn."""
    return tuple(
        Step(m.mover, m.source_state, m.target_state,
             tuple(ref for ref, on in m.changes if on),
             tuple(ref for ref, on in m.changes if not on))
        for m in moves)


def interest_scores(scenario: Scenario, codes: NDArray[np.int64]) -> dict[str, NDArray[Any]]:
    """Score of each state on each interest (sum of the points of the rules that hold)."""
    return {it.id: it.score(codes) for it in scenario.interests}


def total_score(scenario: Scenario, scores: Mapping[str, NDArray[Any]]) -> NDArray[Any]:
    """Weighted total of the interest scores."""
    total = None
    for it in scenario.interests:
        part = it.weight * scores[it.id]
        total = part if total is None else total + part
    if total is None:
        return np.zeros(0)
    return np.asarray(total)


def _no_best(scenario: Scenario, totals: NDArray[Any]) -> str:
    """Why the reachable equilibria with these totals have no best one ('' if they have)."""
    if not totals.size:
        return ""
    if not scenario.interests:
        return "the scenario defines no interests, so outcomes are not scored"
    r = np.round(totals, 9)
    if totals.size > 1 and bool((r == r[0]).all()):
        return (f"all {totals.size:,} reachable equilibria score the same "
                f"({float(totals[0]):.2f})")
    return ""


def analyze_variant(
    scenario: Scenario,
    model: ConflictModel | None = None,
    concepts: Sequence[str] = DEFAULT_CONCEPTS,
    concept: str = "seq",
    preferences: Mapping[str, Preference] | None = None,
    max_outcomes: int = MAX_OUTCOMES,
    tracked: Sequence[TrackedOutcome] | None = None,
    rules: Rules = DECLARED,
    compare: Sequence[Rules] = (),
) -> VariantAnalysis:
    """Stability, status-quo reachability and interest scores of one (variant) scenario.

    ``reachable`` lists the ``max_outcomes`` first reachable equilibria in the order of
    :func:`best_first`, with their shortest paths; ``reachable_mask`` marks all of them.
    Reachability follows ``rules`` (default: the coalitions the variant declares); each rule
    in ``compare`` is run as well and summarised in ``under`` (stability does not depend on
    the move rules, so it is computed once).
    """
    if model is None or model.key != _key(scenario):
        model = build_model(scenario)
    if tracked is None:
        tracked = tracked_outcomes(scenario)
    payoffs = model.payoffs(preferences, scenario)
    conc = list(dict.fromkeys([*concepts, concept]))
    result = analyse(scenario, conc, model=model, payoffs=payoffs)
    codes = model.space.codes
    scores = interest_scores(scenario, codes)
    totals = total_score(scenario, scores)
    if not totals.size:
        totals = np.zeros(codes.shape[0])
    holds = {t.id: t.condition.holds(codes) for t in tracked}
    eq = result.equilibrium_mask(concept)
    reach: list[Outcome] = []
    n_reach = 0
    reach_mask = np.zeros(codes.shape[0], dtype=bool)
    no_best = ""
    n_top = 0
    sq = reachable_outcomes(scenario, model, payoffs, eq, concept,
                            rules.coalitions_for(scenario))
    if sq is not None:
        n_reach = sq.n_reachable
        reach_mask = sq.resolution.copy()
        idx_all = np.flatnonzero(reach_mask)
        tot = totals[idx_all]
        order = best_first(codes[idx_all], sq.depth[idx_all], tot)
        no_best = _no_best(scenario, tot)
        if idx_all.size:
            r = np.round(tot, 9)
            n_top = int((r == r.max()).sum())
        masks = {c: result.equilibrium_mask(c) for c in result.concepts}
        for idx in idx_all[order][:max_outcomes]:
            code = int(codes[idx])
            reach.append(
                Outcome(
                    state=scenario.code_text(code),
                    concepts=tuple(c for c in result.concepts if masks[c][idx]),
                    path=steps_of(sq.path(code)),
                    interests={k: float(v[idx]) for k, v in scores.items()},
                    total=float(totals[idx]),
                    options={k: tuple(v) for k, v in scenario.describe_state(code).items()},
                    tracked=tuple(t for t, m in holds.items() if m[idx]),
                )
            )
    status: dict[str, dict[str, Any]] = {}
    for tid, m in holds.items():
        status[tid] = {c: bool((m & result.equilibrium_mask(c)).any()) for c in result.concepts}
        status[tid]["reachable"] = bool((m & reach_mask).any())
        status[tid]["reachable_count"] = int((m & reach_mask).sum())
    under: dict[str, RuleRun] = {}
    for other in compare:
        if other == rules:
            continue
        under[other.label] = _run_rules(scenario, model, payoffs, eq, concept, totals, holds,
                                        other)
    return VariantAnalysis(
        variant=scenario.variant or "base",
        name=_variant_name(scenario),
        description=_variant_description(scenario),
        stability=result,
        concept=concept,
        reachable=tuple(reach),
        n_reachable_states=n_reach,
        tracked=status,
        n_reachable_equilibria=int(reach_mask.sum()),
        reachable_mask=reach_mask,
        no_best=no_best,
        n_top=n_top,
        under=under,
    )


def _run_rules(scenario: Scenario, model: ConflictModel, payoffs: Mapping[str, NDArray[Any]],
               eq: NDArray[np.bool_], concept: str, totals: NDArray[Any],
               holds: Mapping[str, NDArray[np.bool_]], rules: Rules) -> RuleRun:
    """One variant's reachable equilibria under other move rules, summarised: the top score,
    their number and which tracked outcomes are reachable."""
    sq = reachable_outcomes(scenario, model, payoffs, eq, concept,
                            rules.coalitions_for(scenario))
    vid = scenario.variant or "base"
    if sq is None:
        return RuleRun(rules, {vid: None}, {vid: 0}, {vid: dict.fromkeys(holds, False)},
                       {vid: ()})
    res = sq.resolution
    idx = np.flatnonzero(res)
    score = float(totals[idx].max()) if idx.size else None
    codes = model.space.codes
    first = idx[best_first(codes[idx], sq.depth[idx], totals[idx])][:MAX_OUTCOMES]
    return RuleRun(rules, {vid: score}, {vid: int(idx.size)},
                   {vid: {t: bool((m & res).any()) for t, m in holds.items()}},
                   {vid: tuple(scenario.code_text(int(c)) for c in codes[first])})


def _key(scenario: Scenario) -> str:
    from detente.conflict import structure_key

    return structure_key(scenario)


def _variant_name(scenario: Scenario) -> str:
    for v in scenario.variants:
        if v.id == scenario.variant:
            return v.name
    return "Base model"


def _variant_description(scenario: Scenario) -> str:
    for v in scenario.variants:
        if v.id == scenario.variant:
            return v.description
    return scenario.description


def rank_variants(analyses: Sequence[VariantAnalysis]) -> tuple[RankEntry, ...]:
    """Variants by the top total interest score of their reachable equilibria, best first;
    equal scores share a rank (1, 1, 3); variants that reach nothing come last."""
    return competition_ranking((v.variant, v.score) for v in analyses)


def best_reachable(
    scenario: Scenario,
    model: ConflictModel,
    payoffs: Mapping[str, NDArray[Any]],
    concept: str,
    coalitions: Sequence[Sequence[str]] | str | None = None,
) -> tuple[int, float] | None:
    """The first reachable outcome in the order of :func:`best_first` (state index, total
    score), computed on the reachable states only.

    For Nash and SEQ the reachable states are closed under every actor's improvements, so
    their stability is that of the sub-model on them
    (:func:`detente.conflict.engine.submodel`); the sensitivity pass uses this to skip the
    rest of the state space. ``None`` when nothing is reachable or there is no status quo.
    """
    if concept not in ("nash", "seq"):
        raise InputError(f"best_reachable restricts to the reachable states, valid for Nash and "
                         f"SEQ only; got {concept!r}")
    if scenario.status_quo is None:
        return None  # as analyze_variant: no status quo, nothing reachable
    n = model.space.n_states
    sq = reachable_outcomes(scenario, model, payoffs, np.zeros(n, dtype=bool), concept,
                            coalitions)
    assert sq is not None
    idx = np.flatnonzero(sq.reachable)
    sub = submodel(model, idx)
    stable = analyse_profile(sub.profile({a: np.asarray(payoffs[a])[idx]
                                          for a in scenario.actor_ids}), (concept,))[concept]
    ok = stable.all(axis=0) & ~np.asarray(sq.improvable)[idx]
    cand = idx[ok]
    if not cand.size:
        return None
    codes = model.space.codes
    totals = total_score(scenario, interest_scores(scenario, codes[cand]))
    tot = totals if totals.size else np.zeros(cand.shape[0])
    k = int(best_first(codes[cand], sq.depth[cand], tot)[0])
    return int(cand[k]), float(tot[k])


def perturbations(pref: Preference) -> list[tuple[str, Preference]]:
    """Drop each statement, and swap each pair of neighbours (for sensitivity)."""
    if pref.kind != "statements":
        return []
    stm = list(pref.statements)
    out: list[tuple[str, Preference]] = []
    for k in range(len(stm)):
        if len(stm) > 1:
            rest = stm[:k] + stm[k + 1:]
            out.append((f"drop «{stm[k].text}»", replace(pref, statements=tuple(rest))))
    for k in range(len(stm) - 1):
        sw = list(stm)
        sw[k], sw[k + 1] = sw[k + 1], sw[k]
        out.append(
            (f"swap «{stm[k].text}» and «{stm[k + 1].text}»", replace(pref, statements=tuple(sw)))
        )
    return out


def sensitivity(
    variants: Sequence[Scenario],
    base: Sequence[VariantAnalysis],
    models: Mapping[str, ConflictModel],
    concept: str,
    actors: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    rules: Rules = DECLARED,
) -> tuple[Perturbation, ...]:
    """Perturb each actor's statements in each variant (one edit: drop a statement or swap
    two neighbours) and report which perturbations change the ranks of the variants, the
    variants ranked first, or the variant's first reachable outcome; ``progress(done,
    total)`` is called after each re-analysis."""
    base_rank = rank_variants(base)
    base_ranks = ranks(base_rank)
    base_top = set(top(base_rank))
    by_id = {v.variant: v for v in base}
    jobs = [
        (scen, actor, label, pref)
        for scen in variants
        for actor in scen.actor_ids
        if actors is None or actor in actors
        for label, pref in perturbations(scen.preferences[actor])
    ]
    # the variants' models are built and their move tables cached before the threads start
    for scen in variants:
        model = models[_key(scen)]
        for k in range(len(scen.actors)):
            model.moves.csr(k)
    base_total = {k: v.score for k, v in by_id.items()}
    base_pay = {scen.variant or "base": models[_key(scen)].payoffs(None, scen)
                for scen in variants}

    def run(job: tuple[Scenario, str, str, Preference]) -> Perturbation:
        scen, actor, label, pref = job
        vid = scen.variant or "base"
        model = models[_key(scen)]
        payoffs = model.payoffs({actor: pref}, scen)
        if np.array_equal(payoffs[actor], base_pay[vid][actor]):
            # the edit leaves the actor's preference over states as it was: same result
            found_top = by_id[vid].top
            best_state = None if found_top is None else found_top.state
            total = by_id[vid].score
        elif concept in ("nash", "seq"):  # stability of the reachable states only
            found = best_reachable(scen, model, payoffs, concept,
                                   rules.coalitions_for(scen))
            best_state = None if found is None else scen.code_text(
                int(model.space.codes[found[0]]))
            total = None if found is None else found[1]
        else:
            va = analyze_variant(scen, model, (concept,), concept,
                                 preferences={actor: pref}, max_outcomes=1, tracked=(),
                                 rules=rules)
            best_state = va.top.state if va.top else None
            total = va.score
        rank = competition_ranking([(k, total if k == vid else base_total[k]) for k in by_id])
        prev = by_id[vid].top
        old_best = prev.state if prev is not None else None
        return Perturbation(vid, actor, label, rank, best_state, ranks(rank) != base_ranks,
                            best_state != old_best, set(top(rank)) != base_top)

    # jobs go to the workers by index: they inherit the scenarios and models when forked
    return tuple(_map_jobs(lambda k: run(jobs[k]), range(len(jobs)), progress))


#: The re-analysis the forked sensitivity workers run (set only while they run).
_FORKED: Callable[[Any], Any] | None = None


def _forked_job(job: Any) -> Any:
    assert _FORKED is not None
    return _FORKED(job)


def _map_jobs(run: Callable[[Any], Any], jobs: Sequence[Any],
              progress: Callable[[int, int], None] | None) -> list[Any]:
    """``[run(job) for job in jobs]``, in order, on every core.

    The re-analyses are short and spend much of their time in Python, so threads would
    serialise on the GIL: where the platform can fork, worker processes inherit the built
    models (nothing is pickled but the jobs' indices and the small results); elsewhere, and
    for a few jobs, a thread pool. ``progress(done, total)`` is called in this process.
    """
    global _FORKED
    n = min(os.cpu_count() or 1, len(jobs))
    total = len(jobs)
    out: list[Any] = []
    if n > 1 and total >= 16 and "fork" in multiprocessing.get_all_start_methods():
        _FORKED = run
        try:
            with multiprocessing.get_context("fork").Pool(n) as pool:
                for res in pool.imap(_forked_job, jobs, chunksize=max(1, total // (8 * n))):
                    out.append(res)
                    if progress is not None:
                        progress(len(out), total)
        finally:
            _FORKED = None
        return out
    with ThreadPoolExecutor(max_workers=max(1, n)) as tpool:
        for res in tpool.map(run, jobs):
            out.append(res)
            if progress is not None:
                progress(len(out), total)
    return out


def analyze_scenario(
    source: str | Scenario | None = None,
    variants: Sequence[str] | None = None,
    concept: str = "seq",
    concepts: Sequence[str] = DEFAULT_CONCEPTS,
    with_sensitivity: bool = True,
    sensitivity_actors: Sequence[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    rules: Rules = DECLARED,
    compare: Sequence[Rules] | None = None,
) -> StrategyReport:
    """Run every analysis that applies to a scenario and answer its questions.

    Parameters
    ----------
    source
        A scenario path, a loaded :class:`Scenario`, or ``None`` for the bundled korea-2017.
    variants
        Variant ids to analyse (default: all of the file's variants; the base model when the
        file has none).
    concept
        The stability concept used for reachable outcomes and the comparison (default SEQ,
        sequential stability: only credible sanctions).
    concepts
        Concepts reported for every variant.
    with_sensitivity
        Run the statement-perturbation pass.
    sensitivity_actors
        Actors whose statements are perturbed (default: every actor).
    progress
        Called as ``progress(fraction done, what is being done)`` as the work advances (from
        worker threads during the sensitivity pass; calls are serialised).
    rules
        The move rules of the main analysis (default: each variant's declared coalitions).
    compare
        Other move rules to run every variant under, for the comparison across rules
        (default: :func:`~detente.strategy.rules.default_rules`: unilateral moves only, and
        every coalition that any variant declares, applied to all).
    """
    t0 = time.perf_counter()
    lock = threading.Lock()

    def report_progress(fraction: float, stage: str) -> None:
        if progress is not None:
            with lock:
                progress(min(1.0, max(0.0, fraction)), stage)

    if source is None:
        source = detente.scenario_path()
    base = source if isinstance(source, Scenario) else load_scenario(source)
    tracked = tracked_outcomes(base)
    questions = questions_of(base, tracked)
    ids = list(variants) if variants else [v.id for v in base.variants]
    scenarios = [variant_of(base, vid) for vid in ids] or [base]
    if compare is None:
        compare = default_rules(base, scenarios)
    every = list(dict.fromkeys([rules, DECLARED, *compare]))  # the main rules first
    models: dict[str, ConflictModel] = {}
    for s in scenarios:
        models.setdefault(_key(s), build_model(s))
    share = 0.3 if with_sensitivity else 0.8  # of the whole, for the variants' analyses
    analyses = []
    for k, s in enumerate(scenarios):
        report_progress(share * k / len(scenarios), f"analysing {s.variant or 'the base model'}")
        analyses.append(analyze_variant(s, models[_key(s)], concepts, concept, tracked=tracked,
                                        rules=rules, compare=every))
    ranking = rank_variants(analyses)
    runs = _rule_runs(rules, every, analyses)
    structure = tuple(structure_of(base, s, models[_key(s)].space.n_states) for s in scenarios)
    sens: tuple[Perturbation, ...] = ()
    if with_sensitivity:
        def tick(done: int, total: int) -> None:
            report_progress(share + 0.6 * done / max(1, total),
                            f"sensitivity: {done} of {total} perturbations")

        sens = sensitivity(scenarios, analyses, models, concept, sensitivity_actors,
                           progress=tick, rules=rules)
    report_progress(0.9, "verification and bargaining")
    extras = supporting_models(base)
    report_progress(0.93, "answering the questions")
    from detente.strategy.questions import answer_questions

    answers = answer_questions(base, analyses, concept, tracked, questions, runs, models)
    report_progress(0.96, "what happens if an actor reneges; the record")
    from detente.strategy.accountability import record_check, reneging

    renege = {a.variant: reneging(s, a.top.state, concept, models[_key(s)])
              for a, s in zip(analyses, scenarios, strict=True) if a.top is not None}
    record = record_check(base, [s.variant for s in scenarios if s.variant], concept)
    concl = conclusion(runs, analyses, structure, sens if with_sensitivity else None,
                       [(t.id, t.name) for t in tracked], concept, bool(base.interests))
    report_progress(1.0, "done")
    return StrategyReport(
        scenario=base.name,
        digest=base.digest,
        description=base.description,
        sources=base.sources,
        actors=tuple((a.id, a.name) for a in base.actors),
        options=tuple((o.ref, o.name, o.reversible) for o in base.options),
        status_quo=None if base.status_quo is None else base.code_text(base.status_quo),
        n_states=build_model(base).space.n_states if _key(base) not in models
        else models[_key(base)].space.n_states,
        concept=concept,
        variants=tuple(analyses),
        ranking=ranking,
        sensitivity=sens,
        answers=answers,
        interests=tuple((i.id, i.name, i.weight) for i in base.interests),
        extras=extras,
        parameters={"concepts": list(concepts), "seconds": round(time.perf_counter() - t0, 2),
                    "source": base.source, "rules": rules.label,
                    "compared": [r.label for r in every]},
        tracked=tuple((t.id, t.name, t.condition.text) for t in tracked),
        rules=runs,
        conclusion=concl,
        structure=structure,
        reneging=renege,
        record=record,
    )


def _rule_runs(main: Rules, every: Sequence[Rules], analyses: Sequence[VariantAnalysis]
               ) -> tuple[RuleRun, ...]:
    """Every variant's summary under each rule, the main rule first."""
    out = []
    for r in every:
        scores: dict[str, float | None] = {}
        counts: dict[str, int] = {}
        reach: dict[str, dict[str, bool]] = {}
        states: dict[str, tuple[str, ...]] = {}
        for v in analyses:
            if r == main:
                scores[v.variant] = v.score
                counts[v.variant] = v.n_reachable_equilibria
                reach[v.variant] = {t: bool(s["reachable"]) for t, s in v.tracked.items()}
                states[v.variant] = tuple(o.state for o in v.reachable)
            else:
                u = v.under[r.label]
                scores[v.variant] = u.scores[v.variant]
                counts[v.variant] = u.counts[v.variant]
                reach[v.variant] = dict(u.reachable[v.variant])
                states[v.variant] = tuple(u.states[v.variant])
        out.append(RuleRun(r, scores, counts, reach, states))
    return tuple(out)


#: Relative input changes of the bargaining forecast's sensitivity table in the report.
SENSITIVITY_STEPS = (-0.1, -0.05, 0.05, 0.1)


def supporting_models(base: Scenario) -> dict[str, Any]:
    """Verification and bargaining sections, when the scenario has them."""
    extras: dict[str, Any] = {}
    if base.verification is not None and hasattr(base.verification, "model_dump"):
        from detente.verify import assess_freeze, assess_regimes

        spec = base.verification
        ver = assess_regimes(spec).to_dict()
        fa = assess_freeze(spec)
        ver["accountancy"] = None if fa.cumuf_detection is None else {
            "cumuf_detection": fa.cumuf_detection,
            "sigma_cumuf_kg": fa.sigma_cumuf_kg,
            "largest_sigma_muf_kg": fa.largest_sigma_muf_kg,
            "periods": spec.accountancy.periods,
            "false_alarm": spec.accountancy.false_alarm,
            "why": spec.accountancy.why,
        }
        extras["verification"] = ver
    if base.issues:
        from detente.bargain.sensitivity import forecast_sensitivity
        from detente.bargain.spec import forecast_issue

        out = {}
        for issue in base.issues:
            now = forecast_issue(issue, rounds=10)
            entry: dict[str, Any] = {"name": issue.name, "now": _forecast_summary(now)}
            entry["anchors"] = {float(k): v for k, v in issue.scale.anchors.items()}
            if not getattr(issue, "package", False):
                # both expected-utility variants, and how each forecast moves when one
                # actor's input changes by 5 or 10 % (docs/discussion/forecast-sensitivity.md)
                stances = list(issue.positions.values())
                sens = {}
                for variant in ("textbook", "scholz"):
                    sens[variant] = forecast_sensitivity(
                        list(issue.positions), [x.capability for x in stances],
                        [x.salience for x in stances], [x.position for x in stances],
                        lower=issue.scale.lower, upper=issue.scale.upper, variant=variant,
                        rounds=10, steps=SENSITIVITY_STEPS, issue=issue.id).to_dict()
                entry["sensitivity"] = sens
            out[issue.id] = entry
        extras["bargaining"] = out
        package = [i for i in base.issues if getattr(i, "package", False)]
        if len(package) >= 2:
            from detente.bargain.spec import forecast_package

            pf = forecast_package(package, rounds=10)
            extras["package"] = {
                "model": pf.model,
                "variant": pf.variant,
                "rounds": len(pf.exchanges),
                "exchanges": sum(len(r) for r in pf.exchanges),
                "issues": {
                    i.id: {"name": i.name, **_forecast_summary(pf.forecasts[i.id])}
                    for i in package
                },
            }
    return extras


def _forecast_summary(f: Any) -> dict[str, Any]:
    first, last = f.rounds[0], f.rounds[-1]
    return {
        "rounds": len(f.rounds) - 1,
        "median_start": float(first.median),
        "mean_start": float(first.mean),
        "median_end": float(last.median),
        "mean_end": float(last.mean),
        "positions_end": {a: float(x) for a, x in zip(f.actors, last.positions, strict=True)},
    }
