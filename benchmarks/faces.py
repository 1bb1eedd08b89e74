"""Benchmark of the faces: start-up, JSON and text output, and one actor with many options.

Run: ``.venv/bin/python benchmarks/faces.py [--only startup,json,text,wide] [--big 5x4]``.
Every figure is a whole process (``/usr/bin/time -f "%e %M"``: wall seconds and peak RSS),
best of ``--repeat`` for start-up. Conflicts are generated as in ``benchmarks/stability.py``
(n actors x k options, no infeasibility, random option prioritisation); ``wide`` is one actor
with 15 options and a second with one (65,536 states).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from stability import scenario_data

DETENTE = str(Path(sys.executable).with_name("detente"))


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit code) of one whole process; stdout discarded.
    The CPU seconds (user + system) go to :data:`CPU` (a figure less swayed by a busy
    machine than the wall time)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as fh:
        done = subprocess.run(["/usr/bin/time", "-o", fh.name, "-f", "%e %M %U %S", *argv],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env={**os.environ, **(env or {})}, check=False)
        wall, kb, user, system = fh.read().split()[-4:]
    CPU[0] = round(float(user) + float(system), 2)
    return float(wall), round(int(kb) / 1024, 1), done.returncode


CPU = [0.0]


def write(tmp: Path, data: dict, name: str) -> str:
    path = tmp / name
    path.write_text(json.dumps(data))
    return str(path)


def one_actor(width: int) -> dict:
    return {"detente": 1, "name": f"one actor {width}",
            "actors": [{"id": "A", "options": [{"id": f"o{k}"} for k in range(width)]},
                       {"id": "B", "options": [{"id": "x"}]}],
            "preferences": {"A": {"statements": ["A.o0", "not B.x"]},
                            "B": {"statements": ["B.x", "A.o1"]}}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="startup,json,text,wide")
    ap.add_argument("--big", default="5x4", help="n_actors x n_options of the JSON conflict")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    parts = args.only.split(",")
    env = {"DETENTE_MAX_STATES": str(1 << 26)}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "startup" in parts:
            for flag in ("--help", "--version"):
                runs = [timed([DETENTE, flag]) for _ in range(args.repeat)]
                print(json.dumps({"case": f"detente {flag}", "best_s": min(r[0] for r in runs),
                                  "peak_mb": min(r[1] for r in runs)}), flush=True)
        if "json" in parts:
            n, k = map(int, args.big.split("x"))
            path = write(tmp, scenario_data(n, k), "big.json")
            for concepts in ("nash,gmr,smr,seq", "nash,gmr,smr,seq,sim"):
                wall, mb, rc = timed([DETENTE, "stability", path, "-c", concepts, "--json"], env)
                print(json.dumps({"case": f"stability --json {n}x{k} ({1 << n * k} states) "
                                  f"-c {concepts}", "wall_s": wall, "cpu_s": CPU[0],
                                  "peak_mb": mb, "rc": rc}),
                      flush=True)
        if "text" in parts:
            path = write(tmp, scenario_data(4, 4), "mid.json")
            for target in ("korea-2017", path):
                wall, mb, rc = timed([DETENTE, "stability", target], env)
                label = "korea-2017" if target == "korea-2017" else "4x4 (65,536 states)"
                print(json.dumps({"case": f"stability (text) {label}", "wall_s": wall,
                                  "cpu_s": CPU[0], "peak_mb": mb, "rc": rc}), flush=True)
        if "wide" in parts:
            for width, argv in ((15, ["stability"]), (15, ["stability", "-c", "nash,gmr,smr,seq"]),
                                (15, ["coalitions"]), (22, ["stability"])):
                path = write(tmp, one_actor(width), f"wide{width}.json")
                wall, mb, rc = timed([DETENTE, *argv, path])
                print(json.dumps({"case": f"one actor with {width} options: {' '.join(argv)}",
                                  "wall_s": wall, "cpu_s": CPU[0], "peak_mb": mb, "rc": rc}),
                      flush=True)


if __name__ == "__main__":
    main()
