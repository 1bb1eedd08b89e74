"""Helpers shared by the CLI commands (presentation only; no analysis here)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
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
    """Load ``file`` (a path, or the name of a bundled scenario; default korea-2017).

    A scenario whose infeasibility conditions leave no state is refused here (one line on the
    ``infeasible:`` section), so no command silently analyses nothing.
    """
    from detente.conflict.statespace import check_some_feasible

    scenario = _load(file, variant)
    check_some_feasible(scenario)
    return scenario


def scenario_file(file: str | None) -> str:
    """The path ``file`` names: a path, or the name of a bundled scenario (default
    korea-2017). Nothing is read."""
    if file is None:
        return detente.scenario_path()
    if not os.path.exists(file) and "/" not in file and not file.endswith((".yaml", ".yml",
                                                                            ".json", ".gmcr")):
        if file in detente.bundled_scenarios():
            return detente.scenario_path(file)
    return file


def _load(file: str | None, variant: str | None) -> Scenario:
    return load_scenario(scenario_file(file), variant=variant)


def print_json(data: Any) -> None:
    """Print JSON to stdout (nothing else)."""
    sys.stdout.write(json.dumps(data, indent=2, default=json_default) + "\n")


#: Version of the ``--json`` envelope (bumped when its keys change meaning, not for additions).
SCHEMA_VERSION = 1
#: Lists longer than this are written in slices of this length by :func:`stream_json`.
STREAM_CHUNK = 65_536


def envelope(
    command: str,
    result: Any,
    *,
    scenario: Scenario | None = None,
    source: str | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The one ``--json`` envelope every command prints (documented in the README).

    Parameters
    ----------
    command
        The command as typed, without ``detente`` (``"stability"``, ``"verify breakout"``).
    result
        The command's own JSON structure (a dict, or an object with ``to_dict()``).
    scenario
        The loaded scenario, when the command read one: its name and digest go in the
        provenance.
    source
        A data file that is not a scenario (a forecast table): its path and the SHA-256 of its
        bytes go in the provenance instead.
    parameters
        The options that shaped the result. Default: every option and argument the user gave
        the running command (from the click context), except ``--json`` itself; values given
        here are added on top (e.g. the concepts after defaults were resolved).

    Returns
    -------
    dict
        ``{"schema": "detente/<command>/1", <the result's own keys>, "provenance": {...}}``:
        the result's keys stay at the top level (so the keys each command documents are
        where its users look), the result's own ``provenance`` is merged into the
        envelope's. A result that is not a mapping goes under ``"result"``.
    """
    name: str | None = None
    digest: str | None = None
    if scenario is not None:
        name, digest = scenario.name, scenario.digest
    elif source is not None:
        name, digest = source, _file_digest(source)
    if hasattr(result, "to_dict"):
        result = result.to_dict()
    provenance = {
        "detente": detente.__version__,
        "command": f"detente {command}",
        "scenario": name,
        "digest": digest,
        "parameters": {**_cli_parameters(), **dict(parameters or {})},
    }
    schema = f"detente/{command.replace(' ', '/')}/{SCHEMA_VERSION}"
    if not isinstance(result, Mapping):
        return {"schema": schema, "provenance": provenance, "result": result}
    own = result.get("provenance")
    merged = {**own, **provenance} if isinstance(own, Mapping) else provenance
    return {"schema": schema, **{k: v for k, v in result.items() if k != "provenance"},
            "provenance": merged}


def emit_json(
    command: str,
    result: Any,
    *,
    scenario: Scenario | None = None,
    source: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    stream: bool = False,
) -> None:
    """Print ``result`` in the :func:`envelope` on stdout: what every ``--json`` does.

    With ``stream=True`` (large per-state results) the JSON is compact and long lists (and
    numpy arrays) are written slice by slice, so the text is never held whole in memory.
    """
    data = envelope(command, result, scenario=scenario, source=source, parameters=parameters)
    if stream:
        stream_json(data, sys.stdout.write)
        sys.stdout.write("\n")
    else:
        print_json(data)


def stream_json(obj: Any, write: Callable[[str], Any]) -> None:
    """Write ``obj`` as compact JSON through ``write``, long sequences slice by slice.

    A sequence longer than :data:`STREAM_CHUNK` (a list, a tuple, a 1-D numpy array, or any
    object with ``__len__`` and slicing that returns a list or an array) is written
    :data:`STREAM_CHUNK` items at a time with the C JSON encoder; dicts are walked; anything
    else goes to :func:`json.dumps` with :func:`detente.jsonutil.json_default`. An object
    with a ``write_json(write)`` method writes itself (a lazily built column).
    """
    if hasattr(obj, "write_json"):
        obj.write_json(write)
        return
    if isinstance(obj, Mapping):
        write("{")
        for i, (key, value) in enumerate(obj.items()):
            write(("," if i else "") + json.dumps(str(key)) + ":")
            stream_json(value, write)
        write("}")
        return
    if not isinstance(obj, str | bytes | dict) and hasattr(obj, "__getitem__") \
            and hasattr(obj, "__len__") and len(obj) > STREAM_CHUNK:
        write("[")
        for start in range(0, len(obj), STREAM_CHUNK):
            part = obj[start:start + STREAM_CHUNK]
            if hasattr(part, "tolist"):
                part = part.tolist()
            text = json.dumps(list(part), default=json_default, separators=(",", ":"))
            write(("," if start else "") + text[1:-1])
        write("]")
        return
    if hasattr(obj, "tolist"):
        obj = obj.tolist()
    write(json.dumps(obj, default=json_default, separators=(",", ":")))


#: Parameter names that only choose how the result is printed.
_PRINTING = frozenset({"json_out", "as_json", "json"})


def _cli_parameters() -> dict[str, Any]:
    """The running command's parameters (empty outside a command)."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - older typer uses the click package
        from click import get_current_context  # type: ignore[no-redef]
    ctx = get_current_context(silent=True)
    if ctx is None:
        return {}
    out: dict[str, Any] = {}
    for key, value in ctx.params.items():
        if key in _PRINTING:
            continue
        if isinstance(value, tuple):
            value = list(value)
        if not isinstance(value, str | int | float | bool | list | type(None)):
            value = str(value)
        out[key] = value
    return out


def _file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


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
