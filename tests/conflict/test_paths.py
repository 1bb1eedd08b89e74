"""Status-quo analysis: Elmira, properties of the evolutions, drawings and the CLI command.

Sources and trust (tags as in ``published/EXPECTED.md``):

* Li, Kilgour and Hipel (2005), "Status quo analysis in the graph model for conflict
  resolution", J. Operational Research Society 56(6); Li, Hipel, Kilgour and Noakes (2005),
  Group Decision and Negotiation 14(6); Xu, Kilgour, Hipel and Kemkes (2010), EJOR 207(1).
  Their Elmira account, *from the status quo 1 the conflict went to 5 (the local government
  insists), then to 8 through the joint Ministry-Uniroyal move*, is RECALL: the papers could
  not be opened in this project.
* That 5 is the only state reachable from 1 by unilateral improvements, and that 8 needs the
  coalition move, is COMP (EXPECTED.md, computed from the definitions), not read in a paper.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import detente
import detente.conflict.paths as paths_module
from detente.cli.paths import register
from detente.conflict import build_model
from detente.conflict.coalitions import coalition_class
from detente.conflict.paths import status_quo_paths
from detente.errors import ScenarioError
from detente.loading import from_data, load_scenario
from tests.conflict.reference import improvements
from tests.conflict.reference_coalitions import coalition_improvements, reachable_by_improvements
from tests.conflict.strategies import conflicts
from tests.conflict.test_coalitions import _payoffs
from tests.conflict.test_engine_vs_reference import to_reference

S1, S5, S8 = "NYNNN", "NYNNY", "YNYNY"  # Elmira published states 1, 5, 8


@pytest.fixture(scope="module")
def elmira() -> Any:
    return load_scenario(detente.scenario_path("elmira"))


# -- Elmira ----------------------------------------------------------------------------------


@pytest.mark.published
def test_elmira_unilateral(elmira: Any) -> None:
    """COMP: by unilateral improvements only 5 is reachable from 1, by LG in one step."""
    r = status_quo_paths(elmira)
    assert r.status_quo == elmira.status_quo and r.code_text(r.status_quo) == S1
    assert r.reachable_states() == [S1, S5]
    assert r.reachable_equilibria() == [S5]
    assert S8 in r.unreachable_equilibria()
    (step,) = r.path(S5)
    assert (step.mover, step.source_state, step.target_state) == ("LG", S1, S5)
    assert step.changes == (("LG.insist", True),)
    assert step.describe() == "LG: LG.insist N→Y"
    assert not r.is_reachable(S8)
    with pytest.raises(ValueError, match="not reachable"):
        r.path(S8)


@pytest.mark.published
def test_elmira_coalition_move_reaches_8(elmira: Any) -> None:
    """RECALL (Li et al. 2005; Xu et al. 2010): 1 -> 5 -> 8, the last step the joint
    MoE-Uniroyal move; COMP: it needs the coalition move."""
    r = status_quo_paths(elmira, coalitions=True)
    assert r.reachable_equilibria() == [S5, S8]
    first, second = r.path(S8)
    assert (first.mover, first.target_state) == ("LG", S5)
    assert (second.mover, second.members, second.target_state) == ("MoE+U", ("MoE", "U"), S8)
    assert sorted(m.mover for m in second.via) == ["MoE", "U"]
    assert second.via[0].source_state == S5 and second.via[-1].target_state == S8
    only = status_quo_paths(elmira, coalitions=[["MoE", "U"]], target=S8)
    assert only.movers == ("MoE", "U", "LG", "MoE+U")
    assert list(only.paths) == [int(elmira.parse_code(S8))]
    assert status_quo_paths(elmira, coalitions=[["MoE", "LG"]]).reachable_equilibria() == [S5]


@pytest.mark.regression
def test_elmira_target_and_start(elmira: Any) -> None:
    r = status_quo_paths(elmira, target=S8)
    assert r.paths == {} and not r.is_reachable(S8) and r.target == elmira.parse_code(S8)
    r = status_quo_paths(elmira, start="NNYNN")  # Uniroyal accepts: LG insists -> 7
    assert r.code_text(r.status_quo) == "NNYNN"
    assert r.reachable_states()[0] == "NNYNN"


@pytest.mark.regression
def test_outputs(elmira: Any) -> None:
    r = status_quo_paths(elmira, coalitions=True)
    d = json.loads(r.to_json())
    assert d["status_quo"] == S1 and d["reachable_equilibria"] == [S5, S8]
    assert d["resolutions"] == [S8]  # {MoE, U} can still leave 5 (Kilgour et al. 2001)
    assert d["paths"][S8][1]["mover"] == "MoE+U" and len(d["paths"][S8][1]["via"]) == 2
    assert d["provenance"]["digest"] == elmira.digest
    dot = r.to_dot()
    assert dot.startswith("digraph ") and dot.rstrip().endswith("}")
    assert f'"{S1}" -> "{S5}" [label="LG"' in dot
    assert f'"{S5}" -> "{S8}" [label="MoE+U"' in dot
    assert "status quo" in dot and "SEQ equilibrium" in dot
    svg = r.to_svg()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "</svg>" in svg
    assert r.to_svg() == svg  # deterministic (no date)


@pytest.mark.regression
def test_bad_input(elmira: Any) -> None:
    data = dict(elmira.raw)
    data.pop("status_quo")
    with pytest.raises(ScenarioError, match="no status quo"):
        status_quo_paths(from_data(data))
    assert status_quo_paths(from_data(data), start=S1).reachable_equilibria() == [S5]
    with pytest.raises(ValueError, match="unknown stability concept"):
        status_quo_paths(elmira, concept="foo")
    with pytest.raises(ValueError, match="not a feasible state"):
        status_quo_paths(elmira, target="NYYNN")
    with pytest.raises(ValueError, match="exactly 5 characters"):
        status_quo_paths(elmira, target="NY")


@pytest.mark.regression
def test_large_graph_draws_paths_only() -> None:
    data = _bench_like(3, 3)
    s = from_data(data)
    r = status_quo_paths(s, concept="nash")
    assert r.n_reachable > 20
    dot = r.to_dot(max_nodes=20)
    assert "only the shortest paths" in dot
    assert "<svg" in r.to_svg(max_nodes=20)


@pytest.mark.regression
def test_large_graph_is_pruned_to_a_few_paths() -> None:
    from detente.conflict.paths import MAX_PATHS_DRAWN

    r = status_quo_paths(from_data(_bench_like(3, 3)), concept="nash")
    _nodes, edges, complete = r._drawn(max_nodes=5)
    assert not complete
    drawn = {b for _, b, _ in edges}
    assert len(drawn & {int(i) for i in np.searchsorted(r.codes, list(r.paths))}) <= \
        MAX_PATHS_DRAWN
    if len(r.paths) > MAX_PATHS_DRAWN:
        assert f"to {MAX_PATHS_DRAWN} of the {len(r.paths)}" in r.to_dot(max_nodes=5)


def _bench_like(n_actors: int, n_options: int) -> dict[str, Any]:
    import random

    rng = random.Random(1)
    refs = [f"A{i}.o{j}" for i in range(n_actors) for j in range(n_options)]
    return {
        "detente": 1, "name": "bench",
        "actors": [{"id": f"A{i}", "options": [{"id": f"o{j}"} for j in range(n_options)]}
                   for i in range(n_actors)],
        "preferences": {f"A{i}": {"statements": [rng.choice(refs) for _ in range(5)]}
                        for i in range(n_actors)},
        "status_quo": "N" * (n_actors * n_options),
    }


# -- properties ------------------------------------------------------------------------------


PATH_CASE = (conflicts(max_actors=4, max_options=7), st.sampled_from(["dense", "sparse"]),
             st.one_of(st.none(), st.integers(0, 2**16)), st.integers(0, 2**16), st.booleans(),
             st.booleans())


@pytest.mark.reference
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(*PATH_CASE)
def test_paths_are_legal_improving_and_shortest(data: dict[str, Any], layout: str,
                                                seed: int | None, start_seed: int,
                                                with_coalitions: bool, legal: bool) -> None:
    """Every state on a path is reachable, each step is an improvement for its mover (a
    unilateral improvement, or a coalition improvement made of the members' moves), no mover
    acts twice in a row, and depths equal a plain set-based BFS."""
    check_paths(data, layout, seed, start_seed, with_coalitions, legal)


@pytest.mark.reference
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(*PATH_CASE)
def test_paths_target_first_coalition_steps(data: dict[str, Any], layout: str,
                                            seed: int | None, start_seed: int,
                                            with_coalitions: bool, legal: bool) -> None:
    """The same checks when coalition steps are found target-first (the bounded-memory mode
    that large coalitions on large conflicts use), and the same search as with every pair:
    one parent per newly reached state, the one the search would pick."""
    case = _case(data, layout, seed, start_seed)
    if case is None:
        return
    scenario, model, pay, start = case

    def run() -> Any:
        return status_quo_paths(scenario, "nash", coalitions="all", start=start, legal=legal,
                                model=model, payoffs=pay, edge_limit=0)

    every_pair = run()
    limit = paths_module.PAIR_LIMIT
    paths_module.PAIR_LIMIT = 0
    try:
        check_paths(data, layout, seed, start_seed, True, legal)
        target_first = run()
    finally:
        paths_module.PAIR_LIMIT = limit
    assert (target_first.depth == every_pair.depth).all()
    assert (target_first.parent == every_pair.parent).all()
    assert (target_first.improvable == every_pair.improvable).all()
    assert target_first.paths == every_pair.paths


@pytest.mark.reference
@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(*PATH_CASE)
def test_paths_many(data: dict[str, Any], layout: str, seed: int | None, start_seed: int,
                    with_coalitions: bool, legal: bool) -> None:
    check_paths(data, layout, seed, start_seed, with_coalitions, legal)


def _case(data: dict[str, Any], layout: str, seed: int | None, start_seed: int
          ) -> tuple[Any, Any, Any, int] | None:
    """Scenario, model, payoffs and start state of a generated case (None if no state)."""
    scenario = from_data(data)
    model = build_model(scenario, layout=layout)
    n = model.space.n_states
    if n == 0:
        return None
    return scenario, model, _payoffs(model, scenario, seed), int(
        model.space.codes[start_seed % n])


def check_paths(data: dict[str, Any], layout: str, seed: int | None, start_seed: int,
                with_coalitions: bool, legal: bool) -> None:
    """The checks of :func:`test_paths_are_legal_improving_and_shortest`."""
    case = _case(data, layout, seed, start_seed)
    if case is None:
        return
    scenario, model, pay, start = case
    r = status_quo_paths(scenario, "nash", coalitions="all" if with_coalitions else False,
                         start=start, legal=legal, model=model, payoffs=pay)
    ref = to_reference(scenario, model, pay)
    ids = scenario.actor_ids
    units = [frozenset(H) for H in coalition_class(scenario, "all")
             if with_coalitions or len(H) == 1]
    expected = reachable_by_improvements(ref, start, units, legal=legal)
    codes = [int(c) for c in model.space.codes]
    got = {c: int(d) for c, d in zip(codes, r.depth, strict=True) if d >= 0}
    assert got == expected
    eq = {c for c, e in zip(codes, r.equilibrium, strict=True) if e}
    assert set(r.paths) == eq & set(expected)
    # resolutions: reachable equilibria that no coalition among the movers can improve on
    coal = [u for u in units if len(u) > 1]
    settled = {c for c in eq & set(expected)
               if not any(coalition_improvements(ref, H, c) for H in coal)}
    assert {int(r.codes[i]) for i in np.flatnonzero(r.resolution)} == settled
    for target, steps in r.paths.items():
        assert len(steps) == expected[target]
        state, last = start, None
        for m in steps:
            members = frozenset(ids.index(a) for a in m.members)
            assert m.source == state and m.source in expected and m.target in expected
            if len(members) == 1:
                (k,) = members
                assert m.target in improvements(ref, k, m.source)
            else:
                assert m.target in coalition_improvements(ref, members, m.source)
                inner = m.source
                for v in m.via:  # the joint move as the members' unilateral moves
                    assert v.source == inner and v.members[0] in m.members
                    inner = v.target
                assert inner == m.target
            if legal:
                assert m.mover != last
            state, last = m.target, m.mover
        assert state == target


# -- CLI -------------------------------------------------------------------------------------


def _app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Test app."""

    register(app)
    return app


@pytest.mark.regression
def test_cli_text_and_files(tmp_path: Path) -> None:
    dot, svg = tmp_path / "out.dot", tmp_path / "sub" / "out.svg"
    res = CliRunner().invoke(_app(), ["paths", detente.scenario_path("elmira"), "--coalitions",
                                      "--dot", str(dot), "--plot", str(svg)])
    assert res.exit_code == 0, res.output
    assert "LG: LG.insist N→Y" in res.output and "MoE+U" in res.output
    assert "YNYNY" in res.output
    assert dot.read_text().startswith("digraph") and "<svg" in svg.read_text()
    assert not list(tmp_path.glob(".out.*"))  # no temporary files left
    png = tmp_path / "out.png"
    res = CliRunner().invoke(_app(), ["paths", detente.scenario_path("elmira"), "--plot",
                                      str(png)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.regression
def test_cli_json_and_to(tmp_path: Path) -> None:
    res = CliRunner().invoke(_app(), ["paths", "elmira", "--to", S8, "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["target"] == S8 and d["paths"] == {}
    res = CliRunner().invoke(_app(), ["paths", "elmira", "--to", S8])
    assert res.exit_code == 0 and "not reachable" in res.output
    res = CliRunner().invoke(_app(), ["paths", "elmira", "--to", S8, "--coalitions",
                                      "--concept", "nash"])
    assert res.exit_code == 0 and "MoE+U" in res.output


@pytest.mark.regression
def test_cli_errors(tmp_path: Path) -> None:
    res = CliRunner().invoke(_app(), ["paths", "elmira", "--concept", "foo"])
    assert isinstance(res.exception, ValueError)
    res = CliRunner().invoke(_app(), ["paths", "elmira", "--to", "NYYNN"])
    assert isinstance(res.exception, ValueError)
    res = CliRunner().invoke(_app(), ["paths", "elmira", "--plot", str(tmp_path / "x.pdf")])
    assert isinstance(res.exception, ValueError)
    data = dict(load_scenario(detente.scenario_path("elmira")).raw)
    data.pop("status_quo")
    no_sq = tmp_path / "no-status-quo.json"
    no_sq.write_text(json.dumps(data))
    res = CliRunner().invoke(_app(), ["paths", str(no_sq)])
    assert isinstance(res.exception, ScenarioError)
    res = CliRunner().invoke(_app(), ["paths", str(no_sq), "--from", S1])
    assert res.exit_code == 0 and "Path to NYNNY" in res.output


@pytest.mark.regression
def test_cli_through_main(capsys: pytest.CaptureFixture[str]) -> None:
    """Through `detente.cli.main`: exit 2 and one line on bad input."""
    from detente.cli import main as cli_main

    assert cli_main.main(["paths", "elmira", "--to", "NYYNN"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1

