"""``detente forecast``: bargaining forecasts (expected utility, exchange) from a CSV file."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from detente.bargain.data import IssueTable, read_csv
from detente.bargain.eu import VARIANTS
from detente.bargain.forecast import EXCHANGE_VARIANT, forecast_table
from detente.bargain.plot import plot_forecast
from detente.bargain.results import Forecast, PackageForecast
from detente.cli._common import emit_json
from detente.errors import ScenarioError

MODELS = ("eu", "exchange")


def _rounds_table(forecast: Forecast, title: str) -> Table:
    table = Table(title=title)
    table.add_column("round", justify="right")
    table.add_column("median", justify="right")
    table.add_column("mean", justify="right")
    if forecast.model == "eu":
        table.add_column("moves", justify="right")
    for record in forecast.rounds:
        cells = [str(record.round), f"{record.median:.4f}", f"{record.mean:.4f}"]
        if forecast.model == "eu":
            cells.append(str(len(record.moves)) if record.round else "")
        table.add_row(*cells)
    return table


def _positions_table(forecast: Forecast, title: str) -> Table:
    table = Table(title=title)
    table.add_column("actor")
    table.add_column("start", justify="right")
    table.add_column("final", justify="right")
    table.add_column("change", justify="right")
    final = forecast.rounds[-1].positions
    for actor, x0, x1 in zip(forecast.actors, forecast.rounds[0].positions, final, strict=True):
        table.add_row(escape(actor), f"{x0:.4f}", f"{x1:.4f}", f"{x1 - x0:+.4f}")
    return table


def _print_one(forecast: Forecast, console: Console) -> None:
    console.print(
        f"{forecast.issue}: model {forecast.model}, variant {forecast.variant}",
        markup=False,
        highlight=False,
        style="bold",
    )
    console.print(_rounds_table(forecast, "median and mean by round"))
    console.print(_positions_table(forecast, "positions"))


def _print_forecast(result: Forecast | PackageForecast, console: Console) -> None:
    if isinstance(result, Forecast):
        _print_one(result, console)
        last = result
    else:
        for name in result.issues:
            _print_one(result.forecasts[name], console)
        if result.model == "exchange":
            counts = ", ".join(str(len(r)) for r in result.exchanges)
            console.print(f"realised exchanges per round: {counts or 'none'}", highlight=False)
        last = result.forecasts[result.issues[0]]
    console.print(
        f"stopped: {last.stop_reason} after {len(last.rounds) - 1} round(s)", highlight=False
    )


def register(app: typer.Typer) -> None:
    """Register ``forecast`` on ``app``."""

    @app.command("forecast")
    def forecast(
        file: Annotated[
            str,
            typer.Argument(
                help="CSV file: 'actor,capability,position,salience' (one issue) or "
                "'actor,issue,position,salience,power[,issue_lower,issue_upper]'.",
                show_default=False,
            ),
        ],
        model: Annotated[
            str | None,
            typer.Option(
                "--model",
                help="eu (expected utility) or exchange (equal-gain exchange, two or more "
                "issues). Default: eu for one issue, exchange for several.",
                show_default=False,
            ),
        ] = None,
        variant: Annotated[
            str | None,
            typer.Option(
                "--variant",
                "-v",
                help="EU variant: scholz (reproduces Scholz et al. 2011, quirks included) "
                "or textbook (default; quirks fixed).",
                show_default=False,
            ),
        ] = None,
        rounds: Annotated[
            int, typer.Option("--rounds", min=0, help="Maximum number of rounds.")
        ] = 10,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the rounds as JSON.")
        ] = False,
        plot: Annotated[
            str | None,
            typer.Option("--plot", help="Draw positions over rounds to this SVG file.",
                         show_default=False),
        ] = None,
        seed: Annotated[
            int | None,
            typer.Option("--seed", help="Exchange model: break ties between equal gains "
                         "at random with this seed (default: fixed order).",
                         show_default=False),
        ] = None,
    ) -> None:
        """Forecast the outcome of a negotiation round by round (median, mean, positions)."""
        if model is not None and model not in MODELS:
            raise typer.BadParameter(f"{model!r}; choose eu or exchange", param_hint="--model")
        chosen_model = model
        table = read_csv(file)
        if chosen_model is None:
            chosen_model = "exchange" if isinstance(table, IssueTable) else "eu"
        if chosen_model == "eu":
            if variant is not None and variant not in VARIANTS:
                raise typer.BadParameter(
                    f"{variant!r}; choose {' or '.join(VARIANTS)}", param_hint="--variant"
                )
        elif variant not in (None, EXCHANGE_VARIANT):
            raise typer.BadParameter(
                f"{variant!r} applies to --model eu; the exchange model has no variants",
                param_hint="--variant",
            )
        if chosen_model == "exchange" and (
            not isinstance(table, IssueTable) or len(table.issues) < 2
        ):
            raise ScenarioError(
                "the exchange model needs two or more issues; give an 'issue' column with "
                "at least two issues or use --model eu",
                source=file,
                field="issue",
            )
        result = forecast_table(
            table,
            model="exchange" if chosen_model == "exchange" else "eu",
            variant=variant,
            rounds=rounds,
            seed=seed,
        )
        if plot is not None:
            try:
                plot_forecast(result, plot)
            except OSError as exc:
                raise ScenarioError(
                    f"cannot write the plot ({exc.strerror or exc}); check the path",
                    source=plot,
                ) from None
        if as_json:
            emit_json("forecast", result, source=file)
            return
        console = Console()
        _print_forecast(result, console)
        if plot is not None:
            console.print(f"wrote {plot}", markup=False, highlight=False)
