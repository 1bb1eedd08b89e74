"""Does explore scale? korea-2017, 200 samples, engine memo on: 1 worker against N (issue 15).

Run: ``.venv/bin/python benchmarks/explore_scaling.py [--samples 200] [--workers 2]
[--engines pool,dask] [--repeat 3] [--no-first-pass]``.

Prints, per engine, the wall-clock seconds and engine calls with one worker and with
``--workers``, and the speed-up. With ``--repeat R`` the engines take turns R times (so a
noisy spell of the machine hits all of them) and the medians are printed, with the range.

With the first pass (the default) each (variant, preference profile) that samples in more than
one chunk share is analysed once, split across the workers, and every other profile by the
worker of its one chunk, so N workers make as many engine calls as one. ``--no-first-pass``
shows the old behaviour, where each worker's memo repeats the profiles the others have
already analysed. Each run is given the scenario's path,
as ``detente explore`` is, so loading it counts (and workers start while it loads).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path
from typing import Any


def run(engine: str, workers: int, samples: int, first_pass: bool) -> Any:
    import detente
    from detente.strategy.explore import runner
    from detente.strategy.explore.runner import explore

    if not first_pass:
        def skip(job: Any, *args: Any) -> Any:
            return job

        setattr(runner, "_first_pass", skip)  # noqa: B010 - the old behaviour, for comparison
    kw: dict[str, Any] = {"workers": workers} if engine == "pool" or workers == 1 else \
        {"cluster": f"local:{workers}"}
    from detente.strategy.explore import evaluate

    evaluate._CONTEXTS.clear()  # a fresh start each run: no memo kept from the last one
    out = Path(tempfile.mkdtemp()) / "r.parquet"
    return explore(detente.scenario_path("korea-2017"), out, samples, seed=0, progress=False, **kw)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engines", default="pool")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-first-pass", action="store_true")
    args = ap.parse_args()
    engines = ["serial", *args.engines.split(",")]
    seconds: dict[str, list[float]] = {e: [] for e in engines}
    calls: dict[str, int] = {}
    for _ in range(args.repeat):
        for engine in engines:
            workers = 1 if engine == "serial" else args.workers
            report = run("pool" if engine == "serial" else engine, workers, args.samples,
                         not args.no_first_pass)
            seconds[engine].append(report.seconds)
            calls[engine] = report.engine_calls
    one = statistics.median(seconds["serial"])
    for engine in engines:
        times = seconds[engine]
        label = "1 worker" if engine == "serial" else f"{engine} {args.workers} workers"
        mid = statistics.median(times)
        spread = f"{min(times):.1f}-{max(times):.1f}" if len(times) > 1 else ""
        rounds = " ".join(f"{a / b:.2f}" for a, b in zip(seconds["serial"], times, strict=True))
        print(f"{label:18s} {mid:6.1f} s {spread:>11s}  {calls[engine]:5d} engine calls"
              f"  speed-up {one / mid:.2f}x" + (f" (by round: {rounds})" if len(times) > 1 and
                                                engine != "serial" else ""))


if __name__ == "__main__":
    main()
