"""``detente hindcast``: hold a scenario's model against its recorded history.

A scenario without a ``history:`` section prints one line saying so and exits 0 (there is
nothing to test, which is not an error in the file); bad input exits 2 as everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from detente.cli._common import console, emit_json, resolve_scenario
from detente.errors import InputError

if TYPE_CHECKING:  # the models load when the command runs (a fast start for the others)
    from detente.conflict.hindcast import HindcastResult, HindcastStep
    from detente.scenario.model import Scenario

#: As detente.conflict.hindcast.DEFAULT_CONCEPTS (not imported here, see above).
DEFAULT_CONCEPTS = ("nash", "gmr", "smr", "seq")


def register(app: typer.Typer) -> None:
    """Register ``hindcast`` on ``app``."""
    app.command("hindcast")(hindcast_command)


def hindcast_command(
    file: Annotated[str, typer.Argument(help="Scenario file (YAML/JSON) or bundled name.")],
    variant: Annotated[str | None, typer.Option("--variant", "-v",
                                                help="Apply a variant from the file.")] = None,
    concept: Annotated[
        list[str] | None,
        typer.Option("--concept", "-c", help="Stability concepts reported for each recorded "
                     "state (repeatable or comma-separated; default nash,gmr,smr,seq).",
                     show_default=False),
    ] = None,
    sanctions: Annotated[
        str, typer.Option(help="legal (any legal sequence of opponents' moves) or distinct "
                          "(each opponent at most once, as GMCR+).")
    ] = "legal",
    coalitions: Annotated[
        str | None,
        typer.Option("--coalitions", help="Movers of the status-quo search: the scenario's "
                     "coalitions (default), 'none' (unilateral moves only) or 'all'.",
                     show_default=False),
    ] = None,
    edits: Annotated[
        int, typer.Option("--edits", help="Find the fewest statement edits that make the "
                          "record consistent, trying up to this many per actor; 0 skips it.",
                          min=0, max=4)
    ] = 2,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Hindcast: is the recorded course of the conflict consistent with the model?

    For each recorded step: who moved and what changed, whether the move improves every mover,
    for whom the reached state is stable under each concept, and whether the status-quo search
    from the record's first state reaches it. Then the fewest edits of the actors' preference
    statements after which every recorded move improves its movers."""
    from detente.conflict.concepts import check_sanctions

    check_sanctions(sanctions)
    coal: bool | str | None = None
    if coalitions is not None:
        c = coalitions.strip().lower()
        if c not in ("none", "all", "scenario"):
            raise InputError(f"--coalitions must be 'scenario', 'none' or 'all'; got "
                             f"{coalitions!r}")
        coal = False if c == "none" else ("all" if c == "all" else None)
    from detente.conflict.hindcast import hindcast

    concepts = ",".join(concept) if concept else ",".join(DEFAULT_CONCEPTS)
    scenario = resolve_scenario(file, variant)
    result = hindcast(scenario, concepts=concepts, sanctions=sanctions, coalitions=coal,
                      max_edits=edits)
    if json_out:
        emit_json("hindcast", result, scenario=scenario)
        return
    render(result, scenario)


def _changes(step: HindcastStep, scenario: Scenario) -> str:
    names = {o.ref: o.name for o in scenario.options}
    parts = []
    for ref, taken in step.changes:
        parts.append(f"{'takes' if taken else 'drops'} «{names.get(ref, ref)}» ({ref})")
    return "; ".join(parts)


def _who(actors: list[str], all_actors: tuple[str, ...]) -> str:
    if not actors:
        return "nobody"
    if len(actors) == len(all_actors):
        return "everyone"
    return ", ".join(actors)


def render(result: HindcastResult, scenario: Scenario) -> None:
    """Print the hindcast readably."""
    from detente.conflict.concepts import CONCEPT_NAMES

    out = console()
    title = escape(result.scenario) + (f" (variant {escape(result.variant)})"
                                       if result.variant else "")
    if not result.recorded:
        out.print(f"{title}: no history recorded; add a `history:` section of dated, sourced "
                  "states to hindcast it (docs/discussion/hindcast.md)")
        return
    first = result.record[0]
    out.print(f"[bold]{title}[/bold]: hindcast against {len(result.record)} recorded states "
              f"({len(result.steps)} steps)")
    out.print(f"The record starts {first.entry.date}"
              + (f" ({escape(first.entry.event)})" if first.entry.event else "")
              + f" at {result.code_text(first.entry.state)}; options: "
              + ", ".join(result.options))
    out.print("Reachability: " + escape(str(result.parameters.get("reachability", ""))) + "; "
              f"movers: {escape(', '.join(result.movers))}.")
    for st in result.steps:
        a, b = result.record[st.index - 1], result.record[st.index]
        out.print("")
        head = f"[bold]Step {st.index}[/bold] · {a.entry.date} → {b.entry.date}"
        if b.entry.event:
            head += f" · {escape(b.entry.event)}"
        out.print(head + f"  ({result.code_text(st.source)} → {result.code_text(st.target)})")
        if not st.movers:
            out.print("  nobody moved: the model's options do not change")
        else:
            kind = "alone" if st.unilateral else "jointly"
            out.print(f"  {escape(', '.join(st.movers))} moved {kind}: "
                      f"{escape(_changes(st, scenario))}")
            if st.improvement is None:
                out.print("  ? the model rules out a state of this step (infeasible in this "
                          "variant)")
            else:
                for who, ok in st.improves.items():
                    mark = "✓" if ok else "✗"
                    out.print(f"  {mark} {'an improvement' if ok else 'not an improvement'} "
                              f"for {escape(who)}")
                if st.legal is False:
                    out.print("  ✗ not a move the model allows its movers (option directions "
                              "or feasibility)")
                if not st.unilateral:
                    ci = "a" if st.coalition_improvement else "not a"
                    dc = ("one of the coalitions analysed" if st.declared_coalition
                          else "not among the coalitions analysed")
                    out.print(f"  joint step: {ci} coalition improvement; the movers are {dc}")
        if b.feasible:
            assert b.stable is not None and b.equilibrium is not None
            parts = []
            for c in result.concepts:
                held = [x for x, v in b.stable[c].items() if v]
                eq = " — equilibrium" if b.equilibrium[c] else ""
                parts.append(f"{CONCEPT_NAMES.get(c, c)}: {_who(held, result.actors)}{eq}")
            out.print("  reached state stable for: " + "; ".join(parts))
            out.print("  status-quo search: " + (f"reached in {b.depth} step"
                                                 f"{'s' if b.depth != 1 else ''}"
                                                 if b.depth is not None else "not reached"))
        else:
            out.print("  the reached state is infeasible in this variant")
        out.print(f"  source: {escape(b.entry.source)}")
        if b.entry.note:
            out.print(f"  note: {escape(b.entry.note)}")
    out.print("")
    if not result.steps:
        out.print("One recorded state only: no step to test; add later entries to the history.")
        return
    bad = [st.index for st in result.steps if not st.consistent]
    if not bad:
        out.print("[bold]Consistent with the record[/bold]: every recorded move improves its "
                  "movers.")
    else:
        out.print(f"[bold]Not consistent with the record[/bold]: step"
                  f"{'s' if len(bad) != 1 else ''} {', '.join(map(str, bad))} "
                  f"{'are' if len(bad) != 1 else 'is'} not an improvement for every mover (or "
                  "not a move the model allows).")
    e = result.edits
    if e is None:
        return
    head = e.describe()
    if e.status == "not found":
        short = [a for a, c in e.changes.items() if not c.stable and not c.found]
        head = (f"none within {e.max_edits} edit{'s' if e.max_edits != 1 else ''} per actor "
                f"for {', '.join(short)}")
    out.print("Fewest statement edits that make the record consistent: " + escape(head))
    if e.status in ("found", "not found"):
        for actor, ch in e.changes.items():
            if ch.found:
                out.print(f"  {escape(actor)}: " + escape(ch.describe()))
                for alt in ch.alternatives:
                    out.print("      or: " + escape("; ".join(x.describe() for x in alt)))
            elif not ch.stable:
                out.print(f"  {escape(actor)}: " + escape(ch.describe()))
    if e.verified is not None:
        out.print("  checked: with these edits every recorded move improves its movers"
                  if e.verified else "  check failed: the edits do not make every move an "
                  "improvement")
