"""Dose schedules in the exchange formats: an archive carries the variant of each schedule's
shape with the doses as SED-ML changes; it validates and replays, in pycart's SED-ML runner
and in COPASI (its archive import and a saved COPASI file), the run as libRoadRunner gives
it on the variant (pycart.exchange.schedules.simulate_schedule)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import libsedml
import numpy as np
import pytest

from pycart.core.errors import PycartError
from pycart.core.schedule import Dose, slot_values
from pycart.exchange.export import export_scenario
from pycart.exchange.omex import extract
from pycart.exchange.schedules import file_sbml, model_file, simulate_schedule
from pycart.exchange.sedrun import run_sedml
from pycart.exchange.validation import check_archive, check_sbml
from pycart.experiments.scenario import OUTPUT_STEP, Panel, RunSpec, Scenario
from pycart.report.compatibility import (
    SCHEDULE,
    SCHEDULE_MODEL,
    SCHEDULE_PARAMETERS,
    schedule_scenario,
)

VARIANT = "cart_bm2_doses_CAx2_CA2x2_Lx1.xml"


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The compatibility schedule case (four doses of two products after day 0 and a
    re-challenge) exported as a user's scenario is."""
    folder = tmp_path_factory.mktemp("schedule")
    export_scenario(schedule_scenario(), folder)
    return folder / "schedule.omex"


def _reference(times: np.ndarray, selections: list[str]) -> np.ndarray:
    return simulate_schedule(SCHEDULE_MODEL, SCHEDULE_PARAMETERS, {}, SCHEDULE, times,
                             selections)


def _agree(got: dict[str, np.ndarray], times: np.ndarray, what: str, rtol: float) -> None:
    """``got`` (quantity -> values at ``times``) within ``rtol`` of the reference wherever
    it exceeds one cell (L falls to 1e-3 cells between doses)."""
    names = sorted(got)
    mine = _reference(times, names)
    for k, name in enumerate(names):
        mask = mine[:, k] > 1.0
        assert mask.any(), name
        np.testing.assert_allclose(np.ravel(got[name])[mask], mine[mask, k], rtol=rtol,
                                   err_msg=f"{what} {name}")


def test_an_archive_carries_the_schedule_as_a_variant_and_changes(archive, tmp_path):
    """One model file, the variant of the schedule's shape, valid with zero libsbml
    warnings; the slots and day-0 amounts as SED-ML changes; the archives validate."""
    assert check_archive(archive) == []
    assert check_archive(archive.parent / "copasi" / "schedule-plot1.omex") == []
    with zipfile.ZipFile(archive) as z:
        names = sorted(n for n in z.namelist() if n.endswith(".xml") and n != "manifest.xml")
        sbml, sedml = z.read(VARIANT).decode(), z.read("schedule.sedml").decode()
    assert names == [VARIANT] == [model_file(SCHEDULE_MODEL, SCHEDULE)]
    assert sbml == file_sbml(VARIANT) and check_sbml(sbml, VARIANT) == []
    document = libsedml.readSedMLFromString(sedml)  # alive while its models are read
    (model,) = document.getListOfModels()
    changes = {c.getTarget().split("'")[1]: float(c.getNewValue())
               for c in model.getListOfChanges()}
    assert model.getSource() == VARIANT
    assert {k: v for k, v in changes.items() if k.startswith("dose_")} == slot_values(SCHEDULE)
    assert changes["dose_CA_2_day"] == 7.0 and changes["dose_L_1_cells"] == 1e6
    assert (changes["CA"], changes["CA2"]) == (1e7, 0.0)  # a product's day-0 doses, or none


def test_the_archive_replays_in_roadrunner_with_the_schedule(archive, tmp_path):
    """pycart's SED-ML runner on the archive: L and both products over 180 days within
    1e-6 of the run on the variant (every dose given: L re-grows after day 40)."""
    sedml = next(f for f in extract(archive, tmp_path) if f.suffix == ".sedml")
    values = run_sedml(sedml)
    times = values["dg_task_plot1_time"]
    assert times[-1] == 180.0 and np.allclose(np.diff(times), OUTPUT_STEP)
    got = {q: values[f"dg_task_plot1_{q}"] for q in ("L", "C1", "C2")}
    _agree(got, times, "sedrun", 1e-6)
    assert got["L"][399] < 1.0 < 1e6 <= got["L"][400]  # the re-challenge on day 40
    assert got["C2"][99] == 0.0 < got["C2"][100]  # the second product from day 10


def test_copasi_replays_the_archive_and_its_copasi_file(archive, tmp_path):
    """COPASI's archive import and `pycart copasi`'s saved file, run in COPASI: every
    curve within 1e-4 of pycart (the schedule's events root-found by COPASI)."""
    copasi = pytest.importorskip("COPASI")
    from pycart.exchange.copasi import archive_views, curves, open_plot, write_copasi_files

    (view,) = archive_views(archive)
    times = np.linspace(0.0, view.t_end, view.steps + 1)
    with open_plot(archive, view) as dm:
        data = curves(dm, view)
    _agree({q: v for q, v in data.items() if q != "time"}, times, "COPASI import", 1e-4)
    (cps,) = write_copasi_files(archive, tmp_path / "cps")
    dm = copasi.CRootContainer.addDatamodel()
    try:
        assert dm.loadModel(str(cps))
        data = curves(dm, view)
    finally:
        copasi.CRootContainer.removeDatamodel(dm)
    _agree({q: v for q, v in data.items() if q != "time"}, times, "COPASI file", 1e-4)


def test_runs_of_one_shape_share_a_model_file(tmp_path):
    """Two runs of one shape and a run without doses: two model files; the runs of one
    shape differ in one dose's day, a scan over its slot parameter (what COPASI runs as
    a Scan); each replays with its own day."""
    runs = (RunSpec("day 5", doses=(Dose(0, 5e7), Dose(5, 1e8))),
            RunSpec("day 9", doses=(Dose(0, 5e7), Dose(9, 1e8))))
    plain = RunSpec("no schedule")
    scenario = Scenario("two", "", "", t_end=20.0, runs=(*runs, plain),
                        panels=(Panel("second dose", runs=("day 5", "day 9")),
                                Panel("plain", runs=("no schedule",))))
    (path, *_) = export_scenario(scenario, tmp_path)
    with zipfile.ZipFile(path) as z:
        assert sorted(n for n in z.namelist() if n.endswith(".xml")) == [
            "cart_bm.xml", "cart_bm_doses_CAx1.xml", "manifest.xml"]
        sedml = z.read("two.sedml").decode()
    assert "repeat_plot1" in sedml and "dose_CA_1_day" in sedml
    values = run_sedml(next(f for f in extract(path, tmp_path / "x") if f.suffix == ".sedml"))
    times = np.linspace(0.0, 20.0, 201)
    for row, run in enumerate(runs):
        mine = simulate_schedule("cart_bm", {}, {}, run.doses, times, ["CT"])[:, 0]
        np.testing.assert_allclose(values["dg_repeat_plot1_C"][row], mine, rtol=1e-6)


@pytest.mark.parametrize(("doses", "message"), [
    ((Dose(3, 1e7, "CA2"),), "run 'r': dose species CA2: cart_bm has no CA2"),
    ((Dose(25, 1e7),), "run 'r': dose day 25.0: a dose day is a finite number from 0 to "
                       "the horizon (20 days)"),
    ((Dose(2, -1.0),), "run 'r': dose of -1.0 cells"),
])
def test_a_schedule_the_model_cannot_take_is_refused_before_writing(tmp_path, doses,
                                                                     message):
    scenario = Scenario("bad", "", "", t_end=20.0, runs=(RunSpec("r", doses=doses),))
    # the scenario's own check (Scenario.validate) says it, before the exporter reads a dose
    with pytest.raises(PycartError, match="^scenario bad, " + re.escape(message)):
        export_scenario(scenario, tmp_path / "out")
    assert not (tmp_path / "out").exists()
