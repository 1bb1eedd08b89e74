"""Sampling the uncertainty space: Latin hypercube and plain Monte Carlo, seeded.

Both return points of the unit hypercube ``[0, 1)^d``; each
:class:`~detente.strategy.explore.spec.Parameter` maps its coordinate to a value by inverse
CDF (:meth:`Parameter.value`).

* ``"mc"``: sample ``i`` is drawn from its own generator,
  ``numpy.random.default_rng(SeedSequence(seed, spawn_key=(i,)))``, i.e. the ``i``-th child
  that ``SeedSequence(seed).spawn`` would give. A sample depends only on the seed and its
  index: a run of 1,000 samples is the first 1,000 of a run of 10,000.
* ``"lhs"``: a scrambled Latin hypercube (McKay, Beckman and Conover 1979) from
  :class:`scipy.stats.qmc.LatinHypercube`, seeded with ``SeedSequence(seed)``. Every
  dimension is stratified into ``n`` equal intervals with one point each, so marginal
  distributions (e.g. the shares of a statement's alternatives) are matched far more closely
  than by Monte Carlo at the same ``n``. The design is a property of ``(seed, n)`` as a whole
  and is computed once, by the process that drives the run, never by a worker.
"""

from __future__ import annotations

import hashlib
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.stats import qmc

from detente.errors import InputError

Method = Literal["lhs", "mc"]
METHODS: tuple[str, ...] = ("lhs", "mc")


def sample_seed(seed: int, index: int) -> np.random.SeedSequence:
    """The seed sequence of sample ``index``: the ``index``-th child of ``SeedSequence(seed)``."""
    return np.random.SeedSequence(seed, spawn_key=(index,))


def design(n: int, d: int, seed: int, method: str = "lhs") -> NDArray[np.float64]:
    """``n`` points of ``[0, 1)^d`` (rows are samples).

    Parameters
    ----------
    n
        Number of samples (``>= 1``).
    d
        Number of uncertain parameters (``0`` gives an ``n x 0`` array).
    seed
        Any non-negative integer.
    method
        ``"lhs"`` (Latin hypercube, default) or ``"mc"`` (independent uniform draws).

    Returns
    -------
    numpy.ndarray
        ``float64`` array of shape ``(n, d)``.
    """
    if n < 1:
        raise InputError(f"--samples must be at least 1; got {n}")
    if seed < 0:
        raise InputError(f"--seed must be >= 0; got {seed}")
    if method not in METHODS:
        raise InputError(f"--method must be lhs or mc; got {method!r}")
    if d == 0:
        return np.zeros((n, 0), dtype=np.float64)
    if method == "mc":
        out = np.empty((n, d), dtype=np.float64)
        for i in range(n):
            out[i] = np.random.default_rng(sample_seed(seed, i)).random(d)
        return out
    engine = qmc.LatinHypercube(d, scramble=True,
                                rng=np.random.default_rng(np.random.SeedSequence(seed)))
    return np.asarray(engine.random(n), dtype=np.float64)


def design_digest(points: NDArray[np.float64]) -> str:
    """SHA-256 of a design (a resumed run checks that it samples the same points)."""
    arr = np.ascontiguousarray(points, dtype="<f8")
    return hashlib.sha256(arr.tobytes() + str(arr.shape).encode()).hexdigest()
