"""Dose schedules in scenarios (issue 20): ``doses`` in a TOML run, what ``pycart show``
prints, and the named example ``fractionated``."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
import pytest

import pycart
from pycart.cli import main
from pycart.core import columns as col
from pycart.core.errors import PycartError
from pycart.core.model import Model
from pycart.core.schedule import Dose
from pycart.experiments.paper import paper_scenario

RUN = """\
    name = "regimens"
    t_end = 40
    [[runs]]
    label = "fractions"
    parameters = {{ alpha = 3e-10, h = 1e9 }}
    doses = [{doses}]
"""
DOSES = ('{ day = 0, cells = 1e7 }, { day = 2, cells = 1e7 }, '
         '{ day = 21, cells = 5e6, species = "B3" }')


def _file(tmp_path, doses: str, extra: str = ""):
    path = tmp_path / "s.toml"
    path.write_text(textwrap.dedent(RUN.format(doses=doses)) + extra)
    return path


def test_a_toml_run_with_doses_runs_its_schedule(tmp_path):
    scenario = pycart.load_scenario(_file(tmp_path, DOSES))
    expected = (Dose(0.0, 1e7), Dose(2.0, 1e7), Dose(21.0, 5e6, "B3"))
    assert scenario.runs[0].doses == expected
    result = pycart.run_scenario(scenario)
    run = Model().run({"alpha": 3e-10, "h": 1e9}, t_end=40, points=401, doses=expected)
    np.testing.assert_array_equal(result.runs["fractions"].trajectory.to_numpy(),
                                  run.trajectory.to_numpy())
    row = result.metrics().iloc[0]
    assert (row["dose1_day"], row["dose2_day"], row["dose3_day"]) == (0.0, 2.0, 21.0)
    assert row[col.CAR_T_DOSE] == 2e7
    assert list(result.metrics().columns[-2:]) == [col.STATUS, col.MESSAGE]


@pytest.mark.parametrize("doses, extra, says", [
    ("{ day = 2 }", "", "runs[0].doses: dose {'day': 2}: day and cells are needed"),
    ("{ day = 2, cells = 1e7, when = 3 }", "", "unknown key 'when'"),
    ('{ day = 2, cells = "many" }', "", "dose cells 'many': expected a number"),
    ("{ day = 41, cells = 1e7 }", "", "run 'fractions': dose day 41.0"),
    ('{ day = 2, cells = 1e7, species = "CA2" }', "", "cart_bm has no CA2"),
    ("{ day = 2, cells = 0 }", "", "a dose of 0 cells"),
    ("{ day = 0, cells = 1e7 }", "initial = { CA = 1e7 }\n", "initial CA is set"),
])
def test_bad_doses_in_a_file_are_one_line_naming_the_run(tmp_path, doses, extra, says):
    with pytest.raises(PycartError, match=None) as info:
        pycart.load_scenario(_file(tmp_path, doses, extra))
    assert says in str(info.value) and "\n" not in str(info.value)


def test_show_prints_the_schedule_and_its_day_0_amounts(capsys):
    assert main(["show", "fractionated"]) == 0
    out = capsys.readouterr().out
    assert "doses of three-fractions: day 0: 1e7 CA; day 2: 1e7 CA; day 7: 1e7 CA" in out
    line = next(x for x in out.splitlines() if x.startswith("initial CA"))
    assert line.split()[2:] == ["3e7", "1e7"]
    assert main(["show", "fractionated", "--toml"]) == 0
    assert "  { day = 7, cells = 1e7 },\n" in capsys.readouterr().out


def test_fractionated_compares_the_regimens_on_the_cells_given():
    result = pycart.run_scenario(paper_scenario("fractionated"))
    table = result.metrics().set_index("run")
    for label in ("one-dose", "three-fractions"):
        row = table.loc[label]
        assert row[col.CAR_T_DOSE] == 3e7
        assert row[col.FOLD_EXPANSION] == pytest.approx(math.log10(row[col.C_PEAK] / 3e7),
                                                        rel=1e-12)
        assert row[col.RESPONDER]
    assert table.loc["three-fractions", "dose3_day"] == 7.0
    # the fractions delay the peak past the last fraction
    assert table.loc["three-fractions", col.T_PEAK] > 7 > table.loc["one-dose", col.T_PEAK] - 3
    # the numbers the README quotes (section "Dose schedules: comparing regimens")
    quoted = {"one-dose": ("2.7e-03", "2.06e+10", "9.2"), "three-fractions":
              ("1.3e-03", "2.07e+10", "10.4")}
    for label, (L30, peak, day) in quoted.items():
        row = table.loc[label]
        assert (f"{row[col.L30]:.1e}", f"{row[col.C_PEAK]:.2e}", f"{row[col.T_PEAK]:.1f}",
                f"{row[col.FOLD_EXPANSION]:.2f}") == (L30, peak, day, "2.84")
    first_only = math.log10(table.loc["three-fractions", col.C_PEAK] / 1e7)
    assert f"{first_only - table.loc['three-fractions', col.FOLD_EXPANSION]:.2f}" == "0.48"


def test_pycart_run_fractionated_writes_its_figure_and_metrics(tmp_path, monkeypatch, capsys):
    """Issue 20's named example has its figure: `pycart run fractionated` (the README's
    paragraph) writes the three-panel PNG beside the two regimens' metrics."""
    monkeypatch.chdir(tmp_path)
    assert main(["run", "fractionated", "--out", "fractionated"]) == 0
    figure = tmp_path / "fractionated" / "fractionated.png"
    assert figure.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    metrics = pd.read_csv(tmp_path / "fractionated" / "metrics.csv")
    assert metrics["run"].tolist() == ["one-dose", "three-fractions"]
    assert len(paper_scenario("fractionated").panels) == 3
