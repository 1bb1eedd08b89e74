"""``detente explore``: sweep a scenario's variants over its uncertainties, and summarise.

``detente explore [FILE] --samples N ...`` runs a sweep (the same as ``detente explore run``);
``detente explore summary results.parquet [--plot DIR]`` prints the robustness table and the
PRIM boxes. A first argument that is not a sub-command name is taken as the scenario file.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from detente.errors import InputError


class _ExploreGroup(TyperGroup):
    """``explore FILE ...`` means ``explore run FILE ...``; ``explore summary ...`` is the
    summary."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


explore_app = typer.Typer(
    cls=_ExploreGroup,
    name="explore",
    help="Explore the variants of a scenario over its uncertainties (run, summary).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def register(app: typer.Typer) -> None:
    """Register ``explore`` (with ``run`` and ``summary``) on ``app``."""
    app.add_typer(explore_app, name="explore")


@explore_app.command("run")
def run(
    file: Annotated[str | None, typer.Argument(help="Scenario file; default: korea-2017.")] = None,
    samples: Annotated[int, typer.Option("--samples", "-n", help="Number of samples.")] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the sampling.")] = 0,
    method: Annotated[str, typer.Option(help="Sampling: lhs (Latin hypercube) or mc.")] = "lhs",
    variant: Annotated[
        list[str] | None, typer.Option("--variant", "-v", help="Variant(s); default: all.")
    ] = None,
    concept: Annotated[
        str, typer.Option("--concept", "-c", help="Concept: nash, gmr, smr, seq.")
    ] = "seq",
    out: Annotated[str, typer.Option("--out", "-o", help="Results (.parquet or .csv).")
                   ] = "results.parquet",
    resume: Annotated[bool, typer.Option("--resume", help="Complete an interrupted run.")
                      ] = False,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://HOST:8786.")
    ] = None,
    cluster: Annotated[
        str | None, typer.Option(help="Start a local Dask cluster: local:N workers.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Local pool size (default: CPUs; 1: in-process).")
    ] = None,
    unilateral: Annotated[
        bool, typer.Option("--unilateral", help="Ignore the variants' coalition moves.")
    ] = False,
    chunk_size: Annotated[
        int | None, typer.Option("--chunk-size", help="Samples per task.")
    ] = None,
    cache: Annotated[
        bool, typer.Option(help="Memoise engine results per preference profile.")
    ] = True,
) -> None:
    """Run a sweep: one row per (sample, variant) in a Parquet (or CSV) file."""
    from detente.cli._common import scenario_file
    from detente.strategy.explore import explore

    if samples < 1:
        raise InputError("--samples N is required (N >= 1)")
    try:
        # the path, not the loaded scenario: explore starts its workers, then loads it
        report = explore(
            scenario_file(file), out, samples, seed=seed, method=method, variants=variant,
            concept=concept, coalitions=not unilateral, workers=workers,
            scheduler=scheduler, cluster=cluster, resume=resume, chunk_size=chunk_size,
            cache=cache,
        )
    except KeyboardInterrupt:
        typer.echo(f"Interrupted: finished chunks are kept in {out}.parts; run the same "
                   "command with --resume to complete it.", err=True)
        raise typer.Exit(130) from None
    if report.engine == "none":
        typer.echo(f"{report.out} is already complete ({report.rows} rows).")
        return
    reused = f", {report.chunks_reused} chunk(s) reused" if report.chunks_reused else ""
    typer.echo(f"Wrote {report.rows} rows ({report.samples} samples x "
               f"{len(report.variants)} variants) to {report.out} in {report.seconds:.1f} s "
               f"({report.engine}, {report.workers} worker(s){reused}).")


@explore_app.command("summary")
def summary(
    results: Annotated[str, typer.Argument(help="Results file from `detente explore`.")],
    plot: Annotated[str | None, typer.Option("--plot", help="Write PNG plots here.")] = None,
    rank_by: Annotated[
        str, typer.Option("--rank-by", help="regret, max-regret, expected or worst.")
    ] = "regret",
    plan: Annotated[
        str | None, typer.Option(help="Variant whose failures PRIM explains.")
    ] = None,
    failure: Annotated[
        str, typer.Option(help="auto (= regret), regret, no-equilibrium or missed:<outcome id> "
                                "(a tracked outcome of the scenario is not reachable).")
    ] = "auto",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    prim_box: Annotated[
        int, typer.Option("--prim-box", help="PRIM box whose trajectory --prim-step inspects "
                          "(1-based).")
    ] = 1,
    prim_step: Annotated[
        int | None, typer.Option("--prim-step", help="Show this step of the box's peeling "
                                 "trajectory (0: the whole sample) instead of the selected "
                                 "box: its coverage, density, mass, restrictions and quasi-p "
                                 "values.")
    ] = None,
) -> None:
    """Print the robustness table and the PRIM boxes; optionally draw plots."""
    from detente.cli._common import console, emit_json
    from detente.strategy.explore import plot_summary, render_step, render_summary, summarize

    s = summarize(results, rank_by=rank_by, plan=plan, failure=failure)
    if prim_step is not None:
        step = s.trajectory_step(prim_box, prim_step)
        if json_out:
            import json

            typer.echo(json.dumps(step.to_dict(s.labels), indent=1, default=str))
        else:
            render_step(s, step, prim_box, console())
        return
    if json_out:
        emit_json("explore summary", s, source=results)
    else:
        render_summary(s, console())
    if plot:
        files = plot_summary(s, plot)
        if not json_out:
            typer.echo("Plots: " + ", ".join(str(f) for f in files))
