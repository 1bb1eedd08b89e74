"""End to end in a real headless browser (as tests/web/test_browser.py): for each analysis
view (stability, coalitions, status-quo paths, inverse analysis), open Elmira's scenario page,
follow the view's link, fill in its form, check what is shown against the CLI's ``--json``
for the same options (agreement with the command line), then click a state and land on its
explanation; no script errors (regression)."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from detente.cli.main import main
from tests.web.test_browser import CHROMIUM, browser_page, server  # noqa: F401 - the server fixture

pytestmark = [pytest.mark.regression, pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium; "
           ".ci/run installs it)")]


def _cli(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*args, "--json"]) == 0
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def _attr(page: Any, selector: str, name: str) -> list[str]:
    return [e.get_attribute(name) for e in page.query_selector_all(selector)]


def _stability(page: Any) -> None:
    for box in page.query_selector_all("#stability-form input[name='concept']"):
        if box.get_attribute("value") not in ("nash", "sim"):
            box.uncheck()
    page.select_option("#stability-form select[name='sanctions']", "distinct")
    page.click("#stability-submit")
    page.wait_for_url("**sanctions=distinct**")
    want = _cli("stability", "elmira", "-c", "nash,sim", "--sanctions", "distinct")
    counts = dict(zip(_attr(page, "#stability-equilibria tr[data-concept]", "data-concept"),
                      _attr(page, "#stability-equilibria tr[data-concept]", "data-count"),
                      strict=True))
    assert counts == {c: str(len(v["equilibria"])) for c, v in want["concepts"].items()}
    assert _attr(page, "#stability-states tbody tr", "data-state") == want["states"]
    eq = _attr(page, "#stability-states td[data-concept='sim'][data-equilibrium='true']",
               "data-concept")
    assert len(eq) == len(want["concepts"]["sim"]["equilibria"])


def _coalitions(page: Any) -> None:
    page.fill("#coalitions-form input[name='coalition']", "MoE+U")
    page.click("#coalitions-submit")
    page.wait_for_url("**coalition=MoE**")
    want = _cli("coalitions", "elmira", "--coalition", "MoE,U")
    for c, v in want["concepts"].items():
        sec = page.query_selector(f"section.coalition-concept[data-concept='{c}']")
        assert sec is not None
        assert (sec.get_attribute("data-survive") or "").split(",") == v["survive"] or \
            (not v["survive"] and not sec.get_attribute("data-survive"))
        assert [b for b in (sec.get_attribute("data-broken") or "").split(",") if b] == \
            [b["state"] for b in v["broken"]]
    assert page.inner_text("#coalitions-class") == "MoE+U"


def _paths(page: Any) -> None:
    page.check("#paths-coalitions")
    page.click("#paths-submit")
    page.wait_for_url("**coalitions=true**")
    want = _cli("paths", "elmira", "--coalitions")
    assert _attr(page, "section.evolution", "data-target") == list(want["paths"])
    assert _attr(page, "section.evolution", "data-steps") == \
        [str(len(s)) for s in want["paths"].values()]
    page.wait_for_function("document.getElementById('paths-figure').naturalWidth > 0",
                           timeout=30_000)


def _inverse(page: Any) -> None:
    page.fill("#inverse-target", "NYNNN")
    page.select_option("#inverse-form select[name='concept']", "nash")
    page.click("#inverse-submit")
    page.wait_for_url("**target=NYNNN**")
    want = _cli("inverse", "elmira", "--target", "NYNNN", "-c", "nash")
    shown = dict(zip(_attr(page, "section.inverse-actor", "data-actor"),
                     _attr(page, "section.inverse-actor", "data-stable"), strict=True))
    assert shown == {a: "true" if v["stable"] else "false" for a, v in want["actors"].items()}
    assert page.inner_text("#inverse-verdict") == "not stable now"


VIEWS: dict[str, Callable[[Any], None]] = {
    "stability": _stability, "coalitions": _coalitions, "paths": _paths, "inverse": _inverse}


@pytest.mark.parametrize("view", list(VIEWS))
def test_analysis_view_in_a_browser(server: str, tmp_path: Path, view: str) -> None:  # noqa: F811
    with browser_page() as (page, errors):
        page.set_default_timeout(30_000)
        page.goto(server + "/scenarios/elmira")
        page.click(f"#{view}-link")
        page.wait_for_selector(f"#{view}-form")
        VIEWS[view](page)
        page.screenshot(path=str(tmp_path / f"{view}.png"), full_page=True)
        link = page.query_selector("main a.explain-state")
        assert link is not None
        state = link.get_attribute("data-state")
        link.click()
        page.wait_for_selector("#explanation")
        assert page.input_value("#explain-state-input") == state
        assert not errors, errors
