"""Ranks with ties (standard competition ranking, 1, 1, 3).

Theory: the rank of an entry is 1 + the number of entries with a strictly higher score, and
entries without a score come last together. Checked on hand-made cases and, as a property
test, against a reference written from that definition.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from detente.strategy.ranking import competition_ranking, describe, top


def test_equal_scores_share_a_rank() -> None:
    r = competition_ranking([("a", 2.0), ("b", 3.0), ("c", 2.0), ("d", 1.0)])
    assert [(e.variant, e.rank) for e in r] == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]
    assert describe(r) == "b > a = c > d"
    assert top(r) == ("b",)


def test_ties_at_the_top_share_the_first_rank() -> None:
    r = competition_ranking([("a", 2.0), ("b", 2.0), ("c", 1.0)])
    assert [e.rank for e in r] == [1, 1, 3]
    assert top(r) == ("a", "b")


def test_all_equal_has_no_top() -> None:
    r = competition_ranking([("a", 1.5), ("b", 1.5), ("c", 1.5)])
    assert [e.rank for e in r] == [1, 1, 1]
    assert top(r) == ()


def test_float_noise_is_a_tie() -> None:
    r = competition_ranking([("a", 0.1 + 0.2), ("b", 0.3)])
    assert [e.rank for e in r] == [1, 1]


def test_unscored_come_last_together() -> None:
    r = competition_ranking([("a", None), ("b", 0.0), ("c", None)])
    assert [(e.variant, e.rank) for e in r] == [("b", 1), ("a", 2), ("c", 2)]
    assert top(competition_ranking([("a", None), ("b", None)])) == ()


@given(st.lists(st.one_of(st.none(), st.integers(-3, 3).map(float)), min_size=1, max_size=8))
def test_ranks_match_the_definition(scores: list[float | None]) -> None:
    entries = [(f"v{k}", s) for k, s in enumerate(scores)]
    got = {e.variant: e.rank for e in competition_ranking(entries)}

    def better(x: float | None, y: float | None) -> bool:  # reference: x strictly above y
        return x is not None and (y is None or x > y)

    for vid, s in entries:
        assert got[vid] == 1 + sum(better(o, s) for _, o in entries)
