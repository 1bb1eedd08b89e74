"""Does explore scale? korea-2017, 200 samples, engine memo on: 1 worker against N (issue 15).

Run: ``.venv/bin/python benchmarks/explore_scaling.py [--samples 200] [--workers 2]
[--engines pool,dask] [--repeat 3] [--no-first-pass] [--cli]``.

Prints, per engine, the wall-clock seconds and engine calls with one worker and with
``--workers``, and the speed-up. With ``--repeat R`` the engines take turns R times (so a
noisy spell of the machine hits all of them) and the medians are printed, with the range.

With the first pass (the default) each (variant, preference profile) that samples in more than
one chunk share is analysed once, split across the workers, and every other profile by the
worker of its one chunk, so N workers make as many engine calls as one. ``--no-first-pass``
shows the old behaviour, where each worker's memo repeats the profiles the others have
already analysed. Each run is given the scenario's path,
as ``detente explore`` is, so loading it counts (and workers start while it loads). ``--cli``
times whole ``detente explore`` processes instead (start-up and imports included).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path
from typing import Any


def run(engine: str, workers: int, samples: int, first_pass: bool) -> dict[str, Any]:
    """``explore()``'s own seconds and engine calls, in a fresh Python process (as a script
    calling it would be: no memo, no thread or cluster left over from an earlier run)."""
    import json
    import subprocess
    import sys

    kw = {"workers": workers} if engine == "pool" or workers == 1 else \
        {"cluster": f"local:{workers}"}
    out = Path(tempfile.mkdtemp()) / "r.parquet"
    code = f"""
import json, detente
from detente.strategy.explore import runner
if not {first_pass!r}:
    runner._first_pass = lambda job, todo, *args: (job, list(todo))  # the old behaviour
r = runner.explore(detente.scenario_path("korea-2017"), {str(out)!r}, {samples}, seed=0,
                   progress=False, **{kw!r})
print(json.dumps({{"seconds": r.seconds, "engine_calls": r.engine_calls}}))
"""
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run_cli(engine: str, workers: int, samples: int) -> float:
    """Wall time of a whole ``detente explore`` process, as a user at a terminal sees it."""
    import subprocess
    import sys
    import time

    flag = ["--workers", str(workers)] if engine == "pool" or workers == 1 else \
        ["--cluster", f"local:{workers}"]
    out = Path(tempfile.mkdtemp()) / "r.parquet"
    exe = Path(sys.executable).with_name("detente")
    t0 = time.perf_counter()
    subprocess.run([str(exe), "explore", "korea-2017", "--samples", str(samples), "--seed", "0",
                    "--out", str(out), *flag], check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engines", default="pool")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-first-pass", action="store_true")
    ap.add_argument("--cli", action="store_true",
                    help="time whole `detente explore` processes instead of explore() calls")
    args = ap.parse_args()
    engines = ["serial", *args.engines.split(",")]
    seconds: dict[str, list[float]] = {e: [] for e in engines}
    calls: dict[str, int] = {}
    for _ in range(args.repeat):
        for engine in engines:
            workers = 1 if engine == "serial" else args.workers
            kind = "pool" if engine == "serial" else engine
            if args.cli:
                seconds[engine].append(run_cli(kind, workers, args.samples))
                continue
            report = run(kind, workers, args.samples, not args.no_first_pass)
            seconds[engine].append(report["seconds"])
            calls[engine] = report["engine_calls"]
    one = statistics.median(seconds["serial"])
    for engine in engines:
        times = seconds[engine]
        label = "1 worker" if engine == "serial" else f"{engine} {args.workers} workers"
        mid = statistics.median(times)
        spread = f"{min(times):.1f}-{max(times):.1f}" if len(times) > 1 else ""
        rounds = " ".join(f"{a / b:.2f}" for a, b in zip(seconds["serial"], times, strict=True))
        made = f"{calls[engine]:5d} engine calls" if engine in calls else "whole process"
        print(f"{label:18s} {mid:6.1f} s {spread:>11s}  {made}"
              f"  speed-up {one / mid:.2f}x" + (f" (by round: {rounds})" if len(times) > 1 and
                                                engine != "serial" else ""))


if __name__ == "__main__":
    main()
