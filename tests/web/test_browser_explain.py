"""End to end in a real headless browser (Debian's chromium driven by Playwright, as in
``test_browser.py``): run Elmira, click an equilibrium in the results page, and check the
explanation shown against :func:`detente.conflict.explain.explain_state`; then click a
sanction's state and check that it is explained in turn (agreement with the model)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import detente
from detente.conflict.explain import explain_state
from tests.web.test_browser import CHROMIUM, browser_page, server  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")


def _shown(page: object) -> dict[str, tuple[bool, list[tuple[str, bool]]]]:
    out = {}
    for sec in page.query_selector_all("#explanation .explain-mover"):  # type: ignore[attr-defined]
        rows = [(r.get_attribute("data-to"), r.get_attribute("data-deterred") == "true")
                for r in sec.query_selector_all("tr.improvement")]
        out[sec.get_attribute("data-mover")] = (sec.get_attribute("data-stable") == "true", rows)
    return out


def _expected(state: str, concept: str) -> dict[str, tuple[bool, list[tuple[str, bool]]]]:
    e = explain_state(detente.load_scenario(detente.scenario_path("elmira")), state, concept)
    return {a.mover: (a.stable, [(x.to, x.deterred) for x in a.improvements])
            for a in e.actors}


def test_explain_in_a_browser(server: str, tmp_path: Path) -> None:  # noqa: F811
    with browser_page() as (page, errors):
        page.goto(server + "/scenarios/elmira")
        page.click("#run-link")
        page.click("#start-run")
        page.wait_for_selector("#comparison", timeout=120_000)
        link = page.query_selector("section.variant table.tableau a.explain-state")
        assert link is not None
        state = link.inner_text().strip()
        link.click()
        page.wait_for_selector("#explanation")
        assert page.inner_text("#explain-verdict") == "an equilibrium"  # a SEQ equilibrium
        assert _shown(page) == _expected(state, "seq")

        # the explain page on its own: GMR at the status quo, then follow a sanction
        page.goto(server + "/scenarios/elmira/explain?concept=gmr")
        page.click("#explain-listing a.explain-state[data-state='NYNNN']")
        page.wait_for_selector("#explanation")
        assert _shown(page) == _expected("NYNNN", "gmr")
        row = page.query_selector("section[data-mover='LG'] tr.improvement")
        assert row is not None and row.get_attribute("data-deterred") == "true"
        row.query_selector("td:nth-child(4) a.explain-state").click()
        page.wait_for_selector("#explanation")
        assert page.input_value("#explain-state-input") == "NNNYY"
        assert _shown(page) == _expected("NNNYY", "gmr")
        page.screenshot(path=str(tmp_path / "explain.png"))
        assert not errors, errors
