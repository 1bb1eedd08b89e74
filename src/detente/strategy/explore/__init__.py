"""Exploring strategies under uncertainty (``detente explore``).

A scenario's ``uncertainties:`` section (:mod:`.spec`) defines a space of plausible
assumptions; :mod:`.sampling` draws samples from it (Latin hypercube or Monte Carlo);
:mod:`.evaluate` analyses every variant under every sample (reachable equilibria, interest
scores, tracked outcomes, bargaining forecast, breakout time); :mod:`.runner` runs the sweep on
a local process pool or Dask and :mod:`.store` writes the rows to Parquet in chunks, with
``--resume``; :mod:`.summary` ranks the variants by robustness and :mod:`.prim` describes,
with PRIM boxes, the assumptions under which a plan fails.

Exploratory modelling after Bankes (1993), *Exploratory modeling for policy analysis*,
Operations Research 41: 435-449, and Kwakkel (2017), *The Exploratory Modeling Workbench*,
Environmental Modelling & Software 96: 239-250; scenario discovery after Bryant and Lempert
(2010).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# eager: light (numpy only), and its function ``prim`` must not be shadowed by the submodule
from detente.strategy.explore.prim import (
    PrimBox,
    PrimResult,
    Restriction,
    TrajectoryStep,
    binomial_upper_tail,
    prim,
)

if TYPE_CHECKING:  # typed for ``mypy --strict``; imported lazily at run time
    from detente.strategy.explore.runner import RunReport as RunReport
    from detente.strategy.explore.runner import explore as explore
    from detente.strategy.explore.sampling import design as design
    from detente.strategy.explore.spec import Parameter as Parameter
    from detente.strategy.explore.spec import UncertaintySpace as UncertaintySpace
    from detente.strategy.explore.spec import parse_uncertainties as parse_uncertainties
    from detente.strategy.explore.store import Results as Results
    from detente.strategy.explore.store import read_results as read_results
    from detente.strategy.explore.summary import ExploreSummary as ExploreSummary
    from detente.strategy.explore.summary import VariantRobustness as VariantRobustness
    from detente.strategy.explore.summary import plot_summary as plot_summary
    from detente.strategy.explore.summary import render_step as render_step
    from detente.strategy.explore.summary import render_summary as render_summary
    from detente.strategy.explore.summary import summarize as summarize
    from detente.strategy.explore.summary import summary_figures as summary_figures
    from detente.strategy.explore.summary import trajectory_figure as trajectory_figure

# Imported on first use, so that a worker process that only unpickles a chunk's job (Dask or
# the local pool) loads :mod:`.evaluate` and not the sampling, PRIM and plotting modules with
# scipy.stats (about 0.6 s a worker; issue 15).
_LAZY = {
    "ExploreSummary": "summary",
    "Parameter": "spec",
    "Results": "store",
    "RunReport": "runner",
    "UncertaintySpace": "spec",
    "VariantRobustness": "summary",
    "design": "sampling",
    "explore": "runner",
    "parse_uncertainties": "spec",
    "plot_summary": "summary",
    "read_results": "store",
    "render_step": "summary",
    "render_summary": "summary",
    "summarize": "summary",
    "summary_figures": "summary",
    "trajectory_figure": "summary",
}

__all__ = [
    "ExploreSummary",
    "Parameter",
    "PrimBox",
    "PrimResult",
    "Restriction",
    "Results",
    "RunReport",
    "TrajectoryStep",
    "UncertaintySpace",
    "VariantRobustness",
    "binomial_upper_tail",
    "design",
    "explore",
    "parse_uncertainties",
    "plot_summary",
    "prim",
    "read_results",
    "render_step",
    "render_summary",
    "summarize",
    "summary_figures",
    "trajectory_figure",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'detente.strategy.explore' has no attribute {name!r}")
    return getattr(importlib.import_module(f"detente.strategy.explore.{module}"), name)


def __dir__() -> list[str]:
    return sorted(__all__)
