"""The committed SBML, doses included, gives pycart's numbers in COPASI (through basico):
the day of each dose, and L and CA at fixed days within 1e-4 relative."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import pycart
from pycart.core.resources import sbml_text
from pycart.exchange.sbml import with_values

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    basico = pytest.importorskip("basico")

DAYS = [0.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 150.0, 180.0]
NR = {"alpha": 3e-10, "h": 1e10, "rhoA": 0.55}
CASES = {
    "scheduled": ("cart_bm", NR | {"reinf_day": 47.3, "reinf_dose": 5e8}, "reinf_given_day"),
    "relapse": ("cart_bm", NR | {"relapse_threshold": 1e8, "relapse_dose": 5e8},
                "relapse_given_day"),
    "day-30": ("cart_bm", {"alpha": 3e-10, "h": 1e11, "rhoA": 0.4, "relapse_threshold": 1e8,
                           "relapse_dose": 5e9}, "relapse_given_day"),
    "b-cells": ("cart_bm", NR | {"binf_threshold": 1e8, "binf_dose": 1e9}, "binf_given_day"),
    "second-product": ("cart_bm2", NR | {"h2": 5e8, "rhoA2": 0.9, "relapse_threshold": 1e8,
                                         "relapse_dose2": 5e8}, "relapse2_given_day"),
}


def copasi_time_course(sbml: str, days: list[float]):
    solver = pycart.SolverSettings()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = basico.load_model_from_string(sbml)
        basico.set_task_settings(basico.T.TIME_COURSE, {"method": {
            "Relative Tolerance": solver.relative_tolerance,
            "Absolute Tolerance": solver.absolute_tolerance,
            "Max Internal Steps": 10 * solver.maximum_num_steps}}, model=model)
        result = basico.run_time_course(start_time=0.0, duration=days[-1], values=days,
                                        use_sbml_id=True, use_concentrations=False,
                                        model=model)
        basico.remove_datamodel(model)
    return result


@pytest.mark.parametrize("case", list(CASES))
def test_doses_in_copasi(case):
    name, params, record = CASES[case]
    run = pycart.Model(name).run(params, t_end=180, points=181)
    ours = run.trajectory.set_index("time").loc[DAYS]
    theirs = copasi_time_course(with_values(sbml_text(name), params), DAYS)
    day = run.doses[record]
    assert day is not None
    assert theirs[record].iloc[-1] == pytest.approx(day, rel=1e-4)
    for column in ("L", "CA", *(("CA2",) if name == "cart_bm2" else ())):
        a, b = ours[column].to_numpy(), theirs[column].to_numpy()
        mask = a > 1e-6
        np.testing.assert_allclose(b[mask], a[mask], rtol=1e-4, err_msg=column)


def test_with_values_refuses_unknown_ids():
    with pytest.raises(pycart.PycartError, match="unknown parameter 'h2'"):
        with_values(sbml_text("cart_bm"), {"h2": 1.0})
    with pytest.raises(pycart.PycartError, match="unknown species 'CA2'"):
        with_values(sbml_text("cart_bm"), initial={"CA2": 1.0})
    with pytest.raises(pycart.PycartError, match="unknown parameter 'F'"):
        with_values(sbml_text("cart_bm"), {"F": 1.0})  # a rule's variable, not a parameter
