"""Where a sweep keeps its work: an output locked against a second run, finished chunks
keyed by the points they hold and verified before they are trusted, and a final table
written at once or not at all.

The layout next to the output ``OUT``:

- ``.OUT.lock``: an OS file lock (``flock``) held while a run writes ``OUT``; a second
  run on the same output is refused at once, with one line. The run removes it as it ends
  (only a killed run leaves it; the next run takes it over).
- ``OUT.parts/sweep.json``: the fingerprint of the sweep (everything that decides its rows).
- ``OUT.parts/chunk-<first>-<end>.parquet``: the rows of points ``first .. end-1``, with the
  sweep's fingerprint in the file's metadata. A chunk is named by its points, not by its
  position, so a resume with another chunk size reuses what is there and computes only the
  points no valid chunk holds. A chunk that cannot be read, is truncated, holds other points
  or belongs to another sweep is removed and its points computed again.

Every file is written to a temporary name in the same folder, flushed to disk and renamed
into place: a kill or a full disk leaves the previous state, never a partial file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.errors import PycartError
from ..core.files import atomic_path, remove_leftovers, write_atomically, write_text_atomically
from ..core.output import spreadsheet_safe

if TYPE_CHECKING:  # imported where used: a worker's chunks need no pyarrow in the module
    import pyarrow as pa
    import pyarrow.parquet as pq

#: The metadata entry of a chunk that names the sweep it belongs to.
KEY_FIELD = b"pycart.sweep"

#: Chunks that finished before their turn and wait in memory to be appended to the final
#: table (a sweep keeps twice as many chunks in flight as it has workers); more wait on disk.
HELD = 8

_CHUNK = re.compile(r"chunk-(\d{12})-(\d{12})\.parquet")

Span = tuple[int, int]


def parts_dir(out: Path) -> Path:
    """Where the finished chunks of a sweep writing ``out`` are kept until it completes."""
    return out.with_name(out.name + ".parts")


def lock_path(out: Path) -> Path:
    """The lock file guarding ``out`` (hidden, next to it; removed when the run ends)."""
    return out.with_name(f".{out.name}.lock")


@contextmanager
def locked(out: Path, lock: Path | None = None) -> Iterator[None]:
    """Hold the OS lock of ``out`` (in file ``lock``, by default :func:`lock_path`) for the
    duration; refuse at once if another run holds it. The lock file is removed at the end,
    while still held: a run that opened it meanwhile finds, once it holds it, that it is no
    longer the file on disk, and takes the new one (so two runs never hold two files)."""
    lock = lock or lock_path(out)
    held = _acquire(out, lock)
    try:
        yield
    finally:
        with suppress(OSError):  # a folder made read-only meanwhile: the file stays, harmless
            lock.unlink()
        os.close(held)  # closing releases the lock


def _acquire(out: Path, lock: Path) -> int:
    import fcntl

    while True:
        try:  # created with the umask's permissions; a symbolic link there is not followed
            held = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
        except OSError as exc:
            raise PycartError(f"cannot create the lock file {lock} ({exc.strerror}); write "
                              "elsewhere with --out") from None
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(held)
            raise PycartError(f"another pycart run is writing {out} (it holds {lock}); "
                              "wait for it to finish, or write elsewhere with --out") from None
        except BaseException:
            os.close(held)
            raise
        if _same_file(held, lock):
            return held
        os.close(held)  # removed by the run that held it as it ended: lock the new one


def _same_file(held: int, path: Path) -> bool:
    try:
        disk = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(held)
    return (mine.st_dev, mine.st_ino) == (disk.st_dev, disk.st_ino)


def chunk_name(span: Span) -> str:
    """The file name of the chunk holding points ``span[0] .. span[1] - 1``."""
    return f"chunk-{span[0]:012d}-{span[1]:012d}.parquet"


def claim(parts: Path, key: str, description: object) -> None:
    """Make ``parts`` the store of the sweep ``key``; refuse a store of another sweep.

    A store without its stamp (only a kill between creating the folder and stamping it can
    leave one) is adopted: its chunks are verified one by one anyway.
    """
    stamp = parts / "sweep.json"
    if parts.exists():
        if not parts.is_dir():
            raise PycartError(f"{parts} is in the way of this sweep's partial results "
                              "(remove it, or write elsewhere with --out)")
        try:
            theirs = json.loads(stamp.read_text(encoding="utf-8"))["key"]
        except FileNotFoundError:
            theirs = key
        except (OSError, ValueError, KeyError, TypeError):
            theirs = None
        if theirs != key:
            raise PycartError(f"{parts} holds partial results of a different sweep (remove "
                              "it, or write this sweep elsewhere with --out)")
        if stamp.exists():
            return
    parts.mkdir(exist_ok=True)
    text = json.dumps({"key": key, "sweep": description}, indent=1)
    write_text_atomically(stamp, text)


def write_chunk(parts: Path, key: str, span: Span, table: pd.DataFrame) -> pa.Table:
    """Save one finished chunk, stamped with the sweep's key; return its rows as the final
    table takes them (without the stamp)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if len(table) != span[1] - span[0]:
        raise AssertionError(f"chunk {span} has {len(table)} rows")
    rows = pa.Table.from_pandas(table, preserve_index=False)
    stamped = rows.replace_schema_metadata({**(rows.schema.metadata or {}),
                                            KEY_FIELD: key.encode()})
    # plain encoding (no compression, dictionaries or statistics): a chunk lives until the
    # sweep ends and is read back only to resume; 2 ms instead of 8.5 ms a 20,000-point
    # chunk, as large (measured); the final table keeps Parquet's default encoding
    write_atomically(parts / chunk_name(span), lambda f: pq.write_table(
        stamped, f, compression="none", use_dictionary=False, write_statistics=False))
    return rows


def saved_spans(parts: Path, key: str, columns: Sequence[str],
                points: Callable[[int, int], np.ndarray]) -> tuple[list[Span], int]:
    """The spans of the valid chunks in ``parts`` (non-overlapping, in order) and the number
    of chunks discarded: unreadable, truncated, of another sweep, holding other points than
    their name says, or overlapping a chunk already kept. Discarded chunks are deleted;
    so are temporary files a killed run left."""
    remove_leftovers(parts)
    found = []
    for path in parts.glob("chunk-*.parquet"):
        match = _CHUNK.fullmatch(path.name)
        if match:
            found.append((int(match[1]), int(match[2]), path))
    kept: list[Span] = []
    discarded = 0
    end = 0
    for first, stop, path in sorted(found, key=lambda f: (f[0], -f[1])):
        if first >= end and _valid(path, key, columns, (first, stop), points):
            kept.append((first, stop))
            end = stop
        else:
            path.unlink(missing_ok=True)
            discarded += 1
    return kept, discarded


def _valid(path: Path, key: str, columns: Sequence[str], span: Span,
           points: Callable[[int, int], np.ndarray]) -> bool:
    import pyarrow.parquet as pq

    first, stop = span
    try:
        table = pq.read_table(path)
    except Exception:  # any damage pyarrow reports: truncated, empty, not Parquet
        return False
    if (table.schema.metadata or {}).get(KEY_FIELD) != key.encode():
        return False
    if table.column_names != list(columns) or table.num_rows != stop - first or stop <= first:
        return False
    index = np.asarray(table.column(col.POINT))
    if not np.array_equal(index, np.arange(first, stop)):
        return False
    names = list(columns)[1: 1 + points(first, first + 1).shape[1]]
    mine = np.column_stack([np.asarray(table.column(n), dtype=float) for n in names])
    return bool(np.array_equal(mine, points(first, stop)))


def gaps(kept: Sequence[Span], total: int, size: int) -> list[Span]:
    """The spans of at most ``size`` points that cover what ``kept`` does not, in order."""
    todo: list[Span] = []
    at = 0
    for first, stop in [*kept, (total, total)]:
        todo += [(s, min(s + size, first)) for s in range(at, first, size)]
        at = max(at, stop)
    return todo


def assemble(parts: Path, spans: Sequence[Span], out: Path, total: int) -> int:
    """Concatenate the saved chunks ``spans`` into ``out`` one at a time (memory stays
    flat), through a temporary file renamed into place; return the number of failed
    points."""
    with assembling(parts, out, total) as final:
        for span in spans:
            final.add(span)
    return final.failed


@contextmanager
def assembling(parts: Path, out: Path, total: int) -> Iterator[Assembly]:
    """The final table ``out`` (.parquet or .csv) written while its chunks come in
    (:meth:`Assembly.add`), so that a sweep's last chunk is followed by closing the file,
    not by reading every chunk again; renamed into place (:func:`write_atomically`'s
    guarantees) only once the chunks cover ``total`` points, removed on any exception."""
    with atomic_path(out) as tmp, open(tmp, "wb") as handle:
        final = Assembly(parts, handle, out.suffix.lower() == ".parquet")
        try:
            yield final
            final.check(out, total)
        finally:
            final.close()


class Assembly:
    """Chunks appended to a final table in the order of their points, whatever the order
    they finish in: a chunk that comes before its turn waits in memory (at most
    :data:`HELD`, so memory stays flat however late one chunk is) or on disk, in the
    sweep's store, and is appended when every point before it is."""

    def __init__(self, parts: Path, handle: BinaryIO, parquet: bool) -> None:
        self.parts, self.handle, self.parquet = parts, handle, parquet
        self.written = 0  # points appended: the next chunk starts there
        self.failed = 0
        self._held: dict[int, tuple[int, pa.Table | None]] = {}
        self._writer: pq.ParquetWriter | None = None

    def add(self, span: Span, rows: pa.Table | None = None) -> None:
        """Take chunk ``span``: its ``rows``, or None where the saved chunk is to be read
        from the store when its turn comes."""
        waiting = sum(r is not None for _, r in self._held.values())
        self._held[span[0]] = (span[1], rows if span[0] == self.written
                               or waiting < HELD else None)
        while self.written in self._held:
            stop, table = self._held.pop(self.written)
            self._append(self._read((self.written, stop)) if table is None else table)
            self.written = stop

    def _read(self, span: Span) -> pa.Table:
        import pyarrow.parquet as pq

        table = pq.read_table(self.parts / chunk_name(span))
        return table.replace_schema_metadata(
            {k: v for k, v in (table.schema.metadata or {}).items() if k != KEY_FIELD})

    def _append(self, table: pa.Table) -> None:
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        # not equal to OK counts a missing status as failed, as the rows' own check does
        self.failed += table.num_rows - (pc.sum(pc.equal(table.column(col.STATUS),
                                                         col.OK)).as_py() or 0)
        if not self.parquet:
            self.handle.write(spreadsheet_safe(table.to_pandas()).to_csv(
                header=self.written == 0, index=False).encode())
            return
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.handle, table.schema)
        self._writer.write_table(table.cast(self._writer.schema))

    def check(self, out: Path, total: int) -> None:
        """Refuse a table whose chunks do not cover the ``total`` points in a row."""
        if self.written != total or self._held:
            covered = self.written + sum(stop - first for first, (stop, _) in self._held.items())
            raise PycartError(f"the saved chunks of {out} cover {covered} of {total} points; "
                              "run the same command again to compute the rest")

    def close(self) -> None:
        """Finish the Parquet file (its footer); the caller closes the handle."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close()
