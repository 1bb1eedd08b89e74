"""The standard normal distribution for the verification models, from :mod:`scipy.special`.

The same operations as :data:`scipy.stats.norm` with ``loc=0, scale=1`` (Φ is Cephes'
``ndtr`` and Φ⁻¹ its ``ndtri``; the survival function is Φ(−x) and the upper quantile
−Φ⁻¹(q)), so results are bit for bit those of ``scipy.stats.norm``, which
``tests/verify/test_normal.py`` checks. Importing :mod:`scipy.stats` costs about 0.4 s, and
every worker process of ``detente explore`` imports the verification models to time a
breakout (issue 15); :mod:`scipy.special` costs a tenth of that. The quantiles U_{1−α} that
the tests use are explained in ``docs/discussion/material-accountancy.md``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

_PDF_C = np.sqrt(2 * np.pi)


def cdf(x: float) -> float:
    """Φ(x)."""
    return float(ndtr(x))


def sf(x: float) -> float:
    """1 − Φ(x), computed as Φ(−x)."""
    return float(ndtr(-x))


def ppf(q: float) -> float:
    """Φ⁻¹(q) (NaN outside [0, 1])."""
    return float(ndtri(q))


def isf(q: float) -> float:
    """The upper quantile U_q = Φ⁻¹(1 − q), computed as −Φ⁻¹(q)."""
    return float(-ndtri(q))


def pdf(x: float) -> float:
    """φ(x) = exp(−x²/2)/√(2π)."""
    return float(np.exp(-np.float64(x) ** 2 / 2.0) / _PDF_C)
