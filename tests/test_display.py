"""Notebook displays and DataFrames (issue 17): regression tests.

Every result type's ``_repr_html_`` on korea-2017 stays under ~50 KB and is capped as pandas
caps its tables; ``to_dataframe()`` gives every row; the capping helper behaves like pandas'
``max_rows`` (first and last halves around one ellipsis row).
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

import pytest

import detente
from detente.display import (
    MAX_BYTES,
    MAX_ROWS,
    capped_positions,
    html_table,
    repr_html,
)

pytestmark = pytest.mark.regression

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 50_000


@functools.cache
def _korea() -> Any:
    return detente.load_scenario(detente.scenario_path("korea-2017"))


def test_capped_positions_like_pandas() -> None:
    assert capped_positions(5, 20) == [0, 1, 2, 3, 4]
    shown = capped_positions(1000, 20)
    assert shown[:10] == list(range(10)) and shown[10] is None
    assert shown[11:] == list(range(990, 1000))


def test_html_table_reads_only_shown_rows() -> None:
    read: list[int] = []

    class Lazy:
        def __len__(self) -> int:
            return 10**9

        def __getitem__(self, i: int) -> list[int]:
            read.append(i)
            return [i, i * 2]

    page = html_table(["a", "b"], Lazy())  # type: ignore[arg-type]
    assert len(read) == MAX_ROWS
    assert f"… {10**9 - MAX_ROWS:,} more rows" in page


def test_repr_html_folds_until_it_fits() -> None:
    data = {f"k{i}": [{"x": "y" * 200, "z": list(range(500))} for _ in range(500)]
            for i in range(200)}
    page = repr_html("big", data)
    assert len(page) <= MAX_BYTES
    assert page.startswith("<p><b>big</b>")


def _builders() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import notebook_display
    finally:
        sys.path.pop(0)
    built = notebook_display.results()
    built.pop("explore")  # covered by tests/strategy/test_explore.py's small runs
    return built


@pytest.mark.slow  # about two minutes on a busy 2-core machine: every analysis of korea-2017
@pytest.mark.parametrize("name", list(_builders()))
def test_every_result_display_is_small(name: str) -> None:
    obj = _builders()[name]()
    page = obj._repr_html_()
    assert len(page.encode()) < LIMIT, (name, len(page))
    assert page.startswith("<p><b>")  # the one-line summary header
    # capped: no table shows more than MAX_ROWS data rows plus its header and ellipsis row
    for table in re.findall(r"<table[^>]*>(.*?)</table>", page):
        assert table.count("<tr>") <= MAX_ROWS + 2 or "<table" in table


def test_korea_stability_display_is_small() -> None:
    from detente.conflict import analyse

    page = analyse(_korea(), ["nash", "seq"])._repr_html_()
    assert len(page.encode()) < LIMIT and page.count("<tr>") == 1 + MAX_ROWS + 1


def test_to_dataframe_has_every_row() -> None:
    pytest.importorskip("pandas")
    from detente.conflict import analyse
    from detente.conflict.coalitions import analyse_coalitions
    from detente.conflict.paths import status_quo_paths

    k = _korea()
    st = analyse(k, "nash")
    assert len(st.to_dataframe()) == len(st.codes)
    co = analyse_coalitions(detente.load_scenario(detente.scenario_path("elmira")), "seq")
    frame = co.to_dataframe()
    assert len(frame) == len(co.codes) and "seq:equilibrium" in frame.columns
    paths = status_quo_paths(k, "seq")
    assert len(paths.to_dataframe()) == len(paths.to_dict()["reachable"])


def test_to_dataframe_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from detente.display import dataframe

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"detente\[notebook\]"):
        dataframe({"a": [1]})
