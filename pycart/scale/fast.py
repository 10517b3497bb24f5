"""The fast path of sweeps: many points per call into compiled code, roadrunner as the net.

:class:`FastSimulator` computes a chunk of sweep points with the compiled kernel
(:mod:`pycart.scale.kernel`: the model's right-hand side generated from the SBML and the
DOP853 integrator of :mod:`pycart.scale.dop853`) and returns the same columns as
:class:`~pycart.scale.sweep.PointSimulator`. Where it cannot vouch for a number it does not
give one:

- doses are run by the integrator itself (:mod:`pycart.scale.events` reads them from the
  SBML): a scheduled dose ends a step on its day, where the cells are added and the
  integrator restarts; a dose on relapse is located on the step's dense output; a dose
  schedule (:mod:`pycart.core.schedule`) adds its slots. A model with another kind of event
  goes to libRoadRunner (``--solver auto``; ``--solver fast`` refuses it up front);
- a point where the integrator stops (too many steps, a step size collapse, a non-finite or a
  negative amount: the stiff printed-F variant, where CAR T reach 1e26 cells, is one) is
  recomputed with libRoadRunner's BDF and marked in ``message``.

:func:`simulate_points` is the Python entry for sensitivity analysis and fitting: a matrix
of parameter values (or initial amounts) and a dose schedule in, the outputs of every point
out: the scale-level entry of schedules. Its libRoadRunner fallback runs the schedule's
model variant (:mod:`pycart.core.variants`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ..core.errors import PycartError
from ..core.names import CAR_T, MODELS, PARAMETERS, RESPONSE_DAY
from ..core.resources import default_values, sbml_text
from ..core.schedule import (
    Dose,
    check_schedule,
    initial_amounts,
    slot_names,
    slot_values,
    slots,
)
from ..core.variants import variant_sbml
from .events import dose_events
from .kernel import Kernel, compile_note, fast_obstacle, load_kernel
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


def compile_waiting(model: str, solver: str) -> str:
    """What a progress line says before the first points: that the fast path's kernel of
    ``model`` is being compiled, where a sweep with ``solver`` will compile it ('' else)."""
    if solver == "roadrunner" or model not in MODELS:
        return ""
    return compile_note(model)


def simulator_for(sweep: Sweep) -> FastSimulator | PointSimulator:
    """The simulator of ``sweep``'s points: the fast path unless the sweep asks for
    libRoadRunner, or (``auto``) the fast path cannot run it at all or the sweep wants the
    relapse day (a dense sample the fast path does not take)."""
    if sweep.solver == "roadrunner" or (sweep.solver == "auto" and (
            sweep.relapse or fast_obstacle(sweep.model))):
        return VariantSimulator(sweep, sweep.doses, (), stiff=False) if sweep.doses \
            else PointSimulator(sweep)
    return FastSimulator(sweep)


class VariantSimulator(PointSimulator):
    """libRoadRunner on the model variant of a dose schedule (its slots' values and day-0
    amounts held fixed unless a point varies them): the fallback of a scheduled point; with
    ``stiff``, BDF from the start. Reports the days of the doses on relapse as well."""

    def __init__(self, sweep: Sweep, doses: Sequence[object], records: Sequence[str],
                 stiff: bool) -> None:
        from ..core.model import load_roadrunner
        from .peak import with_peak_tracker
        from .sweep import SWEEP_SOLVER

        fixed = replace(sweep, parameters=dict(sweep.parameters) | slot_values(doses),
                        initial=dict(sweep.initial) | schedule_amounts(sweep, doses))
        super().__init__(fixed)  # the curated model: the variant where the schedule has slots
        if slots(doses):
            text = variant_sbml(sweep.model, slots(doses))
            self.rr = load_roadrunner(with_peak_tracker(text) if sweep.peak else text)
            SWEEP_SOLVER.apply(self.rr)
            self.rr.integrator.variable_step_size = False
        self.stiff = stiff
        self.records = tuple(records)

    def _simulate(self, point: np.ndarray) -> np.ndarray:
        self.rr.integrator.stiff = self.stiff
        return super()._simulate(point)

    def row(self, index: int, point: np.ndarray) -> tuple[list[object], list[float]]:
        """The result row of one point and the days of its doses on relapse."""
        row = self._one(index, point)
        return row, [float(self.rr.getValue(r)) for r in self.records]


def schedule_amounts(sweep: Sweep, doses: Sequence[object]) -> dict[str, float]:
    """The initial amounts a schedule's day-0 doses give (pycart.core.schedule's rules)
    over the model's defaults and ``sweep.initial``."""
    if not doses:
        return {}
    base = default_values(sweep.model)[1] | dict(sweep.initial)
    return initial_amounts(doses, base, explicit=set(sweep.initial))


class FastSimulator:
    """The fast path for one sweep (built once per worker): same inputs and columns as
    :class:`PointSimulator`, many points per compiled call. ``doses`` is a dose schedule
    (:mod:`pycart.core.schedule`, checked by the caller; default ``sweep.doses``), given to
    every point; a point varies a dose through its slot parameters (``dose_CA_2_day``)."""

    def __init__(self, sweep: Sweep, kernel: Kernel | None = None,
                 doses: Sequence[object] = ()) -> None:
        doses = tuple(doses) or sweep.doses
        sweep = replace(sweep, doses=tuple(Dose.parse(d) for d in doses))
        self.sweep = sweep
        self.kernel = kernel or load_kernel(sweep.model)
        k = self.kernel
        if k.species != MODELS[sweep.model]:
            raise PycartError(f"the generated right-hand side of {sweep.model} has species "
                              f"{k.species} (run 'pycart build')")
        self.doses = tuple(doses)
        slot_params = slot_values(self.doses)
        #: Every value a point is built from: the kernel's parameters, then the slots'.
        self.names = (*k.parameters, *slot_params)
        self.p0 = np.concatenate([k.p0, np.array(list(slot_params.values()), dtype=float)])
        for name, value in sweep.parameters.items():
            self.p0[self.names.index(name)] = value
        self.y0 = k.y0.copy()
        for name, value in (dict(sweep.initial) | schedule_amounts(sweep, self.doses)).items():
            self.y0[k.species.index(name)] = value
        self.targets = [(name in k.species, (k.species if name in k.species else
                                             self.names).index(name))
                        for name in (d.name for d in sweep.dimensions)]
        self.times = sample_times(sweep)
        self.car = np.array([k.species.index(s) for s in CAR_T if s in k.species], dtype=np.int64)
        self.scheduled = [(k.species.index(e.species), self.names.index(e.day),
                           self.names.index(e.cells)) for e in k.events.scheduled]
        self.scheduled += [(k.species.index(s), self.names.index(day), self.names.index(cells))
                           for s, count in slots(self.doses).items()
                           for day, cells in (slot_names(s, i) for i in range(1, count + 1))]
        self.on_relapse = [(k.species.index(e.species), k.species.index(e.watched),
                            *(self.names.index(x) for x in (e.threshold, e.dose,
                                                            e.fallback_day)))
                           for e in k.events.on_relapse]
        self.records = tuple(e.record for e in k.events.on_relapse)
        self.atol = np.full(len(k.states), FAST_ATOL)
        self._roadrunner: dict[str, VariantSimulator] = {}

    def inputs(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Values (parameters, then slots), initial states, and which points need
        libRoadRunner (all where the model has an event the integrator does not run)."""
        n = len(points)
        P = np.repeat(self.p0[None, :], n, axis=0)
        Y0 = np.repeat(self.y0[None, :], n, axis=0)
        for j, (is_species, index) in enumerate(self.targets):
            (Y0 if is_species else P)[:, index] = points[:, j]
        routed = np.full(n, not self.kernel.events.understood)
        return P, Y0, routed

    def events(self, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each point's scheduled doses (day, cells, target) and doses on relapse (target,
        watched, threshold, dose, fallback day), from its values ``P``."""
        n = len(P)
        D = np.zeros((n, len(self.scheduled), 3))
        for i, (target, day, cells) in enumerate(self.scheduled):
            D[:, i, 0], D[:, i, 1], D[:, i, 2] = P[:, day], P[:, cells], target
        R = np.zeros((n, len(self.on_relapse), 5))
        for i, (target, watched, *values) in enumerate(self.on_relapse):
            R[:, i, 0], R[:, i, 1] = target, watched
            R[:, i, 2:] = P[:, values]
        return D, R

    def integrate(self, P: np.ndarray, Y0: np.ndarray) -> tuple[np.ndarray, ...]:
        """Run the kernel on every row: states at the output times, peaks, status codes,
        day reached, days of the doses on relapse (0: not given)."""
        n = len(P)
        D, R = self.events(P)
        out = np.zeros((n, len(self.times), len(self.kernel.states)))
        peaks = np.zeros((n, 3))
        status = np.zeros(n, dtype=np.int64)
        reached = np.zeros(n)
        given = np.zeros((n, len(self.on_relapse)))
        self.kernel.batch(np.ascontiguousarray(P[:, :len(self.kernel.parameters)]),
                          np.ascontiguousarray(Y0), self.times, self.car,
                          bool(self.sweep.peak), FAST_RTOL, self.atol, FAST_MAX_STEPS, D, R,
                          out, peaks, status, reached, given)
        np.maximum(out, 0.0, out=out)  # round-off (the kernel stops below -NEGATIVE_ROUNDOFF)
        return out, peaks, status, reached, given

    def evaluate(self, start: int, points: np.ndarray, records: bool = False) -> pd.DataFrame:
        """The result rows of ``points`` (numbered from ``start``); with ``records``, a
        column per dose on relapse with the day it was given (0: not given)."""
        points = np.asarray(points, dtype=float).reshape(len(points), len(self.targets))
        P, Y0, routed = self.inputs(points)
        out, peaks, status, reached, given = self.integrate(P, Y0)
        columns = self._columns(start, points, out, peaks)
        names = self.sweep.columns()
        for i in np.flatnonzero(routed | (status != 0)):
            if routed[i]:
                row, days = self._simulator("roadrunner").row(start + int(i), points[i])
                note = "roadrunner: events the fast path does not run"
            else:
                row, days = self._simulator("bdf").row(start + int(i), points[i])
                note = (f"fast path stopped at day {reached[i]:.6g} ({STATUS_TEXT[status[i]]}); "
                        "recomputed with roadrunner BDF")
            row[-1] = f"{note}: {row[-1]}" if row[-1] else note
            for name, value in zip(names, row, strict=True):
                columns[name][i] = value
            given[i] = days
        if records:
            names = [*names, *self.records]
            columns |= {r: given[:, j].tolist() for j, r in enumerate(self.records)}
        return pd.DataFrame(columns, columns=names)

    def _simulator(self, kind: str) -> VariantSimulator:
        if kind not in self._roadrunner:
            self._roadrunner[kind] = VariantSimulator(self.sweep, self.doses, self.records,
                                                      stiff=kind == "bdf")
        return self._roadrunner[kind]

    def _columns(self, start: int, points: np.ndarray, out: np.ndarray,
                 peaks: np.ndarray) -> dict[str, list]:
        return result_columns(self.sweep, self.kernel.species, self.times, out,
                              peaks if self.sweep.peak else None, start, points)


def simulate_points(points: pd.DataFrame | np.ndarray, names: Sequence[str] | None = None, *,
                    model: str = "cart_bm", parameters: Mapping[str, float] | None = None,
                    initial: Mapping[str, float] | None = None, t_end: float = RESPONSE_DAY,
                    days: Sequence[float] = (), species: Sequence[str] = ("L",),
                    peak: bool = True, solver: str = "auto", doses: Sequence[object] = (),
                    records: bool = False) -> pd.DataFrame:
    """Simulate every row of ``points`` (a DataFrame whose columns are parameter or species
    ids, or a 2-D array with ``names``) over the model's defaults, ``parameters`` and
    ``initial``, with the dose schedule ``doses`` (:class:`~pycart.core.schedule.Dose` or
    its forms; a column named by a slot parameter, ``dose_CA_2_day``, varies that dose);
    return one row per point with the columns of a sweep (``L30``, ``responder``, the first
    CAR T peak, ``S@day`` for ``species`` at ``days``, ``status``, ``message``) and, with
    ``records``, the day of each dose on relapse (0: not given). In this process; for
    sensitivity analysis, fitting and small designs."""
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
    sweep = validated_sweep(matrix, names, model=model, parameters=parameters,
                            initial=initial, t_end=t_end, days=days, species=species,
                            peak=peak, solver=solver, doses=doses)
    if solver == "roadrunner" or (solver == "auto" and fast_obstacle(model)):
        return _on_roadrunner(sweep, sweep.doses, matrix, records)
    return FastSimulator(sweep).evaluate(0, matrix, records=records)


def validated_sweep(matrix: np.ndarray, names: Sequence[str], *, model: str,
                    parameters: Mapping[str, float] | None,
                    initial: Mapping[str, float] | None, t_end: float,
                    days: Sequence[float], species: Sequence[str], peak: bool, solver: str,
                    doses: Sequence[object]) -> Sweep:
    """The checked sweep of :func:`simulate_points`' points (``matrix``, one column per
    name): the schedule and switches checked, each column's extremes as a two-value axis."""
    doses = check_schedule(doses, model, float(t_end))
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
                  solver=solver, doses=doses)
    sweep.validate()
    return sweep


def _on_roadrunner(sweep: Sweep, doses: Sequence[object], matrix: np.ndarray,
                   records: bool) -> pd.DataFrame:
    """The points of :func:`simulate_points` on libRoadRunner (the schedule's variant)."""
    dose_records = tuple(e.record for e in dose_events(sbml_text(sweep.model)).on_relapse)
    simulator = VariantSimulator(sweep, doses, dose_records, stiff=False)
    rows = [simulator.row(i, point) for i, point in enumerate(matrix)]
    names = sweep.columns()
    table = pd.DataFrame([row for row, _ in rows], columns=names)
    if records:
        for j, record in enumerate(dose_records):
            table[record] = [given[j] for _, given in rows]
    return table
