"""End to end in a real headless browser (as tests/web/test_browser.py): open korea-2017, follow
the editor's hindcast link, check the steps against ``detente hindcast --json``, choose a
variant in the form and check again; no script errors (regression)."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from detente.cli.main import main
from tests.web.test_browser import CHROMIUM, browser_page, server  # noqa: F401 - the server fixture

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium; "
           ".ci/run installs it)")


def _expected(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["hindcast", "korea-2017", "--json", "--edits", "0", *args]) == 0
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def _rows(page: Any) -> list[tuple[str | None, str | None]]:
    return [(r.get_attribute("data-movers"), r.get_attribute("data-improvement"))
            for r in page.query_selector_all("#hindcast-steps tbody tr")]


def _as_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    word = {None: "none", True: "yes", False: "no"}
    return [(",".join(s["movers"]), word[s["improvement"]]) for s in data["steps"]]


def test_hindcast_in_a_browser(server: str, tmp_path: Path) -> None:  # noqa: F811
    with browser_page() as (page, errors):
        page.goto(server + "/")
        page.click("#builtin-scenarios [data-id='korea-2017'] h3 a")
        page.wait_for_selector("#hindcast-link")
        page.click("#hindcast-link")
        page.wait_for_selector("#hindcast-steps", timeout=120_000)
        assert _rows(page) == _as_rows(_expected())
        assert page.inner_text("#hindcast-verdict").startswith("Not consistent")
        page.select_option("#hindcast-variant", "freeze-then-cap")
        page.click("#hindcast-go")
        page.wait_for_url("**variant=freeze-then-cap**", timeout=120_000)
        page.wait_for_selector("#hindcast-steps", timeout=120_000)
        assert _rows(page) == _as_rows(_expected("--variant", "freeze-then-cap"))
        page.screenshot(path=str(tmp_path / "hindcast.png"), full_page=True)
        assert not errors, errors
