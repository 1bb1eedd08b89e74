"""``detente inverse``: what each actor's preferences must satisfy for a target to be stable."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from detente.cli._common import console, emit_json, resolve_scenario
from detente.conflict.concepts import check_sanctions, parse_concept
from detente.conflict.edits import StatementChange, statement_edits
from detente.conflict.inverse import INVERSE_CONCEPTS, ActorInverse, InverseResult, inverse


def register(app: typer.Typer) -> None:
    """Register ``inverse`` on ``app``."""
    app.command("inverse")(inverse_command)


def inverse_command(
    file: Annotated[str, typer.Argument(help="Scenario file (YAML/JSON/GMCR+) or bundled name.")],
    target: Annotated[
        str, typer.Option("--target", "-t", help="The desired state, a Y/N code (one letter per "
                          "option, in declaration order).")
    ],
    concept: Annotated[
        str, typer.Option("--concept", "-c", help="Stability sought: nash, gmr, smr or seq.")
    ] = "gmr",
    actor: Annotated[
        list[str] | None,
        typer.Option("--actor", "-a", help="Analyse only this actor (repeatable).",
                     show_default=False),
    ] = None,
    sanctions: Annotated[
        str,
        typer.Option(help="legal: opponents sanction by any legal sequence of moves (the "
                     "definition); distinct: each opponent moves at most once (GMCR+)."),
    ] = "legal",
    variant: Annotated[
        str | None, typer.Option("--variant", "-v", help="Apply a variant from the file.")
    ] = None,
    edits: Annotated[
        int, typer.Option("--edits", help="Also find the fewest edits (drop, move, add a "
                          "one-option statement) to each actor's preference statements, trying "
                          "up to this many edits; 0 skips it.", min=0, max=4)
    ] = 2,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Inverse analysis: what each actor's preferences must be for TARGET to be stable.

    For each actor: the preference conditions under which TARGET is stable, the improvements
    that must be blocked, and the smallest change to its ranking (fewest pairwise swaps) that
    makes TARGET stable; for actors whose preferences are statements, also the fewest
    statement edits (Kinsara, Kilgour and Hipel 2015)."""
    concept = parse_concept(concept, INVERSE_CONCEPTS)
    check_sanctions(sanctions)
    scenario = resolve_scenario(file, variant)
    result = inverse(scenario, target, concept, actors=actor or None, sanctions=sanctions)
    changes: dict[str, StatementChange] = {}
    if edits > 0:
        who = [a.actor for a in result.actors
               if scenario.preferences[a.actor].kind == "statements"]
        if who:
            changes = statement_edits(scenario, target, concept, actors=who,
                                      sanctions=sanctions, max_edits=edits)
    if json_out:
        data = result.to_dict()
        data["statement_edits"] = {k: v.to_dict() for k, v in changes.items()}
        emit_json("inverse", data, scenario=scenario)
        return
    render(result, changes)


def _actor_block(result: InverseResult, a: ActorInverse,
                 change: StatementChange | None = None) -> list[str]:
    T = result.code_text(result.target)
    name = result.concept_name
    text = result.code_text
    lines = []
    if a.stable:
        lines.append(f"[bold]{escape(a.actor)}[/bold]: already {name}-stable at {T}; no change "
                     "needed.")
        return lines
    n = len(a.must_block)
    lines.append(f"[bold]{escape(a.actor)}[/bold]: not {name}-stable at {T}; {n} "
                 f"improvement{'s' if n != 1 else ''} must be blocked: "
                 + ", ".join(text(c) for c in a.must_block))
    for c in a.conditions:
        if c.met:
            continue
        lines.append(f"  ✗ move to {text(c.move)} ({escape(result.changes_from_target(c.move))}):"
                     f" needs {escape(result.describe_condition(a, c))}")
        if c.closest:
            parts = []
            for sn in c.closest:
                what = ", ".join(text(x) for x in sn.needs) or text(sn.state)
                parts.append(f"{text(sn.state)} (lower {what}: {sn.swaps} "
                             f"swap{'s' if sn.swaps != 1 else ''})")
            lines.append("      closest sanctions: " + "; ".join(parts))
    met = sum(1 for c in a.conditions if c.met)
    if met:
        lines.append(f"  ✓ {met} other move{'s' if met != 1 else ''} from {T} already "
                     + ("meets its condition" if met == 1 else "meet their conditions"))
    ch = a.change
    assert ch is not None
    how = "minimal" if ch.exact else "best found; minimality not proven"
    if change is not None and change.found:
        how_s = "fewest" if change.exact else "fewest found; budget reached"
        lines.append(f"  In statements ({how_s}, {len(change.edits)} edit"
                     f"{'s' if len(change.edits) != 1 else ''}): {escape(change.describe())}")
        for alt in change.alternatives:
            lines.append("      or: " + escape("; ".join(e.describe() for e in alt)))
    elif change is not None:
        lines.append(f"  In statements: {escape(change.describe())}")
    lines.append(f"  In the ranking: {ch.swaps} pairwise swap{'s' if ch.swaps != 1 else ''} "
                 f"({how}): " + "; ".join(escape(s) for s in result.describe_change(a)))
    return lines


def render(result: InverseResult, changes: dict[str, StatementChange] | None = None) -> None:
    """Print the inverse analysis readably (with the statement edits, when given)."""
    out = console()
    T = result.code_text(result.target)
    name = result.concept_name
    rule = ("any legal sequence of opponents' moves" if result.sanctions == "legal"
            else "each opponent moving at most once")
    out.print(f"[bold]{escape(result.scenario)}[/bold]: inverse {name} analysis at {T} "
              f"(sanctions: {rule})")
    if result.concept == "seq":
        out.print("SEQ sanctions are the opponents' own improvements: their preferences are held "
                  "at the current ones.")
    stable = [a.actor for a in result.actors if a.stable]
    out.print(f"{T} is {name}-stable now for {len(stable)} of {len(result.actors)} actor"
              f"{'s' if len(result.actors) != 1 else ''}.")
    for a in result.actors:
        out.print("")
        for line in _actor_block(result, a, (changes or {}).get(a.actor)):
            out.print(line)
    if result.after is not None and any(a.change is not None for a in result.actors):
        ok = [k for k, v in result.after.items() if v]
        bad = [k for k, v in result.after.items() if not v]
        out.print("")
        if not bad:
            out.print(f"With every suggested change applied, {T} is {name}-stable for "
                      + ", ".join(ok) + ".")
        else:
            out.print(f"With every suggested change applied together, {T} is still not "
                      f"{name}-stable for {', '.join(bad)} (changing one actor's preference "
                      "changes the others' credible sanctions); each change alone works.")
