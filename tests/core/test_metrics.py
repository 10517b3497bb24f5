"""The one metrics function (pycart.core.metrics.point_metrics) against hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pycart.core import columns as col
from pycart.core.metrics import point_metrics


def _patient() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day 0-60 every 0.1 day: L falls by a decade a day from 1e9, from day 10 the CD19+
    clone regrows 1e8-fold over 20 days (it crosses 1e8 cells at day 30, then L30 = 1e8 is a
    non-responder), Ln grows from 1 to 1e6 cells; C = 1e7 + 1e9 - (t - 12.3)^2 * 1e6 (a
    parabola: its peak 1.01e9 on day 12.3 is found exactly)."""
    t = np.round(np.linspace(0.0, 60.0, 601), 9)
    L = np.where(t < 10, 10.0 ** (9 - t), 10.0 ** (-1 + 0.45 * (t - 10)))
    Ln = 10.0 ** (t / 10)
    C = np.maximum(1e7 + 1e9 - (t - 12.3) ** 2 * 1e6, 1.0)
    return t, np.stack([L, Ln], axis=1), C


def test_metrics_of_a_point_match_the_hand_calculation():
    t, leukemia, C = _patient()
    m = {k: v[0] for k, v in point_metrics(t, leukemia[None], C[None], relapse=True).items()}
    L30 = 10.0 ** (-1 + 0.45 * 20) + 10.0 ** 3
    assert m[col.L30] == pytest.approx(L30, rel=1e-12) and m[col.RESPONDER] is False
    assert m[col.C_PEAK] == pytest.approx(1.01e9, rel=1e-12)
    assert m[col.T_PEAK] == pytest.approx(12.3, abs=1e-9)
    C0 = 1e7 + 1e9 - 12.3 ** 2 * 1e6
    assert m[col.FOLD_EXPANSION] == pytest.approx(math.log10(1.01e9 / C0), rel=1e-12)
    # L + Ln first back above 1e8 between two samples: log-interpolated there
    total = leukemia.sum(axis=1)
    i = int(np.flatnonzero((t > 10) & (total > 1e8))[0])
    frac = (8 - math.log10(total[i - 1])) / (math.log10(total[i]) - math.log10(total[i - 1]))
    assert m[col.RELAPSE_DAY] == pytest.approx(t[i - 1] + 0.1 * frac, abs=1e-9)
    assert m[col.CD19NEG_SHARE] == pytest.approx(leukemia[i, 1] / total[i], rel=1e-12)


def test_tracked_peaks_are_taken_and_a_peak_not_reached_is_the_horizon():
    t, leukemia, C = _patient()
    grow = np.linspace(1e7, 1e9, t.size)  # still growing at day 60
    peaks = np.array([[1.0, 12.25, 1.1e9], [0.0, 0.0, 0.0]])
    m = point_metrics(t, np.stack([leukemia, leukemia]), np.stack([C, grow]), peaks)
    assert m[col.T_PEAK] == [12.25, 60.0] and m[col.C_PEAK] == [1.1e9, 1e9]
    assert m[col.PEAK_REACHED] == [True, False]
    assert m[col.FOLD_EXPANSION][1] == pytest.approx(2.0, rel=1e-12)
    assert col.RELAPSE_DAY not in m  # not asked for


def test_no_day_30_no_response_and_no_car_t_no_fold():
    t = np.linspace(0.0, 20.0, 21)
    m = point_metrics(t, np.ones((1, t.size, 1)), np.zeros((1, t.size)), relapse=True)
    assert m[col.L30] == [None] and m[col.RESPONDER] == [None]
    assert m[col.FOLD_EXPANSION] == [None] and m[col.RELAPSE_DAY] == [None]
    assert col.CD19NEG_SHARE not in m  # one clone


def test_fold_expansion_is_against_the_car_t_dose_given_up_to_the_peak():
    """A schedule's CAR T doses after day 0 join C_0 in the denominator when given on or
    before the peak's day; one after the peak does not count (hand calculation)."""
    t, leukemia, C = _patient()  # peak 1.01e9 on day 12.3
    C0 = 1e7 + 1e9 - 12.3 ** 2 * 1e6
    doses = np.array([[[2.0, 1e7], [12.3, 3e7], [20.0, 1e9]]])
    m = point_metrics(t, leukemia[None], C[None], doses=doses)
    assert m[col.FOLD_EXPANSION][0] == pytest.approx(math.log10(1.01e9 / (C0 + 4e7)),
                                                     rel=1e-12)
    # no CAR T at day 0: the doses alone are the denominator
    m = point_metrics(t, leukemia[None], np.where(t > 0, C, 0.0)[None], doses=doses)
    assert m[col.FOLD_EXPANSION][0] == pytest.approx(math.log10(1.01e9 / 4e7), rel=1e-12)
