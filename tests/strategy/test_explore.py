"""`detente explore`: uncertainties, sampling, evaluation, engines, resume, summary and PRIM.

The sweeps run on a small scenario (3 actors, 6 options) so that the whole file stays fast;
one test evaluates the korea-2017 scenario against `analyze_variant`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import detente
from detente.cli import explore as explore_cli
from detente.cli import main as cli_main
from detente.conflict import build_model
from detente.errors import ScenarioError
from detente.loading import from_data, load_scenario
from detente.strategy.analysis import analyze_variant
from detente.strategy.explore import (
    design,
    explore,
    parse_uncertainties,
    prim,
    read_results,
    summarize,
)
from detente.strategy.explore.evaluate import context, make_job

pytestmark = pytest.mark.regression

SMALL = """\
detente: 1
name: Small test conflict
actors:
  - id: US
    options: [{id: negotiate}, {id: pressure}]
  - id: NK
    options: [{id: freeze}, {id: cap}, {id: provoke}]
  - id: CN
    options: [{id: push}]
infeasible:
  - NK.freeze and NK.provoke
  - NK.cap and not NK.freeze
preferences:
  US:
    statements: [NK.freeze, not NK.provoke, NK.cap, US.negotiate if CN.push, not US.pressure]
  NK:
    statements: [not US.pressure, NK.freeze iff (US.negotiate and CN.push), NK.provoke,
                 not NK.cap]
  CN:
    statements: [not NK.provoke, CN.push iff US.negotiate]
status_quo: [US.pressure, NK.provoke]
outcomes:
  - {id: freeze-and-cap, when: NK.freeze and NK.cap, regime: cap}
  - {id: freeze, when: NK.freeze, regime: freeze}
interests:
  - id: security
    weight: 0.6
    score: [{when: NK.freeze, points: 2}, {when: NK.cap, points: 1},
            {when: not NK.provoke, points: 1}]
  - id: alliance
    weight: 0.4
    score: [{when: not US.negotiate, points: 1}, {when: CN.push, points: 1}]
variants:
  - id: talks
    coalitions: [[US, CN]]
    preferences:
      US:
        statements: [NK.freeze, US.negotiate, not US.pressure, NK.cap]
  - id: pressure
    infeasible: [US.negotiate]
issues:
  - id: demand
    name: Demand
    scale: {lower: 0, upper: 100}
    positions:
      US: {position: 100, capability: 100, salience: 0.9}
      NK: {position: 0, capability: 25, salience: 1.0}
      CN: {position: 30, capability: 70, salience: 0.6}
verification:
  capacity: {machines: 2000, swu_per_machine_year: 3.5}
  freeze: {restart_months: 1.0}
  cap: {machines: 1000}
uncertainties:
  statements:
    - actor: NK
      statement: NK.freeze iff (US.negotiate and CN.push)
      alternatives:
        - {when: NK.freeze iff (US.negotiate and CN.push), p: 0.6}
        - {when: not NK.freeze, p: 0.4}
    - actor: NK
      statement: not NK.cap
      alternatives: [{when: not NK.cap, p: 0.5}, {drop: true, p: 0.5}]
  swaps:
    - {actor: CN, statement: not NK.provoke, p: 0.3}
  weights:
    security: [0.4, 0.8]
  bargaining:
    demand:
      NK: {position: [0, 30], salience: [0.7, 1.0]}
  verification:
    capacity.machines: [1000, 4000]
    freeze.restart_months: [0.5, 3]
"""


@pytest.fixture(scope="module", autouse=True)
def _cli_registered() -> None:
    """Register `detente explore` on the app (main.py's _register does it once wired in)."""
    cli_main._register()
    if "explore" not in [g.name for g in cli_main.app.registered_groups]:
        explore_cli.register(cli_main.app)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def _data() -> dict[str, Any]:
    return yaml.safe_load(SMALL)


def _write(tmp_path: Path, data: dict[str, Any], name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# -- uncertainties and sampling ------------------------------------------------------------


def test_parse_uncertainties(small: Path) -> None:
    space = parse_uncertainties(load_scenario(small))
    kinds = {p.name: (p.kind, p.target) for p in space.parameters}
    assert kinds == {
        "stmt:NK:NK.freeze iff (US.negotiate and CN.push)": ("choice", "statement"),
        "stmt:NK:not NK.cap": ("choice", "statement"),
        "swap:CN:not NK.provoke": ("swap", "swap"),
        "weight:security": ("range", "weight"),
        "bargain:demand:NK:position": ("range", "bargain"),
        "bargain:demand:NK:salience": ("range", "bargain"),
        "verify:capacity.machines": ("range", "verify"),
        "verify:freeze.restart_months": ("range", "verify"),
    }
    machines = next(p for p in space.parameters if p.name == "verify:capacity.machines")
    assert machines.integer and machines.value(0.0) == 1000 and machines.value(0.9999) == 4000
    choice = space.parameters[0]
    assert [choice.value(u) for u in (0.0, 0.59, 0.61, 0.999)] == [0, 0, 1, 1]
    assert space.parameters[2].value(0.29) is True and space.parameters[2].value(0.31) is False


def test_korea_uncertainties_load() -> None:
    space = parse_uncertainties(load_scenario(detente.scenario_path()))
    assert space.dimension >= 10
    assert {p.target for p in space.parameters} == {"statement", "swap", "weight", "bargain",
                                                     "verify"}


@pytest.mark.parametrize("method", ["lhs", "mc"])
def test_design_seeded(method: str) -> None:
    a = design(50, 4, seed=7, method=method)
    assert a.shape == (50, 4) and ((a >= 0) & (a < 1)).all()
    assert np.array_equal(a, design(50, 4, seed=7, method=method))
    assert not np.array_equal(a, design(50, 4, seed=8, method=method))
    if method == "lhs":  # one point per stratum in every dimension
        assert all(sorted(np.floor(a[:, j] * 50).astype(int)) == list(range(50))
                   for j in range(4))
    else:  # sample i depends only on (seed, i)
        assert np.array_equal(a[:20], design(20, 4, seed=7, method=method))


BAD = [
    (lambda u: u["statements"][0].update(actor="XX"), "uncertainties.statements[0].actor",
     "unknown actor 'XX'"),
    (lambda u: u["statements"][0].update(statement="NK.provoke and NK.cap"),
     "uncertainties.statements[0].statement", "no statement"),
    (lambda u: u["statements"][1]["alternatives"][0].update(p=1.5),
     "uncertainties.statements[1].alternatives[0].p", "outside [0, 1]"),
    (lambda u: u["statements"][0]["alternatives"][1].update(p=0.3),
     "uncertainties.statements[0].alternatives", "sum to 0.9, not 1"),
    (lambda u: u["swaps"][0].update(p=-0.1), "uncertainties.swaps[0].p", "outside [0, 1]"),
    (lambda u: u["swaps"][0].update(statement="CN.push iff US.negotiate"),
     "uncertainties.swaps[0].statement", "that has a statement after it"),
    (lambda u: u["weights"].update(missing=[0, 1]), "uncertainties.weights.missing",
     "unknown interest"),
    (lambda u: u["weights"].update(security=[0.9, 0.1]), "uncertainties.weights",
     "low above high"),
    (lambda u: u["bargaining"]["demand"].update(RU={"position": [0, 1]}),
     "uncertainties.bargaining.demand.RU", "unknown actor 'RU'"),
    (lambda u: u["bargaining"]["demand"]["NK"].update(position=[0, 130]),
     "uncertainties.bargaining.demand.NK.position", "leaves [0, 100]"),
    (lambda u: u["verification"].update({"capacity.nothing": [1, 2]}),
     "uncertainties.verification.capacity.nothing", "no field 'nothing'"),
    (lambda u: u["statements"][0]["alternatives"][0].update(when="NK.freeze and"),
     "uncertainties.statements[0].alternatives[0].when", "cannot parse"),
    (lambda u: u.update(colour=1), "uncertainties.colour", "unknown field"),
]


@pytest.mark.parametrize(("edit", "field", "message"), BAD)
def test_bad_uncertainties_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           edit: Any, field: str, message: str) -> None:
    data = _data()
    edit(data["uncertainties"])
    path = _write(tmp_path, data)
    with pytest.raises(ScenarioError) as info:
        parse_uncertainties(load_scenario(path))
    assert info.value.field == field and message in info.value.message
    assert info.value.line is not None
    rc = cli_main.main(["explore", str(path), "--samples", "2", "--workers", "1",
                        "--out", str(tmp_path / "r.parquet")])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert err.count("\n") == 0 and field in err and message in err and str(path) in err


# -- evaluation against the main analysis --------------------------------------------------


def _rows_at_base(scenario: Any, variants: list[str], concept: str) -> dict[str, dict[str, Any]]:
    """Evaluate one sample whose values are the file's own assumptions."""
    job = make_job(scenario, variants, concept)
    ctx = context(job)
    values: list[Any] = []
    for p in ctx.space.parameters:
        if p.kind == "choice":
            values.append(p.labels.index(p.statement) if p.statement in p.labels else 0)
        elif p.kind == "swap":
            values.append(False)
        elif p.target == "weight":
            values.append(next(i.weight for i in scenario.interests if i.id == p.path[0]))
        else:
            values.append(p.low)
    cols: dict[str, list[Any]] = {n: [] for n, _ in ctx.schema}
    ctx.sample(0, values, cols)
    return {v: {n: cols[n][k] for n in cols} for k, v in enumerate(variants)}


def _check_against_analysis(scenario: Any, rows: dict[str, dict[str, Any]],
                            concept: str) -> None:
    for vid, row in rows.items():
        s = load_scenario(scenario.source, variant=vid) if vid != "base" else scenario
        va = analyze_variant(s, build_model(s), (concept,), concept)
        assert row["n_equilibria"] == va.n_reachable_equilibria, vid
        assert row["best_state"] == (va.top.state if va.top else None), vid
        if va.top:
            assert row["score"] == pytest.approx(va.top.total, abs=1e-12), vid
        assert va.tracked, vid
        for tid, status in va.tracked.items():
            assert row[f"stable.{tid}"] == status[concept], (vid, tid)
            assert row[f"reached.{tid}"] == status["reachable"], (vid, tid)


def test_small_matches_analyze_variant(small: Path) -> None:
    scen = load_scenario(small)
    rows = _rows_at_base(scen, ["base", "talks", "pressure"], "seq")
    _check_against_analysis(scen, rows, "seq")
    assert rows["talks"]["reached.freeze"] and not rows["pressure"]["reached.freeze"]
    assert rows["talks"]["regret"] == 0.0


def test_korea_matches_analyze_variant() -> None:
    scen = load_scenario(detente.scenario_path())
    variants = [v.id for v in scen.variants]
    rows = _rows_at_base(scen, variants, "gmr")
    _check_against_analysis(scen, rows, "gmr")
    assert rows["freeze-then-cap"]["outcome"] == "freeze-and-cap"


def test_alternative_changes_outcome(small: Path) -> None:
    """Sample a point where NK will not freeze: the talks variant no longer reaches one."""
    scen = load_scenario(small)
    ctx = context(make_job(scen, ["talks"], "seq"))
    cols: dict[str, list[Any]] = {n: [] for n, _ in ctx.schema}
    ctx.sample(0, ctx.space.values([0.99, 0.0, 0.9, 0.5, 0.5, 0.5, 0.5, 0.5]), cols)
    assert cols["in.stmt:NK:NK.freeze iff (US.negotiate and CN.push)"] == [1]
    assert cols["reached.freeze"] == [False]


# -- engines, determinism, resume ----------------------------------------------------------


def _run(src: Path, out: Path, **kw: Any) -> Any:
    kw.setdefault("samples", 24)
    kw.setdefault("seed", 3)
    kw.setdefault("progress", False)
    return explore(src, out, **kw)


@pytest.fixture(scope="module")
def dask_cluster() -> Any:
    distributed = pytest.importorskip("distributed")
    import logging

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
    yield cluster
    cluster.close()


def test_same_seed_same_bytes_any_engine(small: Path, tmp_path: Path, dask_cluster: Any) -> None:
    ref = _run(small, tmp_path / "serial.parquet", workers=1, chunk_size=5)
    assert ref.rows == 48 and ref.engine == "serial"
    pool = _run(small, tmp_path / "pool.parquet", workers=2, chunk_size=3)
    assert pool.engine == "pool" and pool.workers == 2
    dsk = _run(small, tmp_path / "dask.parquet", scheduler=dask_cluster.scheduler_address)
    assert dsk.engine == "dask" and dsk.workers == 2
    data = (tmp_path / "serial.parquet").read_bytes()
    assert (tmp_path / "pool.parquet").read_bytes() == data
    assert (tmp_path / "dask.parquet").read_bytes() == data
    res = read_results(tmp_path / "serial.parquet")
    assert res.n_rows == 48
    assert list(res.columns["sample"][:4]) == [0, 0, 1, 1]
    assert list(res.columns["variant"][:2]) == ["talks", "pressure"]
    assert "seconds" not in json.dumps(res.meta) and "host" not in res.columns
    log = [json.loads(x) for x in (tmp_path / "serial.log.jsonl").read_text().splitlines()]
    assert {r["event"] for r in log} == {"start", "chunk", "finish"}
    assert all("host" in r and "seconds" in r for r in log if r["event"] == "chunk")


def test_first_pass_analyses_each_profile_once(small: Path, tmp_path: Path,
                                              dask_cluster: Any) -> None:
    """Regression (issue 15): with a first pass over the distinct (variant, preference
    profile) pairs, two workers run the engine as often as one, and write the same bytes."""
    from detente.strategy.explore import evaluate

    evaluate._CONTEXTS.clear()  # this process may analyse profiles too, while workers start
    pool = _run(small, tmp_path / "two.parquet", workers=2, chunk_size=2)
    ref = _run(small, tmp_path / "one.parquet", workers=1, chunk_size=2)
    dsk = _run(small, tmp_path / "dask.parquet", scheduler=dask_cluster.scheduler_address,
               chunk_size=2)
    data = (tmp_path / "one.parquet").read_bytes()
    assert (tmp_path / "two.parquet").read_bytes() == data
    assert (tmp_path / "dask.parquet").read_bytes() == data
    log = [json.loads(x) for x in (tmp_path / "two.log.jsonl").read_text().splitlines()]
    first = [r for r in log if r["event"] == "first pass"]
    assert len(first) == 1
    profiles = first[0]["profiles"]
    # fresh pool workers and a fresh memo here: one engine call per distinct profile, none
    # repeated; contexts kept from earlier runs (this process, the Dask workers) may need fewer
    assert pool.engine_calls == profiles
    assert ref.engine_calls <= profiles and dsk.engine_calls <= profiles
    assert profiles < 2 * 24  # samples share profiles, so there is work to save


def test_cli_scheduler_matches_local(small: Path, tmp_path: Path, dask_cluster: Any) -> None:
    out = tmp_path / "cli.parquet"
    rc = cli_main.main(["explore", str(small), "--samples", "24", "--seed", "3", "--out",
                        str(out), "--scheduler", dask_cluster.scheduler_address])
    assert rc == 0
    _run(small, tmp_path / "ref.parquet", workers=1)
    assert out.read_bytes() == (tmp_path / "ref.parquet").read_bytes()


@pytest.mark.filterwarnings("ignore:Port 8787 is already in use")
def test_killed_worker_every_sample_once(small: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.CRITICAL
                                  ) as cluster:
        # ask for the worker pids from another process: a second client in this process
        # (beside the one explore opens) makes distributed mix event loops
        probe = subprocess.run(
            [sys.executable, "-c",
             "import json, os, sys, distributed\n"
             "c = distributed.Client(sys.argv[1], timeout='20s')\n"
             "print(json.dumps(c.run(os.getpid)))\nc.close()\n",
             cluster.scheduler_address],
            capture_output=True, text=True, timeout=120, check=True)
        pids = json.loads(probe.stdout.strip().splitlines()[-1])
        killed: list[int] = []

        def kill_one(index: int, done: int, total: int) -> None:
            if not killed:
                assert done < total  # mid-run
                pid = sorted(pids.values())[0]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        report = _run(small, tmp_path / "dask.parquet", samples=40, chunk_size=1, cache=False,
                      scheduler=cluster.scheduler_address, on_chunk=kill_one)
    assert killed and report.chunks_run == 40
    res = read_results(tmp_path / "dask.parquet")
    samples = res.columns["sample"]
    assert sorted(samples.tolist()) == sorted(list(range(40)) * 2)
    _run(small, tmp_path / "ref.parquet", samples=40, workers=1)
    assert (tmp_path / "dask.parquet").read_bytes() == (tmp_path / "ref.parquet").read_bytes()


@pytest.mark.parametrize("workers", [1, 2])
def test_interrupt_then_resume(small: Path, tmp_path: Path, workers: int) -> None:
    out = tmp_path / "run.parquet"

    def stop(index: int, done: int, total: int) -> None:
        if done >= 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run(small, out, workers=workers, chunk_size=2, on_chunk=stop)
    parts = tmp_path / "run.parquet.parts"
    assert not out.exists() and parts.is_dir()
    manifest = json.loads((parts / "manifest.json").read_text())
    assert len(manifest["done"]) >= 3 and manifest["chunks"] == 12
    with pytest.raises(ValueError, match="interrupted run; pass --resume"):
        _run(small, out, workers=workers)
    with pytest.raises(ValueError, match="cannot resume: seed differs"):
        _run(small, out, workers=workers, resume=True, seed=4)
    report = _run(small, out, workers=workers, resume=True)
    assert report.chunks_reused >= 3 and report.chunks_reused + report.chunks_run == 12
    assert not parts.exists()
    _run(small, tmp_path / "ref.parquet", workers=1)
    assert out.read_bytes() == (tmp_path / "ref.parquet").read_bytes()
    again = _run(small, out, resume=True)
    assert again.engine == "none" and again.chunks_run == 0


def test_resume_discards_a_damaged_chunk(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "run.parquet"

    def stop(index: int, done: int, total: int) -> None:
        if done >= 4:
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        _run(small, out, workers=1, chunk_size=2, on_chunk=stop)
    parts = tmp_path / "run.parquet.parts"
    (parts / "chunk-000001.parquet").write_bytes(b"not parquet")
    (parts / ".chunk-000004.parquet.x.tmp").write_bytes(b"half")
    report = _run(small, out, workers=1, resume=True)
    assert report.chunks_reused == 3
    _run(small, tmp_path / "ref.parquet", workers=1)
    assert out.read_bytes() == (tmp_path / "ref.parquet").read_bytes()


# -- CLI, extras, summary -----------------------------------------------------------------


def test_cli_run_and_summary(small: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.parquet"
    assert cli_main.main(["explore", str(small), "--samples", "30", "--workers", "1",
                          "--out", str(out), "--method", "mc"]) == 0
    assert "Wrote 60 rows" in capsys.readouterr().out
    assert cli_main.main(["explore", "run", str(small), "--samples", "30", "--workers", "1",
                          "--out", str(tmp_path / "r2.parquet"), "--method", "mc"]) == 0
    assert out.read_bytes() == (tmp_path / "r2.parquet").read_bytes()
    capsys.readouterr()
    plots = tmp_path / "plots"
    assert cli_main.main(["explore", "summary", str(out), "--plot", str(plots),
                          "--failure", "missed:freeze"]) == 0
    text = capsys.readouterr().out
    assert "talks" in text and "pressure" in text and "Box 1" in text
    assert "NK.freeze iff (US.negotiate and CN.push)" in text
    assert {p.name for p in plots.iterdir()} == {"outcome_shares.png", "tradeoff.png",
                                                 "prim.png", "prim_trajectory.json"}
    from matplotlib.figure import Figure

    from detente.strategy.explore import summarize, summary_figures

    figs = summary_figures(summarize(out, failure="missed:freeze"))
    assert set(figs) == {"outcome_shares", "tradeoff", "prim"}
    assert all(isinstance(f, Figure) for f in figs.values())
    assert len(summarize(out)._repr_html_().encode()) < 50_000
    assert cli_main.main(["explore", "summary", str(out), "--json",
                          "--failure", "missed:freeze"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ranking"][0] == "talks" and data["plan"] == "talks"
    assert [r["text"] for r in data["prim"]["boxes"][0]["restrictions"]] == [
        "in.stmt:NK:NK.freeze iff (US.negotiate and CN.push) in {not NK.freeze}"]
    assert 0 <= data["prim"]["boxes"][0]["restrictions"][0]["quasi_p"] <= 1
    assert data["prim"]["boxes"][0]["trajectory"][0]["restrictions"] == []
    assert cli_main.main(["explore", "summary", str(out), "--failure", "missed:freeze",
                          "--prim-step", "0"]) == 0
    assert "trajectory step 0" in capsys.readouterr().out
    assert cli_main.main(["explore", "summary", str(out), "--prim-step", "999"]) == 2
    assert cli_main.main(["explore", "--samples", "2", str(small), "--variant", "nope",
                          "--out", str(tmp_path / "x.parquet")]) == 2
    assert cli_main.main(["explore", "summary", str(tmp_path / "none.parquet")]) == 2


def test_without_dask_scheduler_names_the_extra(small: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    rc = cli_main.main(["explore", str(small), "--samples", "2", "--out",
                        str(tmp_path / "r.parquet"), "--scheduler", "tcp://127.0.0.1:8786"])
    assert rc == 2
    assert "pip install 'detente[distributed]'" in capsys.readouterr().err
    rc = cli_main.main(["explore", str(small), "--samples", "2", "--out",
                        str(tmp_path / "r.parquet"), "--cluster", "local:2"])
    assert rc == 2
    err = capsys.readouterr().err
    assert "--cluster needs Dask distributed" in err and "Traceback" not in err
    assert cli_main.main(["explore", str(small), "--samples", "2", "--workers", "1", "--out",
                          str(tmp_path / "r.parquet")]) == 0


def test_local_cluster_that_fails_to_start_raises_in_the_caller(
        small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (issue 15): the local cluster starts on a thread while the scenario loads;
    its failure reaches the caller (an internal error, not a hang or a silent serial run)."""
    from detente.strategy.explore import engines

    class Broken:
        def LocalCluster(self, *args: Any, **kwargs: Any) -> Any:  # Dask's name
            raise RuntimeError("Nanny failed to start.")

    monkeypatch.setattr(engines, "dask_module", lambda scheduler: Broken())
    with pytest.raises(RuntimeError, match="Nanny failed"):
        _run(small, tmp_path / "r.parquet", cluster="local:2")


def test_without_pyarrow_csv_works(small: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    ref = tmp_path / "ref.parquet"
    _run(small, ref, workers=1)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    rc = cli_main.main(["explore", str(small), "--samples", "2", "--workers", "1",
                        "--out", str(tmp_path / "r.parquet")])
    assert rc == 2 and "detente[distributed]" in capsys.readouterr().err
    csv_out = tmp_path / "r.csv"
    _run(small, csv_out, workers=1, chunk_size=5)
    got = read_results(csv_out)
    monkeypatch.undo()
    want = read_results(ref)
    assert list(got.columns) == list(want.columns)
    for name in want.columns:
        a, b = got.columns[name], want.columns[name]
        if a.dtype.kind == "f":
            assert np.array_equal(a, b, equal_nan=True), name
        else:
            assert a.tolist() == b.tolist(), name
    assert summarize(got).to_dict() == summarize(want).to_dict()


def test_unilateral_option_drops_coalition_moves(small: Path, tmp_path: Path) -> None:
    scen = load_scenario(small)
    with_coal = context(make_job(scen, ["talks"], "seq"))
    without = context(make_job(scen, ["talks"], "seq", coalitions=False))
    assert with_coal.variants[0].coalitions == [["US", "CN"]]
    assert without.variants[0].coalitions == []
    res = read_results(_run(small, tmp_path / "b.parquet", workers=1, coalitions=False).out)
    assert res.meta["coalitions"] is False


def test_korea_small_run(tmp_path: Path) -> None:
    out = tmp_path / "korea.parquet"
    report = explore(None, out, 2, seed=1, concept="gmr", workers=1, progress=False)
    assert report.rows == 12 and len(report.variants) == 6
    s = summarize(out)
    assert s.failure == "regret" and s.plan in report.variants
    assert summarize(out, plan="freeze-then-cap", failure="missed:freeze").failure == \
        "missed:freeze"
    assert {r.variant for r in s.variants} == set(report.variants)
    res = read_results(out)
    assert set(res.columns["outcome"]) <= {"war", "cvid", "freeze-and-cap", "freeze",
                                           "moratorium", "moratorium-for-drills",
                                           "provocation", "short-range", "other",
                                           "no equilibrium"}
    assert np.isfinite(res.columns["breakout_months"][res.columns["outcome"] != "cvid"]).all()


# -- PRIM ----------------------------------------------------------------------------------


def test_prim_recovers_two_boxes() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    X = {"a": rng.random(n), "b": rng.random(n), "c": rng.integers(0, 3, n),
         "d": rng.random(n) < 0.5}
    y = ((X["a"] > 0.7) & (X["c"] == 2)) | ((X["b"] < 0.2) & X["d"])
    res = prim(X, y, ["c", "d"])
    assert len(res.boxes) == 2
    first = {r.name: r for r in res.boxes[0].restrictions}
    assert set(first) == {"a", "c"} and first["c"].values == (2,)
    assert first["a"].low == pytest.approx(0.7, abs=0.02)
    second = {r.name: r for r in res.boxes[1].restrictions}
    assert set(second) == {"b", "d"} and second["b"].high == pytest.approx(0.2, abs=0.02)
    assert all(b.density > 0.95 for b in res.boxes)
    assert sum(b.coverage for b in res.boxes) > 0.95
    assert prim(X, y, ["c", "d"]) == res  # deterministic


def test_prim_no_structure() -> None:
    rng = np.random.default_rng(1)
    X = {"a": rng.random(500)}
    res = prim(X, rng.random(500) < 0.3)
    assert all(b.density > res.base_rate for b in res.boxes)
    assert prim(X, np.zeros(500, dtype=bool)).boxes == ()


def test_from_data_scenario_object(small: Path, tmp_path: Path) -> None:
    scen = from_data(_data(), source="inline")
    report = explore(scen, tmp_path / "r.parquet", 3, workers=1, progress=False)
    assert report.rows == 6
    with pytest.raises(ValueError, match="not a variant"):
        explore(load_scenario(small, variant="talks"), tmp_path / "x.parquet", 2, workers=1)


def test_local_cluster_workers_skip_the_trim_threshold_and_profiler() -> None:
    """Regression (issue 15): these two Dask defaults cost the engine about a fifth of its
    speed; the other variables the nanny sets stay."""
    import dask
    import distributed  # noqa: F401 - registers Dask's distributed defaults

    from detente.strategy.explore import engines

    before = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
    with engines.local_worker_config():
        environ = dask.config.get("distributed.nanny.pre-spawn-environ")
        assert "MALLOC_TRIM_THRESHOLD_" not in environ
        assert environ == {k: v for k, v in before.items() if k != "MALLOC_TRIM_THRESHOLD_"}
        assert dask.config.get("distributed.worker.profile.enabled") is False
    assert dask.config.get("distributed.nanny.pre-spawn-environ") == before


@pytest.mark.parametrize("fork", [True, False])
def test_pool_forked_or_spawned_writes_the_same_bytes(small: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      fork: bool) -> None:
    """Regression (issue 15): forked workers (which inherit the built models) and spawned
    ones give the same file as one worker."""
    from detente.strategy.explore import engines

    monkeypatch.setattr(engines, "fork_is_safe", lambda: fork)
    _run(small, tmp_path / "one.parquet", workers=1, chunk_size=3)
    report = _run(small, tmp_path / "two.parquet", workers=2, chunk_size=3)
    assert report.engine == "pool" and report.workers == 2
    assert (tmp_path / "two.parquet").read_bytes() == (tmp_path / "one.parquet").read_bytes()


def test_local_cluster_from_a_clean_process_forks_and_matches(small: Path,
                                                              tmp_path: Path) -> None:
    """A CLI process has no other thread, so its local Dask cluster forks its workers; the
    file is the one a single worker writes."""
    import subprocess

    pytest.importorskip("distributed")
    _run(small, tmp_path / "one.parquet", workers=1)
    code = ("import sys; from detente.strategy.explore import engines; "
            "assert engines.fork_is_safe() == sys.platform.startswith('linux'); "
            "from detente.cli.main import main; sys.exit(main(sys.argv[1:]))")
    subprocess.run([sys.executable, "-c", code, "explore", str(small), "--samples", "24",
                    "--seed", "3", "--cluster", "local:2", "--out",
                    str(tmp_path / "dask.parquet")], check=True, capture_output=True)
    assert (tmp_path / "dask.parquet").read_bytes() == (tmp_path / "one.parquet").read_bytes()


def test_deferred_local_cluster_is_not_started_to_be_closed(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """Regression: a run that ends before it needs workers (a complete file, a bad scenario)
    must not start a forked local cluster only to close it."""
    from detente.strategy.explore import engines

    pytest.importorskip("distributed")
    monkeypatch.setattr(engines, "fork_is_safe", lambda: True)
    engine = engines.start(None, None, "local:2")
    assert isinstance(engine, engines.Dask) and engine.started()
    engine.close(cancel=True)
    assert engine.cluster is None and engine.client is None
