"""Summary metrics of one trajectory: response at day 30 and the CAR T peak."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .names import CAR_T, RESPONSE_DAY, RESPONSE_THRESHOLD, TIME


@dataclass(frozen=True)
class Summary:
    """Response and expansion of one run.

    ``L30`` is L at day 30 (None when the horizon ends earlier); ``responder`` is L30 < 1 cell.
    The CAR T peak is of the total C = CA + CM (+ CA2 + CM2), located on the dense grid and refined by a
    parabola through the three grid points around the maximum.
    """

    L30: float | None
    responder: bool | None
    car_t_peak: float
    car_t_peak_day: float

    def lines(self) -> list[str]:
        """The summary as short printable lines."""
        if self.L30 is None:
            response = "L at day 30: n/a (the horizon ends before day 30)"
        else:
            verdict = "yes" if self.responder else "no"
            response = (f"L at day 30: {self.L30:.4g} cells; responder (L30 < 1 cell): {verdict}")
        peak = (f"peak CAR T (CA + CM): {self.car_t_peak:.4g} cells on day "
                f"{self.car_t_peak_day:.2f}")
        return [response, peak]


def summarize(dense: pd.DataFrame) -> Summary:
    """Compute the :class:`Summary` from a trajectory sampled densely (and at day 30)."""
    times = dense[TIME].to_numpy()
    at30 = np.flatnonzero(times == RESPONSE_DAY)
    L30 = float(dense["L"].to_numpy()[at30[0]]) if at30.size else None
    responder = None if L30 is None else bool(L30 < RESPONSE_THRESHOLD)
    car_t = dense[[c for c in CAR_T if c in dense.columns]].sum(axis=1).to_numpy()
    peak, day = _peak(times, car_t)
    return Summary(L30, responder, peak, day)


def _peak(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    i = int(np.argmax(y))
    if 0 < i < len(y) - 1 and np.isclose(t[i] - t[i - 1], t[i + 1] - t[i], rtol=1e-9):
        y0, y1, y2 = y[i - 1], y[i], y[i + 1]
        curvature = y0 - 2.0 * y1 + y2
        if curvature < 0:
            shift = 0.5 * (y0 - y2) / curvature
            return float(y1 - 0.25 * (y0 - y2) * shift), float(t[i] + shift * (t[i] - t[i - 1]))
    return float(y[i]), float(t[i])
