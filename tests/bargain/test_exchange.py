"""Equal-gain exchange model (Stokman & Van Oosten 1994; Decide)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.bargain.data import IssueTable, build_issue_table, read_issues_csv
from detente.bargain.exchange import ExchangeOptions, run_exchange
from detente.bargain.results import ExchangeRecord

pytestmark = [pytest.mark.published, pytest.mark.regression]

DATA = Path(__file__).parent / "data"
TOLL = DATA / "decide_sample_data_municipal_toll.csv"
COP21 = DATA / "decide_cop21_paris2015.csv"


def _weights(table: IssueTable, issue: str) -> tuple[np.ndarray, float, float]:
    d = table.issues.index(issue)
    w = np.where(table.present[:, d], table.power[:, d] * table.salience[:, d], 0.0)
    return w, float(table.lower[d]), float(table.upper[d])


def test_toll_first_round_by_hand() -> None:
    """First realised exchange on the municipal-toll data, worked by hand.

    Issue p = tolheffing-binnenstad (toll round the centre, 0-100), q = extra-investering
    (extra investment, 0-100). Weights w = power x salience:

    * p: Willems .95, PvdA .8, GL .57, VVDs .45, SP .28, CDA .4, D66 .1, CU .14, KvK .48,
      Wcentr .855; sum 5.025; O_p = (95 + 40 + 57 + 0 + 21 + 10 + 2.5 + 10.5 + 12 + 0)
      / 5.025 = 248 / 5.025 = 49.353.
    * q: Willems .6, PvdA .5, GL .24, VVDs .4, SP .12, CDA .25, D66 .1, CU .1, KvK .3,
      Wcentr .81; sum 3.42; O_q = 169.25 / 3.42 = 49.488.

    Willems (p 100, q 25) and Wcentr (p 0, q 100) are on opposite sides of both outcomes.
    Salience ratios s_p / s_q: Willems .95 / .6 = 1.583 > Wcentr .95 / .9 = 1.056, so
    Willems demands p and supplies q; Wcentr supplies p.

    Willems moving all the way on q (25 -> 100) shifts O_q by 75 x .6 / 3.42 = 13.158.
    Equal gain: dO_p = dO_q (s_Wil,q + s_Wc,q) / (s_Wil,p + s_Wc,p) = 13.158 x 1.5 / 1.9
    = 10.388, so Wcentr moves on p by 10.388 x 5.025 / .855 = 61.051 (0 -> 61.05), less
    than the 100 to Willems. Neither outcome passes a demander (O_p -> 59.74 < 100,
    O_q -> 62.65 < 100). Gain of each: .95 x 10.388 - .6 x 13.158 = 9.8684 - 7.8947
    = 1.97368 (Wcentr: .9 x 13.158 - .95 x 10.388 = 1.97368). This is the exchange with the
    largest gain; Decide's test_model.py asserts 1.973684210526315789 for it and 240
    candidate exchanges (its test_calculations.py: dp 13.1578947, dq 10.3878116, move
    61.0511736).
    """
    table = read_issues_csv(TOLL)
    result = run_exchange(table, rounds=1)
    assert result.candidates == (240,)
    first = result.exchanges[0][0]
    assert (first.issue_p, first.issue_q) == ("tolheffing-binnenstad", "extra-investering")
    assert (first.demander_p, first.supplier_p) == ("Willems", "Wcentr")
    assert first.gain == pytest.approx(1.973684210526315789, abs=1e-12)
    assert first.move_p == pytest.approx(61.05117364047237, abs=1e-9)
    assert first.position_p == pytest.approx(61.05117364047237, abs=1e-9)
    assert first.move_q == pytest.approx(75.0, abs=1e-12)
    assert first.position_q == pytest.approx(100.0, abs=1e-12)
    w_p, *_ = _weights(table, first.issue_p)
    w_q, *_ = _weights(table, first.issue_q)
    assert 75 * 0.6 / w_q.sum() == pytest.approx(13.1578947, abs=1e-7)
    assert first.move_p * 0.855 / w_p.sum() == pytest.approx(10.3878116, abs=1e-7)
    # Second: Wcentr gets woonwerkverkeer from PvdA for kleine-of-grote-ring
    # (Decide's test_model.py: 1.79263630876534102).
    second = result.exchanges[0][1]
    assert (second.demander_p, second.supplier_p) == ("Wcentr", "PvdA")
    assert (second.issue_p, second.issue_q) == ("woonwerkverkeer", "kleine-of-grote-ring")
    assert second.gain == pytest.approx(1.79263630876534102, abs=1e-12)
    gains = [e.gain for e in result.exchanges[0]]
    assert gains[:5] == pytest.approx(
        [1.9736842105263162, 1.7926363087653445, 1.5343653250773996, 1.157621004949249,
         0.9470160205454318], abs=1e-12
    )


def _check_equal_gain(table: IssueTable, e: ExchangeRecord) -> None:
    a, b = table.actors.index(e.demander_p), table.actors.index(e.supplier_p)
    p, q = table.issues.index(e.issue_p), table.issues.index(e.issue_q)
    w_p, lo_p, hi_p = _weights(table, e.issue_p)
    w_q, lo_q, hi_q = _weights(table, e.issue_q)
    d_p = abs(e.move_p) * 100 / (hi_p - lo_p) * w_p[b] / w_p.sum()
    d_q = abs(e.move_q) * 100 / (hi_q - lo_q) * w_q[a] / w_q.sum()
    s = table.salience
    gain_a = s[a, p] * d_p - s[a, q] * d_q
    gain_b = s[b, q] * d_q - s[b, p] * d_p
    assert gain_a == pytest.approx(e.gain, rel=1e-9, abs=1e-12)
    assert gain_b == pytest.approx(e.gain, rel=1e-9, abs=1e-12)
    # Nobody moves past the partner's start position.
    assert min(table.position[b, p], table.position[a, p]) - 1e-9 <= e.position_p
    assert e.position_p <= max(table.position[b, p], table.position[a, p]) + 1e-9


@pytest.mark.parametrize("path", [TOLL, COP21])
def test_every_first_round_exchange_has_equal_gains(path: Path) -> None:
    table = read_issues_csv(path)
    result = run_exchange(table, rounds=1)
    assert result.exchanges[0]
    gains = [e.gain for e in result.exchanges[0]]
    for e in result.exchanges[0]:
        _check_equal_gain(table, e)
    assert all(g > 1e-10 for g in gains)
    assert [e.order for e in result.exchanges[0]] == list(range(1, len(gains) + 1))


def test_cop21_first_exchanges_match_decide_2016_reference() -> None:
    """Decide's data/input/CoP21.compare.csv: the first realised exchanges and gains."""
    result = run_exchange(read_issues_csv(COP21), rounds=1)
    expected = [
        ({"USA", "China"}, {"eaa", "finance_vol"}, 2.19072),
        ({"USA", "China"}, {"finance_who", "differentiation"}, 1.7956),
        ({"USA", "Arab_statess"}, {"adapt_legal", "finance_vol"}, 1.38726),
        ({"USA", "LDCs_BGD"}, {"adapt_inst", "legal"}, 1.35579),
        ({"China", "LDCs_BGD"}, {"adapt_finance", "eaa"}, 1.21478),
        ({"India", "EU28"}, {"mrv", "eaa"}, 1.12741),
    ]
    for e, (actors, issues, gain) in zip(result.exchanges[0], expected, strict=False):
        assert {e.demander_p, e.supplier_p} == actors
        assert {e.issue_p, e.issue_q} == issues
        assert e.gain == pytest.approx(gain, abs=1e-5)


def test_next_start_positions() -> None:
    """x' = (1 - l) x + l y with l = (1 - s) 0.4 + 0.1 for actors that moved."""
    table = read_issues_csv(TOLL)
    result = run_exchange(table, rounds=1)
    forecast = result.forecasts["tolheffing-binnenstad"]
    k = forecast.actors.index("Wcentr")
    y = forecast.rounds[1].voting_positions
    assert y is not None
    lam = (1 - 0.95) * 0.4 + 0.1
    assert forecast.rounds[1].positions[k] == pytest.approx(lam * y[k], abs=1e-12)
    # Actors that never supplied this issue keep their position.
    suppliers = {e.supplier_p for e in result.exchanges[0] if e.issue_p == forecast.issue} | {
        e.demander_p for e in result.exchanges[0] if e.issue_q == forecast.issue
    }
    for i, actor in enumerate(forecast.actors):
        if actor not in suppliers:
            assert forecast.rounds[1].positions[i] == forecast.rounds[0].positions[i]


def test_deterministic_and_seeded() -> None:
    table = read_issues_csv(TOLL)
    a = run_exchange(table, rounds=3).to_dict()
    b = run_exchange(table, rounds=3).to_dict()
    assert a == b
    opts = ExchangeOptions(tie_break="random", seed=42)
    c = run_exchange(table, rounds=3, options=opts).to_dict()
    d = run_exchange(table, rounds=3, options=opts).to_dict()
    assert c == d


def test_ties_break_in_fixed_order_or_by_seed() -> None:
    """Two mirror-image pairs trade with exactly equal gains."""
    rows = []
    for name, p, q, sp, sq in (
        ("A1", 0.0, 100.0, 0.9, 0.3), ("B1", 100.0, 0.0, 0.3, 0.9),
        ("A2", 0.0, 100.0, 0.9, 0.3), ("B2", 100.0, 0.0, 0.3, 0.9),
    ):
        rows += [(name, "p", p, sp, 1.0), (name, "q", q, sq, 1.0)]
    table = build_issue_table(rows, {"p": (0, 100), "q": (0, 100)})
    ordered = run_exchange(table, rounds=1)
    first = ordered.exchanges[0][0]
    assert (first.demander_p, first.supplier_p) == ("A1", "B1")
    firsts = {
        (run_exchange(table, rounds=1, options=ExchangeOptions(tie_break="random", seed=s))
         .exchanges[0][0].supplier_p)
        for s in range(12)
    }
    assert firsts <= {"B1", "B2"} and len(firsts) == 2


def test_recompute_option() -> None:
    table = read_issues_csv(COP21)
    actor = run_exchange(table, rounds=1)
    issue = run_exchange(table, rounds=1, options=ExchangeOptions(recompute="issue"))
    assert actor.parameters["recompute"] == "actor"
    assert [e.gain for e in actor.exchanges[0][:20]] == pytest.approx(
        [e.gain for e in issue.exchanges[0][:20]]
    )
    for e in issue.exchanges[0]:
        _check_equal_gain(table, e)


def test_stops_when_no_exchange_is_possible() -> None:
    rows = [("a", "p", 0.0, 0.5, 1.0), ("a", "q", 0.0, 0.5, 1.0),
            ("b", "p", 10.0, 0.5, 1.0), ("b", "q", 10.0, 0.5, 1.0)]
    result = run_exchange(build_issue_table(rows), rounds=5)
    assert result.exchanges == ((),)
    assert result.forecasts["p"].stop_reason == "settled"
    assert len(result.forecasts["p"].rounds) == 2


def test_package_serialises() -> None:
    result = run_exchange(read_issues_csv(TOLL), rounds=2)
    data = result.to_dict()
    assert list(data) == ["model", "variant", "issues"]
    assert data["model"] == "exchange" and data["variant"] == "equal_gain"
    assert list(data["issues"]) == list(result.issues)
    rounds = data["issues"]["tol-hoogte"]
    assert [r["round"] for r in rounds] == [0, 1, 2]
    assert rounds[0]["positions"]["GL"] == 5.0
    assert rounds[0]["mean"] == pytest.approx(2.2709923664122136)


def test_invalid_inputs() -> None:
    rows = [("a", "p", 0.0, 0.5, 1.0), ("b", "p", 1.0, 0.5, 1.0)]
    with pytest.raises(ValueError, match="two or more issues"):
        run_exchange(build_issue_table(rows))
    rows += [("a", "q", 0.0, 0.5, 1.0)]
    with pytest.raises(ValueError, match="fewer than two actors"):
        run_exchange(build_issue_table(rows))
    with pytest.raises(ValueError, match="tie_break"):
        ExchangeOptions(tie_break="coin")  # type: ignore[arg-type]


def test_actor_absent_from_an_issue() -> None:
    """An actor without a position on an issue neither counts nor trades on it."""
    rows = [
        ("a", "p", 0.0, 0.9, 1.0), ("a", "q", 100.0, 0.3, 1.0),
        ("b", "p", 100.0, 0.3, 1.0), ("b", "q", 0.0, 0.9, 1.0),
        ("c", "p", 50.0, 0.5, 1.0),
    ]
    table = build_issue_table(rows, {"p": (0, 100), "q": (0, 100)})
    assert table.present.tolist() == [[True, True], [True, True], [True, False]]
    result = run_exchange(table, rounds=2)
    assert result.forecasts["q"].actors == ("a", "b")
    assert result.forecasts["p"].actors == ("a", "b", "c")
    for rnd in result.exchanges:
        for e in rnd:
            assert "c" not in (e.demander_p, e.supplier_p)
            _check_equal_gain(table, e)
    assert result.exchanges[0]
