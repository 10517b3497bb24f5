"""Survival statistics for a virtual trial: Kaplan-Meier with Greenwood's interval, and the
hazard ratio of a Cox model with one binary covariate.

Weights are frequency weights (a patient of weight 2 counts as two identical patients), the
reading of a weighted virtual population's prevalence weights. Checked against the
Freireich et al. (1963) 6-MP remission data, whose estimates textbooks print
(tests/analysis/test_survival.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.errors import PycartError

#: The coverage of the intervals: 95%.
LEVEL = 0.95
#: The columns of :func:`kaplan_meier`'s table.
KM_COLUMNS = ("time", "at_risk", "events", "survival", "lower", "upper")


def kaplan_meier(time: np.ndarray, event: np.ndarray, weights: np.ndarray | None = None
                 ) -> pd.DataFrame:
    """The Kaplan-Meier estimate (Kaplan and Meier 1958) of survival after ``time`` (event
    True: the event at that time; False: censored then), one row per distinct time with
    columns ``time, at_risk, events, survival, lower, upper``: at_risk counts those with a
    time at or after it (censored at a time count as at risk at it, the usual convention),
    and lower/upper are Greenwood's (1926) 95% interval on the log(-log) scale (Kalbfleisch
    and Prentice 1980; R survival's conf.type = "log-log"), which stays within 0 and 1."""
    time, event, weights = _checked(time, event, weights)
    times, inverse = np.unique(time, return_inverse=True)
    events = np.bincount(inverse, weights=weights * event, minlength=times.size)
    leaving = np.bincount(inverse, weights=weights, minlength=times.size)
    at_risk = leaving[::-1].cumsum()[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        # a time carried only by patients of weight 0 has no one at risk and no event
        hazard = np.divide(events, at_risk, out=np.zeros_like(events), where=at_risk > 0)
        survival = np.cumprod(1.0 - hazard)
        terms = np.where(events > 0, events / (at_risk * (at_risk - events)), 0.0)
        greenwood = np.cumsum(terms)  # var(log S), Greenwood's sum
        spread = _z() * np.sqrt(greenwood) / np.abs(np.log(survival))
        lower = survival ** np.exp(spread)
        upper = survival ** np.exp(-spread)
    none = greenwood == 0  # no event yet: no uncertainty
    lower, upper = np.where(none, survival, lower), np.where(none, survival, upper)
    zero = survival <= 0
    lower, upper = np.where(zero, 0.0, lower), np.where(zero, 0.0, upper)
    return pd.DataFrame(dict(zip(KM_COLUMNS, (times, at_risk, events, survival, lower, upper),
                                 strict=True)))


def survival_at(table: pd.DataFrame, t: float) -> float:
    """The Kaplan-Meier survival of ``table`` (:func:`kaplan_meier`) at time ``t``: the
    estimate just after the last time at or before ``t`` (1 before the first)."""
    i = int(np.searchsorted(table["time"].to_numpy(), t, side="right"))
    return 1.0 if i == 0 else float(table["survival"].iloc[i - 1])


def hazard_ratio(time: np.ndarray, event: np.ndarray, group: np.ndarray,
                 weights: np.ndarray | None = None) -> tuple[float, float, float]:
    """The hazard ratio of ``group`` True against False and its 95% interval, from a Cox
    proportional hazards model (Cox 1972) with the group as its one covariate and Breslow's
    (1974) handling of tied times, fitted by Newton-Raphson; the interval is Wald's on the
    log scale, from the observed information. Where one group has no event the estimate is
    0 or infinite and the interval undefined: (0.0 or inf, nan, nan)."""
    time, event, weights = _checked(time, event, weights)
    group = np.asarray(group, dtype=bool)
    if group.shape != time.shape:
        raise PycartError(f"group has {group.size} values for {time.size} times")
    if group.all() or not group.any():
        raise PycartError("hazard_ratio needs patients in both groups")
    d1, d0 = (np.sum(weights[event & g]) for g in (group, ~group))
    if d1 == 0 or d0 == 0:
        return (0.0 if d1 == 0 else np.inf), np.nan, np.nan
    at_risk, deaths, deaths1 = _risk_sets(time, event, group, weights)
    beta, information = 0.0, 0.0
    for _ in range(50):
        share = at_risk[1] * np.exp(beta) / (at_risk[1] * np.exp(beta) + at_risk[0])
        score = np.sum(deaths1 - deaths * share)
        information = np.sum(deaths * share * (1.0 - share))
        step = score / information
        beta += step
        if abs(step) < 1e-12:
            break
    half = _z() / np.sqrt(information)
    return float(np.exp(beta)), float(np.exp(beta - half)), float(np.exp(beta + half))


def _risk_sets(time: np.ndarray, event: np.ndarray, group: np.ndarray, weights: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """At each distinct event time: those at risk in each group (2 x times), the events, and
    the events in the group, by weight. One sort of the times and reverse cumulative sums:
    at risk at t is the weight of the patients with a time at or after t, so time and memory
    grow as n log n (a matrix of event times x patients grew with the square of the
    population: about 22 s a call at 100,000 patients, and the trial makes dozens)."""
    times, inverse = np.unique(time, return_inverse=True)

    def per_time(w: np.ndarray) -> np.ndarray:
        return np.bincount(inverse, weights=w, minlength=times.size)

    leaving = [per_time(np.where(g, weights, 0.0)) for g in (~group, group)]
    at_risk = np.array([x[::-1].cumsum()[::-1] for x in leaving])
    deaths = per_time(np.where(event, weights, 0.0))
    deaths1 = per_time(np.where(event & group, weights, 0.0))
    now = deaths > 0  # weights are >= 0: a time whose events all weigh 0 has no event
    return at_risk[:, now], deaths[now], deaths1[now]


def _checked(time: np.ndarray, event: np.ndarray, weights: np.ndarray | None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=bool)
    weights = np.ones(time.size) if weights is None else np.asarray(weights, dtype=float)
    if time.ndim != 1 or event.shape != time.shape or weights.shape != time.shape:
        raise PycartError(f"time, event and weights must be 1-d of one length (got "
                          f"{time.shape}, {event.shape}, {weights.shape})")
    if not np.all(np.isfinite(time)) or np.any(time < 0):
        raise PycartError("times must be finite and >= 0 (drop patients without a time)")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or not weights.sum() > 0:
        raise PycartError("weights must be finite, >= 0 and not all 0")
    return time, event, weights


def _z() -> float:
    """The normal quantile of the two-sided :data:`LEVEL` (scipy.stats imported here: it
    costs 0.6 s, and the command line's parser reaches this module)."""
    from scipy.stats import norm

    return float(norm.ppf(0.5 + LEVEL / 2))
