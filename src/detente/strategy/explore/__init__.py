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

from detente.strategy.explore.prim import PrimBox, PrimResult, Restriction, prim
from detente.strategy.explore.runner import RunReport, explore
from detente.strategy.explore.sampling import design
from detente.strategy.explore.spec import Parameter, UncertaintySpace, parse_uncertainties
from detente.strategy.explore.store import Results, read_results
from detente.strategy.explore.summary import (
    ExploreSummary,
    VariantRobustness,
    plot_summary,
    render_summary,
    summarize,
    summary_figures,
)

__all__ = [
    "ExploreSummary",
    "Parameter",
    "PrimBox",
    "PrimResult",
    "Restriction",
    "Results",
    "RunReport",
    "UncertaintySpace",
    "VariantRobustness",
    "design",
    "explore",
    "parse_uncertainties",
    "plot_summary",
    "prim",
    "read_results",
    "render_summary",
    "summarize",
    "summary_figures",
]
