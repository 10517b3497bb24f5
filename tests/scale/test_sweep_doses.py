"""Sweeps with a dose schedule (issue 20): every point gets the schedule, a dimension named
by a slot parameter varies a dose (here the size and the day of a second fraction), on the
fast path and on libRoadRunner, with the fold expansion against the CAR T given up to the
peak; bad sweeps are one line (the command line's: tests/cli/test_doses.py)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from pycart.core import columns as col
from pycart.core.errors import PycartError
from pycart.core.model import Model
from pycart.core.schedule import Dose
from pycart.scale.engines import SerialEngine
from pycart.scale.fast import FastSimulator, simulator_for
from pycart.scale.runner import run_sweep
from pycart.scale.sweep import Dimension, Sweep

SECOND = Sweep((Dimension("dose_CA_1_day", 1.0, 13.0, 3, "linear"),
                Dimension("dose_CA_1_cells", 1e6, 1e8, 2)), t_end=40, days=(20.0,),
               species=("L", "CA"), doses=(Dose(0.0, 1e7), Dose(7.0, 1e7)))


@pytest.fixture(scope="module")
def model() -> Model:
    return Model()


def test_a_sweep_over_the_size_and_day_of_a_second_fraction(tmp_path, model):
    tables = {}
    for solver in ("auto", "roadrunner"):
        sweep = dataclasses.replace(SECOND, solver=solver)
        sweep.validate()
        assert isinstance(simulator_for(sweep), FastSimulator) == (solver == "auto")
        # in this process: the slot, not the engines (tests/scale/test_sweep.py), is under
        # test here, and two worker processes each paid ~1.5 s of CPU for their imports
        run_sweep(sweep, tmp_path / f"{solver}.parquet", SerialEngine())
        tables[solver] = pd.read_parquet(tmp_path / f"{solver}.parquet")
    fast, rr = tables["auto"], tables["roadrunner"]
    assert list(fast.columns[1:3]) == ["dose_CA_1_day", "dose_CA_1_cells"]
    for table in (fast, rr):
        assert (table[col.STATUS] == col.OK).all() and not table[col.MESSAGE].any()
    # both paths within ~1e-7 of an independent solver: they agree to 2e-6
    for column in (col.L30, "L@20", "CA@20", col.C_PEAK):
        np.testing.assert_allclose(fast[column], rr[column], rtol=2e-6)
    for row in fast.itertuples(index=False):
        # the fold expansion by hand: the second fraction counts if given by the peak
        given = 1e7 + (row.dose_CA_1_cells if row.dose_CA_1_day <= row.t_peak else 0.0)
        assert row.fold_expansion == pytest.approx(math.log10(row.C_peak / given), rel=1e-12)
    assert fast.loc[fast.dose_CA_1_day == 13.0, col.FOLD_EXPANSION].nunique() == 1
    # a point as Model.run gives it (the one libRoadRunner routine, the schedule's variant)
    last = fast.iloc[-1]
    run = model.run(t_end=40, doses=[(0, 1e7), (last.dose_CA_1_day, last.dose_CA_1_cells)])
    assert last[col.L30] == pytest.approx(run.summary.L30, rel=2e-6)
    assert last["CA@20"] == pytest.approx(run.trajectory.set_index("time").loc[20.0, "CA"],
                                          rel=2e-6)


@pytest.mark.parametrize("change, says", [
    ({"dimensions": (Dimension("dose_CA_2_day", 1, 5, 2, "linear"),)},
     "dose_CA_2_day: the dose schedule has no such slot (its slots: dose_CA_1_day"),
    ({"dimensions": (Dimension("dose_CA_1_day", 0, 5, 2, "linear"),)},
     "a varied dose day is > 0"),
    ({"dimensions": (Dimension("dose_CA_1_day", 1, 50, 2, "linear"),)},
     "dose day 50.0: a dose day is a finite number from 0 to the horizon (40 days)"),
    ({"dimensions": (Dimension("dose_CA_1_cells", -1, 5, 2, "linear"),)},
     "cells are a finite number > 0"),
    ({"doses": (Dose(2.0, 1e7, "CA2"),)}, "cart_bm has no CA2"),
    ({"doses": (Dose(0.0, 1e7),), "initial": {"CA": 1e7}}, "initial CA is set"),
])
def test_bad_dose_sweeps_are_one_line(change, says):
    with pytest.raises(PycartError) as info:
        dataclasses.replace(SECOND, **change).validate()
    assert says in str(info.value)


def test_points_differ_only_by_their_doses_in_the_key():
    assert SECOND.key() != dataclasses.replace(SECOND, doses=(Dose(0.0, 1e7),
                                                              Dose(8.0, 1e7))).key()
    assert np.array_equal(SECOND.points()[:, 0], [1.0, 1.0, 7.0, 7.0, 13.0, 13.0])
