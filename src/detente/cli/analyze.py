"""``detente analyze``: the main analysis of a scenario (what ``make demo`` runs)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from detente.cli._common import console, emit_json, progress_bar, write_atomic
from detente.conflict.concepts import parse_concept
from detente.errors import InputError


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
        bool | None, typer.Option("--sensitivity/--no-sensitivity",
                                  help="Run the preference-perturbation pass (default: on, "
                                  "except with --rules all, where every perturbation re-runs "
                                  "the every-coalition search).")
    ] = None,
    sensitivity_actors: Annotated[
        str, typer.Option(help="Actors whose statements are perturbed (comma-separated; "
                          "default: every actor).")
    ] = "",
    rules: Annotated[
        str, typer.Option(help="Move rules of the main analysis, the same for every variant: "
                          "declared (each variant's own coalitions), unilateral, coalition "
                          "(the --coalition sets) or all (every coalition; slow on large "
                          "conflicts). The other rules are compared in a table.")
    ] = "declared",
    explore: Annotated[
        int, typer.Option("--explore", help="Also explore the scenario's uncertainties with "
                          "this many samples (Latin hypercube, seed --seed) and summarise how "
                          "robust the answer is; 0 (default): none, and the summary says so. "
                          "Each sample analyses every variant, so this takes about as long "
                          "as N analyses.")
    ] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the --explore sampling.")] = 0,
    coalition: Annotated[
        list[str] | None, typer.Option(
            "--coalition", help="A coalition for the `coalition` rule, actor ids separated by "
            "commas (repeat for several; default: every coalition a variant declares).")
    ] = None,
) -> None:
    """Run every analysis that applies to the scenario and report the comparison."""
    from detente.cli._common import resolve_scenario
    from detente.report import render_html, render_text
    from detente.scenario import variant_of
    from detente.strategy.analysis import analyze_scenario
    from detente.strategy.rules import (
        RULE_KINDS,
        Rules,
        declared_coalitions,
        default_rules,
        parse_coalition,
    )

    concept = parse_concept(concept, ("nash", "gmr", "smr", "seq"))
    if rules not in RULE_KINDS:
        raise InputError(f"--rules must be one of {', '.join(RULE_KINDS)}; got {rules!r}")
    scenario = resolve_scenario(file)
    actors = [a for a in sensitivity_actors.split(",") if a] or None
    ids = list(variant or []) or [v.id for v in scenario.variants]
    scenarios = [variant_of(scenario, vid) for vid in ids] or [scenario]
    named = tuple(parse_coalition(c, scenario.actor_ids) for c in coalition or [])
    common = named or declared_coalitions([scenario, *scenarios])
    if rules == "coalition":
        main = Rules("coalition", common)
    else:
        main = Rules(rules)
    compare = default_rules(scenario, scenarios)
    if named:
        compare = [r for r in compare if r.kind != "coalition"] + [Rules("coalition", named)]
    if sensitivity is None:
        sensitivity = rules != "all"
    with progress_bar("analyze") as bar:
        report = analyze_scenario(scenario, variant or None, concept=concept,
                                  with_sensitivity=sensitivity, sensitivity_actors=actors,
                                  progress=bar, rules=main, compare=compare)
    exploration = None
    if explore > 0:
        exploration = _explore(scenario, ids if variant else None, explore, seed, concept)
    if json_out:
        emit_json("analyze", report, scenario=scenario)
    else:
        render_text(report, console(), exploration)
    if html:
        write_atomic(html, render_html(report, exploration))
        if not json_out:
            typer.echo(f"Report written to {html}")


def _explore(scenario: Any, variants: list[str] | None, samples: int, seed: int,
             concept: str) -> Any:
    """Run a small exploration into a temporary file and summarise it."""
    import tempfile
    from pathlib import Path

    from detente.strategy.explore import explore, summarize

    if not scenario.uncertainties:
        raise InputError("--explore needs an `uncertainties:` section in the scenario; add one "
                         "or leave out --explore")
    with tempfile.TemporaryDirectory(prefix="detente-explore-") as tmp:
        out = Path(tmp) / "results.csv"
        explore(scenario, out, samples, seed=seed, variants=variants,
                concept=concept, progress=False)
        return summarize(out)
