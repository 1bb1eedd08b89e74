"""The composed loader and the section mechanism (regression tests of the layering).

The core (:mod:`detente.scenario`) parses only the core format; each model family's section
is parsed by the family's parser registered in :data:`detente.loading.SECTIONS`.
"""

from __future__ import annotations

from typing import Any

import pytest

import detente
from detente import loading
from detente.errors import ScenarioError
from detente.scenario import ErrorContext, Scenario, from_data, variant_of
from detente.scenario.text import parse_text

TEXT = """\
detente: 1
name: tiny
actors:
  - id: A
    options: [{id: x}]
  - id: B
    options: [{id: y}]
preferences:
  A: {statements: [x]}
  B: {statements: [y]}
variants:
  - id: v
    preferences: {A: {statements: [not x]}}
extra:
  level: 3
"""


def _level(data: Any, scenario: Scenario, ctx: ErrorContext) -> int:
    if not isinstance(data, dict) or not isinstance(data.get("level"), int):
        raise ctx.error(("level",), "give an integer level")
    if data["level"] > len(scenario.actors):
        raise ctx.error(("level",), f"level {data['level']} is above the number of actors")
    return int(data["level"])


def test_every_registered_parser_imports() -> None:
    for name, parser in loading.section_parsers().items():
        assert callable(parser.resolve()), name  # type: ignore[attr-defined]


def test_core_keeps_a_registered_section_and_parses_it() -> None:
    data, lines = parse_text(TEXT.replace("level: 3", "level: 2"), "t.yaml")
    s = from_data(data, source="t.yaml", lines=lines, sections={"extra": _level})
    assert s.sections["extra"] == 2
    assert variant_of(s, "v").sections["extra"] == 2  # a variant keeps the base's sections
    assert from_data(data, lines=lines, sections={"extra": _level}, variant="v").sections == \
        s.sections


def test_section_errors_name_file_line_and_field() -> None:
    data, lines = parse_text(TEXT, "t.yaml")
    with pytest.raises(ScenarioError, match=r"^t\.yaml:15: extra\.level: level 3 is above"):
        from_data(data, source="t.yaml", lines=lines, sections={"extra": _level})


def test_core_alone_refuses_an_unregistered_section() -> None:
    data, lines = parse_text(TEXT, "t.yaml")
    with pytest.raises(ScenarioError, match=r"^t\.yaml:14: extra: unknown field 'extra'"):
        from_data(data, source="t.yaml", lines=lines)


def test_composed_loader_parses_the_families_sections() -> None:
    k = detente.load_scenario(detente.scenario_path("korea-2017"))
    assert set(k.sections) == set(loading.SECTIONS) & set(k.raw)
    assert type(k.verification).__name__ == "VerificationSpec"
    assert k.issues and all(type(i).__name__ == "IssueSpec" for i in k.issues)
    assert k.uncertainties == k.raw["uncertainties"]


def test_public_names() -> None:
    assert detente.load_scenario is loading.load_scenario
    assert detente.loads_scenario is loading.loads_scenario
