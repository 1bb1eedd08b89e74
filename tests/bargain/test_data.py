"""CSV readers: both layouts, and one clear line for every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.bargain.data import ActorTable, IssueTable, read_csv, read_issues_csv
from detente.errors import ScenarioError

pytestmark = pytest.mark.regression

DATA = Path(__file__).parent / "data"


def _write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_every_data_set() -> None:
    for path in sorted(DATA.glob("*.csv")):
        if "reference_rounds" in path.name:
            continue
        table = read_csv(path)
        if "decide" in path.name:
            assert isinstance(table, IssueTable)
            assert len(table.issues) >= 2
        else:
            assert isinstance(table, ActorTable)
            assert len(table.actors) >= 2


def test_one_issue_layout(tmp_path: Path) -> None:
    path = _write(
        tmp_path, " Actor , Capability,Position,SALIENCE,note\nA,1,2,0.5,x\n\nB,3,4,1,y\n"
    )
    table = read_csv(path)
    assert isinstance(table, ActorTable)
    assert table.actors == ("A", "B")
    np.testing.assert_array_equal(table.capability, [1, 3])
    np.testing.assert_array_equal(table.position, [2, 4])
    assert table.name == "in"


def test_repeated_names_are_distinct_actors(tmp_path: Path) -> None:
    path = _write(tmp_path, "actor,capability,position,salience\nA,1,2,0.5\nA,1,3,0.5\n"
                  "A (2),1,4,1\nA,1,5,1\n")
    table = read_csv(path)
    assert table.actors == ("A", "A (3)", "A (2)", "A (4)")
    litigation = read_csv(DATA / "litigation_case_minimalgeek.csv")
    assert len(litigation.actors) == 46
    assert "Attorney (3)" in litigation.actors


def test_several_issues_layout() -> None:
    table = read_issues_csv(DATA / "decide_sample_data_municipal_toll.csv")
    assert len(table.actors) == 10 and len(table.issues) == 6
    d = table.issues.index("tol-hoogte")
    assert (table.lower[d], table.upper[d]) == (0.5, 7.0)
    sub = table.issue("tol-hoogte")
    assert sub.actors[0] == "Willems" and sub.position[0] == 3.0


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("actor,capability,position\nA,1,2\nB,1,3\n", 1, "salience", "missing column"),
        ("actor,capability,position,salience\nA,1,2,0.5\nB,x,3,0.5\n", 3, "capability",
         "not a number"),
        ("actor,capability,position,salience\nA,1,2,0.5\nB,1,,0.5\n", 3, "position", "empty"),
        ("actor,capability,position,salience\nA,1,2,0.5\nB,1,3,1.4\n", 3, "salience",
         "outside [0, 1]"),
        ("actor,capability,position,salience\nA,1,2,-0.1\nB,1,3,1\n", 2, "salience",
         "outside [0, 1]"),
        ("actor,capability,position,salience\nA,1,2,0.5\nB,1,nan,0.5\n", 3, "position",
         "finite"),
        ("actor,capability,position,salience\nA,-1,2,0.5\nB,1,3,0.5\n", 2, "capability",
         "negative"),
        ("actor,capability,position,salience\nA,1,2,0.5\n", 2, "actor", "at least two"),
        ("actor,capability,position,salience\n,1,2,0.5\nB,1,3,0.5\n", 2, "actor", "empty"),
        ("", 1, None, "empty"),
        ("actor,issue,position,salience\nA,p,1,0.5\n", 1, "power", "missing column"),
        ("actor,issue,position,salience,power\nA,p,1,0.5,1\nB,p,2,0.5,1\nA,q,1,0.5,1\n", 4,
         "issue", "only one actor"),
        ("actor,issue,position,salience,power,issue_lower\nA,p,1,0.5,1\n", 1, "issue_upper",
         "come together"),
        ("actor,issue,position,salience,power,issue_lower,issue_upper\n"
         "A,p,1,0.5,1,0,10\nB,p,11,0.5,1,0,10\n", 3, "position", "outside the issue's scale"),
        ("actor,issue,position,salience,power,issue_lower,issue_upper\n"
         "A,p,1,0.5,1,0,10\nB,p,2,0.5,1,0,20\n", 3, "issue_lower", "use one scale"),
        ("actor,issue,position,salience,power,issue_lower,issue_upper\n"
         "A,p,1,0.5,1,10,0\nB,p,2,0.5,1,10,0\n", 2, "issue_upper", "not below"),
        ("actor,issue,position,salience,power\nA,p,1,0.5,1\nA,p,2,0.5,1\n", 3, "actor",
         "one row per actor and issue"),
        ("actor,issue,position,salience,power\nA,p,1,0.5,0\nB,p,2,0.5,0\n", 2, "power",
         "= 0"),
    ],
)
def test_bad_input_names_file_line_and_column(
    tmp_path: Path, text: str, line: int, field: str | None, words: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        read_csv(path)
    err = info.value
    assert err.source == str(path)
    assert err.line == line
    assert err.field == field
    assert words in err.message
    one_line = str(err)
    assert "\n" not in one_line
    prefix = f"{path}:{line}: " + (f"{field}: " if field else "")
    assert one_line.startswith(prefix)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file") as info:
        read_csv(tmp_path / "nope.csv")
    assert info.value.source == str(tmp_path / "nope.csv")
    with pytest.raises(ScenarioError, match="directory"):
        read_csv(tmp_path)


def test_zero_total_weight(tmp_path: Path) -> None:
    path = _write(tmp_path, "actor,capability,position,salience\nA,0,1,1\nB,1,2,0\n")
    with pytest.raises(ScenarioError, match="capability x salience = 0"):
        read_csv(path)
