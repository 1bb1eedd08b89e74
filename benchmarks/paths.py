"""Benchmark of status-quo analysis: time and peak memory on large random conflicts.

Run: ``.venv/bin/python benchmarks/paths.py [--sizes 4x4] [--concept seq] [--coalitions 3x3]
[--coalition-analysis 3x4]``.
Conflicts come from :func:`benchmarks.stability.scenario_data` (n actors x k options, no
infeasibility, all options reversible, random option prioritisation) with the status quo "no
option taken". Each size runs in a fresh process so peak memory (ru_maxrss) is per size.
Reported: model build, the stability analysis that finds the equilibria, the reachability
search (BFS over (state, last mover)), the number of reachable states and equilibria.
``--coalition-analysis`` times :func:`detente.conflict.coalitions.analyse_coalitions` over every
coalition instead.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stability import scenario_data


def run_one(n_actors: int, n_options: int, concept: str, coalitions: bool) -> dict:
    os.environ.setdefault("DETENTE_MAX_STATES", str(1 << 26))
    from detente.conflict import analyse, build_model
    from detente.conflict.coalitions import MoveGraph
    from detente.conflict.paths import legal_bfs, status_quo_paths
    from detente.scenario import from_data

    data = scenario_data(n_actors, n_options)
    data["status_quo"] = "N" * (n_actors * n_options)
    scenario = from_data(data)
    t0 = time.perf_counter()
    model = build_model(scenario)
    payoffs = model.payoffs()
    t1 = time.perf_counter()
    analyse(scenario, concept, model=model, payoffs=payoffs)
    t2 = time.perf_counter()
    # reachability alone (unilateral improvements, legal sequences)
    g = MoveGraph(model, payoffs)
    succ = [functools.partial(g.improvements_from, k) for k in range(n_actors)]
    start = int(model.space.position(np.array([0], dtype=np.int64))[0])
    tree = legal_bfs(g.n, succ, start)
    t3 = time.perf_counter()
    # the whole analysis as the CLI runs it (stability again, search, paths, edges)
    result = status_quo_paths(scenario, concept, coalitions=coalitions, model=model,
                              payoffs=payoffs)
    t4 = time.perf_counter()
    return {
        "size": f"{n_actors}x{n_options}",
        "states": model.space.n_states,
        "concept": concept,
        "coalitions": coalitions,
        "build_s": round(t1 - t0, 3),
        "stability_s": round(t2 - t1, 3),
        "reachability_s": round(t3 - t2, 3),
        "status_quo_paths_s": round(t4 - t3, 3),
        "bfs_levels": int(tree.depth.max()),
        "reachable": result.n_reachable,
        "equilibria": len(result.equilibria()),
        "reachable_equilibria": len(result.reachable_equilibria()),
        "edges_kept": None if result.edges is None else int(result.edges.shape[0]),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_coalitions(n_actors: int, n_options: int) -> dict:
    from detente.conflict.coalitions import analyse_coalitions
    from detente.scenario import from_data

    scenario = from_data(scenario_data(n_actors, n_options))
    t0 = time.perf_counter()
    result = analyse_coalitions(scenario, coalitions="all")
    t1 = time.perf_counter()
    return {
        "size": f"{n_actors}x{n_options}",
        "states": int(result.codes.shape[0]),
        "coalitions": len(result.coalitions),
        "analyse_coalitions_s": round(t1 - t0, 3),
        "equilibria_individual_vs_surviving": {
            c: [len(result.individual_equilibria(c)), len(result.survivors(c))]
            for c in result.concepts
        },
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="4x4", help="unilateral runs, e.g. 4x4,3x5")
    ap.add_argument("--coalitions", default="",
                    help="runs with coalition moves (every coalition), e.g. 3x3")
    ap.add_argument("--coalition-analysis", default="",
                    help="time coalition analysis over every coalition, e.g. 3x4")
    ap.add_argument("--concept", default="seq")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--one-coalitions", help=argparse.SUPPRESS)
    ap.add_argument("--with-coalitions", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_coalitions:
        n, k = map(int, args.one_coalitions.split("x"))
        print(json.dumps(run_coalitions(n, k)))
        return
    if args.one:
        n, k = map(int, args.one.split("x"))
        print(json.dumps(run_one(n, k, args.concept, args.with_coalitions)))
        return
    runs = [(s, False) for s in args.sizes.split(",") if s]
    runs += [(s, True) for s in args.coalitions.split(",") if s]
    for size, joint in runs:
        cmd = [sys.executable, __file__, "--one", size, "--concept", args.concept]
        if joint:
            cmd.append("--with-coalitions")
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        print(out.stdout.strip() or out.stderr.strip().splitlines()[-1], flush=True)
    for size in (s for s in args.coalition_analysis.split(",") if s):
        cmd = [sys.executable, __file__, "--one-coalitions", size]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        print(out.stdout.strip() or out.stderr.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
