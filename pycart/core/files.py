"""Files written whole or not at all, with the permissions of the user's umask."""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file in ``path``'s folder for a writer that wants a file name (matplotlib,
    COPASI, pandas): once the block ends, it gets the permissions the umask gives a new file,
    is synced to disk and renamed to ``path`` (replacing a file or a symbolic link there,
    never writing through it). On any failure (a full disk, a kill signal) it is removed and
    ``path`` is as it was."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes it 0600
        with open(tmp, "rb") as written:  # the writer may have closed it unsynced
            os.fsync(written.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_leftovers(folder: Path, name: str = "*") -> None:
    """Remove the temporary files :func:`atomic_path` left in ``folder`` for files named
    ``name`` (a glob; every file by default) when its writer was killed before it could
    clean up. Only for a folder the caller holds (its lock, or its own store)."""
    pattern = "*" if name == "*" else glob.escape(name)
    for stale in folder.glob(f".{pattern}.*.part"):
        stale.unlink(missing_ok=True)


def write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` whole or not at all, as :func:`atomic_path` does: ``write(binary_file)``
    on the temporary file."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        write(handle)


def write_text_atomically(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all; return ``path``."""
    write_atomically(path, lambda handle: handle.write(text.encode("utf-8")))
    return path


def current_umask() -> int:
    """The process's umask (read without changing it where Linux tells it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask
