"""Deterrence in the non-zero-sum inspection game: how many inspections make cheating unattractive.

The inspectee gains D from an undetected violation, loses B when a violation is detected,
and loses F when a false alarm accuses it although it complied; legal behaviour without an
alarm is worth 0. If the verification system misses a violation with probability β and
raises a false alarm on a compliant inspectee with probability A, then

    violate:  β·D − (1 − β)·B          comply:  −A·F

and the violation is **deterred** when violating pays strictly less than complying:

    β < (B − A·F) / (B + D)                                          (1)

With no false alarms (A = 0) this is β < B/(B + D). This is the inspectee's condition in the
non-zero-sum inspection games of Avenhaus & Canty (1996), *Compliance Quantified*, Cambridge
University Press, and Avenhaus, von Stengel & Zamir (2002), "Inspection games", *Handbook of
Game Theory* vol. 3, ch. 51, §3 (their indifference condition β(α) = (b − f·α)/(b + d), with
b = B, d = D, f = F, α = A). F defaults to B, as in Canty's acquisition-path code, where the
inspectee's false-alarm and detection costs are both 1 by default.

With n independent inspections, each detecting an ongoing violation with probability P,
β(n) = (1 − P)^n, and the fewest inspections that deter are the smallest n with
(1 − P)^n < (B − A·F)/(B + D). The inequality is strict: at equality the inspectee is
indifferent and may violate. Comparisons up to 5,000 inspections are exact (decimal inputs
are read as exact fractions), so boundary cases such as P = 1/2, B/(B+D) = 1/4 give n = 3, not 2.

The zero-sum reference is Dresher's game (:mod:`detente.verify.inspection`): there the
inspectee's equilibrium value is positive for every m < n, so some violation always remains
in equilibrium. Explanation in ``docs/discussion/verification.md``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from detente.display import DisplayMixin
from detente.errors import InputError
from detente.verify._checks import check_nonnegative, check_positive, check_real

__all__ = [
    "Deterrence",
    "detection_by_inspections",
    "deterrence",
    "inspections_to_deter",
    "max_nondetection",
]

#: Above this many inspections the exact integer comparison is replaced by logarithms.
_EXACT_LIMIT = 5_000


def _exact(name: str, value: float | int | Fraction) -> Fraction:
    """``value`` as an exact Fraction; floats through their shortest decimal repr."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        check_real(name, value)
        return Fraction(repr(value))
    return Fraction(value)


def _probability(name: str, value: float) -> float:
    out = check_real(name, value)
    if not 0.0 <= out <= 1.0:
        raise InputError(f"{name} must lie in [0, 1]; got {out:g}")
    return out


def max_nondetection(
    gain: float, penalty: float, false_alarm: float = 0.0, false_alarm_cost: float | None = None
) -> Fraction:
    """Largest non-detection probability that still deters, (B − A·F)/(B + D), exactly.

    Inspectee's condition of the non-zero-sum inspection game (Avenhaus & Canty 1996,
    *Compliance Quantified*; Avenhaus, von Stengel & Zamir 2002, ch. 51 §3; eq. (1) of this
    module; ``docs/discussion/verification.md``). Deterrence needs β strictly below it; a
    value <= 0 means no inspection scheme can deter.

    Parameters
    ----------
    gain
        D > 0, the inspectee's gain from an undetected violation.
    penalty
        B >= 0, its loss when a violation is detected.
    false_alarm
        A in [0, 1], probability that a compliant inspectee is falsely accused.
    false_alarm_cost
        F >= 0, its loss from a false alarm; default B.

    Returns
    -------
    Fraction
        (B − A·F)/(B + D).
    """
    d = _exact("gain", check_positive("gain", gain))
    b = _exact("penalty", check_nonnegative("penalty", penalty))
    a = _exact("false_alarm", _probability("false_alarm", false_alarm))
    f = b if false_alarm_cost is None else _exact(
        "false_alarm_cost", check_nonnegative("false_alarm_cost", false_alarm_cost)
    )
    return (b - a * f) / (b + d)


def inspections_to_deter(
    detection_per_inspection: float, threshold: float | Fraction
) -> int | None:
    """Fewest n >= 0 with (1 − P)^n < ``threshold`` (strict), or ``None`` if no n works.

    Independent inspections, each detecting with probability P, leave a violation undetected
    with probability (1 − P)^n (Avenhaus & Canty 1996; ``docs/discussion/verification.md``).
    The comparison is exact for n up to 5,000 (integer arithmetic on the decimal inputs);
    beyond that it uses logarithms, where only contrived inputs could tie.

    Parameters
    ----------
    detection_per_inspection
        P in [0, 1].
    threshold
        The largest non-detection probability that deters (:func:`max_nondetection`).

    Returns
    -------
    int or None
        The smallest such n; ``None`` when the threshold is <= 0 or P = 0 (and threshold <= 1).
    """
    p = _exact("detection_per_inspection", _probability("detection_per_inspection",
                                                          detection_per_inspection))
    t = _exact("threshold", threshold if isinstance(threshold, Fraction)
               else check_real("threshold", threshold))
    if t > 1:
        return 0
    if t <= 0:
        return None
    q = 1 - p
    if q == 0:
        return 1
    if q == 1:
        return None
    # log estimate, then settle the boundary exactly.
    n = max(0, math.floor(math.log(t) / math.log1p(-float(p))))
    if n > _EXACT_LIMIT:
        return n + 1
    while n > 0 and q ** (n - 1) < t:
        n -= 1
    while not q**n < t:
        n += 1
    return n


def detection_by_inspections(inspections: float, detection_per_inspection: float) -> float:
    """Probability that at least one of ``inspections`` independent inspections detects.

    1 − (1 − P)^n (Avenhaus & Canty 1996; ``docs/discussion/verification.md``). ``n`` may be
    fractional: the expected number of inspections during a breakout at a steady rate.

    Parameters
    ----------
    inspections
        n >= 0.
    detection_per_inspection
        P in [0, 1].

    Returns
    -------
    float
        Detection probability.
    """
    n = check_nonnegative("inspections", inspections) if not math.isinf(inspections) else math.inf
    p = _probability("detection_per_inspection", detection_per_inspection)
    if p == 0.0 or n == 0.0:
        return 0.0
    if math.isinf(n) or p == 1.0:
        return 1.0
    return -math.expm1(n * math.log1p(-p))


@dataclass(frozen=True)
class Deterrence(DisplayMixin):
    """The non-zero-sum deterrence condition and the inspections it needs.

    Attributes
    ----------
    gain, penalty, detection_per_inspection, false_alarm, false_alarm_cost
        D, B, P, A, F (see :func:`deterrence`).
    max_nondetection
        (B − A·F)/(B + D), exact.
    inspections_needed
        Fewest independent inspections with (1 − P)^n < max_nondetection; ``None`` if none.
    nondetection_at_needed
        (1 − P)^n at that n; ``None`` if none.
    """

    gain: float
    penalty: float
    detection_per_inspection: float
    false_alarm: float
    false_alarm_cost: float
    max_nondetection: Fraction
    inspections_needed: int | None
    nondetection_at_needed: float | None

    @property
    def deterrable(self) -> bool:
        """Whether some number of inspections deters."""
        return self.inspections_needed is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary; ``max_nondetection`` as a float plus its exact fraction."""
        out = asdict(self)
        out["max_nondetection"] = float(self.max_nondetection)
        out["max_nondetection_exact"] = str(self.max_nondetection)
        out["model"] = "non-zero-sum inspection game (Avenhaus & Canty 1996)"
        return out


def deterrence(
    gain: float,
    penalty: float,
    detection_per_inspection: float,
    false_alarm: float = 0.0,
    false_alarm_cost: float | None = None,
) -> Deterrence:
    """Deterrence condition β < (B − A·F)/(B + D) and the fewest inspections that meet it.

    Source: the inspectee's condition in the non-zero-sum inspection game, Avenhaus & Canty
    (1996), *Compliance Quantified*; Avenhaus, von Stengel & Zamir (2002), *Handbook of Game
    Theory* vol. 3, ch. 51 §3; ``docs/discussion/verification.md``. β(n) = (1 − P)^n for n
    independent inspections.

    Parameters
    ----------
    gain
        D > 0, gain from an undetected violation.
    penalty
        B >= 0, loss when caught.
    detection_per_inspection
        P in [0, 1].
    false_alarm
        A in [0, 1], probability of a false alarm on a compliant inspectee over the period.
    false_alarm_cost
        F >= 0, the inspectee's loss from a false alarm; default B.

    Returns
    -------
    Deterrence
        The threshold, the inspections needed and the non-detection they leave.

    Examples
    --------
    >>> d = deterrence(gain=3, penalty=1, detection_per_inspection=0.5)
    >>> d.max_nondetection, d.inspections_needed   # (1/2)^2 = 1/4 is not < 1/4
    (Fraction(1, 4), 3)
    """
    f_cost = penalty if false_alarm_cost is None else false_alarm_cost
    threshold = max_nondetection(gain, penalty, false_alarm, f_cost)
    n = inspections_to_deter(detection_per_inspection, threshold)
    p = float(detection_per_inspection)
    at_n = None if n is None else (1.0 - p) ** n
    return Deterrence(
        gain=float(gain),
        penalty=float(penalty),
        detection_per_inspection=p,
        false_alarm=float(false_alarm),
        false_alarm_cost=float(f_cost),
        max_nondetection=threshold,
        inspections_needed=n,
        nondetection_at_needed=at_n,
    )
