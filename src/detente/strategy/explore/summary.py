"""Robustness of each variant across the samples, PRIM boxes, and plots.

Per variant, over all samples (Lempert, Popper and Bankes 2003, *Shaping the Next One
Hundred Years*, ch. 5; Savage 1951 for regret):

* the share of samples in each outcome class;
* expected (mean) and worst-case (minimum) ``score``, and the mean of ``score_min`` (the
  worst reachable equilibrium, a pessimistic reading of each sample);
* mean and maximum regret against the best variant of the same sample, and the share of
  samples in which the variant is the best (regret 0);
* a robustness ranking: by mean regret (default), maximum regret (Savage's minimax
  regret), expected score, or worst-case score; ties by the other criteria, then by name.

Scenario discovery: the samples of one variant (the *plan*, by default the most robust)
where it *fails* — by default, where another variant does better (regret); with
``missed:<id>``, where no reachable equilibrium has the tracked outcome ``<id>`` — are
described by PRIM boxes over the sampled inputs (:mod:`detente.strategy.explore.prim`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from detente.display import DisplayMixin
from detente.errors import InputError
from detente.fileio import atomic_path
from detente.strategy.explore.prim import PrimResult, TrajectoryStep, prim
from detente.strategy.explore.store import Results, read_results

RANKINGS = ("regret", "max-regret", "expected", "worst")
FAILURES = ("auto", "regret", "no-equilibrium", "missed:<outcome id>")
#: Regret below this counts as zero (scores are sums of weighted points).
REGRET_TOL = 1e-9


@dataclass(frozen=True)
class VariantRobustness:
    """How one variant fares across the samples (see the module docstring)."""

    variant: str
    samples: int
    shares: Mapping[str, float]
    expected: float
    worst: float
    expected_min: float
    mean_regret: float
    max_regret: float
    best_share: float
    rank: int
    reached: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ExploreSummary(DisplayMixin):
    """The robustness table, the outcome classes in display order, and the PRIM analysis."""

    scenario: str
    samples: int
    concept: str
    method: str
    seed: int
    classes: tuple[str, ...]
    variants: tuple[VariantRobustness, ...]
    rank_by: str
    plan: str | None
    failure: str
    prim: PrimResult | None
    labels: Mapping[str, tuple[str, ...]]

    def ranking(self) -> tuple[str, ...]:
        """Variant ids from most to least robust."""
        return tuple(v.variant for v in sorted(self.variants, key=lambda v: v.rank))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able structure."""
        return {
            "scenario": self.scenario,
            "samples": self.samples,
            "concept": self.concept,
            "method": self.method,
            "seed": self.seed,
            "rank_by": self.rank_by,
            "ranking": list(self.ranking()),
            "variants": [
                {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in r.__dict__.items()}
                for r in self.variants
            ],
            "plan": self.plan,
            "failure": self.failure,
            "prim": None if self.prim is None else {
                "base_rate": self.prim.base_rate,
                "samples": self.prim.n,
                "cases": self.prim.n_cases,
                "boxes": [b.to_dict(self.labels) for b in self.prim.boxes],
            },
        }

    def trajectory_step(self, box: int = 1, step: int | None = None) -> TrajectoryStep:
        """Box ``step`` of the peeling trajectory of PRIM box ``box`` (1-based; ``step``
        ``None``: the step the box was selected at), for an analyst who prefers another point
        on the coverage-density trade-off."""
        if self.prim is None or not self.prim.boxes:
            raise InputError("no PRIM box to inspect (the summary found none)")
        if not 1 <= box <= len(self.prim.boxes):
            raise InputError(f"--prim-box must be between 1 and {len(self.prim.boxes)}; "
                             f"got {box}")
        b = self.prim.boxes[box - 1]
        k = b.selected if step is None else step
        if not 0 <= k < len(b.trajectory):
            raise InputError(f"--prim-step must be between 0 and {len(b.trajectory) - 1}; "
                             f"got {k}")
        return b.trajectory[k]


def _nan(f: Any, x: np.ndarray) -> float:
    return float(f(x)) if x.size and not np.all(np.isnan(x)) else math.nan


def summarize(
    results: Results | str | os.PathLike[str],
    *,
    rank_by: str = "regret",
    plan: str | None = None,
    failure: str = "auto",
    prim_options: Mapping[str, Any] | None = None,
) -> ExploreSummary:
    """Summarise an exploration's results.

    Parameters
    ----------
    results
        :class:`Results` or the path of a results file.
    rank_by
        ``regret`` (mean regret), ``max-regret``, ``expected`` or ``worst``.
    plan
        The variant whose failures PRIM explains (default: the most robust variant).
    failure
        ``auto`` (= ``regret``), ``regret`` (another variant does better in the sample),
        ``no-equilibrium``, or ``missed:<id>`` (no reachable equilibrium has the tracked
        outcome ``<id>``).
    prim_options
        Keyword arguments for :func:`~detente.strategy.explore.prim.prim`.
    """
    res = results if isinstance(results, Results) else read_results(results)
    if rank_by not in RANKINGS:
        raise InputError(f"--rank-by must be one of {', '.join(RANKINGS)}; got {rank_by!r}")
    if failure not in FAILURES[:3] and not failure.startswith("missed:"):
        raise InputError(f"--failure must be one of {', '.join(FAILURES)}; got {failure!r}")
    cols = res.columns
    meta = res.meta
    variants = list(meta.get("variants") or dict.fromkeys(cols["variant"].tolist()))
    outcome = cols["outcome"]
    order = list(meta.get("outcomes") or [])
    seen = list(dict.fromkeys(outcome.tolist()))
    extra = sorted((c for c in seen if c not in order), key=lambda c: -int((outcome == c).sum()))
    classes = tuple(c for c in [*order, *extra] if c in seen)
    rows = []
    for vid in variants:
        m = cols["variant"] == vid
        n = int(m.sum())
        score = cols["score"][m].astype(float)
        regret = cols["regret"][m].astype(float)
        shares = {c: float((outcome[m] == c).sum()) / n if n else 0.0 for c in classes}
        reached = {name.removeprefix("reached."): float(cols[name][m].mean()) if n else 0.0
                   for name in cols if name.startswith("reached.")}
        rows.append(dict(
            variant=vid, samples=n, shares=shares, expected=_nan(np.nanmean, score),
            worst=_nan(np.nanmin, score),
            expected_min=_nan(np.nanmean, cols["score_min"][m].astype(float)),
            mean_regret=_nan(np.nanmean, regret), max_regret=_nan(np.nanmax, regret),
            best_share=float((regret <= REGRET_TOL).sum()) / n if n else 0.0,
            reached=reached,
        ))

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        def z(x: float, sign: float = 1.0) -> float:
            return math.inf if math.isnan(x) else sign * x
        crit = {
            "regret": (z(r["mean_regret"]), z(r["max_regret"]), z(r["expected"], -1)),
            "max-regret": (z(r["max_regret"]), z(r["mean_regret"]), z(r["expected"], -1)),
            "expected": (z(r["expected"], -1), z(r["worst"], -1), z(r["mean_regret"])),
            "worst": (z(r["worst"], -1), z(r["expected"], -1), z(r["mean_regret"])),
        }[rank_by]
        return (*crit, r["variant"])

    ranked = sorted(rows, key=key)
    robust = tuple(VariantRobustness(**r, rank=ranked.index(r) + 1) for r in rows)

    labels = {f"in.{p['name']}": tuple(p.get("labels") or ()) for p in
              meta.get("parameters", [])}
    if plan is None:
        plan = ranked[0]["variant"] if ranked else None
    elif plan not in variants:
        raise InputError(f"--plan {plan!r} is not among the explored variants "
                         f"({', '.join(variants)})")
    if failure == "auto":
        failure = "regret"
    missed = failure.removeprefix("missed:") if failure.startswith("missed:") else None
    if missed is not None and f"reached.{missed}" not in cols:
        known = [n.removeprefix("reached.") for n in cols if n.startswith("reached.")]
        raise InputError(f"--failure missed:{missed}: no tracked outcome {missed!r}; choose one "
                         f"of: {', '.join(known) or 'none (the scenario declares no outcomes:)'}")
    result = None
    params = [p for p in meta.get("parameters", [])
              if plan is not None and (p.get("variants") is None or plan in p["variants"])]
    if plan is not None and params:
        m = cols["variant"] == plan
        if missed is not None:
            y = ~cols[f"reached.{missed}"][m].astype(bool)
        elif failure == "regret":
            y = cols["regret"][m].astype(float) > REGRET_TOL
        else:
            y = ~cols["reached"][m].astype(bool)
        X = {f"in.{p['name']}": cols[f"in.{p['name']}"][m] for p in params}
        cat = [f"in.{p['name']}" for p in params if p["kind"] != "range"]
        result = prim(X, y, cat, **dict(prim_options or {}))
    return ExploreSummary(
        scenario=str(meta.get("scenario", "")), samples=int(meta.get("samples", 0)),
        concept=str(meta.get("concept", "")), method=str(meta.get("method", "")),
        seed=int(meta.get("seed", 0)), classes=classes, variants=robust, rank_by=rank_by,
        plan=plan, failure=failure, prim=result, labels=labels,
    )


def render_summary(summary: ExploreSummary, console: Any) -> None:
    """Print the robustness table and the PRIM boxes on a rich console."""
    from rich.table import Table

    console.print(f"[bold]{summary.scenario}[/bold] — {summary.samples} samples "
                  f"({summary.method}, seed {summary.seed}), concept "
                  f"{summary.concept.upper()}; ranked by {summary.rank_by}")
    t = Table(show_lines=False)
    t.add_column("rank", justify="right")
    t.add_column("variant")
    for c in summary.classes:
        t.add_column(c, justify="right")
    for head in ("expected", "worst", "mean of worst reachable", "mean regret", "max regret",
                 "best in"):
        t.add_column(head, justify="right")
    for r in sorted(summary.variants, key=lambda r: r.rank):
        t.add_row(str(r.rank), r.variant, *[f"{100 * r.shares[c]:.0f}%" for c in
                                             summary.classes],
                  _f(r.expected), _f(r.worst), _f(r.expected_min), _f(r.mean_regret),
                  _f(r.max_regret), f"{100 * r.best_share:.0f}%")
    console.print(t)
    p = summary.prim
    if p is None:
        console.print("No uncertain inputs apply to the plan; no scenario discovery.")
        return
    what = {"regret": "another variant does better",
            "no-equilibrium": "no equilibrium is reachable"}.get(
        summary.failure, f"{summary.failure.removeprefix('missed:')} is not reachable")
    console.print(f"\n[bold]Where {summary.plan} fails[/bold] ({what}): "
                  f"{p.n_cases} of {p.n} samples ({100 * p.base_rate:.0f}%).")
    if not p.boxes:
        console.print("PRIM found no box denser than the base rate.")
    for k, b in enumerate(p.boxes, 1):
        console.print(f"Box {k}: coverage {100 * b.coverage:.0f}%, density "
                      f"{100 * b.density:.0f}%, {b.n} samples ({100 * b.mass:.0f}%)"
                      + (" — outside the boxes above" if k > 1 else ""))
        for rs in b.restrictions:
            console.print(f"  {rs.describe(summary.labels.get(rs.name))}"
                          f"  (quasi-p {_p(b.quasi_p.get(rs.name))})")
        console.print(f"  selected at step {b.selected} of a peeling trajectory of "
                      f"{len(b.trajectory) - 1} peels; inspect another step with "
                      "--prim-box K --prim-step N")


def render_step(summary: ExploreSummary, step: TrajectoryStep, box: int, console: Any) -> None:
    """Print one box of a peeling trajectory (``explore summary --prim-step``)."""
    console.print(f"Box {box}, trajectory step {step.step}: coverage {100 * step.coverage:.0f}%, "
                  f"density {100 * step.density:.0f}%, {step.n} samples "
                  f"({100 * step.mass:.0f}%), {step.n_cases} of them cases")
    if not step.restrictions:
        console.print("  no restriction (the whole sample)")
    for rs in step.restrictions:
        console.print(f"  {rs.describe(summary.labels.get(rs.name))}"
                      f"  (quasi-p {_p(step.quasi_p.get(rs.name))})")


def _p(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.2g}" if x >= 1e-3 else "<0.001"


def _f(x: float) -> str:
    return "—" if math.isnan(x) else f"{x:.3f}"


def summary_figures(summary: ExploreSummary, box: int = 1) -> dict[str, Any]:
    """The summary's figures as :class:`matplotlib.figure.Figure` objects (no global backend
    is touched): ``outcome_shares``, ``tradeoff`` and, with PRIM boxes, ``prim`` (the peeling
    trajectory of box ``box``, 1-based)."""
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    figures: dict[str, Any] = {}
    rows = sorted(summary.variants, key=lambda r: r.rank)
    names = [r.variant for r in rows]

    fig = Figure(figsize=(8, 0.6 * len(rows) + 1.8), layout="tight")
    ax = fig.add_subplot()
    left = np.zeros(len(rows))
    cmap = colormaps["tab10"]
    for k, c in enumerate(summary.classes):
        vals = np.array([r.shares[c] for r in rows])
        ax.barh(names, vals * 100, left=left * 100, label=c, color=cmap(k % 10))
        left += vals
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of samples (%)")
    ax.invert_yaxis()
    ax.set_title(f"Outcome per variant ({summary.samples} samples)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18),
              ncol=min(4, len(summary.classes)) or 1, fontsize="small")
    figures["outcome_shares"] = fig

    fig = Figure(figsize=(6.5, 5), layout="tight")
    ax = fig.add_subplot()
    ax.scatter([r.expected for r in rows], [r.worst for r in rows], color="tab:blue")
    groups: dict[tuple[float, float], list[str]] = {}
    for r in rows:  # variants at the same point share one label
        groups.setdefault((round(r.expected, 9), round(r.worst, 9)), []).append(r.variant)
    for (x, y), vs in groups.items():
        ax.annotate("\n".join(vs), (x, y), textcoords="offset points", xytext=(5, 4),
                    fontsize="small", va="bottom")
    ax.margins(x=0.25, y=0.15)
    ax.set_xlabel("expected score (points)")
    ax.set_ylabel("worst-case score (points)")
    ax.set_title("Expected against worst-case interest score")
    ax.grid(alpha=0.3)
    figures["tradeoff"] = fig

    if summary.prim is not None and summary.prim.boxes:
        figures["prim"] = trajectory_figure(summary, box)
    return figures


def trajectory_figure(summary: ExploreSummary, box: int = 1) -> Any:
    """Coverage against density along the peeling trajectory of PRIM box ``box`` (1-based),
    coloured by mass, each point numbered by its step; the selected step and the final
    (pasted, simplified) box are marked."""
    from matplotlib.figure import Figure

    if summary.prim is None or not 1 <= box <= len(summary.prim.boxes):
        raise InputError(f"no PRIM box {box} to draw")
    b = summary.prim.boxes[box - 1]
    traj = np.array([(t.coverage, t.density, t.mass) for t in b.trajectory]) * 100
    fig = Figure(figsize=(6.5, 5), layout="tight")
    ax = fig.add_subplot()
    sc = ax.scatter(traj[:, 0], traj[:, 1], c=traj[:, 2], cmap="viridis")
    fig.colorbar(sc, ax=ax, label="mass (% of all samples)")
    for t in b.trajectory[::max(1, len(b.trajectory) // 12)]:
        ax.annotate(str(t.step), (100 * t.coverage, 100 * t.density), fontsize=8,
                    textcoords="offset points", xytext=(3, 3))
    sel = b.trajectory[b.selected]
    ax.scatter([100 * sel.coverage], [100 * sel.density], marker="o", s=120,
               facecolors="none", edgecolors="black",
               label=f"selected (step {b.selected})")
    ax.scatter([100 * b.coverage], [100 * b.density], marker="*", s=200, color="tab:red",
               label="box after pasting and simplification")
    ax.set_xlabel("coverage (% of all failures inside the box)")
    ax.set_ylabel("density (% of the box's samples that fail)")
    ax.set_title(f"Peeling trajectory of box {box}: where {summary.plan} fails", wrap=True)
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


def plot_summary(summary: ExploreSummary, folder: str | os.PathLike[str]) -> list[Path]:
    """Write ``outcome_shares.png``, ``tradeoff.png`` and (with PRIM boxes) ``prim.png`` and
    ``prim_trajectory.json`` (every box's trajectory, step by step) to ``folder``."""
    import json

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    files = [_save(fig, out / f"{name}.png") for name, fig in summary_figures(summary).items()]
    if summary.prim is not None and summary.prim.boxes:
        path = out / "prim_trajectory.json"
        with atomic_path(path) as tmp:
            Path(tmp).write_text(json.dumps(summary.to_dict()["prim"], indent=1,
                                            allow_nan=False, default=_json_default) + "\n")
        files.append(path)
    return files


def _json_default(x: Any) -> Any:
    if isinstance(x, np.integer | np.floating | np.bool_):
        return x.item()
    raise TypeError(f"not JSON-able: {type(x).__name__}")


def _save(fig: Any, path: Path) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=path.suffix.lstrip(".") or "png", dpi=110,
                    metadata={"Software": None})
    return path
