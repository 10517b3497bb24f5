"""COMBINE archives: current, valid, safe to read, and runnable in libRoadRunner (pycart's
SED-ML runner) and COPASI with pycart's numbers."""

from __future__ import annotations

import warnings
import zipfile

import numpy as np
import pytest

import pycart
from pycart.cli import main
from pycart.errors import PycartError
from pycart.export import export
from pycart.omex import extract, write_archive
from pycart.paper import SCENARIOS, paper_scenario
from pycart.scenario import OUTPUT_STEP
from pycart.sedml import sid
from pycart.sedrun import run_sedml
from pycart.validation import check_archive, check_path

#: Days the paper reports on (Figures 3-8 and the text): compared across simulators.
DAYS = (10.0, 20.0, 30.0, 60.0, 90.0, 120.0, 180.0)


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def test_committed_exports_are_what_pycart_export_writes(root, tmp_path):
    written = [p for p in export(tmp_path) if p.suffix == ".omex"]
    assert sorted(p.name for p in written) == sorted(f"{n}.omex" for n in SCENARIOS)
    for path in written:
        committed = root / "exports" / path.name
        assert committed.exists(), f"run 'pycart export' and commit {path.name}"
        assert members(committed) == members(path), f"{path.name} is not current"


def test_export_is_reproducible_to_the_byte(tmp_path):
    a = [p for p in export(tmp_path / "a") if p.suffix == ".omex"]
    b = [p for p in export(tmp_path / "b") if p.suffix == ".omex"]
    assert len(a) == len(SCENARIOS)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_committed_archive_is_valid(root, name):
    path = root / "exports" / f"{name}.omex"
    assert check_archive(path) == []
    content = members(path)
    assert {"manifest.xml", "metadata.rdf", f"{name}.sedml", "cart_bm.xml"} <= set(content) or (
        "cart_bm2.xml" in content)
    manifest = content["manifest.xml"].decode()
    assert '<content location="." format="http://identifiers.org/combine.specifications/omex"/>' \
        in manifest
    assert "sed-ml.level-1.version-4" not in manifest  # COPASI reads the generic tag only
    sedml = content[f"{name}.sedml"].decode()
    for kisao in ("KISAO:0000019", "KISAO:0000209", "KISAO:0000211", "KISAO:0000415"):
        assert kisao in sedml
    assert 'term="KISAO:0000836"' in sedml


def test_validate_command_is_clean_on_the_checkout(root, capsys):
    assert main(["validate", str(root)]) == 0
    assert capsys.readouterr().out.strip().endswith("0 errors, 0 warnings")


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


def _dense_runs(name):
    scenario = paper_scenario(name)
    result = pycart.run_scenario(scenario, resolution=1)
    return scenario, result


WITH_RUNS = [n for n in SCENARIOS if SCENARIOS[n]().runs]


@pytest.mark.parametrize("name", WITH_RUNS)
def test_sedml_runs_in_roadrunner_with_pycart_numbers(root, tmp_path, name):
    files = extract(root / "exports" / f"{name}.omex", tmp_path)
    values = run_sedml(next(f for f in files if f.suffix == ".sedml"))
    scenario, result = _dense_runs(name)
    rows = [int(round(d / OUTPUT_STEP)) for d in DAYS if d <= scenario.t_end]
    for run in scenario.runs:
        ours = result.runs[run.label].trajectory
        for series, columns in (("L", ["L"]), ("CA", ["CA", "CA2"])):
            key = f"dg_{sid(run.label)}_{series}"
            if key not in values:
                continue
            theirs = values[key][rows]
            mine = ours[[c for c in columns if c in ours.columns]].sum(axis=1).to_numpy()[rows]
            mask = mine > 1e-6
            np.testing.assert_allclose(theirs[mask], mine[mask], rtol=1e-4,
                                       err_msg=f"{name} {run.label} {series}")


def test_grid_slices_run_as_repeated_tasks(root, tmp_path, model):
    files = extract(root / "exports" / "fig6.omex", tmp_path)
    values = run_sedml(next(f for f in files if f.suffix == ".sedml"))
    L = values["dg_grid_alpha_h_L"]
    assert L.shape == (10, 301)
    alphas = np.logspace(np.log10(3e-11), np.log10(3e-9), 10)
    h = float(np.logspace(8, 11, 200)[100])
    direct = model.simulate({"alpha": alphas[3], "h": h, "rhoA": 0.9}, t_end=30, points=2)
    assert L[3, -1] == pytest.approx(direct["L"].iloc[-1], rel=1e-4)


def _copasi(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copasi = pytest.importorskip("COPASI")
    dm = copasi.CRootContainer.addDatamodel()
    try:
        assert dm.openCombineArchive(str(path))
        task = dm.getTask("Time-Course")
        problem = task.getProblem()
        problem.setTimeSeriesRequested(True)
        method = task.getMethod()
        method.getParameter("Relative Tolerance").setDblValue(1e-10)
        method.getParameter("Absolute Tolerance").setDblValue(1e-14)
        method.getParameter("Max Internal Steps").setIntValue(2_000_000)
        assert task.process(True)
        series = task.getTimeSeries()
        model = dm.getModel()
        ids = {model.getMetabolite(i).getObjectName(): model.getMetabolite(i).getSBMLId()
               for i in range(model.getNumMetabs())}
        names = [series.getTitle(i) for i in range(series.getNumVariables())]
        data = {ids.get(n, n): np.array([series.getData(k, i)
                                         for k in range(series.getRecordedSteps())])
                for i, n in enumerate(names)}
        plots = [dm.getPlotSpecification(i).getObjectName()
                 for i in range(dm.getNumPlotSpecifications())]
        return data, plots
    finally:
        copasi.CRootContainer.removeDatamodel(dm)


@pytest.mark.parametrize("name", WITH_RUNS)
def test_copasi_opens_the_archive_and_gives_pycart_numbers(root, name):
    """COPASI's own archive import (first model of the SED-ML and its time course, its
    plots): L and CA at the paper's days within 1e-4 of pycart."""
    data, plots = _copasi(root / "exports" / f"{name}.omex")
    scenario = paper_scenario(name)
    assert len(plots) == sum(p.kind == "timecourse" for p in scenario.panels) + len(
        scenario.grids)
    first = scenario.runs[0]
    ours = pycart.Model(first.model).run(first.parameters, first.initial, scenario.t_end,
                                          int(round(scenario.t_end / OUTPUT_STEP)) + 1)
    rows = [int(round(d / OUTPUT_STEP)) for d in DAYS if d <= scenario.t_end]
    for species in ("L", "CA"):
        theirs = data[species][rows]
        mine = ours.trajectory[species].to_numpy()[rows]
        mask = mine > 1e-6
        np.testing.assert_allclose(theirs[mask], mine[mask], rtol=1e-4, err_msg=species)


def test_biomodels_folder(root, tmp_path):
    """SBML, SED-ML, a COPASI file, curation notes and the figure; no archive, no manifest;
    text files current; the COPASI file runs Figure 3 to pycart's numbers."""
    from pycart.export import BIOMODELS_TEXT, export_biomodels

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


@pytest.mark.heavy
@pytest.mark.parametrize("name", list(SCENARIOS))
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
    done = subprocess.run([exe, "validate-project", str(root / "exports" / f"{name}.omex")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Archive contains 1 SED-ML documents" in done.stdout
    assert "does not contain" not in done.stderr  # every metadata statement was understood
