"""Writing result tables: CSV or Parquet by extension, atomically, checked before any work."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import PycartError
from .files import atomic_path

#: Output formats by file extension.
FORMATS = {".csv": "CSV", ".parquet": "Parquet"}


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """Check that a table can be written to ``path``; raise :class:`PycartError` if not.

    Called before a run starts, so that no work is lost to a bad path.
    """
    out = Path(path)
    if out.suffix.lower() not in FORMATS:
        raise PycartError(f"output {str(out)!r}: unsupported extension "
                          f"(allowed: {', '.join(FORMATS)})")
    if out.is_dir():
        raise PycartError(f"output {str(out)!r} is a directory (allowed: a file path)")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise PycartError(f"output {str(out)!r}: {str(parent)!r} is not an existing folder")
    try:  # a real probe: permission bits do not bind root, read-only file systems do
        with tempfile.NamedTemporaryFile(dir=parent, prefix=f".{out.name}.", suffix=".probe"):
            pass
    except OSError as exc:
        raise PycartError(f"output {str(out)!r} is not writable ({exc.strerror})") from None
    if out.exists() and not os.access(out, os.W_OK):
        raise PycartError(f"output {str(out)!r} is not writable")
    return out


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` to ``path`` (CSV or Parquet by extension) through a temporary file in
    the same folder, so a failed or interrupted write leaves no partial file behind."""
    out = check_output_path(path)
    with atomic_path(out) as tmp:
        if out.suffix.lower() == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False)
    return out
