"""Cohort statistics: the responder share, and responders against non-responders."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd


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
    """The cohort statistics of a sweep table (points whose simulation failed left out)."""
    from scipy.stats import ranksums

    ok = table[table["status"] == "ok"]
    groups = {r: ok[ok["responder"] == r] for r in (True, False)}

    def median(frame: pd.DataFrame, column: str) -> float | None:
        return float(frame[column].median()) if len(frame) else None

    def p(column: str) -> float | None:
        a, b = (groups[r][column].dropna() for r in (True, False))
        return float(ranksums(a, b).pvalue) if len(a) and len(b) else None

    return CohortStatistics(len(ok), len(groups[True]),
                            median(groups[True], "t_peak"), median(groups[False], "t_peak"),
                            p("t_peak"), median(groups[True], "fold_expansion"),
                            median(groups[False], "fold_expansion"), p("fold_expansion"))
