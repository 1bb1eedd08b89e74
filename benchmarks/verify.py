"""Timing of the heavier ``detente.verify`` computations.

Run with ``.venv/bin/python benchmarks/verify.py``. Prints wall-clock seconds for the Monte
Carlo ARL of Page's test, an exact Dresher table and a batch of breakout calculations.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from detente.verify import breakout, dresher_table, siegmund_arl, simulate_arl


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


if __name__ == "__main__":
    main()
