"""End to end in a real headless browser: Debian's chromium driven by Playwright (no browser
download), against a uvicorn server on loopback.

Opens the workbench, opens korea-2017, runs the freeze-then-cap and max-pressure variants,
checks the comparison table against ``detente analyze --json`` for the same variants (the
CLI's entry point, run in the test process while the server computes),
introduces a YAML error and checks the message, and saves a screenshot (to the test's
temporary folder; also to ``docs/workbench.png`` when ``DETENTE_UPDATE_SCREENSHOT=1``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import detente
from detente.cli.main import main
from detente.loading import loads_scenario

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VARIANTS = ["freeze-then-cap", "max-pressure"]
DOCS = Path(__file__).parents[2] / "docs"

pytestmark = [pytest.mark.regression, pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium; "
           ".ci/run installs it)")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def browser_page(width: int = 1280, height: int = 900) -> Iterator[tuple[Any, list[str]]]:
    """A headless Debian chromium page and the list its script errors are collected in
    (skips where playwright is missing); the browser is closed afterwards."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            yield page, errors
        finally:
            browser.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    from detente.web import Settings, create_app

    port = _free_port()
    app = create_app(Settings(data_dir=tmp_path / "data", run_timeout=120, workers=2,
                              allowed_hosts=("127.0.0.1", "localhost")))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(30)


def test_workbench_in_a_browser(server: str, tmp_path: Path) -> None:
    with browser_page() as (page, errors):
        page.goto(server + "/")
        page.click("#builtin-scenarios [data-id='korea-2017'] h3 a")
        page.wait_for_selector("#text")
        assert "Korea 2017" in page.inner_text("h1")
        page.click("#run-link")
        for box in page.query_selector_all("#variants input[type=checkbox]"):
            if (box.get_attribute("value") in VARIANTS) != box.is_checked():
                box.click()
        page.click("#start-run")
        # the reference, computed by the CLI while the server computes the run
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["analyze", "--json", "--no-sensitivity",
                         *[a for v in VARIANTS for a in ("--variant", v)]])
        assert code == 0
        expected = json.loads(out.getvalue())
        page.wait_for_selector("#comparison", timeout=120_000)
        rows = page.query_selector_all("#comparison tbody tr")
        shown = [(r.get_attribute("data-variant"), r.get_attribute("data-best"),
                  r.query_selector("td").inner_text().strip()) for r in rows]
        page.wait_for_load_state("networkidle")
        shot = tmp_path / "workbench.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("DETENTE_UPDATE_SCREENSHOT") == "1":
            DOCS.mkdir(exist_ok=True)
            shutil.copyfile(shot, DOCS / "workbench.png")

        order = [e["variant"] for e in expected["ranking"]]
        assert [v for v, _, _ in shown] == order
        assert [b for _, b, _ in shown] == [expected["variants"][v]["best"]["state"]
                                           for v in order]
        assert [n for _, _, n in shown] == [str(e["rank"]) for e in expected["ranking"]]
        totals = [c.inner_text() for c in page.query_selector_all(
            "#comparison tbody tr td.num b")]
        assert totals == [f"{expected['variants'][v]['best']['total']:.2f}"
                          for v in order]

        page.goto(server + "/scenarios/korea-2017")
        page.wait_for_selector("#validation.valid")
        text = page.input_value("#text")
        bad = text.replace("\nactors:\n", "\nactors:\n   oops\n", 1)
        with pytest.raises(detente.ScenarioError) as info:
            loads_scenario(bad, source="korea-2017.yaml")
        page.fill("#text", bad)
        page.wait_for_selector("#validation.invalid", timeout=15_000)
        assert page.inner_text("#validation-message") == str(info.value)
        assert str(info.value).startswith(f"korea-2017.yaml:{info.value.line}: ")
        assert page.inner_text("#gutter .err").strip() == str(info.value.line)
        assert page.is_visible(".stale-note")
        page.screenshot(path=str(tmp_path / "editor-error.png"))
        page.fill("#text", text)
        page.wait_for_selector("#validation.valid", timeout=15_000)
        assert not errors, errors
