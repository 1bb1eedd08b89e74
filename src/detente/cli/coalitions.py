"""``detente coalitions``: which equilibria survive when actors can move together."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from detente.cli._common import coalition_list, console, emit_json, progress_bar, resolve_scenario
from detente.conflict.coalitions import COALITION_CONCEPTS, CoalitionResult, analyse_coalitions
from detente.conflict.concepts import CONCEPT_NAMES
from detente.errors import InputError


def register(app: typer.Typer) -> None:
    """Register ``coalitions`` on ``app``."""
    app.command("coalitions")(coalitions_command)


def coalitions_command(
    file: Annotated[str, typer.Argument(help="Scenario file (YAML/JSON/GMCR+) or bundled name.")],
    concept: Annotated[
        str, typer.Option("--concept", "-c", help="Comma-separated: nash,gmr,smr,seq.")
    ] = ",".join(COALITION_CONCEPTS),
    coalition: Annotated[
        list[str] | None,
        typer.Option("--coalition", help="A coalition as comma-separated actor ids "
                     "(repeatable). Default: the file's `coalitions:`, else every coalition.",
                     show_default=False),
    ] = None,
    all_coalitions: Annotated[
        bool, typer.Option("--all", help="Every coalition of the actors (2^n - 1 of them).")
    ] = False,
    variant: Annotated[
        str | None, typer.Option("--variant", "-v", help="Apply a variant from the file.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Coalition analysis: which equilibria survive when actors can move jointly.

    The equilibria of the individual analysis that survive coalition analysis, and the joint
    move that upsets each of the others (Kilgour, Hipel, Fang and Peng 2001; Inohara and Hipel
    2008)."""
    if coalition and all_coalitions:
        raise InputError("give either --coalition (repeatable) or --all, not both")
    scenario = resolve_scenario(file, variant)
    chosen: str | list[list[str]] | None = "all" if all_coalitions else None
    if coalition:
        chosen = [[m.strip() for m in c.split(",") if m.strip()] for c in coalition]
    with progress_bar("coalitions") as bar:
        result = analyse_coalitions(scenario, concept, chosen, progress=bar)
    if json_out:
        emit_json("coalitions", result, scenario=scenario)
        return
    render(result)


#: States and upsets printed per concept (the JSON has all of them).
MAX_PRINTED = 12


def _listed(states: list[str]) -> str:
    more = f" … and {len(states) - MAX_PRINTED:,} more" if len(states) > MAX_PRINTED else ""
    return ", ".join(states[:MAX_PRINTED]) + more


def render(result: CoalitionResult) -> None:
    """Print the coalition analysis readably."""
    out = console()
    joint = [label for label in result.labels if "+" in label]
    which = coalition_list(joint, len(result.actors)) or "none (single actors only)"
    out.print(f"[bold]{escape(result.scenario)}[/bold]: coalition analysis; coalitions that can "
              f"move jointly: {escape(which)}")
    for c in result.concepts:
        name = CONCEPT_NAMES.get(c, c)
        ind = result.individual_equilibria(c)
        surv = result.survivors(c)
        out.print("")
        out.print(f"[bold]{name}[/bold]: {len(ind)} equilibri{'um' if len(ind) == 1 else 'a'} of "
                  f"the individual analysis; {len(surv)} survive coalition analysis.")
        if surv:
            out.print("  survive: " + _listed(surv))
        breaks = result.breaks[c]
        for b in breaks[:MAX_PRINTED]:
            steps = "; ".join(m.describe() for m in b.moves)
            out.print(f"  {b.state} is upset by {escape('+'.join(b.coalition))} moving to "
                      f"{b.target} ({escape(steps)})")
        if len(breaks) > MAX_PRINTED:
            out.print(f"  … {len(breaks) - MAX_PRINTED:,} more upset equilibria; use --json "
                      "for all of them")
        known = set(ind)
        new = [s for s in result.equilibria(c) if s not in known]
        if new:
            out.print("  coalition equilibria that are not individual ones: " + _listed(new))
