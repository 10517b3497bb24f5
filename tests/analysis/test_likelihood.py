"""One likelihood for every fit (pycart.analysis.likelihood): a patient fitted alone is a
joint problem of one patient, and a joint problem's residuals of many points come from one
batch per patient, equal to the same points run one by one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pycart.analysis.data import check_measurements
from pycart.analysis.fdjac import FD_STEP, forward_jacobian
from pycart.analysis.fit import Objective, local_fit, make_problem
from pycart.analysis.joint import make_joint
from pycart.analysis.observation import Observable, default_observables
from pycart.analysis.synthetic import TRUTHS, synthetic


def _data(estimated_sigma: bool) -> pd.DataFrame:
    data = synthetic({"R": TRUTHS["R-fast"]}, days=(2, 5, 8, 12, 20))
    if estimated_sigma:
        data["sigma"] = np.nan
    return data


def test_a_one_patient_joint_problem_is_the_single_fit():
    """Sigma given by the data: the same residuals, so the same fit to the last bit; the
    nll is the same sum in another order (a few ulps of ~100)."""
    data = _data(False)
    single = Objective(make_problem(data, ["h", "rhoA"], {}))
    joint = make_joint(data, ["h", "rhoA"], [], default_observables(
        data["observable"], "lognormal", "cart_bm"), label="R").make_objective()
    x0 = np.log10([3e9, 0.5])
    np.testing.assert_array_equal(single.raw_residuals(x0), joint.raw_residuals(x0))
    a, b = local_fit(single, x0), local_fit(joint, x0)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.nll == pytest.approx(b.nll, rel=1e-13)


def test_a_profiled_sigma_and_an_estimated_sigma_entry_reach_one_optimum():
    """Sigma not given: the single fit profiles it out (its rms between rounds), the joint
    problem estimates it as an entry; the maximum of the likelihood is the same point
    (the profile's maximum is the joint maximum), so both fits end there to the
    optimiser's tolerance: it stops when the cost (~100) changes by less than 1e-12 of
    itself, which leaves ~sqrt(2e-10 / curvature) ~ 1e-5 in log10 on a flat axis (measured:
    9e-6 in h, 2.5e-5 in sigma) and ~1e-7 in nll (measured 6e-8)."""
    data = _data(True)
    single = Objective(make_problem(data, ["h", "rhoA"], {}))
    joint = make_joint(data, ["h", "rhoA"], [], default_observables(
        data["observable"], "lognormal", "cart_bm"), label="R").make_objective()
    assert [len(g) for g in single.groups] == [5] and not any(len(g) for g in joint.groups)
    a = local_fit(single, np.log10([3e9, 0.5]))
    b = local_fit(joint, np.log10([3e9, 0.5, 0.2]))
    np.testing.assert_allclose(a.x, b.x[:2], atol=1e-4)
    sigma = single.sigmas(single.raw_residuals(a.x))[0]
    assert b.x[2] == pytest.approx(np.log10(sigma), abs=1e-4)
    assert a.nll == pytest.approx(b.nll, abs=1e-6)


def _two_patients():
    days = (2.0, 6.0, 10.0, 16.0, 24.0)
    rows = [{"time": d, "observable": o, "value": v, "patient": p}
            for p, scale in (("A", 1.0), ("B", 0.3)) for d in days
            for o, v in (("CT", 1e8 * scale * d), ("L", 1e9 / d ** 2))]
    data = check_measurements(pd.DataFrame(rows))
    observables = (Observable("CT", "CT", "lognormal"),
                   Observable("L", "L", "proportional", 0.2))
    return make_joint(data, ["h", "rhoA", "L"], ["h", "rhoA"], observables,
                      runs={"A": ({}, {}, ()), "B": ({}, {}, ((0, 1e7), (7, 1e7)))})


def test_the_joint_jacobian_from_one_batch_is_point_by_point_differences():
    """All k+1 points of the forward differences in one batch per patient give the
    Jacobian the points give one at a time (the fast path's lanes integrate each point on
    its own: the same numbers, up to the order of a few floating-point operations, 1e-9
    of a residual; over the step 1e-4 that is 1e-5 of a derivative of order 1)."""
    problem = _two_patients()
    assert problem.estimate == ("h", "rhoA", "L__A", "L__B", "sigma_CT")
    objective = problem.make_objective()
    calls = []
    many = objective.raw_residuals_many

    def counted(X):
        calls.append(len(X))
        return many(X)
    objective.raw_residuals_many = counted
    theta = np.log10([2e9, 0.7, 1e11, 5e10, 0.3])
    J = forward_jacobian(objective.raw_residuals_many, problem.upper)(theta)
    assert calls == [6]
    base = objective.raw_residuals(theta)
    by_point = np.stack([(objective.raw_residuals(theta + FD_STEP * e) - base) / FD_STEP
                         for e in np.eye(len(theta))], axis=1)
    assert J.shape == (len(base), 5) and np.abs(J).max() > 1
    np.testing.assert_allclose(J, by_point, rtol=1e-5, atol=1e-5)
    # each patient's own L moves only its own residuals
    width = objective.patients[0].width
    assert not J[width:, 2].any() and not J[:width, 3].any()


def test_a_joint_nll_is_the_patients_shares_and_its_batch_rows_are_its_points():
    problem = _two_patients()
    objective = problem.make_objective()
    X = np.log10([[2e9, 0.7, 1e11, 5e10, 0.3], [5e8, 1.1, 3e10, 2e11, 0.1]])
    rows = objective.raw_residuals_many(X)
    for x, row in zip(X, rows, strict=True):
        np.testing.assert_allclose(row, objective.raw_residuals(x), rtol=1e-9, atol=1e-9)
        assert objective.nll(x) == pytest.approx(sum(objective.patient_nll(x)), rel=1e-14)
    # the prediction bands' curves: every vector in one batch, each the vector's own run
    times = np.linspace(0.0, 24.0, 7)
    curves = objective.curves_many(X, "B", times)
    for i, x in enumerate(X):
        for ident, values in objective.curves(x, "B", times).items():
            np.testing.assert_allclose(curves[ident][i], values, rtol=1e-9)


def test_patients_that_differ_in_fixed_values_run_in_one_batch(monkeypatch):
    """bench --fit's two patients (burdens 2e11 and 5e10 fixed, h, rhoA, alpha shared):
    every row of both patients goes to the fast path in one call, the burden a name the
    batch varies, and each patient's residuals are the ones its own runs give, to the bit
    (the lanes integrate each point on its own; the burden is passed as given)."""
    from pycart.analysis.calibrate import FitSettings, problems_for
    from pycart.analysis.synthetic import independent
    from pycart.scale.batch import BatchSimulator

    truth, burdens = {"h": 1e9, "rhoA": 0.9, "alpha": 3e-10}, {"A": 2e11, "B": 5e10}
    data = check_measurements(independent(truth, {p: {"L": b} for p, b in burdens.items()},
                                          days=(2.0, 6.0, 10.0, 16.0)))
    (problem,) = problems_for(data, FitSettings(tuple(truth), shared=tuple(truth),
                                                per_patient={p: ({}, {"L": b}, ())
                                                             for p, b in burdens.items()}))
    objective = problem.make_objective()
    (group,) = objective.together
    assert group.members == (0, 1) and group.batches.problem.estimate[-1] == "L"
    X = np.log10([[1e9, 0.9, 3e-10, 0.15, 0.15], [2e9, 0.5, 1e-10, 0.1, 0.2]])
    X = np.vstack([X, X[0] + FD_STEP * np.eye(5)])
    calls = []
    simulate = BatchSimulator.simulate
    monkeypatch.setattr(BatchSimulator, "simulate",
                        lambda self, points: calls.append(len(points)) or simulate(self, points))
    together = objective.raw_residuals_many(X)
    # 7 rows, of which the two sigma steps repeat row 0's runs: 5 distinct points each
    assert calls == [10]
    apart = np.concatenate([p.residuals_many(X) for p in objective.patients], axis=1)
    np.testing.assert_array_equal(together, apart)
