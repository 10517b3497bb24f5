"""The negative log-likelihood of a joint problem (:mod:`pycart.analysis.joint`): every
patient's run simulated with its entries of the parameter vector, each observable computed
from the run, each row's noise model applied, censored rows included.

For a measured row with simulation s, noise sd sd and (transformed) value y the term is
PEtab's, ``0.5*log(2*pi*sd^2) + 0.5*((s - y)/sd)^2``, on log(s) and log(y) plus ``log(y)``
for log-normal noise (sd = sigma), with sd = sigma*s for proportional noise. A left-censored
row (value empty or below its lloq) adds ``-log P(Y < lloq)`` = ``-log Phi(z)``, z =
``(log lloq - log s)/sigma`` (log-normal) or ``(lloq - s)/sd``: a probability, with no
density constant and no ``log(y)``. Without censored rows the nll is the number pyPESTO
computes on the same PEtab problem.

The nll is written as a sum of squares, so scipy's least squares applies: a measured row's
residual is z, a censored row's ``sqrt(-2 log Phi(z))`` (``scipy.special.log_ndtr``, exact in
the tails), and each patient's noise sds enter through one residual
``sqrt(2*sum(log sd - LOG_FLOOR))``, nonnegative as every sd is at least ``exp(LOG_FLOOR)``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import log_ndtr

from ..core.errors import SimulationError
from .data import LLOQ, OBSERVABLE, PATIENT, SIGMA, TIME, VALUE, censored_rows
from .fit import LOG_FLOOR, Objective

#: log of the smallest noise sd (sds are clipped to it), the offset that keeps the residual
#: of the log-sd terms real.
LOG_SD_FLOOR = math.log(LOG_FLOOR)


class _Patient:
    """One patient's rows, arranged for the likelihood."""

    def __init__(self, problem: Any, index: int) -> None:
        run = problem.runs[index]
        self.label, self.model = run.patient, run.model
        self.objective = Objective(run)
        labels = problem.estimate
        self.x_index = np.array([labels.index(n if n in problem.shared else
                                              f"{n}__{run.patient}") for n in run.estimate],
                                dtype=int)
        rows = problem.data[problem.data[PATIENT] == run.patient]
        self.observables = [o for o in problem.observables if (rows[OBSERVABLE] == o.id).any()]
        self.selections = list(dict.fromkeys(s for o in self.observables
                                             for s in o.selections(run.model)))
        times = rows[TIME].to_numpy(float)
        self.times = np.unique(np.concatenate([[0.0], times]))
        self.row_time = np.searchsorted(self.times, times)
        ids = [o.id for o in self.observables]
        self.row_obs = np.array([ids.index(o) for o in rows[OBSERVABLE]], dtype=int)
        self.censored = censored_rows(rows)
        noise = np.array([o.noise for o in self.observables])[self.row_obs]
        self.log = noise == "lognormal"
        self.proportional = noise == "proportional"
        value = rows[VALUE].to_numpy(float)
        lloq = rows[LLOQ].to_numpy(float) if LLOQ in rows else np.full(len(rows), np.nan)
        measured = ~self.censored
        with np.errstate(divide="ignore", invalid="ignore"):
            self.y = np.where(self.log, np.log(np.where(measured, value, 1.0)), value)
            self.lloq = np.where(self.log, np.log(np.where(self.censored, lloq, 1.0)), lloq)
        self.constant = float(np.sum(measured) * (LOG_SD_FLOOR + 0.5 * math.log(2 * math.pi))
                              + np.sum(self.y[measured & self.log]))
        by_obs = {o.id: o for o in self.observables}
        given = rows[SIGMA].to_numpy(float)
        fixed = np.array([by_obs[o].sigma if by_obs[o].sigma is not None else np.nan
                          for o in rows[OBSERVABLE]], dtype=float)
        self.sigma = np.where(np.isnan(given), fixed, given)
        self.sigma_entry = np.array([labels.index(f"sigma_{o}") if math.isnan(s) else -1
                                     for o, s in zip(rows[OBSERVABLE], self.sigma,
                                                     strict=True)], dtype=int)
        scale = [e for e in (f"blood_scale__{run.patient}", "blood_scale") if e in labels]
        self.scale_entry = labels.index(scale[0]) if scale else -1

    def curves(self, x: np.ndarray, times: np.ndarray) -> dict[str, np.ndarray]:
        """Each observable of this patient at ``times`` for the parameter vector ``x``."""
        sim = self.objective.simulate(x[self.x_index], times, self.selections)
        columns = {s: sim[:, j] for j, s in enumerate(self.selections)}
        scale = 10.0 ** x[self.scale_entry] if self.scale_entry >= 0 else None
        return {o.id: o.compute(self.model, columns, scale) for o in self.observables}

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """The patient's residuals: measured rows, censored rows, then the log-sd term."""
        curves = self.curves(x, self.times)
        ids = [o.id for o in self.observables]
        s = np.array([curves[ids[k]][t] for k, t in zip(self.row_obs, self.row_time,
                                                        strict=True)])
        sigma = np.where(self.sigma_entry >= 0, 10.0 ** x[self.sigma_entry], self.sigma)
        floor = np.maximum(s, LOG_FLOOR)
        sd = np.maximum(np.where(self.proportional, sigma * floor, sigma), LOG_FLOOR)
        sim = np.where(self.log, np.log(floor), s)
        measured = ~self.censored
        z = (sim - self.y) / sd
        tail = (self.lloq - sim) / sd
        censored = np.sqrt(np.maximum(-2.0 * log_ndtr(tail[self.censored]), 0.0))
        log_sd = math.sqrt(2.0 * float(np.sum(np.log(sd[measured]) - LOG_SD_FLOOR)))
        return np.concatenate([z[measured], censored, [log_sd]])


class JointObjective:
    """The negative log-likelihood of a joint problem, with one RoadRunner per patient. It
    serves :func:`pycart.analysis.fit.local_fit` as :class:`~pycart.analysis.fit.Objective`
    does, its noise already in the residuals (no sigma is profiled out between rounds)."""

    #: No sigma is estimated between rounds: estimated sigmas are entries of the vector.
    groups: tuple[np.ndarray, ...] = ()

    def __init__(self, problem: Any) -> None:
        self.problem = problem
        self.patients = [_Patient(problem, i) for i in range(len(problem.runs))]
        self.constant = sum(p.constant for p in self.patients)

    def raw_residuals(self, x: np.ndarray) -> np.ndarray:
        """Every patient's residuals, already divided by their noise (see the module)."""
        return np.concatenate([p.residuals(x) for p in self.patients])

    def sigmas(self, raw: np.ndarray) -> np.ndarray:
        """Ones: the residuals carry their noise."""
        return np.ones(len(raw))

    def nll(self, x: np.ndarray) -> float:
        """The negative log-likelihood at the log10 parameter vector ``x``."""
        try:
            raw = self.raw_residuals(x)
        except SimulationError:
            return math.inf
        return float(0.5 * np.sum(raw ** 2) + self.constant)

    def patient_nll(self, x: np.ndarray) -> list[float]:
        """Each patient's share of the nll at ``x``."""
        return [float(0.5 * np.sum(p.residuals(x) ** 2) + p.constant) for p in self.patients]

    def curves(self, x: np.ndarray, patient: str, times: np.ndarray) -> dict[str, np.ndarray]:
        """``patient``'s observables at ``times`` for ``x``."""
        return next(p for p in self.patients if p.label == patient).curves(x, times)
