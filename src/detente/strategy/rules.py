"""The same move rules for every variant, the variants' structural differences, and the
headline: does the comparison's conclusion survive common rules, and what decides it?

A variant may differ from the base model in its preferences (what the comparison is meant to
test) and in its *structure*: coalitions allowed to move jointly, and options made infeasible.
A conclusion that holds only because one variant was given a coalition, or because another
was built so that an outcome cannot occur, says more about the file than about the strategy.
So every variant is also analysed under common rules:

``declared``
    each variant's own coalitions (the file as written);
``unilateral``
    unilateral improvements only, for every variant;
``coalition``
    one named set of coalitions for every variant (by default every coalition that any
    variant declares);
``all``
    every coalition of two or more actors, for every variant (costly on large conflicts).

Reachability follows Li, Kilgour and Hipel (2005) and Xu et al. (2010) as in
:func:`detente.strategy.analysis.reachable_outcomes`; coalition improvements as Kilgour,
Hipel, Fang and Peng (2001). See ``docs/discussion/strategy-comparison.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError
from detente.scenario.model import Condition, Scenario
from detente.strategy.ranking import RankEntry, competition_ranking, top

if TYPE_CHECKING:
    from detente.strategy.analysis import Perturbation, VariantAnalysis

RULE_KINDS = ("declared", "unilateral", "coalition", "all")


@dataclass(frozen=True)
class Rules:
    """Which coalitions may move jointly in the status-quo search, for every variant."""

    kind: str = "declared"
    coalitions: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in RULE_KINDS:
            raise InputError(f"--rules must be one of {', '.join(RULE_KINDS)}; got "
                             f"{self.kind!r}")
        if self.kind == "coalition" and not self.coalitions:
            raise InputError("the `coalition` rule needs a coalition: give --coalition "
                             "A,B (actor ids), or declare one in a variant")

    @property
    def label(self) -> str:
        """Short name: ``declared``, ``unilateral``, ``coalition US+KR`` or ``all``."""
        if self.kind == "coalition":
            return "coalition " + ", ".join("+".join(c) for c in self.coalitions)
        return self.kind

    def describe(self) -> str:
        """The rule in words."""
        if self.kind == "declared":
            return "each variant's declared coalitions"
        if self.kind == "unilateral":
            return "unilateral moves only"
        if self.kind == "all":
            return "every coalition, for every variant"
        names = " and ".join("+".join(c) for c in self.coalitions)
        return f"the coalition{'s' if len(self.coalitions) > 1 else ''} {names} for every variant"

    def coalitions_for(self, scenario: Scenario) -> list[list[str]] | str | None:
        """The ``coalitions`` argument of the status-quo search for ``scenario``."""
        if self.kind == "declared":
            return None
        if self.kind == "unilateral":
            return []
        if self.kind == "all":
            return "all"
        return [list(c) for c in self.coalitions]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"kind": self.kind, "label": self.label,
                "coalitions": [list(c) for c in self.coalitions]}


DECLARED = Rules("declared")
UNILATERAL = Rules("unilateral")
EVERY = Rules("all")


def parse_coalition(text: str, actors: Sequence[str]) -> tuple[str, ...]:
    """``"US,KR"`` -> ``("US", "KR")``, checked against the scenario's actors."""
    members = tuple(dict.fromkeys(a.strip() for a in text.replace("+", ",").split(",")
                                  if a.strip()))
    if len(members) < 2:
        raise InputError(f"--coalition needs at least two actor ids separated by commas; got "
                         f"{text!r}")
    for m in members:
        if m not in actors:
            raise InputError(f"--coalition: unknown actor {m!r}; choose from "
                             f"{', '.join(actors)}")
    return members


def declared_coalitions(scenarios: Iterable[Scenario]) -> tuple[tuple[str, ...], ...]:
    """Every coalition (two or more actors) that any of the scenarios declares, once."""
    seen: dict[frozenset[str], tuple[str, ...]] = {}
    for s in scenarios:
        for c in s.coalitions or ():
            if len(c) > 1:
                seen.setdefault(frozenset(c), tuple(c))
    return tuple(seen.values())


def default_rules(base: Scenario, scenarios: Sequence[Scenario]) -> list[Rules]:
    """The rules compared by default: unilateral moves only, and every declared coalition
    applied to all variants; none when no variant declares a coalition (then the declared
    rules already are unilateral moves for all). Every coalition is left to ``--rules all``
    (its search grows with the number of coalitions)."""
    coal = declared_coalitions([base, *scenarios])
    if not coal:
        return []
    return [UNILATERAL, Rules("coalition", coal)]


@dataclass(frozen=True)
class RuleRun:
    """Every variant under one rule: top score (``None``: reaches nothing), number of
    reachable equilibria, which tracked outcomes are reachable, and the first reachable
    equilibria in the report's order (at most as many as the report lists)."""

    rules: Rules
    scores: Mapping[str, float | None]
    counts: Mapping[str, int]
    reachable: Mapping[str, Mapping[str, bool]]
    states: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def ranking(self) -> tuple[RankEntry, ...]:
        """The variants ranked with ties under this rule."""
        return competition_ranking(self.scores.items())

    def reaching(self, outcome: str) -> tuple[str, ...]:
        """Variants (in ranking order) that reach the tracked outcome under this rule."""
        return tuple(e.variant for e in self.ranking
                     if self.reachable.get(e.variant, {}).get(outcome))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"rules": self.rules.to_dict(),
                "ranking": [e.to_dict() for e in self.ranking],
                "reachable_equilibria": dict(self.counts),
                "first_reachable": {v: list(x) for v, x in self.states.items()},
                "tracked_reachable": {v: dict(m) for v, m in self.reachable.items()}}


@dataclass(frozen=True)
class Structure:
    """How a variant's structure differs from the base model's."""

    variant: str
    extra_coalitions: tuple[tuple[str, ...], ...]
    dropped_coalitions: tuple[tuple[str, ...], ...]
    extra_infeasible: tuple[Condition, ...]
    n_states: int

    @property
    def differs(self) -> bool:
        """Whether the variant changes anything but preferences."""
        return bool(self.extra_coalitions or self.dropped_coalitions or self.extra_infeasible)

    def describe(self) -> str:
        """The differences in words ('' when there are none)."""
        parts = []
        if self.extra_coalitions:
            parts.append("adds the coalition " + ", ".join("+".join(c)
                                                          for c in self.extra_coalitions))
        if self.dropped_coalitions:
            parts.append("drops the coalition " + ", ".join("+".join(c)
                                                           for c in self.dropped_coalitions))
        if self.extra_infeasible:
            parts.append("rules out " + "; ".join(f"«{c.text}»" for c in self.extra_infeasible))
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"variant": self.variant,
                "extra_coalitions": [list(c) for c in self.extra_coalitions],
                "dropped_coalitions": [list(c) for c in self.dropped_coalitions],
                "extra_infeasible": [c.text for c in self.extra_infeasible],
                "n_states": self.n_states, "describe": self.describe()}


def structure_of(base: Scenario, scenario: Scenario, n_states: int) -> Structure:
    """The structural differences of a variant from the base model."""
    mine = {frozenset(c): tuple(c) for c in scenario.coalitions or () if len(c) > 1}
    theirs = {frozenset(c): tuple(c) for c in base.coalitions or () if len(c) > 1}
    base_inf = {c.text for c in base.infeasible}
    return Structure(
        scenario.variant or "base",
        tuple(c for k, c in mine.items() if k not in theirs),
        tuple(c for k, c in theirs.items() if k not in mine),
        tuple(c for c in scenario.infeasible if c.text not in base_inf),
        n_states,
    )


@dataclass(frozen=True)
class Conclusion:
    """The headline of a comparison and whether it survives common rules.

    Attributes
    ----------
    sentences
        The headline, sentence by sentence.
    top
        Variants ranked first under the main rules (empty when nothing ranks above anything).
    unranked
        Why there is no ranking ('' when there is one).
    top_under
        Rule label -> the variants ranked first under it.
    survives
        Rule label -> whether the top variants and every tracked outcome's reachability are
        the same as under the main rules.
    structure_only
        Sentences naming conclusions that hold only because variants differ in structure.
    decided_by
        Actor -> the single statement edits (drop or swap) that change the variants ranked
        first; empty when the sensitivity pass found none, ``None`` when it was not run.
    """

    sentences: tuple[str, ...]
    top: tuple[str, ...]
    unranked: str
    top_under: Mapping[str, tuple[str, ...]]
    survives: Mapping[str, bool]
    structure_only: tuple[str, ...]
    decided_by: Mapping[str, tuple[str, ...]] | None = field(default=None)

    @property
    def headline(self) -> str:
        """The headline as one paragraph."""
        return " ".join(self.sentences)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"headline": self.headline, "sentences": list(self.sentences),
                "top": list(self.top), "unranked": self.unranked or None,
                "top_under": {k: list(v) for k, v in self.top_under.items()},
                "survives": dict(self.survives),
                "structure_only": list(self.structure_only),
                "decided_by": None if self.decided_by is None else
                {k: list(v) for k, v in self.decided_by.items()}}


def _names(ids: Sequence[str]) -> str:
    if not ids:
        return "none"
    return ", ".join(ids[:-1]) + (" and " if len(ids) > 1 else "") + ids[-1]


def _states(states: Sequence[str], count: int) -> str:
    """``A, B, C and 4 more`` (the first reachable equilibria and how many others)."""
    if not count:
        return "none"
    shown = ", ".join(states[:3])
    return shown + (f" and {count - min(3, len(states))} more" if count > min(3, len(states))
                    else "")


def cell(run: RuleRun, variant: str, interests: bool) -> str:
    """One cell of the rules table: rank (top score), or the reachable equilibria when the
    scenario scores nothing."""
    if not interests:
        return _states(run.states.get(variant, ()), run.counts.get(variant, 0))
    e = next(x for x in run.ranking if x.variant == variant)
    return "reaches nothing" if e.score is None else f"{e.rank} ({e.score:.2f})"


def _first(run: RuleRun, interests: bool) -> tuple[tuple[str, ...], str]:
    """The variants ranked first under ``run`` and, when none is, why."""
    if not interests:
        return (), "the scenario defines no interests, so outcomes are not scored"
    ranking = run.ranking
    if all(e.score is None for e in ranking):
        return (), "no variant reaches an equilibrium from the status quo"
    first = top(ranking)
    if not first:
        return (), f"every variant scores {ranking[0].score:.2f}"
    return first, ""


def _state_code(text: str) -> int:
    return sum(1 << k for k, ch in enumerate(text) if ch == "Y")


def conclusion(
    runs: Sequence[RuleRun],
    analyses: Sequence[VariantAnalysis],
    structure: Sequence[Structure],
    sensitivity: Sequence[Perturbation] | None,
    tracked: Sequence[tuple[str, str]],
    concept: str,
    interests: bool,
) -> Conclusion:
    """The headline: what ranks first under the main rules (``runs[0]``), which tracked
    outcomes are reachable, whether both survive the other rules, what holds only because of
    structure, and which single statement edits change the variants ranked first."""
    main = runs[0]
    cname = "Nash" if concept == "nash" else concept.upper()
    sentences: list[str] = []
    first, unranked = _first(main, interests)
    if first:
        score = main.scores[first[0]]
        verb = "ranks first" if len(first) == 1 else "share the first rank"
        sentences.append(f"Under {main.rules.describe()}, {_names(first)} {verb} "
                         f"(best reachable {cname} outcome scores {score:.2f}).")
    else:
        sentences.append(f"Under {main.rules.describe()}, no variant ranks first: {unranked}.")
    if not interests and not tracked:
        for v in main.states:
            sentences.append(f"{v} can settle at {_states(main.states[v], main.counts[v])}.")
    for tid, name in tracked:
        reach = main.reaching(tid)
        label = name if name == tid else f"{name} [{tid}]"
        sentences.append(f"{label} is reachable under {_names(reach)}."
                         if reach else f"{label} is reachable under no variant.")
    top_under: dict[str, tuple[str, ...]] = {main.rules.label: first}
    survives: dict[str, bool] = {}
    for run in runs[1:]:
        f, why = _first(run, interests)
        top_under[run.rules.label] = f
        same_top = f == first
        changed = [tid for tid, _ in tracked
                   if set(run.reaching(tid)) != set(main.reaching(tid))]
        moved = [] if (interests or tracked) else [
            v for v in main.states if (run.counts.get(v), set(run.states.get(v, ()))) != (
                main.counts.get(v), set(main.states[v]))]
        survives[run.rules.label] = same_top and not changed and not moved
        bits = []
        for v in moved:
            bits.append(f"under {v} the reachable equilibria are "
                        f"{_states(run.states.get(v, ()), run.counts.get(v, 0))} instead of "
                        f"{_states(main.states[v], main.counts.get(v, 0))}")
        if not same_top:
            bits.append(f"{_names(f)} rank{'s' if len(f) == 1 else ''} first" if f
                        else f"no variant ranks first ({why})")
        for tid in changed:
            bits.append(f"{tid} is reachable under {_names(run.reaching(tid))}")
        if bits:
            sentences.append(f"With {run.rules.describe()}: " + "; ".join(bits) + ".")
        else:
            sentences.append(f"With {run.rules.describe()} the conclusion is the same.")
    if len(runs) > 1:
        held = [k for k, ok in survives.items() if ok]
        sentences.append("The conclusion survives every rule compared." if len(held) == len(
            survives) else "The conclusion does not survive " + _names(
            [r.rules.describe() for r in runs[1:] if not survives[r.rules.label]]) + ".")
    only = _structure_only(runs, analyses, structure, first, tracked, interests)
    sentences.extend(only)
    decided: dict[str, tuple[str, ...]] | None = None
    if sensitivity is not None and first:
        decided = {}
        for p in sensitivity:
            if p.changes_top:
                decided.setdefault(p.actor, ())
                decided[p.actor] = (*decided[p.actor], f"{p.change} in {p.variant}")
        if decided:
            sentences.append(
                "Which statements decide it — single edits that change what ranks first: "
                + "; ".join(f"{a}: " + ", ".join(e[:2])
                            + (f" and {len(e) - 2} more" if len(e) > 2 else "")
                            for a, e in decided.items())
                + ".")
            others = list(dict.fromkeys(p.actor for p in sensitivity if p.actor not in decided))
            if others:
                sentences.append(f"No single edit of {_names(others)}'s statements does.")
        else:
            sentences.append("No single statement edit (a drop or a swap of neighbours) of "
                             "any actor changes what ranks first.")
    if sensitivity is None and first:
        sentences.append("Which statements decide it: run the sensitivity pass to see.")
    return Conclusion(tuple(sentences), first, unranked, top_under, survives, tuple(only),
                      decided)


def _structure_only(runs: Sequence[RuleRun], analyses: Sequence[VariantAnalysis],
                    structure: Sequence[Structure], first: tuple[str, ...],
                    tracked: Sequence[tuple[str, str]], interests: bool) -> list[str]:
    """Sentences on conclusions that hold only because variants differ in structure."""
    main = runs[0]
    out: list[str] = []
    by_var = {s.variant: s for s in structure}
    with_coal = [s.variant for s in structure if s.extra_coalitions]
    common = [r for r in runs[1:] if r.rules.kind in ("coalition", "all")]
    if main.rules.kind == "declared" and with_coal:
        for run in common:
            f, _ = _first(run, interests)
            if first and f != first:
                out.append(f"The ranking holds only because {_names(with_coal)} alone "
                           f"declare{'s' if len(with_coal) == 1 else ''} coalitions: with "
                           f"{run.rules.describe()}, {_names(f) if f else 'no variant'} "
                           "ranks first.")
            for tid, _name in tracked:
                now, then = main.reaching(tid), run.reaching(tid)
                gained = [v for v in then if v not in now]
                if now and gained:
                    out.append(f"{tid} is reachable only under {_names(now)} because of their "
                               f"coalitions: with {run.rules.describe()} it is also "
                               f"reachable under {_names(gained)}.")
    # the top variants' best outcomes, ruled out by construction elsewhere
    tops = {v.variant: v.top for v in analyses if v.variant in first and v.top is not None}
    for vid, best in tops.items():
        code = _state_code(best.state)
        barred = [s.variant for s in structure if s.variant != vid and any(
            bool(c.holds(_array(code))[0]) for c in s.extra_infeasible)]
        if barred:
            why = "; ".join(f"{b} {by_var[b].describe()}" for b in barred)
            out.append(f"{vid}'s best outcome {best.state} cannot occur at all under "
                       f"{_names(barred)}, by construction ({why}).")
    return out


def _array(code: int) -> NDArray[np.int64]:
    return np.array([code], dtype=np.int64)
