"""Benchmark the bargaining models (not a test).

Targets (issue #6):

* expected-utility model, 1,000 actors, 10 rounds: under 30 s on 2 cores, peak RSS < 4 GB;
* exchange model, 80 actors and 6 issues: one round under 5 s.

Run ``python benchmarks/bargain.py`` (each case runs in its own process so that its peak
RSS, from ``resource.getrusage``, is its own). Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

# Pin BLAS/OpenMP pools to the 2 cores the targets assume (before numpy is imported).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "2")

EU_SECONDS = 30.0
EXCHANGE_SECONDS = 5.0
RSS_LIMIT_MB = 4096.0


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


def bench_eu(actors: int, rounds: int, variant: str, seed: int) -> bool:
    """Time the EU model on random actors; print the figures; return whether on target."""
    import numpy as np

    from detente.bargain.eu import run_eu

    rng = np.random.default_rng(seed)
    names = [f"actor{i}" for i in range(actors)]
    capability = rng.uniform(0.05, 1.0, actors)
    salience = rng.uniform(0.05, 1.0, actors)
    positions = np.round(rng.uniform(0.0, 100.0, actors), 1)
    start = time.perf_counter()
    result = run_eu(names, capability, salience, positions, variant=variant, rounds=rounds)
    elapsed = time.perf_counter() - start
    rss = _peak_rss_mb()
    done = len(result.rounds) - 1
    ok = elapsed < EU_SECONDS and rss < RSS_LIMIT_MB
    print(
        f"eu       actors={actors} rounds={done} variant={variant} "
        f"time={elapsed:.2f}s ({elapsed / max(done, 1):.3f} s/round) "
        f"peak_rss={rss:.0f}MB  final median={result.rounds[-1].median:.4f} "
        f"mean={result.rounds[-1].mean:.4f}  "
        f"[target <{EU_SECONDS:.0f}s, <{RSS_LIMIT_MB:.0f}MB: {'OK' if ok else 'MISSED'}]"
    )
    return ok


def bench_exchange(actors: int, issues: int, rounds: int, seed: int) -> bool:
    """Time the exchange model on random actors; print the figures; return whether on target."""
    import numpy as np

    from detente.bargain.data import build_issue_table
    from detente.bargain.exchange import run_exchange

    rng = np.random.default_rng(seed)
    rows = [
        (f"actor{i}", f"issue{d}", float(rng.choice([0, 25, 50, 75, 100])),
         float(rng.uniform(0.1, 1.0)), float(rng.uniform(0.1, 1.0)))
        for i in range(actors)
        for d in range(issues)
    ]
    table = build_issue_table(rows, {f"issue{d}": (0.0, 100.0) for d in range(issues)})
    start = time.perf_counter()
    result = run_exchange(table, rounds=rounds)
    elapsed = time.perf_counter() - start
    rss = _peak_rss_mb()
    done = len(result.exchanges)
    per_round = elapsed / max(done, 1)
    ok = per_round < EXCHANGE_SECONDS
    print(
        f"exchange actors={actors} issues={issues} rounds={done} "
        f"time={elapsed:.2f}s ({per_round:.3f} s/round) peak_rss={rss:.0f}MB  "
        f"candidates/round={list(result.candidates)} "
        f"realised/round={[len(r) for r in result.exchanges]}  "
        f"[target <{EXCHANGE_SECONDS:.0f}s/round: {'OK' if ok else 'MISSED'}]"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the benchmarks; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["all", "eu", "exchange"], default="all")
    parser.add_argument("--actors", type=int, default=1000, help="EU actors")
    parser.add_argument("--rounds", type=int, default=10, help="EU rounds")
    parser.add_argument("--variant", default="scholz", choices=["scholz", "textbook"])
    parser.add_argument("--exchange-actors", type=int, default=80)
    parser.add_argument("--issues", type=int, default=6)
    parser.add_argument("--exchange-rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.only == "eu":
        return 0 if bench_eu(args.actors, args.rounds, args.variant, args.seed) else 1
    if args.only == "exchange":
        ok = bench_exchange(args.exchange_actors, args.issues, args.exchange_rounds, args.seed)
        return 0 if ok else 1
    status = 0
    passthrough = [a for a in (argv if argv is not None else sys.argv[1:])
                   if not a.startswith("--only")]
    for case in ("eu", "exchange"):
        child = subprocess.run(
            [sys.executable, __file__, "--only", case, *passthrough], check=False
        )
        status = status or child.returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main())
