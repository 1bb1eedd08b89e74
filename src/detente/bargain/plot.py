"""Plots of positions over rounds (matplotlib, no global backend state)."""

from __future__ import annotations

from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from detente.bargain.results import Forecast, PackageForecast
from detente.fileio import atomic_path


def _draw(ax: Axes, forecast: Forecast, title: str) -> None:
    history = forecast.position_history()
    rounds = [r.round for r in forecast.rounds]
    for k, actor in enumerate(forecast.actors):
        ax.plot(rounds, history[:, k], marker="o", markersize=3, linewidth=1, label=actor)
    ax.plot(rounds, forecast.medians, color="black", linestyle="--", linewidth=2,
            label="weighted median")
    ax.plot(rounds, forecast.means, color="grey", linestyle=":", linewidth=2,
            label="weighted mean")
    ax.set_title(title)
    ax.set_xlabel("round")
    ax.set_ylabel("position")
    ax.grid(True, alpha=0.3)


def forecast_figure(result: Forecast | PackageForecast) -> Figure:
    """A matplotlib Figure of every actor's position over the rounds, with the weighted
    median and mean: one panel per issue. Shows itself in a notebook; no backend is set.

    Parameters
    ----------
    result
        A forecast of one or several issues.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot; ``fig.savefig(path)`` writes it).
    """
    if isinstance(result, Forecast):
        panels = [(result, f"{result.issue}: {result.model} ({result.variant})")]
    else:
        panels = [
            (result.forecasts[name], f"{name}: {result.model} ({result.variant})")
            for name in result.issues
        ]
    many_actors = max(len(f.actors) for f, _ in panels) > 20
    fig = Figure(figsize=(9, 3.6 * len(panels)), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, (forecast, title) in zip(axes, panels, strict=True):
        _draw(ax, forecast, title)
        if not many_actors:
            ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5))
    return fig


def plot_forecast(result: Forecast | PackageForecast, path: str | Path) -> Path:
    """Write :func:`forecast_figure` to a file.

    Parameters
    ----------
    result
        A forecast of one or several issues (one panel per issue).
    path
        Output file; the format follows the suffix (``.svg``, ``.png``, ``.pdf``).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    out = Path(path)
    fig = forecast_figure(result)
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format=out.suffix.lstrip(".") or "svg")
    return out
