"""Argument checks shared by the ``detente.verify`` modules.

Every check raises :class:`ValueError` with a message that names the argument, says what
is allowed and shows the value received, so the CLI can print it as one line.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

from detente.errors import InputError


def check_real(name: str, value: object) -> float:
    """Return ``value`` as a finite float or raise ``ValueError`` naming ``name``.

    Parameters
    ----------
    name
        Argument name used in the error message.
    value
        The value to check (``bool`` is rejected).

    Returns
    -------
    float
        The value as a float.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(f"{name} must be a real number; got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise InputError(f"{name} must be finite; got {value!r}")
    return out


def check_fraction_open(name: str, value: object) -> float:
    """Return ``value`` if it lies in the open interval (0, 1), else raise ``ValueError``."""
    out = check_real(name, value)
    if not 0.0 < out < 1.0:
        raise InputError(f"{name} must lie in (0, 1); got {out:g}")
    return out


def check_nonnegative(name: str, value: object) -> float:
    """Return ``value`` if it is a finite number >= 0, else raise ``ValueError``."""
    out = check_real(name, value)
    if out < 0.0:
        raise InputError(f"{name} must be >= 0; got {out:g}")
    return out


def check_positive(name: str, value: object) -> float:
    """Return ``value`` if it is a finite number > 0, else raise ``ValueError``."""
    out = check_real(name, value)
    if out <= 0.0:
        raise InputError(f"{name} must be > 0; got {out:g}")
    return out


def check_int(name: str, value: object, *, minimum: int = 0) -> int:
    """Return ``value`` if it is an integer >= ``minimum``, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise InputError(f"{name} must be an integer; got {value!r}")
    out = int(value)
    if out < minimum:
        raise InputError(f"{name} must be >= {minimum}; got {out}")
    return out
