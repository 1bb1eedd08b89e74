"""Atomic file writes: the one writer every part of detente uses.

A file is written to a temporary file in the target's folder and renamed over the target
(:func:`os.replace`, atomic on POSIX and Windows), so a reader, or a later ``--resume``,
never sees half a file: after a crash the target holds its old content or the new one.
The temporary file is removed when the write fails, and the new file gets the permissions
the user's umask gives (``mkstemp`` alone would leave it readable only by its owner).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "write_atomic"]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path to write ``path``'s new content to; renamed over ``path`` on success.

    Use it for writers that want a file name (Parquet, matplotlib)::

        with atomic_path(out) as tmp:
            pq.write_table(table, tmp)

    The parent folder is created when missing. If the block raises, the temporary file is
    removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically."""
    blob = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        tmp.write_bytes(blob)
