"""Load test of the browser workbench on loopback (bounded).

Run: ``.venv/bin/python benchmarks/web_load.py [--pages 50] [--runs 10]
[--page-scenario korea-2017] [--run-scenario prisoners-dilemma] [--timeout 300]``.

Starts ``detente serve`` in a subprocess on 127.0.0.1 (a free port, a temporary database),
computes one result (``--page-scenario`` with two variants when it has them), then

1. requests its results page ``--pages`` times at once;
2. starts ``--runs`` runs of ``--run-scenario`` at once and waits for all of them.

It fails (exit code 1) on any error answer, any run that does not finish as ``done`` or is
missing from the run list (a lost run), or when ``--timeout`` seconds pass. It prints the
latency of the page requests, of the run submissions and of the runs (submission to done):
median, 95th percentile and maximum.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

import httpx


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, data: str, max_runs: int) -> subprocess.Popen[bytes]:
    """``detente serve`` in a subprocess (the command's function, called directly)."""
    code = ("import sys; from detente.cli.serve import serve; "
            f"serve(host='127.0.0.1', port={port}, data={data!r}, max_runs={max_runs})")
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def stop(server: subprocess.Popen[bytes]) -> str:
    """Stop the server subprocess; return what it wrote on stderr."""
    if server.stderr is None or server.stderr.closed:
        return ""  # already stopped
    if server.returncode is None:
        server.terminate()
    try:
        _, err = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        _, err = server.communicate()
    return (err or b"").decode("utf-8", "replace")


def percentiles(xs: list[float]) -> dict[str, float]:
    """Median, 95th percentile and maximum, in milliseconds."""
    s = sorted(xs)
    p95 = s[min(len(s) - 1, max(0, round(0.95 * len(s)) - 1))]
    return {"n": len(s), "p50_ms": 1000 * statistics.median(s), "p95_ms": 1000 * p95,
            "max_ms": 1000 * s[-1]}


async def wait_ready(client: httpx.AsyncClient, deadline: float) -> None:
    """Wait until the server answers."""
    while True:
        try:
            if (await client.get("/api/scenarios")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not start")
        await asyncio.sleep(0.2)


async def wait_run(client: httpx.AsyncClient, rid: int, deadline: float) -> dict[str, Any]:
    """Poll a run until it has finished."""
    while True:
        r = await client.get(f"/api/runs/{rid}")
        r.raise_for_status()
        info: dict[str, Any] = r.json()
        if info["status"] not in ("queued", "running"):
            return info
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {rid} still {info['status']}")
        await asyncio.sleep(0.1)


async def load(base: str, args: argparse.Namespace, deadline: float) -> dict[str, Any]:
    """The whole load test against a running server; returns the figures."""
    errors: list[str] = []
    limits = httpx.Limits(max_connections=max(args.pages, args.runs) + 5)
    async with httpx.AsyncClient(base_url=base, timeout=60.0, limits=limits) as client:
        await wait_ready(client, deadline)
        resp = await client.get(f"/api/scenarios/{args.page_scenario}")
        if resp.status_code != 200:
            raise RuntimeError(f"scenario {args.page_scenario!r}: {resp.json()['detail']}")
        scen = resp.json()
        variants = [v["id"] for v in scen["structure"]["variants"]]
        chosen = [v for v in ("freeze-then-cap", "max-pressure") if v in variants] or \
            variants[:2]
        r = await client.post("/api/runs", json={"scenario": args.page_scenario,
                                                 "variants": chosen})
        r.raise_for_status()
        first = await wait_run(client, r.json()["id"], deadline)
        if first["status"] != "done":
            raise RuntimeError(f"the result-page run ended {first['status']}: {first['error']}")
        page = f"/runs/{first['id']}"

        async def get_page() -> float:
            t0 = time.perf_counter()
            resp = await client.get(page)
            dt = time.perf_counter() - t0
            if resp.status_code != 200 or 'id="comparison"' not in resp.text:
                errors.append(f"GET {page}: {resp.status_code}")
            return dt

        t0 = time.perf_counter()
        page_times = await asyncio.gather(*[get_page() for _ in range(args.pages)])
        pages_wall = time.perf_counter() - t0

        async def one_run() -> tuple[float, float, int | None]:
            t0 = time.perf_counter()
            resp = await client.post("/api/runs", json={"scenario": args.run_scenario})
            submitted = time.perf_counter() - t0
            if resp.status_code != 202:
                errors.append(f"POST /api/runs: {resp.status_code} {resp.text[:200]}")
                return submitted, float("nan"), None
            rid = int(resp.json()["id"])
            info = await wait_run(client, rid, deadline)
            if info["status"] != "done":
                errors.append(f"run {rid}: {info['status']} ({info['error']})")
            res = await client.get(f"/api/runs/{rid}/result")
            if res.status_code != 200:
                errors.append(f"GET /api/runs/{rid}/result: {res.status_code}")
            return submitted, time.perf_counter() - t0, rid

        t0 = time.perf_counter()
        runs = await asyncio.gather(*[one_run() for _ in range(args.runs)])
        runs_wall = time.perf_counter() - t0
        ids = {rid for _, _, rid in runs if rid is not None}
        listed = {int(x["id"]): x["status"]
                  for x in (await client.get("/api/runs?limit=500")).json()}
        lost = sorted(rid for rid in ids if listed.get(rid) != "done")
        if lost or len(ids) != args.runs:
            errors.append(f"lost runs: {lost}; {len(ids)} of {args.runs} accepted")
    return {
        "pages": {**percentiles(list(page_times)), "wall_s": pages_wall},
        "run_submit": percentiles([s for s, _, _ in runs]),
        "run_done": {**percentiles([d for _, d, rid in runs if rid is not None] or [0.0]),
                     "wall_s": runs_wall},
        "runs_done": sum(1 for rid in ids if listed.get(rid) == "done"),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the load test; print the figures; return 0 when nothing went wrong."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=50, help="concurrent result-page requests")
    ap.add_argument("--runs", type=int, default=10, help="concurrent runs")
    ap.add_argument("--page-scenario", default="korea-2017")
    ap.add_argument("--run-scenario", default="prisoners-dilemma")
    ap.add_argument("--timeout", type=float, default=300.0, help="bound on the whole test (s)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if not (1 <= args.pages <= 500 and 1 <= args.runs <= 100):
        ap.error("--pages must be 1..500 and --runs 1..100")
    data = tempfile.mkdtemp(prefix="detente-load-")
    port = free_port()
    server = start_server(port, data, max_runs=max(16, args.runs))
    deadline = time.monotonic() + args.timeout
    try:
        figures = asyncio.run(asyncio.wait_for(load(f"http://127.0.0.1:{port}", args, deadline),
                                               timeout=args.timeout))
    except (TimeoutError, RuntimeError, httpx.HTTPError) as exc:
        print(f"load test failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        err = stop(server)
        if err.strip():
            print("server said:\n" + err.strip()[-2000:], file=sys.stderr)
        return 1
    finally:
        stop(server)
        shutil.rmtree(data, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        cpus = os.cpu_count()
        print(f"detente workbench load test on 127.0.0.1 ({cpus} CPUs)")
        for name, label in (("pages", f"{args.pages} concurrent results pages"),
                            ("run_submit", f"{args.runs} concurrent run submissions"),
                            ("run_done", f"{args.runs} runs, submission to done")):
            f = figures[name]
            extra = f"  (all in {f['wall_s']:.2f} s)" if "wall_s" in f else ""
            print(f"  {label:42s} p50 {f['p50_ms']:8.1f} ms  p95 {f['p95_ms']:8.1f} ms  "
                  f"max {f['max_ms']:8.1f} ms{extra}")
        print(f"  runs done: {figures['runs_done']} of {args.runs}; errors: "
              f"{len(figures['errors'])}")
    for e in figures["errors"]:
        print(f"error: {e}", file=sys.stderr)
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
