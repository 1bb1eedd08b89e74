"""Nuclear material accountancy: MUF, its uncertainty, and tests for diversion.

Sources (docs/discussion/verification.md unless stated)
------------------------------------
* MUF = (PB + X − Y) − PE and σ_MUF by error propagation: NSSPI "Material unaccounted for";
  US NRC Regulatory Guide 5.33. Check value: MUFCalc's Qt test,
  σ = √(10² + 5² + 3² + 12²) = 16.673.
* One balance period, Neyman–Pearson test: alarm if MUF > σ·U_{1−α}; detection probability
  PD = Φ(M/σ − U_{1−α}) (Avenhaus & Canty, *Compliance Quantified*, CUP 1996, ch. 3;
  checks α = 0.05, M/σ = 1, 2 → 0.2595, 0.6388).
* Sequences: MUF_i = I_{i−1} + D_i − I_i, so neighbouring MUFs have covariance −σ_I²;
  CUMUF = e′·MUF and the diverter's worst pattern M* ∝ Σe (Avenhaus, von Stengel & Zamir
  2002, *Handbook of Game Theory* vol. 3, ch. 51 §3; algebra checked in
  docs/discussion/verification.md).
* SITMUF = L⁻¹·MUF with Σ = LL′ (sandialabs/MAPIT ``StatsTests.py``, as described in
  docs/discussion/verification.md).
* Significant quantities: IAEA Safeguards Glossary (2001) Table II via NSSPI; goals 90 %/20 %
  detection (NSSPI), 5 % false alarms per year (MAPIT exercise 4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.linalg import solve_triangular

from detente.display import DisplayMixin
from detente.errors import InputError
from detente.verify import _normal as norm
from detente.verify._checks import (
    check_fraction_open,
    check_int,
    check_nonnegative,
    check_positive,
)

__all__ = [
    "DETECTION_GOAL_HIGH",
    "DETECTION_GOAL_LOW",
    "FALSE_ALARM_GOAL",
    "SIGNIFICANT_QUANTITIES",
    "TIMELINESS_MONTHS",
    "MaterialBalance",
    "SignificantQuantity",
    "best_test_detection_probability",
    "cumuf_detection_probability",
    "cumuf_sigma",
    "detection_probability",
    "largest_sigma_muf",
    "linear_test_detection_probability",
    "loss_for_detection",
    "material_balance",
    "muf_covariance",
    "sigma_muf",
    "sitmuf",
    "worst_case_loss_pattern",
]

#: "High" detection goal, 1 − β = 90 % (NSSPI "Detection probability";
#: docs/discussion/verification.md).
DETECTION_GOAL_HIGH: float = 0.9
#: "Low" detection goal, 1 − β = 20 % (NSSPI "Detection probability";
#: docs/discussion/verification.md).
DETECTION_GOAL_LOW: float = 0.2
#: Common false-alarm rate per year, 5 % (MAPIT exercise 4; docs/discussion/verification.md).
FALSE_ALARM_GOAL: float = 0.05


@dataclass(frozen=True)
class SignificantQuantity:
    """One row of the IAEA table of significant quantities.

    Attributes
    ----------
    material
        Material category.
    kg
        The significant quantity in kg.
    basis
        What the kg count (e.g. "total element", "U-235 contained").
    """

    material: str
    kg: float
    basis: str


#: IAEA significant quantities (IAEA Safeguards Glossary 2001, Table II; NSSPI "Significant
#: quantity"; docs/discussion/verification.md). LEU: 75 kg U-235, or 10 t natural U, or 20 t
#: depleted U.
SIGNIFICANT_QUANTITIES: dict[str, SignificantQuantity] = {
    "Pu": SignificantQuantity("Pu (< 80 % Pu-238)", 8.0, "total element"),
    "U-233": SignificantQuantity("U-233", 8.0, "total isotope"),
    "HEU": SignificantQuantity("HEU (>= 20 % U-235)", 25.0, "U-235 contained"),
    "LEU": SignificantQuantity("LEU (< 20 % U-235)", 75.0, "U-235 contained"),
    "natural U": SignificantQuantity("natural uranium", 10_000.0, "total element"),
    "depleted U": SignificantQuantity("depleted uranium", 20_000.0, "total element"),
    "Th": SignificantQuantity("thorium", 20_000.0, "total element"),
}

#: IAEA timeliness goals in months [docs/discussion/verification.md, from memory, unverified]:
#: unirradiated
#: direct-use 1, irradiated direct-use 3, indirect-use 12. MUFCalc's ``Constants.h`` uses 30
#: and 90 days instead, which conflicts for indirect-use material.
TIMELINESS_MONTHS: dict[str, float] = {
    "unirradiated direct-use": 1.0,
    "irradiated direct-use": 3.0,
    "indirect-use": 12.0,
}


@dataclass(frozen=True)
class MaterialBalance(DisplayMixin):
    """A closed material balance: book and physical quantities and their uncertainties.

    Attributes
    ----------
    beginning, receipts, shipments, ending
        PB, X, Y, PE in kg.
    sigmas
        Standard deviations of (PB, X, Y, PE) in kg, assumed independent.
    muf
        MUF = (PB + X − Y) − PE, kg.
    sigma_muf
        σ_MUF = √(σ_PB² + σ_X² + σ_Y² + σ_PE²), kg.
    """

    beginning: float
    receipts: float
    shipments: float
    ending: float
    sigmas: tuple[float, float, float, float]
    muf: float
    sigma_muf: float

    @property
    def muf_over_sigma(self) -> float:
        """MUF in units of σ_MUF (NaN if σ_MUF = 0)."""
        return self.muf / self.sigma_muf if self.sigma_muf > 0 else math.nan


def sigma_muf(component_sigmas: Sequence[float]) -> float:
    """σ_MUF by error propagation for independent components: √(Σ σ_j²).

    Source: NRC Regulatory Guide 5.33; NSSPI "MUF"; MUFCalc's Qt test
    √(10² + 5² + 3² + 12²) = 16.673 (docs/discussion/verification.md).

    Parameters
    ----------
    component_sigmas
        Standard deviations (kg, >= 0) of the independent terms of the balance.

    Returns
    -------
    float
        σ_MUF in kg.
    """
    vals = [check_nonnegative(f"component_sigmas[{i}]", s) for i, s in enumerate(component_sigmas)]
    return math.sqrt(math.fsum(s * s for s in vals))


def material_balance(
    beginning: float,
    receipts: float,
    shipments: float,
    ending: float,
    *,
    sigma_beginning: float = 0.0,
    sigma_receipts: float = 0.0,
    sigma_shipments: float = 0.0,
    sigma_ending: float = 0.0,
) -> MaterialBalance:
    """Close a material balance: MUF = (PB + X − Y) − PE and σ_MUF.

    Source: NSSPI "MUF" page and NRC Regulatory Guide 5.33 (docs/discussion/verification.md); the
    four terms are
    assumed independent so σ_MUF follows :func:`sigma_muf`.

    Parameters
    ----------
    beginning, receipts, shipments, ending
        Physical inventory at the start (PB), receipts (X), shipments (Y), physical
        inventory at the end (PE), kg (each >= 0).
    sigma_beginning, sigma_receipts, sigma_shipments, sigma_ending
        Their standard deviations, kg (>= 0).

    Returns
    -------
    MaterialBalance
        Inputs, MUF and σ_MUF.
    """
    pb = check_nonnegative("beginning", beginning)
    x = check_nonnegative("receipts", receipts)
    y = check_nonnegative("shipments", shipments)
    pe = check_nonnegative("ending", ending)
    sig = (
        check_nonnegative("sigma_beginning", sigma_beginning),
        check_nonnegative("sigma_receipts", sigma_receipts),
        check_nonnegative("sigma_shipments", sigma_shipments),
        check_nonnegative("sigma_ending", sigma_ending),
    )
    return MaterialBalance(
        beginning=pb,
        receipts=x,
        shipments=y,
        ending=pe,
        sigmas=sig,
        muf=(pb + x - y) - pe,
        sigma_muf=sigma_muf(sig),
    )


def detection_probability(loss_over_sigma: float, false_alarm: float) -> float:
    """Detection probability of the one-period Neyman–Pearson MUF test.

    PD = Φ(M/σ − U_{1−α}), where the test alarms when MUF > σ·U_{1−α} and a loss M shifts the
    MUF's mean (Avenhaus & Canty 1996, ch. 3; docs/discussion/verification.md). Checks: α = 0.05 and
    M/σ = 1, 2 give 0.2595, 0.6388.

    Parameters
    ----------
    loss_over_sigma
        M/σ_MUF (>= 0).
    false_alarm
        α in (0, 1).

    Returns
    -------
    float
        PD = 1 − β.
    """
    ms = check_nonnegative("loss_over_sigma", loss_over_sigma)
    alpha = check_fraction_open("false_alarm", false_alarm)
    return float(norm.cdf(ms - norm.isf(alpha)))


def loss_for_detection(detection: float, false_alarm: float) -> float:
    """Loss, in units of σ_MUF, that the one-period test detects with probability ``detection``.

    Inverts :func:`detection_probability`: M/σ = U_{1−α} + Φ⁻¹(PD) (Avenhaus & Canty 1996,
    ch. 3; docs/discussion/verification.md). For PD = 0.9, α = 0.05: 1.6449 + 1.2816 = 2.9264.

    Parameters
    ----------
    detection
        Required detection probability PD in (0, 1).
    false_alarm
        α in (0, 1).

    Returns
    -------
    float
        M/σ (can be negative when PD < α, meaning any loss is detected that often).
    """
    pd = check_fraction_open("detection", detection)
    alpha = check_fraction_open("false_alarm", false_alarm)
    return float(norm.isf(alpha) + norm.ppf(pd))


def largest_sigma_muf(
    loss_kg: float,
    detection: float = DETECTION_GOAL_HIGH,
    false_alarm: float = FALSE_ALARM_GOAL,
    periods: int = 1,
) -> float:
    """Largest σ_MUF per balance period that still detects ``loss_kg`` at the given goals.

    σ_max = M / [(U_{1−α} + Φ⁻¹(PD))·√n]: the CUMUF over n independent periods with equal
    σ_MUF has standard deviation σ√n (docs/discussion/verification.md; Avenhaus & Canty 1996, ch.
    3). With
    n = 1 this is the single-period test. Example: one SQ of Pu (8 kg), PD = 0.9, α = 0.05
    gives 8 / 2.9264 = 2.734 kg.

    Parameters
    ----------
    loss_kg
        Amount to detect, kg (> 0), e.g. one significant quantity.
    detection
        Detection goal in (0, 1); default 0.9.
    false_alarm
        False-alarm probability in (0, 1); default 0.05.
    periods
        Number of independent balance periods whose CUMUF is tested (integer >= 1).

    Returns
    -------
    float
        σ_MUF per period, kg; ``inf`` if the goals need no power (PD <= α).

    Examples
    --------
    One significant quantity of plutonium (8 kg), detected with probability 0.9 at a 5 %
    false-alarm rate, needs σ_MUF ≤ 2.734 kg:

    >>> round(largest_sigma_muf(8.0), 3)
    2.734
    """
    m = check_positive("loss_kg", loss_kg)
    n = check_int("periods", periods, minimum=1)
    k = loss_for_detection(detection, false_alarm)
    if k <= 0.0:
        return math.inf
    return m / (k * math.sqrt(n))


def _as_vector(name: str, value: float | Sequence[float], size: int) -> npt.NDArray[np.float64]:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(size, float(arr))
    if arr.shape != (size,):
        raise InputError(f"{name} must be a number or a list of {size} numbers; got {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise InputError(f"{name} must be finite and >= 0; got {arr.tolist()}")
    return arr


def muf_covariance(
    periods: int,
    sigma_inventory: float | Sequence[float],
    sigma_throughput: float | Sequence[float],
) -> npt.NDArray[np.float64]:
    """Covariance matrix of consecutive MUFs with independent inventory and flow errors.

    MUF_i = I_{i−1} + D_i − I_i (i = 1..n) with independent errors on the inventories
    I_0..I_n (σ_I) and on the net flows D_i (σ_D), so
    Σ_ii = σ_{I,i−1}² + σ_{I,i}² + σ_{D,i}² and Σ_{i,i+1} = −σ_{I,i}²; all else 0
    (Avenhaus, von Stengel & Zamir 2002, ch. 51 §3; docs/discussion/verification.md). Then
    e′Σe = σ_{I,0}² + σ_{I,n}² + Σ σ_{D,i}² (= 2σ_I² + nσ_D² for constant σ).

    Parameters
    ----------
    periods
        Number of balance periods n (integer >= 1).
    sigma_inventory
        σ of the inventories I_0..I_n, kg: one number or a list of n + 1.
    sigma_throughput
        σ of the net flows D_1..D_n, kg: one number or a list of n.

    Returns
    -------
    numpy.ndarray
        n × n covariance matrix, kg².
    """
    n = check_int("periods", periods, minimum=1)
    si = _as_vector("sigma_inventory", sigma_inventory, n + 1)
    sd = _as_vector("sigma_throughput", sigma_throughput, n)
    vi = si**2
    cov = np.diag(vi[:-1] + vi[1:] + sd**2)
    if n > 1:
        off = -vi[1:-1]
        cov += np.diag(off, 1) + np.diag(off, -1)
    return cov


def _check_cov(covariance: npt.ArrayLike) -> npt.NDArray[np.float64]:
    cov = np.asarray(covariance, dtype=float)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1] or cov.shape[0] == 0:
        raise InputError(f"covariance must be a square n x n matrix; got shape {cov.shape}")
    if not np.all(np.isfinite(cov)) or not np.allclose(cov, cov.T):
        raise InputError("covariance must be finite and symmetric")
    return cov


def cumuf_sigma(covariance: npt.ArrayLike) -> float:
    """Standard deviation of CUMUF = e′·MUF: √(e′Σe) (docs/discussion/verification.md).

    Parameters
    ----------
    covariance
        n × n covariance of the MUFs (kg²).

    Returns
    -------
    float
        σ_CUMUF in kg.
    """
    cov = _check_cov(covariance)
    var = float(cov.sum())
    if var <= 0:
        raise InputError(f"covariance must give a positive CUMUF variance e'Σe; got {var:g}")
    return math.sqrt(var)


def cumuf_detection_probability(
    total_loss: float, covariance: npt.ArrayLike, false_alarm: float
) -> float:
    """Detection probability of the CUMUF test: Φ(M/√(e′Σe) − U_{1−α}).

    The test alarms when Σ MUF_i > √(e′Σe)·U_{1−α}; its power depends only on the total loss
    M, not on how it is spread over the periods. It is the optimal test against the
    diverter's worst pattern (:func:`worst_case_loss_pattern`). Source: Avenhaus, von Stengel
    & Zamir (2002) ch. 51 §3; docs/discussion/verification.md.

    Parameters
    ----------
    total_loss
        Total diversion M over the periods, kg (>= 0).
    covariance
        n × n covariance of the MUFs (kg²), e.g. from :func:`muf_covariance`.
    false_alarm
        α for the whole sequence, in (0, 1).

    Returns
    -------
    float
        PD.
    """
    m = check_nonnegative("total_loss", total_loss)
    return detection_probability(m / cumuf_sigma(covariance), false_alarm)


def worst_case_loss_pattern(
    total_loss: float, covariance: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Diverter's best way to spread a total loss M over the periods: M* = M·Σe / (e′Σe).

    Against a known pattern μ the best (Neyman–Pearson) test has PD = Φ(√(μ′Σ⁻¹μ) − U_{1−α});
    minimising μ′Σ⁻¹μ subject to e′μ = M gives μ ∝ Σe with minimum M²/(e′Σe), and the best
    test against that μ is CUMUF. Source: Avenhaus, von Stengel & Zamir (2002) ch. 51 §3
    (docs/discussion/verification.md [M], algebra checked).

    Parameters
    ----------
    total_loss
        Total diversion M, kg (>= 0).
    covariance
        n × n covariance of the MUFs (kg²).

    Returns
    -------
    numpy.ndarray
        Loss per period, kg, summing to M.
    """
    m = check_nonnegative("total_loss", total_loss)
    cov = _check_cov(covariance)
    s = cov.sum(axis=1)
    total = float(s.sum())
    if total <= 0:
        raise InputError(f"covariance must give a positive CUMUF variance e'Σe; got {total:g}")
    return np.asarray(m * s / total, dtype=float)


def linear_test_detection_probability(
    weights: npt.ArrayLike,
    loss_pattern: npt.ArrayLike,
    covariance: npt.ArrayLike,
    false_alarm: float,
) -> float:
    """PD of the test "alarm if w′·MUF > √(w′Σw)·U_{1−α}" against a loss pattern μ.

    PD = Φ(w′μ/√(w′Σw) − U_{1−α}) (normal MUFs; Avenhaus & Canty 1996, ch. 3). CUMUF is
    w = e.

    Parameters
    ----------
    weights
        Test weights w (length n, not all zero).
    loss_pattern
        Loss per period μ, kg (length n).
    covariance
        n × n covariance of the MUFs (kg²).
    false_alarm
        α in (0, 1).

    Returns
    -------
    float
        PD.
    """
    cov = _check_cov(covariance)
    w = np.asarray(weights, dtype=float)
    mu = np.asarray(loss_pattern, dtype=float)
    n = cov.shape[0]
    if w.shape != (n,) or mu.shape != (n,):
        raise InputError(f"weights and loss_pattern must have length {n}")
    alpha = check_fraction_open("false_alarm", false_alarm)
    var = float(w @ cov @ w)
    if var <= 0:
        raise InputError("weights must give the test statistic a positive variance")
    return float(norm.cdf(float(w @ mu) / math.sqrt(var) - norm.isf(alpha)))


def best_test_detection_probability(
    loss_pattern: npt.ArrayLike, covariance: npt.ArrayLike, false_alarm: float
) -> float:
    """PD of the Neyman–Pearson test against a known loss pattern: Φ(√(μ′Σ⁻¹μ) − U_{1−α}).

    Source: Neyman–Pearson lemma for normal MUFs (Avenhaus & Canty 1996, ch. 3; Avenhaus,
    von Stengel & Zamir 2002, ch. 51 §3; docs/discussion/verification.md).

    Parameters
    ----------
    loss_pattern
        Loss per period μ, kg (length n).
    covariance
        n × n positive-definite covariance of the MUFs (kg²).
    false_alarm
        α in (0, 1).

    Returns
    -------
    float
        PD (an upper bound for any test against this μ).
    """
    cov = _check_cov(covariance)
    mu = np.asarray(loss_pattern, dtype=float)
    if mu.shape != (cov.shape[0],):
        raise InputError(f"loss_pattern must have length {cov.shape[0]}")
    alpha = check_fraction_open("false_alarm", false_alarm)
    try:
        chol = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise InputError("covariance must be positive definite") from None
    z = solve_triangular(chol, mu, lower=True)
    return float(norm.cdf(math.sqrt(float(z @ z)) - norm.isf(alpha)))


def sitmuf(muf: npt.ArrayLike, covariance: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Standardised, independently transformed MUF: L⁻¹·MUF with Σ = LL′ (Cholesky).

    Under no loss the SITMUF values are independent N(0, 1), so Page's test
    (:mod:`detente.verify.cusum`) can be applied to them. Source: sandialabs/MAPIT
    ``MAPIT/core/StatsTests.py`` as described in docs/discussion/verification.md.

    Parameters
    ----------
    muf
        MUF sequence, kg (length n).
    covariance
        n × n positive-definite covariance (kg²).

    Returns
    -------
    numpy.ndarray
        The n standardised values.
    """
    cov = _check_cov(covariance)
    x = np.asarray(muf, dtype=float)
    if x.shape != (cov.shape[0],):
        raise InputError(f"muf must have length {cov.shape[0]}")
    try:
        chol = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise InputError("covariance must be positive definite") from None
    return np.asarray(solve_triangular(chol, x, lower=True), dtype=float)
