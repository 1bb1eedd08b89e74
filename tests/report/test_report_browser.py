"""The HTML report in a real headless browser (Debian's chromium driven by Playwright), as a
reader sees it (regressions): it loads with no request beyond its own file, the summary comes
first, every figure's text is at least 10 px at the displayed size, titles and captions are
not clipped, and it prints with each section on a new page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from detente.loading import loads_scenario
from detente.report import render_html
from detente.strategy.analysis import analyze_scenario
from tests.strategy.test_questions import DILEMMA

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.regression, pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")]

#: For every SVG text element: its font size in CSS pixels as displayed.
FONT_SIZES = """() => Array.from(document.querySelectorAll('svg')).flatMap(svg => {
  const box = svg.getBoundingClientRect();
  const vb = svg.viewBox.baseVal;
  const scale = vb && vb.width ? box.width / vb.width : 1;
  return Array.from(svg.querySelectorAll('text'))
    .filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
})"""

#: Elements whose content overflows their box (clipped text).
CLIPPED = """() => Array.from(document.querySelectorAll('h1,h2,h3,figcaption,p,td,th'))
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
  .map(e => e.textContent.slice(0, 60))"""


def test_report_reads_and_prints_in_a_browser(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    report = analyze_scenario(loads_scenario(DILEMMA, "dilemma.yaml"))
    path = tmp_path / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            assert requests == [path.as_uri()]  # self-contained: nothing else is fetched
            text = page.inner_text("body")
            assert text.index("Summary") < text.index("At a glance")
            assert "talks comes out best" in text
            sizes = page.evaluate(FONT_SIZES)
            assert sizes and min(sizes) >= 10.0, sizes
            assert page.evaluate(CLIPPED) == []
            page.emulate_media(media="print")
            breaks = page.evaluate("() => Array.from(document.querySelectorAll('h2'))"
                                   ".map(h => getComputedStyle(h).breakBefore)")
            assert breaks[0] == "auto" and set(breaks[1:]) == {"page"}
            pdf = page.pdf(format="A4")
            assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(
                b"/Type /Page ") + pdf.count(b"/Type/Page") >= 1
        finally:
            browser.close()
