"""COMBINE archives: current, valid, safe to read, and runnable in libRoadRunner (pycart's
SED-ML runner) and COPASI with pycart's numbers."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import pycart
from pycart.cli import main
from pycart.core.errors import PycartError
from pycart.exchange.export import export
from pycart.exchange.omex import extract, write_archive
from pycart.exchange.sedrun import run_sedml
from pycart.exchange.validation import check_archive, check_path, check_sbml
from pycart.experiments.paper import SCENARIOS, paper_scenario
from pycart.experiments.scenario import OUTPUT_STEP

#: Days the paper reports on (Figures 3-8 and the text): compared across simulators.
DAYS = (10.0, 20.0, 30.0, 60.0, 90.0, 120.0, 180.0)


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def _archives(folder) -> list:
    return sorted(p.relative_to(folder) for p in folder.rglob("*.omex"))


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """One ``pycart export`` for the tests that read it (each takes seconds)."""
    folder = tmp_path_factory.mktemp("export")
    export(folder)
    return folder


def test_committed_exports_are_what_pycart_export_writes(root, exported):
    written = _archives(exported)
    assert [p for p in written if p.parent.name != "copasi"] == sorted(
        Path(f"{n}.omex") for n in SCENARIOS)
    assert _archives(root / "exports") == written, "run 'pycart export' and commit exports/"
    for path in written:
        assert members(root / "exports" / path) == members(exported / path), \
            f"{path} is not current"


@pytest.mark.heavy  # a second export (~5 s of CPU): the test above finds the committed
# archives, written by an earlier run, byte-identical to this run's export
def test_export_is_reproducible_to_the_byte(exported, tmp_path):
    export(tmp_path)
    a = _archives(exported)
    assert a == _archives(tmp_path) and len(a) > len(SCENARIOS)
    assert all((exported / p).read_bytes() == (tmp_path / p).read_bytes() for p in a)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_committed_archive_is_valid(root, name):
    path = root / "exports" / f"{name}.omex"
    assert check_archive(path) == []
    content = members(path)
    assert {"manifest.xml", "metadata.rdf", f"{name}.sedml"} <= set(content)
    assert {"cart_bm.xml", "cart_bm2.xml", "cart_bm_ext.xml"} & set(content)
    manifest = content["manifest.xml"].decode()
    assert '<content location="." format="http://identifiers.org/combine.specifications/omex"/>' \
        in manifest
    assert "sed-ml.level-1.version-4" not in manifest  # COPASI reads the generic tag only
    sedml = content[f"{name}.sedml"].decode()
    for kisao in ("KISAO:0000019", "KISAO:0000209", "KISAO:0000211", "KISAO:0000415"):
        assert kisao in sedml
    assert 'term="KISAO:0000836"' in sedml
    assert "In COPASI, import one plot at a time" in content["metadata.rdf"].decode()


def test_validate_command_is_clean_on_the_checkout(root, capsys):
    assert main(["validate", str(root)]) == 0
    assert capsys.readouterr().out.strip().endswith("0 errors, 0 warnings")


def test_a_model_parsed_once_gives_each_caller_its_own_findings_and_values():
    """The SBML parses that export and validate keep (one per text) hand out copies: a
    caller changing what it got, or checking the same text under another name, changes
    nothing for the next."""
    from pycart.exchange.sedml import file_values

    values = file_values("cart_bm.xml")
    values.clear()
    assert file_values("cart_bm.xml")["/sbml:sbml/sbml:model/sbml:listOfSpecies/"
                                      "sbml:species[@id='L']/@initialAmount"] == 2e11
    bad = ("<sbml xmlns='http://www.sbml.org/sbml/level3/version2/core' level='3' version='2'>"
           "<model id='m'><listOfParameters><parameter id='p' constant='true'/>"
           "</listOfParameters></model></sbml>")  # no value, no units: warnings
    first, second = check_sbml(bad, "a.xml"), check_sbml(bad, "b.xml")
    assert first and [i.source for i in first + second] == ["a.xml"] * len(first) + [
        "b.xml"] * len(second)
    assert [i.message for i in first] == [i.message for i in second]
    first.clear()
    assert check_sbml(bad, "a.xml")


def test_validate_says_when_there_is_nothing_to_check(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 1
    assert "nothing" not in capsys.readouterr().err
    assert check_path(tmp_path)[0].message.startswith("no models")


def _evil(tmp_path, name):
    path = tmp_path / "evil.omex"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.xml", "<omexManifest/>")
        archive.writestr(name, "gotcha")
    return path


@pytest.mark.parametrize("name", ["../escaped.txt", "/tmp/absolute.txt", "a/../../up.txt",
                                  "C:/windows.txt"])
def test_archives_pointing_outside_are_refused(tmp_path, capsys, name):
    path = _evil(tmp_path, name)
    inside = tmp_path / "unpack" / "here"
    inside.mkdir(parents=True)
    with pytest.raises(PycartError, match="points outside the archive; refused"):
        extract(path, inside)
    assert list(inside.iterdir()) == []
    assert not (tmp_path / "unpack" / "escaped.txt").exists()
    issues = check_archive(path)
    assert issues and issues[0].level == "error" and "refused" in issues[0].message
    assert main(["validate", str(path)]) == 1
    assert "refused" in capsys.readouterr().out


def test_broken_archives_are_reported(tmp_path):
    path = tmp_path / "bad.omex"
    write_archive(path, {"cart_bm.xml": b"<sbml/>", "x.sedml": b"<sedML/>"}, "x.sedml", "t", "d")
    levels = {i.level for i in check_archive(path)}
    assert "error" in levels
    (tmp_path / "junk.omex").write_bytes(b"not a zip")
    assert "not a readable archive" in check_archive(tmp_path / "junk.omex")[0].message


def _view_runs(name) -> dict[str, tuple[list, float]]:
    """pycart's runs behind each top-level task of the SED-ML of scenario ``name`` (a
    paper's name or a Scenario, as exported), in the order of the task's repeats, and the
    horizon."""
    from pycart.exchange.export import exported_scenario
    from pycart.exchange.sedml import PLOTTED, SLICE_VALUES, plot_views, scenario_sedml
    from pycart.experiments.scenario import Axis, RunSpec

    scenario = paper_scenario(name) if isinstance(name, str) else exported_scenario(name)
    runs = {r.label: r for r in scenario.runs}
    plotted = [[runs[label] for label in p.runs] for p in scenario.panels if p.kind in PLOTTED]
    for grid in scenario.grids:
        first, *others = grid.axes
        fixed = {a.parameter: float(a.values()[len(a.values()) // 2]) for a in others}
        values = Axis(first.parameter, first.lo, first.hi, SLICE_VALUES, first.scale).values()
        plotted.append([RunSpec(f"{v:g}", dict(grid.base) | fixed | {first.parameter: v},
                                model=grid.model) for v in values])
    out = {}
    for view in plot_views(scenario_sedml(scenario)):
        number, _, run = view.plot.removeprefix("plot").partition("_")
        panel = plotted[int(number) - 1]
        if run:  # a plot per run
            panel = [panel[int(run) - 1]]
        out[view.task] = (panel, view.t_end)
    return out


def _pycart(run, t_end: float, quantities) -> dict[str, np.ndarray]:
    """pycart's values of ``quantities`` (species or observables) every OUTPUT_STEP."""
    from pycart.core.names import OBSERVABLES

    frame = pycart.Model(run.model).simulate(run.parameters, run.initial, t_end,
                                              int(round(t_end / OUTPUT_STEP)) + 1,
                                              doses=run.doses)
    return {q: frame[list(OBSERVABLES[run.model].get(q, (q,)))].sum(axis=1).to_numpy()
            for q in quantities}


def _agree_runs(runs, t_end: float, label: str, **sources) -> None:
    """Every source (a tool's curves: quantity -> one row per run, or one row for a single
    run) agrees with pycart's run of each of ``runs`` (see :func:`_agree`)."""
    quantities = {q for curves in sources.values() for q in curves}
    for k, run in enumerate(runs):
        mine = _pycart(run, t_end, quantities)
        for tool, curves in sources.items():
            for q, values in curves.items():
                theirs = values[k] if np.ndim(values) == 2 else values
                _agree(theirs, mine[q], t_end, f"{label} {run.label} {q} ({tool})")


def _agree(theirs: np.ndarray, mine: np.ndarray, t_end: float, message: str) -> None:
    """Within 1e-4 relative at the paper's days (amounts above 1e-6 cells)."""
    rows = [int(round(d / OUTPUT_STEP)) for d in DAYS if d <= t_end]
    theirs, mine = np.asarray(theirs)[rows], mine[rows]
    mask = mine > 1e-6
    np.testing.assert_allclose(theirs[mask], mine[mask], rtol=1e-4, err_msg=message)


#: The scenarios whose replays the default suite runs, one per path through the SED-ML:
#: a grid of three axes with a run beside it (fig7), two models with their doses (fig8), the
#: extended model with a dose on relapse (ext_relapse). The others take the same paths with
#: other numbers and are heavy tests (CI runs them), among them the scenarios beyond the
#: paper that take a minute or more to replay (a year-long cohort slice per variant, 27
#: reinfusion runs).
DEFAULT = {"fig7", "fig8", "ext_relapse"}
WITH_PLOTS = [n if n in DEFAULT else pytest.param(n, marks=pytest.mark.heavy)
              for n in SCENARIOS]


@pytest.mark.parametrize("name", WITH_PLOTS)
def test_sedml_runs_in_roadrunner_with_pycart_numbers(root, tmp_path, name):
    """pycart's own SED-ML runner (libRoadRunner): every curve of every plot."""
    import libsedml

    files = extract(root / "exports" / f"{name}.omex", tmp_path)
    sedml = next(f for f in files if f.suffix == ".sedml")
    values = run_sedml(sedml)
    doc = libsedml.readSedMLFromFile(str(sedml))
    for task, (runs, t_end) in _view_runs(name).items():
        dgs = {}
        for dg in doc.getListOfDataGenerators():
            var = dg.getVariable(0)
            if var.getTaskReference() == task and not var.isSetSymbol():
                dgs[dg.getId()] = var.getTarget().split("'")[1]
        assert dgs, task
        _agree_runs(runs, t_end, f"{name} {task}",
                    libRoadRunner={q: values[dg] for dg, q in dgs.items()})


def test_grid_slices_run_as_repeated_tasks(root, tmp_path, model):
    files = extract(root / "exports" / "fig6.omex", tmp_path)
    values = run_sedml(next(f for f in files if f.suffix == ".sedml"))
    L = values["dg_grid_alpha_h_L"]
    assert L.shape == (10, 301)
    alphas = np.logspace(np.log10(3e-11), np.log10(3e-9), 10)
    h = float(np.logspace(8, 11, 200)[100])
    direct = model.simulate({"alpha": alphas[3], "h": h, "rhoA": 0.9}, t_end=30, points=2)
    assert L[3, -1] == pytest.approx(direct["L"].iloc[-1], rel=1e-4)


@pytest.mark.parametrize("name", WITH_PLOTS)
def test_copasi_shows_every_panel_with_pycart_numbers(root, name):
    """COPASI's archive import, plot by plot (task, model and plot chosen as its import
    dialog asks): every curve, for every run of the panel (a Scan where the runs differ in
    one quantity), within 1e-4 of pycart at the paper's days. COPASI imports the time
    course and tolerances of a plain task itself; for a repeated task the one setting it
    leaves out is made by pycart.exchange.copasi.open_plot."""
    pytest.importorskip("COPASI")
    from pycart.exchange.copasi import archive_views, curves, open_plot

    path = root / "exports" / f"{name}.omex"
    expected = _view_runs(name)
    views = archive_views(path)
    assert [v.task for v in views] == list(expected)
    for view in views:
        with open_plot(path, view) as dm:
            course = dm.getTask("Time-Course")
            assert course.getProblem().getDuration() == view.t_end
            assert course.getMethod().getParameter("Relative Tolerance").getDblValue() == 1e-10
            # at most pycart's (an archive's is divided by its largest initial amount, for
            # libRoadRunner's scaling; see pycart.exchange.sedml)
            assert course.getMethod().getParameter("Absolute Tolerance").getDblValue() <= 1e-14
            assert dm.getTask("Scan").isScheduled() == view.repeated
            assert dm.getPlotSpecification(0).isLogY()
            data = curves(dm, view)
        runs, t_end = expected[view.task]
        assert set(data) - {"time"}, view
        for values in data.values():
            assert values.shape == (len(runs), view.steps + 1), view
        _agree_runs(runs, t_end, f"{name} {view.task}",
                    COPASI={q: v for q, v in data.items() if q != "time"})


def test_copasi_command_writes_files_that_run_in_copasi(root, tmp_path, capsys):
    """`pycart copasi`: a COPASI file per plot; loaded in COPASI, a Scan file runs the panel's
    three runs over the figure's 30 days with pycart's numbers."""
    copasi = pytest.importorskip("COPASI")
    from pycart.exchange.copasi import archive_views, curves

    archive = root / "exports" / "fig5.omex"
    assert main(["copasi", str(archive), "--plot", "plot2", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {tmp_path / 'fig5-plot2.cps'}"
    view = archive_views(archive)[1]
    dm = copasi.CRootContainer.addDatamodel()
    try:
        assert dm.loadModel(str(tmp_path / "fig5-plot2.cps"))
        data = curves(dm, view)
    finally:
        copasi.CRootContainer.removeDatamodel(dm)
    runs, t_end = _view_runs("fig5")[view.task]
    assert [r.parameters["h"] for r in runs] == [5e10, 5e9, 5e8]
    _agree_runs(runs, t_end, "fig5-plot2.cps", COPASI={"L": data["L"]})  # the SBML id kept
    assert main(["copasi", str(archive), "--plot", "plot7"]) == 2
    assert "no plot 'plot7' (allowed: plot1, plot2, plot3)" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig5-plot2.cps"]


def test_copasi_refuses_archives_pointing_outside(tmp_path):
    from pycart.exchange.copasi import View, open_plot, write_copasi_files

    path = _evil(tmp_path, "../escaped.txt")
    with pytest.raises(PycartError, match="refused"):
        write_copasi_files(path, tmp_path / "out")
    with pytest.raises(PycartError, match="refused"), open_plot(path, View("p", "t", "m", False,
                                                                          1.0, 1)):
        pass
    assert not (tmp_path / "escaped.txt").exists()


def test_biomodels_folder(root, tmp_path):
    """SBML, SED-ML, a COPASI file, curation notes and the figure; no archive, no manifest;
    text files current; the COPASI file runs Figure 3 to pycart's numbers."""
    from pycart.exchange.export import BIOMODELS_TEXT, export_biomodels

    folder = root / "exports" / "biomodels"
    names = {p.name for p in folder.iterdir()}
    assert names == {*BIOMODELS_TEXT, "cart_bm.cps", "fig3.png"}
    fresh = export_biomodels(tmp_path / "bm", root / "exports" / "fig3.omex")
    for name in BIOMODELS_TEXT:
        assert (folder / name).read_bytes() == (tmp_path / "bm" / name).read_bytes(), name
    assert (folder / "fig3.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert check_path(folder / "cart_bm.sedml") == [] and check_path(folder / "cart_bm.xml") == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copasi = pytest.importorskip("COPASI")
    import shutil

    shutil.copy(folder / "cart_bm.cps", tmp_path / "cart_bm.cps")
    dm = copasi.CRootContainer.addDatamodel()
    try:
        assert dm.loadModel(str(tmp_path / "cart_bm.cps"))
        task = dm.getTask("Time-Course")
        task.getProblem().setTimeSeriesRequested(True)
        assert task.process(True)
        series = task.getTimeSeries()
        names = [series.getTitle(i) for i in range(series.getNumVariables())]
        L = np.array([series.getData(k, names.index("leukemic cells (CD19+)"))
                      for k in range(series.getRecordedSteps())])
    finally:
        copasi.CRootContainer.removeDatamodel(dm)
    ours = pycart.Model().simulate(t_end=180, points=1801)["L"].to_numpy()
    for day in (10, 20, 30, 60):
        assert L[day * 10] == pytest.approx(ours[day * 10], rel=1e-4)
    assert any(p.name == "fig3.png" for p in fresh)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bm", "cart_bm.cps"]


ALL_ARCHIVES = [*(f"{n}.omex" for n in SCENARIOS),
                *(f"copasi/{p.name}" for p in sorted(
                    (Path(__file__).resolve().parents[2] / "exports" / "copasi").glob(
                        "*.omex")))]


@pytest.mark.heavy
@pytest.mark.parametrize("name", ALL_ARCHIVES)
def test_biosimulators_utils_validates_the_archive(root, name):
    """The validator BioSimulations uses: no error (its only remark is that it checks XPaths
    against the unmodified models)."""
    import os
    import shutil
    import subprocess
    import sys

    exe = shutil.which("biosimulators-utils", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("biosimulators-utils is not installed")
    done = subprocess.run([exe, "validate-project", str(root / "exports" / name)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Archive contains 1 SED-ML documents" in done.stdout
    assert "does not contain" not in done.stderr  # every metadata statement was understood


def test_validate_warns_of_plots_copasi_would_draw_wrong(tmp_path):
    """A curve summing two variables, a plot drawing from two tasks: valid SED-ML that COPASI
    draws wrong (first variable only; one task's data under every curve)."""
    import libsedml

    from pycart.exchange.export import archive_members

    files = archive_members("fig4")
    (tmp_path / "cart_bm.xml").write_bytes(files["cart_bm.xml"])
    doc = libsedml.readSedMLFromString(files["fig4.sedml"].decode())
    dg = doc.getDataGenerator("dg_task_plot2_1_L")
    var = dg.createVariable()
    var.setId("v_extra")
    var.setTaskReference("task_plot2_2")
    var.setTarget("/sbml:sbml/sbml:model/sbml:listOfSpecies/sbml:species[@id='CA']")
    var.setTerm("KISAO:0000836")
    dg.setMath(libsedml.parseL3Formula("v_task_plot2_1_L + v_extra"))
    path = tmp_path / "mixed.sedml"
    path.write_text(libsedml.writeSedMLToString(doc))
    messages = [i.message for i in check_path(path) if i.level == "warning"]
    assert "dg_task_plot2_1_L: COPASI plots only the first variable of a data generator" in messages
    assert "plot plot2_1 draws from 2 tasks; COPASI draws every curve from the one task it " \
        "imports" in messages


@pytest.mark.parametrize("name", WITH_PLOTS)
def test_single_plot_archives_open_complete_in_copasi(root, tmp_path, name):
    """exports/copasi/<scenario>-<plot>.omex through COPASI's archive import as it is, with
    nothing chosen or set: COPASI imports the time course, tolerances, scan and plot itself,
    and every curve, for every run, is within 1e-4 of pycart at the paper's days; the same
    archive in pycart's libRoadRunner runner gives the same."""
    import libsedml

    copasi = pytest.importorskip("COPASI")
    from pycart.exchange.copasi import archive_views, curves

    expected = _view_runs(name)
    paths = sorted((root / "exports" / "copasi").glob(f"{name}-plot*.omex"))
    assert len(paths) == len(expected)
    for path in paths:
        (view,) = archive_views(path)
        dm = copasi.CRootContainer.addDatamodel()
        try:
            assert dm.openCombineArchive(str(path))
            course = dm.getTask("Time-Course")
            assert course.getProblem().getDuration() == view.t_end
            assert course.getProblem().getStepNumber() == view.steps
            assert course.getMethod().getParameter("Relative Tolerance").getDblValue() == 1e-10
            assert dm.getTask("Scan").isScheduled() == view.repeated
            data = curves(dm, view)
        finally:
            copasi.CRootContainer.removeDatamodel(dm)
        runs, t_end = expected[view.task]
        quantities = set(data) - {"time"}
        assert quantities and data["time"].shape == (len(runs), view.steps + 1), path.name
        sedml = next(f for f in extract(path, tmp_path / path.stem) if f.suffix == ".sedml")
        roadrunner = run_sedml(sedml)
        doc = libsedml.readSedMLFromFile(str(sedml))
        dg_of = {dg.getVariable(0).getTarget().split("'")[1]: dg.getId()
                 for dg in doc.getListOfDataGenerators() if dg.getVariable(0).isSetTarget()}
        assert set(dg_of) == quantities, path.name
        _agree_runs(runs, t_end, path.name, COPASI={q: data[q] for q in quantities},
                    libRoadRunner={q: roadrunner[dg_of[q]] for q in quantities})


#: A user's study: two CAR T doses (a reinfusion on day 12, a dose upon relapse, given on
#: day 37.4) and a run of the second product (dosed on day 20), both models in one panel.
STUDY = """\
name = "two-doses"
description = "Two CAR T doses, and a second product"
t_end = 60
parameters = { alpha = 3e-10, h = 1e10, rhoA = 0.6 }

[[runs]]
label = "reinfused"
initial = { L = 1e11 }
parameters = { reinf_day = 12, reinf_dose = 5e8, relapse_threshold = 1e8, relapse_dose = 5e9, relapse_fallback_day = 40 }

[[runs]]
label = "second-product"
model = "cart_bm2"
parameters = { reinf_day2 = 20, reinf_dose2 = 5e8, h2 = 5e8, rhoA2 = 0.9 }

[[grids]]
name = "h"
axes = [{ parameter = "h", lo = 1e8, hi = 1e11, n = 4 }]
"""  # noqa: E501 (a TOML inline table must stay on one line)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The study exported by `pycart export FILE.toml --out DIR`: (scenario, folder)."""
    folder = tmp_path_factory.mktemp("study")
    (folder / "study.toml").write_text(STUDY)
    assert main(["export", str(folder / "study.toml"), "--out", str(folder / "out")]) == 0
    return pycart.load_scenario(folder / "study.toml"), folder / "out"


def test_a_user_scenario_exports_to_valid_archives(study, capsys):
    scenario, out = study
    metrics = pycart.run_scenario(scenario).metrics().set_index("run")
    assert metrics.loc["reinfused", "reinf_given_day"] == 12.0  # both doses are given
    assert 30 < metrics.loc["reinfused", "relapse_given_day"] < 40
    assert metrics.loc["second-product", "reinf2_given_day"] == 20.0
    archives = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.omex"))
    assert archives == ["copasi/two-doses-plot1_1.omex", "copasi/two-doses-plot1_2.omex",
                        "copasi/two-doses-plot2.omex", "two-doses.omex"]
    for path in archives:
        assert check_archive(out / path) == [], path
    content = members(out / "two-doses.omex")
    assert {"cart_bm.xml", "cart_bm2.xml", "two-doses.sedml"} <= set(content)
    rdf = content["metadata.rdf"].decode()
    assert "<dc:title>two-doses</dc:title>" in rdf and "Two CAR T doses" in rdf
    assert main(["validate", str(out)]) == 0


def test_a_user_scenario_replays_in_copasi_and_roadrunner(study, tmp_path):
    """From the file to COPASI and back: every curve of every run of the exported study,
    through COPASI's archive import (plot by plot of the archive, and each one-plot
    archive as it is) and through pycart's SED-ML runner, within 1e-4 of pycart."""
    import libsedml

    pytest.importorskip("COPASI")
    from pycart.exchange.copasi import archive_views, curves, open_plot

    scenario, out = study
    expected = _view_runs(scenario)
    assert len(expected) == 3  # a plot per run (two models), the grid's scan
    path = out / "two-doses.omex"
    for view in archive_views(path):
        with open_plot(path, view) as dm:
            data = curves(dm, view)
        runs, t_end = expected[view.task]
        _agree_runs(runs, t_end, view.task, COPASI={q: v for q, v in data.items() if q != "time"})
    sedml = next(f for f in extract(path, tmp_path) if f.suffix == ".sedml")
    values = run_sedml(sedml)
    doc = libsedml.readSedMLFromFile(str(sedml))
    for task, (runs, t_end) in expected.items():
        dgs = {dg.getId(): dg.getVariable(0).getTarget().split("'")[1]
               for dg in doc.getListOfDataGenerators()
               if dg.getVariable(0).getTaskReference() == task
               and not dg.getVariable(0).isSetSymbol()}
        assert dgs, task
        _agree_runs(runs, t_end, task, libRoadRunner={q: values[dg] for dg, q in dgs.items()})
    for single in sorted((out / "copasi").glob("*.omex")):
        (view,) = archive_views(single)
        copasi = pytest.importorskip("COPASI")
        dm = copasi.CRootContainer.addDatamodel()
        try:
            assert dm.openCombineArchive(str(single))
            data = curves(dm, view)
        finally:
            copasi.CRootContainer.removeDatamodel(dm)
        runs, t_end = expected[view.task]
        _agree_runs(runs, t_end, single.name,
                    COPASI={q: v for q, v in data.items() if q != "time"})


def test_copasi_command_on_a_user_scenario(study, tmp_path, capsys):
    """`pycart copasi FILE.toml`: the ready-to-run COPASI files; the second product's file,
    run in COPASI, gives pycart's numbers, its dose on day 20 included."""
    copasi = pytest.importorskip("COPASI")
    from pycart.exchange.copasi import curves
    from pycart.exchange.sedml import View

    scenario, out = study
    toml = out.parent / "study.toml"
    assert main(["copasi", str(toml), "--out", str(tmp_path / "cps")]) == 0
    names = sorted(p.name for p in (tmp_path / "cps").iterdir())
    assert names == ["two-doses-plot1_1.cps", "two-doses-plot1_2.cps", "two-doses-plot2.cps"]
    assert capsys.readouterr().out.count("wrote ") == 3
    dm = copasi.CRootContainer.addDatamodel()
    try:
        assert dm.loadModel(str(tmp_path / "cps" / "two-doses-plot1_2.cps"))
        data = curves(dm, View("plot1_2", "task_plot1_2", "model_plot1_2", False, 60.0, 600))
    finally:
        copasi.CRootContainer.removeDatamodel(dm)
    mine = _pycart(scenario.runs[1], 60.0, ["L"])["L"]
    _agree(data["L"][0], mine, 60.0, "two-doses-plot1_2.cps L")  # the SBML id kept
    assert list(tmp_path.iterdir()) == [tmp_path / "cps"]


@pytest.mark.parametrize("args, message", [
    (["export", "nope.toml"], "nope.toml: no such file"),
    (["export", "fig99"], "unknown scenario 'fig99'"),
    (["copasi", "nope.toml"], "nope.toml: no such file"),
    (["copasi", "missing.omex"], "no such archive"),
    (["copasi", "fig5", "--plot", "plot9"], "fig5 has no plot 'plot9' (allowed: plot1, plot2, "
                                            "plot3)"),
])
def test_export_and_copasi_refuse_bad_sources(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_a_file_as_output(tmp_path, capsys):
    (tmp_path / "study.toml").write_text(STUDY)
    (tmp_path / "taken").write_text("")
    assert main(["export", str(tmp_path / "study.toml"), "--out", str(tmp_path / "taken")]) == 2
    assert "is a file (allowed: a folder)" in capsys.readouterr().err


def test_export_scenario_in_python_keeps_every_run(tmp_path):
    """pycart.export_scenario: a run no time-course panel shows gets a plot of its own."""
    scenario = pycart.Scenario("only runs", "", "", t_end=30, runs=(
        pycart.RunSpec("a", {"h": 1e10}), pycart.RunSpec("b", {"h": 1e9})),
        panels=(pycart.Panel("a only", runs=("a",)),))
    written = pycart.export_scenario(scenario, tmp_path)
    assert [p.name for p in written] == ["only_runs.omex", "only_runs-plot1.omex",
                                         "only_runs-plot2.omex"]
    assert all(check_archive(p) == [] for p in written)
    assert "h=1e9" not in members(written[0])["only_runs.sedml"].decode()  # values, not text


@pytest.mark.heavy
def test_biosimulators_utils_validates_a_user_scenario(study):
    """The user's study and its one-plot archives pass BioSimulations' validator too."""
    import os
    import shutil
    import subprocess
    import sys

    exe = shutil.which("biosimulators-utils", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("biosimulators-utils is not installed")
    _, out = study
    for path in sorted(out.rglob("*.omex")):
        done = subprocess.run([exe, "validate-project", str(path)], capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, path.name + done.stdout + done.stderr
        assert "Archive contains 1 SED-ML documents" in done.stdout
        assert "does not contain" not in done.stderr


def test_export_names_files_safely_whatever_the_scenario_name(tmp_path, capsys):
    """A hostile name cannot put files outside --out; a paper name exports that scenario."""
    text = STUDY.replace('name = "two-doses"', 'name = "../../evil/ünï code"')
    (tmp_path / "evil.toml").write_text(text, encoding="utf-8")
    out = tmp_path / "deep" / "out"
    assert main(["export", str(tmp_path / "evil.toml"), "--out", str(out)]) == 0
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.omex"))
    assert written and all(p.startswith("deep/out/") for p in written)
    assert all(check_archive(tmp_path / p) == [] for p in written)
    assert main(["export", "fig5", "--out", str(tmp_path / "f5")]) == 0
    assert (tmp_path / "f5" / "fig5.omex").is_file()
    assert members(tmp_path / "f5" / "fig5.omex")["fig5.sedml"] == members(
        Path(__file__).resolve().parents[2] / "exports" / "fig5.omex")["fig5.sedml"]


@pytest.mark.parametrize("command", ["export", "copasi", "show"])
def test_exchange_commands_have_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0 and ".toml" in capsys.readouterr().out
