"""Load a scenario file: the core format and every model family's section, composed.

The scenario package (:mod:`detente.scenario`) reads the core of a file and knows no model
family; each family owns the schema of its own top-level section. This module, above the
families, is the one place that puts them together: :func:`load_scenario`,
:func:`loads_scenario` and :func:`from_data` call the core loader with :data:`SECTIONS`, so
a family's section is validated at load time and a mistake in it is reported like any other,
as one ``file:line: field: message`` line.

Adding a section
----------------
A family that owns a new top-level section adds **one line** to :data:`SECTIONS`::

    "history": "detente.conflict.history:history_section",

The key is the section's top-level name; the value names, as ``"module:attribute"``, either a
parser ``parse(data, scenario, ctx) -> value`` (a
:data:`~detente.scenario.loader.SectionParser`: raise ``ctx.error(path, message)`` on bad
input) or a pydantic model (validated as is). The value is stored in
``scenario.sections[key]``. Parsers run in the order of :data:`SECTIONS`, each seeing the
scenario with the sections before it already parsed (``uncertainties`` vary the ``issues``
and ``verification`` sections, so they come last). A family's module is imported only when a
file has its section, so loading a plain conflict stays light.

GMCR+ save files are recognised by their structure and converted by
:mod:`detente.formats.gmcrplus` first.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import Any

from detente.scenario.context import ErrorContext, pydantic_section
from detente.scenario.loader import SectionParser
from detente.scenario.loader import from_data as core_from_data
from detente.scenario.model import Scenario
from detente.scenario.text import Path_, parse_text, read_scenario_text

__all__ = ["SECTIONS", "from_data", "load_scenario", "loads_scenario", "section_parsers"]

#: The model families' sections: top-level key -> ``"module:attribute"`` of its parser (or
#: pydantic model), in the order they are parsed. One line per section.
SECTIONS: dict[str, str] = {
    "verification": "detente.verify.spec:VerificationSpec",
    "issues": "detente.bargain.spec:issues_section",
    "uncertainties": "detente.strategy.explore.spec:uncertainties_section",
    "history": "detente.conflict.history:history_section",
    "misperceptions": "detente.conflict.misperception:misperceptions_section",
    "uncertain_preferences": "detente.conflict.uncertainty:uncertain_preferences_section",
    "attitudes": "detente.conflict.attitudes:attitudes_section",
    "perceptions": "detente.conflict.hypergame:perceptions_section",
    "outcomes": "detente.strategy.spec:outcomes_section",
    "questions": "detente.strategy.spec:questions_section",
}


class _Lazy:
    """A section parser named by ``"module:attribute"``, imported on its first call."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._parse: SectionParser | None = None

    def resolve(self) -> SectionParser:
        """The parser itself (a pydantic model is wrapped by ``pydantic_section``)."""
        if self._parse is None:
            module, _, attr = self.target.partition(":")
            obj = getattr(importlib.import_module(module), attr)
            if isinstance(obj, type):
                obj = pydantic_section(obj)
            self._parse = obj
        return self._parse

    def __call__(self, data: Any, scenario: Scenario, ctx: ErrorContext) -> Any:
        return self.resolve()(data, scenario, ctx)


_PARSERS = {name: _Lazy(target) for name, target in SECTIONS.items()}


def section_parsers() -> dict[str, SectionParser]:
    """Every family's section parser by top-level key, in parsing order."""
    return dict(_PARSERS)


def from_data(
    data: Any,
    source: str = "<data>",
    variant: str | None = None,
    lines: Mapping[Path_, int] | None = None,
) -> Scenario:
    """Validate already-parsed scenario data, every family's section included.

    See :func:`detente.scenario.loader.from_data` (the core, called with
    :func:`section_parsers`).
    """
    return core_from_data(data, source=source, variant=variant, lines=lines,
                          sections=_PARSERS)


def loads_scenario(text: str, source: str = "<string>", variant: str | None = None) -> Scenario:
    """Parse scenario text (YAML, JSON or a GMCR+ save file) and validate it.

    Raises
    ------
    ScenarioError
        One line naming the file, line, field and the fix.
    """
    data, lines = parse_text(text, source)
    from detente.formats.gmcrplus import gmcr_to_data, is_gmcr_data

    if is_gmcr_data(data):
        data, lines = gmcr_to_data(data, source=source), {}
    return from_data(data, source=source, variant=variant, lines=lines)


def load_scenario(path: str | os.PathLike[str], variant: str | None = None) -> Scenario:
    """Load and validate a scenario file.

    Parameters
    ----------
    path
        A ``.yaml``/``.yml`` or ``.json`` detente scenario, or a GMCR+ save file
        (``.gmcr``/``.json`` with GMCR+'s structure).
    variant
        Apply this named variant overlay from the file's ``variants:`` section.

    Returns
    -------
    Scenario
        The frozen, validated scenario, its families' sections in ``sections``.

    Raises
    ------
    ScenarioError
        One line naming the file, line, field and the fix.
    """
    return loads_scenario(read_scenario_text(path), source=str(path), variant=variant)
