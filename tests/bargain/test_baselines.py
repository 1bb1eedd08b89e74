"""Weighted median and mean against hand computation on every data set."""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargain.baselines import pairwise_margin, weighted_mean, weighted_median

pytestmark = pytest.mark.published

DATA = Path(__file__).parent / "data"

# (file, issue or None, weighted median, weighted mean). Means are exact fractions rounded
# to 12 significant digits; medians are the Condorcet winners among the actor positions.
EXPECTED = [
    ("ec_auto_emissions_bdm1994_scholz2011.csv", None, 7.0, 7.38995568685),
    ("saudi_oil_price_sultan_jmckib.csv", None, 13.9, 13.6199121349),
    ("saudi_oil_price_preana_minimalgeek.csv", None, 13.75, 13.6225663717),
    ("china_leadership_dmasad.csv", None, 20.0, 30.7215399150),
    ("honduras_nicaragua_dmasad.csv", None, 0.5, 0.500850330669),
    ("ww1_bdm_minimalgeek.csv", None, 0.45, 0.681964306820),
    ("ww1_minimalgeek.csv", None, 0.45, 0.660031225605),
    ("iran_election_2013_minimalgeek.csv", None, 5.0, 5.43833734112),
    ("litigation_case_minimalgeek.csv", None, 0.6, 0.601113180686),
    ("decide_sample_data_municipal_toll.csv", "tolheffing-binnenstad", 50.0, 49.3532338308),
    ("decide_sample_data_municipal_toll.csv", "tol-hoogte", 3.0, 2.27099236641),
    ("decide_sample_data_municipal_toll.csv", "wanneer-tol", 75.0, 50.5789473684),
    ("decide_sample_data_municipal_toll.csv", "woonwerkverkeer", 50.0, 52.4855491329),
    ("decide_sample_data_municipal_toll.csv", "extra-investering", 50.0, 49.4883040936),
    ("decide_sample_data_municipal_toll.csv", "kleine-of-grote-ring", 75.0, 56.6008316008),
    ("decide_cop21_paris2015.csv", "differentiation", 40.0, 49.2554043235),
    ("decide_cop21_paris2015.csv", "mrv", 70.0, 57.2112740605),
    ("decide_cop21_paris2015.csv", "legal", 50.0, 57.96875),
    ("decide_cop21_paris2015.csv", "adapt_legal", 70.0, 59.5114503817),
    ("decide_cop21_paris2015.csv", "adapt_inst", 60.0, 59.6403596404),
    ("decide_cop21_paris2015.csv", "finance_vol", 20.0, 47.6440849343),
    ("decide_cop21_paris2015.csv", "finance_who", 60.0, 38.0971258672),
    ("decide_cop21_paris2015.csv", "adapt_finance", 50.0, 55.1217271475),
    ("decide_cop21_paris2015.csv", "ld", 20.0, 40.1058425064),
    ("decide_cop21_paris2015.csv", "progress", 40.0, 45.5961705831),
    ("decide_cop21_paris2015.csv", "amb2050", 65.0, 67.8775167785),
    ("decide_cop21_paris2015.csv", "amb2100", 80.0, 85.7085828343),
    ("decide_cop21_paris2015.csv", "eaa", 90.0, 57.1005154639),
]


def _load(name: str, issue: str | None) -> tuple[list[str], list[str], list[str]]:
    """Return positions, capabilities and saliences as the strings in the file."""
    with (DATA / name).open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    if issue is not None:
        rows = [r for r in rows if r["issue"] == issue]
        cap = "power"
    else:
        cap = "capability"
    return [r["position"] for r in rows], [r[cap] for r in rows], [r["salience"] for r in rows]


def _exact(positions: list[str], caps: list[str], sals: list[str]) -> tuple[
    list[Fraction], Fraction
]:
    """Hand computation in exact arithmetic: all Condorcet winners, and the mean."""
    x = [Fraction(p) for p in positions]
    w = [Fraction(c) * Fraction(s) for c, s in zip(caps, sals, strict=True)]

    def margin(a: Fraction, b: Fraction) -> Fraction:
        return sum((wi for xi, wi in zip(x, w, strict=True) if abs(xi - a) < abs(xi - b)),
                   Fraction(0)) - sum(
            (wi for xi, wi in zip(x, w, strict=True) if abs(xi - b) < abs(xi - a)), Fraction(0)
        )

    candidates = sorted(set(x))
    winners = [a for a in candidates if all(margin(a, b) >= 0 for b in candidates)]
    mean = sum((xi * wi for xi, wi in zip(x, w, strict=True)), Fraction(0)) / sum(w, Fraction(0))
    return winners, mean


@pytest.mark.parametrize(("name", "issue", "median", "mean"), EXPECTED)
def test_baselines_match_hand_computation(
    name: str, issue: str | None, median: float, mean: float
) -> None:
    positions, caps, sals = _load(name, issue)
    x = np.array(positions, dtype=float)
    w = np.array(caps, dtype=float) * np.array(sals, dtype=float)
    winners, exact_mean = _exact(positions, caps, sals)
    assert [float(v) for v in winners] == [median]
    assert weighted_median(x, w) == pytest.approx(median, abs=1e-12)
    assert weighted_mean(x, w) == pytest.approx(float(exact_mean), rel=1e-13)
    assert weighted_mean(x, w) == pytest.approx(mean, rel=1e-10)


def test_every_data_set_is_covered() -> None:
    covered = {name for name, *_ in EXPECTED}
    files = {p.name for p in DATA.glob("*.csv")} - {"ec_auto_emissions_scholz_reference_rounds.csv"}
    assert covered == files


def test_auto_emissions_by_hand() -> None:
    """BDM (1994) auto emissions: weights w = c s are

    NL .064, BE .032, LU .006, DE .128, FR .096, IT .096, UK .144, IE .005, DK .05, GR .056,
    total .677. Sorted by position: at 4 the cumulative weight is .064 + .006 + .128 + .05 =
    .248 < .3385 (half); at 7 it is .248 + .032 + .005 + .056 = .341 >= .3385, so the median
    is 7. The mean is (4 * .248 + 7 * .093 + 10 * .336) / .677 = 5.003 / .677 = 7.38996.
    """
    positions, caps, sals = _load("ec_auto_emissions_bdm1994_scholz2011.csv", None)
    x = np.array(positions, dtype=float)
    w = np.array(caps, dtype=float) * np.array(sals, dtype=float)
    assert w.sum() == pytest.approx(0.677)
    assert weighted_median(x, w) == 7.0
    assert weighted_mean(x, w) == pytest.approx(5.003 / 0.677, rel=1e-12)


def test_reference_rounds_median_and_mean_columns() -> None:
    """The reference file's median (a sequential pairwise scan) and mean, every round."""
    with (DATA / "ec_auto_emissions_bdm1994_scholz2011.csv").open(newline="") as fh:
        actors = list(csv.DictReader(fh))
    w = np.array([float(a["capability"]) * float(a["salience"]) for a in actors])
    with (DATA / "ec_auto_emissions_scholz_reference_rounds.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            x = np.array([float(row[a["actor"]]) for a in actors])
            median = float(row["median_seqpairwise"])
            assert weighted_median(x, w) == pytest.approx(median, abs=1e-12)
            assert weighted_mean(x, w) == pytest.approx(float(row["mean_cs_weighted"]), rel=1e-12)


def test_tie_rules_on_an_exact_half_split() -> None:
    x = [0.0, 10.0]
    w = [1.0, 1.0]
    assert weighted_median(x, w) == 0.0
    assert weighted_median(x, w, tie="lower") == 0.0
    assert weighted_median(x, w, tie="upper") == 10.0
    assert weighted_median(x, w, tie="midpoint") == 5.0
    # Rounding noise (0.1 + 0.2 != 0.3) still counts as an exact half.
    assert weighted_median([1.0, 2.0, 3.0], [0.1, 0.2, 0.3], tie="upper") == 3.0
    # Zero-weight actors do not vote; equal positions pool their weight.
    assert weighted_median([0.0, 5.0, 10.0], [1.0, 0.0, 1.0], tie="upper") == 10.0
    assert weighted_median([1.0, 1.0, 5.0], [1.0, 1.0, 1.5]) == 1.0


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError, match="zero"):
        weighted_median([1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="non-negative"):
        weighted_mean([1.0, 2.0], [1.0, -1.0])
    with pytest.raises(ValueError, match="differ"):
        weighted_mean([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="tie"):
        weighted_median([1.0], [1.0], tie="average")  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=20).map(float),
            st.integers(min_value=0, max_value=9).map(float),
        ),
        min_size=1,
        max_size=12,
    ).filter(lambda rows: sum(w for _, w in rows) > 0)
)
def test_median_is_a_weak_condorcet_winner(rows: list[tuple[float, float]]) -> None:
    x = np.array([r[0] for r in rows])
    w = np.array([r[1] for r in rows])
    for tie in ("lower", "upper", "midpoint"):
        m = weighted_median(x, w, tie=tie)
        for b in set(x.tolist()):
            assert pairwise_margin(m, b, x, w) >= 0
    lo, hi = weighted_median(x, w, tie="lower"), weighted_median(x, w, tie="upper")
    assert lo <= hi
    assert weighted_median(x, w, tie="midpoint") == pytest.approx((lo + hi) / 2)
