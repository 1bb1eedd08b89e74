"""JSON for the values results hold: the one converter every part of detente uses.

numpy scalars and arrays, fractions, read-only mappings (``MappingProxyType``), sets and any
object with a ``to_dict()`` (result objects) become plain JSON data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["json_default", "plain"]


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
    if isinstance(obj, Mapping):
        return {str(k): v for k, v in obj.items()}
    if isinstance(obj, set | frozenset):
        return sorted(obj, key=str)
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _as_text(obj: Any) -> Any:
    try:
        return json_default(obj)
    except TypeError:
        return str(obj)


def plain(obj: Any, *, unknown_as_text: bool = False) -> Any:
    """``obj`` with every value turned into plain JSON data.

    Parameters
    ----------
    obj
        Nested dicts, lists and the values :func:`json_default` knows.
    unknown_as_text
        Write any other object as its ``str()`` (for messages such as validation errors)
        instead of raising ``TypeError``.
    """
    return json.loads(json.dumps(obj, default=_as_text if unknown_as_text else json_default))
