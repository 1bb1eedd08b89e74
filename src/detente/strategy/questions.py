"""Answers to a scenario's own questions (its ``questions:`` section), from the results.

Each question has a kind (:mod:`detente.strategy.spec`); the answer is computed from the
variants' analyses and the comparison across move rules, with the evidence it rests on. No
scenario is known by name here. See ``docs/discussion/strategy-comparison.md``.

``stable_anywhere``
    Is the outcome an equilibrium of some variant, and can the conflict reach it?
``reachable``
    Is the outcome reachable from the status quo under the listed variants (default: all)?
    The first reachable state in the report's order is shown with its path, and the answer
    under each other move rule is part of the evidence.
``best``
    Where does one variant settle: its reachable equilibria, the best of them (or why there
    is none) and which tracked outcomes it reaches.
``compare``
    The listed variants against each other, ranked with ties.
``requires``
    What would have to change for the outcome to hold: the inverse analysis (Kinsara, Kilgour
    and Hipel 2015) of the state nearest the status quo where the outcome holds, per actor,
    with the fewest edits to its preference statements
    (:func:`detente.conflict.edits.statement_edits`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from detente.conflict import ConflictModel, build_model, structure_key
from detente.scenario import Scenario, variant_of
from detente.strategy.ranking import competition_ranking, describe
from detente.strategy.rules import RuleRun
from detente.strategy.spec import Question, TrackedOutcome

if TYPE_CHECKING:
    from detente.strategy.analysis import Answer, Outcome, VariantAnalysis

#: Most evidence lines kept per answer (the answer says how many there are in all).
MAX_EVIDENCE = 12


def answer_questions(
    base: Scenario,
    analyses: Sequence[VariantAnalysis],
    concept: str,
    tracked: Sequence[TrackedOutcome],
    questions: Sequence[Question],
    runs: Sequence[RuleRun] = (),
    models: Mapping[str, ConflictModel] | None = None,
) -> tuple[Answer, ...]:
    """Answer every question of the scenario from the results (in the file's order)."""
    ctx = _Ctx(base, analyses, concept, {t.id: t for t in tracked}, runs, dict(models or {}))
    out = []
    for q in questions:
        answer, evidence = _KINDS[q.kind](ctx, q)
        out.append(_answer(q, answer, evidence))
    return tuple(out)


class _Ctx:
    def __init__(self, base: Scenario, analyses: Sequence[VariantAnalysis], concept: str,
                 tracked: Mapping[str, TrackedOutcome], runs: Sequence[RuleRun],
                 models: dict[str, ConflictModel]) -> None:
        self.base = base
        self.analyses = list(analyses)
        self.by_id = {a.variant: a for a in analyses}
        self.concept = concept
        self.cname = "Nash" if concept == "nash" else concept.upper()
        self.tracked = tracked
        self.runs = list(runs)
        self.models = models

    def chosen(self, q: Question) -> tuple[list[VariantAnalysis], list[str]]:
        """The analysed variants a question asks about, and those it names but were not
        analysed."""
        if not q.variants:
            return self.analyses, []
        return ([self.by_id[v] for v in q.variants if v in self.by_id],
                [v for v in q.variants if v not in self.by_id])


def _answer(q: Question, answer: str, evidence: Sequence[str]) -> Answer:
    from detente.strategy.analysis import Answer

    kept = tuple(evidence[:MAX_EVIDENCE])
    return Answer(q.text, answer, kept, q.id, q.kind, len(evidence))


def _names(ids: Sequence[str]) -> str:
    return ", ".join(ids) if ids else "none"


def _not_analysed(missing: Sequence[str]) -> str:
    return (f" ({_names(missing)} not analysed in this run: choose them with --variant)"
            if missing else "")


def _path(o: Outcome) -> str:
    if not o.path:
        return "it is the status quo"
    return f"{len(o.path)} move{'s' if len(o.path) > 1 else ''}: " + "; ".join(
        f"{s.mover} " + ", ".join([f"+{t}" for t in s.taken] + [f"-{w}" for w in s.withdrawn])
        for s in o.path)


def _state_line(o: Outcome) -> str:
    opts = "; ".join(f"{a}: {', '.join(v) or '—'}" for a, v in o.options.items())
    also = f"; tracked: {', '.join(o.tracked)}" if o.tracked else ""
    return f"{o.state} — {opts}; score {o.total:.2f}{also}"


# -- the kinds ---------------------------------------------------------------------------------


def _stable_anywhere(ctx: _Ctx, q: Question) -> tuple[str, list[str]]:
    assert q.outcome is not None
    t = ctx.tracked[q.outcome]
    chosen, missing = ctx.chosen(q)
    evidence, stable, reach = [], [], []
    for a in chosen:
        f = a.tracked[t.id]
        concepts = [c.upper() for c in a.stability.concepts if f[c]]
        evidence.append(f"{a.variant}: a {t.id} state is an equilibrium under "
                        f"{', '.join(concepts) or 'no concept'}; reachable from the status quo: "
                        f"{'yes' if f['reachable'] else 'no'}")
        if f[ctx.concept]:
            stable.append(a.variant)
        if f["reachable"]:
            reach.append(a.variant)
    if reach:
        ans = (f"Yes: a {ctx.cname}-stable {t.name} outcome is reachable from the status quo "
               f"under {_names(reach)}.")
    elif stable:
        ans = (f"Only in a weak sense: {t.name} states are {ctx.cname} equilibria under "
               f"{_names(stable)}, but no variant reaches one from the status quo.")
    else:
        ans = f"No: no variant has a {ctx.cname} equilibrium where {t.name} holds."
    return ans + _not_analysed(missing), evidence


def _reachable(ctx: _Ctx, q: Question) -> tuple[str, list[str]]:
    assert q.outcome is not None
    t = ctx.tracked[q.outcome]
    chosen, missing = ctx.chosen(q)
    evidence, found = [], []
    for a in chosen:
        f = a.tracked[t.id]
        evidence.append(f"{a.variant}: {f['reachable_count']:,} reachable {ctx.cname} "
                        f"equilibria with {t.id}")
        if f["reachable"]:
            found.append(a)
    ids = [a.variant for a in chosen]
    for run in ctx.runs[1:]:
        under = [v for v in run.reaching(t.id) if v in ids]
        evidence.append(f"with {run.rules.describe()}: reachable under {_names(under)}")
    if found:
        parts = []
        for a in found:
            first = next((o for o in a.reachable if t.id in o.tracked), None)
            if first is None:
                parts.append(f"under {a.variant}, {a.tracked[t.id]['reachable_count']:,} such "
                             "equilibria (none among the first listed)")
                continue
            others = [x for x in first.tracked if x != t.id]
            parts.append(f"under {a.variant}, first {first.state} "
                         f"(score {first.total:.2f}; {_path(first)})"
                         + (f", where {', '.join(others)} also hold" if others else ""))
            evidence.extend(f"{a.variant}: {_state_line(o)}" for o in a.reachable
                            if t.id in o.tracked)
        ans = (f"Yes: a {ctx.cname}-stable {t.name} outcome is reachable from the status quo "
               + "; ".join(parts) + ".")
    else:
        ans = (f"No: under {_names(ids)} no {ctx.cname}-stable {t.name} outcome is reachable "
               "from the status quo.")
    return ans + _not_analysed(missing), evidence


def _best(ctx: _Ctx, q: Question) -> tuple[str, list[str]]:
    assert q.variant is not None
    a = ctx.by_id.get(q.variant)
    if a is None:
        return f"{q.variant} was not analysed in this run: choose it with --variant.", []
    evidence = [_state_line(o) for o in a.reachable]
    more = a.n_reachable_equilibria - len(a.reachable)
    if more > 0:
        evidence.append(f"… and {more:,} more reachable equilibria (in the JSON: the first "
                        f"{len(a.reachable)})")
    if not a.reachable:
        return (f"No {ctx.cname} equilibrium is reachable from the status quo under "
                f"{a.variant}."), evidence
    n = a.n_reachable_equilibria
    head = f"Under {a.variant} the conflict can settle at {n:,} reachable {ctx.cname} " \
           f"equilibri{'um' if n == 1 else 'a'}"
    if a.best is not None:
        b = a.best
        tied = f", tied on score with {a.n_top - 1:,} other(s)" if a.n_top > 1 else ""
        head += (f"; the best by the interest scores is {b.state} (score {b.total:.2f}{tied}; "
                 + "; ".join(f"{k}: {', '.join(v) or '—'}" for k, v in b.options.items()) + ")")
    else:
        head += f"; there is no best one: {a.no_best}"
    reach = [t for t, f in a.tracked.items() if f["reachable"]]
    tail = (f". Tracked outcomes reachable: {_names(reach)}; not reachable: "
            f"{_names([t for t in a.tracked if t not in reach])}." if a.tracked else ".")
    return head + tail, evidence


def _compare(ctx: _Ctx, q: Question) -> tuple[str, list[str]]:
    chosen, missing = ctx.chosen(q)
    if len(chosen) < 2:
        return ("Fewer than two of " + _names(list(q.variants)) + " were analysed in this "
                "run: choose them with --variant."), []
    ranking = competition_ranking((a.variant, a.score) for a in chosen)
    evidence = []
    for e in ranking:
        a = ctx.by_id[e.variant]
        reach = [t for t, f in a.tracked.items() if f["reachable"]]
        score = "reaches no equilibrium" if e.score is None else f"score {e.score:.2f}"
        evidence.append(f"{e.variant}: rank {e.rank} among these; {score}; tracked outcomes "
                        f"reachable: {_names(reach)}")
    for run in ctx.runs[1:]:
        sub = competition_ranking((a.variant, run.scores.get(a.variant)) for a in chosen)
        evidence.append(f"with {run.rules.describe()}: {describe(sub)}")
    if not ctx.base.interests:
        return ("They cannot be ranked: the scenario defines no interests"
                + _not_analysed(missing) + "."), evidence
    if len({e.rank for e in ranking}) == 1:
        ans = f"They tie: {describe(ranking)}."
    else:
        ans = f"By the best reachable outcome's score: {describe(ranking)}."
    return ans + _not_analysed(missing), evidence


def _requires(ctx: _Ctx, q: Question) -> tuple[str, list[str]]:
    from detente.conflict.edits import statement_edits
    from detente.conflict.inverse import inverse

    assert q.outcome is not None
    t = ctx.tracked[q.outcome]
    vid = q.variant or "base"
    scen = ctx.base if vid == "base" else variant_of(ctx.base, vid)
    if scen.status_quo is None:
        return "Cannot say: the scenario has no status quo to start from.", []
    model = ctx.models.get(structure_key(scen)) or build_model(scen)
    target = _nearest(scen, model, t)
    if target is None:
        return f"No feasible state has {t.name} under {vid}.", []
    cname = ctx.cname
    who = list(q.actors) or scen.actor_ids
    inv = inverse(scen, target, ctx.concept, actors=who, model=model)
    worded = [a.actor for a in inv.actors
              if not a.stable and scen.preferences[a.actor].kind == "statements"]
    edits = statement_edits(scen, target, ctx.concept, actors=worded, model=model) \
        if worded else {}
    sq = scen.status_quo
    evidence = []
    for act in inv.actors:
        if act.stable:
            evidence.append(f"{act.actor}: nothing — already {cname}-stable for it")
            continue
        moves = ", ".join(f"{scen.code_text(m)} ({_diff(scen, target, m)})"
                          for m in act.must_block[:4])
        more = len(act.must_block) - 4
        evidence.append(f"{act.actor} would leave it for {moves}"
                        + (f" and {more:,} more" if more > 0 else ""))
        if act.must_block:
            why = _deciding_statements(scen, act.actor, target, act.must_block[0])
            if why:
                evidence.append(f"{act.actor}'s statements that make the first of these moves "
                                f"an improvement: {why}")
        edit = edits.get(act.actor)
        if edit is not None:
            evidence.append(f"{act.actor}, fewest edits to its preference statements: "
                            f"{edit.describe()}")
        if act.change is not None:
            evidence.append(f"{act.actor}, smallest change ({act.change.swaps} pairwise swaps "
                            f"of its ranking): {'; '.join(inv.describe_change(act))}")
    unstable = [a.actor for a in inv.actors if not a.stable]
    where = "the base model" if vid == "base" else vid
    ans = (f"Take the status quo of {where} changed as little as possible so that {t.name} "
           f"holds: {scen.code_text(target)} ({_diff(scen, sq, target) or 'the status quo'}). ")
    if unstable:
        ans += (f"It is not {cname}-stable for {' and '.join(unstable)}: the moves listed "
                "must stop being improvements, by a change of priorities or a credible "
                "sanction.")
        ans += "".join(f" For {k}, the fewest edits to its stated priorities that make it "
                       f"hold: {v.describe()}." for k, v in edits.items())
    else:
        ans += f"It is already {cname}-stable for {' and '.join(who)}."
    a = ctx.by_id.get(vid)
    if a is not None:
        ans += (f" Under {vid} a {t.name} outcome is "
                + ("reachable." if a.tracked[t.id]["reachable"] else "not reachable."))
    return ans, evidence


def _nearest(scen: Scenario, model: ConflictModel, t: TrackedOutcome) -> int | None:
    """The feasible state where ``t`` holds that differs from the status quo in the fewest
    options (lowest code among equals)."""
    assert scen.status_quo is not None
    codes = model.space.codes
    ok = np.asarray(t.condition.holds(codes), dtype=bool)
    if not ok.any():
        return None
    cand = codes[ok]
    diff = np.bitwise_xor(cand, np.int64(scen.status_quo))
    dist = _popcount(diff)
    k = np.lexsort((cand, dist))[0]
    return int(cand[k])


def _popcount(x: NDArray[np.int64]) -> NDArray[np.int64]:
    """Number of set bits of each entry (one pass per bit, not per entry)."""
    x = x.astype(np.uint64)
    out = np.zeros(x.shape, dtype=np.int64)
    while bool(x.any()):
        out += (x & np.uint64(1)).astype(np.int64)
        x = x >> np.uint64(1)
    return out


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


_KINDS = {
    "stable_anywhere": _stable_anywhere,
    "reachable": _reachable,
    "best": _best,
    "compare": _compare,
    "requires": _requires,
}
