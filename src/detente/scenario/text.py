"""The source text of a scenario file: reading it, parsing it and indexing its lines.

Everything here is format-neutral (YAML, or JSON which YAML also reads) and refuses the
input that would otherwise be silently misread or would exhaust the machine: files that are
too large or not UTF-8, duplicate keys (YAML and JSON keep the last one without a word),
aliases that expand to millions of nodes, over-long strings and numbers that are not finite.
Every refusal is one :class:`~detente.errors.ScenarioError` line naming the file, the line
and the fix.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from detente.errors import ScenarioError

#: Files larger than this are refused before they are read.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Refuse YAML whose anchors and aliases expand to more nodes than this ("billion laughs").
MAX_YAML_NODES = 200_000
#: Longest identifier or name (``id``, ``name``, ``actor``, mapping keys), in characters.
MAX_NAME_CHARS = 200
#: Longest free text (``why``, ``description``, conditions, notes), in characters.
MAX_TEXT_CHARS = 20_000
#: Fields whose values are identifiers or names, held to :data:`MAX_NAME_CHARS`.
NAME_FIELDS = frozenset({"id", "name", "actor", "detente"})

Path_ = tuple[str | int, ...]


def read_scenario_text(path: str | os.PathLike[str]) -> str:
    """The text of a scenario file, after checking that it is a readable UTF-8 file.

    Raises
    ------
    ScenarioError
        The file is missing, a directory, larger than :data:`MAX_FILE_BYTES` or not UTF-8.
    """
    p = Path(path)
    if not p.exists():
        raise ScenarioError("no such file; check the path", source=str(path))
    if p.is_dir():
        raise ScenarioError("is a directory; give a scenario file", source=str(path))
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ScenarioError(
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; is it a scenario?",
            source=str(path),
        )
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError("is not UTF-8 text; save it as UTF-8", source=str(path)) from None


def parse_text(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML/JSON text; return the data and a map from field path to 1-based line.

    Raises
    ------
    ScenarioError
        A syntax error, a duplicate key or aliases that expand too far, with the line.
    """
    alias_line = yaml_alias_expansion(text, MAX_YAML_NODES)
    if alias_line is not None:
        raise ScenarioError(
            f"YAML anchors and aliases expand to more than {MAX_YAML_NODES:,} nodes; write the "
            "data out without aliases", source=source, line=alias_line,
        )
    if text.lstrip().startswith("{"):
        return _parse_json(text, source)
    return _parse_yaml(text, source)


def _parse_json(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    lines = _json_lines(text, source)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates(source)), lines
    except RecursionError:
        raise ScenarioError("JSON nested too deeply; is it a scenario?", source=source) \
            from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"invalid JSON: {exc.msg}; fix the syntax", source=source, line=exc.lineno
        ) from None


def _no_duplicates(source: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ScenarioError(
                    f"duplicate key {key!r}; give each key once", source=source
                )
            out[key] = value
        return out

    return hook


def _parse_yaml(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        lines: dict[Path_, int] = {}
        if node is not None:
            _index_lines(node, (), lines, source)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = (exc.problem or exc.context or "syntax error").strip()
        raise ScenarioError(
            f"YAML syntax error: {what}; check indentation, colons and quotes",
            source=source,
            line=line,
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"YAML error: {exc}".splitlines()[0], source=source) from None
    except (RecursionError, ValueError, TypeError) as exc:
        raise ScenarioError(f"cannot read the file: {exc}", source=source) from None
    return data, lines


def yaml_alias_expansion(text: str, limit: int = MAX_YAML_NODES) -> int | None:
    """Number of YAML nodes ``text`` expands to through aliases, when that exceeds ``limit``.

    A few hundred bytes of nested aliases ("billion laughs") expand to billions of nodes; the
    loader would spend minutes and gigabytes on them. Returns ``None`` when the text is within
    the limit (or is not YAML that the composer reads: the loader reports that itself), else
    the 1-based line of the first alias.
    """
    if "&" not in text or "*" not in text:
        return None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None
    if root is None:
        return None
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    first_line: int | None = None
    seen: set[int] = set()
    while stack:  # iterative post-order walk; shared (aliased) nodes are visited once
        node, done = stack.pop()
        key = id(node)
        if done:
            total = 1
            for child in _children(node):
                total += sizes[id(child)]
                if total > limit:
                    break
            sizes[key] = total
            if total > limit:
                return first_line or node.start_mark.line + 1
            continue
        if key in seen:
            if first_line is None:
                first_line = node.start_mark.line + 1
            if key not in sizes:  # a cycle (recursive alias)
                return first_line
            continue
        seen.add(key)
        stack.append((node, True))
        for child in _children(node):
            stack.append((child, False))
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _index_lines(node: yaml.Node, path: Path_, out: dict[Path_, int], source: str) -> None:
    """Record the line of every field under ``node``; refuse a key given twice in a mapping."""
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + 1
            if key in seen and key != "<<":
                raise ScenarioError(
                    f"duplicate key {key!r} (first on line {seen[key]}); give each key once",
                    source=source, field=field_text((*path, key)), line=line,
                )
            seen[key] = line
            out[(*path, key)] = line
            _index_lines(value_node, (*path, key), out, source)
            out[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, (*path, i), out, source)


def _json_lines(text: str, source: str) -> dict[Path_, int]:
    # JSON is valid YAML flow syntax (nearly always); reuse the YAML indexer for lines.
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return {}
    out: dict[Path_, int] = {}
    if node is not None:
        _index_lines(node, (), out, source)
    return out


def field_text(path: Path_) -> str:
    """A field path as text: ``("actors", 0, "id")`` -> ``actors[0].id``."""
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def line_of(lines: Mapping[Path_, int], path: Path_) -> int | None:
    """The line of ``path``, or of its nearest enclosing field that has one."""
    for k in range(len(path), -1, -1):
        if path[:k] in lines:
            return lines[path[:k]]
    return None


def check_values(data: Any, source: str, lines: Mapping[Path_, int]) -> None:
    """Refuse over-long strings and numbers that are not finite anywhere in ``data``.

    Identifiers and names (fields in :data:`NAME_FIELDS` and every mapping key) may hold at
    most :data:`MAX_NAME_CHARS` characters, other text :data:`MAX_TEXT_CHARS`; ``.nan`` and
    ``.inf`` are never a meaningful scenario value.
    """
    stack: list[tuple[Path_, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and len(key) > MAX_NAME_CHARS:
                    _refuse(source, lines, path, f"a key of {len(key):,} characters; keys and "
                            f"ids may have at most {MAX_NAME_CHARS}, shorten it")
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
        elif isinstance(value, str):
            name_like = bool(path) and path[-1] in NAME_FIELDS
            limit = MAX_NAME_CHARS if name_like else MAX_TEXT_CHARS
            if len(value) > limit:
                what = "an id or name" if name_like else "text"
                _refuse(source, lines, path, f"{what} of {len(value):,} characters; at most "
                        f"{limit:,} are allowed, shorten it")
        elif isinstance(value, float) and not math.isfinite(value):
            _refuse(source, lines, path, f"{value} is not a finite number; give a number")


def _refuse(source: str, lines: Mapping[Path_, int], path: Path_, message: str) -> None:
    raise ScenarioError(
        message, source=source, field=field_text(path) or None, line=line_of(lines, path)
    )
