"""Maximum-likelihood fits of the model to measurements: multistart local optimisation in
log10-parameter space from a Sobol or Latin-hypercube design, on a sweep engine (this
process, local worker processes or a dask cluster: :mod:`pycart.scale.sweep`).

The likelihood is PEtab's: for each measurement y with simulation s and noise sd sigma,
``0.5*log(2*pi*sigma^2) + 0.5*((s - y)/sigma)^2`` (normal), or the same on log(s) and log(y)
plus ``log(y)`` (log-normal: sigma is the sd of the natural log, 0.1 for 10% noise). Where a
measurement gives no sigma, one sigma per observable is estimated with the parameters (at its
maximum-likelihood value, the root mean square of the residuals). So ``nll`` is the same
number pyPESTO computes on the PEtab problem that :mod:`pycart.exchange.petab` writes.

Each local fit is scipy's trust-region reflective least squares (``least_squares``, method
"trf") within the bounds; estimated sigmas are updated between rounds until the likelihood
stops changing (a fixed point of this loop is a stationary point of the likelihood).
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.errors import PycartError, SimulationError
from ..core.inputs import check_initial, check_parameters
from ..core.model import SolverSettings
from ..core.names import DEFAULT_MODEL, MODELS, PARAMETERS, model_parameters
from ..core.resources import sbml_text
from ..core.schedule import Dose, check_schedule, initial_amounts
from ..scale.engines import Engine, SerialEngine
from .data import OBSERVABLE, TIME, check_noise, observables
from .likelihood import JointObjective
from .observation import Observable, default_observables
from .runsim import model_values

#: Search bounds (linear scale) for the parameters one is likely to estimate; any other
#: parameter gets its model value divided and multiplied by 100.
DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {
    "alpha": (1e-12, 1e-7), "h": (1e6, 1e13), "rhoA": (0.05, 5.0), "tauA": (0.5, 100.0),
    "gammaAM": (1e-5, 1.0), "gammaMA": (1e-3, 10.0), "tauM": (10.0, 1e4),
    "rhoL": (0.01, 5.0), "Lmax": (1e9, 1e14), "gammaL": (1e-6, 1.0),
    "L": (1e6, 1e12), "CA": (1e5, 1e10),  # initial amounts (cells)
}
#: Residual given to every measurement when the solver fails at a trial point.
FAILED_RESIDUAL = 1e3


@dataclass(frozen=True)
class FitProblem:
    """One patient's data and what to estimate: ``estimate`` within ``bounds`` (linear
    scale), the other parameters at the model's values or ``parameters``, initial amounts
    at the model's or ``initial``."""

    data: pd.DataFrame = field(compare=False, repr=False)
    estimate: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    noise: str = "lognormal"
    parameters: Mapping[str, float] = field(default_factory=dict)
    initial: Mapping[str, float] = field(default_factory=dict)
    model: str = DEFAULT_MODEL
    patient: str = "patient"
    #: The patient's dose schedule (:mod:`pycart.core.schedule`), run on the model's variant.
    doses: tuple[Dose, ...] = ()

    @property
    def lower(self) -> np.ndarray:
        return log_bounds(self.bounds, 0)

    @property
    def upper(self) -> np.ndarray:
        return log_bounds(self.bounds, 1)

    @property
    def runs(self) -> tuple[FitProblem, ...]:
        """The problem as a joint problem of one patient: its one run (itself)."""
        return (self,)

    @property
    def shared(self) -> tuple[str, ...]:
        """Every estimated name is the one patient's (no ``name__patient`` entries)."""
        return self.estimate

    @property
    def patients(self) -> tuple[str, ...]:
        return (self.patient,)

    @property
    def observables(self) -> tuple[Observable, ...]:
        """Each observable a model id with the problem's noise, its sd given by the data
        or profiled out (estimated at its optimum, no entry of the vector)."""
        return default_observables(self.data[OBSERVABLE], self.noise, self.model)

    def make_objective(self) -> Objective:
        """The problem's likelihood, with its own RoadRunner."""
        return Objective(self)

    def key(self) -> str:
        """A fingerprint of everything that decides the likelihood."""
        fields = {k: getattr(self, k) for k in ("estimate", "bounds", "noise", "parameters",
                                                 "initial", "model", "patient")}
        if self.doses:  # only then, so fits without a schedule keep their saved work
            fields["doses"] = [[d.day, d.cells, d.species] for d in self.doses]
        text = json.dumps({"problem": _jsonable(fields), "sbml": hashlib.sha256(
            sbml_text(self.model).encode()).hexdigest(), "data": self.data.to_json()},
            sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def log_bounds(bounds: Sequence[tuple[float, float]], end: int) -> np.ndarray:
    """The lower (``end`` 0) or upper (1) search bounds in log10."""
    return np.log10([b[end] for b in bounds])


def _jsonable(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def parse_bounds(estimate: Sequence[str], given: Mapping[str, str], model: str,
                 defaults: Mapping[str, float]) -> tuple[tuple[float, float], ...]:
    """Bounds for each estimated parameter: ``given`` as ``LO:HI`` text, else the defaults."""
    unknown = [n for n in given if n not in estimate]
    if unknown:
        raise PycartError(f"--bounds {unknown[0]}: not estimated (allowed: one of "
                          f"{', '.join(estimate)})")
    out = []
    for name in estimate:
        if name in given:
            lo, hi = lo_hi(name, given[name])
            for end in (lo, hi):
                if name in MODELS[model]:
                    check_initial({name: end}, MODELS[model])
                else:
                    check_parameters({name: end}, model_parameters(model))
        else:
            value = defaults[name]
            if name not in DEFAULT_BOUNDS and not value > 0:
                raise PycartError(f"--estimate {name}: its model value is 0, so give "
                                  f"--bounds {name}=LO:HI (0 < LO < HI)")
            lo, hi = DEFAULT_BOUNDS.get(name, (value / 100, value * 100))
        out.append((lo, hi))
    return tuple(out)


def lo_hi(name: str, text: str) -> tuple[float, float]:
    """Search bounds ``LO:HI`` of ``name`` as numbers, 0 < LO < HI."""
    lo_text, sep, hi_text = text.partition(":")
    try:
        lo, hi = float(lo_text), float(hi_text)
    except ValueError:
        lo = hi = math.nan
    if not sep or not (0 < lo < hi < math.inf):
        raise PycartError(f"--bounds {name}={text}: expected LO:HI with "
                          "0 < LO < HI (the search is in log10 space)")
    return lo, hi


def check_estimate(names: Sequence[str], model: str) -> tuple[str, ...]:
    """Validate the names to estimate, each once: rate and size parameters of the model, or
    a species (its initial amount, e.g. the leukaemic burden L)."""
    allowed = [p for p in model_parameters(model) if not PARAMETERS[p].switch
               and not p.endswith(("_day", "_dose", "_threshold", "day2", "dose2"))]
    allowed += list(MODELS[model])
    if not names:
        raise PycartError(f"nothing to estimate (allowed: some of {', '.join(allowed)})")
    for name in names:
        if name not in allowed:
            raise PycartError(f"--estimate {name!r}: not a parameter that can be estimated "
                              f"(allowed: {', '.join(allowed)})")
    if len(set(names)) != len(names):
        raise PycartError(f"--estimate names a parameter twice: {','.join(names)}")
    return tuple(names)


def make_problem(data: pd.DataFrame, estimate: Sequence[str], bounds: Mapping[str, str],
                 noise: str = "lognormal", parameters: Mapping[str, object] | None = None,
                 initial: Mapping[str, object] | None = None, model: str = DEFAULT_MODEL,
                 patient: str = "patient", doses: Iterable[object] = ()) -> FitProblem:
    """Validate everything a fit needs (before any work) and return the problem; ``doses``
    is the patient's dose schedule, days up to the last measurement."""
    if model not in MODELS:
        raise PycartError(f"unknown model {model!r} (allowed: {', '.join(MODELS)})")
    names = check_estimate(list(estimate), model)
    fixed = check_parameters(parameters, model_parameters(model))
    clash = [n for n in names if n in fixed or n in (initial or {})]
    if clash:
        raise PycartError(f"{clash[0]} is both estimated and set (allowed: one or the other)")
    init = check_initial(initial, MODELS[model])
    check_noise(data, noise)
    unknown = sorted(set(data[OBSERVABLE]) - set(observables(model)))
    if unknown:
        raise PycartError(f"unknown observable {unknown[0]!r} for {model} (allowed: "
                          f"{', '.join(observables(model))})")
    schedule = check_schedule(doses, model, float(data[TIME].max()))
    initial_amounts(schedule, {}, explicit={*init, *names})  # an estimate is set too
    defaults = model_values(model)
    return FitProblem(data.reset_index(drop=True), names,
                      parse_bounds(names, bounds, model, defaults), noise, fixed, init, model,
                      patient, schedule)


# ---- the likelihood ------------------------------------------------------------------------

@dataclass
class FitResult:
    """The tables of a calibration (one row per patient and parameter in ``estimates``)."""

    problems: list  # FitProblem, or JointProblem (pycart.analysis.joint)
    estimates: pd.DataFrame
    starts: pd.DataFrame
    profiles: pd.DataFrame
    patients: pd.DataFrame
    #: per problem: the optimum ``x_hat`` (log10), its ``nll`` and the profile ``sides``
    fits: list[dict] = field(default_factory=list)


class Objective(JointObjective):
    """The negative log-likelihood of one patient alone: the joint likelihood
    (:class:`~pycart.analysis.likelihood.JointObjective`) of a problem of one patient, its
    runs on the fast path in batches with a RoadRunner for what the fast path does not
    compute (``solver``: "auto", "fast" or "roadrunner", as sweeps take it; ``settings``:
    that RoadRunner's CVODE settings)."""

    def __init__(self, problem: FitProblem, settings: SolverSettings | None = None,
                 solver: str = "auto") -> None:
        super().__init__(problem, settings, solver)
        alone = self.patients[0]
        self.runs, self.times, self.names = alone.runs, alone.times, alone.ids
        self.row_time, self.row_obs = alone.row_time, alone.row_obs
        self.batches = self.runs.batches

    def simulate(self, x: np.ndarray, times: np.ndarray | None = None,
                 selections: Sequence[str] | None = None) -> np.ndarray:
        """Simulated values (columns: ``selections``, default the observables) at ``times``
        (default the measurement times) for log10 parameters ``x``."""
        return self.runs.simulate(x, self.times if times is None else times,
                                  selections or self.names)

    def simulate_many(self, X: np.ndarray, times: np.ndarray | None = None,
                      selections: Sequence[str] | None = None) -> np.ndarray:
        """:meth:`simulate` for every row of ``X`` at once (points x times x selections),
        NaN where the solver failed at a point."""
        return self.runs.simulate_many(X, self.times if times is None else times,
                                       selections or self.names)


# ---- one local fit -------------------------------------------------------------------------

@dataclass(frozen=True)
class LocalFit:
    """The end of one local optimisation: log10 parameters, nll, success and evaluations."""

    x: np.ndarray
    nll: float
    ok: bool
    nfev: int
    message: str


def local_fit(objective: Objective, x0: np.ndarray, fixed: Mapping[int, float] | None = None,
              rounds: int = 8) -> LocalFit:
    """Minimise the nll from ``x0`` over the free parameters (those not in ``fixed``, which
    maps a parameter's index to its log10 value)."""
    from scipy.optimize import least_squares

    p = objective.problem
    fixed = dict(fixed or {})
    free = [i for i in range(len(p.estimate)) if i not in fixed]
    x = np.array(x0, dtype=float)
    for i, v in fixed.items():
        x[i] = v
    x[free] = np.clip(x[free], p.lower[free], p.upper[free])
    best = objective.nll(x)  # once: each evaluation is a simulation
    if not np.isfinite(best):
        return LocalFit(x, math.inf, False, 1, "the solver failed at the start point")
    if not free:
        return LocalFit(x, best, True, 1, "nothing free")
    nfev, message = 0, ""
    for _ in range(rounds):
        raw = objective.raw_residuals(x)
        residuals = _Residuals(objective, x, free, objective.sigmas(raw), raw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = least_squares(residuals.one, x[free], jac=residuals.jacobian(),
                                   bounds=(p.lower[free], p.upper[free]), method="trf",
                                   x_scale=1.0, xtol=1e-10, ftol=1e-12, gtol=1e-10,
                                   max_nfev=400)
        nfev += result.nfev
        trial = x.copy()
        trial[free] = result.x
        value = objective.nll(trial)
        message = result.message
        improved = value < best - 1e-9
        if value <= best:
            x, best = trial, value
        if not improved or not any(len(g) for g in objective.groups):
            break
    return LocalFit(x, best, bool(np.isfinite(best)), nfev, message)


class _Residuals:
    """The residuals one round of :func:`local_fit` minimises (the free parameters'; each
    raw residual divided by the round's ``sigma``), one point or many in one batch, and
    their forward-difference Jacobian (:func:`pycart.analysis.fdjac.forward_jacobian`, whose
    step says why). The last point's residuals are kept: scipy's trf asks for the Jacobian
    where it has just evaluated them, and for the residuals at the round's start, whose raw
    values gave ``sigma``; each a simulation saved, with the same numbers (a batch's rows
    are integrated independently, bit for bit as alone)."""

    def __init__(self, objective: Objective, x: np.ndarray, free: list[int],
                 sigma: np.ndarray, raw: np.ndarray) -> None:
        self.objective, self.x, self.free, self.sigma = objective, x, free, sigma
        self.last = (x[free].tobytes(), raw / sigma)

    def one(self, theta: np.ndarray) -> np.ndarray:
        """The residuals at ``theta``; a failed simulation gives each FAILED_RESIDUAL."""
        key = np.asarray(theta, dtype=float).tobytes()
        if key != self.last[0]:
            trial = self.x.copy()
            trial[self.free] = theta
            try:
                value = self.objective.raw_residuals(trial) / self.sigma
            except SimulationError:
                value = np.full(len(self.sigma), FAILED_RESIDUAL)
            self.last = (key, value)
        return self.last[1].copy()

    def known(self, theta: np.ndarray) -> np.ndarray | None:
        """The residuals at ``theta`` if they are the last point's (else None)."""
        same = np.asarray(theta, dtype=float).tobytes() == self.last[0]
        return self.last[1].copy() if same else None

    def many(self, thetas: np.ndarray) -> np.ndarray:
        """The residuals of every row of ``thetas``, in one batch."""
        trials = np.repeat(self.x[None, :], len(thetas), axis=0)
        trials[:, self.free] = thetas
        raw = self.objective.raw_residuals_many(trials) / self.sigma
        return np.where(np.isnan(raw).any(axis=1, keepdims=True), FAILED_RESIDUAL, raw)

    def jacobian(self) -> Callable[[np.ndarray], np.ndarray]:
        from .fdjac import forward_jacobian

        return forward_jacobian(self.many, self.objective.problem.upper[self.free],
                                known=self.known)


# ---- multistart ----------------------------------------------------------------------------

def design(problem: FitProblem, starts: int, seed: int = 0, sampling: str = "sobol"
           ) -> np.ndarray:
    """``starts`` start points (log10) spread over the bounds: a scrambled Sobol sequence or
    a Latin hypercube."""
    from scipy.stats import qmc

    k = len(problem.estimate)
    if sampling == "lhs":
        unit = qmc.LatinHypercube(d=k, seed=seed).random(starts)
    elif sampling == "sobol":
        with warnings.catch_warnings():  # a count that is not a power of 2 loses balance
            warnings.simplefilter("ignore", UserWarning)
            unit = qmc.Sobol(d=k, scramble=True, seed=seed).random(starts)
    else:
        raise PycartError(f"sampling {sampling!r} (allowed: sobol, lhs)")
    return problem.lower + unit * (problem.upper - problem.lower)


#: The objectives of this process, one per problem (a worker builds its own once).
_OBJECTIVES: dict[str, Objective] = {}


def objective_for(problem: FitProblem, key: str) -> Objective:  # or a joint problem's
    """This process's objective for ``problem`` (built on first use)."""
    objective = _OBJECTIVES.get(key)
    if objective is None:
        if len(_OBJECTIVES) > 8:
            _OBJECTIVES.clear()
        objective = _OBJECTIVES[key] = problem.make_objective()
    return objective


def start_task(problem: FitProblem, key: str, index: int, x0: np.ndarray) -> dict:
    """One start of a multistart (worker side): its row of ``starts.csv``."""
    fit = local_fit(objective_for(problem, key), x0)
    row: dict[str, object] = {"patient": problem.patient, "start": index,
                              "nll": fit.nll if fit.ok else math.nan,
                              col.STATUS: col.OK if fit.ok else col.FAILED, "evaluations": fit.nfev,
                              col.MESSAGE: fit.message}
    row |= {name: 10.0 ** v for name, v in zip(problem.estimate, fit.x, strict=True)}
    row |= {f"start_{name}": 10.0 ** v for name, v in zip(problem.estimate, x0, strict=True)}
    return row


def start_tasks(problem: FitProblem, starts: int, seed: int = 0, sampling: str = "sobol",
                done: Iterable[int] = ()) -> list[tuple]:
    """The arguments of :func:`start_task` for every start of the design not in ``done``."""
    points = design(problem, starts, seed, sampling)
    key, skip = problem.key(), set(done)
    return [(problem, key, i, points[i]) for i in range(starts) if i not in skip]


def starts_table(rows: Iterable[dict]) -> pd.DataFrame:
    """Rows of :func:`start_task` as a table, best first (failed starts last)."""
    table = pd.DataFrame(list(rows))
    return table.sort_values(["nll", "start"], na_position="last").reset_index(drop=True)


def multistart(problem: FitProblem, starts: int, seed: int = 0, sampling: str = "sobol",
               engine: Engine | None = None, done: Mapping[int, dict] | None = None,
               on_result: Callable[[dict], None] | None = None) -> pd.DataFrame:
    """Fit from ``starts`` design points on ``engine`` (an engine of
    :mod:`pycart.scale.engines`; default this process); return one row per start, best first
    (failed starts last). ``done`` holds rows already computed (by start index), which are
    not redone; ``on_result`` sees each new row as it finishes."""
    done = dict(done or {})
    rows = list(done.values())
    for row in (engine or SerialEngine()).run(
            start_task, start_tasks(problem, starts, seed, sampling, done)):
        rows.append(row)
        if on_result:
            on_result(row)
    return starts_table(rows)
