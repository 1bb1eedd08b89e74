"""detente: analysis of multi-party strategic diplomacy.

Model families: :mod:`detente.conflict` (Graph Model for Conflict Resolution),
:mod:`detente.bargain` (bargaining forecasts), :mod:`detente.verify` (verification
arithmetic), :mod:`detente.strategy` (variants, interests, exploration).
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING

from detente.errors import DetenteError, ScenarioError, StateSpaceTooLarge

if TYPE_CHECKING:  # typed for users of ``mypy --strict``; imported lazily at run time
    from detente.loading import load_scenario as load_scenario
    from detente.loading import loads_scenario as loads_scenario

__all__ = [
    "DetenteError",
    "ScenarioError",
    "StateSpaceTooLarge",
    "__version__",
    "bundled_scenarios",
    "load_scenario",
    "loads_scenario",
    "scenario_path",
]

DEFAULT_SCENARIO = "korea-2017"


def bundled_scenarios() -> list[str]:
    """Names of the scenarios shipped with detente (``scenario_path(name)`` locates one)."""
    from importlib.resources import files

    folder = files("detente") / "scenarios"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def scenario_path(name: str = DEFAULT_SCENARIO) -> str:
    """Path of a bundled scenario, e.g. ``scenario_path("cuban-missile-crisis")``."""
    from importlib.resources import files

    path = files("detente") / "scenarios" / f"{name}.yaml"
    if not path.is_file():
        raise DetenteError(
            f"no bundled scenario {name!r}; choose one of: {', '.join(bundled_scenarios())}"
        )
    return str(path)


def __getattr__(name: str) -> object:
    if name in {"load_scenario", "loads_scenario"}:
        from detente import loading

        return getattr(loading, name)
    raise AttributeError(f"module 'detente' has no attribute {name!r}")
