"""``detente paths``: status-quo analysis (how the conflict can evolve to each equilibrium)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from detente.cli._common import (
    coalition_list,
    console,
    emit_json,
    progress_bar,
    resolve_scenario,
    write_atomic,
)
from detente.conflict.coalitions import Move
from detente.conflict.concepts import CONCEPT_NAMES, CONCEPTS, parse_concept
from detente.conflict.paths import PathsResult, status_quo_paths
from detente.errors import InputError, ScenarioError

#: Most evolutions printed (the JSON has all of them).
MAX_PRINTED = 20


def register(app: typer.Typer) -> None:
    """Register ``paths`` on ``app``."""
    app.command("paths")(paths)


def paths(
    file: Annotated[str, typer.Argument(help="Scenario file (YAML/JSON/GMCR+) or bundled name.")],
    to: Annotated[
        str | None,
        typer.Option("--to", help="Show the evolution to this state (Y/N code) instead of to "
                     "every reachable equilibrium.", show_default=False),
    ] = None,
    coalitions: Annotated[
        bool,
        typer.Option("--coalitions", help="Also let coalitions move jointly (the file's "
                     "`coalitions:`, or every coalition of two or more actors)."),
    ] = False,
    concept: Annotated[
        str, typer.Option("--concept", "-c", help="Equilibria sought: nash, gmr, smr, seq, sim.")
    ] = "seq",
    start: Annotated[
        str | None,
        typer.Option("--from", help="Start here instead of at the file's status_quo.",
                     show_default=False),
    ] = None,
    variant: Annotated[
        str | None, typer.Option("--variant", "-v", help="Apply a variant from the file.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    dot: Annotated[
        str | None,
        typer.Option("--dot", help="Write the status-quo diagram as Graphviz DOT to this file.",
                     show_default=False),
    ] = None,
    plot: Annotated[
        str | None,
        typer.Option("--plot", help="Draw the status-quo diagram to this file (.svg or .png).",
                     show_default=False),
    ] = None,
) -> None:
    """Status-quo analysis: where the conflict can go from the status quo.

    The states reachable by unilateral (and, with --coalitions, coalition) improvements, and a
    shortest evolution to each reachable equilibrium (Li, Kilgour and Hipel 2005; Xu et al.
    2010)."""
    concept = parse_concept(concept, CONCEPTS)
    if plot is not None and not plot.lower().endswith((".svg", ".png")):
        raise InputError(f"--plot writes SVG or PNG; give a file ending in .svg or .png "
                         f"(got {plot!r})")
    scenario = resolve_scenario(file, variant)
    with progress_bar("paths") as bar:
        result = status_quo_paths(scenario, concept=concept, coalitions=coalitions, target=to,
                                  start=start, progress=bar)
    written = []
    drawing = result.to_png if plot is not None and plot.lower().endswith(".png") \
        else result.to_svg
    for path, make in ((dot, result.to_dot), (plot, drawing)):
        if path is None:
            continue
        try:
            write_atomic(path, make())
        except OSError as exc:
            raise ScenarioError(f"cannot write the file ({exc.strerror or exc}); check the "
                                "path", source=path) from None
        written.append(path)
    if json_out:
        emit_json("paths", result, scenario=scenario)
        return
    render(result)
    out = console()
    for path in written:
        out.print(f"wrote {path}", markup=False)


def _listed(states: list[str]) -> str:
    """At most :data:`MAX_PRINTED` states, comma-separated."""
    if not states:
        return "none"
    more = f" … and {len(states) - MAX_PRINTED} more" if len(states) > MAX_PRINTED else ""
    return ", ".join(states[:MAX_PRINTED]) + more


def _print_steps(out: Console, steps: tuple[Move, ...]) -> None:
    for k, m in enumerate(steps, start=1):
        out.print(f"  {k}. {escape(m.describe())}  ({m.source_state} → {m.target_state})")
        for v in m.via:
            out.print(f"       via {escape(v.describe())}  ({v.source_state} → "
                      f"{v.target_state})")


def render(result: PathsResult) -> None:
    """Print the status-quo analysis readably."""
    out = console()
    name = CONCEPT_NAMES.get(result.concept, result.concept)
    sq = result.code_text(result.status_quo)
    joint = [m for m in result.movers if "+" in m]
    which = coalition_list(joint, len(result.actors))
    kinds = (f"unilateral and coalition improvements ({which})" if joint
             else "unilateral improvements")
    rule = "no mover twice in a row" if result.legal else "movers may repeat"
    out.print(f"[bold]{escape(result.scenario)}[/bold]: evolution from the status quo {sq} "
              f"by {escape(kinds)} ({rule})")
    depth = int(result.depth.max()) if result.n_reachable else 0
    out.print(f"{result.n_reachable} of {result.codes.shape[0]} states reachable "
              f"(at most {depth} step{'s' if depth != 1 else ''}).")
    eqs = result.equilibria()
    reach = result.reachable_equilibria()
    out.print(f"{name} equilibria: {len(eqs)}; reachable ({len(reach)}): {_listed(reach)}")
    if any("+" in m for m in result.movers):
        settled = result.resolutions()
        out.print(f"reachable equilibria no coalition can improve on ({len(settled)}): "
                  f"{_listed(settled)}")
    unreachable = result.unreachable_equilibria()
    if unreachable:
        shown = ", ".join(unreachable[:MAX_PRINTED])
        more = f" … and {len(unreachable) - MAX_PRINTED} more" if len(unreachable) > MAX_PRINTED \
            else ""
        out.print(f"not reachable: {shown}{more}")
    if result.target is not None:
        t = result.code_text(result.target)
        if not result.is_reachable(result.target):
            out.print(f"\n{t} is not reachable from the status quo {sq}"
                      + ("" if any("+" in m for m in result.movers)
                         else " by unilateral improvements (try --coalitions)") + ".")
            return
    items = list(result.paths.items())
    for code, steps in items[:MAX_PRINTED]:
        t = result.code_text(code)
        idx = int(result.codes.searchsorted(code))
        what = f"{name} equilibrium" if result.equilibrium[idx] else "not an equilibrium"
        if result.improvable is not None and result.improvable[idx]:
            what += ", a coalition can still improve on it"
        n = len(steps)
        out.print(f"\n[bold]Path to {t}[/bold] ({what}; {n} step{'s' if n != 1 else ''})")
        if steps:
            _print_steps(out, steps)
        else:
            out.print("  the status quo itself")
    if len(items) > MAX_PRINTED:
        out.print(f"\n… {len(items) - MAX_PRINTED} more paths; use --json for all of them")
