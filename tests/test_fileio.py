"""The one atomic writer and the one JSON converter (regression tests)."""

from __future__ import annotations

import json
import os
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pytest

from detente.fileio import atomic_path, write_atomic
from detente.jsonutil import json_default, plain


def test_write_text_and_bytes(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.txt"
    write_atomic(target, "héllo\n")
    assert target.read_text(encoding="utf-8") == "héllo\n"
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]  # no temporary left


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("crash")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_permissions_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "f", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "f").stat().st_mode & 0o777 == 0o644


class _Result:
    def to_dict(self) -> dict[str, int]:
        return {"a": 1}


def test_json_converter() -> None:
    data = {"i": np.int64(3), "f": np.float32(0.5), "b": np.bool_(True),
            "arr": np.arange(3), "frac": Fraction(1, 3), "ro": MappingProxyType({1: "x"}),
            "set": frozenset({"b", "a"}), "result": _Result()}
    assert plain(data) == {"i": 3, "f": 0.5, "b": True, "arr": [0, 1, 2], "frac": "1/3",
                           "ro": {"1": "x"}, "set": ["a", "b"], "result": {"a": 1}}
    with pytest.raises(TypeError):
        json.dumps(object(), default=json_default)
    assert plain({"e": ValueError("bad")}, unknown_as_text=True) == {"e": "bad"}
