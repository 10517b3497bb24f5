"""Cohort summaries: share of responders, medians and quartiles of every output, and
Wilcoxon rank-sum tests between groups (scipy.stats), of any sweep or grid table.

The one implementation of the statistics pycart prints: ``pycart summarize`` shows
:func:`summarize`'s table, ``pycart cohort`` and the reproduction report the
:class:`CohortStatistics` taken from it.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import PycartError
from ..core.names import RESPONSE_THRESHOLD

#: Result columns that are outputs of a run (sweeps, and the grids of scenarios), besides
#: species at days (``L@60``).
OUTPUTS = ("L30", "L_end", "t_peak", "C_peak", "fold_expansion", "car_t_peak",
           "car_t_peak_day", "relapse_day", "steady_state_day")
#: Columns that are neither inputs nor summarised outputs.
BOOKKEEPING = ("point", "status", "message", "responder", "peak_reached")
_AT_DAY = re.compile(r"^\w+@\d+(\.\d*)?$")

#: The most groups ``--by`` may make (beyond it a column is not a grouping).
MAX_GROUPS = 20

SUMMARY_COLUMNS = ["output", "group", "n", "median", "q1", "q3", "test", "p"]


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
            table = pd.read_csv(file, encoding="utf-8")
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise PycartError(f"table {str(file)!r} cannot be read "
                          f"({' '.join(str(exc).split())[:200]})") from None
    if table.empty:
        raise PycartError(f"table {str(file)!r} has no rows")
    return table


def output_columns(table: pd.DataFrame) -> list[str]:
    """The numeric output columns of a result table, in its order."""
    return [c for c in table.columns
            if (c in OUTPUTS or _AT_DAY.match(str(c)))
            and pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])]


def finished(table: pd.DataFrame) -> pd.DataFrame:
    """The rows whose simulation finished (all rows where the table has no status)."""
    return table[table["status"] == "ok"] if "status" in table.columns else table


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
    if by == "responder":
        labels = {True: "R", False: "NR"}
        return {labels[bool(r)]: table[values.astype(bool) == r] for r in (True, False)}
    return {str(v): table[values == v] for v in sorted(values.unique(), key=str)}


def summarize(table: pd.DataFrame, by: str | None = None,
              outputs: list[str] | None = None) -> pd.DataFrame:
    """One row per output and group: n, median, quartiles; and per output, between the
    groups, the two-sided Wilcoxon rank-sum p-value (two groups) or Kruskal-Wallis (more).
    Rows whose simulation failed are left out; so are missing values of an output."""
    from scipy.stats import kruskal, ranksums

    ok = finished(table)
    parts = groups(ok, by)
    rows = []
    for column in outputs if outputs is not None else output_columns(ok):
        samples = {g: part[column].dropna().to_numpy(dtype=float) if column in part.columns
                   else np.array([]) for g, part in parts.items()}
        filled = [s for s in samples.values() if len(s)]
        test, p = "", math.nan
        if len(filled) == 2 and len(parts) == 2:
            test, p = "Wilcoxon rank-sum", float(ranksums(*filled).pvalue)
        elif len(filled) > 2 and all(len(np.unique(s)) > 1 for s in filled):
            test, p = "Kruskal-Wallis", float(kruskal(*filled).pvalue)
        for g, s in samples.items():
            q1, median, q3 = np.percentile(s, [25, 50, 75]) if len(s) else (math.nan,) * 3
            rows.append([column, g, len(s), median, q1, q3, test, p])
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def responder_line(table: pd.DataFrame) -> str:
    """Points, failures and the share of responders, as one printable line."""
    ok = finished(table)
    failed = len(table) - len(ok)
    line = f"{len(table)} points ({failed} failed)"
    if "responder" in ok.columns and len(ok):
        r = int(ok["responder"].astype(bool).sum())
        line += (f"; responders (L30 < {RESPONSE_THRESHOLD:g} cell): {r} of {len(ok)} "
                 f"({100 * r / len(ok):.1f}%)")
    return line


def format_summary(summary: pd.DataFrame) -> str:
    """The summary as an aligned text table (4 significant digits)."""
    shown = summary.copy()
    for c in ("median", "q1", "q3"):
        shown[c] = shown[c].map(lambda v: "n/a" if math.isnan(v) else f"{v:.4g}")
    shown["p"] = shown["p"].map(lambda v: "" if math.isnan(v) else f"{v:.3g}")
    repeated = shown["output"].duplicated()
    shown.loc[repeated, ["test", "p"]] = ""
    shown.loc[repeated, "output"] = ""
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

    @property
    def responder_share(self) -> float:
        """Responders over patients."""
        return self.responders / self.patients if self.patients else math.nan

    def lines(self) -> list[str]:
        """The statistics as printable lines."""
        def fmt(v: float | None, spec: str = ".3g") -> str:
            return "n/a" if v is None else format(v, spec)
        return [
            f"responders (L30 < 1 cell): {self.responders} of {self.patients} "
            f"({100 * self.responder_share:.1f}%)",
            f"time to peak (days), median R {fmt(self.median_t_peak_R)} vs NR "
            f"{fmt(self.median_t_peak_NR)}; Wilcoxon rank-sum p = {fmt(self.p_t_peak, '.2g')}",
            f"fold expansion log10(C_peak/C_0), median R {fmt(self.median_fold_R)} vs NR "
            f"{fmt(self.median_fold_NR)}; Wilcoxon rank-sum p = {fmt(self.p_fold, '.2g')}",
        ]


def statistics(table: pd.DataFrame) -> CohortStatistics:
    """Figure 7's statistics of a sweep table, from :func:`summarize` by responder (points
    whose simulation failed left out)."""
    summary = summarize(table, "responder", ["t_peak", "fold_expansion"]).set_index(
        ["output", "group"])

    def value(output: str, group: str, column: str) -> float | None:
        v = summary.loc[(output, group), column]
        return None if isinstance(v, float) and math.isnan(v) else float(v)

    ok = finished(table)
    return CohortStatistics(len(ok), int(ok["responder"].astype(bool).sum()),
                            value("t_peak", "R", "median"), value("t_peak", "NR", "median"),
                            value("t_peak", "R", "p"), value("fold_expansion", "R", "median"),
                            value("fold_expansion", "NR", "median"),
                            value("fold_expansion", "R", "p"))
