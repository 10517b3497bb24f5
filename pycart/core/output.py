"""Writing result tables: CSV or Parquet by extension, atomically, checked before any work."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import PycartError
from .files import atomic_path

#: Output formats by file extension.
FORMATS = {".csv": "CSV", ".parquet": "Parquet"}

#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    frame = missing_as_nan(frame)
    with atomic_path(out) as tmp:
        if out.suffix.lower() == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            spreadsheet_safe(frame).to_csv(tmp, index=False)
    return out


def missing_as_nan(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with one missing-value convention: a column of numbers with gaps (None
    where a metric has no value, as ``relapse_day`` without a relapse) becomes float with
    NaN, which CSV writes as an empty cell and Parquet as a float column, never as ``None``
    text or an object column. Columns of text or of true/false are left as they are."""
    out = frame
    for k in range(frame.shape[1]):
        values = frame.iloc[:, k]
        if values.dtype != object or not values.isna().any():
            continue  # a full column keeps its type (whole numbers stay whole)
        present = values.dropna()
        if all(isinstance(v, (int, float, np.integer, np.floating))
               and not isinstance(v, (bool, np.bool_)) for v in present):
            out = out.copy() if out is frame else out
            out.isetitem(k, pd.to_numeric(values, errors="coerce").astype(float))
    return out


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` for a CSV or TSV file: a text cell that starts like a formula (``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return: a patient or run label, say) gets a
    leading ``'``, so a spreadsheet shows it as text instead of evaluating it. Numbers are
    left alone; Parquet keeps the labels as they are."""
    out = frame
    for k in range(frame.shape[1]):  # by position: labels may repeat
        values = frame.iloc[:, k]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS))
        if risky.any():
            out = out.copy() if out is frame else out
            out.iloc[:, k] = values.where(~risky, "'" + values.astype(str))
    return out

