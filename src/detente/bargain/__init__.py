"""Bargaining forecasts: baselines, Bueno de Mesquita's expected-utility model, and the
Stokman-Van Oosten equal-gain exchange model (as in the Decide framework).

Quick start::

    from detente.bargain import read_csv, forecast_table
    result = forecast_table(read_csv("ec_auto_emissions.csv"), variant="scholz", rounds=10)
    result.to_dict()   # {"model": "eu", "variant": "scholz", "rounds": [...]}

See :mod:`detente.bargain.eu` and :mod:`detente.bargain.exchange` for the equations, their
sources and the variant options.
"""

from detente.bargain.baselines import pairwise_margin, weighted_mean, weighted_median
from detente.bargain.data import (
    ActorTable,
    IssueTable,
    build_issue_table,
    read_csv,
    read_issues_csv,
    read_one_issue_csv,
)
from detente.bargain.eu import VARIANTS, EUOptions, run_eu, variant_options
from detente.bargain.exchange import ExchangeOptions, run_exchange
from detente.bargain.forecast import forecast_table
from detente.bargain.results import ExchangeRecord, Forecast, Move, PackageForecast, RoundRecord
from detente.bargain.spec import (
    ActorPositionSpec,
    IssueList,
    IssueSpec,
    ScaleSpec,
    forecast_issue,
    forecast_package,
    parse_issues,
)

__all__ = [
    "VARIANTS",
    "ActorPositionSpec",
    "ActorTable",
    "EUOptions",
    "ExchangeOptions",
    "ExchangeRecord",
    "Forecast",
    "IssueList",
    "IssueSpec",
    "IssueTable",
    "Move",
    "PackageForecast",
    "RoundRecord",
    "ScaleSpec",
    "build_issue_table",
    "forecast_issue",
    "forecast_package",
    "forecast_table",
    "pairwise_margin",
    "parse_issues",
    "read_csv",
    "read_issues_csv",
    "read_one_issue_csv",
    "run_eu",
    "run_exchange",
    "variant_options",
    "weighted_mean",
    "weighted_median",
]
