"""The main analysis of a scenario: every variant, its equilibria, the outcomes reachable from
the status quo, interest scores, a sensitivity pass and answers to the questions of a strategy.

Status-quo reachability is the status-quo analysis of :mod:`detente.conflict.paths` (Li,
Kilgour and Hipel 2005; Xu et al. 2010): the conflict moves from the status quo by legal
sequences of unilateral improvements and of the scenario's coalitions' improvements; the
outcomes are the reachable equilibria that no such coalition can improve on, each with a
shortest evolution.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
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
from detente.jsonutil import plain
from detente.loading import load_scenario
from detente.scenario import Scenario, variant_of
from detente.scenario.model import Preference

DEFAULT_CONCEPTS = ("nash", "gmr", "smr", "seq")


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
    """An equilibrium reachable from the status quo, with its shortest path and scores."""

    state: str
    concepts: tuple[str, ...]
    path: tuple[Step, ...]
    interests: Mapping[str, float]
    total: float
    options: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class VariantAnalysis:
    """Everything computed for one variant."""

    variant: str
    name: str
    description: str
    stability: StabilityResult
    concept: str
    reachable: tuple[Outcome, ...]
    n_reachable_states: int
    flags: Mapping[str, Any]
    n_reachable_equilibria: int = 0
    reachable_mask: NDArray[np.bool_] | None = field(default=None, repr=False)

    @property
    def best(self) -> Outcome | None:
        """The reachable equilibrium with the highest total interest score (lowest code on
        ties)."""
        return self.reachable[0] if self.reachable else None


@dataclass(frozen=True)
class Perturbation:
    """A change to one actor's statements and its effect on the comparison."""

    variant: str
    actor: str
    change: str
    ranking: tuple[str, ...]
    best_state: str | None
    changes_ranking: bool
    changes_outcome: bool


@dataclass(frozen=True)
class Answer:
    """A question of the strategy, answered from the results with the evidence."""

    question: str
    answer: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class StrategyReport:
    """The result of :func:`analyze_scenario` (frozen, with provenance)."""

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
    ranking: tuple[str, ...]
    sensitivity: tuple[Perturbation, ...]
    answers: tuple[Answer, ...]
    interests: tuple[tuple[str, str, float], ...]
    extras: Mapping[str, Any] = field(default_factory=dict)
    parameters: Mapping[str, Any] = field(default_factory=dict)
    version: str = detente.__version__

    def variant(self, vid: str) -> VariantAnalysis:
        """The analysis of variant ``vid``."""
        for v in self.variants:
            if v.variant == vid:
                return v
        raise KeyError(vid)

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
                "reachable_states": v.n_reachable_states,
                "reachable_equilibria": v.n_reachable_equilibria,
                "flags": dict(v.flags),
            }
        return {
            "scenario": self.scenario,
            "digest": self.digest,
            "status_quo": self.status_quo,
            "n_states": self.n_states,
            "concept": self.concept,
            "options": [o[0] for o in self.options],
            "variants": variants,
            "ranking": list(self.ranking),
            "sensitivity": [p.__dict__ | {"ranking": list(p.ranking)} for p in self.sensitivity],
            "answers": [
                {"question": a.question, "answer": a.answer, "evidence": list(a.evidence)}
                for a in self.answers
            ],
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
    coalitions: Sequence[Sequence[str]] | None = None,
    *,
    max_paths: int = 0,
    edge_limit: int = 0,
) -> PathsResult | None:
    """The status-quo analysis behind ``analyze`` and ``explore``: one rule for both, the one
    of :func:`detente.conflict.paths.status_quo_paths` (legal evolutions of unilateral
    improvements and of the scenario's coalitions' improvements; outcomes are its
    *resolutions*, the reachable equilibria no such coalition can improve on).

    ``coalitions`` defaults to the scenario's (those of two or more actors); ``[]`` allows
    unilateral improvements only. ``model``, ``payoffs`` and ``equilibrium`` are computed
    when not given. Returns ``None`` when the scenario has no status quo. By default no path
    is traced and no edge kept (``max_paths``, ``edge_limit`` as for ``status_quo_paths``);
    the result's :meth:`~detente.conflict.paths.PathsResult.path` traces any on request.
    """
    if scenario.status_quo is None:
        return None
    if coalitions is None:
        coalitions = scenario.coalitions or ()
    chosen = [list(c) for c in coalitions if len(c) > 1]
    return status_quo_paths(scenario, concept, coalitions=chosen or False, model=model,
                            payoffs=payoffs, equilibrium=equilibrium, max_paths=max_paths,
                            edge_limit=edge_limit)


def best_first(codes: NDArray[np.int64], depth: NDArray[Any], totals: NDArray[Any]
                ) -> NDArray[np.intp]:
    """Order of reachable outcomes: highest total interest score first (to 9 decimals);
    among ties the nearest to the status quo, then the lowest code."""
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


def _state_flags(scenario: Scenario) -> dict[str, Any]:
    """Conditions that the questions of the korea-2017 scenario ask about (when present)."""
    refs = set(scenario.option_refs)
    flags: dict[str, str] = {}
    if "NK.freeze" in refs:
        flags["freeze"] = "NK.freeze"
    if "NK.cap" in refs:
        flags["cap"] = "NK.cap"
    if "NK.denuclearize" in refs:
        flags["cvid"] = "NK.denuclearize"
    unity = [r for r in ("US.negotiate", "CN.push", "RU.push", "KR.push", "JP.push") if r in refs]
    if len(unity) == 5:
        flags["unity"] = " and ".join(unity)
    return flags


def _eval(scenario: Scenario, text: str, codes: NDArray[np.int64]) -> NDArray[np.bool_]:
    from detente.scenario.expr import evaluate

    return evaluate(_parsed(text, tuple(scenario.option_refs)), codes)


@functools.lru_cache(maxsize=256)
def _parsed(text: str, refs: tuple[str, ...]) -> Any:
    from detente.scenario.expr import parse_condition

    return parse_condition(text, {r: k for k, r in enumerate(refs)})


def analyze_variant(
    scenario: Scenario,
    model: ConflictModel | None = None,
    concepts: Sequence[str] = DEFAULT_CONCEPTS,
    concept: str = "seq",
    preferences: Mapping[str, Preference] | None = None,
    max_outcomes: int = 25,
) -> VariantAnalysis:
    """Stability, status-quo reachability and interest scores of one (variant) scenario.

    ``reachable`` lists the ``max_outcomes`` best reachable equilibria (by total interest
    score, then state code) with their shortest paths; ``reachable_mask`` marks all of them.
    """
    if model is None or model.key != _key(scenario):
        model = build_model(scenario)
    payoffs = model.payoffs(preferences, scenario)
    conc = list(dict.fromkeys([*concepts, concept]))
    result = analyse(scenario, conc, model=model, payoffs=payoffs)
    codes = model.space.codes
    scores = interest_scores(scenario, codes)
    totals = total_score(scenario, scores)
    reach: list[Outcome] = []
    n_reach = 0
    reach_mask = np.zeros(codes.shape[0], dtype=bool)
    sq = reachable_outcomes(scenario, model, payoffs, result.equilibrium_mask(concept), concept)
    if sq is not None:
        n_reach = sq.n_reachable
        reach_mask = sq.resolution.copy()
        idx_all = np.flatnonzero(reach_mask)
        tot = totals[idx_all] if totals.size else np.zeros(idx_all.shape[0])
        ranked = idx_all[best_first(codes[idx_all], sq.depth[idx_all], tot)][:max_outcomes]
        masks = {c: result.equilibrium_mask(c) for c in result.concepts}
        for idx in ranked:
            code = int(codes[idx])
            reach.append(
                Outcome(
                    state=scenario.code_text(code),
                    concepts=tuple(c for c in result.concepts if masks[c][idx]),
                    path=steps_of(sq.path(code)),
                    interests={k: float(v[idx]) for k, v in scores.items()},
                    total=float(totals[idx]) if totals.size else 0.0,
                    options={k: tuple(v) for k, v in scenario.describe_state(code).items()},
                )
            )
    flags: dict[str, Any] = {}
    for name, cond in _state_flags(scenario).items():
        holds = _eval(scenario, cond, codes)
        flags[name] = {
            c: bool((holds & result.equilibrium_mask(c)).any()) for c in result.concepts
        }
        flags[name]["reachable"] = bool((holds & reach_mask).any())
        flags[name]["reachable_count"] = int((holds & reach_mask).sum())
    return VariantAnalysis(
        variant=scenario.variant or "base",
        name=_variant_name(scenario),
        description=_variant_description(scenario),
        stability=result,
        concept=concept,
        reachable=tuple(reach),
        n_reachable_states=n_reach,
        flags=flags,
        n_reachable_equilibria=int(reach_mask.sum()),
        reachable_mask=reach_mask,
    )


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


def rank_variants(analyses: Iterable[VariantAnalysis]) -> tuple[str, ...]:
    """Variants ordered by the total interest score of their best reachable equilibrium
    (variants that reach no equilibrium last), ties by name."""
    return _rank((v.variant, v.best.total if v.best else None) for v in analyses)


def _rank(totals: Iterable[tuple[str, float | None]]) -> tuple[str, ...]:
    """Variant ids by best total (``None``: reaches nothing, last), ties by id."""
    return tuple(vid for vid, _ in sorted(
        totals, key=lambda vt: (-round(vt[1] if vt[1] is not None else -1e18, 9), vt[0])))


def best_reachable(
    scenario: Scenario,
    model: ConflictModel,
    payoffs: Mapping[str, NDArray[Any]],
    concept: str,
) -> tuple[int, float] | None:
    """The best reachable outcome (state index, total score) by the rule of
    :func:`analyze_variant`, computed on the reachable states only.

    For Nash and SEQ the reachable states are closed under every actor's improvements, so
    their stability is that of the sub-model on them
    (:func:`detente.conflict.engine.submodel`); the sensitivity pass uses this to skip the
    rest of the state space. ``None`` when nothing is reachable or there is no status quo.
    """
    if concept not in ("nash", "seq"):
        raise ValueError(f"best_reachable restricts to the reachable states, valid for Nash and "
                         f"SEQ only; got {concept!r}")
    if scenario.status_quo is None:
        return None  # as analyze_variant: no status quo, nothing reachable
    n = model.space.n_states
    sq = reachable_outcomes(scenario, model, payoffs, np.zeros(n, dtype=bool), concept)
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
) -> tuple[Perturbation, ...]:
    """Perturb each actor's statements in each variant and report which perturbations change
    the variant ranking or the variant's best reachable outcome; ``progress(done, total)``
    is called after each re-analysis."""
    base_rank = rank_variants(base)
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

    def run(job: tuple[Scenario, str, str, Preference]) -> Perturbation:
        scen, actor, label, pref = job
        vid = scen.variant or "base"
        model = models[_key(scen)]
        if concept in ("nash", "seq"):  # stability of the reachable states only
            found = best_reachable(scen, model, model.payoffs({actor: pref}, scen), concept)
            best_state = None if found is None else scen.code_text(
                int(model.space.codes[found[0]]))
            total = None if found is None else found[1]
        else:
            va = analyze_variant(scen, model, (concept,), concept,
                                 preferences={actor: pref}, max_outcomes=1)
            best_state = va.best.state if va.best else None
            total = va.best.total if va.best else None
        rank = _rank([(k, total if k == vid else base_total[k]) for k in by_id])
        prev = by_id[vid].best
        old_best = prev.state if prev is not None else None
        out = Perturbation(vid, actor, label, rank, best_state, rank != base_rank,
                           best_state != old_best)
        if progress is not None:
            with lock:
                done[0] += 1
                progress(done[0], len(jobs))
        return out

    lock = threading.Lock()
    done = [0]
    base_total = {k: (v.best.total if v.best is not None else None) for k, v in by_id.items()}

    # independent re-analyses; numpy releases the GIL, so a thread per core helps
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        out = list(pool.map(run, jobs))
    return tuple(out)


def analyze_scenario(
    source: str | Scenario | None = None,
    variants: Sequence[str] | None = None,
    concept: str = "seq",
    concepts: Sequence[str] = DEFAULT_CONCEPTS,
    with_sensitivity: bool = True,
    sensitivity_actors: Sequence[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
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
    ids = list(variants) if variants else [v.id for v in base.variants]
    scenarios = [variant_of(base, vid) for vid in ids] or [base]
    models: dict[str, ConflictModel] = {}
    for s in scenarios:
        models.setdefault(_key(s), build_model(s))
    share = 0.3 if with_sensitivity else 0.8  # of the whole, for the variants' analyses
    analyses = []
    for k, s in enumerate(scenarios):
        report_progress(share * k / len(scenarios), f"analysing {s.variant or 'the base model'}")
        analyses.append(analyze_variant(s, models[_key(s)], concepts, concept))
    ranking = rank_variants(analyses)
    sens: tuple[Perturbation, ...] = ()
    if with_sensitivity:
        def tick(done: int, total: int) -> None:
            report_progress(share + 0.6 * done / max(1, total),
                            f"sensitivity: {done} of {total} perturbations")

        sens = sensitivity(scenarios, analyses, models, concept, sensitivity_actors,
                           progress=tick)
    report_progress(0.9, "verification and bargaining")
    extras = supporting_models(base)
    report_progress(0.93, "answering the questions")
    answers = answer_questions(base, analyses, models, concept)
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
                    "source": base.source},
    )


# -- questions ---------------------------------------------------------------------------------


def answer_questions(
    base: Scenario,
    analyses: Sequence[VariantAnalysis],
    models: Mapping[str, ConflictModel],
    concept: str,
) -> tuple[Answer, ...]:
    """Answer the strategy's questions from the results (korea-2017 option names)."""
    flags = _state_flags(base)
    if not {"freeze", "cvid", "unity"} <= set(flags):
        return ()
    by_id = {a.variant: a for a in analyses}
    out: list[Answer] = []
    cname = concept.upper() if concept != "nash" else "Nash"

    # 1. CVID
    ev = []
    stable_any = []
    reach_any = []
    for a in analyses:
        f = a.flags["cvid"]
        ev.append(f"{a.variant}: a CVID state is an equilibrium under "
                  + (", ".join(c.upper() for c in a.stability.concepts if f[c]) or "no concept")
                  + f"; reachable from the status quo: {'yes' if f['reachable'] else 'no'}")
        if f[concept]:
            stable_any.append(a.variant)
        if f["reachable"]:
            reach_any.append(a.variant)
    if reach_any:
        ans = ("Yes: a stable CVID outcome is reachable from the status quo under "
               f"{', '.join(reach_any)}.")
    elif stable_any:
        ans = (f"Only in a weak sense: CVID states are {cname} equilibria under "
               f"{', '.join(stable_any)} — once done, denuclearisation cannot be undone — "
               "but in no variant can the conflict get there from the status quo.")
    else:
        ans = f"No: no variant has a {cname} equilibrium in which North Korea denuclearises."
    out.append(Answer("Is complete denuclearisation (CVID) stable under any variant?", ans,
                      tuple(ev)))

    # 2. Freeze without unity: variants without a coalition of all five parties
    ev = []
    found = []
    without = []
    for a in analyses:
        scen_a = variant_of(base, a.variant)
        united = any(len(c) >= 5 for c in (scen_a.coalitions or ()))
        n_frz = int(a.flags["freeze"]["reachable_count"])
        ev.append(f"{a.variant}: five-party coalition {'yes' if united else 'no'}; reachable "
                  f"{cname}-stable outcomes with a freeze: {n_frz}")
        if not united:
            without.append(a.variant)
            if n_frz:
                found.append(a.variant)
    out.append(Answer(
        "Is a verified freeze stable without five-party unity?",
        (f"Yes, under {', '.join(found)}: a stable freeze is reachable without the five acting "
         "together." if found else
         f"No: without the five-party coalition ({', '.join(without) or 'no such variant'}) no "
         f"{cname}-stable freeze is reachable from the status quo."),
        tuple(ev),
    ))

    # 3. Unity -> freeze-then-cap reachable?
    ftc = by_id.get("freeze-then-cap")
    if ftc is not None:
        frz = [o for o in ftc.reachable if "freeze" in " ".join(o.options.get("NK", ()))]
        cap = [o for o in frz if "cap" in o.options.get("NK", ())]
        if frz:
            best = max(frz, key=lambda o: (round(o.total, 9), o.state))
            path = "; ".join(
                f"{s.mover} "
                + ", ".join([f"+{t}" for t in s.taken] + [f"-{w}" for w in s.withdrawn])
                for s in best.path
            )
            ans = (f"Yes: under five-party unity the conflict can move from the status quo to a "
                   f"{cname}-stable verified freeze{' with a cap' if cap else ''} "
                   f"(state {best.state}, {len(best.path)} moves: {path}).")
        else:
            ans = (f"No: with five-party unity no {cname}-stable freeze is reachable from the "
                   "status quo by unilateral improvements.")
        out.append(Answer(
            "Does unity make freeze-then-cap an equilibrium reachable from the status quo?",
            ans,
            tuple(f"reachable equilibrium {o.state}: NK "
                  f"{', '.join(o.options.get('NK', ())) or 'nothing'}; score {o.total:.2f}"
                  for o in sorted(ftc.reachable, key=lambda o: (-round(o.total, 9), o.state))[:8]),
        ))

    # 4. Hard containment
    hc = by_id.get("hard-containment")
    if hc is not None:
        if hc.reachable:
            hbest = hc.best
            assert hbest is not None
            nk = ", ".join(hbest.options.get("NK", ())) or "nothing"
            ans = (f"Without Beijing and Moscow the conflict settles at "
                   f"{hc.n_reachable_equilibria} reachable {cname} equilibria; the best for US "
                   f"interests is {hbest.state} "
                   f"(North Korea: {nk}; total score {hbest.total:.2f}). A freeze is "
                   f"{'reachable' if hc.flags['freeze']['reachable'] else 'not reachable'}.")
        else:
            ans = f"No {cname} equilibrium is reachable from the status quo under hard containment."
        out.append(Answer(
            "What happens under hard containment if China and Russia do not join?",
            ans,
            tuple(f"{o.state}: score {o.total:.2f}; NK {', '.join(o.options.get('NK', ())) or '—'}"
                  for o in hc.reachable[:8]),
        ))

    # 5. Inverse (Kinsara, Kilgour and Hipel 2015): what must change for NK and CN so that a
    #    freeze holds in the world of late 2017 (the base model), and is it already stable
    #    under the freeze-then-cap plan?
    from detente.conflict.edits import statement_edits
    from detente.conflict.inverse import inverse

    if base.status_quo is not None:
        sq = base.status_quo
        target = sq | (1 << base.option_refs.index(flags["freeze"]))
        for ref in ("NK.provoke", "NK.proliferate"):
            if ref in base.option_refs:
                target &= ~(1 << base.option_refs.index(ref))
        if base.is_feasible(target):
            who = [a for a in ("NK", "CN") if a in base.actor_ids]
            conc = "seq" if concept == "seq" else concept
            inv = inverse(base, target, conc, actors=who)
            worded = [a.actor for a in inv.actors
                      if not a.stable and base.preferences[a.actor].kind == "statements"]
            edits = statement_edits(base, target, conc, actors=worded) if worded else {}
            ev = []
            for act in inv.actors:
                if act.stable:
                    ev.append(f"{act.actor}: nothing — already {cname}-stable for it")
                    continue
                moves = ", ".join(
                    f"{base.code_text(t)} ({_diff(base, target, t)})" for t in act.must_block[:4])
                ev.append(f"{act.actor} would leave the freeze for {moves}")
                if act.must_block:
                    why = _deciding_statements(base, act.actor, target, act.must_block[0])
                    if why:
                        ev.append(f"{act.actor}'s statements that make the first of these "
                                  f"moves an improvement: {why}")
                edit = edits.get(act.actor)
                if edit is not None and edit.found:
                    ev.append(f"{act.actor}, fewest edits to its preference statements "
                              f"({len(edit.edits)}): {edit.describe()}")
                change = "; ".join(inv.describe_change(act))
                if act.change is not None:
                    ev.append(f"{act.actor}, smallest change ({act.change.swaps} pairwise swaps "
                              f"of its ranking): {change}")
            ftc_note = ""
            if ftc is not None:
                ftc_note = (" Under freeze-then-cap, a reachable freeze is "
                            + ("already stable for all." if ftc.flags["freeze"]["reachable"]
                               else "still not reachable."))
            unstable = [a.actor for a in inv.actors if not a.stable]
            out.append(Answer(
                "What would have to change in North Korea's and China's preferences for a freeze "
                "to hold?",
                (f"Take the late-2017 situation with North Korea frozen instead of testing "
                 f"({base.code_text(target)}). "
                 + (f"It is not {cname}-stable for {' and '.join(unstable)}: the moves listed "
                    "must stop being improvements, by a change of preference or a credible "
                    "sanction." if unstable else f"It is already {cname}-stable for both.")
                 + "".join(f" For {k}, the fewest edits to its stated priorities that make it "
                           f"hold: {v.describe()}." for k, v in edits.items() if v.found)
                 + ftc_note),
                tuple(ev),
            ))
    return tuple(out)


def _deciding_statements(scen: Scenario, actor: str, stay: int, leave: int) -> str:
    """The actor's statements whose truth differs between ``stay`` and ``leave``, most
    important first, marked by which state they favour (option prioritisation: the most
    important differing statement decides the comparison)."""
    pref = scen.preferences[actor]
    if pref.kind != "statements":
        return ""
    codes = np.array([stay, leave], dtype=np.int64)
    parts = []
    for k, stm in enumerate(pref.statements, start=1):
        at_stay, at_leave = (bool(x) for x in stm.holds(codes))
        if at_stay != at_leave:
            side = "favours leaving" if at_leave else "favours staying"
            parts.append(f"#{k} «{stm.text}» ({side})")
    return "; ".join(parts[:4])


def _diff(scen: Scenario, a: int, b: int) -> str:
    parts = [f"+{o.ref}" for o in scen.options if (b >> o.index) & 1 and not (a >> o.index) & 1]
    parts += [f"-{o.ref}" for o in scen.options if (a >> o.index) & 1 and not (b >> o.index) & 1]
    return ", ".join(parts)


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
        from detente.bargain.spec import forecast_issue

        out = {}
        for issue in base.issues:
            now = forecast_issue(issue, rounds=10)
            entry: dict[str, Any] = {"name": issue.name, "now": _forecast_summary(now)}
            anchors = issue.scale.anchors
            ftc = [pt for pt, label in anchors.items() if "freeze then cap" in label.lower()]
            if ftc and "US" in issue.positions:
                moved = forecast_issue(issue, rounds=10, overrides={"US": float(ftc[0])})
                entry["us_freeze_then_cap"] = _forecast_summary(moved)
                entry["us_position"] = float(ftc[0])
            entry["anchors"] = {float(k): v for k, v in anchors.items()}
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
