"""The explorer's dose schedule editor without a browser: rows read into a schedule, each bad
row's message beside it in check_schedule's words, the species each model offers, the
example schedules as presets, the downloads and the cohort carrying the schedule. The page
itself: tests/explore/test_browser.py."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from pycart.cli import main
from pycart.core.errors import PycartError
from pycart.core.model import Model
from pycart.core.schedule import MAX_DOSES, Dose
from pycart.experiments.regimens import fractionated
from pycart.explore import patient
from pycart.explore.cohort import check_design, response_doses, run_cohort
from pycart.explore.doses import (
    WHOLE,
    new_row,
    read_page,
    read_schedule,
    row_key,
    rows_of,
    species_choices,
)
from pycart.explore.presets import presets

#: Two doses added to Figure 3's patient, as the browser test adds them.
ADDED = [("7", "1e7", "CA"), ("21", "5e6", "B3")]


def form(rows, **values) -> dict[str, object]:
    """A page's values: ``values`` by input id and the editor's ``rows``."""
    out: dict[str, object] = {"dose_count": len(rows), **values}
    for k, (day, cells, species) in enumerate(rows):
        out |= {f"dose_day_{k}": day, f"dose_cells_{k}": cells, f"dose_species_{k}": species}
    return out


@pytest.fixture(scope="module")
def simulators() -> patient.Simulators:
    return patient.Simulators()


@pytest.fixture(scope="module")
def added(simulators) -> patient.Outcome:
    request, errors = read_page(form(ADDED, i_CA="5e7", t_end="60"))
    assert errors == {}
    return simulators.run(request)


def test_rows_are_read_into_the_schedule_and_run_as_the_model_runs_it(added):
    request = added.request
    assert request.doses == (Dose(7.0, 1e7, "CA"), Dose(21.0, 5e6, "B3"))
    assert request.changed_initial == {"CA": 5e7}  # set and the schedule doses CA: written
    direct = Model().run({}, {"CA": 5e7}, 60, 601, [(7, 1e7), (21, 5e6, "B3")])
    np.testing.assert_array_equal(added.run.trajectory.to_numpy(), direct.trajectory.to_numpy())
    assert added.run.summary == direct.summary


def test_an_empty_ca0_leaves_the_first_dose_to_the_schedule(simulators):
    request, errors = read_page(form([("0", "3e7", "CA")], i_CA=""))
    assert errors == {} and "CA" not in request.initial and request.changed_initial == {}
    run = simulators.run(request).run
    assert run.trajectory["CA"].iloc[0] == 3e7
    # without a schedule an empty C_A(0) is the model's own
    plain, _ = read_page(form([], i_CA=""))
    assert simulators.preview(plain).trajectory["CA"].iloc[0] == 5e7


@pytest.mark.parametrize("row, said", [
    (("200", "1e7", "CA"), "dose day 200.0: a dose day is a finite number from 0 to the "
                           "horizon (180 days)"),
    (("-1", "1e7", "CA"), "dose day -1.0: a dose day is a finite number from 0"),
    (("x", "1e7", "CA"), "day 'x' is not a number (allowed: 0 to the horizon, 180)"),
    (("7", "", "CA"), "cells '' is not a number (allowed: > 0 and <= 1e14 cells)"),
    (("7", "0", "CA"), "a dose of 0 cells is no dose (cells are a finite number > 0)"),
    (("7", "-5", "CA"), "dose of -5.0 cells: cells are a finite number > 0"),
    (("7", "1e15", "CA"), "dose of 1e15 cells: at most 1e14 cells"),
    (("7", "1e7", "CA2"), "dose species CA2: cart_bm has no CA2 (allowed in cart_bm: CA, B3, L)"),
    (("7", "1e7", "Ln"), "dose species Ln: cart_bm has no Ln"),
])
def test_a_bad_dose_gets_one_line_beside_its_row(row, said):
    request, errors = read_page(form([("2", "1e7", "CA"), row]))
    assert request is None and list(errors) == [row_key(1)]
    assert errors[row_key(1)].startswith(said) and "\n" not in errors[row_key(1)]


def test_a_set_ca0_and_a_day0_dose_is_refused_at_the_dose():
    request, errors = read_page(form([("7", "1e7", "CA"), ("0", "1e7", "CA")], i_CA="5e7"))
    assert request is None and errors == {row_key(1): (
        "initial CA is set and the schedule doses CA on day 0: give one of them (a day-0 dose "
        "is CA's initial amount)")}


def test_too_many_doses_are_refused_in_check_schedules_words():
    rows = [(str(k + 1), "1e7", "CA") for k in range(MAX_DOSES + 1)]
    assert read_page(form(rows))[1] == {WHOLE: f"{MAX_DOSES + 1} doses: at most {MAX_DOSES} "
                                                "doses per run"}
    assert read_page(form(rows[:MAX_DOSES]))[1] == {}


def test_the_rows_messages_come_with_the_inputs_messages():
    request, errors = read_page(form([("7", "abc", "CA")], p_alpha="abc", t_end="90"))
    assert request is None and set(errors) == {"p_alpha", row_key(0)}
    # a bad horizon: the rows are checked against the longest the page allows
    assert read_schedule([{"day": "400", "cells": "1e7", "species": "CA"}], "cart_bm",
                         3650.0)[1] == {}


@pytest.mark.parametrize("model, offered", [
    ("cart_bm", ["CA", "B3", "L"]), ("cart_bm2", ["CA", "CA2", "B3", "L"]),
    ("cart_bm_ext", ["CA", "B3", "L", "Ln"]), ("cart_bm2_ext", ["CA", "CA2", "B3", "L", "Ln"])])
def test_each_model_offers_the_species_it_has(model, offered):
    assert list(species_choices(model)) == offered
    assert species_choices(model)["CA"] == "CA: CAR T product"


def test_a_species_the_model_lacks_stays_marked_so_no_dose_changes_silently():
    assert species_choices("cart_bm", keep="CA2")["CA2"] == "CA2: not in cart_bm"
    assert list(species_choices("cart_bm", keep="CA")) == ["CA", "B3", "L"]


def test_a_new_row_is_a_car_t_dose_a_week_after_the_last():
    assert new_row([], 180) == {"day": "7", "cells": "1e7", "species": "CA"}
    assert new_row([{"day": "10"}, {"day": "x"}], 180)["day"] == "17"
    assert new_row([{"day": "178"}], 180)["day"] == "180"  # within the horizon


def test_the_example_schedules_are_presets_that_fill_the_editor(simulators):
    from pycart.experiments.scenario import run_scenario

    scenario = fractionated()
    result = run_scenario(scenario)
    for run in scenario.runs:
        preset = presets()[f"fractionated/{run.label}"]
        assert preset.doses == run.doses and preset.rows() == rows_of(run.doses)
        assert preset.form()["i_CA"] == ""  # the schedule's day-0 dose is C_A(0)
        rows = [(r["day"], r["cells"], r["species"]) for r in preset.rows()]
        request, errors = read_page(form(rows, model=preset.model, **preset.form()))
        assert errors == {} and request.doses == run.doses
        page = simulators.run(request).run
        np.testing.assert_array_equal(page.trajectory.to_numpy(),
                                      result.runs[run.label].trajectory.to_numpy())
    assert presets()["fig3/fig3"].rows() == [] and presets()["fig3/fig3"].form()["i_CA"] == "5e7"


def test_the_metrics_give_the_doses_and_the_fold_expansion_against_them(added):
    rows = dict(patient.metrics(added))
    s = added.run.summary
    assert s.car_t_dose == 6e7  # 5e7 on day 0 and 1e7 on day 7, both before the peak
    assert rows["CAR T given up to the peak"] == "6e+07 cells"
    assert rows["fold expansion log₁₀(C_peak / CAR T given)"] == f"{s.fold_expansion:.2f}"
    assert np.isclose(s.fold_expansion, np.log10(s.C_peak / 6e7))
    assert rows["dose 1: 1e7 CAR T product (CA)"] == "day 7"
    assert rows["dose 2: 5e6 B-cell infusion (B3)"] == "day 21"


def test_the_plot_marks_each_dose_day(simulators, added):
    assert patient.plot_data(added)["doses"] == [7.0, 21.0]
    assert patient.plot_data(simulators.preview(added.request))["doses"] == [7.0, 21.0]


def test_the_csv_is_pycart_simulates_with_the_same_doses(added, tmp_path, monkeypatch):
    command = patient.reproduce(added.request).splitlines()[-1]
    assert command == ("pycart simulate --init CA=5e7 --dose 7:1e7 --dose 21:5e6:B3 "
                       "--t-end 60 --points 601 --out trajectory.csv")
    monkeypatch.chdir(tmp_path)
    assert main(command.split()[1:]) == 0
    cli = pd.read_csv(tmp_path / "trajectory.csv")
    page = pd.read_csv(io.BytesIO(patient.trajectory_csv(added)))
    assert list(cli.columns) == list(page.columns)
    np.testing.assert_allclose(page.to_numpy(), cli.to_numpy(), rtol=1e-8, atol=0)


def test_the_python_text_has_the_doses_and_gives_the_pages_numbers(added):
    code = patient.reproduce(added.request).split("# command line")[0]
    assert "doses=[(7, 1e7, 'CA'), (21, 5e6, 'B3')]" in code
    code = code.replace("run.trajectory.to_csv('trajectory.csv', index=False)", "")
    space: dict = {}
    exec(code.replace("print(", "(lambda *a, **k: None)("), space)
    assert space["run"].summary == added.run.summary


def test_the_scenario_file_and_the_archive_carry_the_schedule(added, tmp_path):
    from pycart.experiments.scenario import run_scenario
    from pycart.experiments.userfile import load_scenario

    text = patient.scenario_toml(added.request)
    assert "doses = [\n  { day = 7, cells = 1e7 },\n  { day = 21, cells = 5e6, species = " \
           "\"B3\" },\n]" in text
    path = tmp_path / "explorer.toml"
    path.write_text(text)
    result = run_scenario(load_scenario(path))
    np.testing.assert_array_equal(result.runs[patient.LABEL].trajectory.to_numpy(),
                                  added.run.trajectory.to_numpy())
    with zipfile.ZipFile(io.BytesIO(patient.archive(added.request))) as archive:
        names = set(archive.namelist())
        sedml = archive.read("explorer.sedml").decode()
    assert "cart_bm_doses_B3x1_CAx1.xml" in names or "cart_bm_doses_CAx1_B3x1.xml" in names
    assert "dose_CA_1_day" in sedml and "dose_B3_1_cells" in sedml


def test_the_cohort_carries_the_schedule_up_to_day_30(added):
    request = added.request
    assert response_doses(request) == request.doses  # day 21 is before day 30: kept
    later, _ = read_page(form([("7", "1e7", "CA"), ("40", "1e7", "CA")], i_CA="5e7"))
    assert response_doses(later) == (Dose(7.0, 1e7),)
    cohort = run_cohort(later, "alpha", "h", 2, {"alpha": (1e-10, 1e-9), "h": (5e8, 5e10)})
    model = Model()
    for row in cohort.table.itertuples():
        L30 = model.run({"alpha": row.alpha, "h": row.h}, {"CA": 5e7}, 30,
                        doses=[(7, 1e7)]).summary.L30
        assert row.L30 == pytest.approx(L30, rel=1e-5, abs=1e-9)
        plain = model.run({"alpha": row.alpha, "h": row.h}, {"CA": 5e7}, 30).summary.L30
        # the dose changed the answer, by more than ten times the agreement above
        assert row.L30 != pytest.approx(plain, rel=1e-4)


def test_a_cohort_over_ca0_with_a_day0_dose_is_refused():
    request, _ = read_page(form([("0", "3e7", "CA")], i_CA=""))
    with pytest.raises(PycartError, match=r"CA\(0\) is the schedule's day-0 CA dose"):
        check_design("alpha", "CA", 10, {"alpha": (1e-10, 1e-9), "CA": (1e6, 1e9)},
                     "cart_bm", response_doses(request))
