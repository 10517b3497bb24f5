"""A virtual trial's endpoints, per patient, as the trials define them.

The model counts marrow cells; the trials measure blasts in the marrow, CAR T copies in blood
and B cells. :func:`patient_endpoints` reads sampled trajectories through the clinical
observation models of :mod:`pycart.core.observe` and returns one row per patient with the
columns :data:`pycart.core.columns.TRIAL_ENDPOINTS`:

- complete remission: marrow blasts under 5% (Maude et al. 2018, N Engl J Med 378:439,
  ELIANA), at day 28 and within 3 months, maintained for at least 28 days (ELIANA's primary
  endpoint); MRD-negative at day 28:
  blasts under 1e-4 (ELIANA's flow cytometry);
- morphologic relapse: blasts back at 5% or more after remission; relapse-free survival time
  from remission, censored at the end of follow-up; CD19 status at relapse;
- B-cell aplasia: CD19+ B cells under 1% of their homeostatic number, until recovery;
- Cmax over days 0-28 of the blood CAR T level, Tmax, and Stein et al. 2019's fold expansion.

Crossing days (remission, relapse, recovery) are interpolated log-linearly between samples:
the counts change exponentially between them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core import observe
from ..core.errors import PycartError
from ..core.metrics import parabola_peak, relapse_day

#: ELIANA's remission window, "within 3 months" of infusion, in days.
REMISSION_WINDOW = 365.25 / 4
#: The day of the first marrow assessment (ELIANA: day 28) and the end of Cmax's window.
DAY28 = 28.0
#: How long a remission must last to count, in days (ELIANA: maintained for at least 28 days).
DURABLE = 28.0
#: Leukaemic cells at which blasts reach 5% of the nucleated cells (blast_fraction inverted).
REMISSION_CELLS = observe.MARROW_CELLS * observe.REMISSION_BLASTS / (1 - observe.REMISSION_BLASTS)


def patient_endpoints(times: np.ndarray, states: Mapping[str, np.ndarray], model: str, *,
                      blood_scale: float, follow_up: float = 365.0) -> pd.DataFrame:
    """One row per patient (columns :data:`~pycart.core.columns.TRIAL_ENDPOINTS`) from
    ``states[species]``, amounts in cells of shape (patients, len(times)), ``times`` in days
    from day 0 (which must include 0 and 28; sample days 0-28 finely, e.g. every 0.25 day, for
    Tmax). Samples after ``follow_up`` are ignored. Definitions: the module's docstring and
    each column's in :mod:`pycart.core.columns`."""
    size = np.size(times)
    times, keep = _checked_times(times, follow_up)
    leuk = {s: extinct(_amounts(states, s, keep, size)) for s in observe.leukaemia_ids(model)}
    total = np.sum(list(leuk.values()), axis=0)
    car_t = np.sum([_amounts(states, s, keep, size) for s in observe.car_t_ids(model)], axis=0)
    cd19_b = np.sum([_amounts(states, s, keep, size) for s in observe.cd19_b_ids(model)],
                    axis=0)
    at28 = int(np.flatnonzero(times == DAY28)[0])
    blasts28 = observe.blast_fraction(total[:, at28])
    remission, relapse = _durable_remission(times, total)
    responder = remission <= REMISSION_WINDOW
    rfs = np.where(np.isnan(relapse), follow_up, relapse) - remission
    out = pd.DataFrame({
        col.REMISSION_DAY28: blasts28 < observe.REMISSION_BLASTS,
        col.REMISSION_DAY: remission,
        col.REMISSION_3M: responder,
        col.MRD_NEGATIVE_DAY28: blasts28 < observe.MRD_FLOW,
        col.MORPHOLOGIC_RELAPSE_DAY: relapse,
        col.RELAPSE_EVENT: ~np.isnan(relapse),
        col.RFS_TIME: np.where(responder, rfs, np.nan),
        col.RELAPSE_CD19_NEGATIVE: _cd19_negative(times, leuk, relapse),
    })
    recovery = np.array([_recovery_day(times, row) for row in cd19_b])
    out[col.APLASIA_DAYS] = np.where(np.isnan(recovery), follow_up, recovery)
    out[col.BCELL_RECOVERY_DAY] = recovery
    out[col.CMAX_BLOOD], out[col.TMAX], out[col.FOLDX] = expansion(
        times, observe.blood_car_t(car_t, blood_scale))
    return out


def expansion(times: np.ndarray, blood: np.ndarray) -> tuple[np.ndarray, ...]:
    """Cmax, Tmax and Stein et al. 2019's fold expansion of blood CAR T levels ``blood``
    (patients x times) over days 0-28.

    Cmax and Tmax: the highest sample, refined by a parabola through it and its two
    neighbours on the log scale (on an evenly spaced grid). Fold expansion (Stein et al.
    2019, CPT Pharmacometrics Syst Pharmacol 8:285, Figure 2; nlmixr2lib's
    Stein_2019_Tisagenlecleucel): their model's expansion phase is C(t) = R0 exp(rho t) up
    to Tmax with rho = ln(foldx) / Tmax and R0 = Cmax / foldx, so foldx is Cmax over the
    day-0 level back-extrapolated from the log-linear expansion. Here that line is fitted
    through (Tmax, Cmax) to the samples before Tmax by least squares on ln C, its one free
    parameter ln(foldx): exact for a purely exponential expansion; 1 where the peak is day 0.
    """
    window = times <= DAY28
    t, y = times[window], np.log(np.maximum(blood[:, window], np.finfo(float).tiny))
    peaks = np.array([parabola_peak(t, row) for row in y]).reshape(-1, 2)
    log_cmax, tmax = peaks[:, 0], peaks[:, 1]
    foldx = np.ones(len(y))
    for i, (top, day) in enumerate(zip(log_cmax, tmax, strict=True)):
        before = t < day
        if day > 0 and before.any():
            lever = 1.0 - t[before] / day
            foldx[i] = np.exp(np.sum(lever * (top - y[i, before])) / np.sum(lever ** 2))
    return np.exp(log_cmax), tmax, foldx


def at_window_end(tmax: np.ndarray) -> np.ndarray:
    """Whether each Tmax (:func:`expansion`) is the last day of the Cmax window (day 28):
    blood CAR T still rising then, so the window's maximum is its end, not a peak. The trial
    reads Cmax and Tmax over days 0-28 and counts such a Tmax as 28; reports say how many."""
    return np.asarray(tmax, dtype=float) >= DAY28


def cmax_ratio_resampled(cmax: np.ndarray, responder: np.ndarray, weights: np.ndarray | None,
                         rng: np.random.Generator, *, n_r: int = 62, n_nr: int = 8,
                         draws: int = 2000) -> tuple[float, float, float]:
    """The ratio of the geometric-mean Cmax of responders to non-responders as a trial of
    ``n_r`` responders and ``n_nr`` non-responders would measure it: median and 90%
    interval over ``draws`` resampled trials, each drawing its patients with replacement,
    with probability proportional to ``weights`` (None: equal), from the population's
    responders and non-responders. The defaults are Mueller et al. 2018's groups (Clin
    Cancer Res 24:6175; 62 responders and 8 non-responders of ELIANA and ENSIGN, responders'
    Cmax 74% higher): a ratio of geometric means over 8 patients varies widely, so a
    population is compared with the trial's 1.74 by this interval, not by one number."""
    cmax = np.asarray(cmax, dtype=float)
    responder = np.asarray(responder, dtype=bool)
    weights = np.ones(cmax.size) if weights is None else np.asarray(weights, dtype=float)
    if cmax.ndim != 1 or responder.shape != cmax.shape or weights.shape != cmax.shape:
        raise PycartError("cmax, responder and weights must be 1-d of one length")
    if not (np.all(np.isfinite(cmax)) and np.all(cmax > 0)):
        raise PycartError("Cmax must be finite and > 0 (a ratio of geometric means)")
    if not (np.all(np.isfinite(weights)) and np.all(weights >= 0)):
        raise PycartError("weights must be finite and >= 0")
    if min(n_r, n_nr, draws) < 1:
        raise PycartError("n_r, n_nr and draws must be at least 1")
    log_means = []
    for group, size in ((responder, n_r), (~responder, n_nr)):
        w = np.where(group, weights, 0.0)
        if not w.sum() > 0:
            raise PycartError("the population needs responders and non-responders of "
                              "weight > 0 to compare their Cmax")
        picks = rng.choice(cmax.size, size=(draws, size), p=w / w.sum())
        log_means.append(np.log(cmax)[picks].mean(axis=1))
    ratio = np.exp(log_means[0] - log_means[1])
    lower, median, upper = np.quantile(ratio, [0.05, 0.5, 0.95])
    return float(median), float(lower), float(upper)


def _checked_times(times: np.ndarray, follow_up: float) -> tuple[np.ndarray, int]:
    times = np.asarray(times, dtype=float)
    if times.ndim != 1 or times.size < 3 or np.any(np.diff(times) <= 0):
        raise PycartError("the sample days must be one increasing sequence of at least 3 days")
    if times[0] != 0.0 or DAY28 not in times:
        raise PycartError(f"the sample days must include day 0 and day {DAY28:g} "
                          f"(they run from {times[0]:g} to {times[-1]:g})")
    if not (np.isfinite(follow_up) and follow_up >= DAY28):
        raise PycartError(f"follow_up = {follow_up!r}: must be at least {DAY28:g} days")
    keep = int(np.searchsorted(times, follow_up, side="right"))  # the samples in follow-up
    return times[:keep], keep


def extinct(cells: np.ndarray) -> np.ndarray:
    """Leukaemic amounts (patients x samples) with each clone extinct from its first sample
    under one cell on: a number that stands for less than one cell is not a cell. The ODE
    carries a clone through 1e-60 cells and regrows it (the model's CAR T and leukaemia can
    cycle, and the clone comes back from a fraction of a cell); a real patient's last
    leukaemic cell is gone, so the clone stays at 0. A clone that starts under one cell (a
    CD19-negative clone before it is seeded) is 0 until it first reaches one cell."""
    cells = np.array(cells, dtype=float, copy=True)
    for row in cells:
        present = np.flatnonzero(row >= 1.0)
        if not present.size:
            row[:] = 0.0
            continue
        row[:present[0]] = 0.0
        gone = np.flatnonzero(row[present[0]:] < 1.0)
        if gone.size:
            row[present[0] + gone[0]:] = 0.0
    return cells


def _amounts(states: Mapping[str, np.ndarray], species: str, keep: int, size: int
             ) -> np.ndarray:
    if species not in states:
        raise PycartError(f"the trajectories lack {species} (the endpoints need it)")
    values = np.asarray(states[species], dtype=float)
    if values.ndim != 2 or values.shape[1] != size:
        raise PycartError(f"{species}: shape {values.shape}, expected (patients, "
                          f"{size}) (one column per sample day)")
    return np.maximum(values[:, :keep], 0.0)


def _log_cross(times: np.ndarray, row: np.ndarray, i: int, level: float) -> float:
    """The day ``row`` crosses ``level`` between samples i-1 and i, log-linearly."""
    lo, hi = np.log(np.maximum(row[i - 1:i + 1], np.finfo(float).tiny))
    frac = (np.log(level) - lo) / (hi - lo) if hi != lo else 1.0
    return float(times[i - 1] + np.clip(frac, 0.0, 1.0) * (times[i] - times[i - 1]))


def _durable_remission(times: np.ndarray, total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each patient's remission day and the morphologic relapse after it (NaN where none).

    A remission counts when it is maintained for at least :data:`DURABLE` days (ELIANA's
    primary endpoint: CR or CRi within 3 months, maintained for at least 28 days; Grupp et
    al. 2018, ASH abstract of the ELIANA update): blasts that fall under 5% and are back at
    5% or more within 28 days are not a remission, and the search goes on after them. A
    remission starting at the end of follow-up, with less than 28 days left, counts (its
    durability is not yet known, as in a trial's data cut)."""
    remission = np.full(len(total), np.nan)
    relapse = np.full(len(total), np.nan)
    for p, row in enumerate(total):
        start = 0
        while start < len(times) - 1:
            onset = _remission_onset(times[start:], row[start:])
            if np.isnan(onset):
                break
            back = _relapse_after(times, row, onset)
            if np.isnan(back) or back - onset >= DURABLE:
                remission[p], relapse[p] = onset, back
                break
            start = int(np.searchsorted(times, back))  # the first sample at 5% or more
    return remission, relapse


def _remission_onset(times: np.ndarray, total: np.ndarray) -> float:
    """The first day after the first sample with blasts under 5% (NaN if none): the crossing
    where blasts fall, or the second sample for a patient already under 5% at the first."""
    under = observe.blast_fraction(total) < observe.REMISSION_BLASTS
    hits = np.flatnonzero(under[1:]) + 1
    if not hits.size:
        return np.nan
    i = int(hits[0])
    return float(times[i]) if under[i - 1] else _log_cross(times, total, i, REMISSION_CELLS)


def _relapse_after(times: np.ndarray, total: np.ndarray, remission: float) -> float:
    """The first day after ``remission`` that blasts reach 5% again (NaN if none)."""
    if np.isnan(remission):
        return np.nan
    start = int(np.searchsorted(times, remission))
    start = max(start - 1, 0)  # the sample before the remission crossing is above 5%
    day = relapse_day(times[start:], total[start:], level=REMISSION_CELLS)
    return np.nan if day is None else day


def _cd19_negative(times: np.ndarray, leuk: Mapping[str, np.ndarray],
                   relapse: np.ndarray) -> pd.Series:
    """Whether Ln is most of the leukaemic cells on each relapse day (NA without relapse)."""
    out = pd.Series(pd.array([pd.NA] * len(relapse), dtype="boolean"))
    for p, day in enumerate(relapse):
        if np.isnan(day):
            continue
        if "Ln" not in leuk:
            out[p] = False
            continue
        i = min(int(np.searchsorted(times, day)), len(times) - 1)
        frac = 1.0 if i == 0 else (day - times[i - 1]) / (times[i] - times[i - 1])
        ln, l_ = (_log_interp(leuk[s][p], i, frac) for s in ("Ln", "L"))
        out[p] = bool(ln > l_)
    return out


def _log_interp(row: np.ndarray, i: int, frac: float) -> float:
    if i == 0:
        return float(row[0])
    lo, hi = np.log(np.maximum(row[i - 1:i + 1], np.finfo(float).tiny))
    return float(np.exp(lo + frac * (hi - lo)))


def _recovery_day(times: np.ndarray, cd19_b: np.ndarray) -> float:
    """The day CD19+ B cells are back at the aplasia threshold after falling under it: 0
    where they never fall under it, NaN where aplasia persists to the last sample."""
    aplastic = observe.aplastic(cd19_b)
    if not aplastic.any():
        return 0.0
    onset = int(np.flatnonzero(aplastic)[0])
    back = np.flatnonzero(~aplastic[onset:])
    if not back.size:
        return np.nan
    level = observe.APLASIA_FRACTION * observe.HOMEOSTATIC_CD19_B
    return _log_cross(times, cd19_b, onset + int(back[0]), level)
