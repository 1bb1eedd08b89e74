"""Benchmark of inverse analysis: time and peak memory on the engine's benchmark conflicts.

Run: ``.venv/bin/python benchmarks/inverse.py [--sizes 4x4] [--concepts nash,gmr,smr,seq]
[--targets 2]``.
Conflicts come from :func:`benchmarks.stability.scenario_data` (n actors x k options, no
infeasibility, all options reversible, random option prioritisation; 4x4 = 65,536 states).
Targets: the state with no option taken, then states drawn at random (seeded). Each size runs
in a fresh process so peak memory (ru_maxrss) is per size. Reported per concept and target:
the inverse analysis itself (conditions and the smallest change for every actor), the whole
call including the engine check with every change applied, how many actors need a change,
their pairwise swaps and whether each change is proven minimal; then the statement-edit
search (:mod:`detente.conflict.edits`, up to two edits, no engine re-check): its time, the
edits found per actor (``None``: none of at most two) and the statement lists checked.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stability import scenario_data


def run_one(n_actors: int, n_options: int, concepts: str, n_targets: int) -> dict:
    os.environ.setdefault("DETENTE_MAX_STATES", str(1 << 26))
    from detente.conflict import build_model
    from detente.conflict.edits import statement_edits
    from detente.conflict.inverse import inverse
    from detente.scenario import from_data

    scenario = from_data(scenario_data(n_actors, n_options))
    t0 = time.perf_counter()
    model = build_model(scenario)
    payoffs = model.payoffs()
    t1 = time.perf_counter()
    rng = random.Random(0)
    n = model.space.n_states
    targets = [0] + [int(model.space.codes[rng.randrange(n)]) for _ in range(n_targets - 1)]
    runs = []
    for code in targets:
        for concept in concepts.split(","):
            tc = time.perf_counter()
            r = inverse(scenario, code, concept, model=model, payoffs=payoffs)
            total = time.perf_counter() - tc
            changes = r.changes()
            te = time.perf_counter()
            edits = statement_edits(scenario, code, concept, model=model, verify=False)
            edits_s = time.perf_counter() - te
            runs.append({
                "target": r.code_text(code),
                "concept": concept,
                "inverse_s": r.parameters["inverse_seconds"],
                "with_check_s": round(total, 3),
                "moves_per_actor": [len(a.conditions) for a in r.actors],
                "sanction_states": sum(c.n_sanctions for a in r.actors for c in a.conditions),
                "actors_changed": len(changes),
                "swaps": {k: v.swaps for k, v in changes.items()},
                "exact": all(v.exact for v in changes.values()),
                "stable_after": None if r.after is None else all(r.after.values()),
                "statement_edits_s": round(edits_s, 3),
                "statement_edits": {k: len(v.edits) if v.found else None
                                    for k, v in edits.items() if not v.stable},
                "lists_checked": sum(v.evaluated for v in edits.values()),
            })
    return {
        "size": f"{n_actors}x{n_options}",
        "states": n,
        "build_s": round(t1 - t0, 3),
        "runs": runs,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="4x4")
    ap.add_argument("--concepts", default="nash,gmr,smr,seq")
    ap.add_argument("--targets", type=int, default=2)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        n, k = map(int, args.one.split("x"))
        print(json.dumps(run_one(n, k, args.concepts, args.targets)))
        return
    for size in args.sizes.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--one", size, "--concepts", args.concepts,
             "--targets", str(args.targets)],
            capture_output=True, text=True, check=False,
        )
        if out.returncode != 0 or not out.stdout.strip():
            print(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed",
                  flush=True)
            continue
        data = json.loads(out.stdout)
        print(f"{data['size']}: {data['states']:,} states, build {data['build_s']} s, "
              f"peak RSS {data['peak_rss_mb']} MB", flush=True)
        for r in data["runs"]:
            print(f"  {r['concept']:>4} at {r['target']}: inverse {r['inverse_s']:.3f} s "
                  f"(with engine check {r['with_check_s']:.3f} s); moves {r['moves_per_actor']}, "
                  f"{r['sanction_states']:,} sanction states; changes {r['swaps']} "
                  f"exact={r['exact']} stable_after={r['stable_after']}", flush=True)
            print(f"        statement edits {r['statement_edits_s']:.3f} s: "
                  f"{r['statement_edits']} ({r['lists_checked']:,} lists checked)", flush=True)


if __name__ == "__main__":
    main()
