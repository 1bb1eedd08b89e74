"""Expected-utility model: Scholz reproduction, variants, numerics."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargain.data import read_one_issue_csv
from detente.bargain.eu import (
    VARIANTS,
    EUOptions,
    challenge_eu,
    choose_offers,
    risk_exponents,
    run_eu,
    support_matrix,
    variant_options,
    win_probabilities,
)

pytestmark = [pytest.mark.published, pytest.mark.regression]

DATA = Path(__file__).parent / "data"
AUTO = DATA / "ec_auto_emissions_bdm1994_scholz2011.csv"
REFERENCE = DATA / "ec_auto_emissions_scholz_reference_rounds.csv"


def _auto(variant: str = "scholz", rounds: int = 10, **changes: object):  # type: ignore[no-untyped-def]
    table = read_one_issue_csv(AUTO)
    return run_eu(
        table.actors, table.capability, table.salience, table.position,
        variant=variant, rounds=rounds,
        options=variant_options(variant, **changes) if changes else None,
    )


def _reference_rows() -> list[dict[str, str]]:
    with REFERENCE.open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("method", ["direct", "sorted"])
def test_scholz_reproduces_reference_rounds(method: str) -> None:
    """All ten rounds, every actor, the median and the mean, to 1e-9."""
    result = _auto(method=method)
    rows = _reference_rows()
    assert len(result.rounds) == len(rows) == 11
    for record, row in zip(result.rounds, rows, strict=True):
        assert record.round == int(row["round"])
        expected = np.array([float(row[a]) for a in result.actors])
        np.testing.assert_allclose(record.positions, expected, rtol=0, atol=1e-9)
        assert record.median == pytest.approx(float(row["median_seqpairwise"]), abs=1e-9)
        assert record.mean == pytest.approx(float(row["mean_cs_weighted"]), abs=1e-9)
    assert result.stop_reason == "rounds"


def test_scholz_round_one_offers_match_example_log() -> None:
    """Round 1 of dmasad's Example.log: who moved, to whom, and both expected utilities."""
    moves = {m.actor: m for m in _auto(rounds=1).rounds[1].moves}
    assert set(moves) == {"Belgium", "Luxembourg", "Ireland"}
    be, lu, ie = moves["Belgium"], moves["Luxembourg"], moves["Ireland"]
    assert (be.kind, be.proposer) == ("compromise", "France")
    assert be.eu_own == pytest.approx(-0.11483050347300794, abs=1e-12)
    assert be.eu_other == pytest.approx(0.2432965945234421, abs=1e-12)
    assert be.new == pytest.approx(8.415932315426764, abs=1e-12)
    assert (lu.kind, lu.proposer) == ("confrontation", "Belgium")  # first of three at 7
    assert lu.eu_own == pytest.approx(0.24550922248250817, abs=1e-12)
    assert lu.eu_other == pytest.approx(0.542246100211495, abs=1e-12)
    assert (ie.kind, ie.proposer, ie.new) == ("confrontation", "Luxembourg", 4.0)
    assert ie.eu_own == pytest.approx(0.5382377664333493, abs=1e-12)
    assert ie.eu_other == pytest.approx(0.6824778252511178, abs=1e-12)


def test_scholz_quirk_round_four_belgium_compromises_down() -> None:
    """The compromise key favours low positions: Belgium goes to 4.8 with the Netherlands."""
    moves = {m.actor: m for m in _auto(rounds=4).rounds[4].moves}
    assert moves["Belgium"].proposer == "Netherlands"
    assert moves["Belgium"].new == pytest.approx(4.800881140632622, abs=1e-12)


def test_capitulation_fires_only_when_enabled() -> None:
    """Three actors at 0, 10 and 5: the one at 10 sees E_ij < 0 < E_ji < |E_ij| against 5.

    Scholz's code tests ``E_ji < |E_ji|`` (never true), so it never capitulates.
    """
    assert all(m.kind != "capitulation" for r in _auto(rounds=10).rounds for m in r.moves)
    x = np.array([0.0, 10.0, 5.0])
    s = np.array([0.7, 0.9, 0.7])
    c = np.array([0.6, 0.8, 0.7])
    textbook = variant_options("textbook")
    r, _ = risk_exponents(x, s, c * s, 10.0, textbook)
    on = choose_offers(x, s, c * s, r, 10.0, textbook)
    assert on.kind[1] == 2 and on.proposer[1] == 2
    assert on.eu_own[1] == pytest.approx(-0.10589772, abs=1e-8)
    assert on.eu_other[1] == pytest.approx(0.05043993, abs=1e-8)
    assert 0 < on.eu_other[1] < abs(on.eu_own[1])
    assert on.new_positions[1] == 5.0
    off = choose_offers(x, s, c * s, r, 10.0, variant_options("textbook", capitulation=False))
    assert off.kind[1] == -1 and off.new_positions[1] == 10.0


def test_textbook_differs_and_is_documented() -> None:
    textbook = _auto("textbook")
    scholz = _auto("scholz")
    assert textbook.variant == "textbook"
    assert not np.allclose(textbook.rounds[-1].positions, scholz.rounds[-1].positions)
    assert textbook.parameters["probability"] == "pairwise"
    assert scholz.parameters["probability"] == "global"
    assert scholz.parameters["range_mode"] == "initial"
    assert textbook.parameters["range_mode"] == "current"
    assert set(VARIANTS) == {"scholz", "textbook"}


def test_global_and_pairwise_probabilities() -> None:
    x = np.array([0.0, 0.5, 1.0])
    w = np.array([1.0, 2.0, 3.0])
    r = np.ones(3)
    pair = win_probabilities(x, w, r, 1.0, rule="pairwise")
    glob = win_probabilities(x, w, r, 1.0, rule="global")
    # Pairwise probabilities of a contest sum to one; global ones are small.
    assert pair[0, 2] + pair[2, 0] == pytest.approx(1.0)
    assert pair[0, 2] == pytest.approx(1.0 / (1.0 + 3.0))  # voter 0 for 0, voter 2 for 2
    assert glob.max() < 0.5
    assert np.all(np.diag(pair) == 0) and np.all(np.diag(glob) == 0)


def test_equal_dangers_give_risk_neutral_actors() -> None:
    """Two identical actors: max danger == min danger, which would divide 0 by 0."""
    x = np.array([0.0, 1.0])
    s = np.array([0.5, 0.5])
    w = np.array([1.0, 1.0])
    for variant in VARIANTS:
        r, danger = risk_exponents(x, s, w, 1.0, variant_options(variant))
        assert danger[0] == pytest.approx(danger[1])
        np.testing.assert_array_equal(r, [1.0, 1.0])
    result = run_eu(["a", "b"], [1, 1], [0.5, 0.5], [0.0, 1.0], variant="scholz", rounds=3)
    assert all(np.all(np.isfinite(rec.positions)) for rec in result.rounds)


def test_all_positions_equal_is_stable() -> None:
    for variant in VARIANTS:
        result = run_eu(["a", "b", "c"], [1, 2, 3], [0.5, 0.5, 1], [4.0, 4.0, 4.0],
                        variant=variant, rounds=3)
        for rec in result.rounds:
            np.testing.assert_array_equal(rec.positions, [4.0, 4.0, 4.0])
            assert rec.moves == ()
    assert run_eu(["a", "b"], [1, 1], [1, 1], [2.0, 2.0], rounds=5).stop_reason == "settled"


def test_settle_rule_and_round_limit() -> None:
    result = _auto("textbook", rounds=500)
    assert result.stop_reason == "settled"
    last, before = result.rounds[-1].positions, result.rounds[-2].positions
    assert np.max(np.abs(last - before)) <= 1e-6 * 6.0  # R0 = 10 - 4
    assert np.max(np.abs(result.rounds[-2].positions - result.rounds[-3].positions)) > 6e-6
    assert len(_auto("textbook", rounds=3).rounds) == 4
    assert len(_auto("scholz", rounds=0).rounds) == 1


def test_deterministic() -> None:
    a = _auto("textbook").to_dict()
    b = _auto("textbook").to_dict()
    assert a == b


def test_small_chunks_give_the_same_result() -> None:
    a = _auto("scholz", method="direct", chunk_bytes=1)
    b = _auto("scholz", method="direct")
    for ra, rb in zip(a.rounds, b.rounds, strict=True):
        np.testing.assert_allclose(ra.positions, rb.positions, rtol=0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=25),
    seed=st.integers(min_value=0, max_value=10_000),
    grid=st.booleans(),
)
def test_sorted_votes_equal_direct_votes(n: int, seed: int, grid: bool) -> None:
    rng = np.random.default_rng(seed)
    x = rng.choice(np.linspace(0, 10, 5), n) if grid else rng.uniform(0, 10, n)
    w = rng.uniform(0, 1, n)
    r = rng.uniform(0.5, 2.0, n)
    span = float(np.ptp(x)) or 1.0
    direct = support_matrix(x, w, r, span, method="direct")
    fast = support_matrix(x, w, r, span, method="sorted")
    np.testing.assert_allclose(fast, direct, rtol=1e-9, atol=1e-12)


def test_sorted_method_reproduces_on_random_data() -> None:
    rng = np.random.default_rng(7)
    n = 40
    args = ([f"a{i}" for i in range(n)], rng.uniform(0.1, 1, n), rng.uniform(0.1, 1, n),
            np.round(rng.uniform(0, 100, n), 0))
    for variant in VARIANTS:
        a = run_eu(*args, variant=variant, rounds=5,
                   options=variant_options(variant, method="direct"))
        b = run_eu(*args, variant=variant, rounds=5,
                   options=variant_options(variant, method="sorted"))
        for ra, rb in zip(a.rounds, b.rounds, strict=True):
            np.testing.assert_allclose(ra.positions, rb.positions, rtol=0, atol=1e-8)


def test_status_quo_probability_below_one() -> None:
    result = _auto("textbook", q=0.5, t=0.5)
    assert result.parameters["q"] == 0.5
    assert all(np.all(np.isfinite(r.positions)) for r in result.rounds)
    with pytest.raises(ValueError, match="median_term"):
        challenge_eu(0.5, 0.5, 0.5, 1.0, q=0.5)


def test_options_and_inputs_are_validated() -> None:
    with pytest.raises(ValueError, match="variant"):
        variant_options("bdm")
    with pytest.raises(ValueError, match="probability"):
        EUOptions(probability="local")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="q and t"):
        EUOptions(q=1.5)
    with pytest.raises(ValueError, match="two actors"):
        run_eu(["a"], [1], [1], [0])
    with pytest.raises(ValueError, match="salience"):
        run_eu(["a", "b"], [1, 1], [1, 2], [0, 1])
    with pytest.raises(ValueError, match="unique"):
        run_eu(["a", "a"], [1, 1], [1, 1], [0, 1])
    with pytest.raises(ValueError, match="rounds"):
        run_eu(["a", "b"], [1, 1], [1, 1], [0, 1], rounds=-1)


def test_result_is_frozen_and_serialises() -> None:
    result = _auto(rounds=2)
    with pytest.raises(AttributeError):
        result.variant = "x"
    with pytest.raises(ValueError):
        result.rounds[0].positions[0] = 1.0
    data = result.to_dict()
    assert list(data) == ["model", "variant", "rounds"]
    assert data["model"] == "eu" and data["variant"] == "scholz"
    assert [r["round"] for r in data["rounds"]] == [0, 1, 2]
    assert list(data["rounds"][0]) == ["round", "median", "mean", "positions"]
    assert data["rounds"][0]["positions"]["Belgium"] == 7.0
    assert result.final_positions["Belgium"] == pytest.approx(9.610859134120188)
