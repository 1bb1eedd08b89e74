"""``detente import`` and ``detente export``: GMCR+ save files (``.gmcr``) to and from YAML.

``detente import FILE.gmcr -o scenario.yaml`` converts a GMCR+ save file into a detente
scenario; ``detente export FILE.yaml --format gmcr -o out.gmcr`` writes a scenario (a file or a
bundled name) as a GMCR+ save file. Without ``-o`` the result is printed on stdout. Files are
written atomically (a temporary file in the same folder, then renamed), so a failed run never
leaves a half-written file. What GMCR+ or detente cannot represent is reported as ``warning:``
lines on stderr (see :mod:`detente.formats.gmcrplus`). Bad input raises
:class:`~detente.errors.ScenarioError` or ``ValueError``, which :func:`detente.cli.main.main`
prints as one ``error:`` line with exit code 2.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import yaml

from detente.cli._common import resolve_scenario, write_atomic
from detente.errors import InputError, ScenarioError
from detente.formats.gmcrplus import GMCRPlusWarning, data_to_gmcr, gmcr_to_data, is_gmcr_data
from detente.loading import from_data
from detente.scenario.text import parse_text

__all__ = ["export_command", "import_command", "register"]

FORMATS = ("gmcr",)
_T = TypeVar("_T")


def register(app: typer.Typer) -> None:
    """Register ``import`` and ``export`` on ``app``."""
    app.command("import")(import_command)
    app.command("export")(export_command)


def import_command(
    file: Annotated[str, typer.Argument(help="GMCR+ save file (.gmcr, JSON).")],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write the scenario YAML here (default: stdout)."),
    ] = None,
) -> None:
    """Convert a GMCR+ save file into a detente scenario (YAML)."""
    text = _read_text(file)
    data, _ = parse_text(text, file)
    if not is_gmcr_data(data):
        raise ScenarioError(
            "not a GMCR+ save file (no `decisionMakers`); give a .gmcr file", source=file
        )
    scenario_data = _warn_to_stderr(lambda: gmcr_to_data(data, source=file))
    from_data(scenario_data, source=file)  # the result must load: fail here, not later
    header = (
        f"# Imported from the GMCR+ save file {Path(file).name} by `detente import`.\n"
        "# Options are grouped by actor; each option is one bit of a state code, in order.\n"
    )
    body = yaml.safe_dump(scenario_data, sort_keys=False, allow_unicode=True, width=100)
    _emit(header + body, output)


def export_command(
    file: Annotated[str, typer.Argument(help="Scenario file (YAML/JSON/GMCR+) or bundled name.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="Output format: gmcr.")] = "gmcr",
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write the file here (default: stdout)."),
    ] = None,
    variant: Annotated[
        str | None, typer.Option("--variant", "-v", help="Export this variant of the file.")
    ] = None,
) -> None:
    """Write a scenario in another program's format (GMCR+ save file)."""
    if fmt.strip().lower() not in FORMATS:
        raise InputError(f"--format must be one of: {', '.join(FORMATS)}; got {fmt!r}")
    scenario = resolve_scenario(file, variant)
    gmcr = _warn_to_stderr(lambda: data_to_gmcr(scenario))
    _emit(json.dumps(gmcr, indent=1, ensure_ascii=False) + "\n", output)


def _read_text(file: str) -> str:
    path = Path(file)
    if not path.exists():
        raise ScenarioError("no such file; check the path", source=file)
    if path.is_dir():
        raise ScenarioError("is a directory; give a .gmcr file", source=file)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError("is not UTF-8 text; is it a GMCR+ save file?", source=file) from None


def _warn_to_stderr(fn: Callable[[], _T]) -> _T:
    """Run ``fn``; print each :class:`GMCRPlusWarning` it raised as one ``warning:`` line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GMCRPlusWarning)
        result = fn()
    for w in caught:
        if issubclass(w.category, GMCRPlusWarning):
            typer.echo(f"warning: {w.message}", err=True)
        else:  # pragma: no cover - pass other warnings on unchanged
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result


def _emit(text: str, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    write_atomic(output, text)
    typer.echo(f"wrote {output}", err=True)
