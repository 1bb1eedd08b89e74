"""Graph Model for Conflict Resolution: state spaces, preferences and stability analysis."""

from detente.conflict.coalitions import CoalitionResult, analyse_coalitions
from detente.conflict.concepts import CONCEPTS, INVERSE_CONCEPTS, SANCTIONS
from detente.conflict.edits import StatementChange, statement_edits
from detente.conflict.engine import ConflictModel, analyse, build_model, structure_key
from detente.conflict.explain import Explanation, explain_state
from detente.conflict.inverse import InverseResult, inverse
from detente.conflict.paths import PathsResult, status_quo_paths
from detente.conflict.result import ConflictResult, StabilityResult
from detente.conflict.statespace import StateSpace, build_state_space

__all__ = [
    "CONCEPTS",
    "INVERSE_CONCEPTS",
    "SANCTIONS",
    "CoalitionResult",
    "ConflictModel",
    "ConflictResult",
    "Explanation",
    "InverseResult",
    "PathsResult",
    "StabilityResult",
    "StateSpace",
    "StatementChange",
    "analyse",
    "analyse_coalitions",
    "build_model",
    "build_state_space",
    "explain_state",
    "inverse",
    "statement_edits",
    "status_quo_paths",
    "structure_key",
]
