"""Model.run and Model.simulate with a dose schedule (issue 20): the variant for the
schedule's shape through the one run routine, its metrics and its refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

import pycart
from pycart.core import columns as col
from pycart.core.errors import PycartError
from pycart.core.model import Model


@pytest.fixture(scope="module")
def model() -> Model:
    return Model()


def test_a_day_0_dose_is_the_initial_amount_and_a_later_one_the_curated_reinfusion(model):
    """Two independent ways to the same run: a day-0 dose against the initial amount, a
    day-10 dose against the curated model's scheduled reinfusion (its own event)."""
    plain = model.simulate(initial={"CA": 2e7}, t_end=30, points=31)
    dosed = model.simulate(t_end=30, points=31, doses=[pycart.Dose(0, 2e7)])
    assert np.array_equal(plain.to_numpy(), dosed.to_numpy())
    curated = model.simulate({"reinf_day": 10, "reinf_dose": 1e7}, {"CA": 2e7}, 30, 31)
    slot = model.simulate(t_end=30, points=31, doses=[(0, 2e7), {"day": 10, "cells": 1e7}])
    np.testing.assert_allclose(slot.to_numpy(), curated.to_numpy(), rtol=1e-6, atol=1e-6)
    assert slot["CA"].iloc[11] > slot["CA"].iloc[9]


def test_three_fractions_record_their_days_and_fold_against_the_total_dose(model):
    run = model.run(t_end=40, doses=["0:1e7", "2:1e7", "7:1e7"])
    s = run.summary
    assert s.t_peak > 7 and s.car_t_dose == pytest.approx(3e7, rel=1e-15)
    assert s.fold_expansion == pytest.approx(math.log10(s.C_peak / 3e7), rel=1e-12)
    assert [run.doses[col.scheduled_dose_day(k)] for k in (1, 2, 3)] == [0.0, 2.0, 7.0]
    # the module-level function gives the same numbers
    table = pycart.simulate(t_end=40, points=41, doses=[(0, 1e7), (2, 1e7), (7, 1e7)])
    np.testing.assert_allclose(table.to_numpy(), run.trajectory.to_numpy(),
                               rtol=1e-6, atol=1e-6)


def test_a_b_cell_infusion_and_a_rechallenge_add_to_the_state(model):
    run = model.simulate(t_end=30, points=301, doses=[(0, 5e7), (21, 5e9, "B3"),
                                                      (25, 1e3, "L")])
    at = run.set_index("time")
    assert at.loc[21.0, "B3"] - at.loc[20.9, "B3"] == pytest.approx(5e9, rel=1e-3)
    assert at.loc[25.0, "L"] >= 1e3 > at.loc[24.9, "L"]


@pytest.mark.parametrize("doses, match", [
    ([(-1, 1e7)], "dose day -1.0"),
    ([(float("nan"), 1e7)], "dose day nan"),
    ([(31, 1e7)], r"horizon \(30 days\)"),
    ([(2, 0)], "a dose of 0 cells"),
    ([(2, -1e7)], "cells are a finite number"),
    ([(2, float("inf"))], "cells are a finite number"),
    ([(2, 1e7, "CA2")], "cart_bm has no CA2"),
    ([(2, 1e7, "X")], "dose species 'X'"),
    ([(d, 1e6) for d in range(1, 14)], "at most 12 doses"),
    ("2:1e7", "expected a list of doses"),
])
def test_bad_schedules_are_refused_in_one_line(model, doses, match):
    with pytest.raises(PycartError, match=match) as info:
        model.run(t_end=30, doses=doses)
    assert "\n" not in str(info.value)


def test_an_initial_amount_and_a_day_0_dose_of_one_product_are_refused(model):
    with pytest.raises(PycartError, match="initial CA is set and the schedule doses CA"):
        model.simulate(initial={"CA": 1e7}, t_end=30, doses=[(0, 1e7)])


def test_the_papers_dose_on_relapse_combines_with_a_schedule(model):
    """A schedule (day 0 and a second fraction on day 5) and the paper's conditional dose
    on relapse in one run (issue 20: the conditional doses stay and combine): both doses'
    days recorded, the relapse dose added to CA on its day (5e8 cells), the run up to that
    day that of the same schedule without it."""
    nonresponder = {"alpha": 3e-10, "h": 1e10, "rhoA": 0.55}
    doses = [(0, 5e7), (5, 1e7)]
    both = model.run(nonresponder | {"relapse_threshold": 1e8, "relapse_dose": 5e8},
                     t_end=180, doses=doses)
    alone = model.run(nonresponder, t_end=180, doses=doses)
    day = both.doses["relapse_given_day"]
    assert both.doses[col.scheduled_dose_day(2)] == 5.0 and 5.0 < day < 180.0
    assert alone.doses.get("relapse_given_day") in (None, 0.0)
    grid = both.trajectory["time"].to_numpy()
    before, after = grid < day - 1e-9, grid > day + 1e-9
    np.testing.assert_allclose(both.trajectory["CA"].to_numpy()[before],
                               alone.trajectory["CA"].to_numpy()[before], rtol=1e-6)
    gap = (both.trajectory["CA"].to_numpy() - alone.trajectory["CA"].to_numpy())[after][0]
    assert gap > 1e8  # the 5e8 cells given on relapse, expanding or contracting since
