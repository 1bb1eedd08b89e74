"""PRIM scenario discovery: boxes in the space of assumptions where a plan fails.

The Patient Rule Induction Method (Friedman and Fisher 1999, *Bump hunting in
high-dimensional data*, Statistics and Computing 9: 123-143), as used for scenario discovery
by Bryant and Lempert (2010, *Thinking inside the box*, Technological Forecasting and Social
Change 77: 34-49):

1. **Peeling.** Start from the box holding every sample. Repeatedly remove a small slice — the
   ``alpha`` share of the box's samples at the low or the high end of one numeric input, or
   every sample with one value of a categorical input — choosing the slice whose removal
   leaves the highest *density* (share of cases of interest in the box); ties keep the larger
   box. Stop when the box would hold less than ``min_mass`` of all samples. The boxes passed
   through form the *peeling trajectory*.
2. **Selection.** From the trajectory take the box with the largest density x coverage
   among those that cover at least ``min_coverage`` of the cases not yet explained (a fixed
   point on Bryant and Lempert's trade-off between *coverage* and *density*, so the result
   is reproducible without an analyst picking by eye).
3. **Pasting.** Enlarge the box again, an ``alpha`` slice (or one category) at a time,
   while that raises its density (Friedman and Fisher, section 5).
4. **Simplification.** Drop each restriction whose removal does not lower the density, so
   the box names only the assumptions that matter.
5. **Statistics.** Each box (and each box of the trajectory) carries its coverage, density and
   mass, and a *quasi-p value* per restricted input: the one-sided binomial probability of
   finding at least the box's cases among its samples if the cases occurred at the density of
   the box with that one restriction removed (Bryant and Lempert 2010, section 3.3; computed as
   in the EMA Workbench, Kwakkel and Jaxa-Rozen 2016, *Improving scenario discovery for handling
   heterogeneous uncertainties and multinomial classified outcomes*, Environmental Modelling &
   Software 79: 311-321). A large value says the restriction adds little: the cases are about
   as dense without it. See ``docs/discussion/scenario-discovery.md``.
6. **Covering.** Remove the samples in the box and look for the next box among the rest,
   while the new box is denser than both the rest and the whole sample (at most
   ``max_boxes``). Later boxes are read "outside the earlier boxes".

Why our own ~250 lines rather than a library: the EMA Workbench (Kwakkel 2017) implements
PRIM well but brings pandas, seaborn, altair, ipyparallel and more into a package whose core
is NumPy; the stand-alone ``prim`` package (Project Platypus) is small but unmaintained since
2024 and needs pandas. The method is short, and writing it keeps categorical inputs (a
statement's alternatives, a swap) first-class and the output deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.display import DisplayMixin
from detente.errors import InputError


@dataclass(frozen=True)
class Restriction:
    """One side of a box: a numeric input within ``[low, high]``, or a categorical input
    taking one of ``values``."""

    name: str
    categorical: bool
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] = ()

    def describe(self, labels: Sequence[str] | None = None) -> str:
        """Readable form, e.g. ``B-terms in {drop}`` or ``weight:peace in [0.15, 0.21]``."""
        if self.categorical:
            def label(v: Any) -> str:
                if labels is not None and isinstance(v, int | np.integer) and \
                        0 <= int(v) < len(labels):
                    return labels[int(v)]
                return str(v)
            return f"{self.name} in {{{', '.join(label(v) for v in self.values)}}}"
        return f"{self.name} in [{self.low:.4g}, {self.high:.4g}]"


@dataclass(frozen=True)
class PrimBox:
    """A box found by PRIM.

    Attributes
    ----------
    restrictions
        Only the inputs the box restricts.
    coverage
        Share of all cases of interest that fall in the box.
    density
        Share of the samples in the box that are cases of interest.
    mass
        Share of all samples in the box.
    n, n_cases
        Samples, and cases of interest, in the box.
    quasi_p
        Restricted input -> quasi-p value (module docstring, step 5).
    trajectory
        Every box of the peeling trajectory, from the whole sample (step 0) to the last peel;
        an analyst may pick one of them instead of the selected box.
    selected
        The trajectory step the box was selected at (before pasting and simplification).
    """

    restrictions: tuple[Restriction, ...]
    coverage: float
    density: float
    mass: float
    n: int
    n_cases: int
    trajectory: tuple[TrajectoryStep, ...] = ()
    quasi_p: Mapping[str, float] = field(default_factory=dict)
    selected: int = 0

    def to_dict(self, labels: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
        """JSON form: statistics, restrictions (readable), quasi-p values and trajectory."""
        return {"coverage": self.coverage, "density": self.density, "mass": self.mass,
                "samples": self.n, "cases": self.n_cases,
                "restrictions": _restrictions_dict(self.restrictions, self.quasi_p, labels),
                "selected_step": self.selected,
                "trajectory": [t.to_dict(labels) for t in self.trajectory]}


@dataclass(frozen=True)
class TrajectoryStep:
    """One box of a peeling trajectory: its statistics, restrictions and quasi-p values."""

    step: int
    coverage: float
    density: float
    mass: float
    n: int
    n_cases: int
    restrictions: tuple[Restriction, ...]
    quasi_p: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self, labels: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
        """JSON form."""
        return {"step": self.step, "coverage": self.coverage, "density": self.density,
                "mass": self.mass, "samples": self.n, "cases": self.n_cases,
                "restrictions": _restrictions_dict(self.restrictions, self.quasi_p, labels)}


def _restrictions_dict(restrictions: Sequence[Restriction], qp: Mapping[str, float],
                       labels: Mapping[str, Sequence[str]] | None) -> list[dict[str, Any]]:
    return [{"input": r.name, "text": r.describe((labels or {}).get(r.name)),
             "quasi_p": qp.get(r.name)} for r in restrictions]


@dataclass(frozen=True)
class PrimResult(DisplayMixin):
    """Boxes in the order found, with the base rate (share of cases among all samples)."""

    boxes: tuple[PrimBox, ...]
    base_rate: float
    n: int
    n_cases: int


# A box during the search: name -> (lo, hi) for numbers, frozenset of values for categories.
_Box = dict[str, Any]


def _mask(X: Mapping[str, NDArray[Any]], box: _Box, base: NDArray[np.bool_],
          skip: str | None = None) -> NDArray[np.bool_]:
    m = base.copy()
    for name, lim in box.items():
        if name == skip:
            continue
        x = X[name]
        if isinstance(lim, frozenset):
            m &= np.isin(x, list(lim))
        else:
            m &= (x >= lim[0]) & (x <= lim[1])
    return m


def _full_box(X: Mapping[str, NDArray[Any]], categorical: set[str],
              active: NDArray[np.bool_]) -> _Box:
    box: _Box = {}
    for name, x in X.items():
        xa = x[active]
        if name in categorical:
            box[name] = frozenset(np.unique(xa).tolist())
        else:
            box[name] = (float(xa.min()), float(xa.max()))
    return box


def _peel_candidates(X: Mapping[str, NDArray[Any]], categorical: set[str], box: _Box,
                     inbox: NDArray[np.bool_], alpha: float) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name, x in X.items():
        xi = x[inbox]
        if name in categorical:
            vals = sorted(box[name])
            if len(vals) > 1:
                out += [(name, frozenset(v for v in vals if v != drop)) for drop in vals]
            continue
        mn, mx = float(xi.min()), float(xi.max())
        if mn == mx:
            continue
        lo_q = float(np.quantile(xi, alpha, method="lower"))
        hi_q = float(np.quantile(xi, 1 - alpha, method="higher"))
        new_lo = lo_q if lo_q > mn else float(xi[xi > mn].min())
        new_hi = hi_q if hi_q < mx else float(xi[xi < mx].max())
        out.append((name, (new_lo, box[name][1])))
        out.append((name, (box[name][0], new_hi)))
    return out


def _stats(y: NDArray[np.bool_], m: NDArray[np.bool_], total_cases: int,
           total: int) -> tuple[float, float, float]:
    n = int(m.sum())
    cases = int(y[m].sum())
    return (cases / total_cases if total_cases else 0.0, cases / n if n else 0.0,
            n / total if total else 0.0)


def _find_box(X: Mapping[str, NDArray[Any]], y: NDArray[np.bool_], categorical: set[str],
              active: NDArray[np.bool_], alpha: float, min_count: int, min_coverage: float,
              total_cases: int, total: int
              ) -> tuple[_Box, NDArray[np.bool_], list[tuple[_Box, NDArray[np.bool_]]], int]:
    box = _full_box(X, categorical, active)
    inbox = active.copy()
    local_cases = int(y[active].sum())
    traj: list[tuple[_Box, NDArray[np.bool_]]] = [(dict(box), inbox)]
    while True:
        best: tuple[float, int, int] | None = None
        best_box: tuple[_Box, NDArray[np.bool_]] | None = None
        n_in = int(inbox.sum())
        for k, (name, lim) in enumerate(_peel_candidates(X, categorical, box, inbox, alpha)):
            trial = dict(box)
            trial[name] = lim
            x = X[name]
            if isinstance(lim, frozenset):
                m = inbox & np.isin(x, list(lim))
            else:
                m = inbox & (x >= lim[0]) & (x <= lim[1])
            nm = int(m.sum())
            if nm < min_count or nm == n_in:
                continue
            key = (float(y[m].mean()), nm, -k)
            if best is None or key > best:
                best, best_box = key, (trial, m)
        if best_box is None:
            break
        box, inbox = best_box
        traj.append((dict(box), inbox))
    # selection: the best density x coverage among boxes covering at least min_coverage of
    # the cases still unexplained
    chosen = 0
    chosen_key = (-1.0, -1)
    for k, (_, m) in enumerate(traj):
        cases = int(y[m].sum())
        if local_cases and cases / local_cases + 1e-12 >= min_coverage:
            sel = (float(y[m].mean()) * cases, int(m.sum()))
            if sel > chosen_key:
                chosen, chosen_key = k, sel
    box, inbox = dict(traj[chosen][0]), traj[chosen][1]
    box, inbox = _paste(X, y, categorical, box, inbox, active, alpha)
    box, inbox = _simplify(X, y, categorical, box, inbox, active)
    return box, inbox, traj, chosen


def _paste(X: Mapping[str, NDArray[Any]], y: NDArray[np.bool_], categorical: set[str],
           box: _Box, inbox: NDArray[np.bool_], active: NDArray[np.bool_],
           alpha: float) -> tuple[_Box, NDArray[np.bool_]]:
    while True:
        density = float(y[inbox].mean()) if inbox.any() else 0.0
        n_add = max(1, math.ceil(alpha * int(inbox.sum())))
        best: tuple[float, int] | None = None
        best_box: tuple[_Box, NDArray[np.bool_]] | None = None
        for name, lim in box.items():
            others = _mask(X, box, active, skip=name)
            x = X[name]
            trials: list[Any] = []
            if isinstance(lim, frozenset):
                missing = sorted(set(np.unique(x[others]).tolist()) - set(lim))
                trials = [frozenset(lim | {v}) for v in missing]
            else:
                below = np.sort(x[others & (x < lim[0])])[::-1]
                above = np.sort(x[others & (x > lim[1])])
                if below.size:
                    trials.append((float(below[min(n_add, below.size) - 1]), lim[1]))
                if above.size:
                    trials.append((lim[0], float(above[min(n_add, above.size) - 1])))
            for t in trials:
                if isinstance(t, frozenset):
                    m = others & np.isin(x, list(t))
                else:
                    m = others & (x >= t[0]) & (x <= t[1])
                d = float(y[m].mean()) if m.any() else 0.0
                key = (d, int(m.sum()))
                if d > density + 1e-12 and (best is None or key > best):
                    trial = dict(box)
                    trial[name] = t
                    best, best_box = key, (trial, m)
        if best_box is None:
            return box, inbox
        box, inbox = best_box


def _simplify(X: Mapping[str, NDArray[Any]], y: NDArray[np.bool_], categorical: set[str],
              box: _Box, inbox: NDArray[np.bool_], active: NDArray[np.bool_]
              ) -> tuple[_Box, NDArray[np.bool_]]:
    full = _full_box(X, categorical, active)
    changed = True
    while changed:
        changed = False
        density = float(y[inbox].mean()) if inbox.any() else 0.0
        for name in list(box):
            if box[name] == full[name]:
                continue
            trial = dict(box)
            trial[name] = full[name]
            m = _mask(X, trial, active)
            if float(y[m].mean()) >= density - 1e-12:
                box, inbox, changed = trial, m, True
                break
    return box, inbox


def _restrictions(box: _Box, full: _Box) -> tuple[Restriction, ...]:
    return tuple(
        Restriction(name, True, values=tuple(sorted(lim))) if isinstance(lim, frozenset)
        else Restriction(name, False, low=lim[0], high=lim[1])
        for name, lim in box.items() if lim != full[name]
    )


def binomial_upper_tail(k: int, n: int, p: float) -> float:
    """``P(X >= k)`` for ``X ~ Binomial(n, p)`` (the one-sided binomial test's p value)."""
    from scipy.stats import binom

    if k <= 0:
        return 1.0
    return float(binom.sf(k - 1, n, p))


def _quasi_p(X: Mapping[str, NDArray[Any]], y: NDArray[np.bool_], box: _Box,
             inbox: NDArray[np.bool_], full: _Box, active: NDArray[np.bool_]
             ) -> dict[str, float]:
    """Quasi-p value of each restricted input of ``box`` (module docstring, step 5): the
    chance of at least the box's cases among its samples at the density of the box without
    that restriction (among the ``active`` samples)."""
    n, cases = int(inbox.sum()), int(y[inbox].sum())
    out: dict[str, float] = {}
    for name, lim in box.items():
        if lim == full[name]:
            continue
        wider = dict(box)
        wider[name] = full[name]
        m = _mask(X, wider, active)
        out[name] = binomial_upper_tail(cases, n, float(y[m].mean()) if m.any() else 0.0)
    return out


def prim(
    X: Mapping[str, NDArray[Any]],
    y: NDArray[np.bool_],
    categorical: Sequence[str] = (),
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    min_coverage: float = 0.2,
    max_boxes: int = 3,
) -> PrimResult:
    """Find boxes of inputs ``X`` in which the cases ``y`` are concentrated.

    Parameters
    ----------
    X
        Input name -> values (one per sample; numbers, integers or booleans).
    y
        ``True`` for a case of interest (e.g. the plan fails).
    categorical
        Inputs treated as categories (peeled one value at a time).
    alpha
        Share of the box's samples removed by one peel (Friedman and Fisher suggest
        0.05-0.1).
    min_mass
        Smallest share of all samples a box may hold.
    min_coverage
        Selection: the box on the trajectory with the largest density x coverage among
        those covering at least this share of the cases not explained by earlier boxes.
    max_boxes
        Boxes at most (covering).

    Returns
    -------
    PrimResult
        The boxes (only their restricted inputs), with coverage, density and mass.
    """
    if not 0 < alpha < 0.5:
        raise InputError(f"alpha must be in (0, 0.5); got {alpha}")
    y = np.asarray(y, dtype=bool)
    total = int(y.shape[0])
    total_cases = int(y.sum())
    Xn = {k: np.asarray(v) for k, v in X.items()}
    Xn = {k: (v.astype(np.int64) if v.dtype == bool else v) for k, v in Xn.items()}
    cat = set(categorical)
    boxes: list[PrimBox] = []
    active = np.ones(total, dtype=bool)
    min_count = max(1, math.ceil(min_mass * total))
    while total and len(boxes) < max_boxes and Xn:
        remaining_cases = int(y[active].sum())
        if remaining_cases == 0 or int(active.sum()) < min_count:
            break
        base_rate = remaining_cases / int(active.sum())
        box, inbox, traj, chosen = _find_box(Xn, y, cat, active, alpha, min_count,
                                             min_coverage, total_cases, total)
        cov, dens, mass = _stats(y, inbox, total_cases, total)
        full = _full_box(Xn, cat, active)
        restr = _restrictions(box, full)
        if not restr or dens <= max(base_rate, total_cases / total) + 1e-12:
            break
        steps = tuple(
            TrajectoryStep(k, *_stats(y, m, total_cases, total), int(m.sum()), int(y[m].sum()),
                           _restrictions(b, full), _quasi_p(Xn, y, b, m, full, active))
            for k, (b, m) in enumerate(traj))
        boxes.append(PrimBox(restr, cov, dens, mass, int(inbox.sum()), int(y[inbox].sum()),
                             steps, _quasi_p(Xn, y, box, inbox, full, active), chosen))
        active = active & ~inbox
    return PrimResult(tuple(boxes), total_cases / total if total else 0.0, total, total_cases)
