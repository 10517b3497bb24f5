"""The fits' batch simulations (pycart.analysis.fdjac, pycart.scale.batch) against the
objective's own libRoadRunner, on every model the calibration report fits, with and without
doses; and the forward-difference Jacobian from one batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pycart.analysis.data import check_measurements
from pycart.analysis.fdjac import FD_STEP, forward_jacobian
from pycart.analysis.fit import Objective, local_fit, make_problem
from pycart.core.errors import PycartError
from pycart.core.model import SolverSettings
from pycart.scale.batch import BatchSimulator
from pycart.scale.fast import FAST_RTOL

#: The two solvers' relative tolerances add up, and a run's global error is its local
#: tolerance carried through the run's growth and decay: the bound the fast path's own tests
#: give L30 (within 1e-6 at FAST_RTOL 1e-8, 14 orders of magnitude down), 100 times the
#: sum. A leukaemia that relapses over a year is the worst case here (L_all on day 365:
#: 6.9e-7); CAR T counts agree to ~1e-8.
RTOL = 100 * (FAST_RTOL + SolverSettings().relative_tolerance)
#: A millionth of a cell: below that an amount is round-off, not a count.
ATOL = 1e-6

CASES = {
    # section 1's synthetic fit and section 2's (cart_bm, CT)
    "cart_bm": ("cart_bm", ["CT", "B3"], ("h", "rhoA"), {}, (), [[1e9, 0.9], [5e10, 0.45]]),
    "cart_bm doses": ("cart_bm", ["CT", "B3"], ("h", "rhoA"), {},
                      [(0, 1e7), (2, 1e7), (7, 1e7), (10, 5e9, "B3")],
                      [[1e9, 0.9], [5e10, 0.45]]),
    # section 3's year fits (cart_bm_ext, CT_all, exhaustion on)
    "cart_bm_ext": ("cart_bm_ext", ["CT_all", "L_all"], ("XE", "kE", "tauX", "tauE"),
                    {"exhaustion": 1.0}, (), [[34.7, 1.0, 20.0, 20.0], [5.0, 0.3, 60.0, 8.0]]),
    "cart_bm_ext doses": ("cart_bm_ext", ["CT_all", "CA"], ("XE", "kE", "tauX", "tauE"),
                          {"exhaustion": 1.0}, [(0, 5e7), (14, 5e8)],
                          [[34.7, 1.0, 20.0, 20.0], [5.0, 0.3, 60.0, 8.0]]),
}


def _problem(model, observed, estimate, parameters, doses, t_end=365.0):
    days = [1.0, 7.0, 14.0, 15.0, 28.0, 90.0, t_end]
    data = check_measurements(pd.DataFrame(
        [{"time": d, "observable": o, "value": 1.0} for o in observed for d in days]), model)
    return make_problem(data, estimate, {}, parameters=parameters, model=model, doses=doses)


@pytest.mark.parametrize("case", [
    # cart_bm_ext's kernel is compiled for these cases alone in the default suite: heavy
    c if CASES[c][0] == "cart_bm" else pytest.param(c, marks=pytest.mark.heavy) for c in CASES])
def test_batch_matches_the_objectives_roadrunner(case):
    model, observed, estimate, parameters, doses, points = CASES[case]
    problem = _problem(model, observed, estimate, parameters, doses)
    X = np.log10(points)
    fast = Objective(problem).simulate_many(X)
    reference = Objective(problem, solver="roadrunner")
    for i, x in enumerate(X):
        np.testing.assert_allclose(fast[i], reference.simulate(x), rtol=RTOL, atol=ATOL)
    assert np.ptp(fast[:, -1], axis=0).max() > 0  # the points differ: not one run twice


def test_a_point_the_fast_path_stops_on_is_recomputed_and_marked(monkeypatch):
    import pycart.scale.fast as fast

    problem = _problem("cart_bm", ["CT"], ("h",), {}, (), t_end=60.0)
    batch = BatchSimulator("cart_bm", ["h"], [0.0, 14.0, 60.0], ["CT"])
    good = batch.simulate(np.array([[1e9]]))
    monkeypatch.setattr(fast, "FAST_MAX_STEPS", 3)  # every point stops: "too many steps"
    redone = batch.simulate(np.array([[1e9], [2e9]]))
    assert redone.ok.all() and all("recomputed with roadrunner BDF" in n for n in redone.notes)
    np.testing.assert_allclose(redone.values[0], good.values[0], rtol=RTOL, atol=ATOL)
    reference = Objective(problem, solver="roadrunner").simulate(np.log10([2e9]),
                                                                 np.array([14.0, 60.0]))
    np.testing.assert_allclose(redone.values[1, 1:], reference, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("kwargs, says", [
    ({"solver": "cvode"}, "solver 'cvode' (allowed: auto, fast, roadrunner)"),
    ({"selections": ["Lshare"]}, "Lshare: not all species or sums of species of cart_bm"),
])
def test_bad_batch_settings_are_one_line(kwargs, says):
    settings = {"model": "cart_bm", "names": ["h"], "times": [0.0, 1.0],
                "selections": ["CT"]} | kwargs
    with pytest.raises(PycartError, match=says.replace("(", r"\(").replace(")", r"\)")):
        BatchSimulator(**settings)


def test_a_share_is_simulated_by_the_objectives_roadrunner():
    """Lshare is not a sum of species: the objective runs it with the model's rule."""
    problem = _problem("cart_bm", ["CT"], ("h",), {}, (), t_end=30.0)
    objective = Objective(problem)
    assert not objective.batches.covers(["Lshare"]) and objective.batches.covers(["CT"])
    shares = objective.simulate_many(np.log10([[1e9], [1e10]]), np.array([0.0, 30.0]),
                                     ["Lshare"])
    assert shares.shape == (2, 2, 1) and 0 < shares[0, 0, 0] < 1


def test_forward_jacobian_is_one_call_and_steps_back_at_the_upper_bound():
    calls = []

    def residuals(thetas):
        calls.append(len(thetas))
        return np.stack([thetas[:, 0] ** 2, thetas[:, 0] * thetas[:, 1]], axis=1)

    jac = forward_jacobian(residuals, upper=np.array([10.0, 1.0]))
    J = jac(np.array([3.0, 1.0]))  # the second parameter at its bound: a backward step
    assert calls == [3]
    # d(a^2)/da by a forward step h is 2a + h exactly; the rest are linear: exact
    np.testing.assert_allclose(J, [[6.0 + FD_STEP, 0.0], [1.0, 3.0]], rtol=1e-10)


def test_a_known_base_point_is_left_out_of_the_jacobians_call():
    calls = []

    def residuals(thetas):
        calls.append(len(thetas))
        return np.stack([thetas[:, 0] ** 2, thetas[:, 0] * thetas[:, 1]], axis=1)

    theta = np.array([3.0, 1.0])
    plain = forward_jacobian(residuals, upper=np.array([10.0, 1.0]))(theta)
    reused = forward_jacobian(residuals, upper=np.array([10.0, 1.0]),
                              known=lambda t: residuals(t[None, :])[0])(theta)
    assert calls == [3, 1, 2]  # the base point's own call, then only the two steps
    np.testing.assert_array_equal(reused, plain)


def test_a_local_fit_simulates_no_point_twice_in_a_row_and_ends_where_it_did(monkeypatch):
    """The trf optimiser asks for the Jacobian where it has just evaluated the residuals:
    that point is not simulated again (each Jacobian batch holds only the k steps), and the
    fit ends bit for bit where it ends when every base point is simulated in the batch."""
    from pycart.analysis import fit as fitting
    from pycart.analysis.synthetic import TRUTHS, synthetic

    data = synthetic({"R": TRUTHS["R-fast"]}, days=(2, 5, 8, 12, 20))
    objective = Objective(make_problem(data, ["h", "rhoA"], {}))
    sizes = []
    real = objective.raw_residuals_many
    monkeypatch.setattr(objective, "raw_residuals_many",
                        lambda X: sizes.append(len(np.atleast_2d(X))) or real(X))
    fit = local_fit(objective, np.log10([3e9, 0.5]))
    assert fit.ok and max(sizes) == 2 and sizes.count(2) > 5  # the Jacobians: k = 2 steps
    monkeypatch.setattr(fitting._Residuals, "known", lambda self, theta: None)
    sizes.clear()
    again = local_fit(objective, np.log10([3e9, 0.5]))
    assert max(sizes) == 3  # each Jacobian's base point simulated again
    assert again.nll == fit.nll and (again.x == fit.x).all() and again.nfev == fit.nfev


def test_a_fit_on_the_fast_path_ends_at_an_optimum_of_the_roadrunner_likelihood():
    from pycart.analysis.synthetic import TRUTHS, synthetic

    data = synthetic({"R": TRUTHS["R-fast"]}, days=(2, 5, 8, 12, 20))
    problem = make_problem(data, ["h", "rhoA"], {})
    fit = local_fit(Objective(problem), np.log10([3e9, 0.5]))
    reference = Objective(problem, solver="roadrunner")
    best = reference.nll(fit.x)
    assert fit.ok and best == pytest.approx(fit.nll, abs=1e-5)  # ~1e-7 per residual, 5 rows
    # 1e-3 decades away on either side of each axis the nll is higher: an optimum (a
    # quadratic rise of ~1e-6 * curvature, against the solvers' ~1e-7 differences)
    for step in (np.array([1e-3, 0]), np.array([0, 1e-3])):
        assert reference.nll(fit.x + step) > best and reference.nll(fit.x - step) > best

