"""Does explore scale? korea-2017, 200 samples, engine memo on: 1 worker against N (issue 15).

Run: ``.venv/bin/python benchmarks/explore_scaling.py [--samples 200] [--workers 2]
[--engines pool,dask] [--no-first-pass]``.

Prints, per engine, the wall-clock seconds and engine calls with one worker and with
``--workers``, and the speed-up. With the first pass (the default) each distinct (variant,
preference profile) is analysed once, split across the workers, so N workers make as many
engine calls as one; ``--no-first-pass`` shows the old behaviour, where each worker's memo
repeats the profiles the others have already analysed.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any


def run(engine: str, workers: int, samples: int, first_pass: bool) -> Any:
    import detente
    from detente.loading import load_scenario
    from detente.strategy.explore import runner
    from detente.strategy.explore.runner import explore

    if not first_pass:
        def skip(job: Any, *args: Any) -> Any:
            return job

        setattr(runner, "_first_pass", skip)  # noqa: B010 - the old behaviour, for comparison
    kw: dict[str, Any] = {"workers": workers} if engine == "pool" or workers == 1 else \
        {"cluster": f"local:{workers}"}
    out = Path(tempfile.mkdtemp()) / "r.parquet"
    scenario = load_scenario(detente.scenario_path("korea-2017"))
    return explore(scenario, out, samples, seed=0, progress=False, **kw)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engines", default="pool")
    ap.add_argument("--no-first-pass", action="store_true")
    args = ap.parse_args()
    one = run("pool", 1, args.samples, not args.no_first_pass)
    print(f"1 worker          {one.seconds:7.1f} s  {one.engine_calls:5d} engine calls")
    for engine in args.engines.split(","):
        many = run(engine, args.workers, args.samples, not args.no_first_pass)
        print(f"{engine} {args.workers} workers   {many.seconds:7.1f} s  "
              f"{many.engine_calls:5d} engine calls  speed-up {one.seconds / many.seconds:.2f}x")


if __name__ == "__main__":
    main()
