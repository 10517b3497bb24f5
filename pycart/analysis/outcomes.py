"""Clinical outcomes of a virtual cohort, and the published targets they are measured against.

A cohort table is a grid table (:func:`pycart.experiments.scenario.run_grid`) with
``metrics`` and ``relapse`` (one row per virtual patient: L30 and the response, the first CAR T
peak, its day and the fold expansion, the relapse day of all leukemic cells and, with a
CD19-negative clone, its share at relapse). :func:`cohort_outcomes` turns it into the
numbers clinical studies report; :data:`TARGETS` holds those numbers with their sources.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.names import CAR_T

#: Day after which a relapse counts as late (the paper's model cannot relapse from month 3 on).
LATE_DAY = 90.0
#: Horizon of relapse-free survival: twelve months.
YEAR = 365.0


@dataclass(frozen=True)
class Target:
    """A published clinical number: its value, an accepted range, and where it comes from."""

    name: str
    value: float
    low: float
    high: float
    source: str


#: The clinical targets (paediatric r/r B-ALL, tisagenlecleucel). Every number is cited where
#: it is used: here.
TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("responder_share", 0.81, 0.71, 0.89,
           "ELIANA (Maude et al. 2018, N Engl J Med): overall remission rate within 3 months "
           "81% (95% CI 71-89), as restated in the 3-year update (Laetsch et al., J Clin Oncol "
           "41(9):1664, PMC10022844)"),
    Target("relapse_by_12m_share", 0.41, 0.31, 0.51,
           "ELIANA: 59% of responders relapse-free at 12 months (Laetsch et al., J Clin Oncol "
           "41(9):1664, PMC10022844), so 41% relapse within a year; range: +-0.10 (pycart's "
           "choice)"),
    Target("cd19neg_share_of_relapses", 0.80, 0.70, 0.88,
           "CD19-negative share of relapses, about 70% to 88% in large cohorts; upper end: "
           "Pulsipher et al. 2022 (N = 143, PMC9924295), relapses with persisting B-cell "
           "aplasia 23/25 CD19-negative (88%). Target: the middle of the range"),
    Target("cmax_ratio_R_NR", 1.74, 1.4, 2.1,
           "Mueller et al. 2018, Clin Cancer Res ('Clinical pharmacology of tisagenlecleucel in "
           "B-cell ALL', 79 patients of ELIANA and ENSIGN): responders' geometric-mean Cmax "
           "74% higher than non-responders'; range: pycart's choice"),
    Target("t_peak_median", 9.3, 7.0, 12.0,
           "Stein et al. 2019, CPT Pharmacometrics Syst Pharmacol 8(5):285, Table 1 (N = 90; "
           "read in nlmixr2lib's Stein_2019_Tisagenlecleucel): Tmax 9.3 days; range: pycart's "
           "choice"),
    Target("early_decline_rate", 0.151, 0.10, 0.20,
           "Stein et al. 2019, Table 1: contraction 0.16/day (half-life 4.3 days) with a "
           "fraction 0.0079 entering a slow phase at 0.0032/day; their curve falls from its "
           "peak (day 9.3) to day 30 at a mean rate of 0.151/day, the measure compared here "
           "(median over responders of ln(C_peak/C_30)/(30 - t_peak))"),
    Target("late_decline_rate", 0.0032, 0.0016, 0.0064,
           "Stein et al. 2019, Table 1: slow decline 0.0032/day (half-life about 220 days); "
           "compared with the median over responders of ln(C_90/C_365)/275 (their curve gives "
           "0.0032); range: a factor 2 (pycart's choice)"),
    Target("fold_expansion_median", math.log10(3900), 3.0, 4.2,
           "Stein et al. 2019, Table 1: fold expansion 3900 (log10 3.59), transgene in blood; "
           "range: pycart's choice"),
)}


@dataclass(frozen=True)
class CohortOutcomes:
    """What a cohort gives, in the terms of the clinical targets (None: not defined, e.g. no
    relapse to classify)."""

    patients: int
    responder_share: float
    late_relapse_share: float | None       # responders relapsing after LATE_DAY, by YEAR
    relapse_by_12m_share: float | None     # responders relapsing by YEAR
    cd19neg_share_of_relapses: float | None  # relapses of responders with Ln > 50% of cells
    cmax_ratio_R_NR: float | None          # geometric-mean peak, responders over NR
    t_peak_median: float | None
    fold_expansion_median: float | None
    early_decline_rate: float | None      # responders, peak to day 30 (1/day)
    late_decline_rate: float | None       # responders, day 90 to day 365 (1/day)
    median_t_peak_R: float | None
    median_t_peak_NR: float | None
    p_t_peak: float | None
    median_fold_R: float | None
    median_fold_NR: float | None
    p_fold: float | None

    def as_dict(self) -> dict[str, float | int | None]:
        """The outcomes by name."""
        return asdict(self)


def cohort_outcomes(table: pd.DataFrame) -> CohortOutcomes:
    """The outcomes of a cohort table (see the module docstring)."""
    from scipy.stats import ranksums

    if col.STATUS in table:  # points whose simulation failed are left out
        table = table[table[col.STATUS] == col.OK].reset_index(drop=True)
    resp = table[col.RESPONDER].astype(bool).to_numpy()
    relapse = pd.to_numeric(table[col.RELAPSE_DAY], errors="coerce").to_numpy(float)
    relapsed = resp & np.isfinite(relapse) & (relapse <= YEAR)
    late = relapsed & (relapse > LATE_DAY)
    n_r = int(resp.sum())
    negative = None
    if col.CD19NEG_SHARE in table and relapsed.any():
        share = pd.to_numeric(table[col.CD19NEG_SHARE], errors="coerce").to_numpy(float)
        negative = float(np.mean(share[relapsed] > 0.5))

    def med(mask: np.ndarray, column: str) -> float | None:
        values = table.loc[mask, column].dropna()
        return float(values.median()) if len(values) else None

    def p(column: str) -> float | None:
        a, b = table.loc[resp, column].dropna(), table.loc[~resp, column].dropna()
        return float(ranksums(a, b).pvalue) if len(a) and len(b) else None

    peaks = table[col.C_PEAK].to_numpy(float)
    ratio = None
    if n_r and (~resp).any():
        ratio = float(np.exp(np.mean(np.log(peaks[resp])) - np.mean(np.log(peaks[~resp]))))
    everyone = np.ones(len(table), dtype=bool)
    early, late_rate = _decline_rates(table, resp)
    return CohortOutcomes(
        len(table), float(resp.mean()) if len(table) else math.nan,
        float(late.sum() / n_r) if n_r else None, float(relapsed.sum() / n_r) if n_r else None,
        negative, ratio, med(everyone, col.T_PEAK), med(everyone, col.FOLD_EXPANSION),
        early, late_rate,
        med(resp, col.T_PEAK), med(~resp, col.T_PEAK), p(col.T_PEAK),
        med(resp, col.FOLD_EXPANSION), med(~resp, col.FOLD_EXPANSION), p(col.FOLD_EXPANSION))


def _car_t_at(table: pd.DataFrame, day: float) -> np.ndarray | None:
    columns = [col.at_day(s, day) for s in CAR_T if col.at_day(s, day) in table]
    return table[columns].sum(axis=1).to_numpy(float) if columns else None


def _decline_rates(table: pd.DataFrame, resp: np.ndarray) -> tuple[float | None, float | None]:
    """Median over responders of the CAR T decline rates, peak to day 30 and day 90 to 365."""
    c30, c90, c365 = (_car_t_at(table, d) for d in (30.0, LATE_DAY, YEAR))
    early = late = None
    with np.errstate(divide="ignore", invalid="ignore"):
        if c30 is not None and resp.any():
            peak, day = table[col.C_PEAK].to_numpy(float), table[col.T_PEAK].to_numpy(float)
            rate = np.log(peak / c30) / (30.0 - day)
            ok = resp & np.isfinite(rate) & (day < 30.0)
            early = float(np.median(rate[ok])) if ok.any() else None
        if c90 is not None and c365 is not None and resp.any():
            rate = np.log(c90 / c365) / (YEAR - LATE_DAY)
            ok = resp & np.isfinite(rate)
            late = float(np.median(rate[ok])) if ok.any() else None
    return early, late


def against_targets(outcomes: CohortOutcomes) -> pd.DataFrame:
    """One row per target: the model's value, the target, its range, and whether it is met."""
    got = outcomes.as_dict()
    rows = []
    for name, target in TARGETS.items():
        value = got.get(name)
        met = value is not None and target.low <= value <= target.high
        rows.append({"target": name, "model": value, "clinical": target.value,
                     "range": f"{target.low:g}-{target.high:g}", "met": met,
                     "source": target.source})
    return pd.DataFrame(rows)
