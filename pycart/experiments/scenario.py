"""Scenarios: named sets of runs (and parameter grids) with the figure that shows them.

A :class:`Scenario` is data: the runs to simulate, the grids to sweep, the panels to draw.
:func:`run_scenario` simulates it into a :class:`ScenarioResult` (trajectories, one metrics
row per run, one row per grid point); :func:`pycart.experiments.results.write_result`
writes CSV tables and the figure.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.errors import PycartError, SimulationError
from ..core.inputs import check_horizon, check_initial, check_parameters
from ..core.model import Model, Run, SolverSettings
from ..core.names import (
    DEFAULT_MODEL,
    MODELS,
    RESPONSE_DAY,
    model_parameters,
)
from ..core.output import missing_as_nan
from ..core.schedule import Dose, check_schedule, initial_amounts
from ..scale.engines import Engine, SerialEngine
from ..scale.runner import run_sweep
from ..scale.sweep import Dimension, Sweep
from .labels import PANEL_KINDS, SERIES

#: Output spacing (days) of the trajectories a scenario writes.
OUTPUT_STEP = 0.1

#: Limits of a scenario, each refused with one line before any work: runs, panels of the
#: figure, points of one grid, and the length of a name (a label, never a path; file names
#: are made of it).
MAX_RUNS = 1000
MAX_PANELS = 36
MAX_GRID_POINTS = 250_000
MAX_NAME = 100


@dataclass(frozen=True)
class RunSpec:
    """One simulation: a label, the model, parameters and initial amounts over defaults, and
    a dose schedule (:class:`pycart.core.schedule.Dose`; the paper's conditional doses are
    parameters)."""

    label: str
    parameters: Mapping[str, float] = field(default_factory=dict)
    initial: Mapping[str, float] = field(default_factory=dict)
    model: str = DEFAULT_MODEL
    doses: tuple[Dose, ...] = ()


@dataclass(frozen=True)
class Axis:
    """One dimension of a grid: ``n`` values of a parameter from ``lo`` to ``hi``."""

    parameter: str
    lo: float
    hi: float
    n: int
    scale: str = "log"  # or "linear"

    def dimension(self, resolution: int | None = None) -> Dimension:
        """This axis as a sweep's dimension (at most ``resolution`` values)."""
        n = min(self.n, resolution) if resolution else self.n
        return Dimension(self.parameter, self.lo, self.hi, n, self.scale)

    def values(self) -> np.ndarray:
        """The values, both ends included, spaced by numpy (``logspace``, ``linspace``): as
        the exported SED-ML scans state them. The grid's points are its sweep's
        (:meth:`dimension`), equal to these within 1e-14."""
        if self.scale == "log":
            return np.logspace(math.log10(self.lo), math.log10(self.hi), self.n)
        return np.linspace(self.lo, self.hi, self.n)


@dataclass(frozen=True)
class Grid:
    """A sweep: every combination of the axes' values, over ``base`` parameters, reporting
    the metrics of each point (and the species in ``days`` at those days)."""

    name: str
    axes: tuple[Axis, ...]
    base: Mapping[str, float] = field(default_factory=dict)
    t_end: float = RESPONSE_DAY
    days: tuple[float, ...] = (RESPONSE_DAY,)
    metrics: bool = False  # the first CAR T peak, its day and fold expansion
    model: str = DEFAULT_MODEL
    #: the relapse day (and the CD19-negative share at relapse): each point is sampled
    #: every 0.1 day on libRoadRunner
    relapse: bool = False

    def __post_init__(self) -> None:
        if not (isinstance(self.t_end, (int, float)) and math.isfinite(self.t_end)):
            raise PycartError(f"grid {self.name}: t_end {self.t_end!r} is not a number of days")
        if any(not math.isfinite(d) or d != int(d) or not 0 < d <= self.t_end
               for d in self.days):
            raise PycartError(f"grid {self.name}: days must be whole days in (0, t_end]")

    @property
    def size(self) -> int:
        """Number of points (without building them)."""
        return math.prod(a.n for a in self.axes)

    def sweep(self, resolution: int | None = None) -> Sweep:
        """The grid as the :class:`~pycart.scale.sweep.Sweep` that computes it (each axis
        capped at ``resolution`` values): its points in the same order, over ``base`` (an
        axis overrides a base value of its parameter), with the model, the horizon, every
        species at ``days``, the first CAR T peak where ``metrics`` asks for it and the
        relapse day where ``relapse`` does. The one path of every grid: scenarios, cohort
        presets and the reproduction report."""
        varying = {a.parameter for a in self.axes}
        return Sweep(tuple(a.dimension(resolution) for a in self.axes), self.model,
                     parameters={k: v for k, v in self.base.items() if k not in varying},
                     t_end=float(self.t_end), days=tuple(float(d) for d in self.days),
                     species=MODELS.get(self.model, ()), peak=self.metrics,
                     relapse=self.relapse)

    def points(self, resolution: int | None = None) -> pd.DataFrame:
        """All parameter combinations, one row each (``resolution`` caps every axis): the
        points of :meth:`sweep`."""
        sweep = self.sweep(resolution)
        return pd.DataFrame(sweep.points(), columns=[d.name for d in sweep.dimensions])


@dataclass(frozen=True)
class Panel:
    """One panel of a figure.

    ``kind``: "timecourse" (``series`` of ``runs`` against time, runs told apart by line
    style), "expansion" (a run's total CAR T with its peak and fold expansion), "proportions"
    (B-cell subsets of ``runs`` at their end, beside homeostasis),
    "heatmap" (log10 of ``value`` over the two axes of grid ``grid``), "boxplot" (``series``
    metrics of grid ``grid``, responders against non-responders), "share" (the second
    product's share of CAR T cells in ``runs``).
    """

    title: str
    kind: str = "timecourse"
    runs: tuple[str, ...] = ()
    series: tuple[str, ...] = ("L", "C")
    t_max: float | None = None
    grid: str | None = None
    value: str = col.L30
    marks: tuple[str, ...] = ()  # runs marked on a heatmap


@dataclass(frozen=True)
class Scenario:
    """A named experiment: runs and grids, horizon, the panels of its figure, and notes on
    every choice the paper leaves open."""

    name: str
    title: str
    description: str
    t_end: float = 180.0
    runs: tuple[RunSpec, ...] = ()
    grids: tuple[Grid, ...] = ()
    panels: tuple[Panel, ...] = ()
    layout: tuple[int, int] | None = None
    choices: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        """The name and the title, the title left out where it is empty or the name again."""
        title = self.title.strip()
        return f"{self.name}: {title}" if title and title != self.name else self.name

    def validate(self) -> None:
        """Check ids and values of every run, grid and panel, names and sizes; raise
        :class:`PycartError` (before any work)."""
        check_horizon(self.t_end)
        labels = [r.label for r in self.runs]
        if len(set(labels)) != len(labels):
            raise PycartError(f"scenario {self.name}: run labels must be unique: {labels}")
        self._check_names_and_sizes()
        for run in self.runs:
            if run.model not in MODELS:
                raise PycartError(f"scenario {self.name}, run {run.label!r}: unknown model "
                                  f"{run.model!r} (allowed: {', '.join(MODELS)})")
            allowed = model_parameters(run.model)
            try:
                check_parameters(run.parameters, allowed)
                check_initial(run.initial, MODELS[run.model])
                initial_amounts(check_schedule(run.doses, run.model, self.t_end), {},
                                explicit=run.initial)
            except PycartError as exc:
                raise PycartError(f"scenario {self.name}, run {run.label!r}: {exc}") from None
        for grid in self.grids:
            if grid.model not in MODELS:
                raise PycartError(f"scenario {self.name}, grid {grid.name!r}: unknown model "
                                  f"{grid.model!r} (allowed: {', '.join(MODELS)})")
            try:
                for end in ("lo", "hi"):
                    check_parameters({a.parameter: getattr(a, end) for a in grid.axes}
                                     | dict(grid.base), model_parameters(grid.model))
                grid.sweep().validate()
            except PycartError as exc:
                raise PycartError(f"scenario {self.name}, grid {grid.name!r}: {exc}") from None
        for panel in self.panels:
            try:
                self._check_panel(panel)
            except PycartError as exc:
                raise PycartError(f"scenario {self.name}, panel {panel.title!r}: {exc}") from None

    def _check_names_and_sizes(self) -> None:
        """Names are labels, never paths: each gives one file name, and no two files of
        the output collide (case-insensitively: some file systems fold case)."""
        where = f"scenario {self.name!r}"
        if len(self.runs) > MAX_RUNS or len(self.panels) > MAX_PANELS:
            raise PycartError(f"{where}: {len(self.runs)} runs and {len(self.panels)} panels "
                              f"(allowed: at most {MAX_RUNS} runs and {MAX_PANELS} panels; "
                              "give [[panels]] that group the runs)")
        files: dict[str, str] = {}
        names: list[tuple[str, str, str | None]] = [("scenario name", self.name, None)]
        names += [("run", r.label, f"{file_name(r.label)}.csv") for r in self.runs]
        names += [("grid", g.name, f"grid_{file_name(g.name)}.csv") for g in self.grids]
        names += [("the metrics table", "metrics", "metrics.csv")]
        for kind, name, file in names:
            if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
                raise PycartError(f"{where}: {kind} name {str(name)[:40]!r} (allowed: 1 to "
                                  f"{MAX_NAME} characters, not only spaces)")
            if file is None:
                continue
            other = files.setdefault(file.casefold(), f"{kind} {name!r}")
            if other is not files[file.casefold()] or len(files) != len(set(files)) or \
                    sum(1 for k, n, f in names if f and f.casefold() == file.casefold()) > 1:
                raise PycartError(f"{where}: {kind} {name!r} and {other} would both be "
                                  f"written to {file} (allowed: names that differ in letters "
                                  "or digits)")
        for grid in self.grids:
            if not grid.axes or any(not 1 <= a.n <= MAX_GRID_POINTS for a in grid.axes) or \
                    grid.size > MAX_GRID_POINTS:
                raise PycartError(f"{where}, grid {grid.name!r}: {grid.size:,} points (allowed: "
                                  f"1 to {MAX_GRID_POINTS:,}; for more, use pycart sweep)")
            try:
                check_horizon(grid.t_end)
            except PycartError as exc:
                raise PycartError(f"{where}, grid {grid.name!r}: {exc}") from None

    def _check_panel(self, panel: Panel) -> None:
        """Everything a panel needs to be drawn, checked before any simulation."""
        labels = [r.label for r in self.runs]
        grids = {g.name: g for g in self.grids}
        if panel.kind not in PANEL_KINDS:
            raise PycartError(f"unknown kind {panel.kind!r} (allowed: {', '.join(PANEL_KINDS)})")
        if panel.kind == "timecourse" and any(s not in SERIES for s in panel.series):
            raise PycartError(f"unknown series in {list(panel.series)} (allowed: "
                              f"{', '.join(SERIES)})")
        if panel.t_max is not None and not (math.isfinite(panel.t_max) and panel.t_max > 0):
            raise PycartError(f"t_max {panel.t_max!r} (allowed: a number of days > 0)")
        missing = [r for r in (*panel.runs, *panel.marks) if r not in labels]
        if missing:
            raise PycartError(f"unknown runs {missing}")
        if panel.kind == "share":
            one = [r.label for r in self.runs if r.label in panel.runs and
                   "CA2" not in MODELS[r.model]]
            if one or not panel.runs:
                raise PycartError(f"a share panel needs runs of the two-product model "
                                  f"(cart_bm2); {one or 'no runs'} are not")
        if panel.kind in ("heatmap", "boxplot"):
            if panel.grid not in grids:
                raise PycartError(f"unknown grid {panel.grid!r} (allowed: {', '.join(grids)})")
            _check_grid_panel(panel, grids[panel.grid], self.runs)


def _check_grid_panel(panel: Panel, grid: Grid, runs: tuple[RunSpec, ...]) -> None:
    """A heatmap needs a two-axis grid, a value the grid reports and marks that set both
    axes; a box plot needs the response (t_end >= 30) and a metric the grid reports."""
    columns = set(grid.sweep().columns()) - {col.POINT, col.STATUS, col.MESSAGE,
                                              *(a.parameter for a in grid.axes)}
    wanted = panel.value if panel.kind == "heatmap" else (panel.series or ("",))[0]
    if wanted not in columns:
        raise PycartError(f"grid {grid.name!r} reports no {wanted!r} (allowed: "
                          f"{', '.join(sorted(columns))})")
    if panel.kind == "boxplot" and grid.t_end < RESPONSE_DAY:
        raise PycartError(f"a box plot compares responders: grid {grid.name!r} must reach day "
                          f"{RESPONSE_DAY:g}")
    if panel.kind == "heatmap":
        if len(grid.axes) != 2:
            raise PycartError(f"a heatmap needs a grid of two axes; {grid.name!r} has "
                              f"{len(grid.axes)}")
        axes = [a.parameter for a in grid.axes]
        for label in panel.marks:
            spec = next(r for r in runs if r.label == label)
            if any(a not in spec.parameters for a in axes):
                raise PycartError(f"mark {label!r} must set both axes {axes} in its "
                                  "parameters")


def file_name(label: str) -> str:
    """The file name (without extension) made of a run's, grid's or scenario's name: a label,
    never a path (letters, digits and ``-_.=+``; no leading dot; others become ``_``)."""
    name = "".join(c if c.isalnum() or c in "-_.=+" else "_" for c in label)
    return "_" + name[1:] if name.startswith(".") else (name or "_")


@dataclass
class ScenarioResult:
    """What a scenario gave: runs by label, grid tables by name (``complete`` is False for
    what an interrupted run kept), and runs that failed, by label, with the solver's message
    (a failed grid point is a row with status "failed")."""

    scenario: Scenario
    runs: dict[str, Run]
    grids: dict[str, pd.DataFrame]
    complete: bool = True
    failed: dict[str, str] = field(default_factory=dict)

    def metrics(self) -> pd.DataFrame:
        """One row per run: its parameters' model, the summary metrics and the dose days,
        ``status`` ("ok" or "failed") and the failure's ``message``."""
        rows = []
        for spec in self.scenario.runs:
            run = self.runs.get(spec.label)
            if run is not None:
                rows.append({"run": spec.label, "model": spec.model, **run.summary.as_dict(),
                             **run.doses, col.STATUS: col.OK, col.MESSAGE: ""})
            elif spec.label in self.failed:
                rows.append({"run": spec.label, "model": spec.model, col.STATUS: col.FAILED,
                             col.MESSAGE: self.failed[spec.label]})
        table = pd.DataFrame(rows)  # status and message last, after every run's dose days
        ends = [c for c in table.columns if c not in (col.STATUS, col.MESSAGE)]
        return missing_as_nan(table[[*ends, *(c for c in (col.STATUS, col.MESSAGE)
                                              if c in table.columns)]])

    @property
    def failures(self) -> list[str]:
        """One line per failed run and per grid with failed points."""
        lines = [f"run {label!r} failed: {message}" for label, message in self.failed.items()]
        for name, table in self.grids.items():
            if col.STATUS in table and (table[col.STATUS] != col.OK).any():
                bad = table[table[col.STATUS] != col.OK]
                lines.append(f"grid {name!r}: {len(bad)} of {len(table)} points failed "
                             f"(first: {bad[col.MESSAGE].iloc[0]})")
        return lines


Progress = Callable[[int, int], None]


class Interrupted(Exception):
    """A scenario was interrupted (Ctrl-C); ``result`` holds every simulation finished."""

    def __init__(self, result: ScenarioResult, done: int, total: int) -> None:
        super().__init__(f"interrupted after {done} of {total} simulations")
        self.result, self.done, self.total = result, done, total


def progress_printer(label: str, stream=None) -> Progress:
    """A progress callback that rewrites one line on ``stream`` (stderr by default)."""
    import time

    start = time.monotonic()
    out = stream or sys.stderr

    def show(done: int, total: int) -> None:
        elapsed = time.monotonic() - start
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else float("nan")
        end = "\n" if done == total else ""
        out.write(f"\r{label}: {done}/{total} simulations, {rate:.0f}/s, "
                  f"{left:.0f} s left   {end}")
        out.flush()

    return show


def run_scenario(scenario: Scenario, resolution: int | None = None,
                 solver: SolverSettings | None = None, progress: Progress | None = None,
                 engine: Engine | None = None,
                 folder: str | os.PathLike[str] | None = None) -> ScenarioResult:
    """Simulate every run and grid of ``scenario`` (each grid axis capped at ``resolution``
    values, never refined; default the scenario's own grids). Runs use ``solver``; each grid
    runs as its sweep (:meth:`Grid.sweep`) on ``engine`` (default: this process). With a
    ``folder``, a grid's finished chunks are kept in ``grid_<name>.parquet.parts`` there
    until it completes, so a run interrupted and started again resumes it."""
    scenario.validate()
    models: dict[str, Model] = {}
    points = int(round(scenario.t_end / OUTPUT_STEP)) + 1
    total = len(scenario.runs) + sum(g.sweep(resolution).size for g in scenario.grids)
    done = 0
    runs: dict[str, Run] = {}
    grids: dict[str, pd.DataFrame] = {}
    failed: dict[str, str] = {}
    try:
        for spec in scenario.runs:
            if spec.model not in models:
                models[spec.model] = Model(spec.model, solver)
            try:
                runs[spec.label] = models[spec.model].run(spec.parameters, spec.initial,
                                                          scenario.t_end, points, spec.doses)
            except SimulationError as exc:  # keep the others; the failure is reported
                failed[spec.label] = str(exc)
            done += 1
            if progress:
                progress(done, total)
        for grid in scenario.grids:
            step = _offset(progress, done, total)
            grids[grid.name] = run_grid(grid, resolution, engine, folder, step)
            done += len(grids[grid.name])
    except KeyboardInterrupt:
        raise Interrupted(ScenarioResult(scenario, runs, grids, complete=False, failed=failed),
                          done, total) from None
    return ScenarioResult(scenario, runs, grids, failed=failed)


def _offset(progress: Progress | None, done: int, total: int) -> Progress | None:
    """A grid's progress (its points done) as the scenario's (simulations done)."""
    if progress is None:
        return None
    return lambda finished, _: progress(done + finished, total)


def run_grid(grid: Grid, resolution: int | None = None, engine: Engine | None = None,
             folder: str | os.PathLike[str] | None = None,
             progress: Progress | None = None) -> pd.DataFrame:
    """The table of ``grid`` (its sweep's columns, one row per point), computed by
    :func:`pycart.scale.runner.run_sweep` on ``engine`` (default: this process), its chunks
    kept in ``folder`` (default: a temporary folder) until it completes; the table itself
    is returned, not kept (``write_result`` writes it)."""
    import tempfile
    from pathlib import Path

    sweep = grid.sweep(resolution)
    with tempfile.TemporaryDirectory(prefix="pycart-grid-") as tmp:
        out = Path(folder if folder is not None else tmp) / f"grid_{file_name(grid.name)}.parquet"
        run_sweep(sweep, out, engine or SerialEngine(), progress=progress)
        table = missing_as_nan(pd.read_parquet(out))
        out.unlink()
        return table
