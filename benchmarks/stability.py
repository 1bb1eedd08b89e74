"""Benchmark of the conflict engine: time and peak memory for large random conflicts.

Run: ``.venv/bin/python benchmarks/stability.py [--sizes 4x4,5x4] [--concepts ...]``.
Conflicts: n actors x k options, no infeasibility, all options reversible, random option
prioritisation (6 statements of 1-2 literals each) per actor. Each size runs in a fresh
process so peak memory (ru_maxrss) is per size.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time


def scenario_data(n_actors: int, n_options: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    refs = [f"A{i}.o{j}" for i in range(n_actors) for j in range(n_options)]
    actors = [
        {"id": f"A{i}", "options": [{"id": f"o{j}"} for j in range(n_options)]}
        for i in range(n_actors)
    ]

    def literal() -> str:
        r = rng.choice(refs)
        return r if rng.random() < 0.5 else f"not {r}"

    prefs = {}
    for i in range(n_actors):
        stm = []
        for _ in range(6):
            k = rng.choice([1, 2])
            stm.append(" and ".join(literal() for _ in range(k)) if rng.random() < 0.5
                       else " or ".join(literal() for _ in range(k)))
        prefs[f"A{i}"] = {"statements": stm}
    return {"detente": 1, "name": f"bench {n_actors}x{n_options}", "actors": actors,
            "preferences": prefs}


def run_one(n_actors: int, n_options: int, concepts: str, sanctions: str) -> dict:
    import os

    os.environ.setdefault("DETENTE_MAX_STATES", str(1 << 26))
    from detente.conflict import analyse, build_model
    from detente.scenario import from_data

    scenario = from_data(scenario_data(n_actors, n_options))
    t0 = time.perf_counter()
    model = build_model(scenario)
    t1 = time.perf_counter()
    timings = {}
    result = None
    for c in concepts.split(","):
        tc = time.perf_counter()
        result = analyse(scenario, c, sanctions, model=model)
        timings[c] = round(time.perf_counter() - tc, 3)
    t2 = time.perf_counter()
    assert result is not None
    return {
        "size": f"{n_actors}x{n_options}",
        "states": model.space.n_states,
        "build_s": round(t1 - t0, 3),
        "analyse_s": round(t2 - t1, 3),
        "per_concept_s": timings,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="4x4,5x4")
    ap.add_argument("--concepts", default="nash,gmr,smr,seq,sim")
    ap.add_argument("--sanctions", default="legal")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        n, k = map(int, args.one.split("x"))
        print(json.dumps(run_one(n, k, args.concepts, args.sanctions)))
        return
    for size in args.sizes.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--one", size, "--concepts", args.concepts,
             "--sanctions", args.sanctions],
            capture_output=True, text=True, check=False,
        )
        print(out.stdout.strip() or out.stderr.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
