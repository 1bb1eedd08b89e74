"""``detente explain``: why a state is stable or not, actor by actor, with the sanctions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from detente.cli._common import emit_json, resolve_scenario
from detente.conflict.concepts import CONCEPT_NAMES, check_sanctions, parse_concept
from detente.conflict.explain import (
    Explanation,
    ImprovementExplanation,
    MoverExplanation,
    SanctionStep,
    explain_state,
)
from detente.scenario import Scenario
from detente.strategy.accountability import changes_text


def register(app: typer.Typer) -> None:
    """Register ``explain`` on ``app``."""
    app.command("explain")(explain_command)


def explain_command(
    file: Annotated[str, typer.Argument(help="Scenario file (YAML/JSON/GMCR+) or bundled name.")],
    state: Annotated[str, typer.Argument(help="The state: one Y/N per option, in order.")],
    concept: Annotated[
        str, typer.Option("--concept", "-c", help="One of nash, gmr, smr, seq, sim.")
    ] = "seq",
    sanctions: Annotated[
        str,
        typer.Option(help="legal: opponents sanction by any legal sequence of moves (the "
                     "definition); distinct: each opponent moves at most once (GMCR+)."),
    ] = "legal",
    variant: Annotated[str | None, typer.Option("--variant", "-v",
                                                help="Apply a variant from the file.")] = None,
    coalition: Annotated[
        list[str] | None,
        typer.Option("--coalition", help="A coalition whose joint improvements to explain, as "
                     "comma-separated actor ids (repeatable). Default: the file's "
                     "`coalitions:`.", show_default=False),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Explain a state: each actor's improvements, and what deters them (or why nothing does).

    For every actor (and every coalition in the file) it lists the improvements from STATE,
    whether the concept's sanction condition deters each one, and a shortest sanction: the
    states the opponents' successive moves reach after the improvement."""
    parse_concept(concept)
    check_sanctions(sanctions)
    scenario = resolve_scenario(file, variant)
    chosen = None
    if coalition:
        chosen = [[m.strip() for m in c.split(",") if m.strip()] for c in coalition]
    result = explain_state(scenario, state, concept, sanctions, coalitions=chosen)
    if json_out:
        emit_json("explain", result, scenario=scenario)
        return
    typer.echo(render(scenario, result))


def _changes(scenario: Scenario, changes: Sequence[tuple[str, bool]]) -> str:
    names = {o.ref: o.name for o in scenario.options}

    def label(ref: str) -> str:
        name = names.get(ref, "")
        return f"{ref} '{name}'" if name and name != ref.split(".", 1)[-1] else ref

    return changes_text(changes, label)


def _step(scenario: Scenario, st: SanctionStep) -> str:
    return f"{st.mover} moves to {st.target} ({_changes(scenario, st.changes)})"


def _improvement(scenario: Scenario, m: MoverExplanation, x: ImprovementExplanation
                 ) -> list[str]:
    who = m.mover
    lines = [f"  - {who} -> {x.to}: {_changes(scenario, x.changes)}"]
    if x.via and len(x.via) > 1:
        lines.append("      jointly: " + ", then ".join(_step(scenario, s) for s in x.via))
    if x.deterred:
        lines.append("      deterred by: " + ", then ".join(_step(scenario, s)
                                                          for s in x.steps))
        lines.append(f"      because {x.why}")
    else:
        lines.append(f"      NOT deterred: {x.why}")
    return lines


def render(scenario: Scenario, e: Explanation) -> str:
    """The explanation as readable text."""
    name = CONCEPT_NAMES.get(e.concept, e.concept)
    sq = " (the status quo)" if e.state == e.status_quo else ""
    var = f", variant {e.variant}" if e.variant else ""
    verdict = "is an equilibrium" if e.stable else "is NOT an equilibrium"
    lines = [f"{e.scenario}{var}: state {e.state}{sq} under {name} "
             f"(sanctions: {e.sanctions}) {verdict}."]
    taken = [f"{o.ref}" for o in scenario.options if e.state[o.index] == "Y"]
    lines.append("Options taken: " + (", ".join(taken) or "none"))
    for m in (*e.actors, *e.coalitions):
        kind = "Coalition " if len(m.members) > 1 else ""
        lines.append("")
        if not m.improvements:
            lines.append(f"{kind}{m.mover}: stable — no improvement from {e.state}.")
            continue
        n = len(m.improvements)
        free = sum(not x.deterred for x in m.improvements)
        status = "stable" if m.stable else "NOT stable"
        lines.append(f"{kind}{m.mover}: {status} — {n} improvement{'s' if n != 1 else ''}, "
                     f"{free} not deterred.")
        for x in m.improvements:
            lines.extend(_improvement(scenario, m, x))
    for note in e.notes:
        lines.append("")
        lines.append(f"Note: {note}.")
    return "\n".join(lines)
