"""pycart's archives as COPASI shows them: one plot at a time, through COPASI's own import.

COPASI imports one model and one task of a SED-ML file at a time (its import dialog asks
which; python-copasi takes ``SedmlImportOptions``). :func:`open_plot` imports the task,
model and plot of a :class:`~pycart.exchange.sedml.View` that way and adds the one setting COPASI
4.48 leaves out: the time course of a chosen repeated task, which its importer does not
read (``SEDMLImporter::importTask`` reads a simulation for plain tasks only).
:func:`plot_curves` runs the plot's task and returns the curves as COPASI draws them;
:func:`write_copasi_files` saves one COPASI file per plot, ready to run in COPASI's GUI.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import PycartError
from ..core.model import SolverSettings
from .omex import safe_members
from .sedml import View, plot_views


def _copasi() -> Any:
    with warnings.catch_warnings():  # its SWIG bindings warn on import
        warnings.simplefilter("ignore")
        import COPASI
    return COPASI


def archive_views(archive: str | Path) -> list[View]:
    """The views of the plots of an archive's master SED-ML file (read in memory)."""
    path = Path(archive)
    try:
        with zipfile.ZipFile(path) as zf:
            safe_members(zf)
            names = [n for n in zf.namelist() if n.endswith(".sedml")]
            if not names:
                raise PycartError(f"{path.name}: no SED-ML file in the archive")
            return plot_views(zf.read(names[0]).decode())
    except (zipfile.BadZipFile, OSError) as exc:
        raise PycartError(f"{path}: not a readable archive ({exc})") from None


@contextmanager
def open_plot(archive: str | Path, view: View,
              solver: SolverSettings | None = None) -> Iterator[Any]:
    """A COPASI data model holding ``view`` of ``archive``, imported by COPASI's archive
    import; for a repeated task, with the time course set from the SED-ML and ``solver``'s
    tolerances. Removed when the context ends."""
    copasi = _copasi()
    solver = solver or SolverSettings()
    path = Path(archive)
    with zipfile.ZipFile(path) as zf:  # refuse entries pointing outside before COPASI unpacks
        safe_members(zf)
    dm = copasi.CRootContainer.addDatamodel()
    try:
        options = copasi.SedmlImportOptions(view.task, view.model, [view.plot], "", "")
        if not dm.openCombineArchive(str(path), None, True, options):
            raise PycartError(f"COPASI could not import {view.task} of {path.name}")
        tasks = dm.getTaskList()
        for i in range(tasks.size()):  # running must not write report files
            tasks.get(i).getReport().setTarget("")
        if view.repeated:
            course = dm.getTask("Time-Course")
            course.getProblem().setDuration(view.t_end)
            course.getProblem().setStepNumber(view.steps)
            method = course.getMethod()
            method.getParameter("Relative Tolerance").setDblValue(solver.relative_tolerance)
            method.getParameter("Absolute Tolerance").setDblValue(solver.absolute_tolerance)
            method.getParameter("Max Internal Steps").setIntValue(solver.maximum_num_steps)
        yield dm
    finally:
        copasi.CRootContainer.removeDatamodel(dm)


def curves(dm: Any, view: View) -> dict[str, np.ndarray]:
    """Run the view's task in ``dm`` and return what its plot draws: time and each curve's
    quantity by SBML id (by name in a model loaded from a COPASI file, which keeps no SBML
    ids), one row per run (scan value), one column per time point."""
    copasi = _copasi()
    if dm.getNumPlotSpecifications() != 1:
        raise PycartError(f"COPASI imported {dm.getNumPlotSpecifications()} plots, not 1")
    plot = dm.getPlotSpecification(0)
    channels: list[str] = []
    for j in range(plot.getItems().size()):
        item = plot.getItem(j)
        for k in range(item.getNumChannels()):
            cn = item.getChannels()[k].getString()
            if cn not in channels:
                channels.append(cn)
    handler = copasi.CDataHandler()
    for cn in channels:
        handler.addDuringName(copasi.CRegisteredCommonName(cn))
    task = dm.getTask("Scan" if view.repeated else "Time-Course")
    dm.addInterface(handler)
    try:
        if not (task.initializeRaw(copasi.CCopasiTask.OUTPUT_UI) and task.processRaw(True)):
            raise PycartError(f"COPASI could not run {view.task}")
    finally:
        dm.removeInterface(handler)
    rows = np.array([list(handler.getNthRow(i)) for i in range(handler.getNumRowsDuring())])
    model = dm.getModel()
    # a model loaded from a COPASI file keeps names, not SBML ids
    ids = {v.getObjectName(): v.getSBMLId() or v.getObjectName()
           for v in (model.getModelValue(i) for i in range(model.getNumModelValues()))}
    for i in range(model.getNumMetabs()):  # COPASI's "<species> (amount)" is the species
        m = model.getMetabolite(i)
        ids[m.getObjectName()] = ids[f"{m.getObjectName()} (amount)"] = (
            m.getSBMLId() or m.getObjectName())
    runs = np.split(rows, np.flatnonzero(np.diff(rows[:, 0]) < 0) + 1)
    out = {}
    for k, cn in enumerate(channels):
        if cn.endswith("Reference=Time"):
            key = "time"
        else:
            name = cn.split("Values[", 1)[1].rsplit("],Reference", 1)[0].replace("\\,", ",")
            key = ids[name]
        out[key] = np.array([r[:, k] for r in runs])
    return out


def plot_curves(archive: str | Path, view: View,
                solver: SolverSettings | None = None) -> dict[str, np.ndarray]:
    """The curves of ``view``'s plot as COPASI computes them (see :func:`curves`)."""
    with open_plot(archive, view, solver) as dm:
        return curves(dm, view)


def write_copasi_files(archive: str | Path, out: str | Path,
                       plots: list[str] | None = None) -> list[Path]:
    """One COPASI file per plot of ``archive`` (or per plot in ``plots``) in folder ``out``,
    named ``<archive>-<plot>[-<task>].cps``: COPASI's import of the plot's task with the
    time course set, ready to run in COPASI (Time-Course, or Scan for a repeated task)."""
    path = Path(archive)
    views = archive_views(path)
    known = sorted({v.plot for v in views}, key=lambda p: (len(p), p))
    unknown = [p for p in plots or [] if p not in known]
    if unknown:
        raise PycartError(f"{path.name} has no plot {unknown[0]!r} (allowed: "
                          f"{', '.join(known)})")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise PycartError(f"output {str(folder)!r} is a file (allowed: a folder)")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for view in views:
        if plots and view.plot not in plots:
            continue
        several = sum(v.plot == view.plot for v in views) > 1
        target = folder / (f"{path.stem}-{view.plot}" + (f"-{view.task}" if several else "")
                           + ".cps")
        written.append(save_plot(path, view, target))
    return written


def save_plot(archive: str | Path, view: View, target: str | Path) -> Path:
    """Save ``view`` of ``archive``, as :func:`open_plot` imports it, as COPASI file
    ``target``."""
    with open_plot(archive, view) as dm:  # COPASI reads a relative path against its own
        if not dm.saveModel(str(Path(target).resolve()), True):  # folder, not the cwd
            raise PycartError(f"COPASI could not write {target}")
    return Path(target)
