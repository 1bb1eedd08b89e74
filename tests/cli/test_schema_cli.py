"""``detente schema``: the published JSON Schema of the scenario file.

Regression and agreement tests: the committed copy in the docs is what the command prints, and
every bundled scenario is valid under it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import detente
from detente.cli.main import main
from detente.cli.schema import schema_text

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "reference" / "scenario.schema.json"


def test_schema_prints_the_published_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["$schema"].endswith("2020-12/schema")
    assert out == PUBLISHED.read_text(encoding="utf-8"), (
        "docs/reference/scenario.schema.json is stale: run `python scripts/gen_docs.py`")


def test_schema_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "scenario.schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == schema_text()


@pytest.mark.parametrize("name", detente.bundled_scenarios())
def test_every_bundled_scenario_is_valid_under_the_schema(name: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = yaml.safe_load(Path(detente.scenario_path(name)).read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))  # as JSON has it: YAML dates are text
    jsonschema.Draft202012Validator(json.loads(schema_text())).validate(data)


def test_the_schema_rejects_an_unknown_section() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(schema_text()))
    bad = {"detente": 1, "name": "x", "actors": [{"id": "A", "options": [{"id": "o"}]}],
           "typo_section": 1}
    assert not validator.is_valid(bad)
