"""The simulator: one libRoadRunner instance, loaded once, with trusted integrator settings."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import roadrunner

from .errors import SimulationError
from .inputs import check_horizon, check_initial, check_parameters, check_points, default_points
from .metrics import Summary, summarize
from .names import PARAMETERS, RESPONSE_DAY, SPECIES, TIME, TRAJECTORY_COLUMNS
from .resources import sbml_text

#: Largest negative amount (cells) accepted as round-off and reported as 0 (seen: ~1e-22).
#: Anything more negative is a solver failure, never a result.
NEGATIVE_ROUNDOFF = 1e-9

#: Spacing (days) of the dense grid the summary metrics are computed on.
DENSE_STEP = 0.01
_MAX_DENSE_POINTS = 200_001


@dataclass(frozen=True)
class SolverSettings:
    """CVODE settings, chosen from the numerical facts of this model.

    L falls by 14 orders of magnitude (2e11 to ~1e-3 cells) and the responder test lives
    down there, so the absolute tolerance is a per-species vector (libRoadRunner would scale
    a single value by each species' initial magnitude) and the relative tolerance is tight.
    BDF (``stiff=True``) is the default: with the paper's readings Adams is as accurate and
    as fast, but the printed form of F drives CAR T to ~1e26 cells, where killing becomes
    stiff and Adams stops with CV_TOO_MUCH_WORK. ``tests/test_accuracy.py`` checks both
    methods against an independent solver.
    """

    relative_tolerance: float = 1e-10
    absolute_tolerance: float = 1e-14
    maximum_num_steps: int = 200_000
    stiff: bool = True

    def kisao(self) -> dict[str, str]:
        """The settings as KiSAO algorithm parameters (for SED-ML)."""
        return {
            "KISAO:0000209": repr(self.relative_tolerance),
            "KISAO:0000211": repr(self.absolute_tolerance),
            "KISAO:0000415": str(self.maximum_num_steps),
        }


@dataclass(frozen=True)
class Run:
    """One simulation: the trajectory on the requested grid, and its summary metrics."""

    trajectory: pd.DataFrame
    summary: Summary
    parameters: dict[str, float] = field(default_factory=dict)
    initial: dict[str, float] = field(default_factory=dict)


class Model:
    """The paper's model, loaded once into libRoadRunner.

    Every call starts from the model's defaults with the given parameters and initial amounts
    applied on top, so calls never leak into each other.
    """

    def __init__(self, sbml: str | None = None, solver: SolverSettings | None = None) -> None:
        self.solver = solver or SolverSettings()
        self._rr = roadrunner.RoadRunner(sbml if sbml is not None else sbml_text())
        missing = [s for s in SPECIES if s not in self._rr.model.getFloatingSpeciesIds()]
        if missing:
            raise SimulationError(f"the SBML model lacks species {missing}")
        self._selections = [TIME, *SPECIES]
        self._default_parameters = {p: float(self._rr.getValue(p)) for p in PARAMETERS}
        self._default_initial = {s: float(self._rr.getValue(f"init({s})")) for s in SPECIES}
        self._configure()

    def _configure(self) -> None:
        integrator = self._rr.integrator
        integrator.relative_tolerance = self.solver.relative_tolerance
        n_states = len(integrator.getAbsoluteToleranceVector())
        integrator.absolute_tolerance = [self.solver.absolute_tolerance] * n_states
        integrator.maximum_num_steps = self.solver.maximum_num_steps
        integrator.stiff = self.solver.stiff
        integrator.variable_step_size = False

    @property
    def default_parameters(self) -> dict[str, float]:
        """Parameter values of the model as written (Table 1, Figure 3's alpha and h)."""
        return dict(self._default_parameters)

    @property
    def default_initial(self) -> dict[str, float]:
        """Initial amounts of the model as written (Figure 3's state), in cells."""
        return dict(self._default_initial)

    def integrate(self, times: np.ndarray, parameters: Mapping[str, float] | None = None,
                  initial: Mapping[str, float] | None = None) -> np.ndarray:
        """Amounts at ``times`` (increasing, from 0) as an array, one column per species.

        Inputs must already be validated. One ``simulate`` call covers the whole run.
        """
        rr = self._rr
        rr.resetAll()
        # Every parameter and amount is set on every call, at time 0 after resetAll(), so no
        # earlier call can leak in. (Setting init(X) instead would survive resetAll(), and a
        # reset() after it would undo the parameters.)
        for name, value in (self._default_parameters | dict(parameters or {})).items():
            rr.setValue(name, value)
        for name, value in (self._default_initial | dict(initial or {})).items():
            rr.setValue(name, value)
        try:
            result = rr.simulate(times=np.asarray(times, dtype=float), selections=self._selections)
        except RuntimeError as exc:
            raise SimulationError(f"the solver failed: {' '.join(str(exc).split())}") from None
        values = np.array(result, dtype=float)[:, 1:]
        return _checked(values, times)

    def run(self, parameters: Mapping[str, object] | None = None,
            initial: Mapping[str, object] | None = None, t_end: object = 180.0,
            points: object | None = None) -> Run:
        """Simulate to ``t_end`` days; return the trajectory on ``points`` equally spaced times
        and the summary metrics, computed on a dense grid in the same solver call."""
        params, init, grid = _request(parameters, initial, t_end, points)
        horizon, n = float(grid[-1]), len(grid)
        n_dense = min(_MAX_DENSE_POINTS, int(math.ceil(horizon / DENSE_STEP)) + 1)
        extra = [RESPONSE_DAY] if horizon >= RESPONSE_DAY else []
        times, inverse = np.unique(
            np.concatenate([grid, np.linspace(0.0, horizon, n_dense), extra]), return_inverse=True)
        values = self.integrate(times, params, init)
        dense = _frame(times, values)
        trajectory = dense.iloc[inverse[:n]].reset_index(drop=True)
        return Run(trajectory, summarize(dense), params, init)

    def simulate(self, parameters: Mapping[str, object] | None = None,
                 initial: Mapping[str, object] | None = None, t_end: object = 180.0,
                 points: object | None = None) -> pd.DataFrame:
        """Simulate to ``t_end`` days; return columns ``time,B0,B1,B2,B3,L,CA,CM`` (cells)
        on ``points`` equally spaced times (default: one a day)."""
        params, init, grid = _request(parameters, initial, t_end, points)
        return _frame(grid, self.integrate(grid, params, init))


def _request(parameters: Mapping[str, object] | None, initial: Mapping[str, object] | None,
             t_end: object, points: object | None
             ) -> tuple[dict[str, float], dict[str, float], np.ndarray]:
    """Validate a request; return parameters, initial amounts and the output grid."""
    horizon = check_horizon(t_end)
    n = default_points(horizon) if points is None else check_points(points)
    return (check_parameters(parameters), check_initial(initial),
            np.linspace(0.0, horizon, n))


def _frame(times: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(np.column_stack([times, values]), columns=list(TRAJECTORY_COLUMNS))


def _checked(values: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Refuse a negative amount beyond round-off; set round-off negatives to zero."""
    low = values.min(initial=0.0)
    if low < -NEGATIVE_ROUNDOFF:
        row, col = np.unravel_index(int(np.argmin(values)), values.shape)
        raise SimulationError(
            f"negative cell count {low:.3g} for {SPECIES[col]} at day {times[row]:.4g}: "
            "the solver's result cannot be trusted (tighten the tolerances)")
    np.maximum(values, 0.0, out=values)
    return values


def simulate(parameters: Mapping[str, object] | None = None,
             initial: Mapping[str, object] | None = None, t_end: object = 180.0,
             points: object | None = None) -> pd.DataFrame:
    """Load the model and simulate once; see :meth:`Model.simulate`. For many runs, build a
    :class:`Model` once and call its methods."""
    return Model().simulate(parameters, initial, t_end, points)
