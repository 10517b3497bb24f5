"""Measurement tables: a long table ``time,observable,value[,sigma][,patient]``, read from
CSV or Parquet and checked before any work starts.

Every problem found is one line (what was wrong, where, what is allowed), raised as
:class:`PycartError`, which the command line turns into exit status 2.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import PycartError
from ..core.names import DEFAULT_MODEL, MODELS, OBSERVABLES, SHARES

TIME, OBSERVABLE, VALUE, SIGMA, PATIENT = "time", "observable", "value", "sigma", "patient"
REQUIRED = (TIME, OBSERVABLE, VALUE)
OPTIONAL = (SIGMA, PATIENT)
#: The patient name given to a table without a ``patient`` column.
SINGLE = "patient"


def observables(model: str = DEFAULT_MODEL) -> tuple[str, ...]:
    """What a measurement may observe in ``model``: a species, a sum the figures plot (CT,
    Bpos, ...) or a share (Lshare)."""
    return (*MODELS[model], *OBSERVABLES[model], *SHARES)


def read_measurements(path: str | os.PathLike[str], model: str = DEFAULT_MODEL
                      ) -> pd.DataFrame:
    """Read and check a measurement table; return it with columns time, observable, value,
    sigma (NaN where not given) and patient, sorted by patient, observable and time."""
    source = Path(path)
    if not source.is_file():
        raise PycartError(f"data file {str(source)!r} does not exist (allowed: a CSV or "
                          "Parquet file)")
    suffix = source.suffix.lower()
    try:
        if suffix == ".parquet":
            raw = pd.read_parquet(source)
        elif suffix in (".csv", ".txt"):
            raw = pd.read_csv(source, dtype=str, keep_default_na=False, skipinitialspace=True)
        else:
            raise PycartError(f"data file {str(source)!r}: unsupported extension (allowed: "
                              ".csv, .parquet)")
    except PycartError:
        raise
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PycartError(f"data file {str(source)!r} cannot be read as a table ({first})"
                          ) from None
    return check_measurements(raw, model, str(source))


def check_measurements(raw: pd.DataFrame, model: str = DEFAULT_MODEL,
                       where: str = "data") -> pd.DataFrame:
    """Check a raw measurement table (any dtypes); see :func:`read_measurements`."""
    frame = raw.rename(columns=lambda c: str(c).strip())
    _check_columns(frame, where)
    if frame.empty:
        raise PycartError(f"{where}: no measurements (allowed: one row per measurement)")
    text = frame.astype(str).apply(lambda col: col.str.strip())
    patient = text[PATIENT] if PATIENT in frame else pd.Series(SINGLE, index=frame.index)
    nameless = (patient == "") | patient.str.lower().isin(["nan", "none"])
    if nameless.any():
        raise PycartError(f"{where}: line {_row(nameless.idxmax())} has no patient (allowed: "
                          "a name in every row of the patient column)")
    values = _numbers(text, VALUE, where)
    empty = [p for p in dict.fromkeys(patient) if values[patient == p].isna().all()]
    if empty:
        raise PycartError(f"{where}: patient {empty[0]!r} has no data (every value is "
                          "missing; allowed: at least one number per patient)")
    out = pd.DataFrame({TIME: _numbers(text, TIME, where), OBSERVABLE: text[OBSERVABLE],
                        VALUE: values, SIGMA: (_numbers(text, SIGMA, where) if SIGMA in frame
                                               else np.nan), PATIENT: patient})
    _check_values(out, frame, model, where)
    return out.sort_values([PATIENT, OBSERVABLE, TIME], kind="stable").reset_index(drop=True)


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
    out = pd.to_numeric(col.where(~col.str.lower().isin(["", "nan", "none"])), errors="coerce")
    bad = out.isna() & ~col.str.lower().isin(["", "nan", "none"])
    if bad.any():
        i = bad.idxmax()
        raise PycartError(f"{where}: line {_row(i)}: {column} {col[i]!r} is not a number "
                          "(allowed: a finite number)")
    return out.astype(float)


def _check_values(out: pd.DataFrame, raw: pd.DataFrame, model: str, where: str) -> None:
    allowed = observables(model)
    for column, rule, allowed_text in (
            (TIME, lambda v: np.isfinite(v) & (v >= 0), "a finite number of days >= 0"),
            (VALUE, lambda v: np.isfinite(v) & (v >= 0), "a finite number >= 0"),
            (SIGMA, lambda v: np.isnan(v) | (np.isfinite(v) & (v > 0)),
             "a finite number > 0, or empty: estimated")):
        if column == SIGMA and SIGMA not in raw:
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
    duplicated = out.duplicated(keep="first")
    if duplicated.any():
        i = int(np.argmax(duplicated.to_numpy()))
        raise PycartError(f"{where}: line {_row(out.index[i])} repeats an earlier row "
                          "exactly (allowed: each measurement once; replicates differ in value)")


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
