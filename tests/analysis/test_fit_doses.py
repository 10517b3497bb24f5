"""Fits and PEtab with a per-patient dose schedule (issue 20): each patient's run in the
scenario given to ``pycart fit`` carries its doses; ``pycart petab`` writes them as
conditions on the model's variant with the patients' dose slots, and petablint is clean."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pycart.analysis.calibrate import FitSettings, problems_for, scenario_overrides
from pycart.analysis.data import read_measurements
from pycart.analysis.fit import Objective
from pycart.cli import main
from pycart.core.errors import PycartError
from pycart.core.model import Model
from pycart.experiments.userfile import load_scenario

DAYS = (1.0, 3.0, 8.0, 20.0)
SCHEDULES = {"A": [(0, 5e7)],
             "B": [(0, 1e7), (2, 1e7), (7, 1e7), (10, 5e9, "B3")]}
SCENARIO = """\
    name = "patients"
    t_end = 20
    [[runs]]
    label = "A"
    doses = [{ day = 0, cells = 5e7 }]
    [[runs]]
    label = "B"
    doses = [{ day = 0, cells = 1e7 }, { day = 2, cells = 1e7 }, { day = 7, cells = 1e7 },
             { day = 10, cells = 5e9, species = "B3" }]
"""


def _data() -> pd.DataFrame:
    """CT and B3 of each patient under its schedule at DAYS (h = 1e9, the model's)."""
    rows = []
    model = Model()
    for patient, doses in SCHEDULES.items():
        table = model.simulate(t_end=20, points=21, doses=doses).set_index("time")
        for day in DAYS:
            rows += [{"time": day, "observable": "CT", "patient": patient,
                      "value": table.loc[day, "CA"] + table.loc[day, "CM"]},
                     {"time": day, "observable": "B3", "patient": patient,
                      "value": table.loc[day, "B3"]}]
    return pd.DataFrame(rows)


@pytest.fixture
def files(tmp_path) -> tuple[Path, Path]:
    data, scenario = tmp_path / "data.csv", tmp_path / "patients.toml"
    _data().to_csv(data, index=False)
    scenario.write_text(textwrap.dedent(SCENARIO))
    return data, scenario


def test_each_patient_is_fitted_under_its_own_schedule(files):
    data = read_measurements(files[0])
    model, per = scenario_overrides(load_scenario(files[1]), ["A", "B"])
    problems = problems_for(data, FitSettings(("h",), per_patient=per, model=model))
    assert [len(p.doses) for p in problems] == [1, 4]
    assert problems[0].key() != problems[1].key()
    for problem in problems:
        objective = Objective(problem)
        sim = objective.simulate(np.log10([1e9]))  # h at the model's value: the truth
        expected = problem.data.pivot(index="time", columns="observable", values="value")
        # the objective runs the fast path (rtol 1e-8): the bound of its own tests, 1e-6
        np.testing.assert_allclose(sim[1:], expected[objective.names].to_numpy(), rtol=1e-6)
        assert objective.nll(np.log10([1e9])) < objective.nll(np.log10([3e9]))


def test_a_dose_after_the_last_measurement_is_one_line(files):
    data = read_measurements(files[0])
    per = {"A": ({}, {}, ((25.0, 1e7, "CA"),))}
    with pytest.raises(PycartError, match="dose day 25.0: a dose day is a finite number"):
        problems_for(data, FitSettings(("h",), per_patient=per))


def test_petab_writes_the_schedules_as_conditions_and_passes_petablint(files, tmp_path,
                                                                        capsys):
    out = tmp_path / "petab"
    assert main(["petab", str(files[0]), "--estimate", "h", "--scenario", str(files[1]),
                 "--out", str(out)]) == 0
    assert "petablint: no errors" in capsys.readouterr().out  # PEtab's linter, in process
    conditions = pd.read_csv(out / "conditions.tsv", sep="\t").set_index("conditionName")
    assert conditions.loc["B", ["dose_CA_1_day", "dose_CA_2_day", "dose_B3_1_day"]].tolist() \
        == [2.0, 7.0, 10.0]
    assert conditions.loc["B", "dose_B3_1_cells"] == 5e9
    assert conditions.loc["A", ["dose_CA_1_day", "dose_CA_2_cells", "dose_B3_1_day"]].tolist() \
        == [0.0, 0.0, 0.0]  # A's schedule has no later dose: every slot off
    assert conditions["CA"].tolist() == [5e7, 1e7]  # day-0 doses: initial amounts
    model = (out / "model.xml").read_text()
    assert 'id="dose_CA_2_day"' in model and 'id="dose_B3_1"' in model
