"""Results on disk: chunk files, a manifest, the final merge, and reading results back.

Layout for ``--out results.parquet``::

    results.parquet            the merged result, written once every chunk is done
    results.parquet.parts/     while a run is incomplete:
        manifest.json          the run's settings and the chunks done (written atomically)
        chunk-000000.parquet   the rows of chunk 0 (written atomically: temporary + rename)
        ...
    results.log.jsonl          timings and hosts, one JSON object a line (not deterministic)

A chunk is done exactly when its file exists under its final name, because it appears by an
atomic rename; the manifest's ``done`` list is a convenience for people, and ``--resume``
trusts only chunk files that read back with the rows expected. So an interruption at any
point (Ctrl-C, a killed worker, a lost scheduler, a power cut between the rename and the
manifest update) loses at most the chunks in flight, and never duplicates one. The merge
concatenates the chunks in order and rewrites them with a fixed row-group size, so the final
file does not depend on how the run was split or scheduled: the same seed gives the same
bytes whatever the number of workers or the engine.

Parquet needs :mod:`pyarrow` (the ``distributed`` extra). Without it, ``--out results.csv``
writes CSV with a first comment line holding the same metadata as JSON.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.display import DisplayMixin
from detente.errors import InputError
from detente.fileio import atomic_path, write_atomic
from detente.strategy.explore.engines import EXTRA_HINT

#: Key of the run's metadata in the Parquet schema (and the CSV comment line).
META_KEY = "detente.explore"
#: Rows per Parquet row group in the merged file (fixed, so the bytes do not depend on chunks).
ROW_GROUP = 65536


def need_pyarrow() -> Any:
    """Import :mod:`pyarrow.parquet` or say which extra to install (``ValueError``)."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            f"writing or reading Parquet needs pyarrow: {EXTRA_HINT}, or use --out results.csv"
        ) from None
    return pq


def file_format(path: str | os.PathLike[str]) -> str:
    """``"parquet"`` or ``"csv"`` from the file name."""
    name = str(path).lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    raise InputError(f"{path}: results are written as .parquet or .csv; name the file so")


# -- tables --------------------------------------------------------------------------------


def _arrow_type(t: str) -> Any:
    import pyarrow as pa

    return {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_(),
            "string": pa.string()}[t]


def arrow_table(columns: Mapping[str, Sequence[Any]], schema: Sequence[tuple[str, str]],
                meta: Mapping[str, Any] | None = None) -> Any:
    """A :class:`pyarrow.Table` with the given column types (and metadata)."""
    import pyarrow as pa

    fields = [pa.field(n, _arrow_type(t)) for n, t in schema]
    md = None if meta is None else {META_KEY: json.dumps(meta, sort_keys=True)}
    arrays = [pa.array(list(columns[n]), type=_arrow_type(t)) for n, t in schema]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=md))


def _csv_cell(value: Any, t: str) -> str:
    if value is None:
        return ""
    if t == "bool":
        return "true" if value else "false"
    if t == "float64":
        return repr(float(value))
    return str(value)


def csv_text(columns: Mapping[str, Sequence[Any]], schema: Sequence[tuple[str, str]],
             header: bool = True) -> str:
    """Rows as CSV text (optionally without the header)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header:
        w.writerow([n for n, _ in schema])
    n_rows = len(columns[schema[0][0]]) if schema else 0
    cols = [(columns[n], t) for n, t in schema]
    for i in range(n_rows):
        w.writerow([_csv_cell(c[i], t) for c, t in cols])
    return buf.getvalue()


# -- the run's store -------------------------------------------------------------------------


class ResultStore:
    """Chunk files, manifest and merge for one output file."""

    def __init__(self, out: str | os.PathLike[str], schema: Sequence[tuple[str, str]],
                 meta: Mapping[str, Any]) -> None:
        self.out = Path(out)
        self.fmt = file_format(self.out)
        if self.fmt == "parquet":
            need_pyarrow()
        self.schema = list(schema)
        self.meta = dict(meta)
        self.parts = self.out.with_name(self.out.name + ".parts")
        self.manifest = self.parts / "manifest.json"
        stem = self.out.name.rsplit(".", 1)[0]
        self.log_path = self.out.with_name(stem + ".log.jsonl")
        self.done: set[int] = set()

    # manifest ----------------------------------------------------------------------------
    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest of an incomplete run, or ``None``."""
        if not self.manifest.is_file():
            return None
        try:
            data = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise InputError(f"{self.manifest}: unreadable manifest; delete {self.parts} to "
                             "start again") from None
        return data if isinstance(data, dict) else None

    def write_manifest(self, config: Mapping[str, Any], chunk_size: int, n_chunks: int) -> None:
        """Write the manifest atomically."""
        body = {"format": 1, "config": dict(config), "chunk_size": chunk_size,
                "chunks": n_chunks, "done": sorted(self.done)}
        write_atomic(self.manifest, (json.dumps(body, indent=1, sort_keys=True) + "\n").encode())

    def reset(self) -> None:
        """Remove the parts of an earlier run (a fresh start)."""
        if self.parts.exists():
            shutil.rmtree(self.parts)
        self.done = set()

    # chunks ------------------------------------------------------------------------------
    def chunk_path(self, index: int) -> Path:
        """File of chunk ``index``."""
        return self.parts / f"chunk-{index:06d}.{self.fmt}"

    def scan(self, expected: Mapping[int, tuple[int, int]], n_variants: int) -> set[int]:
        """Chunks whose files read back with exactly the expected samples; others (and stray
        temporary files) are deleted."""
        done: set[int] = set()
        if not self.parts.is_dir():
            return done
        for p in self.parts.iterdir():
            if p.name.startswith("."):
                p.unlink(missing_ok=True)
        for index, (start, stop) in expected.items():
            path = self.chunk_path(index)
            if not path.is_file():
                continue
            want = np.repeat(np.arange(start, stop, dtype=np.int64), n_variants)
            try:
                got = self._read_samples(path)
            except Exception:
                got = None
            if got is not None and got.shape == want.shape and bool((got == want).all()):
                done.add(index)
            else:
                path.unlink(missing_ok=True)
        self.done = done
        return done

    def _read_samples(self, path: Path) -> NDArray[np.int64]:
        if self.fmt == "parquet":
            pq = need_pyarrow()
            col = pq.read_table(path, columns=["sample"]).column("sample")
            return np.asarray(col.to_numpy(), dtype=np.int64)
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        return np.array([int(r[0]) for r in rows[1:]], dtype=np.int64)

    def write_chunk(self, index: int, columns: Mapping[str, Sequence[Any]]) -> None:
        """Write one chunk atomically and record it as done."""
        path = self.chunk_path(index)
        if self.fmt == "parquet":
            pq = need_pyarrow()
            table = arrow_table(columns, self.schema)
            with atomic_path(path) as tmp:
                pq.write_table(table, str(tmp), compression="zstd")
        else:
            write_atomic(path, csv_text(columns, self.schema).encode("utf-8"))
        self.done.add(index)

    # merge -------------------------------------------------------------------------------
    def merge(self, n_chunks: int) -> None:
        """Concatenate the chunks in order into the output file (atomically) and remove the
        parts folder."""
        missing = [i for i in range(n_chunks) if not self.chunk_path(i).is_file()]
        if missing:
            raise InputError(f"{len(missing)} chunk(s) missing (first: {missing[0]}); run "
                             "again with --resume")
        with atomic_path(self.out) as tmp:
            if self.fmt == "parquet":
                self._merge_parquet(n_chunks, str(tmp))
            else:
                self._merge_csv(n_chunks, str(tmp))
        shutil.rmtree(self.parts, ignore_errors=True)

    def _merge_parquet(self, n_chunks: int, tmp: str) -> None:
        import pyarrow as pa

        pq = need_pyarrow()
        empty = arrow_table({n: [] for n, _ in self.schema}, self.schema, self.meta)
        writer = pq.ParquetWriter(tmp, empty.schema, compression="zstd")
        pending: list[Any] = []
        n_pending = 0
        try:
            for i in range(n_chunks):
                t = pq.read_table(self.chunk_path(i)).replace_schema_metadata(
                    empty.schema.metadata)
                pending.append(t)
                n_pending += t.num_rows
                while n_pending >= ROW_GROUP:
                    whole = pa.concat_tables(pending)
                    writer.write_table(whole.slice(0, ROW_GROUP), row_group_size=ROW_GROUP)
                    rest = whole.slice(ROW_GROUP)
                    pending, n_pending = [rest], rest.num_rows
            if n_pending or n_chunks == 0:
                whole = pa.concat_tables(pending) if pending else empty
                writer.write_table(whole, row_group_size=ROW_GROUP)
        finally:
            writer.close()

    def _merge_csv(self, n_chunks: int, tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            out.write("# " + META_KEY + " " + json.dumps(self.meta, sort_keys=True) + "\n")
            out.write(",".join(_csv_header(self.schema)) + "\n")
            for i in range(n_chunks):
                with self.chunk_path(i).open(encoding="utf-8", newline="") as fh:
                    next(fh)  # header
                    shutil.copyfileobj(fh, out)

    # log ---------------------------------------------------------------------------------
    def log(self, records: Iterable[Mapping[str, Any]], fresh: bool = False) -> None:
        """Append records to the run log (timings and hosts; not part of the results)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w" if fresh else "a", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, sort_keys=True, default=str) + "\n")


def _csv_header(schema: Sequence[tuple[str, str]]) -> list[str]:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([n for n, _ in schema])
    return [buf.getvalue()]


# -- reading results back ----------------------------------------------------------------


@dataclass(frozen=True)
class Results(DisplayMixin):
    """Results read back: columns as NumPy arrays (strings as object arrays) and metadata."""

    columns: Mapping[str, NDArray[Any]]
    meta: Mapping[str, Any]

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return len(next(iter(self.columns.values()))) if self.columns else 0


def read_results(path: str | os.PathLike[str]) -> Results:
    """Read a results file written by :func:`detente.strategy.explore.explore`."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such results file; check the path")
    fmt = file_format(p)
    if fmt == "parquet":
        pq = need_pyarrow()
        try:
            table = pq.read_table(p)
        except Exception as exc:
            raise InputError(f"{path}: not a readable Parquet file ({exc})".replace("\n", " ")
                             ) from None
        md = table.schema.metadata or {}
        raw = md.get(META_KEY.encode())
        if raw is None:
            raise InputError(f"{path}: not a detente explore result (no {META_KEY} metadata)")
        meta = json.loads(raw)
        cols: dict[str, NDArray[Any]] = {}
        for name in table.column_names:
            col = table.column(name)
            t = dict(meta.get("schema", [])).get(name, "")
            if t == "string":
                cols[name] = np.array(col.to_pylist(), dtype=object)
            elif t == "bool":
                cols[name] = np.array(col.to_pylist(), dtype=bool)
            else:
                cols[name] = np.asarray(col.to_numpy(zero_copy_only=False))
        return Results(cols, meta)
    with p.open(encoding="utf-8", newline="") as fh:
        first = fh.readline()
        prefix = "# " + META_KEY + " "
        if not first.startswith(prefix):
            raise InputError(f"{path}: not a detente explore result (no metadata line)")
        meta = json.loads(first[len(prefix):])
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    types = dict(meta.get("schema", []))
    out: dict[str, NDArray[Any]] = {}
    for j, name in enumerate(header):
        vals = [r[j] for r in body]
        t = types.get(name, "string")
        if t == "int64":
            out[name] = np.array([int(v) for v in vals], dtype=np.int64)
        elif t == "float64":
            out[name] = np.array([float(v) if v != "" else np.nan for v in vals])
        elif t == "bool":
            out[name] = np.array([v == "true" for v in vals], dtype=bool)
        else:
            out[name] = np.array([v if v != "" else None for v in vals], dtype=object)
    return Results(out, meta)
