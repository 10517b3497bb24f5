"""Measurement tables: a long table ``time,observable,value[,sigma][,patient][,lloq]``, read
CSV or Parquet and checked before any work starts.

Every problem found is one line (what was wrong, where, what is allowed), raised as
:class:`PycartError`, which the command line turns into exit status 2.
"""

from __future__ import annotations

import csv
import math
import os
import stat
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.csvrows import checked_rows
from ..core.errors import PycartError
from ..core.inputs import MAX_HORIZON
from ..core.names import DEFAULT_MODEL, MODELS, OBSERVABLES, SHARES

TIME, OBSERVABLE, VALUE, SIGMA, PATIENT = "time", "observable", "value", "sigma", "patient"
#: The lower limit of quantification of a row: a value empty or below it is left-censored.
LLOQ = "lloq"
REQUIRED = (TIME, OBSERVABLE, VALUE)
OPTIONAL = (SIGMA, PATIENT, LLOQ)
#: The patient name given to a table without a ``patient`` column.
SINGLE = "patient"
#: The most measurements one data file may hold, and its largest size on disk: a fit's data
#: are a few hundred rows per patient, and beyond these a table is refused before it is read
#: in full (a 10-million-row file once took 2.8 GB before failing).
MAX_MEASUREMENTS = 1_000_000
MAX_DATA_BYTES = 64 * 2**20


def observables(model: str = DEFAULT_MODEL) -> tuple[str, ...]:
    """What a measurement may observe in ``model``: a species, a sum the figures plot (CT,
    Bpos, ...) or a share (Lshare)."""
    return (*MODELS[model], *OBSERVABLES[model], *SHARES)


def read_measurements(path: str | os.PathLike[str], model: str = DEFAULT_MODEL,
                      allowed: Sequence[str] | None = None) -> pd.DataFrame:
    """Read and check a measurement table; return it with columns time, observable, value,
    sigma (NaN where not given), patient, and lloq where given, sorted by patient, observable
    and time. ``allowed``: the observable ids (default the model's ids, sums and shares)."""
    source = Path(path)
    name = str(source)
    suffix = source.suffix.lower()
    if suffix not in (".parquet", ".csv", ".txt"):
        raise PycartError(f"data file {name!r}: unsupported extension (allowed: .csv, "
                          ".parquet)")
    _check_file(source)
    try:
        raw = _read_parquet(source) if suffix == ".parquet" else _read_csv(source)
    except PycartError:
        raise
    except UnicodeDecodeError:
        raise PycartError(f"data file {name!r}: line {_first_non_utf8(source)} is not UTF-8 "
                          "text (allowed: a table in UTF-8, labels such as patient names "
                          "included)") from None
    except (ValueError, OSError, csv.Error) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PycartError(f"data file {name!r} cannot be read as a table ({first})") from None
    return check_measurements(raw, model, name, allowed)


def _check_file(source: Path) -> None:
    """An existing regular file within :data:`MAX_DATA_BYTES` (a FIFO is never opened)."""
    try:
        info = source.stat()
    except OSError:
        info = None
    if info is None or not stat.S_ISREG(info.st_mode):
        raise PycartError(f"data file {str(source)!r} does not exist (allowed: a CSV or "
                          "Parquet file)")
    if info.st_size > MAX_DATA_BYTES:
        raise PycartError(f"data file {str(source)!r} has {info.st_size:,} bytes (allowed: "
                          f"up to {MAX_DATA_BYTES // 2**20} MiB and {MAX_MEASUREMENTS:,} "
                          "measurements; split it)")


def _first_non_utf8(source: Path) -> int:
    """The first line of a file that is not UTF-8 (the decoder's own offset counts from
    the chunk it was reading, not from the start of the file)."""
    with open(source, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _too_many(source: Path) -> PycartError:
    return PycartError(f"data file {str(source)!r} has more than {MAX_MEASUREMENTS:,} "
                       f"measurements (allowed: up to {MAX_MEASUREMENTS:,}; split it)")


def _read_csv(source: Path) -> pd.DataFrame:
    """The table as text, read row by row: a row with more or fewer fields than the header
    is refused with its line (pandas would shift it into an index or other columns), and
    reading stops past :data:`MAX_MEASUREMENTS`. The index is each row's line minus 2, so
    messages name the line of the file even past blank or multi-line rows."""
    with open(source, newline="", encoding="utf-8-sig") as handle:
        header, rows = checked_rows(handle, f"data file {str(source)!r}",
                                    skipinitialspace=True)
        if not header:
            raise PycartError(f"data file {str(source)!r} is empty (allowed: a header line "
                              f"{','.join(REQUIRED)}[,{','.join(OPTIONAL)}], then one line "
                              "per measurement)")
        columns: list[list[str]] = [[] for _ in header]
        lines: list[int] = []
        for line, row in rows:
            if len(lines) == MAX_MEASUREMENTS:
                raise _too_many(source)
            # checked_rows refused every row whose length is not the header's
            for column, field in zip(columns, row, strict=True):
                column.append(field)
            lines.append(line)
    frame = pd.DataFrame(dict(enumerate(columns)), index=np.array(lines, dtype=np.int64) - 2,
                         columns=range(len(header)), dtype=object)
    frame.columns = header
    return frame


def _read_parquet(source: Path) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        if pq.ParquetFile(source).metadata.num_rows > MAX_MEASUREMENTS:
            raise _too_many(source)
        return pq.read_table(source).to_pandas()
    except pa.ArrowException as exc:
        raise ValueError(" ".join(str(exc).split())[:200]) from None


def check_measurements(raw: pd.DataFrame, model: str = DEFAULT_MODEL,
                       where: str = "data", allowed: Sequence[str] | None = None
                       ) -> pd.DataFrame:
    """Check a raw measurement table (any dtypes); see :func:`read_measurements`."""
    frame = raw.rename(columns=lambda c: str(c).strip())
    _check_columns(frame, where)
    if frame.empty:
        raise PycartError(f"{where}: no measurements (allowed: one row per measurement)")
    text = _as_text(frame, where)
    patient = text[PATIENT] if PATIENT in frame else pd.Series(SINGLE, index=frame.index)
    nameless = (patient == "") | patient.str.lower().isin(["nan", "none"])
    if nameless.any():
        raise PycartError(f"{where}: line {_row(nameless.idxmax())} has no patient (allowed: "
                          "a name in every row of the patient column)")
    values = _numbers(text, VALUE, where)
    lloq = _numbers(text, LLOQ, where) if LLOQ in frame else None
    known = values.notna() if lloq is None else values.notna() | lloq.notna()
    empty = [p for p in dict.fromkeys(patient) if not known[patient == p].any()]
    if empty:
        raise PycartError(f"{where}: patient {empty[0]!r} has no data (every value is "
                          "missing; allowed: at least one number per patient)")
    out = pd.DataFrame({TIME: _numbers(text, TIME, where), OBSERVABLE: text[OBSERVABLE],
                        VALUE: values, SIGMA: (_numbers(text, SIGMA, where) if SIGMA in frame
                                               else np.nan), PATIENT: patient})
    if lloq is not None:
        out[LLOQ] = lloq
    _check_values(out, frame, list(allowed or observables(model)), where)
    _check_after_day_0(out, PATIENT in frame, where)
    return out.sort_values([PATIENT, OBSERVABLE, TIME], kind="stable").reset_index(drop=True)


def _as_text(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Every cell as stripped text; bytes (a Parquet binary column) are read as UTF-8, never
    shown as their ``b'\\xff'`` repr."""
    out = {}
    for k, (name, column) in enumerate(frame.items()):
        raw = column.astype(object)
        binary = raw.map(lambda v: isinstance(v, (bytes, bytearray)))
        if binary.any():
            try:
                raw = raw.map(lambda v: v.decode("utf-8") if isinstance(v, (bytes, bytearray))
                              else v)
            except UnicodeDecodeError:
                bad = raw.map(lambda v: isinstance(v, (bytes, bytearray)) and not _utf8(v))
                raise PycartError(f"{where}: line {_row(bad.idxmax())}: {name} is not UTF-8 "
                                  "text (allowed: labels and values in UTF-8)") from None
        out[k] = raw.astype(str).str.strip()
    text = pd.DataFrame(out, index=frame.index)
    text.columns = frame.columns
    return text


def _utf8(data: bytes | bytearray) -> bool:
    try:
        bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_columns(frame: pd.DataFrame, where: str) -> None:
    columns = list(frame.columns)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise PycartError(f"{where}: missing column {missing[0]!r} (required: "
                          f"{', '.join(REQUIRED)}; optional: {', '.join(OPTIONAL)})")
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise PycartError(f"{where}: unknown column {unknown[0]!r} (allowed: "
                          f"{', '.join(REQUIRED + OPTIONAL)})")
    if len(set(columns)) != len(columns):
        raise PycartError(f"{where}: a column appears twice (allowed: each once)")


def _row(index: object) -> int:
    """The line of the file a row came from (header = line 1)."""
    return int(index) + 2  # type: ignore[call-overload]


def _numbers(text: pd.DataFrame, column: str, where: str) -> pd.Series:
    """A column as floats; a non-numeric entry is an error, an empty one is NaN."""
    col = text[column]
    # a missing cell of a numeric column (pandas 3 keeps it missing as text) is empty too
    empty = col.isna().to_numpy() | col.str.lower().isin(["", "nan", "none"]).fillna(True)
    out = pd.to_numeric(col.where(~empty), errors="coerce")
    bad = out.isna() & ~empty
    if bad.any():
        i = bad.idxmax()
        raise PycartError(f"{where}: line {_row(i)}: {column} {col[i]!r} is not a number "
                          "(allowed: a finite number)")
    return out.astype(float)


def _check_values(out: pd.DataFrame, raw: pd.DataFrame, allowed: Sequence[str],
                  where: str) -> None:
    # a value may be empty where its row has an lloq: it is below it (left-censored)
    limited = out[LLOQ].notna().to_numpy() if LLOQ in out else np.zeros(len(out), dtype=bool)
    for column, rule, allowed_text in (
            (TIME, lambda v: np.isfinite(v) & (v >= 0) & (v <= MAX_HORIZON),
             f"a number of days >= 0 and <= {MAX_HORIZON:g}, the longest run"),
            (VALUE, lambda v: (np.isfinite(v) & (v >= 0)) | (np.isnan(v) & limited),
             "a finite number >= 0, or empty where the row has an lloq: below it"),
            (SIGMA, lambda v: np.isnan(v) | (np.isfinite(v) & (v > 0)),
             "a finite number > 0, or empty: estimated"),
            (LLOQ, lambda v: np.isnan(v) | (np.isfinite(v) & (v > 0)),
             "a finite number > 0, the lower limit of quantification, or empty: none")):
        if column not in out or (column == SIGMA and SIGMA not in raw):
            continue
        bad = ~rule(out[column].to_numpy())
        if bad.any():
            i = int(np.argmax(bad))
            shown = raw[column].iloc[i]
            raise PycartError(f"{where}: line {_row(out.index[i])}: {column} {shown!r} is not "
                              f"allowed (allowed: {allowed_text})")
    unknown = ~out[OBSERVABLE].isin(allowed)
    if unknown.any():
        i = int(np.argmax(unknown.to_numpy()))
        raise PycartError(f"{where}: line {_row(out.index[i])}: unknown observable "
                          f"{out[OBSERVABLE].iloc[i]!r} (allowed: {', '.join(allowed)})")
    # censored replicates (value empty, the same lloq) are alike by nature: not repeats
    duplicated = out.duplicated(keep="first") & out[VALUE].notna()
    if duplicated.any():
        i = int(np.argmax(duplicated.to_numpy()))
        raise PycartError(f"{where}: line {_row(out.index[i])} repeats an earlier row "
                          "exactly (allowed: each measurement once; replicates differ in value)")


def _check_after_day_0(out: pd.DataFrame, named: bool, where: str) -> None:
    """Each patient needs a measurement after day 0: a run starts from its initial amounts
    on day 0, so day-0 data alone leave nothing to simulate (the solver has no interval)."""
    for patient, rows in out.groupby(PATIENT, sort=False):
        if (rows[TIME] == 0).all():
            who = f"of patient {patient!r} " if named else ""
            raise PycartError(f"{where}: every measurement {who}is at day 0 (allowed: at "
                              "least one after day 0; a run starts on day 0 from its initial "
                              "amounts)")


def check_noise(data: pd.DataFrame, noise: str) -> None:
    """Log-normal noise needs positive values; say which row is not."""
    if noise == "lognormal":
        bad = data[VALUE] <= 0
        if bad.any():
            row = data[bad].iloc[0]
            raise PycartError(
                f"value {row[VALUE]:g} of {row[OBSERVABLE]} at day {row[TIME]:g} "
                f"({row[PATIENT]}) is not > 0 (allowed with --noise lognormal: values > 0; "
                "use --noise normal for zeros)")
    elif noise != "normal":
        raise PycartError(f"noise model {noise!r} (allowed: lognormal, normal)")


def horizon(data: pd.DataFrame) -> float:
    """The last measurement day (at least one day)."""
    return max(1.0, math.ceil(float(data[TIME].max())))


def censored_rows(data: pd.DataFrame) -> np.ndarray:
    """Which rows are left-censored: a value that is empty or below the row's lloq."""
    if LLOQ not in data:
        return np.zeros(len(data), dtype=bool)
    lloq = data[LLOQ].to_numpy(float)
    value = data[VALUE].to_numpy(float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(lloq) & (np.isnan(value) | (value < lloq))
