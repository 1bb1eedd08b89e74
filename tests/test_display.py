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


# -- figures and backends ---------------------------------------------------------------------

#: Files that still switch the backend, each with who removes it (issue 17). Keep it empty.
BACKEND_ALLOWED: set[str] = set()  # no module may set it


def test_library_never_sets_the_matplotlib_backend() -> None:
    src = ROOT / "src" / "detente"
    offenders = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        text = path.read_text(encoding="utf-8")
        if re.search(r"matplotlib\.use\(|\buse\(\s*['\"]agg['\"]", text, re.IGNORECASE) \
                and rel not in BACKEND_ALLOWED:
            offenders.append(rel)
    assert offenders == []


def test_plots_return_figures_and_leave_the_backend_alone() -> None:
    import matplotlib
    from matplotlib.figure import Figure

    from detente.bargain.data import read_csv
    from detente.bargain.forecast import forecast_table
    from detente.bargain.plot import forecast_figure
    from detente.conflict.paths import status_quo_paths

    backend = matplotlib.get_backend()
    forecast = forecast_table(read_csv(str(ROOT / "tests" / "bargain" / "data"
                                           / "ww1_bdm_minimalgeek.csv")), model="eu", seed=1)
    assert isinstance(forecast_figure(forecast), Figure)
    elmira = detente.load_scenario(detente.scenario_path("elmira"))
    assert isinstance(status_quo_paths(elmira, "seq").figure(), Figure)
    assert matplotlib.get_backend() == backend


# -- progress in a notebook -------------------------------------------------------------------


class _Handle:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    def update(self, obj: Any) -> None:
        self.log.append(obj.data)


def _fake_notebook(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Install a fake IPython whose shell is a Jupyter kernel; return the drawn HTML."""
    import types

    drawn: list[str] = []

    class ZMQInteractiveShell:
        kernel = object()

    class HTML:
        def __init__(self, data: str) -> None:
            self.data = data

    def display(obj: Any, display_id: bool = False) -> _Handle:
        drawn.append(obj.data)
        return _Handle(drawn)

    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: ZMQInteractiveShell()  # type: ignore[attr-defined]
    disp = types.ModuleType("IPython.display")
    disp.HTML = HTML  # type: ignore[attr-defined]
    disp.display = display  # type: ignore[attr-defined]
    ipython.display = disp  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", disp)
    return drawn


def test_progress_draws_in_a_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    from detente.display import NotebookProgress, in_notebook, progress

    assert not in_notebook() or "IPython" in sys.modules
    drawn = _fake_notebook(monkeypatch)
    assert in_notebook()
    monkeypatch.setattr(NotebookProgress, "interval", 0.0)
    with progress("analyze") as tick:
        tick(0.5, "stability")
    assert len(drawn) >= 3 and "<progress" in drawn[-1]
    assert "analyze" in drawn[-1] and "100%" not in drawn[0] and "50%" in drawn[-1]


def test_progress_is_silent_outside_a_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    from detente.display import progress

    monkeypatch.setitem(sys.modules, "IPython", None)
    with progress("analyze") as tick:
        tick(0.5, "stability")  # nothing to draw on, nothing raised


def test_explore_progress_in_a_notebook(monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    from detente.display import NotebookProgress
    from detente.strategy.explore import explore

    drawn = _fake_notebook(monkeypatch)
    monkeypatch.setattr(NotebookProgress, "interval", 0.0)
    explore(None, tmp_path / "r.csv", 2, seed=1, concept="nash", workers=1,
            chunk_size=1)
    assert drawn and "explore" in drawn[-1] and "2/2" in drawn[-1]
