"""The simulator: one libRoadRunner instance, loaded once, with trusted integrator settings."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import libsbml
import numpy as np
import pandas as pd
import roadrunner

from .columns import scheduled_dose_day
from .errors import PycartError, SimulationError
from .inputs import (
    check_horizon,
    check_initial,
    check_parameters,
    check_points,
    default_points,
)
from .metrics import Summary, summarize
from .names import DEFAULT_MODEL, DOSE_RECORDS, MODELS, PARAMETERS, RESPONSE_DAY, TIME
from .resources import sbml_text
from .schedule import Dose, check_schedule, initial_amounts, slot_values, slots
from .variants import sbml_with_dose_slots, slot_key, variant_sbml

#: Largest negative amount (cells) accepted as round-off and reported as 0 (seen: ~1e-22).
#: Anything more negative is a solver failure, never a result.
NEGATIVE_ROUNDOFF = 1e-9

#: Spacing (days) of the dense grid the summary metrics are computed on.
DENSE_STEP = 0.01
_MAX_DENSE_POINTS = 200_001


def clock_as_time(sbml: str) -> str:
    """The model with each clock read as ``time`` itself. A clock is a parameter that starts
    at 0, grows at the rate of a constant 1 (a rate rule, which every SBML tool can read in
    an event) and that nothing else sets; it equals ``time`` exactly. As an assignment rule it
    adds no state to CVODE, whose error norm (a mean over the states) and so whose steps
    would otherwise change: pycart's numbers stay those of the model without it."""
    document = libsbml.readSBMLFromString(sbml)
    model = document.getModel()
    if model is None:
        return sbml
    changed = False
    for rule in list(model.getListOfRules()):
        name = rule.getVariable() if rule.isRate() else None
        if name and _is_clock(model, name, rule.getMath()):
            model.removeRule(name)
            clock = model.createAssignmentRule()
            clock.setVariable(name)
            clock.setMath(libsbml.parseL3Formula("time"))
            changed = True
    return libsbml.writeSBMLToString(document) if changed else sbml


def _is_clock(model: libsbml.Model, name: str, rate: libsbml.ASTNode | None) -> bool:
    variable = model.getParameter(name)
    if variable is None or not variable.isSetValue() or variable.getValue() != 0.0:
        return False
    if model.getInitialAssignment(name) is not None or rate is None:
        return False
    for event in model.getListOfEvents():
        if event.getEventAssignment(name) is not None:
            return False
    if rate.isNumber():
        return rate.getValue() == 1.0
    one = model.getParameter(rate.getName()) if rate.isName() else None
    return (one is not None and one.getConstant() and one.isSetValue()
            and one.getValue() == 1.0 and model.getInitialAssignment(one.getId()) is None)


def load_roadrunner(sbml: str) -> roadrunner.RoadRunner:
    """libRoadRunner on ``sbml``, its clocks read as time (:func:`clock_as_time`)."""
    return roadrunner.RoadRunner(clock_as_time(sbml))


@functools.lru_cache(maxsize=8)
def _variant_roadrunner(model: str, key: tuple[tuple[str, int], ...]) -> roadrunner.RoadRunner:
    return load_roadrunner(variant_sbml(model, dict(key)))


def variant_roadrunner(model: str, slots: Mapping[str, int]) -> roadrunner.RoadRunner:
    """A libRoadRunner of ``model``'s variant with dose ``slots``
    (:mod:`pycart.core.variants`), loaded once per process and shape and shared: callers
    set every value they rely on after ``resetAll()``. (Here, not in variants: loading is
    this module's, and variants must not import it back.)"""
    return _variant_roadrunner(model, slot_key(slots))


@dataclass(frozen=True)
class SolverSettings:
    """CVODE settings, chosen from the numerical facts of this model.

    L falls by 14 orders of magnitude (2e11 to ~1e-3 cells) and the responder test lives
    down there, so the absolute tolerance is a per-species vector (libRoadRunner would scale
    a single value by each species' initial magnitude) and the relative tolerance is tight.
    BDF (``stiff=True``) is the default: with the paper's readings Adams is as accurate and
    as fast, but the printed form of F drives CAR T to ~1e26 cells, where killing becomes
    stiff and Adams stops with CV_TOO_MUCH_WORK. ``tests/core/test_accuracy.py`` checks both
    methods against an independent solver.
    """

    relative_tolerance: float = 1e-10
    absolute_tolerance: float = 1e-14
    maximum_num_steps: int = 200_000
    stiff: bool = True
    #: First step (days) after a start or an event. CVODE's own guess after a dose into an
    #: empty compartment is ~1e-16 day, which it reports as "t + h = t"; the error test
    #: shrinks this one where it must.
    initial_time_step: float = 1e-8

    def apply(self, rr: roadrunner.RoadRunner) -> None:
        """Set these settings on a RoadRunner's CVODE integrator."""
        integrator = rr.integrator
        integrator.relative_tolerance = self.relative_tolerance
        n_states = len(integrator.getAbsoluteToleranceVector())
        integrator.absolute_tolerance = [self.absolute_tolerance] * n_states
        integrator.maximum_num_steps = self.maximum_num_steps
        integrator.stiff = self.stiff
        integrator.initial_time_step = self.initial_time_step

    def kisao(self) -> dict[str, str]:
        """The settings as KiSAO algorithm parameters (for SED-ML)."""
        return {
            "KISAO:0000209": repr(self.relative_tolerance),
            "KISAO:0000211": repr(self.absolute_tolerance),
            "KISAO:0000415": str(self.maximum_num_steps),
        }


@dataclass(frozen=True)
class Run:
    """One simulation: the trajectory on the requested grid, its summary metrics, the day
    each dose event gave its dose (None: not given), and what was asked for."""

    trajectory: pd.DataFrame
    summary: Summary
    doses: dict[str, float | None] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    initial: dict[str, float] = field(default_factory=dict)


class Model:
    """One of the compiled models (default: the paper's), loaded once into libRoadRunner.

    Every call starts from the model's defaults with the given parameters and initial amounts
    applied on top, so calls never leak into each other.
    """

    def __init__(self, model: str = DEFAULT_MODEL, solver: SolverSettings | None = None,
                 sbml: str | None = None) -> None:
        if model not in MODELS:
            raise PycartError(f"unknown model {model!r} (allowed: {', '.join(MODELS)})")
        self.name = model
        self.solver = solver or SolverSettings()
        self._sbml = sbml
        self._rr = load_roadrunner(sbml if sbml is not None else sbml_text(model))
        #: libRoadRunners of the model's variants, one per dose schedule's shape (slots)
        self._variants: dict[tuple[tuple[str, int], ...], roadrunner.RoadRunner] = {}
        self.species: tuple[str, ...] = MODELS[model]
        missing = [s for s in self.species if s not in self._rr.model.getFloatingSpeciesIds()]
        if missing:
            raise SimulationError(f"the SBML model lacks species {missing}")
        names = set(self._rr.model.getGlobalParameterIds())
        self.parameters: tuple[str, ...] = tuple(p for p in PARAMETERS if p in names)
        self.records: tuple[str, ...] = tuple(r for r in DOSE_RECORDS if r in names)
        self._selections = [*self.species, *self.records]
        self._default_parameters = {p: float(self._rr.getValue(p)) for p in self.parameters}
        self._default_initial = {s: float(self._rr.getValue(f"init({s})")) for s in self.species}
        self._configure()

    def _configure(self) -> None:
        self.solver.apply(self._rr)
        self._rr.integrator.variable_step_size = False

    @property
    def default_parameters(self) -> dict[str, float]:
        """Parameter values of the model as written (Table 1, Figure 3's alpha and h)."""
        return dict(self._default_parameters)

    @property
    def default_initial(self) -> dict[str, float]:
        """Initial amounts of the model as written (Figure 3's state), in cells."""
        return dict(self._default_initial)

    def integrate(self, times: np.ndarray, parameters: Mapping[str, float] | None = None,
                  initial: Mapping[str, float] | None = None,
                  doses: Sequence[Dose] = ()) -> np.ndarray:
        """Amounts at ``times`` (increasing, from 0) as an array, one column per species,
        then one per dose record (the day a dose was given, 0 until then).

        Inputs must already be validated (``doses`` by :func:`check_schedule`). One
        ``simulate`` call covers the whole run, dose events included; a schedule runs on
        the model's variant with its dose slots (:mod:`pycart.core.variants`).
        """
        given = dict(initial or {})
        values = (self._default_parameters | dict(parameters or {}) | slot_values(doses)
                  | self._default_initial | given
                  | initial_amounts(doses, self._default_initial | given, explicit=given))
        return run_roadrunner(self._roadrunner(doses), times, self._selections, values.items(),
                              len(self.species))

    def _roadrunner(self, doses: Sequence[Dose]) -> roadrunner.RoadRunner:
        """The RoadRunner of ``doses``' shape: the model itself without dose slots, else its
        variant, loaded once per shape and set up as the model."""
        key = slot_key(slots(doses))
        if not key:
            return self._rr
        if key not in self._variants:
            text = sbml_with_dose_slots(self._sbml if self._sbml is not None
                                        else sbml_text(self.name), dict(key))
            rr = self._variants[key] = load_roadrunner(text)
            self.solver.apply(rr)
            rr.integrator.variable_step_size = False
        return self._variants[key]

    def run(self, parameters: Mapping[str, object] | None = None,
            initial: Mapping[str, object] | None = None, t_end: object = 180.0,
            points: object | None = None, doses: Iterable[object] = ()) -> Run:
        """Simulate to ``t_end`` days with the dose schedule ``doses`` (:class:`Dose`,
        tuples ``(day, cells[, species])`` or dicts); return the trajectory on ``points``
        equally spaced times and the summary metrics, computed on a dense grid in the same
        solver call. ``Run.doses`` holds the day of each conditional dose and each dose of
        the schedule (``dose1_day``, ``dose2_day``, ... in time order)."""
        params, init, grid = self._request(parameters, initial, t_end, points)
        schedule = self._schedule(doses, grid, init)
        horizon, n = float(grid[-1]), len(grid)
        n_dense = min(_MAX_DENSE_POINTS, int(math.ceil(horizon / DENSE_STEP)) + 1)
        extra = [RESPONSE_DAY] if horizon >= RESPONSE_DAY else []
        times, inverse = np.unique(
            np.concatenate([grid, output_times(horizon, n_dense), extra]), return_inverse=True)
        values = self.integrate(times, params, init, schedule)
        dense = self._frame(times, values)
        trajectory = dense.iloc[inverse[:n]].reset_index(drop=True)
        given = values[-1, len(self.species):]
        records = {r: (float(d) if d > 0 else None)
                   for r, d in zip(self.records, given, strict=True)}
        return Run(trajectory, summarize(dense, schedule), records | schedule_record(schedule),
                   params, init)

    def simulate(self, parameters: Mapping[str, object] | None = None,
                 initial: Mapping[str, object] | None = None, t_end: object = 180.0,
                 points: object | None = None, doses: Iterable[object] = ()) -> pd.DataFrame:
        """Simulate to ``t_end`` days with the dose schedule ``doses`` (see :meth:`run`);
        return columns ``time,B0,B1,B2,B3,L,CA,CM`` (cells; the two-product model adds
        ``CA2,CM2``) on ``points`` equally spaced times (default: one a day)."""
        params, init, grid = self._request(parameters, initial, t_end, points)
        schedule = self._schedule(doses, grid, init)
        return self._frame(grid, self.integrate(grid, params, init, schedule))

    def _schedule(self, doses: Iterable[object], grid: np.ndarray,
                  initial: Mapping[str, float]) -> tuple[Dose, ...]:
        """``doses`` checked for this model over the run (one line on bad input), with the
        day-0 rule checked against the initial amounts the user set."""
        schedule = check_schedule(doses, self.name, float(grid[-1]))
        initial_amounts(schedule, self._default_initial, explicit=initial)
        return schedule

    def _request(self, parameters: Mapping[str, object] | None,
                 initial: Mapping[str, object] | None, t_end: object, points: object | None
                 ) -> tuple[dict[str, float], dict[str, float], np.ndarray]:
        """Validate a request; return parameters, initial amounts and the output grid."""
        horizon = check_horizon(t_end)
        n = default_points(horizon) if points is None else check_points(points)
        return (check_parameters(parameters, self.parameters),
                check_initial(initial, self.species), output_times(horizon, n))

    def _frame(self, times: np.ndarray, values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(np.column_stack([times, values[:, : len(self.species)]]),
                            columns=[TIME, *self.species])


def run_roadrunner(rr: roadrunner.RoadRunner, times: Sequence[float] | np.ndarray,
                   selections: Sequence[str], values: Iterable[tuple[str, float]],
                   amounts: int) -> np.ndarray:
    """The one way pycart runs a parameter set on libRoadRunner (models, sweeps, fits):
    reset ``rr`` to the model as written (``resetAll``), set ``values`` (parameter and species
    ids, in order), integrate in one ``simulate`` call over ``times`` (from 0, increasing,
    dose events included), and return one column per selection. The first ``amounts``
    selections are cell counts: their round-off is clipped (:func:`clip_roundoff`). A solver
    failure raises :class:`SimulationError` with the solver's text on one line."""
    # Every value is set on every call, at time 0 after resetAll(), so no earlier call can
    # leak in. (Setting init(X) instead would survive resetAll(), and a reset() after it
    # would undo the parameters.)
    rr.resetAll()
    for name, value in values:
        rr.setValue(name, float(value))
    grid = np.asarray(times, dtype=float)
    try:
        with quiet_solver():
            result = rr.simulate(times=grid, selections=[TIME, *selections])
    except RuntimeError as exc:
        raise SimulationError(f"the solver failed: {' '.join(str(exc).split())[:300]}"
                              ) from None
    out = np.array(result, dtype=float)[:, 1:]
    clip_roundoff(out[:, :amounts], grid, selections)
    return out


def output_times(t_end: float, n: int) -> np.ndarray:
    """``n`` equally spaced days from 0 to ``t_end``, each the double nearest a decimal of at
    most 9 places, so tables show ``14.1``, not ``14.100000000000001``."""
    return np.round(np.linspace(0.0, t_end, n), 9)


@contextmanager
def quiet_solver() -> Iterator[None]:
    """Within the block, C-level output to stderr goes nowhere: CVODE prints its own
    ``[ERROR]`` line before libRoadRunner raises; pycart reports the failure in one line of
    its own (with the solver's text)."""
    import os
    import sys

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def clip_roundoff(values: np.ndarray, times: np.ndarray, species: Sequence[str]) -> np.ndarray:
    """The one rule for round-off everywhere (runs, scenarios, sweeps): refuse a negative
    amount beyond :data:`NEGATIVE_ROUNDOFF` (:class:`SimulationError`), set round-off
    negatives to zero, in place."""
    low = values.min(initial=0.0)
    if low < -NEGATIVE_ROUNDOFF:
        row, col = (int(i) for i in np.unravel_index(int(np.argmin(values)), values.shape))
        raise SimulationError(
            f"negative cell count {low:.3g} for {species[col]} at day {times[row]:.4g}: "
            "the solver's result cannot be trusted (tighten the tolerances)")
    np.maximum(values, 0.0, out=values)
    return values


def simulate(parameters: Mapping[str, object] | None = None,
             initial: Mapping[str, object] | None = None, t_end: object = 180.0,
             points: object | None = None, model: str = DEFAULT_MODEL,
             doses: Iterable[object] = ()) -> pd.DataFrame:
    """Load a model and simulate once (with the dose schedule ``doses``); see
    :meth:`Model.simulate`. For many runs, build a :class:`Model` once and call its
    methods."""
    return Model(model).simulate(parameters, initial, t_end, points, doses)


def schedule_record(doses: Sequence[Dose]) -> dict[str, float | None]:
    """The days of the schedule's doses as a run records them, in time order
    (:func:`~pycart.core.columns.scheduled_dose_day`), beside the conditional doses'."""
    days = sorted(d.day for d in doses)
    return {scheduled_dose_day(k): day for k, day in enumerate(days, start=1)}
