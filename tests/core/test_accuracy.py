"""pycart against an independent solver (tests/reference.py: the paper's equations in numpy,
scipy's LSODA at rtol 1e-12), over 180 days.

Criterion of the model issue: relative error <= 1e-4 wherever a value exceeds 1e-6 cells,
identical responder calls (L at day 30 < 1), and no negative cell count.
"""

from __future__ import annotations

import numpy as np
import pytest

import pycart
from pycart.core import reference

TIMES = np.linspace(0.0, 180.0, 181)
REL_TOL = 1e-4
FLOOR = 1e-6

#: Figure 3's default and points spread over the paper's ranges (Table 1: alpha 3e-11 - 3e-9,
#: h 1e8 - 1e11, rho_C 0.4 - 1; tumour burden 1e10 - 1e12; dose 1e7 - 1e8; B-cell burden).
POINTS = {
    "fig3": ({}, {}),
    "low-alpha-low-h": ({"alpha": 3e-11, "h": 1e8}, {}),
    "high-alpha-high-h-slow": ({"alpha": 3e-9, "h": 1e11, "rhoA": 0.4}, {}),
    "mid-low-burden": ({"alpha": 1e-10, "h": 1e10, "rhoA": 0.6}, {"L": 1e10}),
    "max-burden-low-dose": ({"alpha": 3e-9, "h": 1e8, "rhoA": 1.0}, {"L": 1e12, "CA": 1e7}),
    "high-dose-high-B": ({"alpha": 5e-11, "h": 5e9, "rhoA": 0.7},
                         {"CA": 1e8, "B0": 1e7, "B2": 2e9}),
    "fig2-no-B-cells": ({"h": 5e8}, {"B0": 0.0, "B1": 0.0, "B2": 0.0, "B3": 0.0}),
}
#: The printed forms, as switches: the model must stay accurate there too.
PRINTED = {
    "printed-F": ({"B0_in_F": 1.0}, {}),
    "printed-loss": ({"CA_loss_gammaMA": 1.0}, {}),
    "printed-both": ({"B0_in_F": 1.0, "CA_loss_gammaMA": 1.0}, {}),
}


def assert_close(ours: np.ndarray, ref: np.ndarray) -> None:
    assert ours.shape == ref.shape
    assert (ours >= 0).all(), "negative cell count"
    mask = np.abs(ref) > FLOOR
    rel = np.abs(ours - ref)[mask] / np.abs(ref)[mask]
    assert rel.max() <= REL_TOL, f"max relative error {rel.max():.3g}"


@pytest.fixture(scope="module")
def adams_model() -> pycart.Model:
    return pycart.Model(solver=pycart.SolverSettings(stiff=False))


@pytest.mark.parametrize("case", [*POINTS, *PRINTED])
def test_trajectory_matches_independent_solver(model, case):
    params, init = (POINTS | PRINTED)[case]
    ours = model.simulate(params, init, 180, 181)
    ref = reference.solve(params, init, TIMES)
    assert list(ours.columns) == ["time", *reference.ORDER]
    np.testing.assert_array_equal(ours["time"].to_numpy(), TIMES)
    assert_close(ours.to_numpy()[:, 1:], ref)
    ref_responder = ref[30, 4] < 1.0
    assert (ours["L"].iloc[30] < 1.0) == ref_responder


@pytest.mark.parametrize("case", list(POINTS))
def test_adams_is_as_accurate_under_the_readings(adams_model, case):
    params, init = POINTS[case]
    assert_close(adams_model.simulate(params, init, 180, 181).to_numpy()[:, 1:],
                 reference.solve(params, init, TIMES))


def test_the_point_set_holds_responders_and_non_responders(model):
    calls = {c: model.run(*POINTS[c], t_end=30).summary.responder for c in POINTS}
    assert any(calls.values()) and not all(calls.values()), calls


@pytest.mark.parametrize("case", ["fig3", "high-alpha-high-h-slow", "max-burden-low-dose",
                                  "printed-loss"])
def test_summary_matches_independent_solver(model, case):
    params, init = (POINTS | PRINTED)[case]
    summary = model.run(params, init, 180, 7).summary
    ref = reference.solve(params, init, np.array([0.0, 30.0]))
    assert summary.L30 == pytest.approx(ref[1, 4], rel=REL_TOL)
    assert summary.responder == (ref[1, 4] < 1.0)
    peak, day = reference.peak_total_car_t(params, init)
    assert summary.C_peak == pytest.approx(peak, rel=1e-6)
    assert summary.t_peak == pytest.approx(day, abs=2e-3)


def test_figure3_numbers_of_model_notes(model):
    """MODEL-NOTES: L(20) = 1.03e-3 and L(30) = 4.53e-3 cells for Figure 3."""
    df = model.simulate(t_end=30, points=4)
    assert df["L"].iloc[2] == pytest.approx(1.03e-3, rel=5e-3)
    assert df["L"].iloc[3] == pytest.approx(4.53e-3, rel=5e-3)


def test_loose_tolerances_give_an_error_not_a_negative_count():
    loose = pycart.Model(solver=pycart.SolverSettings(
        relative_tolerance=1e-4, absolute_tolerance=1e-2, initial_time_step=0.0))
    with pytest.raises(pycart.SimulationError, match="negative cell count"):
        loose.simulate(t_end=180, points=181)


@pytest.mark.heavy
def test_sampled_points_over_the_paper_ranges(model):
    """200 points drawn log-uniformly over Table 1's ranges and the initial burdens."""
    rng = np.random.default_rng(20211)
    for _ in range(200):
        params = {"alpha": 10 ** rng.uniform(np.log10(3e-11), np.log10(3e-9)),
                  "h": 10 ** rng.uniform(8, 11), "rhoA": rng.uniform(0.4, 1.0)}
        init = {"L": 10 ** rng.uniform(10, 12), "CA": 10 ** rng.uniform(7, 8)}
        ours = model.simulate(params, init, 180, 181).to_numpy()[:, 1:]
        ref = reference.solve(params, init, TIMES)
        assert_close(ours, ref)
        assert (ours[30, 4] < 1.0) == (ref[30, 4] < 1.0)


def test_reference_agrees_with_a_second_scipy_method():
    """The reference itself: LSODA and the explicit DOP853 agree far inside the criterion."""
    a = reference.solve(times=TIMES, method="LSODA")
    b = reference.solve(times=TIMES, method="DOP853")
    mask = np.abs(a) > FLOOR
    assert (np.abs(a - b)[mask] / np.abs(a)[mask]).max() < 1e-8
