"""Scenario files: load, validate and resolve variants into a frozen :class:`Scenario`."""

from detente.scenario.loader import (
    apply_variant_data,
    from_data,
    load_scenario,
    loads_scenario,
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

__all__ = [
    "Actor",
    "Condition",
    "Interest",
    "Option",
    "Preference",
    "Scenario",
    "VariantInfo",
    "apply_variant_data",
    "from_data",
    "load_scenario",
    "loads_scenario",
    "variant_of",
]
