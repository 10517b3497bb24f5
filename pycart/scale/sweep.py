"""Sweeps and virtual cohorts: many simulations, fast, streamed to disk, resumable.

A :class:`Sweep` says what varies (grid axes or sampled ranges over parameters and initial
amounts) and what to report; :class:`PointSimulator` computes its points on libRoadRunner
(:mod:`pycart.scale.fast` is the compiled fast path). :func:`pycart.scale.runner.run_sweep`
runs a sweep on an engine (:mod:`pycart.scale.engines`), chunk by chunk, resumably.

Every point starts from the model's defaults (``resetAll``), so a point's numbers do not
depend on the engine, the chunking or the order: results are identical whichever ran them.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.columns import input_column
from ..core.errors import PycartError, SimulationError
from ..core.inputs import check_horizon, check_initial, check_parameters
from ..core.metrics import point_metrics
from ..core.model import SolverSettings, load_roadrunner, output_times, run_roadrunner
from ..core.names import (
    CAR_T,
    LEUKEMIA,
    MODELS,
    PARAMETERS,
    RESPONSE_DAY,
    model_parameters,
)
from ..core.resources import sbml_text
from ..core.schedule import (
    PRODUCTS,
    Dose,
    check_schedule,
    initial_amounts,
    slot_names,
    slot_values,
    slots,
)

#: Sweeps integrate with Adams: over these horizons the problem is not stiff, and Adams is
#: faster at the same accuracy. A point where Adams fails is integrated again with BDF.
SWEEP_SOLVER = SolverSettings(stiff=False)

#: Sampling (days) of a point whose relapse day is wanted: the crossing of 1e8 cells is
#: interpolated between samples this far apart.
RELAPSE_STEP = 0.1

#: How a sweep's points are integrated (``Sweep.solver``).
SOLVERS = ("auto", "fast", "roadrunner")

#: Points per chunk: the unit of work handed to a worker and of what is saved at once.
CHUNK_SIZE = 2000

#: Limits, each refused with one line: points of a grid (generated chunk by chunk, so memory
#: stays flat), of a sampled design (generated at once: 8 bytes per point and dimension),
#: points per chunk (held in memory by a worker), report days, and seeds (NumPy's range).
MAX_GRID_POINTS = 100_000_000
MAX_SAMPLES = 10_000_000
MAX_CHUNK_SIZE = 100_000
MAX_DAYS = 1000
MAX_SEED = 2**32 - 1

class PointList:
    """An explicit list of points (one row each, one column per dimension of the sweep),
    read-only and identified by a digest of its values, so a sweep over it resumes."""

    def __init__(self, values: object) -> None:
        array = np.array(values, dtype=float, ndmin=2)
        array.setflags(write=False)
        self.values = array
        self.digest = hashlib.sha256(repr(array.shape).encode() + array.tobytes()).hexdigest()

    def __len__(self) -> int:
        return len(self.values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PointList) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __deepcopy__(self, memo: dict) -> PointList:
        return self  # immutable: dataclasses.asdict must not copy a million rows

    def __repr__(self) -> str:
        return f"PointList({len(self)} points, sha256 {self.digest[:12]})"


@dataclass(frozen=True)
class Dimension:
    """One varying quantity (a parameter or an initial amount) from ``lo`` to ``hi``;
    ``n`` values on a grid, or ``n = 0`` where it is sampled."""

    name: str
    lo: float
    hi: float
    n: int = 0
    scale: str = "log"

    def scaled(self, u: np.ndarray) -> np.ndarray:
        """Map unit-interval values onto the range."""
        if self.scale == "log":
            lo, hi = math.log10(self.lo), math.log10(self.hi)
            return 10.0 ** (lo + u * (hi - lo))
        return self.lo + u * (self.hi - self.lo)

    def grid(self) -> np.ndarray:
        """The ``n`` grid values, both ends included."""
        return self.values(np.arange(self.n))

    def values(self, index: np.ndarray) -> np.ndarray:
        """The grid values at positions ``index`` (as ``numpy.linspace`` spaces them, so a
        chunk's values are bit-identical to those of the whole grid)."""
        if self.n <= 1:
            return np.full(len(index), float(self.lo))
        unit = np.asarray(index, dtype=float) * (1.0 / (self.n - 1))
        unit[np.asarray(index) == self.n - 1] = 1.0
        return self.scaled(unit)


@dataclass(frozen=True)
class Sweep:
    """A sweep: what varies, over which defaults, and what each point reports.

    ``sampling`` is "grid" (every combination of the dimensions' values), "lhs"/"sobol"
    (``samples`` points over the ranges, from ``seed``) or "points" (the rows of
    ``point_list``, one value per dimension; see :func:`pycart.scale.points.points_sweep`).
    Each point reports L30 and the response, the first CAR T peak (``t_peak``, ``C_peak``,
    ``fold_expansion``), with ``relapse`` the relapse day, and the ``species`` at ``days``
    (columns: :mod:`pycart.core.columns`); a varying initial amount is the column
    ``init_<species>``. A scenario's grid is one of these (``Grid.sweep``).
    """

    dimensions: tuple[Dimension, ...]
    model: str = "cart_bm"
    sampling: str = "grid"
    samples: int = 0
    seed: int = 0
    parameters: Mapping[str, float] = field(default_factory=dict)
    initial: Mapping[str, float] = field(default_factory=dict)
    t_end: float = RESPONSE_DAY
    days: tuple[float, ...] = ()
    species: tuple[str, ...] = ("L",)
    peak: bool = True
    #: "auto" (the compiled fast path, libRoadRunner where it cannot go), "fast" or
    #: "roadrunner"; see :mod:`pycart.scale.fast`.
    solver: str = "auto"
    point_list: PointList | None = None
    #: Report the relapse day (and the CD19-negative share at relapse): each point is then
    #: sampled every RELAPSE_STEP days on libRoadRunner (the fast path samples report days
    #: only).
    relapse: bool = False
    #: A dose schedule every point gets (:mod:`pycart.core.schedule`); a dimension named by
    #: one of its slot parameters (``dose_CA_2_day``, ``dose_CA_2_cells``: the second CA
    #: dose after day 0) varies that dose.
    doses: tuple[Dose, ...] = ()

    def validate(self) -> None:
        """Check every id and value; raise :class:`PycartError` with one line."""
        if self.model not in MODELS:
            raise PycartError(f"unknown model {self.model!r} (allowed: {', '.join(MODELS)})")
        species = MODELS[self.model]
        allowed = model_parameters(self.model)
        if not self.dimensions:
            raise PycartError("nothing varies (give at least one --param, --range or point "
                              "column)")
        names = [d.name for d in self.dimensions]
        if len(set(names)) != len(names):
            raise PycartError(f"a dimension is given twice: {names}")
        slot_params = self._check_doses()
        for d in self.dimensions:
            if d.name.startswith("dose_") and d.name not in slot_params:
                raise PycartError(f"{d.name}: the dose schedule has no such slot (its slots: "
                                  f"{', '.join(slot_params) or 'none'}; dose_<S>_<k> is the "
                                  "k-th dose of S after day 0, so give the schedule with --dose)")
            if d.name not in species and d.name not in allowed and d.name not in slot_params:
                raise PycartError(f"unknown parameter or species {d.name!r} (allowed: "
                                  f"{', '.join(allowed)}; or {', '.join(species)})")
            if d.name in self.parameters or d.name in self.initial:
                raise PycartError(f"{d.name} both varies and is held fixed (allowed: one of "
                                  "the two)")
            if self.sampling == "points":
                continue  # every value is checked by _check_points
            self._check_switch(d)
            if d.scale not in ("log", "linear"):
                raise PycartError(f"{d.name}: scale {d.scale!r} (allowed: log, linear)")
            if d.scale == "log" and not (d.lo > 0 and d.hi > 0):
                raise PycartError(f"{d.name}: a log range needs lo, hi > 0")
            for end in (d.lo, d.hi):
                if d.name in slot_params:
                    self._check_slot(d.name, end)
                elif d.name in species:
                    check_initial({d.name: end}, species)
                else:
                    check_parameters({d.name: end}, allowed)
            if self.sampling == "grid" and not 1 <= d.n <= MAX_GRID_POINTS:
                raise PycartError(f"{d.name}: a grid needs a number of values from 1 to "
                                  f"{MAX_GRID_POINTS:,} (got {d.n})")
        check_parameters(self.parameters, allowed)
        check_initial(self.initial, species)
        self._check_design()
        check_horizon(self.t_end)
        if len(self.days) > MAX_DAYS or len(set(self.days)) != len(self.days):
            raise PycartError(f"--days: {len(self.days)} days, some given twice or more than "
                              f"{MAX_DAYS} (allowed: up to {MAX_DAYS} different days)")
        for day in self.days:
            if not 0 < day <= self.t_end:
                raise PycartError(f"day {day:g} is outside the run (allowed: 0 < day <= "
                                  f"{self.t_end:g})")
        unknown = [s for s in self.species if s not in species]
        if unknown:
            raise PycartError(f"unknown species {unknown[0]!r} (allowed: {', '.join(species)})")
        if len(set(self.species)) != len(self.species):
            raise PycartError(f"--species {','.join(self.species)}: a species is given twice "
                              "(allowed: each once)")
        self._check_solver()

    def _check_doses(self) -> dict[str, float]:
        """The schedule checked against the model and the horizon (and a product's initial
        amount set beside a day-0 dose of it); its slot parameters' values."""
        doses = check_schedule(self.doses, self.model, check_horizon(self.t_end))
        initial_amounts(doses, {}, explicit=self.initial)
        return slot_values(doses)

    def _check_slot(self, name: str, value: float) -> None:
        """One end of a dimension over a dose of the schedule (``dose_CA_2_day``): a dose's
        day (> 0: a day-0 dose is an initial amount) or cells, checked as a dose."""
        species = name.split("_")[1]
        if name.endswith("_day"):
            if not value > 0.0:
                raise PycartError(f"{name} {value!r}: a varied dose day is > 0 (a day-0 dose "
                                  "is an initial amount)")
            check_schedule([(value, 1.0, species)], self.model, self.t_end)
        else:
            check_schedule([(self.t_end, value, species)], self.model, self.t_end)

    def _check_solver(self) -> None:
        if self.solver not in SOLVERS:
            raise PycartError(f"solver {self.solver!r} (allowed: {', '.join(SOLVERS)})")
        if self.solver == "fast" and self.relapse:
            raise PycartError("--solver fast cannot report the relapse day (it samples the "
                              "report days only; use --solver auto or roadrunner)")
        if self.solver == "fast":
            from .kernel import check_fast

            check_fast(self.model, self.parameters,
                       [(d.name, d.lo, d.hi) for d in self.dimensions])

    def _check_design(self) -> None:
        if self.sampling not in ("grid", "lhs", "sobol", "points"):
            raise PycartError(f"sampling {self.sampling!r} (allowed: grid, lhs, sobol, points)")
        if self.sampling == "points":
            self._check_points()
        elif self.sampling != "grid" and not 1 <= self.samples <= MAX_SAMPLES:
            raise PycartError(f"{self.samples} samples (allowed: 1 to {MAX_SAMPLES:,})")
        if self.sampling == "grid" and self.size > MAX_GRID_POINTS:
            raise PycartError(f"the grid has {self.size:,} points (allowed: at most "
                              f"{MAX_GRID_POINTS:,}; split the sweep)")
        if isinstance(self.seed, bool) or not 0 <= self.seed <= MAX_SEED:
            raise PycartError(f"seed {self.seed!r} (allowed: a whole number from 0 to {MAX_SEED})")

    def _check_points(self) -> None:
        """Every value of an explicit point list, column by column (vectorised)."""
        values = None if self.point_list is None else self.point_list.values
        if values is None or len(values) == 0:
            raise PycartError("a point list needs at least one point")
        if len(values) > MAX_SAMPLES:
            raise PycartError(f"{len(values):,} points (allowed: 1 to {MAX_SAMPLES:,}; split "
                              "the list)")
        if values.ndim != 2 or values.shape[1] != len(self.dimensions):
            raise PycartError(f"a point list needs {len(self.dimensions)} values per point "
                              f"(one per dimension), not {values.shape[1:]}")
        species = MODELS[self.model]
        for j, d in enumerate(self.dimensions):
            column = values[:, j]
            spec = PARAMETERS.get(d.name) if d.name not in species else None
            if spec is not None and spec.switch:
                bad = ~np.isin(column, (0.0, 1.0))
            elif spec is not None and spec.positive:
                bad = ~(column > 0) | ~np.isfinite(column)
            else:
                bad = ~(column >= 0) | ~np.isfinite(column)
            if bad.any():
                k = int(np.argmax(bad))
                allowed = spec.allowed() if spec is not None else "a finite number of cells >= 0"
                raise PycartError(f"{input_column(d.name, species)} of point {k}: "
                                  f"{column[k]:g} is not allowed (allowed: {allowed})")

    def _check_switch(self, d: Dimension) -> None:
        """A switch takes 0 or 1: only a grid whose every value is 0 or 1 varies it."""
        spec = PARAMETERS.get(d.name)
        if spec is None or not spec.switch:
            return
        if self.sampling != "grid" or d.n > 2 or not set(d.grid().tolist()) <= {0.0, 1.0}:
            raise PycartError(f"{d.name} is a switch (allowed values 0 or 1): vary it only on "
                              f"a grid of those values, e.g. {d.name}=0:1:2:linear")

    @property
    def size(self) -> int:
        """Number of points."""
        if self.sampling == "grid":
            return math.prod(int(d.n) for d in self.dimensions)
        if self.sampling == "points":
            return 0 if self.point_list is None else len(self.point_list)
        return self.samples

    def chunk_points(self, first: int, stop: int) -> np.ndarray:
        """Points ``first .. stop - 1`` of a grid, computed without the whole grid (memory
        stays flat for large grids); other designs slice :meth:`points`."""
        if self.sampling != "grid":
            return self.points()[first:stop]
        index = np.unravel_index(np.arange(first, stop), [d.n for d in self.dimensions])
        return np.column_stack([d.values(i) for d, i in zip(self.dimensions, index, strict=True)])

    def points(self) -> np.ndarray:
        """All points, one row each, one column per dimension."""
        if self.sampling == "points":
            if self.point_list is None:  # for_workers' copy: its chunks carry the points
                raise PycartError("a point-list sweep without its point list (a worker's "
                                  "copy has none: take the points from the full sweep)")
            return self.point_list.values
        if self.sampling == "grid":
            return self.chunk_points(0, self.size)
        from scipy.stats import qmc

        k = len(self.dimensions)
        if self.sampling == "lhs":
            unit = qmc.LatinHypercube(d=k, seed=self.seed).random(self.samples)
        else:
            with warnings.catch_warnings():  # non-powers of two lose balance; say so in docs
                warnings.simplefilter("ignore", UserWarning)
                unit = qmc.Sobol(d=k, scramble=True, seed=self.seed).random(self.samples)
        return np.column_stack([d.scaled(unit[:, j]) for j, d in enumerate(self.dimensions)])

    def columns(self) -> list[str]:
        """The columns of the result table, in order."""
        species = MODELS.get(self.model, ())
        cols = [col.POINT, *(input_column(d.name, species) for d in self.dimensions)]
        if self.t_end >= RESPONSE_DAY:
            cols += [col.L30, col.RESPONDER]
        if self.peak:
            cols += [col.T_PEAK, col.C_PEAK, col.FOLD_EXPANSION, col.PEAK_REACHED]
        if self.relapse:
            cols += [col.RELAPSE_DAY, *([col.CD19NEG_SHARE] if "Ln" in species else [])]
        cols += [col.at_day(s, d) for d in self.days for s in self.species]
        return [*cols, col.STATUS, col.MESSAGE]

    def key(self) -> str:
        """A fingerprint of everything that decides the results (for resuming)."""
        from .._version import __version__

        text = json.dumps({"sweep": _jsonable(asdict(self)), "solver": asdict(SWEEP_SOLVER),
                           "pycart": __version__, "sbml": hashlib.sha256(
                               sbml_text(self.model).encode()).hexdigest()}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def for_workers(self) -> Sweep:
        """This sweep as a worker needs it: a point list stays here (each chunk carries its
        own points), so it is not copied to every worker with every chunk."""
        return self if self.point_list is None else replace(self, point_list=None)


def _jsonable(value: object) -> object:
    if isinstance(value, PointList):
        return {"points": len(value), "sha256": value.digest}
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def sample_times(sweep: Sweep) -> np.ndarray:
    """The days a point of ``sweep`` is sampled on: 0, the report days, day 30 and the
    horizon, and every RELAPSE_STEP days where the relapse day is wanted."""
    dense = output_times(sweep.t_end, int(round(sweep.t_end / RELAPSE_STEP)) + 1) \
        if sweep.relapse else np.empty(0)
    return np.unique([0.0, *sweep.days, *([RESPONSE_DAY] if sweep.t_end >= RESPONSE_DAY
                                           else []), sweep.t_end, *dense])


def result_columns(sweep: Sweep, species: Sequence[str], times: np.ndarray,
                   amounts: np.ndarray, peaks: np.ndarray | None, start: int,
                   points: np.ndarray) -> dict[str, Any]:
    """The result columns of simulated points (a list or an array each): their inputs,
    their metrics (:func:`pycart.core.metrics.point_metrics`) and the species at the report
    days.
    ``amounts``: points x ``times`` x ``species``; ``peaks``: points x (found, day, count),
    from the peak tracker (where the sweep wants the peak)."""
    n = len(amounts)
    where = {float(t): k for k, t in enumerate(times)}
    leukemia = [species.index(s) for s in LEUKEMIA if s in species]
    car_t = [species.index(s) for s in CAR_T if s in species]
    # the point and its inputs as arrays: a chunk's table is built from them without a
    # Python object per value (a fallback's row replaces values, never by None, in them)
    columns: dict[str, Any] = {col.POINT: np.arange(start, start + n, dtype=np.int64)}
    for j, name in enumerate(sweep.columns()[1: 1 + len(sweep.dimensions)]):
        columns[name] = np.array(points[:, j], dtype=float)  # an initial amount: init_<S>
    columns |= point_metrics(times, amounts[:, :, leukemia], amounts[:, :, car_t].sum(axis=2),
                             peaks if peaks is not None else np.zeros((n, 3)), sweep.relapse,
                             point_doses(sweep, points))
    for d in sweep.days:
        for s in sweep.species:
            columns[col.at_day(s, d)] = amounts[:, where[float(d)], species.index(s)].tolist()
    columns[col.STATUS] = [col.OK] * n
    columns[col.MESSAGE] = [""] * n
    return columns


def point_doses(sweep: Sweep, points: np.ndarray) -> np.ndarray:
    """Each point's CAR T doses after day 0 (points x doses x 2: day, cells): the schedule's
    slots, a varied slot's value taken from the point (the fold expansion's doses)."""
    fixed = slot_values(sweep.doses)
    names = [d.name for d in sweep.dimensions]

    def value(name: str) -> np.ndarray:
        if name in names:
            return points[:, names.index(name)].astype(float)
        return np.full(len(points), fixed[name])

    pairs = [slot_names(s, k) for s, n in slots(sweep.doses).items() if s in PRODUCTS
             for k in range(1, n + 1)]
    if not pairs:
        return np.zeros((len(points), 0, 2))
    return np.stack([np.column_stack([value(day), value(cells)]) for day, cells in pairs],
                    axis=1)


# ---- the simulator of one worker ----------------------------------------------------------

class PointSimulator:
    """One RoadRunner for one sweep, built once (in each worker process) from the SBML text,
    with the peak tracker when the sweep wants the peak."""

    def __init__(self, sweep: Sweep) -> None:
        import roadrunner

        from .peak import PEAK_RECORDS, with_peak_tracker

        roadrunner.Logger.setLevel(roadrunner.Logger.LOG_FATAL)
        text = sbml_text(sweep.model)
        self.sweep = sweep
        self.rr = load_roadrunner(with_peak_tracker(text) if sweep.peak else text)
        SWEEP_SOLVER.apply(self.rr)
        self.rr.integrator.variable_step_size = False
        self.species = MODELS[sweep.model]
        self.times = sample_times(sweep)
        self.selections = [*self.species, *(PEAK_RECORDS if sweep.peak else ())]
        self.names = [d.name for d in sweep.dimensions]

    def evaluate(self, start: int, points: np.ndarray) -> pd.DataFrame:
        """The result rows of ``points`` (numbered from ``start``)."""
        rows = [self._one(start + i, p) for i, p in enumerate(points)]
        return pd.DataFrame(rows, columns=self.sweep.columns())

    def _one(self, index: int, point: np.ndarray) -> list[object]:
        names = self.sweep.columns()
        try:
            result = self._simulate(point)
        except (PycartError, SimulationError) as exc:
            values: list[object] = [index, *point]
            return values + [None] * (len(names) - len(values) - 2) + [col.FAILED, str(exc)]
        peaks = result[None, -1, -3:] if self.sweep.peak else None
        columns = result_columns(self.sweep, self.species, self.times,
                                 result[None, :, : len(self.species)], peaks,
                                 index, point[None])
        return [columns[name][0] for name in names]

    def _simulate(self, point: np.ndarray) -> np.ndarray:
        values = [*self.sweep.parameters.items(), *self.sweep.initial.items(),
                  *zip(self.names, point, strict=True)]
        integrator = self.rr.integrator
        stiff = integrator.stiff
        try:
            return run_roadrunner(self.rr, self.times, self.selections, values,
                                  len(self.species))
        except SimulationError:
            if stiff:
                raise
            integrator.stiff = True  # Adams failed: BDF, once
            try:
                return run_roadrunner(self.rr, self.times, self.selections, values,
                                      len(self.species))
            finally:
                integrator.stiff = False
