"""The virtual trial's endpoints from a calibrated population, with bootstrap intervals.

Every calibrated target is computed as the trial defines it from the weighted population
(remission: CR/CRi within 3 months; relapse-free survival: weighted Kaplan-Meier of the
responders, read at 12 months; Tmax, fold expansion and Cmax in blood, Stein et al. 2019),
and the predictions afterwards, from the same weights (never tuned to): a real-world burden
and weight mix, the hazard ratio of relapse by B-cell recovery, the CD19-negative share of
relapses by burden and a second infusion. The interval of each row is the 90% percentile
interval over bootstrap re-calibrations on resampled plausible patients.
"""

from __future__ import annotations

import math
from contextlib import AbstractContextManager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.observe import REMISSION_BLASTS
from ..scale.engines import Engine, SerialEngine
from .survival import hazard_ratio, kaplan_meier, survival_at
from .targets import Target
from .vpop import (
    YEAR,
    aplastic_relapse,
    blood_scale,
    calibrate_weights,
    log_cmax,
    weighted_quantile,
)

#: The columns of endpoints.csv, in order.
COLUMNS = ("endpoint", "value", "lower", "upper", "target", "target_lower", "target_upper",
           "source", "role", "met")
#: The interval's coverage (a 90% percentile interval over the bootstrap).
COVERAGE = 0.90
#: B-cell recovery within this many days (6 months) against persisting aplasia.
RECOVERY_WINDOW = 182.5
#: The real-world mix [choice]: half the patients under 5% blasts at infusion and a third
#: over 50 kg (registry patients were more often treated with low burden than ELIANA's:
#: compare with Pasquini et al. 2020, whose CR rate is the target row's number).
REAL_WORLD = {"low_burden": 0.5, "over_50kg": 1.0 / 3.0}


@dataclass(frozen=True)
class Arms:
    """What one variant's endpoints are computed from: the patients' drawn values, their
    endpoints, the endpoints with a second infusion, and whether the model has the clone."""

    patients: pd.DataFrame
    table: pd.DataFrame
    reinfused: pd.DataFrame
    has_clone: bool

    def take(self, index: np.ndarray) -> Arms:
        """The arms of the patients ``index`` (a bootstrap resample)."""
        def rows(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.iloc[index].reset_index(drop=True)

        return Arms(rows(self.patients), rows(self.table), rows(self.reinfused),
                    self.has_clone)


def values(arms: Arms, targets: dict[str, Target], w: np.ndarray,
           rng: np.random.Generator | None = None) -> dict[str, float]:
    """Every endpoint of ``targets`` from the population ``arms`` weighted by ``w``; with
    ``rng`` (a bootstrap draw), the Cmax ratio of one resample of the trial's group sizes."""
    t = arms.table
    scale = blood_scale(t, w, targets["cmax"])
    resp = t[col.REMISSION_3M].to_numpy(dtype=bool)
    out = {"remission": float(w @ resp), "rfs12": _rfs12(t, w)}
    out["cd19neg_aplasia"] = cd19_share(t, w, aplastic_relapse(t))
    for name, column in (("tmax", col.TMAX), ("fold", col.FOLDX), ("cmax", col.CMAX_BLOOD)):
        x = t[column].to_numpy(dtype=float) * (scale if name == "cmax" else 1.0)
        out[name] = weighted_quantile(x, w, 0.5)
        logs = np.log(np.where(x > 0, x, np.nan))
        keep = np.isfinite(logs)
        mean = float(w[keep] @ logs[keep] / w[keep].sum())
        out[f"{name}_var"] = float(w[keep] @ (logs[keep] - mean) ** 2 / w[keep].sum())
    out["cmax_ratio"] = _cmax_ratio(t, w, targets["cmax_ratio"].groups if rng else None, rng)
    out |= _predictions(arms, w)
    return {k: v for k, v in out.items() if k in targets}


def _rfs12(t: pd.DataFrame, w: np.ndarray) -> float:
    resp = t[col.REMISSION_3M].to_numpy(dtype=bool)
    if not (w[resp] > 0).any():
        return math.nan
    with np.errstate(all="ignore"):  # Greenwood's interval is undefined where S reaches 0
        km = kaplan_meier(t[col.RFS_TIME].to_numpy(dtype=float)[resp],
                          t[col.RELAPSE_EVENT].to_numpy(dtype=bool)[resp], w[resp])
    return survival_at(km, YEAR)


def cd19_share(t: pd.DataFrame, w: np.ndarray, pool: np.ndarray) -> float:
    """The CD19-negative share (by weight ``w``) of the relapses ``pool``; NaN if none."""
    neg = t[col.RELAPSE_CD19_NEGATIVE].fillna(False).to_numpy(dtype=bool)
    total = float(w @ pool)
    return float(w @ (pool & neg)) / total if total > 0 else math.nan


def _cmax_ratio(t: pd.DataFrame, w: np.ndarray, groups: tuple[int, int] | None,
                rng: np.random.Generator | None) -> float:
    """Geometric-mean Cmax of responders over non-responders; with ``groups`` (Mueller et
    al. 2018's 62 and 8), of one resample of those sizes drawn by weight."""
    lc = log_cmax(t)
    resp = t[col.REMISSION_3M].to_numpy(dtype=bool) & np.isfinite(lc)
    nonr = ~t[col.REMISSION_3M].to_numpy(dtype=bool) & np.isfinite(lc)
    if not (w[resp].sum() > 0 and w[nonr].sum() > 0):
        return math.nan
    means = []
    for mask, size in zip((resp, nonr), groups or (0, 0), strict=True):
        p = w[mask] / w[mask].sum()
        means.append(float(lc[mask] @ p) if not size or rng is None else
                     float(lc[mask][rng.choice(mask.sum(), size, p=p)].mean()))
    return math.exp(means[0] - means[1])


def _predictions(arms: Arms, w: np.ndarray) -> dict[str, float]:
    t, blasts = arms.table, arms.patients["blasts"].to_numpy()
    high = blasts >= REMISSION_BLASTS
    relapses = t[col.RELAPSE_EVENT].to_numpy(dtype=bool)
    resp = t[col.REMISSION_3M].to_numpy(dtype=bool)
    recovered = t[col.BCELL_RECOVERY_DAY].to_numpy(dtype=float) <= RECOVERY_WINDOW
    hr = math.nan
    if (w[resp & recovered] > 0).any() and (w[resp & ~recovered] > 0).any():
        with np.errstate(all="ignore"):  # no events in a group: the estimate is 0 or inf
            hr = hazard_ratio(t[col.RFS_TIME].to_numpy(dtype=float)[resp],
                              relapses[resp], recovered[resp], w[resp])[0]
    return {"real_world": float(_real_world(arms.patients, w) @ t[col.REMISSION_DAY28]
                                .to_numpy(dtype=float)),
            "hr_bcell": hr,
            "cd19neg": cd19_share(t, w, relapses),
            "cd19neg_high": cd19_share(t, w, relapses & high),
            "cd19neg_low": cd19_share(t, w, relapses & ~high),
            "reinfusion": _rfs12(_with_reinfusion(arms), w)}


def _real_world(patients: pd.DataFrame, w: np.ndarray) -> np.ndarray:
    """``w`` raked (iterative proportional fitting) to :data:`REAL_WORLD`'s mix."""
    low = patients["blasts"].to_numpy() < REMISSION_BLASTS
    heavy = patients["weight"].to_numpy() > 50.0
    out = w.copy()
    for _ in range(20):
        for mask, share in ((low, REAL_WORLD["low_burden"]), (heavy, REAL_WORLD["over_50kg"])):
            inside, outside = out[mask].sum(), out[~mask].sum()
            if inside > 0 and outside > 0:
                out = np.where(mask, out * share / inside, out * (1 - share) / outside)
    return out / out.sum()


def _with_reinfusion(arms: Arms) -> pd.DataFrame:
    """Endpoints where responders whose B cells recovered by the reinfusion day take the
    second-infusion arm's course."""
    from .trialrun import REINFUSION_DAY

    t = arms.table
    swap = (t[col.REMISSION_3M].to_numpy(dtype=bool)
            & (t[col.BCELL_RECOVERY_DAY].to_numpy(dtype=float) <= REINFUSION_DAY))
    out = t.copy()
    out.loc[swap] = arms.reinfused.loc[swap, t.columns].to_numpy()
    return out


def bootstrap(arms: Arms, targets: dict[str, Target], draws: int, seed: int,
              engine: Engine | None = None) -> tuple[np.ndarray, dict[str, float], pd.DataFrame]:
    """Calibrated weights, the endpoints' values, and ``draws`` re-calibrations on resampled
    plausible patients (one row of endpoint values each): a reweighting of the patients
    already simulated, never new simulations. Each draw takes its resample and its Cmax
    ratio's uniforms from its own stream (:func:`draw_streams`), so every resample is known
    before any calibration and the calibrations run on ``engine``'s workers at once."""
    n = len(arms.table)
    rngs = draw_streams(seed, draws)
    resamples = [rng.integers(0, n, n) for rng in rngs]
    tasks = [(k, arms.table, index, targets, arms.has_clone)
             for k, index in enumerate([None, *resamples])]
    done = dict((engine or SerialEngine()).run(calibration_task, tasks))
    w = done[0]
    with one_blas_thread():
        point = values(arms, targets, w)  # the Cmax ratio of the whole weighted population
        rows = [values(arms.take(index), targets, done[k + 1], rng)
                for k, (index, rng) in enumerate(zip(resamples, rngs, strict=True))]
    return w, point, pd.DataFrame(rows)


def draw_streams(seed: int, draws: int) -> list[np.random.Generator]:
    """One random stream per bootstrap draw: draw k's is the k-th child of ``seed``'s
    SeedSequence (spawn key (k,)), the same whatever the number of draws, and apart from
    the seeding's streams (``default_rng([seed, chunk])``)."""
    return [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(draws)]


def calibration_task(key: int, table: pd.DataFrame, index: np.ndarray | None,
                     targets: dict[str, Target], has_clone: bool) -> tuple[int, np.ndarray]:
    """One calibration (worker side): the weights of ``table``'s rows ``index`` (all where
    None). BLAS on one thread: its work here is a few hundred thousand numbers per call, where
    a second thread spins more than it helps (five times the CPU time on two cores), and the
    weights do not depend on how many threads the machine would have given it."""
    rows = table if index is None else table.iloc[index].reset_index(drop=True)
    with one_blas_thread():
        return key, calibrate_weights(rows, targets, has_clone)


def one_blas_thread() -> AbstractContextManager[object]:
    """BLAS limited to one thread while the context lasts (:func:`calibration_task`)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")


def endpoints_table(targets: dict[str, Target], point: dict[str, float],
                    draws: pd.DataFrame) -> pd.DataFrame:
    """endpoints.csv: one row per target, its value, 90% interval, target and whether met
    (a calibrated target: the value inside the target's interval; the Cmax ratio: the
    resampled ratios' interval contains the target; a prediction with a published number:
    the number inside the interval; otherwise empty)."""
    tail = (1 - COVERAGE) / 2
    rows = []
    # a re-calibration of a small population can leave a ratio undefined (a hazard ratio of
    # a group without events is infinite): the interval is over the draws that define it
    finite = draws.replace([np.inf, -np.inf], np.nan)
    for key, t in targets.items():
        lo, hi = (finite[key].quantile([tail, 1 - tail]).tolist() if key in finite
                  and finite[key].notna().any() else (math.nan, math.nan))
        if key == "cmax_ratio":
            met: bool | None = lo <= t.value <= hi
        elif t.role == "calibrated":
            met = t.lower <= point[key] <= t.upper
        else:
            met = lo <= t.value <= hi if math.isfinite(t.value) else None
        rows.append((t.endpoint, point.get(key, math.nan), lo, hi, t.value, t.lower, t.upper,
                     t.source, t.role, met))
    return pd.DataFrame(rows, columns=list(COLUMNS))
