"""``detente schema``: print the JSON Schema of the scenario file format."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from detente.cli._common import write_atomic

#: Where the published copy of the schema lives in the documentation.
SCHEMA_ID = "scenario.schema.json"


def register(app: typer.Typer) -> None:
    """Register ``schema`` on ``app``."""
    app.command("schema")(schema)


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a version-1 scenario file.

    Built from the pydantic models of :mod:`detente.scenario.schema`, with the sections that
    a model family validates filled in from that family's public models: ``verification:``
    (:class:`detente.verify.VerificationSpec`) and ``issues:``
    (:class:`detente.bargain.IssueSpec`), ``history:``
    (:class:`detente.conflict.history.HistoryEntrySpec`), ``outcomes:`` and ``questions:``
    (:mod:`detente.strategy.spec`), ``misperceptions:`` (actor id -> condition texts,
    :mod:`detente.conflict.misperception`), ``uncertain_preferences:`` (actor id -> pairs of
    condition texts, :mod:`detente.conflict.uncertainty`), ``attitudes:`` (actor -> actor ->
    ``+``/``0``/``-``, :mod:`detente.conflict.attitudes`), ``perceptions:`` (actor -> actor ->
    preferences, :mod:`detente.conflict.hypergame`). ``uncertainties:`` is checked by
    :mod:`detente.strategy.explore` when the file is loaded and appears here as an open object.
    Values the loader converts before validating (``reversible: true|false``) are allowed too.

    Returns
    -------
    dict
        The schema, with ``$schema``, ``$id`` and ``title`` set.
    """
    from pydantic import create_model

    from detente.bargain import IssueSpec
    from detente.conflict.history import HistoryEntrySpec
    from detente.scenario.schema import ScenarioSpec
    from detente.strategy.spec import OutcomeSpec, QuestionSpec
    from detente.verify import VerificationSpec

    composed = create_model(
        "ScenarioSpec",
        __base__=ScenarioSpec,
        __doc__=ScenarioSpec.__doc__,
        verification=(VerificationSpec | None, None),
        issues=(list[IssueSpec] | None, None),
        history=(list[HistoryEntrySpec] | None, None),
        outcomes=(list[OutcomeSpec] | None, None),
        questions=(list[QuestionSpec] | None, None),
        uncertainties=(dict[str, Any] | None, None),
        misperceptions=(dict[str, list[str]] | None, None),
        uncertain_preferences=(dict[str, list[list[str]]] | None, None),
        attitudes=(dict[str, dict[str, str | int]] | None, None),
        perceptions=(dict[str, dict[str, dict[str, Any]]] | None, None),
    )
    body = composed.model_json_schema()
    option = body.get("$defs", {}).get("OptionSpec", {}).get("properties", {})
    if "reversible" in option:  # the loader also reads true (both) and false (forward)
        reversible = option["reversible"]
        default = reversible.pop("default", None)
        option["reversible"] = {"anyOf": [reversible, {"type": "boolean"}], "default": default}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "detente scenario file (format version 1)",
        **{k: v for k, v in body.items() if k != "title"},
    }


def schema_text() -> str:
    """The schema as the text ``detente schema`` prints (sorted keys, two-space indent)."""
    return json.dumps(scenario_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema(
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write the schema here (default: stdout)."),
    ] = None,
) -> None:
    """Print the JSON Schema of the scenario file format (for editors and validators)."""
    text = schema_text()
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text)
