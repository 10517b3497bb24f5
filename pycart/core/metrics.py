"""Metrics of one trajectory: response, CAR T expansion, relapse, B-cell subsets, steady state.

All are computed on the dense grid of a run (0.01 day, day 30 included), never on the
user's output grid, so they do not depend on how many points were asked for.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from . import columns as col
from .names import B_CELLS, CAR_T, LEUKEMIA, RESPONSE_DAY, RESPONSE_THRESHOLD, TIME
from .schedule import PRODUCTS, parse_doses

#: L at which a regrowth counts as relapse: the paper reinfuses when L reaches 1e8 cells.
RELAPSE_LEVEL = 1e8

#: A run is at steady state from the day every species stays within this distance of its
#: final value, in log10(1 + cells) (0.01 is about 2%).
STEADY_TOLERANCE = 0.01


@dataclass(frozen=True)
class Summary:
    """Metrics of one run.

    - ``L30``, ``responder``: L at day 30 and L30 < 1 cell (None when the run ends earlier).
      In a model with a CD19-negative clone (cart_bm_ext), L here and below means every
      leukemic cell, L + Ln.
    - ``L_end``: L at the end of the run.
    - ``C_peak``, ``t_peak``: the highest total CAR T count C = CA + CM (+ CA2 + CM2,
      + CE) of the run and its day, refined by a parabola through the three grid points
      around it (a sweep point reports the first peak instead, root-found).
    - ``fold_expansion``: log10(C_peak / car_t_dose) (None where no CAR T was given).
    - ``car_t_dose``: the CAR T cells given up to the peak: C at day 0 plus a dose
      schedule's CAR T doses on days up to ``t_peak`` (:func:`expansion_base`).
    - ``relapse_day``: first day L regrows past RELAPSE_LEVEL after having fallen below it.
    - ``cd19neg_share_at_relapse``: Ln / (L + Ln) on the relapse day (cart_bm_ext only).
    - ``B0_share``..``B3_share``: each B-cell stage's share of all B cells at the end.
    - ``steady_state_day``: from when every species stays within STEADY_TOLERANCE of its
      final value (None when that is only in the last tenth of the horizon).
    - ``second_product_share``: (CA2 + CM2) / C at the end (None for one product).
    """

    L30: float | None
    responder: bool | None
    C_peak: float
    t_peak: float
    L_end: float | None = None
    fold_expansion: float | None = None
    relapse_day: float | None = None
    B0_share: float | None = None
    B1_share: float | None = None
    B2_share: float | None = None
    B3_share: float | None = None
    steady_state_day: float | None = None
    second_product_share: float | None = None
    cd19neg_share_at_relapse: float | None = None
    car_t_dose: float | None = None

    def lines(self) -> list[str]:
        """The headline metrics as short printable lines."""
        if self.L30 is None:
            response = "L at day 30: n/a (the horizon ends before day 30)"
        else:
            verdict = "yes" if self.responder else "no"
            response = (f"L at day 30: {self.L30:.4g} cells; responder (L30 < 1 cell): {verdict}")
        peak = (f"peak CAR T (CA + CM): {self.C_peak:.4g} cells on day "
                f"{self.t_peak:.2f}")
        return [response, peak]

    def as_dict(self) -> dict[str, float | bool | None]:
        """The metrics by name."""
        return asdict(self)


def summarize(dense: pd.DataFrame, doses: Iterable[object] = ()) -> Summary:
    """Compute the :class:`Summary` from a trajectory sampled densely (and at day 30) of a
    run with the dose schedule ``doses`` (:mod:`pycart.core.schedule`)."""
    times = dense[TIME].to_numpy()
    # every leukemic clone the model has: L, and the CD19-negative Ln of cart_bm_ext
    leukemia = dense[[c for c in LEUKEMIA if c in dense.columns]].to_numpy()
    car_t = dense[[c for c in CAR_T if c in dense.columns]].sum(axis=1).to_numpy()
    given = product_doses(doses)[None]
    point = {k: v[0] for k, v in point_metrics(times, leukemia[None], car_t[None],
                                               relapse=True, doses=given).items()}
    base = float(expansion_base(car_t[:1], np.array([point[col.T_PEAK]]), given)[0])
    b_end = dense[list(B_CELLS)].to_numpy()[-1]
    shares = [float(v) for v in b_end / b_end.sum()] if b_end.sum() > 0 else [None] * len(B_CELLS)
    second = None
    if "CA2" in dense.columns and car_t[-1] > 0:
        second = float((dense["CA2"].iloc[-1] + dense["CM2"].iloc[-1]) / car_t[-1])
    return Summary(
        point[col.L30], point[col.RESPONDER], point[col.C_PEAK], point[col.T_PEAK],
        float(leukemia[-1].sum()), point[col.FOLD_EXPANSION], point[col.RELAPSE_DAY],
        B0_share=shares[0], B1_share=shares[1], B2_share=shares[2], B3_share=shares[3],
        steady_state_day=steady_state_day(dense), second_product_share=second,
        cd19neg_share_at_relapse=point.get(col.CD19NEG_SHARE), car_t_dose=base)


def product_doses(doses: Iterable[object]) -> np.ndarray:
    """The CAR T doses (CA, CA2) of a schedule after day 0 as rows (day, cells): the
    ``doses`` of :func:`point_metrics` for one point."""
    rows = [(d.day, d.cells) for d in parse_doses(doses) if d.species in PRODUCTS and d.day > 0]
    return np.array(rows, dtype=float).reshape(-1, 2)


def point_metrics(times: np.ndarray, leukemia: np.ndarray, car_t: np.ndarray,
                  peaks: np.ndarray | None = None, relapse: bool = False,
                  doses: np.ndarray | None = None) -> dict[str, list]:
    """The metrics of points (runs, sweep points), by column of :mod:`pycart.core.columns`,
    one value per point: the one place they are computed.

    ``times``: the sample days (day 0 first); ``leukemia``: the amounts of each leukemic
    clone (points x times x clones, L first, then Ln); ``car_t``: the total CAR T count
    (points x times). ``peaks`` (points x 3: found, day, count), from the peak tracker, give
    the first peak; without them the peak is the highest sample, refined by a parabola. L30
    and the response need day 30 among ``times`` (None otherwise); ``relapse`` adds the
    relapse day and, with two clones, the CD19-negative share at relapse (from the samples:
    sample densely). ``doses`` (points x doses x 2: day, cells) are the CAR T doses a
    schedule gives after day 0: the fold expansion's denominator is C_0 plus those given on
    or before the peak's day (:func:`expansion_base`), so regimens compare.
    """
    at30 = np.flatnonzero(times == RESPONSE_DAY)
    total = leukemia.sum(axis=2)
    L30 = total[:, at30[0]] if at30.size else np.full(len(total), np.nan)
    if peaks is None:
        found = np.ones(len(car_t), dtype=bool)
        day, peak = np.array([parabola_peak(times, c)[::-1] for c in car_t]).reshape(-1, 2).T
    else:  # not found: C still grows at the horizon (or never grew)
        found = peaks[:, 0] > 0.5
        day = np.where(found, peaks[:, 1], times[-1])
        peak = np.where(found, peaks[:, 2], car_t[:, -1])
    C0 = expansion_base(car_t[:, 0], day, doses)
    out: dict[str, list] = {
        col.L30: [None if at30.size == 0 else float(v) for v in L30],
        col.RESPONDER: [None if at30.size == 0 else bool(v < RESPONSE_THRESHOLD) for v in L30],
        col.T_PEAK: day.tolist(), col.C_PEAK: peak.tolist(),
        col.FOLD_EXPANSION: [math.log10(c / c0) if c0 > 0 and c > 0 else None
                             for c, c0 in zip(peak.tolist(), C0.tolist(), strict=True)],
        col.PEAK_REACHED: found.tolist()}
    if relapse:
        days = [relapse_day(times, v) for v in total]
        out[col.RELAPSE_DAY] = days
        if leukemia.shape[2] > 1:
            out[col.CD19NEG_SHARE] = [_negative_share(times, clones, d)
                                      for clones, d in zip(leukemia, days, strict=True)]
    return out


def expansion_base(C0: np.ndarray, peak_day: np.ndarray,
                   doses: np.ndarray | None) -> np.ndarray:
    """The CAR T cells given up to each point's peak: C at day 0 (the day-0 doses) plus the
    scheduled doses (``doses``: points x doses x 2, day and cells) on days after 0 and on or
    before ``peak_day``. Conditional doses (on relapse) are not counted: they are given
    after a response failed, so the paper's fold expansions keep their first-dose meaning."""
    C0 = np.asarray(C0, dtype=float)
    if doses is None or not np.size(doses):
        return C0
    days, cells = doses[..., 0], doses[..., 1]
    given = (days > 0.0) & (days <= np.asarray(peak_day, dtype=float)[:, None])
    return C0 + np.where(given, cells, 0.0).sum(axis=1)


def _negative_share(times: np.ndarray, clones: np.ndarray, day: float | None) -> float | None:
    """The CD19-negative clone's share of the leukemic cells at the first sample from the
    relapse ``day`` on (None without relapse or leukemic cells)."""
    if day is None:
        return None
    i = int(np.searchsorted(times, day))
    whole = float(clones[i].sum())
    return float(clones[i, 1] / whole) if whole > 0 else None


def relapse_day(times: np.ndarray, L: np.ndarray, level: float = RELAPSE_LEVEL) -> float | None:
    """First day L regrows past ``level`` after having fallen below it (log-interpolated)."""
    below = np.flatnonzero(L < level)
    if not below.size:
        return None
    after = np.flatnonzero(L[below[0]:] > level)
    if not after.size:
        return None
    i = below[0] + after[0]
    lo, hi = math.log(max(L[i - 1], 1e-300)), math.log(L[i])
    frac = (math.log(level) - lo) / (hi - lo) if hi > lo else 1.0
    return float(times[i - 1] + frac * (times[i] - times[i - 1]))


def steady_state_day(dense: pd.DataFrame, tolerance: float = STEADY_TOLERANCE) -> float | None:
    """First day from which every species stays within ``tolerance`` of its final value in
    log10(1 + cells); None when that happens only in the last tenth of the run."""
    times = dense[TIME].to_numpy()
    values = np.log10(1.0 + dense.drop(columns=[TIME]).to_numpy())
    off = np.abs(values - values[-1]).max(axis=1) > tolerance
    if not off.any():
        return float(times[0])
    day = float(times[np.flatnonzero(off)[-1] + 1])
    return None if day > times[0] + 0.9 * (times[-1] - times[0]) else day


def parabola_peak(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The highest value of samples ``y`` at days ``t`` and its day, refined by a parabola
    through the highest sample and its two neighbours where they are evenly spaced."""
    i = int(np.argmax(y))
    if 0 < i < len(y) - 1 and np.isclose(t[i] - t[i - 1], t[i + 1] - t[i], rtol=1e-9):
        y0, y1, y2 = y[i - 1], y[i], y[i + 1]
        curvature = y0 - 2.0 * y1 + y2
        if curvature < 0:
            shift = 0.5 * (y0 - y2) / curvature
            return float(y1 - 0.25 * (y0 - y2) * shift), float(t[i] + shift * (t[i] - t[i - 1]))
    return float(y[i]), float(t[i])
