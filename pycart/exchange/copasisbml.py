"""An SBML model loaded directly in COPASI (python-copasi, pycart's own dependency): species
amounts at given times, as COPASI's time course computes them, for ``pycart
compatibility``'s table beside the tools that run in environments of their own."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core.errors import PycartError
from ..core.model import SolverSettings
from .copasi import _copasi, private_temp


def copasi_time_course(sbml: str, times: Sequence[float]) -> dict[str, np.ndarray]:
    """Every species' amount (and every other quantity COPASI records, by SBML id) of
    ``sbml`` at ``times`` (from 0, on a regular grid, which COPASI's time course outputs):
    LSODA at pycart's tolerances, ten times its step limit (COPASI counts steps per output
    interval). At a dose's day, the values after the dose."""
    grid = np.asarray(times, dtype=float)
    step = float(np.min(np.diff(grid))) if grid.size > 1 else 1.0
    steps = int(round(grid[-1] / step))
    if grid[0] != 0.0 or not np.allclose(grid / step, np.round(grid / step), atol=1e-9):
        raise PycartError(f"times {list(times)}: COPASI's time course outputs a regular "
                          "grid from 0 (allowed: times on such a grid)")
    copasi = _copasi()
    solver = SolverSettings()
    with private_temp():
        dm = copasi.CRootContainer.addDatamodel()
        try:
            if not dm.importSBMLFromString(sbml):
                raise PycartError("COPASI could not import the SBML model")
            task = dm.getTask("Time-Course")
            problem = task.getProblem()
            problem.setDuration(float(grid[-1]))
            problem.setStepNumber(steps)
            problem.setTimeSeriesRequested(True)
            method = task.getMethod()
            method.getParameter("Relative Tolerance").setDblValue(solver.relative_tolerance)
            method.getParameter("Absolute Tolerance").setDblValue(solver.absolute_tolerance)
            method.getParameter("Max Internal Steps").setIntValue(
                10 * solver.maximum_num_steps)
            if not (task.initializeRaw(copasi.CCopasiTask.OUTPUT_UI)
                    and task.processRaw(True)):
                raise PycartError("COPASI could not run the time course")
            return _amounts(task.getTimeSeries(), dm, grid)
        finally:
            copasi.CRootContainer.removeDatamodel(dm)


def _amounts(series, dm, grid: np.ndarray) -> dict[str, np.ndarray]:
    """The recorded values at ``grid`` (the last row at each time: after a dose there), by
    SBML id; species' particle numbers divided by the model's quantity-to-number factor
    (1 for pycart's models, whose substance unit is the item)."""
    factor = dm.getModel().getQuantity2NumberFactor()
    rows = series.getRecordedSteps()
    table = np.array([[series.getData(k, i) for i in range(series.getNumVariables())]
                      for k in range(rows)])
    picked = [int(np.flatnonzero(np.isclose(table[:, 0], t, rtol=0, atol=1e-9))[-1])
              for t in grid]
    species = {dm.getModel().getMetabolite(i).getSBMLId()
               for i in range(dm.getModel().getNumMetabs())}
    out = {"time": table[picked, 0]}
    for i in range(1, series.getNumVariables()):
        sid = series.getSBMLId(i, dm)
        out[sid] = table[picked, i] / (factor if sid in species else 1.0)
    return out


__all__ = ["copasi_time_course"]
