"""Regression tests for the command line's shared behaviour (issue: faces at the engine's speed):
the one ``--json`` envelope of every command, capped text tables, the refusal of a scenario
with no feasible state, and the move-table guard for one actor with many options."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

import detente
from detente.cli import _common
from detente.cli.conflict import MAX_EQUILIBRIA_ROWS, codes_text, stability_json
from detente.cli.main import main
from detente.conflict import analyse
from detente.loading import load_scenario

AUTO = Path(__file__).parents[1] / "bargain" / "data" / "ec_auto_emissions_bdm1994_scholz2011.csv"

COMMANDS = [
    ("stability", ["stability", "prisoners-dilemma", "--json"], True),
    ("analyze", ["analyze", "elmira", "--json", "--no-sensitivity"], True),
    ("coalitions", ["coalitions", "prisoners-dilemma", "--json"], True),
    ("paths", ["paths", "elmira", "--json"], True),
    ("inverse", ["inverse", "prisoners-dilemma", "--target", "YY", "--json"], True),
    ("forecast", ["forecast", str(AUTO), "--json", "--rounds", "2"], False),
    ("verify/breakout", ["verify", "breakout", "--jcpoa", "--json"], False),
    ("verify/inspections", ["verify", "inspections", "--periods", "4", "--inspections", "2",
                            "--json"], False),
    ("verify/muf", ["verify", "muf", "--sigma", "12.5", "--loss", "25", "--json"], False),
    ("verify/game", ["verify", "game", "--loss-over-sigma", "2", "--json"], False),
    ("verify/production", ["verify", "production", "--machines", "4000", "--swu-per-machine",
                           "3.5", "--json"], False),
    ("verify/deterrence", ["verify", "deterrence", "--gain", "1", "--penalty", "1",
                           "--detection-per-inspection", "0.5", "--json"], False),
    ("verify/regimes", ["verify", "regimes", "korea-2017", "--json"], False),
    ("explain", ["explain", "prisoners-dilemma", "YY", "--json"], True),
    ("hindcast", ["hindcast", "cuban-missile-crisis", "--json", "--edits", "0"], True),
]


@pytest.mark.parametrize(("schema", "argv", "has_scenario"), COMMANDS,
                         ids=[c[0] for c in COMMANDS])
def test_every_json_has_the_envelope(schema: str, argv: list[str], has_scenario: bool,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert next(iter(data)) == "schema" and list(data)[-1] == "provenance"
    assert data["schema"] == f"detente/{schema}/1"
    prov = data["provenance"]
    assert prov["detente"] == detente.__version__
    assert prov["command"] == "detente " + schema.replace("/", " ")
    assert "json_out" not in prov["parameters"] and "as_json" not in prov["parameters"]
    if has_scenario:
        scenario = load_scenario(detente.scenario_path(argv[1]))
        assert prov["scenario"] == scenario.name and prov["digest"] == scenario.digest
    elif schema == "forecast":
        assert prov["scenario"] == str(AUTO) and len(prov["digest"]) == 64
    assert len(data) > 2  # the command's own keys stand between schema and provenance


def test_streamed_stability_json_is_the_same_json() -> None:
    """The column-by-column writer gives exactly what to_dict() gives, across slice edges."""
    result = analyse(load_scenario(detente.scenario_path("elmira")))
    for chunk in (3, 5, 65_536):
        old = _common.STREAM_CHUNK
        try:
            _common.STREAM_CHUNK = chunk
            import detente.cli.conflict as cc

            cc.STREAM_CHUNK = chunk
            buf = io.StringIO()
            _common.stream_json(stability_json(result), buf.write)
        finally:
            _common.STREAM_CHUNK = cc.STREAM_CHUNK = old
        assert json.loads(buf.getvalue()) == json.loads(result.to_json())


def test_codes_text_matches_code_text() -> None:
    result = analyse(load_scenario(detente.scenario_path("elmira")))
    assert codes_text(result.codes, len(result.options)).tolist() == result.states
    assert codes_text(np.zeros(0, np.int64), 3).tolist() == []


def test_text_tables_are_capped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stability", "korea-2017", "-c", "nash,gmr"]) == 0
    out = capsys.readouterr().out
    assert "more; use --all or --json" in out
    eq_rows = [line for line in out.splitlines() if line.startswith("│") and "US:" in line]
    assert 0 < len(eq_rows) <= MAX_EQUILIBRIA_ROWS
    # no table of empty columns: every row fits the 160-column pipe width
    assert max(len(line) for line in out.splitlines()) <= 160


def test_no_feasible_state_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "none.yaml"
    path.write_text("detente: 1\nname: none\nactors:\n  - id: A\n    options: [{id: a}]\n"
                    "  - id: B\n    options: [{id: b}]\ninfeasible:\n  - A.a\n  - not A.a\n"
                    "preferences:\n  A: {statements: [A.a]}\n  B: {statements: [B.b]}\n")
    for argv in (["stability", str(path)],
                 # explore loads the file itself, after starting its workers
                 ["explore", str(path), "--samples", "2", "--workers", "2", "--out",
                  str(tmp_path / "r.csv")]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err, argv
        assert str(path) in err and "infeasible:" in err and "loosen a condition" in err
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "r.csv.parts").exists()


def _one_actor(tmp_path: Path, width: int) -> str:
    path = tmp_path / f"one{width}.yaml"
    opts = "".join(f"\n      - id: o{k}" for k in range(width))
    path.write_text(f"detente: 1\nname: one {width}\nactors:\n  - id: A\n    options:{opts}\n"
                    "  - id: B\n    options:\n      - id: x\npreferences:\n"
                    "  A: {statements: [A.o0, not B.x]}\n  B: {statements: [B.x, A.o1]}\n")
    return str(path)


@pytest.mark.parametrize(("width", "argv", "expect"), [
    (15, ["stability"], "DETENTE_MAX_MOVES"),          # SIM's response table
    (15, ["coalitions"], "DETENTE_MAX_MOVES"),         # move lists
    (22, ["stability", "-c", "nash"], "DETENTE_MAX_STATES"),
    (30, ["stability"], "enumerates"),
])
def test_one_actor_with_many_options_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    width: int, argv: list[str], expect: str,
) -> None:
    monkeypatch.setenv("DETENTE_MAX_MOVES", str(1 << 20))  # keep the test small and fast
    assert main([*argv, _one_actor(tmp_path, width)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and expect in err
    if expect == "DETENTE_MAX_MOVES":
        assert "actor 'A' has 15 options" in err


def test_one_actor_with_many_options_works_where_the_engine_is_linear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nash..SEQ on the dense layout scan each actor's axis: no move table, any width."""
    assert main(["stability", "-c", "nash,gmr,smr,seq", "--json",
                 _one_actor(tmp_path, 12)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["states"]) == 1 << 13


def test_memory_error_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    import detente.cli.conflict as cc

    def boom(*args: object, **kwargs: object) -> None:
        raise MemoryError("Unable to allocate 8.00 GiB for an array")

    monkeypatch.setattr(cc, "analyse", boom)
    assert main(["stability", "prisoners-dilemma"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: out of memory (Unable to allocate 8.00 GiB")
    assert err.count("\n") == 1


def test_parquet_needs_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stability", "prisoners-dilemma", "--format", "parquet"]) == 2
    assert "--output" in capsys.readouterr().err


def test_parquet_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "pd.parquet"
    assert main(["stability", "elmira", "--format", "parquet", "-o", str(out)]) == 0
    table = pq.read_table(out)
    result = analyse(load_scenario(detente.scenario_path("elmira")))
    assert table.column("state").to_pylist() == result.states
    assert table.column("gmr:equilibrium").to_pylist() == result.equilibrium_mask("gmr").tolist()


def test_parquet_without_pyarrow_names_the_extra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert main(["stability", "elmira", "--format", "parquet", "-o",
                 str(tmp_path / "x.parquet")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "detente[distributed]" in err


def test_variant_and_concept_flags_are_spelled_alike() -> None:
    """-v is --variant and -c is --concept wherever a command has them; nothing else uses
    either letter (no -v for verbose)."""
    from detente.cli import main as cli_main

    seen = 0

    def walk(cmd: object) -> None:
        nonlocal seen
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)
        for p in getattr(cmd, "params", []):
            opts = set(getattr(p, "opts", []))
            if "-v" in opts or "--variant" in opts:
                assert {"-v", "--variant"} <= opts, (cmd, opts)
                seen += 1
            if "-c" in opts or "--concept" in opts:
                assert {"-c", "--concept"} <= opts, (cmd, opts)

    for name in cli_main.COMMANDS:
        walk(cli_main.load_command(name))
    assert seen >= 6


def test_notebook_display_is_capped() -> None:
    from detente.display import MAX_ROWS

    big = analyse(load_scenario(detente.scenario_path("korea-2017")), "nash")
    page = big._repr_html_()
    assert page.count("<tr>") == 1 + MAX_ROWS + 1  # header, shown states, "… more"
    assert f"… {len(big.codes) - MAX_ROWS:,} more rows" in page
    small = analyse(load_scenario(detente.scenario_path("elmira")), "nash")
    assert small._repr_html_().count("<tr>") == 1 + len(small.codes)


def test_only_detentes_own_errors_exit_2(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A user's mistake is one line and exit 2; an internal bug keeps its traceback."""
    from detente.cli import explain as explain_cli
    from detente.errors import InputError

    def mistake(*args: object, **kwargs: object) -> None:
        raise InputError("--target: that is not a state; give a Y/N code")

    monkeypatch.setattr(explain_cli, "explain_state", mistake)
    assert main(["explain", "elmira", "NYNNY"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: --target: that is not a state; give a Y/N code")

    def bug(*args: object, **kwargs: object) -> None:
        raise ValueError("an internal bug")

    monkeypatch.setattr(explain_cli, "explain_state", bug)
    with pytest.raises(ValueError, match="an internal bug"):
        main(["explain", "elmira", "NYNNY"])


@pytest.mark.parametrize(("argv", "start"), [
    (["paths", "elmira", "--from", "NY"], "error: --from NY: status quo 'NY' must have"),
    (["coalitions", "elmira", "-c", "bogus"], "error: -c bogus: unknown stability concept"),
    (["hindcast", "elmira", "--concept=bogus"], "error: --concept bogus: unknown stability"),
])
def test_errors_name_the_flag_the_user_gave(argv: list[str], start: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(start) and err.count("\n") == 1
