"""Calibrating a virtual population: prevalence weights on the plausible patients.

The method is Allen et al.'s prevalence weighting (2016, CPT Pharmacometrics Syst Pharmacol
5:140), solved as a maximum-entropy problem (Jaynes 1957): of all weightings of the plausible
patients, the one closest to uniform (least Kullback-Leibler divergence) whose weighted
statistics meet the calibrated targets, each within its stated uncertainty. Every target is
written as a weighted mean of a per-patient feature that is zero on target (a rate, a
log-median, a log-variance, a log-ratio of geometric means); the weights are then an
exponential tilt ``w_i ∝ exp(λ·g_i)``, and λ minimises the convex dual
``log mean exp(λ·g_i) + ½ Σ_k (s_k λ_k)²`` (s_k: the target's standard error on the
feature's scale; the quadratic term lets a target be missed by about s_k rather than forcing
weights onto a few patients). Chosen over acceptance-rejection because it keeps every
plausible patient (a 10,000-patient population keeps its effective size, reported) and over
Metropolis-Hastings (Rieger et al. 2018) because the dual has as many unknowns as targets, so
twenty bootstrap re-calibrations cost milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.errors import PycartError
from .targets import Target

#: Relapse-free survival is read at 12 months after remission (days).
YEAR = 365.0
#: Tolerance scale of a point target without an interval (the Cmax ratio), on the log scale.
POINT_TOLERANCE = 0.1
#: Passes of the tilt: variances and the ratio are centred on the previous pass's means.
PASSES = 3
#: The least effective sample size kept, as a share of the plausible patients: where the
#: targets would need weights on fewer patients, every tolerance is widened (doubled until
#: this holds), and the targets the population then misses are reported as not met, rather
#: than a population of a handful of patients meeting them. [choice] Allen et al. 2016
#: accept a smaller share of their plausible patients; a lower share needs proportionally
#: more plausible patients for the same effective size (the documented run's 1,024 give
#: about 100 effective patients at 10%, 20 at 2%, too few for its bootstrap intervals), and
#: each run's feasibility.csv shows what the joint weights would reach at 2%.
MIN_ESS_SHARE = 0.1
#: The widest widening tried (beyond it the weights are near uniform) and the bisection's
#: steps on its logarithm (a factor 2^(20/2^12): finer than any target's interval matters).
MAX_WIDEN, WIDEN_STEPS = 1e6, 12
#: Newton steps on the dual at most (it converges in about ten).
NEWTON_STEPS = 50


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``x`` under weights ``w`` (finite values only)."""
    keep = np.isfinite(x) & (w > 0)
    x, w = x[keep], w[keep]
    if not len(x):
        return math.nan
    order = np.argsort(x)
    cum = np.cumsum(w[order])
    return float(x[order][np.searchsorted(cum, q * cum[-1])])


def log_cmax(table: pd.DataFrame, scale: float = 1.0) -> np.ndarray:
    """log blood Cmax per patient (NaN where no CAR T was measurable)."""
    values = table[col.CMAX_BLOOD].to_numpy(dtype=float) * scale
    return np.log(np.where(values > 0, values, np.nan))


def feature_ids(has_clone: bool) -> tuple[str, ...]:
    """The target id of each column of :func:`features`, in order (the median Cmax is not
    a feature: the blood scale meets it)."""
    return ("remission", "rfs12", *(("cd19neg_aplasia",) if has_clone else ()), "tmax",
            "tmax_var", "fold", "fold_var", "cmax_var", "cmax_ratio")


def features(table: pd.DataFrame, targets: dict[str, Target], w: np.ndarray,
             has_clone: bool) -> tuple[np.ndarray, np.ndarray]:
    """The per-patient features (patients x targets, the columns of :func:`feature_ids`;
    zero mean on target) and their tolerance scales, centred with the weights ``w`` of the
    previous pass."""
    return _features(_fixed(table, targets, has_clone), targets, w)


@dataclass(frozen=True)
class _Fixed:
    """What :func:`features` reads of a table, the same in every pass of a calibration (read
    once: a calibration makes up to 42 passes, and reading the columns cost as much as the
    tilt): the features and scales that do not depend on the weights, in order, and the
    masks and log Cmax the others are made from."""

    head: list[np.ndarray]
    tail: list[np.ndarray]
    tail_scales: list[float]
    resp: np.ndarray
    known: np.ndarray
    pool: np.ndarray | None
    lc: np.ndarray


def _fixed(table: pd.DataFrame, targets: dict[str, Target], has_clone: bool) -> _Fixed:
    t = targets
    resp = table[col.REMISSION_3M].to_numpy(dtype=bool)
    rfs = table[col.RFS_TIME].to_numpy(dtype=float)
    event = table[col.RELAPSE_EVENT].to_numpy(dtype=bool)
    known = resp & ((event & (rfs <= YEAR)) | (rfs >= YEAR))  # followed a full year, or failed
    free = rfs >= YEAR
    head = [resp - t["remission"].value, np.where(known, free - t["rfs12"].value, 0.0)]
    pool = None
    if has_clone:
        pool = aplastic_relapse(table)
        neg = table[col.RELAPSE_CD19_NEGATIVE].fillna(False).to_numpy(dtype=bool)
        head.append(np.where(pool, neg - t["cd19neg_aplasia"].value, 0.0))
    tail, scales = [], []
    for name in ("tmax", "fold"):
        with np.errstate(divide="ignore", invalid="ignore"):  # no expansion: NaN, set below
            x = np.log(table[col.TMAX if name == "tmax" else col.FOLDX].to_numpy(dtype=float))
        x = np.where(np.isfinite(x), x, math.log(t[name].value))
        tail += [x - math.log(t[name].value),
                 (x - math.log(t[name].value)) ** 2 - t[f"{name}_var"].value]
        scales += [_se(t[name], log=True), _se(t[f"{name}_var"])]
    lc = log_cmax(table)
    lc = np.where(np.isfinite(lc), lc, np.nanmin(lc) if np.isfinite(lc).any() else 0.0)
    return _Fixed(head, tail, scales, resp, known, pool, lc)


def _features(f: _Fixed, targets: dict[str, Target], w: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`features` from a table's :class:`_Fixed` part and the weights ``w``."""
    t, resp, lc = targets, f.resp, f.lc
    scales = [_se(t["remission"]), _se(t["rfs12"]) * max(float(w @ f.known), 1e-3)]
    if f.pool is not None:
        scales.append(_se(t["cd19neg_aplasia"]) * max(float(w @ f.pool), 1e-3))
    feats = [*f.head, *f.tail]
    scales += f.tail_scales
    centre = float(w @ lc)
    feats.append((lc - centre) ** 2 - t["cmax_var"].value)
    scales.append(_se(t["cmax_var"]))
    w_r, w_n = max(float(w @ resp), 1e-9), max(float(w @ ~resp), 1e-9)
    # each group's log Cmax against its own mean of the previous pass, moved half the
    # ratio's miss (the other half moves the other group): zero mean within a group on
    # target, so moving weight between responders and non-responders does not meet it (the
    # uncentred log Cmax over a group's weight, about 20 / 0.4, made that the cheapest way:
    # it fought the remission target and barely moved the ratio)
    m_r, m_n = float(w @ np.where(resp, lc, 0.0)) / w_r, float(w @ np.where(resp, 0.0, lc)) / w_n
    half = (m_r - m_n - math.log(t["cmax_ratio"].value)) / 2
    feats.append(np.where(resp, (lc - m_r + half) / w_r, -(lc - m_n - half) / w_n))
    scales.append(POINT_TOLERANCE)
    return np.column_stack(feats), np.asarray(scales)


def aplastic_relapse(table: pd.DataFrame) -> np.ndarray:
    """Relapses while B-cell aplasia persists (no B-cell recovery before the relapse)."""
    relapse = table[col.MORPHOLOGIC_RELAPSE_DAY].to_numpy(dtype=float)
    recovery = table[col.BCELL_RECOVERY_DAY].to_numpy(dtype=float)
    return np.isfinite(relapse) & ~(recovery <= relapse)


def _se(target: Target, log: bool = False) -> float:
    lo, hi = (math.log(target.lower), math.log(target.upper)) if log else (target.lower,
                                                                           target.upper)
    return max((hi - lo) / (2 * 1.96), 1e-6)


def tilt(g: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The maximum-entropy weights (summing to 1) for features ``g`` (patients x targets)
    with tolerance scales ``s``: Newton's method on the convex dual (its Hessian is the
    weighted covariance of the features plus diag(s²)), with backtracking."""
    scale = np.maximum(np.abs(g).max(axis=0), 1e-12)  # unit-sized features: well conditioned
    gs, ss = g / scale, s / scale
    lam = np.zeros(g.shape[1])

    def dual(lam: np.ndarray) -> tuple[float, np.ndarray]:
        z = gs @ lam
        top = z.max()  # log-sum-exp without overflow (scipy's costs more than the sum here)
        e = np.exp(z - top)
        total = e.sum()
        return float(top + math.log(total) + 0.5 * np.sum((ss * lam) ** 2)), e / total

    value, w = dual(lam)
    for _ in range(NEWTON_STEPS):
        mean = gs.T @ w
        grad = mean + ss ** 2 * lam
        hess = (gs * w[:, None]).T @ gs - np.outer(mean, mean) + np.diag(ss ** 2)
        step = np.linalg.solve(hess + 1e-12 * np.eye(len(lam)), grad)
        t = 1.0
        while t > 1e-8:
            trial, w_trial = dual(lam - t * step)
            if trial <= value - 1e-4 * t * grad @ step:
                break
            t /= 2
        lam, value, w = lam - t * step, trial, w_trial
        if abs(grad @ step) < 1e-14:  # Newton decrement: converged to rounding
            break
    return w


def effective_size(w: np.ndarray) -> float:
    """Kish's effective sample size of weights ``w``."""
    return float(w.sum() ** 2 / np.sum(w ** 2))


def calibrate_weights(table: pd.DataFrame, targets: dict[str, Target], has_clone: bool,
                      only: tuple[str, ...] | None = None,
                      floor_share: float = MIN_ESS_SHARE) -> np.ndarray:
    """Prevalence weights (summing to 1) that bring ``table``'s patients to ``targets``
    (``only``: to these target ids of :func:`feature_ids` alone), keeping an effective size
    of at least ``floor_share`` of the patients: the tolerances are widened by the least
    factor (bisection on its logarithm) that keeps it."""
    floor = floor_share * len(table)
    ids = feature_ids(has_clone)
    keep = np.array([only is None or i in only for i in ids])
    if not keep.any():
        raise PycartError(f"no calibrated target among {only} (allowed: {', '.join(ids)})")
    fit = partial(_passes, _fixed(table, targets, has_clone), targets, keep)
    w = fit(1.0)
    if effective_size(w) >= floor:
        return w
    lo, hi = 0.0, math.log(MAX_WIDEN)
    best = fit(MAX_WIDEN)
    for _ in range(WIDEN_STEPS):
        mid = (lo + hi) / 2
        trial = fit(math.exp(mid))
        if effective_size(trial) >= floor:
            hi, best = mid, trial
        else:
            lo = mid
    return best


def _passes(fixed: _Fixed, targets: dict[str, Target], keep: np.ndarray, widen: float
            ) -> np.ndarray:
    w = np.full(len(fixed.resp), 1.0 / len(fixed.resp))
    for _ in range(PASSES):
        g, s = _features(fixed, targets, w)
        w = tilt(g[:, keep], s[keep] * widen)
    return w


def blood_scale(table: pd.DataFrame, w: np.ndarray, target: Target) -> float:
    """Copies/µg DNA per marrow CAR T cell that puts the weighted median Cmax on target."""
    median = weighted_quantile(table[col.CMAX_BLOOD].to_numpy(dtype=float), w, 0.5)
    return target.value / median if median > 0 else math.nan
