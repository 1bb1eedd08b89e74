"""Benchmark ``detente analyze`` on korea-2017, whole process (not a test).

Target (issue 12): ``detente analyze`` on the bundled korea-2017 — the declared rules, the
comparison across move rules (unilateral moves only, the five-party coalition for every
variant) and the sensitivity pass — under 15 s whole-process on a 2-core machine, i.e. what

    time .venv/bin/detente analyze > /dev/null

measures. Run ``python benchmarks/analyze.py [--repeat N]``; it runs the command N times
(default 3) and prints each wall time and the best, with the machine's load average (the
figure means little on a loaded machine). Exit status 1 if the best run misses the target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time

TARGET_SECONDS = 15.0


def main(argv: list[str] | None = None) -> int:
    """Time the command; return 0 if the best run is under the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("args", nargs="*", default=[],
                        help="extra arguments for `detente analyze` (e.g. --rules all)")
    ns = parser.parse_args(argv)
    exe = os.path.join(os.path.dirname(sys.executable), "detente")
    if not os.path.exists(exe):
        exe = shutil.which("detente") or "detente"
    cmd = [exe, "analyze", *ns.args]
    times = []
    for k in range(ns.repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"run {k + 1}: {times[-1]:.1f} s (load average {load:.1f})")
    best = min(times)
    ok = best < TARGET_SECONDS
    print(f"{' '.join(cmd[1:])}: best {best:.1f} s of {ns.repeat} on {os.cpu_count()} cores "
          f"(target {TARGET_SECONDS:.0f} s): {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
