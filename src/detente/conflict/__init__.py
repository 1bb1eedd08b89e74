"""Graph Model for Conflict Resolution: state spaces, preferences and stability analysis."""

from detente.conflict.engine import ConflictModel, analyse, build_model, structure_key
from detente.conflict.result import StabilityResult
from detente.conflict.stability import CONCEPTS, SANCTIONS
from detente.conflict.statespace import StateSpace, build_state_space

__all__ = [
    "CONCEPTS",
    "SANCTIONS",
    "ConflictModel",
    "StabilityResult",
    "StateSpace",
    "analyse",
    "build_model",
    "build_state_space",
    "structure_key",
]
