"""detente: analysis of multi-party strategic diplomacy.

Model families: :mod:`detente.conflict` (Graph Model for Conflict Resolution),
:mod:`detente.bargain` (bargaining forecasts), :mod:`detente.verify` (verification
arithmetic), :mod:`detente.strategy` (variants, interests, exploration).
"""

from __future__ import annotations

__version__ = "0.1.0"

from detente.errors import DetenteError, ScenarioError, StateSpaceTooLarge

__all__ = ["DetenteError", "ScenarioError", "StateSpaceTooLarge", "__version__", "load_scenario"]


def __getattr__(name: str) -> object:
    if name == "load_scenario":
        from detente.scenario import load_scenario

        return load_scenario
    raise AttributeError(f"module 'detente' has no attribute {name!r}")
