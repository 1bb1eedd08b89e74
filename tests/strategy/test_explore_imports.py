"""What a worker process of ``detente explore`` imports (issue 15: start-up of workers)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.regression


def test_worker_imports_leave_out_scipy_stats() -> None:
    """A worker unpickles a job and warms up; neither needs scipy.stats (about 0.4 s)."""
    code = ("import sys; from detente.strategy.explore.engines import warm_up; warm_up(); "
            "print('scipy.stats' in sys.modules, 'detente.strategy.explore.runner' in "
            "sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def test_engines_and_runner_import_light() -> None:
    """The engine starts before the models are imported, so that its workers spawn while
    this process imports them: neither module may import the models at import time."""
    code = ("import sys; import detente.strategy.explore.runner; "
            "print(sorted(m for m in ('detente.conflict', 'scipy.sparse', 'scipy.stats', "
            "'pydantic', 'distributed') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_lazy_names_resolve() -> None:
    import detente.strategy.explore as explore_pkg
    import detente.strategy.explore.prim  # noqa: F401 - the submodule must not shadow prim()

    assert callable(explore_pkg.prim) and explore_pkg.prim.__module__.endswith(".prim")
    for name in explore_pkg.__all__:
        assert getattr(explore_pkg, name) is not None
    assert set(explore_pkg.__all__) <= set(dir(explore_pkg))
    with pytest.raises(AttributeError):
        _ = explore_pkg.no_such_name
