"""The fast path of sweeps: many points per call into compiled code, roadrunner as the net.

:class:`FastSimulator` computes a chunk of sweep points with the compiled kernel
(:mod:`pycart.scale.kernel`: the model's right-hand side generated from the SBML and the
DOP853 integrator of :mod:`pycart.scale.dop853`) and returns the same columns as
:class:`~pycart.scale.sweep.PointSimulator`. Where it cannot vouch for a number it does not
give one:

- a point with a dose (an SBML event that adds cells) goes to libRoadRunner, which runs the
  events (``--solver auto``); ``--solver fast`` refuses such a sweep up front;
- a point where the integrator stops (too many steps, a step size collapse, a non-finite or a
  negative amount: the stiff printed-F variant, where CAR T reach 1e26 cells, is one) is
  recomputed with libRoadRunner's BDF and marked in ``message``.

:func:`simulate_points` is the Python entry for sensitivity analysis and fitting: a matrix
of parameter values (or initial amounts) in, the outputs of every point out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..core.errors import PycartError
from ..core.names import CAR_T, MODELS, PARAMETERS, RESPONSE_DAY
from .kernel import Kernel, fast_obstacle, load_kernel
from .sweep import Dimension, PointSimulator, Sweep, result_columns, sample_times

#: The integrator's tolerances: relative, and absolute in cells per species. Checked by
#: the tests and ``pycart bench`` against the independent solver (L30 within 1e-6; Figure 7's
#: 4000 patients are within 2e-8 at 1e-8, more accurate than the roadrunner path's 1e-7).
FAST_RTOL = 1e-8
FAST_ATOL = 1e-14
#: Steps before a point is handed to libRoadRunner (Figure 7's patients take ~68).
FAST_MAX_STEPS = 20_000

STATUS_TEXT = ("ok", "too many steps", "step size collapse", "a non-finite value",
               "a negative amount")


def simulator_for(sweep: Sweep) -> FastSimulator | PointSimulator:
    """The simulator of ``sweep``'s points: the fast path unless the sweep asks for
    libRoadRunner, or (``auto``) the fast path cannot run it at all or the sweep wants the
    relapse day (a dense sample the fast path does not take)."""
    if sweep.solver == "roadrunner" or (sweep.solver == "auto" and (
            sweep.relapse or fast_obstacle(sweep.model))):
        return PointSimulator(sweep)
    return FastSimulator(sweep)


class BDFSimulator(PointSimulator):
    """libRoadRunner with BDF from the start: the fallback of a point the fast path could not
    integrate (it is stiff there)."""

    def _simulate(self, point: np.ndarray) -> np.ndarray:
        self.rr.integrator.stiff = True
        return super()._simulate(point)


class FastSimulator:
    """The fast path for one sweep (built once per worker): same inputs and columns as
    :class:`PointSimulator`, many points per compiled call."""

    def __init__(self, sweep: Sweep, kernel: Kernel | None = None) -> None:
        self.sweep = sweep
        self.kernel = kernel or load_kernel(sweep.model)
        k = self.kernel
        if k.species != MODELS[sweep.model]:
            raise PycartError(f"the generated right-hand side of {sweep.model} has species "
                              f"{k.species} (run 'pycart build')")
        self.p0 = k.p0.copy()
        for name, value in sweep.parameters.items():
            self.p0[k.parameters.index(name)] = value
        self.y0 = k.y0.copy()
        for name, value in sweep.initial.items():
            self.y0[k.species.index(name)] = value
        self.targets = [(name in k.species, (k.species if name in k.species else
                                             k.parameters).index(name))
                        for name in (d.name for d in sweep.dimensions)]
        self.times = sample_times(sweep)
        self.car = np.array([k.species.index(s) for s in CAR_T if s in k.species], dtype=np.int64)
        self.doses = [k.parameters.index(d) for d in k.dose_parameters]
        self.atol = np.full(len(k.species), FAST_ATOL)
        self._roadrunner: dict[str, PointSimulator] = {}

    def inputs(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Parameter rows, initial states, and which points need libRoadRunner (doses)."""
        n = len(points)
        P = np.repeat(self.p0[None, :], n, axis=0)
        Y0 = np.repeat(self.y0[None, :], n, axis=0)
        for j, (is_species, index) in enumerate(self.targets):
            (Y0 if is_species else P)[:, index] = points[:, j]
        if not self.kernel.events_are_doses:
            routed = np.ones(n, dtype=bool)
        else:
            routed = (P[:, self.doses] != 0.0).any(axis=1) if self.doses else np.zeros(n, bool)
        return P, Y0, routed

    def integrate(self, P: np.ndarray, Y0: np.ndarray) -> tuple[np.ndarray, ...]:
        """Run the kernel on every row: states at the output times, peaks, status codes,
        day reached."""
        n = len(P)
        out = np.zeros((n, len(self.times), len(self.kernel.species)))
        peaks = np.zeros((n, 3))
        status = np.zeros(n, dtype=np.int64)
        reached = np.zeros(n)
        self.kernel.batch(np.ascontiguousarray(P), np.ascontiguousarray(Y0), self.times,
                          self.car, bool(self.sweep.peak), FAST_RTOL, self.atol,
                          FAST_MAX_STEPS, out, peaks, status, reached)
        np.maximum(out, 0.0, out=out)  # round-off (the kernel stops below -NEGATIVE_ROUNDOFF)
        return out, peaks, status, reached

    def evaluate(self, start: int, points: np.ndarray) -> pd.DataFrame:
        """The result rows of ``points`` (numbered from ``start``)."""
        points = np.asarray(points, dtype=float).reshape(len(points), len(self.targets))
        P, Y0, routed = self.inputs(points)
        out, peaks, status, reached = self.integrate(P, Y0)
        columns = self._columns(start, points, out, peaks)
        names = self.sweep.columns()
        for i in np.flatnonzero(routed | (status != 0)):
            if routed[i]:
                row = self._simulator("roadrunner")._one(start + int(i), points[i])
                note = "roadrunner: dose events"
            else:
                row = self._simulator("bdf")._one(start + int(i), points[i])
                note = (f"fast path stopped at day {reached[i]:.6g} ({STATUS_TEXT[status[i]]}); "
                        "recomputed with roadrunner BDF")
            row[-1] = f"{note}: {row[-1]}" if row[-1] else note
            for name, value in zip(names, row):
                columns[name][i] = value
        return pd.DataFrame(columns, columns=names)

    def _simulator(self, kind: str) -> PointSimulator:
        if kind not in self._roadrunner:
            self._roadrunner[kind] = (BDFSimulator if kind == "bdf" else PointSimulator)(
                self.sweep)
        return self._roadrunner[kind]

    def _columns(self, start: int, points: np.ndarray, out: np.ndarray,
                 peaks: np.ndarray) -> dict[str, list]:
        return result_columns(self.sweep, self.kernel.species, self.times, out,
                              peaks if self.sweep.peak else None, start, points)


def simulate_points(points: pd.DataFrame | np.ndarray, names: Sequence[str] | None = None, *,
                    model: str = "cart_bm", parameters: Mapping[str, float] | None = None,
                    initial: Mapping[str, float] | None = None, t_end: float = RESPONSE_DAY,
                    days: Sequence[float] = (), species: Sequence[str] = ("L",),
                    peak: bool = True, solver: str = "auto") -> pd.DataFrame:
    """Simulate every row of ``points`` (a DataFrame whose columns are parameter or species
    ids, or a 2-D array with ``names``) over the model's defaults, ``parameters`` and
    ``initial``; return one row per point with the columns of a sweep (``L30``,
    ``responder``, the first CAR T peak, ``S@day`` for ``species`` at ``days``, ``status``,
    ``message``). In this process; for sensitivity analysis, fitting and small designs."""
    if isinstance(points, pd.DataFrame):
        names = list(points.columns) if names is None else list(names)
        matrix = points[names].to_numpy(dtype=float)
    else:
        matrix = np.asarray(points, dtype=float)
        if names is None:
            raise PycartError("give the names of the columns of the points")
    if matrix.ndim != 2 or matrix.shape[1] != len(names) or not len(matrix):
        raise PycartError(f"points: expected a non-empty table with one column per name "
                          f"({len(names)}), got shape {matrix.shape}")
    for j, name in enumerate(names):
        spec = PARAMETERS.get(str(name))
        if spec is not None and spec.switch and not np.isin(matrix[:, j], (0.0, 1.0)).all():
            raise PycartError(f"{name} is a switch (allowed values 0 or 1)")
    # The sweep that validates the points: each column's extremes as a two-value axis.
    lo, hi = np.min(matrix, axis=0), np.max(matrix, axis=0)
    dims = tuple(Dimension(str(name), float(lo[j]), float(hi[j]), 1 if lo[j] == hi[j] else 2,
                           "linear") for j, name in enumerate(names))
    sweep = Sweep(dims, model, "grid", 0, 0, dict(parameters or {}), dict(initial or {}),
                  float(t_end), tuple(float(d) for d in days), tuple(species), peak,
                  solver=solver)
    sweep.validate()
    return simulator_for(sweep).evaluate(0, matrix)
