"""What the report says about reneging and the record (regression tests of the renderers'
words, on bundled scenarios whose answers are worked out in tests/conflict)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

import detente
from detente.report import render_html, render_text
from detente.report.accountability import reneging_rows, reneging_sentence
from detente.strategy.accountability import Renege, Reneging, changes_text
from detente.strategy.analysis import StrategyReport, analyze_scenario

pytestmark = pytest.mark.regression


@pytest.fixture(scope="module")
def cuba() -> StrategyReport:
    return analyze_scenario(detente.scenario_path("cuban-missile-crisis"),
                            with_sensitivity=False)


def _text(report: StrategyReport) -> str:
    c = Console(file=io.StringIO(), width=160)
    render_text(report, c)
    assert isinstance(c.file, io.StringIO)
    return c.file.getvalue()


def test_the_record_is_consistent_for_cuba(cuba: StrategyReport) -> None:
    """The Cuban record's three steps (quarantine, withdrawal, quarantine lifted) are each an
    improvement for the actor who moved, and the status-quo search reaches every recorded
    state (tests/conflict/test_hindcast.py works these out)."""
    out = _text(cuba)
    assert "The record" in out
    assert ("Under the base model 3 of the 3 recorded steps are improvements for the actors "
            "who moved") in " ".join(out.split())
    assert "The record is consistent with the model." in " ".join(out.split())
    html = render_html(cuba)
    assert '<h2 id="record">The record</h2>' in html and "Quarantine announced" in html
    assert cuba.to_dict()["record"]["summary"]["base"]["consistent"] is True


def test_no_history_no_record_section() -> None:
    rep = analyze_scenario(detente.scenario_path("elmira"), with_sensitivity=False)
    assert rep.record is None and rep.to_dict()["record"] is None
    assert "The record" not in _text(rep)
    assert 'id="record"' not in render_html(rep)


def test_reneging_is_listed_for_every_variant_with_an_outcome(cuba: StrategyReport) -> None:
    assert set(cuba.reneging) == {v.variant for v in cuba.variants if v.top is not None}
    for vid, r in cuba.reneging.items():
        assert r.state == cuba.variant(vid).top.state  # type: ignore[union-attr]
    assert "What happens if an actor reneges" in _text(cuba)


def _renege(deterred: bool) -> Renege:
    return Renege("NK", "YN", "takes NK.provoke", deterred,
                  (("US", "takes US.pressure"),) if deterred else (), "why")


def test_reneging_sentences_count_what_they_say() -> None:
    calm = Reneging("v", "NN", "seq", True, ())
    assert "nobody has a reason to renege" in reneging_sentence(calm)
    held = Reneging("v", "NN", "seq", True, (_renege(True), _renege(True)))
    assert reneging_sentence(held).startswith("2 moves away from NN would gain the actor(s) "
                                              "making them; the others' responses deter "
                                              "every one")
    broken = Reneging("v", "NN", "seq", False, (_renege(True), _renege(False)))
    assert "1 of them nothing deters, so the outcome does not hold (SEQ)" in \
        reneging_sentence(broken)
    rows = reneging_rows(broken)
    assert [r["deterred"] for r in rows] == ["NO", "yes"]  # undeterred first
    assert rows[1]["response"] == "US takes US.pressure" and rows[0]["response"] == "none"


def test_changes_text() -> None:
    assert changes_text([("A.x", True), ("B.y", False), ("C.z", True)]) == \
        "takes A.x, C.z; drops B.y"
    assert changes_text([]) == "changes nothing"
