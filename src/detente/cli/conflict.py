"""``detente stability``: GMCR stability analysis of a scenario file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import numpy as np
import typer
from numpy.typing import NDArray
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from detente.cli._common import (
    STREAM_CHUNK,
    console,
    emit_json,
    resolve_scenario,
    write_atomic,
)
from detente.conflict import CONCEPTS, analyse
from detente.conflict.concepts import CONCEPT_NAMES, check_sanctions
from detente.conflict.result import StabilityResult
from detente.errors import DetenteError, InputError
from detente.scenario import Scenario

#: Rows printed per table unless --all (the JSON has every state).
MAX_EQUILIBRIA_ROWS = 20
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
        str, typer.Option("--concept", "-c", help="Comma-separated: nash,gmr,smr,seq,sim; "
                          "extensions nash_a ... seq_d (uncertain_preferences); "
                          "rnash,rgmr,rsmr,rseq (attitudes).")
    ] = ",".join(CONCEPTS),
    sanctions: Annotated[
        str,
        typer.Option(
            help="legal: opponents sanction by any legal sequence of moves (the definition); "
            "distinct: each opponent moves at most once (GMCR+)."
        ),
    ] = "legal",
    variant: Annotated[
        str | None, typer.Option("--variant", "-v", help="Apply a variant from the file.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="text, json, or parquet (one row per state; "
                     "needs --output and the 'distributed' extra)."),
    ] = "text",
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write the per-state table here (--format parquet)."),
    ] = None,
    all_states: Annotated[
        bool, typer.Option("--all", help="Show every state, however many.")
    ] = False,
    numbers: Annotated[
        bool, typer.Option("--numbers", help="Also show each state's ordered number, as "
                           "GMCR+ numbers states (1..N in increasing code).")
    ] = False,
    hypergame: Annotated[
        bool, typer.Option("--hypergame", help="Each actor's stability in its own perceived "
                           "game (the file's `perceptions:`): a first-level hypergame.")
    ] = False,
) -> None:
    """Stability of every state for every actor (Nash, GMR, SMR, SEQ, SIM) and the equilibria."""
    check_sanctions(sanctions)
    if fmt not in ("text", "json", "parquet"):
        raise InputError(f"--format must be text, json or parquet; got {fmt!r}")
    if json_out:
        fmt = "json"
    if fmt == "parquet" and not output:
        raise InputError("--format parquet writes a file: give --output FILE.parquet")
    if fmt == "parquet":
        _need_pyarrow()
    scenario = resolve_scenario(file, variant)
    if hypergame:
        from detente.conflict.hypergame import analyse_hypergame

        result = analyse_hypergame(scenario, concept, sanctions)
    else:
        result = analyse(scenario, concept, sanctions)
    params = {"concepts": list(result.concepts)}
    if fmt == "json":
        large = len(result.codes) > STREAM_CHUNK
        emit_json("stability", stability_json(result) if large else result.to_dict(),
                  scenario=scenario, parameters=params, stream=large)
        return
    if fmt == "parquet":
        assert output is not None
        write_parquet(result, output)
        typer.echo(f"wrote {output} ({len(result.codes)} states)")
        return
    render(scenario, result, all_states=all_states, numbers=numbers)


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise DetenteError(
            "--format parquet needs pyarrow: pip install 'detente[distributed]'"
        ) from None


# -- per-state columns, built with numpy (no Python object per state) ---------------------------
def codes_text(codes: NDArray[np.int64], n_options: int) -> NDArray[np.str_]:
    """Y/N texts of state codes (option 1 first) as a numpy string array, vectorised."""
    codes = np.asarray(codes, dtype=np.int64)
    if n_options == 0:
        return np.full(codes.shape, "", dtype="U1")
    bits = (codes[:, None] >> np.arange(n_options, dtype=np.int64)) & 1
    chars = np.where(bits == 1, np.uint8(ord("Y")), np.uint8(ord("N"))).astype(np.uint8)
    return np.ascontiguousarray(chars).view(f"S{n_options}").ravel().astype(f"U{n_options}")


class _CodeColumn:
    """A JSON list of the Y/N texts of ``codes``, written by :func:`stream_json` in slices
    whose text numpy builds byte by byte (no Python object per state)."""

    def __init__(self, codes: NDArray[np.int64], n_options: int) -> None:
        self.codes = codes
        self.n_options = n_options

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def write_json(self, write: Callable[[str], Any]) -> None:
        """Write ``["YN..","NY..",...]`` through ``write``, :data:`STREAM_CHUNK` states at a
        time."""
        k = self.n_options
        write("[")
        for start in range(0, len(self), STREAM_CHUNK):
            part = self.codes[start:start + STREAM_CHUNK]
            rows = np.empty((part.shape[0], k + 3), dtype=np.uint8)
            rows[:, 0] = rows[:, k + 1] = ord('"')
            rows[:, k + 2] = ord(",")
            bits = (part[:, None] >> np.arange(k, dtype=np.int64)) & 1
            rows[:, 1:k + 1] = np.where(bits == 1, ord("Y"), ord("N"))
            text = rows.tobytes().decode("ascii")
            write(("," if start else "") + text[:-1])
        write("]")


def stability_json(result: StabilityResult) -> dict[str, Any]:
    """:meth:`StabilityResult.to_dict`'s structure with lazy per-state columns (for
    :func:`~detente.cli._common.stream_json`): the same JSON, in bounded memory and time."""
    k = len(result.options)
    concepts: dict[str, Any] = {}
    for c in result.stable:
        stable = result.stable[c]
        concepts[c] = {
            "stable": {a: _CodeColumn(result.codes[stable[i]], k)
                       for i, a in enumerate(result.actors)},
            "equilibria": _CodeColumn(result.codes[result.equilibrium_mask(c)], k),
        }
    return {
        "scenario": result.scenario,
        "options": list(result.options),
        "states": _CodeColumn(result.codes, k),
        "status_quo": None if result.status_quo is None else result.code_text(result.status_quo),
        "concepts": concepts,
    }


def write_parquet(result: StabilityResult, path: str) -> None:
    """One row per feasible state: ``state`` (Y/N code), then one boolean column per option,
    per (concept, actor) stability and per concept equilibrium. Written atomically."""
    _need_pyarrow()
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, Any] = {"state": pa.array(codes_text(result.codes, len(result.options)))}
    for k, ref in enumerate(result.options):
        columns[ref] = pa.array(((result.codes >> k) & 1).astype(bool))
    for c in result.stable:
        for j, a in enumerate(result.actors):
            columns[f"{c}:{a}"] = pa.array(np.asarray(result.stable[c][j], dtype=bool))
        columns[f"{c}:equilibrium"] = pa.array(result.equilibrium_mask(c))
    table = pa.table(columns)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    write_atomic(path, sink.getvalue().to_pybytes())


# -- text ---------------------------------------------------------------------------------------
def _taken(scenario: Scenario, code: int) -> str:
    parts = []
    for actor in scenario.actors:
        names = [o.id for o in actor.options if (code >> o.index) & 1]
        parts.append(f"{actor.id}: {', '.join(names) if names else '—'}")
    return "; ".join(parts)


def render(scenario: Scenario, result: StabilityResult, all_states: bool = False,
           numbers: bool = False) -> None:
    """Print the stability analysis as readable tables, capped at :data:`MAX_TABLE_STATES`
    and :data:`MAX_EQUILIBRIA_ROWS` rows (``--all`` lifts the caps; ``--json`` has everything).
    With ``numbers`` each state also shows its ordered number as GMCR+ numbers states: the
    1-based position among the feasible states in increasing code (option ``k`` worth
    ``2**k``, options grouped by actor; docs/discussion/state-codes.md)."""
    out = console()
    n = len(result.codes)
    sq = "none" if result.status_quo is None else result.code_text(result.status_quo)
    out.print(
        f"[bold]{escape(scenario.name)}[/bold] — {n} feasible states, "
        f"{len(scenario.actors)} actors, {scenario.n_options} options; status quo {sq}; "
        f"sanctions: {result.sanctions}"
    )
    concepts = result.concepts
    eq = np.array([result.equilibrium_mask(c) for c in concepts]).reshape(len(concepts), n)
    strength = eq.sum(axis=0)
    idx = np.flatnonzero(strength)
    # strongest first (equilibrium under the most concepts), then binary order
    idx = idx[np.lexsort((result.codes[idx], -strength[idx]))]
    if idx.size == 0:
        out.print("No state is an equilibrium under the concepts analysed.")
    else:
        shown = idx if all_states else idx[:MAX_EQUILIBRIA_ROWS]
        table = Table(title=f"Equilibria ({idx.size}; ★ = equilibrium under the concept)")
        if numbers:
            table.add_column("#", justify="right")
        table.add_column("state", no_wrap=True)
        for c in concepts:
            table.add_column(CONCEPT_NAMES[c], justify="center")
        table.add_column("options taken")
        for j in shown:
            code = int(result.codes[j])
            label = result.code_text(code) + (" (SQ)" if code == result.status_quo else "")
            table.add_row(*([str(j + 1)] if numbers else []), label,
                          *["★" if eq[i, j] else "" for i in range(len(concepts))],
                          escape(_taken(scenario, code)))
        out.print(table)
        _more(out, idx.size - shown.size)
    rows = n if all_states or n <= MAX_TABLE_STATES else MAX_EQUILIBRIA_ROWS
    table = Table(title="Stable for whom, by state")
    if numbers:
        table.add_column("#", justify="right")
    table.add_column("state", no_wrap=True)
    for c in concepts:
        table.add_column(CONCEPT_NAMES[c])
    for j in range(rows):
        code = result.codes[j]
        cells = []
        for c in concepts:
            col = result.stable[c][:, j]
            if col.all():
                cells.append("all ★")
            else:
                cells.append(", ".join(a for a, ok in zip(result.actors, col, strict=True) if ok)
                             or "—")
        label = result.code_text(int(code))
        if int(code) == result.status_quo:
            label += " SQ"
        table.add_row(*([str(j + 1)] if numbers else []), label, *cells)
    out.print(table)
    _more(out, n - rows)


def _more(out: Console, hidden: int) -> None:
    if hidden > 0:
        out.print(f"… and {hidden} more; use --all or --json")
