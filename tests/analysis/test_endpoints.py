"""The trial endpoints against hand calculations on constructed trajectories, and on real
simulated patients against a dense libRoadRunner run read by brute force."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize_scalar
from scipy.stats import norm

from pycart.analysis.endpoints import (
    REMISSION_CELLS,
    at_window_end,
    cmax_ratio_resampled,
    expansion,
    extinct,
    patient_endpoints,
)
from pycart.core import columns as col
from pycart.core import observe
from pycart.core.errors import PycartError
from pycart.core.model import Model

#: The sampling a trial uses: every 0.25 day to day 28, then daily to a year.
TIMES = np.concatenate([np.arange(0, 28, 0.25), np.arange(28, 366, 1.0)])
SCALE = 1e-5
THRESHOLD_B = observe.APLASIA_FRACTION * observe.HOMEOSTATIC_CD19_B


def _piecewise(t0: float, y0: float, rates: list[tuple[float, float]]) -> np.ndarray:
    """y0 * exp(rate (t - t0)) in pieces: rates = [(until_day, rate), ...]."""
    log = np.full(TIMES.size, np.log(y0))
    start, level = t0, np.log(y0)
    for until, rate in rates:
        piece = (TIMES > start) & (TIMES <= until)
        log[piece] = level + rate * (TIMES[piece] - start)
        level, start = level + rate * (until - start), until
    return np.exp(log)


def _constructed() -> tuple[dict[str, np.ndarray], dict[str, list]]:
    """Four patients, with what each endpoint must be (computed by hand)."""
    L = np.array([_piecewise(0, 2e11, [(20, -1.0), (400, 0.1)]),  # CD19+ relapse
                  _piecewise(0, 2e11, [(20, -1.0), (400, 0.0)]),  # CD19- relapse (Ln)
                  np.full(TIMES.size, 2e11),                       # no remission
                  _piecewise(0, 1e10, [(400, 0.05)])])  # under 5% at day 0, back by day 19
    Ln = np.array([np.ones(TIMES.size), _piecewise(0, 1.0, [(400, 0.1)]), np.ones(TIMES.size),
                   np.ones(TIMES.size)])
    B = np.array([_piecewise(0, 3.2e8, [(10, -1.0), (400, 0.05)]),
                  _piecewise(0, 3.2e8, [(10, -1.0), (400, 0.0)]),
                  np.full(TIMES.size, 3.2e10), _piecewise(0, 3.2e8, [(400, -0.5)])])
    CA = np.array([_piecewise(0, 1e7, [(10, 0.8), (400, -0.8)]),       # tent peak on day 10
                   _piecewise(0, 1e7, [(12.5, 0.5), (400, -0.5)]),
                   np.exp(np.log(1e9) - 0.05 * (TIMES - 9.1) ** 2),     # log-parabola, day 9.1
                   np.full(TIMES.size, 1e7)])                           # no expansion
    states = {"L": L, "Ln": Ln, "B0": B, "B1": 0.1 * B, "B2": 0.6 * B, "B3": 0.3 * B,
              "CA": CA, "CM": np.zeros_like(CA), "CE": np.zeros_like(CA)}
    rem = np.log(2e11 / REMISSION_CELLS)  # days for L falling at 1/day from 2e11
    relapse0 = 20 + np.log(REMISSION_CELLS / (2e11 * np.exp(-20))) / 0.1
    relapse1 = np.log(REMISSION_CELLS) / 0.1  # Ln from 1 cell at 0.1/day (L: 2e11 e^-20)
    # patient 3: 2% blasts at day 0, 5% again by day 19 (ln 2.63 / 0.05): under 28 days, so
    # no remission (ELIANA counts one maintained for at least 28 days)
    assert np.log(REMISSION_CELLS / 1e10) / 0.05 < 28
    recovery0 = 10 + np.log(THRESHOLD_B / (3.2e8 * np.exp(-10))) / 0.05
    # log C = log 1e9 - 0.05 (t - 9.1)^2: the line through (9.1, 1e9) fitted to the samples
    # before 9.1 by least squares in ln(foldx), its normal equation written out
    early = TIMES[TIMES < 9.1]
    lever = 1 - early / 9.1
    foldx2 = np.exp(np.sum(lever * 0.05 * (early - 9.1) ** 2) / np.sum(lever ** 2))
    expected = {
        col.REMISSION_DAY: [rem, rem, np.nan, np.nan],
        col.REMISSION_DAY28: [True, True, False, False],
        col.MRD_NEGATIVE_DAY28: [True, True, False, False],
        col.REMISSION_3M: [True, True, False, False],
        col.MORPHOLOGIC_RELAPSE_DAY: [relapse0, relapse1, np.nan, np.nan],
        col.RELAPSE_EVENT: [True, True, False, False],
        col.RFS_TIME: [relapse0 - rem, relapse1 - rem, np.nan, np.nan],
        col.RELAPSE_CD19_NEGATIVE: [False, True, pd.NA, pd.NA],
        col.BCELL_RECOVERY_DAY: [recovery0, np.nan, 0.0, np.nan],
        col.APLASIA_DAYS: [recovery0, 365.0, 0.0, 365.0],
        col.CMAX_BLOOD: [SCALE * 1e7 * np.exp(8), SCALE * 1e7 * np.exp(6.25), SCALE * 1e9,
                         SCALE * 1e7],
        col.TMAX: [10.0, 12.5, 9.1, 0.0],
        col.FOLDX: [np.exp(8), np.exp(6.25), foldx2, 1.0],
    }
    return states, expected


def test_constructed_patients_by_hand():
    states, expected = _constructed()
    got = patient_endpoints(TIMES, states, "cart_bm_ext", blood_scale=SCALE)
    assert list(got.columns) == list(col.TRIAL_ENDPOINTS)
    for name, values in expected.items():
        if name == col.RELAPSE_CD19_NEGATIVE:
            assert got[name].tolist() == [False, True, pd.NA, pd.NA]
        elif got[name].dtype == bool:
            assert got[name].tolist() == values, name
        else:  # exact log-linear pieces: the interpolation is exact to round-off
            np.testing.assert_allclose(got[name], values, rtol=1e-9, atol=1e-9, err_msg=name)
    # day 28 is 8 days into regrowth at 0.1/day for patient 0: about 920 cells, blasts 2e-9;
    # patient 3 has grown to 1e10 e^1.4 = 4.1e10 cells, blasts 7.5%
    L28 = 2e11 * np.exp(-20 + 0.8)
    assert L28 / (observe.MARROW_CELLS + L28) < observe.MRD_FLOW
    L28 = 1e10 * np.exp(1.4)
    assert L28 / (observe.MARROW_CELLS + L28) == pytest.approx(0.0751, abs=1e-4)


def test_a_remission_lost_within_28_days_does_not_count():
    """Blasts under 5% from day 2 to day 12, then from day 30 on: the first episode is not
    maintained for 28 days, so the remission starts at the second (ELIANA's definition)."""
    L = _piecewise(0, 2e11, [(4, -1.0), (14, 0.3), (34, -1.0), (400, 0.0)])
    states = {s: np.ones((1, TIMES.size)) for s in ("Ln", "B0", "B1", "B2", "B3", "CA", "CM",
                                                     "CE")}
    got = patient_endpoints(TIMES, {**states, "L": L[None, :]}, "cart_bm_ext",
                            blood_scale=SCALE)
    first = np.log(2e11 / REMISSION_CELLS)  # the first fall, about day 2
    level14 = np.log(2e11) - 4 + 3.0  # ln L at day 14, at its highest
    second = 14 + level14 - np.log(REMISSION_CELLS)  # the second fall through 5%
    assert first < 4 and 14 < second < 34
    assert got[col.REMISSION_DAY][0] == pytest.approx(second, rel=1e-9)
    assert bool(got[col.REMISSION_3M][0]) and not bool(got[col.RELAPSE_EVENT][0])


def test_a_clone_under_one_cell_is_extinct():
    """L falls from 2e11 to 1e-3 cells by day 32 and the ODE regrows it to 5% blasts by
    about day 362: not a relapse, the last cell was gone at day 26. A clone first present
    later (Ln from 1e-3 cells, growing) counts only from its first whole cell."""
    L = _piecewise(0, 2e11, [(32, -np.log(2e14) / 32), (400, 0.1)])
    assert L[TIMES == 365][0] > REMISSION_CELLS  # the ODE's regrowth passes 5% blasts
    states = {s: np.ones((1, TIMES.size)) for s in ("B0", "B1", "B2", "B3", "CA", "CM", "CE")}
    got = patient_endpoints(TIMES, {**states, "L": L[None, :], "Ln": np.zeros((1, TIMES.size))},
                            "cart_bm_ext", blood_scale=SCALE)
    assert bool(got[col.REMISSION_3M][0]) and not bool(got[col.RELAPSE_EVENT][0])
    late = _piecewise(0, 1e-3, [(400, 0.1)])  # a whole cell from day 69
    np.testing.assert_array_equal(extinct(late[None, :])[0], np.where(late >= 1, late, 0.0))
    dips = np.array([[5.0, 0.5, 7.0, 9.0]])  # gone at the second sample, never back
    np.testing.assert_array_equal(extinct(dips), [[5.0, 0.0, 0.0, 0.0]])


def test_expansion_of_a_pure_exponential_is_exact():
    # C = R0 exp(rho t) up to Tmax then down: Stein's model, so foldx = exp(rho Tmax) exactly,
    # whatever R0 (the dose) and the blood scale
    blood = 3.0 * _piecewise(0, 42.0, [(7.0, 1.1), (400, -1.1)])[None, :]
    cmax, tmax, foldx = expansion(TIMES, blood)
    assert tmax[0] == pytest.approx(7.0, abs=1e-12)
    assert foldx[0] == pytest.approx(np.exp(7.7), rel=1e-12)
    assert cmax[0] == pytest.approx(126.0 * np.exp(7.7), rel=1e-12)


def test_tmax_at_the_window_end_is_day_28_and_said_so():
    # still rising on day 28 (the expansion lasts to day 35): the highest sample of days 0-28
    # is day 28 itself, Tmax 28, the window's end; a peak on day 27.5 is a peak
    rising = _piecewise(0, 42.0, [(35.0, 0.5), (400, -0.5)])
    peaked = _piecewise(0, 42.0, [(27.5, 0.5), (400, -0.5)])
    cmax, tmax, foldx = expansion(TIMES, np.array([rising, peaked]))
    assert tmax[0] == 28.0 and cmax[0] == pytest.approx(42.0 * np.exp(14.0), rel=1e-12)
    assert foldx[0] == pytest.approx(np.exp(14.0), rel=1e-9)  # the line through day 28
    assert tmax[1] == pytest.approx(27.5, abs=1e-9)
    assert at_window_end(tmax).tolist() == [True, False]


def test_without_the_cd19_negative_clone():
    states, _ = _constructed()
    base = {s: states[s] for s in observe.leukaemia_ids("cart_bm") + observe.car_t_ids(
        "cart_bm") + ("B0", "B1", "B2", "B3")}
    got = patient_endpoints(TIMES, base, "cart_bm", blood_scale=SCALE)
    assert got[col.RELAPSE_CD19_NEGATIVE].tolist() == [False, pd.NA, pd.NA, pd.NA]


def test_follow_up_censors():
    states, expected = _constructed()
    got = patient_endpoints(TIMES, states, "cart_bm_ext", blood_scale=SCALE, follow_up=200)
    assert got[col.RELAPSE_EVENT].tolist() == [True, False, False, False]
    assert got[col.RFS_TIME][1] == pytest.approx(200 - expected[col.REMISSION_DAY][1])
    assert got[col.APLASIA_DAYS][1] == 200


def test_bad_input_is_one_line():
    states, _ = _constructed()
    with pytest.raises(PycartError, match="day 28"):
        patient_endpoints(TIMES[TIMES != 28], {s: v[:, TIMES != 28] for s, v in states.items()},
                          "cart_bm_ext", blood_scale=SCALE)
    with pytest.raises(PycartError, match="lack Ln"):
        patient_endpoints(TIMES, {s: v for s, v in states.items() if s != "Ln"},
                          "cart_bm_ext", blood_scale=SCALE)
    with pytest.raises(PycartError, match="shape"):
        patient_endpoints(TIMES, {**states, "L": states["L"][:, :5]}, "cart_bm_ext",
                          blood_scale=SCALE)
    with pytest.raises(PycartError, match="blood_scale"):
        patient_endpoints(TIMES, states, "cart_bm_ext", blood_scale=0.0)


#: Real patients: a CD19+ relapse, a CD19-negative relapse, a durable remission.
PATIENTS = [dict(alpha=5e-11, h=5e10), dict(escape=1, exhaustion=1, muL=1e-12), {}]
DENSE = 0.005  # days between the reference's samples


def _reference(frame: pd.DataFrame) -> dict[str, float]:
    """Endpoints of a densely sampled run, read off by brute force from the definitions."""
    t = frame["time"].to_numpy()
    leuk = frame["L"].to_numpy() + frame["Ln"].to_numpy()
    blasts = leuk / (observe.MARROW_CELLS + leuk)
    rem = int(np.argmax(blasts < 0.05))
    again = np.flatnonzero(blasts[rem:] >= 0.05)
    relapse = t[rem + again[0]] if again.size else np.nan
    b = frame[["B1", "B2", "B3"]].sum(axis=1).to_numpy()
    onset = int(np.argmax(b < THRESHOLD_B))
    back = np.flatnonzero(b[onset:] >= THRESHOLD_B)
    window = t <= 28
    blood = SCALE * frame[["CA", "CM", "CE"]].sum(axis=1).to_numpy()[window]
    peak = int(np.argmax(blood))
    tmax, cmax = t[window][peak], blood[peak]
    before = t[window] < tmax
    res = minimize_scalar(lambda f: np.sum((np.log(blood[before]) - np.log(cmax) + f * (
        1 - t[window][before] / tmax)) ** 2), bounds=(0, 30), method="bounded")
    return {col.REMISSION_DAY: t[rem], col.MORPHOLOGIC_RELAPSE_DAY: relapse,
            col.BCELL_RECOVERY_DAY: t[onset + back[0]] if back.size else np.nan,
            col.CMAX_BLOOD: cmax, col.TMAX: tmax, col.FOLDX: np.exp(res.x),
            "cd19neg": (frame["Ln"] > frame["L"]).to_numpy()[rem + again[0]]
            if again.size else None}


def test_real_patients_against_a_dense_run():
    model = Model("cart_bm_ext")
    states = {s: [] for s in model.species}
    refs = []
    for params in PATIENTS:
        coarse = model.simulate(params, t_end=365, points=1461)  # every 0.25 day
        for s in model.species:
            states[s].append(coarse[s].to_numpy())
        refs.append(_reference(model.simulate(params, t_end=365, points=int(365 / DENSE) + 1)))
    times = coarse["time"].to_numpy()
    got = patient_endpoints(times, {s: np.array(v) for s, v in states.items()}, "cart_bm_ext",
                            blood_scale=SCALE)
    for row, ref in zip(got.to_dict("records"), refs, strict=True):
        # crossings: the dense reference is the first sample past the threshold (within one
        # dense step after the crossing); the log-linear interpolation between samples 0.25
        # day apart is off by about h^2/8 times the curvature of log L over its slope
        # (measured: 0.01 day at most)
        for name in (col.REMISSION_DAY, col.MORPHOLOGIC_RELAPSE_DAY, col.BCELL_RECOVERY_DAY):
            assert (np.isnan(row[name]) and np.isnan(ref[name])) or (
                abs(ref[name] - row[name]) <= 0.02), (name, row[name], ref[name])
        # the log-parabola through samples 0.25 day apart: exact to second order, its cubic
        # remainder is a few 1e-3 of the peak at most for these sharp peaks (measured 1.6e-3)
        assert row[col.CMAX_BLOOD] == pytest.approx(ref[col.CMAX_BLOOD], rel=5e-3)
        # the parabola's vertex on a 0.25-day grid, for a peak steeper on one side: about
        # h^2 times the ratio of the third to the second derivative (measured 0.03 day at most)
        assert row[col.TMAX] == pytest.approx(ref[col.TMAX], abs=0.05)
        # the fit over 0.25-day samples against the one over 0.005-day samples (measured:
        # 0.4% apart at most)
        assert row[col.FOLDX] == pytest.approx(ref[col.FOLDX], rel=0.02)
        assert (pd.isna(row[col.RELAPSE_CD19_NEGATIVE]) and ref["cd19neg"] is None) or (
            row[col.RELAPSE_CD19_NEGATIVE] == ref["cd19neg"])
    assert got[col.RELAPSE_CD19_NEGATIVE].tolist() == [False, True, pd.NA]


def test_cmax_ratio_resampled_against_the_lognormal_theory():
    # log Cmax normal in each group (sd 1.2 and 0.8, means 0.5 apart): the log ratio of the
    # geometric means of 62 and 8 draws is normal with mean 0.5 and variance
    # 1.2^2/62 + 0.8^2/8; the population is large enough to be the distribution
    rng = np.random.default_rng(8)
    n = 200_000
    responder = rng.random(n) < 0.8
    log_cmax = np.where(responder, 10.5 + 1.2 * rng.standard_normal(n),
                        10.0 + 0.8 * rng.standard_normal(n))
    median, lower, upper = cmax_ratio_resampled(np.exp(log_cmax), responder, None, rng,
                                                draws=20_000)
    sd = np.sqrt(1.2 ** 2 / 62 + 0.8 ** 2 / 8)
    z = norm.ppf(0.95)
    # quantiles of 20,000 draws: standard errors about 0.003 (median) and 0.005 (5% and 95%)
    # on the log scale; the tolerances are about 5 of them
    assert np.log(median) == pytest.approx(0.5, abs=0.02)
    assert np.log(lower) == pytest.approx(0.5 - z * sd, abs=0.03)
    assert np.log(upper) == pytest.approx(0.5 + z * sd, abs=0.03)


def test_cmax_ratio_weights_and_bad_input():
    rng = np.random.default_rng(0)
    cmax = np.array([4.0, 4.0, 1e9, 2.0, 2.0, 1e-9])
    responder = np.array([True, True, True, False, False, False])
    weights = np.array([1.0, 3.0, 0.0, 2.0, 1.0, 0.0])  # weight 0: never drawn
    assert cmax_ratio_resampled(cmax, responder, weights, rng) == pytest.approx((2, 2, 2))
    with pytest.raises(PycartError, match="non-responders"):
        cmax_ratio_resampled(cmax, np.ones(6, dtype=bool), None, rng)
    with pytest.raises(PycartError, match="> 0"):
        cmax_ratio_resampled(-cmax, responder, None, rng)
