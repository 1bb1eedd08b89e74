"""One entry point over both models and both input layouts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from detente.bargain.data import ActorTable, IssueTable
from detente.bargain.eu import VARIANTS, EUOptions, run_eu, variant_options
from detente.bargain.exchange import ExchangeOptions, run_exchange
from detente.bargain.results import Forecast, PackageForecast, frozen_mapping
from detente.errors import InputError

ModelName = Literal["eu", "exchange"]

#: The exchange model's only variant.
EXCHANGE_VARIANT = "equal_gain"


def forecast_table(
    table: ActorTable | IssueTable,
    *,
    model: ModelName | None = None,
    variant: str | None = None,
    rounds: int = 10,
    seed: int | None = None,
    eu_options: EUOptions | None = None,
    exchange_options: ExchangeOptions | None = None,
    extra_parameters: Mapping[str, Any] | None = None,
) -> Forecast | PackageForecast:
    """Forecast a table with the chosen model.

    Parameters
    ----------
    table
        One issue (:class:`ActorTable`) or several (:class:`IssueTable`).
    model
        ``"eu"`` or ``"exchange"``; default ``"eu"`` for one issue and ``"exchange"`` for
        several.
    variant
        EU: ``"scholz"`` or ``"textbook"`` (default). Exchange: ``"equal_gain"`` (the only
        one) or ``None``.
    rounds
        Maximum number of rounds.
    seed
        Exchange model: seeds a random tie-break (``tie_break="random"``); ``None`` keeps
        the deterministic order.
    eu_options, exchange_options
        Replace the variant's options.
    extra_parameters
        Recorded in the result's parameters.

    Returns
    -------
    Forecast or PackageForecast
        ``Forecast`` for the EU model on one issue, ``PackageForecast`` otherwise (one EU
        run per issue, or the exchange model).

    Raises
    ------
    ValueError
        For an unknown model or variant, or the exchange model on one issue.
    """
    several = isinstance(table, IssueTable)
    chosen = model or ("exchange" if several else "eu")
    if chosen not in ("eu", "exchange"):
        raise InputError(f"unknown model {chosen!r}; choose 'eu' or 'exchange'")
    if chosen == "exchange":
        if variant not in (None, EXCHANGE_VARIANT):
            raise InputError(
                f"the exchange model has one variant, {EXCHANGE_VARIANT!r}; "
                f"{variant!r} applies to the eu model"
            )
        if not isinstance(table, IssueTable) or len(table.issues) < 2:
            raise InputError("the exchange model needs two or more issues")
        opts = exchange_options or ExchangeOptions()
        if seed is not None and exchange_options is None:
            opts = ExchangeOptions(tie_break="random", seed=seed)
        return run_exchange(table, rounds=rounds, options=opts, extra_parameters=extra_parameters)

    name = variant or "textbook"
    if name not in VARIANTS:
        raise InputError(f"unknown EU variant {name!r}; choose one of {', '.join(VARIANTS)}")
    opts_eu = eu_options or variant_options(name)
    if isinstance(table, ActorTable):
        return run_eu(
            table.actors, table.capability, table.salience, table.position,
            variant=name, rounds=rounds, options=opts_eu, issue=table.name,
            extra_parameters=extra_parameters,
        )
    forecasts: dict[str, Forecast] = {}
    for issue in table.issues:
        sub = table.issue(issue)
        forecasts[issue] = run_eu(
            sub.actors, sub.capability, sub.salience, sub.position,
            variant=name, rounds=rounds, options=opts_eu, issue=issue,
            extra_parameters=extra_parameters,
        )
    parameters: dict[str, Any] = {"rounds": rounds, **opts_eu.as_dict()}
    parameters.update(extra_parameters or {})
    return PackageForecast(
        model="eu",
        variant=name,
        issues=table.issues,
        forecasts=frozen_mapping(forecasts),
        parameters=frozen_mapping(parameters),
    )
