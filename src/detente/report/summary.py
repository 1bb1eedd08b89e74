"""The summary at the top of the report: the answer, what it hinges on, how robust it is, and
what the record says about the model — a few plain sentences each, for a policy reader.

Every sentence is built from the analysis (:class:`~detente.strategy.analysis.StrategyReport`:
the same-rules comparison, the statement edits of the sensitivity pass, the hindcast) and,
when one was run, an exploration summary
(:class:`~detente.strategy.explore.summary.ExploreSummary`). Nothing here knows a scenario.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from detente.strategy.analysis import StrategyReport

#: What a stability concept asks of an outcome, in words (for the answer's first sentence).
CONCEPT_WORDS = {
    "nash": "no actor gains by moving away on its own",
    "gmr": "every move away can be punished by the others, credibly or not",
    "smr": "every move away can be punished, and the mover cannot escape the punishment",
    "seq": "every move away can be met by a credible response that leaves the mover worse off",
}

#: Statement edits named in the summary per actor (the report's sensitivity table has all).
EDITS_NAMED = 2


@dataclass(frozen=True)
class SummaryPoint:
    """One part of the summary: a heading and its sentences."""

    heading: str
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        """The sentences as one paragraph."""
        return " ".join(self.sentences)


def _names(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _variant_name(report: StrategyReport, vid: str) -> str:
    try:
        return report.variant(vid).name
    except KeyError:
        return vid


def answer(report: StrategyReport) -> SummaryPoint:
    """What ranks first, by how much, and which tracked outcomes it can reach."""
    concl = report.conclusion
    top = concl.top if concl is not None else tuple(
        e.variant for e in report.ranking if e.rank == 1 and len(report.ranking) > 1)
    rule = report.rules[0].rules.describe() if report.rules else "the declared moves"
    words = CONCEPT_WORDS.get(report.concept, "")
    stable = (f"stable in the {report.concept.upper()} sense ({words})" if words
              else f"{report.concept.upper()}-stable")
    out: list[str] = []
    if not top:
        why = concl.unranked if concl is not None and concl.unranked else \
            "every variant scores the same"
        out.append(f"No variant does better than another under {rule}: {why}.")
    else:
        names = _names([_variant_name(report, v) for v in top])
        best = report.variant(top[0])
        if best.score is not None and report.interests:
            others = [v.score for v in report.variants
                      if v.variant not in top and v.score is not None]
            n = len(report.interests)
            scale = (f"Each variant is scored by its best outcome that is reachable from the "
                     f"status quo and {stable}; the score is the weighted sum of {n} interest "
                     f"score{'s' if n != 1 else ''}.")
            tail = f", against {max(others):.2f} for the next best" if others else ""
            verb = "comes out best" if len(top) == 1 else "share the best result"
            out.append(f"{names} {verb} under {rule}: {best.score:.2f} points{tail}.")
            out.append(scale)
        else:
            out.append(f"{names} {'comes' if len(top) == 1 else 'come'} out best under {rule}.")
        reach = [name for tid, name, _ in report.tracked
                 if best.tracked.get(tid, {}).get("reachable")]
        miss = [name for tid, name, _ in report.tracked
                if not best.tracked.get(tid, {}).get("reachable")]
        if reach:
            out.append(f"Under it the model can reach {_names(reach)}"
                       + (f", but not {_names(miss)}." if miss else "."))
        elif miss:
            out.append(f"Under it the model reaches none of the tracked outcomes "
                       f"({_names(miss)}).")
    return SummaryPoint("The answer", tuple(out))


def hinges(report: StrategyReport) -> SummaryPoint:
    """The assumptions the answer rests on: move rules, structure, decisive statements."""
    concl = report.conclusion
    out: list[str] = []
    if concl is None or not concl.top:
        return SummaryPoint("What it hinges on", (
            "With no variant ranked first there is no answer whose assumptions to test.",))
    describe = {run.rules.label: run.rules.describe() for run in report.rules}
    held = [describe.get(k, k) for k, ok in concl.survives.items() if ok]
    failed = [(k, describe.get(k, k)) for k, ok in concl.survives.items() if not ok]
    if held:
        out.append(f"The answer is the same when every variant gets the same move rules: "
                   f"{_names(held)}.")
    for label, words in failed:
        firsts = concl.top_under.get(label, ())
        who = (_names([_variant_name(report, v) for v in firsts]) + " then comes out best"
               if firsts else "then no variant comes out best")
        out.append(f"It changes with {words}: {who}.")
    if failed:
        out.append("The answer therefore depends on who may act together, an assumption of "
                   "each variant.")
    if concl.structure_only:
        out.append("Part of the answer holds only because the variants differ in structure "
                   "(which options exist, who may act together): "
                   + " ".join(concl.structure_only))
    if concl.decided_by is None:
        out.append("The statement sensitivity pass was not run, so this report does not say "
                   "which preference statements decide the answer.")
    elif concl.decided_by:
        parts = []
        for actor, edits in concl.decided_by.items():
            more = len(edits) - EDITS_NAMED
            parts.append(f"{actor}: " + "; ".join(edits[:EDITS_NAMED])
                         + (f" and {more} more" if more > 0 else ""))
        n = sum(len(e) for e in concl.decided_by.values())
        out.append(f"{n} single edit(s) of an actor's preference statements change what comes "
                   f"out best — {' | '.join(parts)}. These statements carry the answer; check "
                   "them first.")
    else:
        out.append("No single edit of any actor's preference statements (dropping one, or "
                   "swapping two neighbours) changes what comes out best.")
    return SummaryPoint("What it hinges on", tuple(out))


def robustness(report: StrategyReport, exploration: Any = None,
               how: str = "detente analyze --explore 200") -> SummaryPoint:
    """How the answer holds up across the scenario's uncertainties, or that none were
    explored (``how`` says how to run one)."""
    if exploration is None:
        return SummaryPoint("How robust it is", (
            "No exploration of the scenario's uncertainties was run for this report, so it "
            "does not say how often the answer holds when the uncertain assumptions vary. "
            f"Run `{how}` (or `detente explore` and `detente explore summary`) to find out.",))
    s = exploration
    ranked = s.ranking()
    if not ranked:
        return SummaryPoint("How robust it is", ("The exploration produced no results.",))
    rows = {r.variant: r for r in s.variants}
    first = rows[ranked[0]]
    crit = {"regret": "the smallest average shortfall from the best variant of each sample",
            "max-regret": "the smallest worst shortfall from the best variant of each sample",
            "expected": "the highest average score", "worst": "the highest worst-case score",
            }.get(s.rank_by, s.rank_by)
    out = [f"Across {s.samples} sampled sets of the uncertain assumptions, "
           f"{_variant_name(report, first.variant)} is the most robust ({crit}): it does best "
           f"or ties for best in {_pct(first.best_share)} of the samples, and falls short of "
           f"the best by {first.mean_regret:.2f} points on average."]
    top = report.conclusion.top if report.conclusion is not None else ()
    if top and first.variant not in top:
        out.append(f"This differs from the single-model answer "
                   f"({_names([_variant_name(report, v) for v in top])}).")
    elif top:
        out.append("This agrees with the single-model answer.")
    p = s.prim
    if p is not None and s.plan is not None and p.n_cases == 0:
        out.append(f"{_variant_name(report, s.plan)} never falls short in these samples, so "
                   "there is no region of the assumptions where it fails.")
    elif p is not None and s.plan is not None:
        out.append(f"{_variant_name(report, s.plan)} falls short in {p.n_cases} of {p.n} "
                   f"samples ({_pct(p.base_rate)}).")
        if p.boxes:
            b = p.boxes[0]
            where = "; ".join(r.describe(s.labels.get(r.name)) for r in b.restrictions)
            out.append(f"Those samples concentrate where {where}: {_pct(b.density)} of the "
                       f"samples there fall short, and they hold {_pct(b.coverage)} of all "
                       "shortfalls.")
    return SummaryPoint("How robust it is", tuple(out))


def record(report: StrategyReport) -> SummaryPoint:
    """What the hindcast says about the model, or that the scenario records no history."""
    rec = report.record
    if rec is None:
        return SummaryPoint("What the record says", (
            "The scenario records no history, so the model has not been held against what "
            "actually happened.",))
    s = rec.summary(rec.base)
    first, last = rec.base.record[0].entry.date, rec.base.record[-1].entry.date
    share = s["consistent_steps"] / s["steps"] if s["steps"] else 1.0
    verdict = ("the model's preferences explain most of what happened" if share >= 0.75
               else "the model's preferences explain some of what happened" if share >= 0.4
               else "the model's preferences explain little of what happened")
    out = [f"Held against {s['states']} recorded states from {first} to {last}, "
           f"{s['consistent_steps']} of the {s['steps']} recorded moves "
           f"{'was an improvement' if s['consistent_steps'] == 1 else 'were improvements'} for "
           f"the actors who made them, and the model's search from the first recorded state "
           f"reaches {s['reached']} of the {s['states']}: {verdict}."]
    if s["consistent"]:
        out.append("The record is consistent with the model.")
    elif s["edits"]:
        out.append(f"Edits to the preference statements that would make it consistent: "
                   f"{s['edits']}.")
    out.append("Read the answer with this in mind.")
    return SummaryPoint("What the record says", tuple(out))


def summary(report: StrategyReport, exploration: Any = None,
            how: str = "detente analyze --explore 200") -> tuple[SummaryPoint, ...]:
    """The four parts of the summary, in order."""
    return (answer(report), hinges(report), robustness(report, exploration, how),
            record(report))


__all__ = ["CONCEPT_WORDS", "SummaryPoint", "answer", "hinges", "record", "robustness",
           "summary"]
