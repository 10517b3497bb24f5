"""One patient's runs for a fit: the model under the patient's fixed values and dose
schedule, at many points of the estimated names at once.

:class:`RunSimulator` simulates on the fast path in batches (:mod:`pycart.analysis.fdjac`:
every point of a finite-difference Jacobian in one call), with its own RoadRunner for what
the fast path does not compute (a share such as ``Lshare``, or ``solver="roadrunner"``).
Every likelihood of :mod:`pycart.analysis.likelihood` simulates through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from typing import Any

import numpy as np

from ..core.errors import SimulationError
from ..core.model import SolverSettings, load_roadrunner, run_roadrunner
from ..core.resources import sbml_text
from ..core.schedule import initial_amounts, slot_values, slots
from ..core.variants import variant_sbml


class RunSimulator:
    """The runs of one problem (``problem``: a :class:`~pycart.analysis.fit.FitProblem`,
    whose ``estimate`` are the names a point gives, in log10): ``solver`` "auto", "fast" or
    "roadrunner", as sweeps take it; ``settings``: the RoadRunner's CVODE settings."""

    def __init__(self, problem: Any, settings: SolverSettings | None = None,
                 solver: str = "auto") -> None:
        import roadrunner

        from .fdjac import Simulations

        roadrunner.Logger.setLevel(roadrunner.Logger.LOG_FATAL)
        self.problem = problem
        self.rr = load_roadrunner(variant_sbml(problem.model, slots(problem.doses)))
        # the schedule's slots and day-0 amounts, set on every run after the rest
        self.dosing = {**slot_values(problem.doses), **initial_amounts(
            problem.doses, model_values(problem.model) | dict(problem.initial),
            explicit={*problem.initial, *problem.estimate})}
        (settings or SolverSettings()).apply(self.rr)
        self.rr.integrator.variable_step_size = False
        self.batches = Simulations(problem, solver)

    def simulate(self, x: np.ndarray, times: np.ndarray, selections: Sequence[str]
                 ) -> np.ndarray:
        """``selections`` (columns) at ``times`` for log10 values ``x`` of the estimated
        names; raises :class:`SimulationError` where every solver failed."""
        p = self.problem
        grid = np.asarray(times, dtype=float)
        if self.batches.covers(selections):
            out = self.simulate_many(np.asarray(x)[None, :], grid, selections)[0]
            if np.isnan(out).any():
                raise SimulationError("the solver failed (fast path and libRoadRunner)")
            return out
        pad = grid[0] > 0  # a run always starts at day 0
        names = list(selections)  # counts and shares: never below 0
        values = [*p.parameters.items(),
                  *((name, 10.0 ** value) for name, value in zip(p.estimate, x, strict=True)),
                  *p.initial.items(), *self.dosing.items()]
        out = run_roadrunner(self.rr, np.concatenate([[0.0], grid]) if pad else grid, names,
                             values, len(names))
        return out[int(pad):]

    def simulate_many(self, X: np.ndarray, times: np.ndarray, selections: Sequence[str]
                      ) -> np.ndarray:
        """:meth:`simulate` for every row of ``X`` at once (points x times x selections),
        NaN where the solver failed at a point: one call to the fast path where it covers
        the selections, else one RoadRunner run per row."""
        grid = np.asarray(times, dtype=float)
        names = list(selections)
        if self.batches.covers(names):
            return self.batches.values(X, grid, names)
        out = np.full((len(X), len(grid), len(names)), np.nan)
        for i, x in enumerate(X):
            with suppress(SimulationError):
                out[i] = self.simulate(x, grid, names)
        return out


def model_values(model: str) -> dict[str, float]:
    """Every parameter's and species' value in ``model``'s SBML."""
    import libsbml

    doc = libsbml.readSBMLFromString(sbml_text(model)).getModel()
    return {**{p.getId(): p.getValue() for p in doc.getListOfParameters()},
            **{s.getId(): s.getInitialAmount() for s in doc.getListOfSpecies()}}
