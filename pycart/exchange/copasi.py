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

import atexit
import functools
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ..core.errors import PycartError
from ..core.files import atomic_path
from ..core.model import SolverSettings
from .omex import check_manifest_dtd, open_archive, read_members, text_of
from .sedml import View, plot_views


def _copasi() -> Any:
    """The COPASI module, imported with ``$TEMP`` pointing at a private folder: COPASI
    fixes its working folder (``$TEMP/copasi/<user>``, where it unpacks every archive) when
    it starts, so pycart's archives never land in a shared temporary folder."""
    if "COPASI" not in sys.modules:
        before = os.environ.get("TEMP")
        os.environ["TEMP"] = str(_private_folder())
        try:
            with warnings.catch_warnings():  # its SWIG bindings warn on import
                warnings.simplefilter("ignore")
                import COPASI  # noqa: F401
        finally:
            if before is None:
                os.environ.pop("TEMP", None)
            else:
                os.environ["TEMP"] = before
    return sys.modules["COPASI"]


@functools.cache
def _private_folder() -> Path:
    """This process's folder for COPASI's working files, removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="pycart-copasi-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def archive_views(archive: str | Path) -> list[View]:
    """The views of the plots of an archive's master SED-ML file (read in memory, within
    :mod:`pycart.exchange.omex`'s limits); :class:`PycartError` if it has none."""
    path = Path(archive)
    members = read_members(path)
    check_manifest_dtd(members, path.name)
    names = sorted(n for n in members if n.endswith(".sedml"))
    if not names:
        raise PycartError(f"{path.name}: no SED-ML file in the archive")
    views = plot_views(text_of(members[names[0]], names[0]))
    if not views:
        raise PycartError(f"{path.name}: {names[0]} has no plots (COPASI files are made "
                          "one per plot)")
    for view in views:
        model = _model_source(members[names[0]], view.model)
        if model not in members or b"<sbml" not in members[model][:4096]:
            raise PycartError(f"{path.name}: model {view.model} ({model!r}) is not an SBML "
                              "file in the archive")
    return views


def _model_source(sedml: bytes, model: str) -> str:
    import libsedml

    document = libsedml.readSedMLFromString(sedml.decode("utf-8"))  # keep it alive: the
    found = document.getModel(model)  # model is the document's, freed with it
    return found.getSource() if found is not None else ""


@contextmanager
def private_temp() -> Iterator[Path]:
    """COPASI's working folder for the duration: whatever an import leaves in it (a
    crafted archive can make COPASI leave a folder per entry) is removed at the end."""
    _copasi()
    folder = _private_folder()
    before = set(folder.rglob("*"))
    try:
        yield folder
    finally:
        for left in sorted(set(folder.rglob("*")) - before, key=lambda p: len(p.parts)):
            if left.is_dir():
                shutil.rmtree(left, ignore_errors=True)
            else:
                left.unlink(missing_ok=True)


@contextmanager
def open_plot(archive: str | Path, view: View,
              solver: SolverSettings | None = None) -> Iterator[Any]:
    """A COPASI data model holding ``view`` of ``archive``, imported by COPASI's archive
    import; for a repeated task, with the time course set from the SED-ML and ``solver``'s
    tolerances. Removed when the context ends."""
    copasi = _copasi()
    solver = solver or SolverSettings()
    path = Path(archive)
    with open_archive(path):  # refuse a hostile archive before COPASI unpacks it
        pass
    with private_temp():
        dm = copasi.CRootContainer.addDatamodel()
        try:
            _import(copasi, dm, path, view, solver)
            yield dm
        finally:
            copasi.CRootContainer.removeDatamodel(dm)


def _import(copasi: Any, dm: Any, path: Path, view: View, solver: SolverSettings) -> None:
    """COPASI's import of ``view``'s task, model and plot into ``dm``; for a repeated task,
    with the time course set from the SED-ML and ``solver``'s tolerances."""
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


def curves(dm: Any, view: View) -> dict[str, np.ndarray]:
    """Run the view's task in ``dm`` and return what its plot draws: time and each curve's
    quantity by SBML id (by name for an element without one, as in a COPASI file saved
    without its SBML reference), one row per run (scan value), one column per time point."""
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
    # a COPASI file saved without its SBML reference keeps names, not SBML ids
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
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for view in views:
            if plots and view.plot not in plots:
                continue
            several = sum(v.plot == view.plot for v in views) > 1
            target = folder / (f"{path.stem}-{view.plot}" + (f"-{view.task}" if several else "")
                               + ".cps")
            written.append(save_plot(path, view, target))
    except BaseException:
        if made and not written and not any(folder.iterdir()):
            folder.rmdir()  # a refused archive leaves nothing behind
        raise
    return written


def save_plot(archive: str | Path, view: View, target: str | Path) -> Path:
    """Save ``view`` of ``archive``, as :func:`open_plot` imports it, as COPASI file
    ``target``, keeping the SBML id of every element (its ``SBMLReference``). A link at
    ``target`` is replaced, never written through."""
    given = Path(target)
    # absolute, as COPASI reads a relative path against its own folder; the folder is
    # resolved, the name is not: a link named like the file is replaced, not followed
    target = given.parent.resolve() / given.name
    source = _sbml_source(Path(archive), view)
    with atomic_path(target) as tmp:
        with open_plot(archive, view) as dm:
            # COPASI writes the SBML id of each element (its SBMLReference) only for a model
            # with an SBML file name, which its archive import leaves empty: without it an
            # edited model would come back from COPASI with ids made from names
            dm.setSBMLFileName(str(target.parent / source))
            saved = dm.saveModel(str(tmp), True)
        if not saved or not _complete(tmp):  # COPASI says yes on a full disk
            raise OSError(f"COPASI could not write {target} completely (is the disk full?)")
    return given


def _sbml_source(archive: Path, view: View) -> str:
    """The file name of the SBML model ``view`` plots, as the archive names it."""
    members = read_members(archive)
    names = sorted(n for n in members if n.endswith(".sedml"))
    source = ""
    if names and text_of(members[names[0]], names[0]):  # one line if it is not UTF-8
        source = _model_source(members[names[0]], view.model)
    if source not in members:
        raise PycartError(f"{archive.name}: model {view.model} is not a file in the archive")
    return PurePosixPath(source).name


def _complete(path: Path) -> bool:
    """A COPASI file written to its end (``</COPASI>``) and flushed to disk."""
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - 64))
        complete = b"</COPASI>" in handle.read()
        os.fsync(handle.fileno())
    return complete
