"""Benchmark of `detente explore`: korea-2017, all variants, GMR, on a local pool and Dask.

Run: ``.venv/bin/python benchmarks/explore.py [--samples 10000] [--uncached 40]
[--workers 2] [--engines pool,dask] [--json]``.

Two measurements per engine (a local process pool of ``--workers`` processes, and a Dask
``LocalCluster`` of as many single-threaded worker processes):

* **uncached** (``cache=False``, ``--uncached`` samples): every (sample, variant) runs the
  GMCR engine (payoffs, stability, status-quo search with coalitions). This is the cost of a
  sweep whose every sample has a new preference profile; 10,000 samples are extrapolated
  from it. The *overhead share* is the part of the time spent outside the models
  (engine + bargaining + verification): inside the workers (sampling values, building
  preferences, scoring, rows) and in total (also the driver's writing, scheduling and the
  workers' start-up), i.e. ``1 - model time / (wall x workers)``.
* **default** (engine memo on, ``--samples`` samples, 10,000 by default): what a user runs.
  korea-2017's discrete uncertainties (alternatives and swaps) give a few hundred distinct
  preference profiles, so most engine evaluations are answered by the per-process memo.

The state space and move structure are built once per process and reused for every sample;
only preferences change.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any


def run(engine: str, workers: int, samples: int, cache: bool, folder: Path) -> dict[str, Any]:
    from detente.strategy.explore import explore

    kw: dict[str, Any] = {"workers": workers} if engine == "pool" else \
        {"cluster": f"local:{workers}"}
    out = folder / f"{engine}-{samples}-{'cache' if cache else 'nocache'}.parquet"
    r = explore(None, out, samples, seed=0, concept="gmr", cache=cache, progress=False, **kw)
    models = r.engine_s + r.models_s
    return {
        "engine": engine,
        "workers": r.workers,
        "samples": samples,
        "cache": cache,
        "rows": r.rows,
        "wall_s": round(r.seconds, 2),
        "samples_per_s": round(samples / r.seconds, 2),
        "extrapolated_10k_s": round(10_000 * r.seconds / samples, 0),
        "engine_calls": r.engine_calls,
        "cache_hits": r.cache_hits,
        "engine_s": round(r.engine_s, 2),
        "models_s": round(r.models_s, 2),
        "worker_s": round(r.worker_s, 2),
        "per_sample_engine_ms": round(1000 * r.engine_s / samples, 1),
        "per_sample_worker_ms": round(1000 * r.worker_s / samples, 1),
        "overhead_in_workers": round(1 - models / r.worker_s, 4) if r.worker_s else None,
        "overhead_total": round(1 - models / (r.seconds * r.workers), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=10_000, help="samples of the default run")
    ap.add_argument("--uncached", type=int, default=40, help="samples of the uncached run")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engines", default="pool,dask")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for engine in args.engines.split(","):
            if args.uncached:
                rows.append(run(engine, args.workers, args.uncached, False, Path(tmp)))
            if args.samples:
                rows.append(run(engine, args.workers, args.samples, True, Path(tmp)))
            if not args.json:
                for r in rows[-2:]:
                    print(json.dumps(r), file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    head = ("engine", "workers", "cache", "samples", "wall_s", "samples_per_s",
            "extrapolated_10k_s", "engine_calls", "cache_hits", "overhead_in_workers",
            "overhead_total")
    print(" | ".join(head))
    for r in rows:
        print(" | ".join(str(r[h]) for h in head))


if __name__ == "__main__":
    main()
