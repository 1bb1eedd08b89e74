"""``detente analyze``: the main analysis of a scenario (what ``make demo`` runs)."""

from __future__ import annotations

from typing import Annotated

import typer

from detente.cli._common import console, emit_json, progress_bar, write_atomic


def register(app: typer.Typer) -> None:
    """Register ``analyze`` on ``app``."""
    app.command("analyze")(analyze)


def analyze(
    file: Annotated[str | None, typer.Argument(help="Scenario file; default: korea-2017.")] = None,
    variant: Annotated[
        list[str] | None, typer.Option("--variant", "-v", help="Variant(s) to analyse.")
    ] = None,
    concept: Annotated[
        str, typer.Option("--concept", "-c", help="Concept for outcomes: nash, gmr, smr, seq.")
    ] = "seq",
    html: Annotated[str | None, typer.Option("--html", help="Write the HTML report here.")] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the full result as JSON.")
    ] = False,
    sensitivity: Annotated[
        bool, typer.Option(help="Run the preference-perturbation pass.")
    ] = True,
    sensitivity_actors: Annotated[
        str, typer.Option(help="Actors whose statements are perturbed (comma-separated; "
                          "default: every actor).")
    ] = "",
) -> None:
    """Run every analysis that applies to the scenario and report the comparison."""
    from detente.cli._common import resolve_scenario
    from detente.report import render_html, render_text
    from detente.strategy.analysis import analyze_scenario

    if concept not in ("nash", "gmr", "smr", "seq"):
        raise ValueError(f"--concept must be nash, gmr, smr or seq; got {concept!r}")
    scenario = resolve_scenario(file)
    actors = [a for a in sensitivity_actors.split(",") if a] or None
    with progress_bar("analyze") as bar:
        report = analyze_scenario(scenario, variant or None, concept=concept,
                                  with_sensitivity=sensitivity, sensitivity_actors=actors,
                                  progress=bar)
    if json_out:
        emit_json("analyze", report, scenario=scenario)
    else:
        render_text(report, console())
    if html:
        write_atomic(html, render_html(report))
        if not json_out:
            typer.echo(f"Report written to {html}")
