"""Rows for two report tables shared by the text and HTML reports: the statement edits of the
sensitivity pass with the ranking each produces, and an exploration's PRIM boxes with their
statistics. Presentation only."""

from __future__ import annotations

from typing import Any

from detente.strategy.analysis import StrategyReport
from detente.strategy.ranking import RankEntry

#: Statement edits listed in a report (the JSON has all).
PERTURBATIONS_SHOWN = 30


def ranking_words(ranking: tuple[RankEntry, ...] | list[RankEntry], names: dict[str, str]
                  ) -> str:
    """``1. A; 2. B = C`` with variant names (``=``: a shared rank)."""
    parts: list[str] = []
    for k, e in enumerate(ranking):
        name = names.get(e.variant, e.variant)
        if k and e.rank == ranking[k - 1].rank:
            parts[-1] += f" = {name}"
        else:
            parts.append(f"{e.rank}. {name}")
    return "; ".join(parts)


def sensitivity_rows(report: StrategyReport, limit: int = PERTURBATIONS_SHOWN
                     ) -> dict[str, Any]:
    """The statement edits that change the ranking or a variant's first outcome, those that
    change what comes out best first: ``rows`` (variant, actor, change, ranking — the new
    ranking in words —, top, ranks, outcome), ``total``, ``changing``, ``top``, ``more`` and
    ``base`` (the ranking without any edit)."""
    names = {v.variant: v.name for v in report.variants}
    changing = [p for p in report.sensitivity if p.changes_ranking or p.changes_outcome]
    changing.sort(key=lambda p: (not p.changes_top, not p.changes_ranking))
    rows = [{"variant": names.get(p.variant, p.variant), "actor": p.actor, "change": p.change,
             "ranking": ranking_words(p.ranking, names), "top": p.changes_top,
             "ranks": p.changes_ranking, "outcome": p.changes_outcome}
            for p in changing[:limit]]
    return {"rows": rows, "total": len(report.sensitivity), "changing": len(changing),
            "top": sum(p.changes_top for p in report.sensitivity),
            "more": max(0, len(changing) - limit),
            "base": ranking_words(report.ranking, names)}


def _p(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.2g}" if x >= 1e-3 else "below 0.001"


def prim_rows(exploration: Any) -> list[dict[str, Any]]:
    """One row per PRIM box of an exploration summary: its statistics as percentages and its
    restrictions, each with its quasi-p value."""
    p = exploration.prim
    if p is None:
        return []
    out = []
    for k, b in enumerate(p.boxes, 1):
        out.append({
            "box": k, "coverage": f"{100 * b.coverage:.0f}%", "density": f"{100 * b.density:.0f}%",
            "mass": f"{100 * b.mass:.0f}%", "samples": b.n, "cases": b.n_cases,
            "restrictions": [{"text": r.describe(exploration.labels.get(r.name)),
                              "quasi_p": _p(b.quasi_p.get(r.name))} for r in b.restrictions],
            "step": b.selected, "steps": len(b.trajectory) - 1,
        })
    return out


__all__ = ["PERTURBATIONS_SHOWN", "prim_rows", "ranking_words", "sensitivity_rows"]
