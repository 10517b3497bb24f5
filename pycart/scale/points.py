"""Point lists: a sweep over the rows of a user's table (CSV or Parquet).

Each column is a parameter (by its id, ``alpha``) or an initial amount (by the species id,
``L``, or as in result tables, ``init_L``); each row is a point. The sweep reports what any
sweep reports, with the point's inputs first; point ``k`` is row ``k`` of the file (from 0).
"""

from __future__ import annotations

import os
import stat
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.columns import INITIAL_PREFIX
from ..core.errors import PycartError
from ..core.names import MODELS, model_parameters
from .sweep import MAX_SAMPLES, Dimension, PointList, Sweep

#: The most points one file may hold (a sampled design's limit), and its largest size on
#: disk: beyond them a point list is refused before it is read (split it into sweeps).
MAX_POINTS = MAX_SAMPLES
MAX_FILE_BYTES = 2 * 1024**3

#: What a point file may be.
POINT_FORMATS = (".csv", ".parquet")


def read_points(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a point list: one float column per named input, one row per point. Raise
    :class:`PycartError` (one line) for a file that is missing, of another kind, too large,
    empty, malformed, or has a value that is not a number."""
    file = Path(path)
    name = str(file)
    if file.suffix.lower() not in POINT_FORMATS:
        raise PycartError(f"points {name!r}: unsupported extension (allowed: "
                          f"{', '.join(POINT_FORMATS)})")
    try:
        info = file.stat()
    except OSError as exc:
        raise PycartError(f"points {name!r}: {exc.strerror} (allowed: an existing file)") \
            from None
    if not stat.S_ISREG(info.st_mode):
        raise PycartError(f"points {name!r} is not a regular file (allowed: a CSV or Parquet "
                          "file)")
    if info.st_size > MAX_FILE_BYTES:
        raise PycartError(f"points {name!r}: {info.st_size / 1e9:.1f} GB is too large "
                          f"(allowed: up to {MAX_FILE_BYTES / 1e9:.1f} GB; split it)")
    table = _read_parquet(file) if file.suffix.lower() == ".parquet" else _read_csv(file)
    if table.shape[1] == 0:
        raise PycartError(f"points {name!r} has no columns (allowed: one column per "
                          "parameter or initial amount)")
    if len(table) == 0:
        raise PycartError(f"points {name!r} has no points (allowed: one row per point)")
    if len(table) > MAX_POINTS:
        raise PycartError(f"points {name!r} has more than {MAX_POINTS:,} points (allowed: "
                          f"up to {MAX_POINTS:,}; split it)")
    return _numeric(table, name)


def _read_csv(file: Path) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(file, nrows=MAX_POINTS + 1, index_col=False,
                                encoding="utf-8-sig", skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise PycartError(f"points {str(file)!r} is empty (allowed: a header line of "
                          "names, then one line per point)") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise PycartError(f"points {str(file)!r} is not a valid CSV table "
                          f"({' '.join(str(exc).split())[:200]})") from None
    except UnicodeDecodeError:
        raise PycartError(f"points {str(file)!r} is not UTF-8 text (allowed: a CSV table)") \
            from None
    header = [str(c) for c in table.columns]
    with open(file, encoding="utf-8-sig", errors="replace") as handle:
        first = [c.strip() for c in handle.readline().rstrip("\r\n").split(",")]
    twice = sorted({c for c in first if first.count(c) > 1})
    if twice:
        raise PycartError(f"points {str(file)!r}: column {twice[0]!r} is given twice "
                          "(allowed: once)")
    table.columns = [c.strip() for c in header]
    return table


def _read_parquet(file: Path) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(file).metadata
        if meta.num_rows > MAX_POINTS:
            raise PycartError(f"points {str(file)!r} has {meta.num_rows:,} points (allowed: "
                              f"up to {MAX_POINTS:,}; split it)")
        table = pq.read_table(file)
    except (pa.ArrowException, OSError) as exc:
        raise PycartError(f"points {str(file)!r} is not a readable Parquet file "
                          f"({' '.join(str(exc).split())[:200]})") from None
    names = table.column_names
    twice = sorted({c for c in names if names.count(c) > 1})
    if twice:
        raise PycartError(f"points {str(file)!r}: column {twice[0]!r} is given twice "
                          "(allowed: once)")
    return table.to_pandas()


def _numeric(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Every column as float64; the first value that is not a number is an error."""
    out = {}
    for column in table.columns:
        values = table[column]
        kind = pd.api.types
        textual = values.dtype == object or kind.is_string_dtype(values)
        if kind.is_bool_dtype(values) or not (kind.is_numeric_dtype(values) or textual):
            raise PycartError(f"points {name!r}: column {column!r} is not numeric (allowed: "
                              "numbers)")
        if textual:
            parsed = pd.to_numeric(values, errors="coerce")
            bad = (parsed.isna() & values.notna()).to_numpy()
            if bad.any():
                k = int(np.argmax(bad))
                raise PycartError(f"points {name!r}: {column} of point {k}: "
                                  f"{str(values.iloc[k])[:40]!r} is not a number "
                                  "(allowed: a finite number)")
            values = parsed
        out[str(column)] = values.to_numpy(dtype=float, na_value=np.nan)
    return pd.DataFrame(out)


def input_names(columns: Sequence[str], model: str = "cart_bm") -> list[str]:
    """The parameter or species id of each column of a point list (``init_L`` and ``L``
    both name L's initial amount); :class:`PycartError` for an unknown or doubled one."""
    if model not in MODELS:
        raise PycartError(f"unknown model {model!r} (allowed: {', '.join(MODELS)})")
    species = MODELS[model]
    allowed = model_parameters(model)
    names = []
    for column in columns:
        ident = column[len(INITIAL_PREFIX):] if column.startswith(INITIAL_PREFIX) else column
        if column.startswith(INITIAL_PREFIX) and ident not in species:
            ident = column
        if ident not in species and ident not in allowed:
            raise PycartError(
                f"unknown column {column!r} in the points (allowed: a parameter of {model}: "
                f"{', '.join(allowed)}; or an initial amount: "
                f"{', '.join(INITIAL_PREFIX + s for s in species)})")
        if ident in names:
            raise PycartError(f"{ident} is given by two columns of the points (allowed: one)")
        names.append(ident)
    return names


def points_sweep(table: pd.DataFrame, model: str = "cart_bm", **settings: object) -> Sweep:
    """A sweep over the rows of ``table`` (columns: parameters and initial amounts) with
    ``settings`` as for :class:`Sweep` (``parameters``, ``initial``, ``t_end``, ``days``,
    ``species``, ``peak``); validate it with :meth:`Sweep.validate`."""
    names = input_names([str(c) for c in table.columns], model)
    values = table.to_numpy(dtype=float, na_value=np.nan)
    dimensions = []
    for j, ident in enumerate(names):
        finite = values[:, j][np.isfinite(values[:, j])]
        lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 0.0)
        dimensions.append(Dimension(ident, lo, hi, 0, "linear"))
    return Sweep(tuple(dimensions), model, "points", point_list=PointList(values),
                 **settings)  # type: ignore[arg-type]
