"""The core scenario format: source text, line index, core schema, errors and variants.

This package is the bottom layer of detente and imports no model family and no face. It
validates the core of a file (actors, options, infeasibility, preferences, status quo,
coalitions, interests, variants) into a frozen :class:`Scenario`; the model families' own
sections are parsed by their families, composed by :mod:`detente.loading`
(``detente.load_scenario``), which is what to call to load a file.
"""

from detente.scenario.context import ErrorContext, pydantic_error, pydantic_section
from detente.scenario.loader import (
    SectionParser,
    apply_variant_data,
    from_data,
    variant_of,
)
from detente.scenario.model import (
    Actor,
    Condition,
    Interest,
    Option,
    Preference,
    Scenario,
    VariantInfo,
)
from detente.scenario.text import parse_text, read_scenario_text

__all__ = [
    "Actor",
    "Condition",
    "ErrorContext",
    "Interest",
    "Option",
    "Preference",
    "Scenario",
    "SectionParser",
    "VariantInfo",
    "apply_variant_data",
    "from_data",
    "parse_text",
    "pydantic_error",
    "pydantic_section",
    "read_scenario_text",
    "variant_of",
]
