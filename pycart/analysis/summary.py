"""Cohort summaries: share of responders, medians and quartiles of every output and every
varied input, and Wilcoxon rank-sum tests between groups (scipy.stats), of any sweep or grid
table.

The one implementation of the statistics pycart prints: ``pycart summarize`` shows
:func:`summarize`'s table, ``pycart cohort`` and the reproduction report the
:class:`CohortStatistics` taken from it.
"""

from __future__ import annotations

import csv
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.columns import INITIAL_PREFIX
from ..core.csvrows import checked_rows
from ..core.errors import PycartError
from ..core.names import MODELS, PARAMETERS, RESPONSE_THRESHOLD

#: Result columns that are outputs of a run (sweeps, and the grids of scenarios), besides
#: species at days (``L@60``).
OUTPUTS = (col.L30, col.L_END, col.T_PEAK, col.C_PEAK, col.FOLD_EXPANSION, col.RELAPSE_DAY,
           "steady_state_day")
#: Columns that are neither inputs nor summarised outputs.
BOOKKEEPING = (col.POINT, col.STATUS, col.MESSAGE, col.RESPONDER, col.PEAK_REACHED)
_AT_DAY = re.compile(r"^\w+@\d+(\.\d*)?$")

#: The most groups ``--by`` may make (beyond it a column is not a grouping).
MAX_GROUPS = 20

SUMMARY_COLUMNS = ["variable", "kind", "group", "n", "median", "q1", "q3", "test", "p",
                   "log10_p"]
RANKSUM, KRUSKAL = "Wilcoxon rank-sum", "Kruskal-Wallis"

#: Below this a p-value is printed from its logarithm: doubles lose digits from 2.2e-308
#: and scipy's p-values underflow to 0 (rank-sum ``|z| > 38.5``) where the logarithm does not.
P_FLOOR = 1e-300


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A result table (CSV or Parquet) as written by pycart; :class:`PycartError` if it
    cannot be read."""
    file = Path(path)
    if file.suffix.lower() not in (".csv", ".parquet"):
        raise PycartError(f"table {str(file)!r}: unsupported extension (allowed: .csv, "
                          ".parquet)")
    if not file.is_file():
        raise PycartError(f"table {str(file)!r} is not an existing file")
    try:
        if file.suffix.lower() == ".parquet":
            table = pd.read_parquet(file)
        else:
            _check_fields(file)
            table = pd.read_csv(file, encoding="utf-8")
    except PycartError:  # a ValueError too, but already the one line to show
        raise
    except (ValueError, OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PycartError(f"table {str(file)!r} cannot be read "
                          f"({' '.join(str(exc).split())[:200]})") from None
    if table.empty:
        raise PycartError(f"table {str(file)!r} has no rows")
    return table


def _check_fields(file: Path) -> None:
    """Every row of a CSV table has as many fields as its header (:func:`checked_rows`)."""
    with open(file, newline="", encoding="utf-8") as handle:
        for _ in checked_rows(handle, f"table {str(file)!r}")[1]:
            pass


def output_columns(table: pd.DataFrame) -> list[str]:
    """The numeric output columns of a result table, in its order."""
    return [c for c in table.columns
            if (c in OUTPUTS or _AT_DAY.match(str(c)))
            and pd.api.types.is_numeric_dtype(table[c])
            and not pd.api.types.is_bool_dtype(table[c])]


def input_columns(table: pd.DataFrame, by: str | None = None) -> list[str]:
    """The numeric input columns that vary in a result table (parameters by id, initial
    amounts as ``init_<species>``), in its order; ``by`` is left out."""
    species = {s for names in MODELS.values() for s in names}
    return [c for c in table.columns
            if c != by and (c in PARAMETERS or (str(c).startswith(INITIAL_PREFIX) and
                                                str(c)[len(INITIAL_PREFIX):] in species))
            and pd.api.types.is_numeric_dtype(table[c])
            and not pd.api.types.is_bool_dtype(table[c]) and table[c].nunique() > 1]


def finished(table: pd.DataFrame) -> pd.DataFrame:
    """The rows whose simulation finished (all rows where the table has no status)."""
    return table[table[col.STATUS] == col.OK] if col.STATUS in table.columns else table


def groups(table: pd.DataFrame, by: str | None) -> dict[str, pd.DataFrame]:
    """The rows by the value of column ``by`` (responders "R", non-responders "NR"), or one
    group "all"."""
    if by is None:
        return {"all": table}
    if by not in table.columns:
        raise PycartError(f"--by {by!r} is not a column of the table (allowed: "
                          f"{', '.join(map(str, table.columns))})")
    values = table[by]
    if values.isna().any() or values.nunique() > MAX_GROUPS:
        raise PycartError(f"--by {by!r} does not group the rows (allowed: a column with at "
                          f"most {MAX_GROUPS} distinct values and none missing)")
    if by == col.RESPONDER:
        labels = {True: "R", False: "NR"}
        return {labels[bool(r)]: table[values.astype(bool) == r] for r in (True, False)}
    return {str(v): table[values == v] for v in sorted(values.unique(), key=str)}


def summarize(table: pd.DataFrame, by: str | None = None,
              outputs: list[str] | None = None,
              inputs: list[str] | None = None) -> pd.DataFrame:
    """One row per variable and group: n, median, quartiles; and per variable, between the
    groups, the two-sided Wilcoxon rank-sum p-value (two groups) or Kruskal-Wallis (more),
    with its log10 (exact where the p-value underflows). The variables are the outputs
    (default: every output column), then the inputs (default: every varied input column
    when ``outputs`` is not given). Rows whose simulation failed are left out; so are
    missing values of a variable."""
    ok = finished(table)
    parts = groups(ok, by)
    if inputs is None:
        inputs = input_columns(ok, by) if outputs is None else []
    chosen = [(c, "output") for c in (output_columns(ok) if outputs is None else outputs)]
    rows = []
    for column, kind in chosen + [(c, "input") for c in inputs]:
        samples = {g: part[column].dropna().to_numpy(dtype=float) if column in part.columns
                   else np.array([]) for g, part in parts.items()}
        test, p, log10_p = _test(samples)
        for g, s in samples.items():
            q1, median, q3 = np.percentile(s, [25, 50, 75]) if len(s) else (math.nan,) * 3
            rows.append([column, kind, g, len(s), median, q1, q3, test, p, log10_p])
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _test(samples: dict[str, np.ndarray]) -> tuple[str, float, float]:
    """The test between the groups' samples, its p-value and the p-value's log10 (no test,
    NaN: one group, or an empty one; Kruskal-Wallis also needs spread in every group)."""
    from scipy.stats import chi2, kruskal, norm, ranksums

    filled = [s for s in samples.values() if len(s)]
    if len(filled) == 2 and len(samples) == 2:
        # p = 2 sf(|z|): its log is exact far beyond 0's underflow
        ranked = ranksums(filled[0], filled[1])
        log_p = math.log(2) + float(norm.logsf(abs(float(ranked.statistic))))
        return RANKSUM, float(ranked.pvalue), log_p / math.log(10)
    if len(filled) > 2 and all(len(np.unique(s)) > 1 for s in filled):
        found = kruskal(*filled)
        log_p = float(chi2.logsf(found.statistic, len(filled) - 1))
        if not math.isfinite(log_p):  # scipy's logsf underflows with the p-value
            log_p = chi2_log_tail(float(found.statistic), len(filled) - 1)
        return KRUSKAL, float(found.pvalue), log_p / math.log(10)
    return "", math.nan, math.nan


def chi2_log_tail(x: float, df: int) -> float:
    """ln P(chi2(df) > x) far in the upper tail (x/2 much larger than df/2, where scipy's
    logsf underflows): Q(a, y) = y^(a-1) e^-y / Gamma(a) * sum_k (a-1)...(a-k) / y^k with
    a = df/2, y = x/2. The sum ends at k = a for whole a (exact); for half-whole a its terms
    shrink by (a - k)/y, so it is stopped at the first negligible term."""
    a, y = df / 2, x / 2
    total = term = 1.0
    for k in range(1, 60):
        term *= (a - k) / y
        total += term
        if abs(term) < 1e-17 * total:
            break
    return -y + (a - 1) * math.log(y) - math.lgamma(a) + math.log(total)


def format_p(p: float, log10_p: float) -> str:
    """A p-value in 3 significant digits; below :data:`P_FLOOR` from its log10 (``1.2e-350``),
    never ``0``; empty where there is no test."""
    if math.isnan(p):
        return ""
    if p >= P_FLOOR:
        return f"{p:.3g}"
    if not math.isfinite(log10_p):
        return f"< {P_FLOOR:g}"
    exponent = math.floor(log10_p)
    mantissa = f"{10 ** (log10_p - exponent):.3g}"
    if mantissa == "10":
        mantissa, exponent = "1", exponent + 1
    return f"{mantissa}e{exponent}"


def responder_line(table: pd.DataFrame) -> str:
    """Points, failures and the share of responders, as one printable line."""
    ok = finished(table)
    failed = len(table) - len(ok)
    line = f"{len(table)} points ({failed} failed)"
    if col.RESPONDER in ok.columns and len(ok):
        r = int(ok[col.RESPONDER].astype(bool).sum())
        line += (f"; responders (L30 < {RESPONSE_THRESHOLD:g} cell): {r} of {len(ok)} "
                 f"({100 * r / len(ok):.1f}%)")
    return line


def format_summary(summary: pd.DataFrame) -> str:
    """The summary as an aligned text table (4 significant digits; p-values by
    :func:`format_p`)."""
    shown = summary.drop(columns="log10_p")
    for c in ("median", "q1", "q3"):
        shown[c] = shown[c].map(lambda v: "n/a" if math.isnan(v) else f"{v:.4g}")
    shown["p"] = [format_p(p, lp) for p, lp in zip(summary["p"], summary["log10_p"], strict=True)]
    repeated = shown["variable"].duplicated()
    shown.loc[repeated, ["variable", "kind", "test", "p"]] = ""
    return shown.to_string(index=False)


@dataclass(frozen=True)
class CohortStatistics:
    """Responder share, and R against NR: medians of the time to peak and the fold
    expansion, with two-sided Wilcoxon rank-sum p-values (None where a group is empty)."""

    patients: int
    responders: int
    median_t_peak_R: float | None
    median_t_peak_NR: float | None
    p_t_peak: float | None
    median_fold_R: float | None
    median_fold_NR: float | None
    p_fold: float | None
    log10_p_t_peak: float = math.nan  # exact where p underflows (see format_p)
    log10_p_fold: float = math.nan

    @property
    def responder_share(self) -> float:
        """Responders over patients."""
        return self.responders / self.patients if self.patients else math.nan

    def lines(self) -> list[str]:
        """The statistics as printable lines."""
        def fmt(v: float | None, spec: str = ".3g") -> str:
            return "n/a" if v is None else format(v, spec)

        def p(v: float | None, log10_p: float) -> str:
            return "n/a" if v is None else format_p(v, log10_p)
        return [
            f"responders (L30 < 1 cell): {self.responders} of {self.patients} "
            f"({100 * self.responder_share:.1f}%)",
            f"time to peak (days), median R {fmt(self.median_t_peak_R)} vs NR "
            f"{fmt(self.median_t_peak_NR)}; Wilcoxon rank-sum p = "
            f"{p(self.p_t_peak, self.log10_p_t_peak)}",
            f"fold expansion log10(C_peak/C_0), median R {fmt(self.median_fold_R)} vs NR "
            f"{fmt(self.median_fold_NR)}; Wilcoxon rank-sum p = "
            f"{p(self.p_fold, self.log10_p_fold)}",
        ]


def statistics(table: pd.DataFrame) -> CohortStatistics:
    """Figure 7's statistics of a sweep table, from :func:`summarize` by responder (points
    whose simulation failed left out)."""
    summary = summarize(table, col.RESPONDER, [col.T_PEAK, col.FOLD_EXPANSION]).set_index(
        ["variable", "group"])

    def value(output: str, group: str, column: str) -> float | None:
        v = summary.loc[(output, group), column]
        return None if isinstance(v, float) and math.isnan(v) else float(v)

    ok = finished(table)
    return CohortStatistics(len(ok), int(ok[col.RESPONDER].astype(bool).sum()),
                            value(col.T_PEAK, "R", "median"), value(col.T_PEAK, "NR", "median"),
                            value(col.T_PEAK, "R", "p"), value(col.FOLD_EXPANSION, "R", "median"),
                            value(col.FOLD_EXPANSION, "NR", "median"),
                            value(col.FOLD_EXPANSION, "R", "p"),
                            float(summary.loc[(col.T_PEAK, "R"), "log10_p"]),
                            float(summary.loc[(col.FOLD_EXPANSION, "R"), "log10_p"]))
