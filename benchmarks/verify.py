"""Timing of the heavier ``detente.verify`` computations.

Run with ``.venv/bin/python benchmarks/verify.py``. Prints wall-clock seconds for the Monte
Carlo ARL of Page's test, an exact Dresher table and row, a batch of breakout calculations,
the deterrence search at a tiny detection probability and the per-regime assessment of the
bundled korea-2017 section.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from detente.verify import (
    assess_regimes,
    breakout,
    dresher_row,
    dresher_table,
    inspections_to_deter,
    korea_2017_spec,
    siegmund_arl,
    simulate_arl,
)


def timed(label: str, fn: Callable[[], object]) -> None:
    """Run ``fn`` once and print its wall-clock time."""
    start = time.perf_counter()
    result = fn()
    print(f"{label:<48} {time.perf_counter() - start:8.3f} s   {result}")


def main() -> None:
    """Run the benchmarks."""
    timed(
        "simulate_arl(0, k=0.5, h=4), 20,000 runs",
        lambda: (
            simulate_arl(0.0, 0.5, 4.0, runs=20_000, seed=1).mean,
            siegmund_arl(0.0, 0.5, 4.0),
        ),
    )
    timed("dresher_table(60), exact fractions", lambda: float(dresher_table(60, "3/2")[60][20]))
    timed(
        "10,000 breakout calculations",
        lambda: sum(breakout([(200.0, 0.0367)], 1000.0 + i).months for i in range(10_000)),
    )
    timed("dresher_row(300), closed form", lambda: float(dresher_row(300)[150]))
    timed("inspections_to_deter(P=1e-4, 1/2), exact", lambda: inspections_to_deter(1e-4, 0.5))
    spec = korea_2017_spec()
    timed("assess_regimes(korea-2017)", lambda: len(assess_regimes(spec).regimes))


if __name__ == "__main__":
    main()
