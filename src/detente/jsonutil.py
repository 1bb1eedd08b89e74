"""JSON for the values results hold (numpy scalars and arrays, fractions)."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import numpy as np


def json_default(obj: Any) -> Any:
    """``default=`` hook for :func:`json.dumps`: numpy values and fractions as plain JSON."""
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Fraction):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def plain(obj: Any) -> Any:
    """``obj`` with every value turned into plain JSON data."""
    return json.loads(json.dumps(obj, default=json_default))
