"""Virtual cohorts: the paper's designs as sweeps, and the statistics it reports on them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..core.errors import PycartError
from ..experiments.paper import (
    ALPHA_RANGE,
    FIG6_FIXED,
    FIG7_ALPHA,
    FIG7_H_CAPTION,
    FIG7_H_TEXT,
    H_RANGE,
    RHOA_RANGE,
)
from .sweep import Dimension, Sweep

#: Figure 7's design (10 rho_A linear x 20 alpha log x 20 h log) and Figure 6's heatmaps
#: (200 x 200, the third attribute fixed). fig7 takes h over the text's 5e8-5e10,
#: fig7-caption over the caption's 5e9-5e11.
_AXES = {"alpha": Dimension("alpha", *ALPHA_RANGE, 200), "h": Dimension("h", *H_RANGE, 200),
         "rhoA": Dimension("rhoA", *RHOA_RANGE, 200, "linear")}
PRESETS: dict[str, Sweep] = {
    "fig7": Sweep((Dimension("rhoA", *RHOA_RANGE, 10, "linear"),
                   Dimension("alpha", *FIG7_ALPHA, 20), Dimension("h", *FIG7_H_TEXT, 20))),
    "fig7-caption": Sweep((Dimension("rhoA", *RHOA_RANGE, 10, "linear"),
                           Dimension("alpha", *FIG7_ALPHA, 20),
                           Dimension("h", *FIG7_H_CAPTION, 20))),
    **{f"fig6-{pair}": Sweep(tuple(_AXES[a] for a in pair.split("-")),
                             parameters=FIG6_FIXED[pair], peak=False)
       for pair in FIG6_FIXED},
}


def preset(name: str) -> Sweep:
    """A cohort design by name; :class:`PycartError` lists the names otherwise."""
    if name not in PRESETS:
        raise PycartError(f"unknown preset {name!r} (allowed: {', '.join(PRESETS)})")
    return PRESETS[name]


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
