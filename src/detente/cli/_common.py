"""Helpers shared by the CLI commands (presentation only; no analysis here)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console

import detente
from detente.fileio import write_atomic
from detente.jsonutil import json_default
from detente.loading import load_scenario
from detente.scenario import Scenario

__all__ = ["console", "print_json", "resolve_scenario", "write_atomic"]


def console() -> Console:
    """A console on stdout (plain when piped)."""
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)


def resolve_scenario(file: str | None, variant: str | None = None) -> Scenario:
    """Load ``file`` (a path, or the name of a bundled scenario; default korea-2017)."""
    if file is None:
        return load_scenario(detente.scenario_path(), variant=variant)
    if not os.path.exists(file) and "/" not in file and not file.endswith((".yaml", ".yml",
                                                                            ".json", ".gmcr")):
        if file in detente.bundled_scenarios():
            return load_scenario(detente.scenario_path(file), variant=variant)
    return load_scenario(file, variant=variant)


def print_json(data: Any) -> None:
    """Print JSON to stdout (nothing else)."""
    sys.stdout.write(json.dumps(data, indent=2, default=json_default) + "\n")


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[Callable[[float, str], None]]:
    """A rich progress bar on stderr when it is a terminal; silent otherwise (piped, CI).

    Yields a callback ``(fraction done, stage)`` for the analysis functions.
    """
    err = Console(stderr=True)
    if not err.is_terminal:
        yield lambda fraction, stage: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(label), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), TextColumn("{task.fields[stage]}"), console=err,
                  transient=True) as bar:
        task = bar.add_task(label, total=1.0, stage="")

        def update(fraction: float, stage: str) -> None:
            bar.update(task, completed=fraction, stage=stage)

        yield update


def coalition_list(joint: list[str], n_actors: int) -> str:
    """The coalitions that move jointly, in words: listed, or summarised when they are every
    coalition of two or more actors (there are 2^n - n - 1 of them)."""
    if n_actors > 3 and len(joint) == (1 << n_actors) - 1 - n_actors:
        return f"every coalition of two or more of the {n_actors} actors ({len(joint)})"
    return ", ".join(joint)
