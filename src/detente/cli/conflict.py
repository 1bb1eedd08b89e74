"""``detente stability``: GMCR stability analysis of a scenario file."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from detente.cli._common import console, print_json, resolve_scenario
from detente.conflict import CONCEPTS, analyse
from detente.conflict.concepts import CONCEPT_NAMES
from detente.conflict.result import StabilityResult
from detente.scenario import Scenario

MAX_TABLE_STATES = 64


def register(app: typer.Typer) -> None:
    """Register ``stability`` and ``scenarios`` on ``app``."""
    app.command("stability")(stability)
    app.command("scenarios")(scenarios)


def scenarios() -> None:
    """List the scenarios bundled with detente."""
    import detente

    for name in detente.bundled_scenarios():
        typer.echo(name)


def stability(
    file: Annotated[str, typer.Argument(help="Scenario file (YAML/JSON/GMCR+) or bundled name.")],
    concept: Annotated[
        str, typer.Option("--concept", "-c", help="Comma-separated: nash,gmr,smr,seq,sim.")
    ] = ",".join(CONCEPTS),
    sanctions: Annotated[
        str,
        typer.Option(
            help="legal: opponents sanction by any legal sequence of moves (the definition); "
            "distinct: each opponent moves at most once (GMCR+)."
        ),
    ] = "legal",
    variant: Annotated[str | None, typer.Option(help="Apply a variant from the file.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    all_states: Annotated[
        bool, typer.Option("--all", help="Show every state, however many.")
    ] = False,
) -> None:
    """Stability of every state for every actor (Nash, GMR, SMR, SEQ, SIM) and the equilibria."""
    if sanctions not in ("legal", "distinct"):
        raise ValueError(f"--sanctions must be 'legal' or 'distinct'; got {sanctions!r}")
    scenario = resolve_scenario(file, variant)
    result = analyse(scenario, concept, sanctions)
    if json_out:
        print_json(result.to_dict())
        return
    render(scenario, result, all_states=all_states)


def _option_rows(scenario: Scenario) -> list[tuple[str, int]]:
    return [(f"{o.actor}: {o.name}", o.index) for o in scenario.options]


def render(scenario: Scenario, result: StabilityResult, all_states: bool = False) -> None:
    """Print the stability analysis as readable tables."""
    out = console()
    sq = "none" if result.status_quo is None else result.code_text(result.status_quo)
    out.print(
        f"[bold]{scenario.name}[/bold] — {len(result.codes)} feasible states, "
        f"{len(scenario.actors)} actors, {scenario.n_options} options; status quo {sq}; "
        f"sanctions: {result.sanctions}"
    )
    eq_codes: list[int] = []
    for c in result.concepts:
        for code in result.codes[result.equilibrium_mask(c)]:
            if int(code) not in eq_codes:
                eq_codes.append(int(code))
    eq_codes.sort()
    if not eq_codes:
        out.print("No state is an equilibrium under the concepts analysed.")
    else:
        table = Table(title="Equilibria (✓ = option taken)", show_lines=False)
        table.add_column("option")
        for code in eq_codes:
            label = result.code_text(code)
            if code == result.status_quo:
                label += " (SQ)"
            table.add_column(label, justify="center")
        for label, idx in _option_rows(scenario):
            table.add_row(label, *["✓" if (code >> idx) & 1 else "·" for code in eq_codes])
        table.add_section()
        for c in result.concepts:
            mask = set(int(x) for x in result.codes[result.equilibrium_mask(c)])
            marks = ["★" if code in mask else "" for code in eq_codes]
            table.add_row(f"{CONCEPT_NAMES[c]} equilibrium", *marks)
        out.print(table)
    n = len(result.codes)
    if n > MAX_TABLE_STATES and not all_states:
        out.print(f"({n} states: per-state table omitted; use --all or --json to see it)")
        return
    table = Table(title="Stable for whom, by state")
    table.add_column("state")
    for c in result.concepts:
        table.add_column(CONCEPT_NAMES[c])
    for j, code in enumerate(result.codes):
        cells = []
        for c in result.concepts:
            col = result.stable[c][:, j]
            if col.all():
                cells.append("all ★")
            else:
                cells.append(", ".join(a for a, ok in zip(result.actors, col, strict=True) if ok)
                             or "—")
        label = result.code_text(int(code))
        if int(code) == result.status_quo:
            label += " SQ"
        table.add_row(label, *cells)
    out.print(table)
