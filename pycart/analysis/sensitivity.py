"""Global sensitivity analysis: the design and the indices from SALib, the runs on the
sweep engine.

A :class:`Design` says which factors vary over which ranges (uniform, or log-uniform: a log
factor is sampled uniformly in log10), the method (Sobol' indices from Saltelli's scheme,
or Morris' elementary effects) and the sample size. :func:`sensitivity` draws the design
with SALib, evaluates any model function on it (pycart's model through
:class:`SweepModel`, or any function of a matrix of factor values, such as SALib's Ishigami
function) and hands the outputs to SALib's analysis: one code path for every model.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.columns import INITIAL_PREFIX
from ..core.errors import PycartError, SimulationError
from ..core.names import MODELS, PARAMETERS, RESPONSE_DAY, model_parameters
from ..scale.engines import Engine
from ..scale.runner import run_sweep
from ..scale.sweep import Dimension, PointList, Sweep

METHODS = ("sobol", "morris")

#: The columns of the indices table, by method.
COLUMNS = {"sobol": ["parameter", "S1", "S1_conf", "ST", "ST_conf"],
           "morris": ["parameter", "mu_star", "mu_star_conf", "sigma", "mu"]}

#: Morris: levels of the grid each factor moves on (SALib's default, 4).
MORRIS_LEVELS = 4

#: Confidence level of the intervals SALib reports (bootstrap, 1000 resamples).
CONFIDENCE = 0.95
RESAMPLES = 1000

#: log10 outputs take cell counts below this as this (far below the 1-cell response
#: threshold, at the solver's noise level).
LOG_FLOOR = 1e-12

#: Default sample sizes. Sobol': N = 4096 base samples, as docs/sensitivity.md's analysis of Figure
#: 7's four factors: its 95% half-widths are at most 0.033 and tell init_L's S1 (0.02) from
#: zero; N = 1024 doubles them (up to 0.063; init_L's S1 0.015 +- 0.019). Morris: 1024
#: trajectories.
SAMPLES = {"sobol": 4096, "morris": 1024}

#: What ``--help`` and docs/sensitivity.md say of the sample size (tests check both).
SAMPLE_ADVICE = (f"default {SAMPLES['sobol']} Sobol' base samples (a power of two: 95% "
                 "intervals within about 0.03 over four factors, half those of 1024) or "
                 f"{SAMPLES['morris']} Morris trajectories")

#: The most model runs one analysis may ask for.
MAX_RUNS = 10_000_000

#: A model function: a matrix of factor values (one row per run, one column per factor,
#: in the design's order) in, one output per run out.
ModelFunction = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Design:
    """The factors (name, lo, hi, scale "log" or "linear"), the method and its sample size:
    Sobol' base samples N (N * (k + 2) runs for k factors) or Morris trajectories N
    (N * (k + 1) runs)."""

    factors: tuple[Dimension, ...]
    method: str = "sobol"
    samples: int = SAMPLES["sobol"]
    seed: int = 0

    def validate(self) -> None:
        """Check the method, the sample size and every range; :class:`PycartError` if bad."""
        if self.method not in METHODS:
            raise PycartError(f"method {self.method!r} (allowed: {', '.join(METHODS)})")
        if len(self.factors) < 2:
            raise PycartError("a sensitivity analysis needs at least two --range factors")
        names = [f.name for f in self.factors]
        if len(set(names)) != len(names):
            raise PycartError(f"a factor is given twice: {', '.join(names)}")
        for f in self.factors:
            spec = PARAMETERS.get(f.name)
            if spec is not None and spec.switch:  # sampled values between 0 and 1 mean nothing
                raise PycartError(f"{f.name} is a switch (allowed values 0 or 1), not a --range "
                                  f"factor: compare two analyses, --set {f.name}=0 and "
                                  f"--set {f.name}=1")
            if f.scale not in ("log", "linear"):
                raise PycartError(f"{f.name}: scale {f.scale!r} (allowed: log, linear)")
            if not (math.isfinite(f.lo) and math.isfinite(f.hi) and f.lo < f.hi):
                raise PycartError(f"{f.name}: range {f.lo:g}:{f.hi:g} (allowed: finite LO < HI)")
            if f.scale == "log" and f.lo <= 0:
                raise PycartError(f"{f.name}: a log range needs LO > 0")
        if not isinstance(self.samples, int) or self.samples < 2:
            raise PycartError(f"samples {self.samples!r} (allowed: a whole number >= 2)")
        if self.runs > MAX_RUNS:
            raise PycartError(f"{self.runs:,} model runs (allowed: at most {MAX_RUNS:,}; "
                              "use fewer --samples)")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise PycartError(f"seed {self.seed!r} (allowed: a whole number >= 0)")

    @property
    def runs(self) -> int:
        """Model runs the design needs."""
        k = len(self.factors)
        return self.samples * (k + 2 if self.method == "sobol" else k + 1)

    def notes(self) -> list[str]:
        """Warnings about the design (a Sobol' sample size that is not a power of two)."""
        n = self.samples
        if self.method == "sobol" and n & (n - 1):
            near = 1 << round(math.log2(n))
            return [f"{n} Sobol' samples is not a power of two: the sequence loses its "
                    f"balance properties and the indices converge more slowly (use e.g. {near})"]
        return []

    def problem(self) -> dict:
        """The SALib problem: log factors over log10 of their range."""
        return {"num_vars": len(self.factors), "names": [f.name for f in self.factors],
                "bounds": [[math.log10(f.lo), math.log10(f.hi)] if f.scale == "log"
                           else [f.lo, f.hi] for f in self.factors]}

    def sample(self) -> np.ndarray:
        """SALib's design in the problem's space (log10 for log factors)."""
        from SALib.sample import morris, sobol

        with warnings.catch_warnings():  # the power-of-two case is reported by notes()
            warnings.filterwarnings("ignore", "The balance properties", UserWarning)
            if self.method == "sobol":
                return sobol.sample(self.problem(), self.samples, calc_second_order=False,
                                    seed=self.seed)
            return morris.sample(self.problem(), self.samples, num_levels=MORRIS_LEVELS,
                                 seed=self.seed)

    def values(self, X: np.ndarray) -> np.ndarray:
        """Factor values of design points (10**x for log factors)."""
        out = np.array(X, dtype=float)
        for j, f in enumerate(self.factors):
            if f.scale == "log":
                out[:, j] = 10.0 ** out[:, j]
        return out

    def analyze(self, X: np.ndarray, Y: np.ndarray) -> pd.DataFrame:
        """The indices, one row per factor, with SALib's confidence intervals."""
        from SALib.analyze import morris, sobol

        problem = self.problem()
        # Sobol' gets a Generator, not the int: SALib seeds its bootstrap only when
        # ``if seed:`` holds, so seed 0 (the default) drew unseeded intervals. It is the
        # int's own stream, so the intervals of every other seed do not change. (Morris
        # seeds any int, 0 included; a Generator there would be spawned into a new stream.)
        rng = np.random.default_rng(self.seed)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.method == "sobol":
                found = sobol.analyze(problem, Y, calc_second_order=False,
                                      num_resamples=RESAMPLES, conf_level=CONFIDENCE,
                                      seed=rng)
            else:
                found = morris.analyze(problem, X, Y, num_resamples=RESAMPLES,
                                       conf_level=CONFIDENCE, num_levels=MORRIS_LEVELS,
                                       seed=self.seed)
        columns = COLUMNS[self.method]
        table = pd.DataFrame({c: np.asarray(found[c], dtype=float) for c in columns[1:]})
        table.insert(0, "parameter", problem["names"])
        return table


@dataclass(frozen=True)
class SensitivityResult:
    """The indices table, and the design's factor values and outputs."""

    design: Design
    indices: pd.DataFrame
    X: np.ndarray
    Y: np.ndarray

    def ranking(self) -> list[str]:
        """Factors from the most to the least important (by ST, or by mu_star)."""
        key = "ST" if self.design.method == "sobol" else "mu_star"
        return list(self.indices.sort_values(key, ascending=False, kind="stable")["parameter"])


def sensitivity(design: Design, model: ModelFunction) -> SensitivityResult:
    """Draw ``design`` with SALib, evaluate ``model`` on its factor values, and return the
    indices from SALib. A Sobol' size that is not a power of two is warned about
    (``UserWarning``)."""
    design.validate()
    for note in design.notes():
        warnings.warn(note, UserWarning, stacklevel=2)
    X = design.sample()
    values = design.values(X)
    Y = np.asarray(model(values), dtype=float).reshape(-1)
    if len(Y) != len(X):
        raise PycartError(f"the model gave {len(Y)} outputs for {len(X)} runs")
    bad = ~np.isfinite(Y)
    if bad.any():
        raise SimulationError(f"{int(bad.sum())} of {len(Y)} outputs are undefined (first at "
                              f"run {int(np.argmax(bad))}); the indices need every run")
    return SensitivityResult(design, design.analyze(X, Y), values, Y)


# ---- pycart's model as a model function ---------------------------------------------------

_SPECIES_AT = re.compile(r"^(log10_)?([A-Za-z]\w*)@(\d+(?:\.\d*)?)$")
_PEAK = (col.T_PEAK, col.C_PEAK, col.FOLD_EXPANSION)


@dataclass(frozen=True)
class Output:
    """What a sensitivity analysis looks at: a column of a sweep table, maybe in log10."""

    name: str
    column: str
    log10: bool
    day: float | None = None
    species: str | None = None

    @property
    def peak(self) -> bool:
        """Whether the CAR T peak is needed."""
        return self.column in _PEAK


def output(name: str, model: str = "cart_bm") -> Output:
    """Parse an output name: ``L30``, ``log10_L30``, ``responder`` (1 or 0), ``t_peak``,
    ``C_peak``, ``log10_C_peak``, ``fold_expansion``, or a species at a day (``CA@60``,
    ``log10_L@90``); :class:`PycartError` lists them otherwise."""
    species = MODELS.get(model, MODELS["cart_bm"])
    match = _SPECIES_AT.match(name)
    if match and match.group(2) in species and float(match.group(3)) > 0:
        day = float(match.group(3))
        return Output(name, col.at_day(match.group(2), day), bool(match.group(1)), day,
                      match.group(2))
    plain = {col.L30: False, "log10_L30": True, col.RESPONDER: False, col.T_PEAK: False,
             col.C_PEAK: False, "log10_C_peak": True, col.FOLD_EXPANSION: False}
    if name in plain:
        return Output(name, name.removeprefix("log10_"), plain[name])
    raise PycartError(f"unknown output {name!r} (allowed: {', '.join(plain)}, or a species at "
                      f"a day such as CA@60 or log10_L@90; species: {', '.join(species)})")


def factor_name(name: str, model: str = "cart_bm") -> str:
    """The parameter or species id a factor names (``L`` or ``init_L`` for L's initial
    amount); :class:`PycartError` for anything else."""
    species = MODELS.get(model, ())
    ident = name.removeprefix(INITIAL_PREFIX) if name.removeprefix(INITIAL_PREFIX) in species \
        else name
    if ident not in species and ident not in model_parameters(model):
        raise PycartError(f"unknown parameter or species {name!r} (allowed: "
                          f"{', '.join(model_parameters(model))}; or {', '.join(species)})")
    return ident


class SweepModel:
    """pycart's model as a model function: the design's points run as a point-list sweep
    (any engine and ``solver``, streamed to ``runs``, resumable), one output per run."""

    def __init__(self, design: Design, output_name: str, runs: str | os.PathLike[str],
                 engine: Engine | None = None, model: str = "cart_bm",
                 parameters: dict[str, float] | None = None,
                 initial: dict[str, float] | None = None, t_end: float | None = None,
                 chunk_size: int = 2000, progress: Callable[[int, int], None] | None = None,
                 solver: str = "auto") -> None:
        self.output = output(output_name, model)
        day = max(RESPONSE_DAY, self.output.day or 0.0)
        t_end = day if t_end is None else t_end
        self.settings = dict(parameters=parameters or {}, initial=initial or {}, t_end=t_end,
                             days=(self.output.day,) if self.output.day else (),
                             species=(self.output.species,) if self.output.species else ("L",),
                             peak=self.output.peak, solver=solver)
        self.names = [factor_name(f.name, model) for f in design.factors]
        self.model, self.runs = model, Path(runs)
        self.engine, self.chunk_size, self.progress = engine, chunk_size, progress
        needed = self.output.day or (RESPONSE_DAY if self.output.column in (col.L30, col.RESPONDER)
                                     else 0.0)
        if needed > t_end:
            raise PycartError(f"output {output_name} needs the run to reach day {needed:g} "
                              f"(allowed: --t-end >= {needed:g})")
        self.sweep(np.array([[f.lo for f in design.factors],
                             [f.hi for f in design.factors]])).validate()

    def sweep(self, values: np.ndarray) -> Sweep:
        """The point-list sweep of a matrix of factor values."""
        dims = tuple(Dimension(n, float(np.min(values[:, j])), float(np.max(values[:, j])), 0,
                               "linear") for j, n in enumerate(self.names))
        return Sweep(dims, self.model, "points", point_list=PointList(values),
                     **self.settings)  # type: ignore[arg-type]

    def __call__(self, values: np.ndarray) -> np.ndarray:
        report = run_sweep(self.sweep(values), self.runs, self.engine, self.chunk_size,
                           self.progress)
        table = (pd.read_parquet(report.out) if report.out.suffix == ".parquet"
                 else pd.read_csv(report.out))
        if report.failed:
            raise SimulationError(f"{report.failed} of {report.points} runs failed (their "
                                  f"messages are in {report.out}); the indices need every run")
        y = table[self.output.column].to_numpy(dtype=float)
        return np.log10(np.maximum(y, LOG_FLOOR)) if self.output.log10 else y
