"""Dose events: each fires once, at the right time, by the right amount, on any output grid;
checked against the independent solver integrating piecewise with the doses added by hand."""

from __future__ import annotations

import numpy as np
import pytest

import pycart
from pycart.core import reference

REL = 1e-4
#: A non-responder that falls below 1e8 cells and regrows past it (used for Figure 8).
NR = {"alpha": 3e-10, "h": 1e10, "rhoA": 0.55}
#: A non-responder that never falls below 1e8 cells by day 30.
NEVER_BELOW = {"alpha": 3e-10, "h": 1e11, "rhoA": 0.4}


def close(ours: np.ndarray, ref: np.ndarray) -> None:
    mask = np.abs(ref) > 1e-6
    rel = np.abs(ours - ref)[mask] / np.abs(ref)[mask]
    assert rel.max() <= REL, f"max relative error {rel.max():.3g}"


@pytest.fixture(scope="module")
def model2() -> pycart.Model:
    return pycart.Model("cart_bm2")


def test_no_event_fires_by_default(model):
    run = model.run(t_end=180)
    assert run.doses == {"reinf_given_day": None, "relapse_given_day": None,
                         "binf_given_day": None}


@pytest.mark.parametrize("points", [3, 3001])
def test_scheduled_reinfusion(model, points):
    params = NR | {"reinf_day": 47.3, "reinf_dose": 5e8}
    run = model.run(params, t_end=180, points=points)
    assert run.doses["reinf_given_day"] == pytest.approx(47.3, abs=1e-9)
    times = run.trajectory["time"].to_numpy()
    ref, given = reference.solve_with_doses(NR, times=times, doses=[("CA", 47.3, 5e8)])
    assert given == [pytest.approx(47.3)]
    close(run.trajectory.to_numpy()[:, 1:], ref)


def test_scheduled_dose_is_the_right_amount(model):
    """Just after the dose, CA has grown by the dose (the dynamics add little in 1e-6 day)."""
    params = NR | {"reinf_day": 60.0, "reinf_dose": 5e8}
    before = model.simulate(NR, t_end=60.000001, points=2)["CA"].iloc[-1]
    after = model.simulate(params, t_end=60.000001, points=2)["CA"].iloc[-1]
    assert after - before == pytest.approx(5e8, rel=1e-5)


@pytest.mark.parametrize("points", [3, 3001])
def test_reinfusion_on_relapse(model, points):
    params = NR | {"relapse_threshold": 1e8, "relapse_dose": 5e8}
    run = model.run(params, t_end=180, points=points)
    times = run.trajectory["time"].to_numpy()
    ref, given = reference.solve_with_doses(NR, times=times, doses=[("CA", "relapse", 5e8)],
                                            threshold=1e8)
    assert len(given) == 1 and 30 < given[0] < 40
    assert run.doses["relapse_given_day"] == pytest.approx(given[0], abs=1e-4)
    close(run.trajectory.to_numpy()[:, 1:], ref)


def test_reinfusion_at_day_30_without_response(model):
    params = NEVER_BELOW | {"relapse_threshold": 1e8, "relapse_dose": 5e9}
    run = model.run(params, t_end=120, points=121)
    assert run.doses["relapse_given_day"] == pytest.approx(30.0, abs=1e-9)
    ref, given = reference.solve_with_doses(NEVER_BELOW, times=run.trajectory["time"].to_numpy(),
                                            doses=[("CA", 30.0, 5e9)])
    close(run.trajectory.to_numpy()[:, 1:], ref)


def test_fallback_off_means_no_dose_without_response(model):
    params = NEVER_BELOW | {"relapse_threshold": 1e8, "relapse_dose": 5e9,
                            "relapse_fallback_day": 0}
    run = model.run(params, t_end=120)
    assert run.doses["relapse_given_day"] is None
    np.testing.assert_allclose(run.trajectory.to_numpy(),
                               model.simulate(NEVER_BELOW, t_end=120).to_numpy(), rtol=1e-6)


def test_a_responder_gets_no_reinfusion(model):
    run = model.run({"relapse_threshold": 1e8, "relapse_dose": 5e8}, t_end=180)
    assert run.doses["relapse_given_day"] is None


def test_relapse_dose_fires_once_even_when_l_regrows_again(model):
    """With a useless dose L keeps regrowing past the threshold; only one dose is given."""
    params = NR | {"relapse_threshold": 1e8, "relapse_dose": 1.0}
    run = model.run(params, t_end=365, points=366)
    ref, given = reference.solve_with_doses(NR, times=run.trajectory["time"].to_numpy(),
                                            doses=[("CA", "relapse", 1.0)], threshold=1e8)
    assert len(given) == 1
    close(run.trajectory.to_numpy()[:, 1:], ref)


@pytest.mark.parametrize("points", [3, 3001])
def test_b_cell_infusion_on_relapse(model, points):
    params = NR | {"binf_threshold": 1e8, "binf_dose": 1e9}
    run = model.run(params, t_end=180, points=points)
    times = run.trajectory["time"].to_numpy()
    ref, given = reference.solve_with_doses(NR, times=times, doses=[("B3", "relapse", 1e9)],
                                            threshold=1e8)
    assert run.doses["binf_given_day"] == pytest.approx(given[0], abs=1e-4)
    close(run.trajectory.to_numpy()[:, 1:], ref)


def test_coarse_and_fine_grids_agree(model):
    params = NR | {"relapse_threshold": 1e8, "relapse_dose": 5e8, "reinf_day": 90.5,
                   "reinf_dose": 1e8, "binf_threshold": 1e8, "binf_dose": 1e9}
    coarse = model.simulate(params, t_end=180, points=3)
    fine = model.simulate(params, t_end=180, points=3001)
    np.testing.assert_allclose(coarse.to_numpy(), fine.to_numpy()[::1500], rtol=1e-6)


# ---- the two-product model ------------------------------------------------------------

def test_second_product_absent_gives_the_paper_model(model, model2):
    one = model.simulate(NR, t_end=180, points=19)
    two = model2.simulate(NR, t_end=180, points=19)
    assert list(two.columns) == [*one.columns, "CA2", "CM2"]
    np.testing.assert_allclose(two[one.columns].to_numpy(), one.to_numpy(), rtol=1e-6)
    assert (two[["CA2", "CM2"]].to_numpy() == 0).all()


def test_two_identical_products_add_up_to_one(model, model2):
    """Splitting a dose between two products with the same attributes changes nothing."""
    same = {"alpha2": NR["alpha"], "h2": NR["h"], "rhoA2": NR["rhoA"]}
    split = model2.simulate(NR | same, {"CA": 3e7, "CA2": 2e7}, t_end=180, points=19)
    whole = model.simulate(NR, t_end=180, points=19)
    np.testing.assert_allclose((split["CA"] + split["CA2"]).to_numpy(), whole["CA"].to_numpy(),
                               rtol=1e-6)
    np.testing.assert_allclose(split["L"].to_numpy(), whole["L"].to_numpy(), rtol=1e-5)


@pytest.mark.parametrize("points", [3, 3001])
def test_improved_second_product_on_relapse(model2, points):
    improved = {"alpha2": 3e-10, "h2": 5e8, "rhoA2": 0.9}
    params = NR | improved | {"relapse_threshold": 1e8, "relapse_dose2": 5e8}
    run = model2.run(params, t_end=180, points=points)
    times = run.trajectory["time"].to_numpy()
    ref, given = reference.solve_with_doses(NR | improved, times=times,
                                            doses=[("CA2", "relapse", 5e8)], threshold=1e8)
    assert run.doses["relapse2_given_day"] == pytest.approx(given[0], abs=1e-4)
    assert run.doses["relapse_given_day"] is None
    close(run.trajectory.to_numpy()[:, 1:], ref)


def test_second_product_parameters_only_in_the_two_product_model(model):
    with pytest.raises(pycart.PycartError, match="unknown parameter 'h2'"):
        model.simulate({"h2": 1e9})
    with pytest.raises(pycart.PycartError, match="unknown species 'CA2'"):
        model.simulate(initial={"CA2": 1.0})
