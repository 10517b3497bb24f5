"""The negative log-likelihood of every fit: a joint problem (:mod:`pycart.analysis.joint`)
or one patient alone (:class:`~pycart.analysis.fit.FitProblem`, a joint problem of one
patient whose names are all its own). Every patient's runs are simulated with its entries
of the parameter vector, all points asked for at once in one batch
(:mod:`pycart.analysis.jointbatch`, :mod:`pycart.analysis.runsim`: the optimiser's
Jacobian, the profiles and the prediction bands alike), each observable computed from the
runs, each row's noise model applied, censored rows included.

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
``sqrt(2*sum(log sd - LOG_FLOOR))``, nonnegative as every sd is at least ``exp(LOG_FLOOR)``;
where no sd depends on the parameters (fixed sigmas, no proportional noise) that term is a
constant, added to the nll and not given to the optimiser (a constant residual would only
loosen its relative stopping test).

A row without a sigma and without an estimated ``sigma_<observable>`` entry (a patient
fitted alone, its data giving no sigma) has its sd profiled out: one per observable, at its
maximum-likelihood value, the root mean square of those rows' residuals (:meth:`JointObjective.
sigmas`); its residual is left unscaled and :func:`~pycart.analysis.fit.local_fit` updates
the sd between rounds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import log_ndtr

from ..core.errors import SimulationError
from ..core.model import SolverSettings
from .data import LLOQ, OBSERVABLE, PATIENT, SIGMA, TIME, VALUE, censored_rows
from .jointbatch import batch_groups, distinct
from .observation import Observable
from .runsim import RunSimulator

#: Smallest simulated value taken to the log (a simulated 0 is far from any datum).
LOG_FLOOR = 1e-300
#: log of the smallest noise sd (sds are clipped to it), the offset that keeps the residual
#: of the log-sd terms real.
LOG_SD_FLOOR = math.log(LOG_FLOOR)


class _Patient:
    """One patient's rows (``rows`` of the data, for the run ``run``), arranged for the
    likelihood; ``labels`` are the parameter vector's entries, ``shared`` the names every
    patient shares."""

    def __init__(self, run: Any, labels: Sequence[str], shared: Sequence[str],
                 rows: pd.DataFrame, observables: Sequence[Observable],
                 runs: RunSimulator) -> None:
        self.label, self.model, self.run = run.patient, run.model, run
        self.runs = runs
        self.x_index = np.array([labels.index(n if n in shared else f"{n}__{run.patient}")
                                 for n in run.estimate], dtype=int)
        self.observables = [o for o in observables if (rows[OBSERVABLE] == o.id).any()]
        self.selections = list(dict.fromkeys(s for o in self.observables
                                             for s in o.selections(run.model)))
        times = rows[TIME].to_numpy(float)
        self.times = np.unique(np.concatenate([[0.0], times]))
        self.row_time = np.searchsorted(self.times, times)
        self.ids = [o.id for o in self.observables]
        self.row_obs = np.array([self.ids.index(o) for o in rows[OBSERVABLE]], dtype=int)
        self.censored = censored_rows(rows)
        noise = np.array([o.noise for o in self.observables])[self.row_obs]
        self.log = noise == "lognormal"
        self.proportional = noise == "proportional"
        self._values(rows, labels)
        scale = [e for e in (f"blood_scale__{run.patient}", "blood_scale") if e in labels]
        self.scale_entry = labels.index(scale[0]) if scale else -1

    def _values(self, rows: pd.DataFrame, labels: Sequence[str]) -> None:
        """The transformed values, lloqs and noise of the rows, and the nll's constant."""
        value = rows[VALUE].to_numpy(float)
        lloq = rows[LLOQ].to_numpy(float) if LLOQ in rows else np.full(len(rows), np.nan)
        measured = ~self.censored
        with np.errstate(divide="ignore", invalid="ignore"):
            self.y = np.where(self.log, np.log(np.where(measured, value, 1.0)), value)
            self.lloq = np.where(self.log, np.log(np.where(self.censored, lloq, 1.0)), lloq)
        by_obs = {o.id: o for o in self.observables}
        given = rows[SIGMA].to_numpy(float) if SIGMA in rows else np.full(len(rows), np.nan)
        fixed = np.array([by_obs[o].sigma if by_obs[o].sigma is not None else np.nan
                          for o in rows[OBSERVABLE]], dtype=float)
        self.sigma = np.where(np.isnan(given), fixed, given)
        self.sigma_entry = np.array([labels.index(f"sigma_{o}") if math.isnan(s)
                                     and f"sigma_{o}" in labels else -1
                                     for o, s in zip(rows[OBSERVABLE], self.sigma,
                                                     strict=True)], dtype=int)
        # no sigma and no entry: profiled out (sd 1 here, the rms between rounds)
        self.profiled = np.isnan(self.sigma) & (self.sigma_entry < 0) & measured
        self.sd_rows = measured & ~self.profiled  # their sds enter the log-sd term
        self.varies = bool(np.any(self.sd_rows & ((self.sigma_entry >= 0)
                                                  | self.proportional)))
        self.constant = float(np.sum(measured) * 0.5 * math.log(2 * math.pi)
                              + np.sum(self.y[measured & self.log]))
        if self.varies:
            self.constant += float(np.sum(self.sd_rows) * LOG_SD_FLOOR)
        else:
            self.constant += float(np.sum(np.log(np.maximum(self.sigma[self.sd_rows],
                                                            LOG_FLOOR))))

    @property
    def width(self) -> int:
        """How many residuals the patient gives."""
        return int(np.sum(~self.censored) + np.sum(self.censored) + self.varies)

    def curves(self, x: np.ndarray, times: np.ndarray) -> dict[str, np.ndarray]:
        """Each observable of this patient at ``times`` for the parameter vector ``x``."""
        curves = self.curves_many(np.asarray(x, dtype=float)[None, :], times)
        if any(np.isnan(c).any() for c in curves.values()):
            raise SimulationError("the solver failed (fast path and libRoadRunner)")
        return {k: c[0] for k, c in curves.items()}

    def curves_many(self, X: np.ndarray, times: np.ndarray) -> dict[str, np.ndarray]:
        """Each observable at ``times`` (a row per row of ``X``, NaN where the solver
        failed), every row's run in one batch."""
        return self.observe(X, self.simulate(X, times))

    def simulate(self, X: np.ndarray, times: np.ndarray) -> np.ndarray:
        """The runs' selections at ``times`` for every row of ``X`` in one batch (points x
        times x selections); rows that differ only in entries the runs do not take (sigmas,
        the blood scale) are run once."""
        points, back = distinct(X[:, self.x_index])
        return self.runs.simulate_many(points, times, self.selections)[back]

    def observe(self, X: np.ndarray, sim: np.ndarray) -> dict[str, np.ndarray]:
        """Each observable from the runs' selections ``sim`` of the rows of ``X``."""
        columns = {s: sim[:, :, j] for j, s in enumerate(self.selections)}
        out = {}
        for o in self.observables:
            if self.scale_entry >= 0 and o.scaled:  # a scale per row: the check is scalar
                out[o.id] = np.stack([o.compute(self.model, {s: c[i] for s, c in
                                                             columns.items()},
                                                10.0 ** X[i, self.scale_entry])
                                      for i in range(len(X))])
            else:
                out[o.id] = o.compute(self.model, columns)
        return out

    def residuals_many(self, X: np.ndarray, sim: np.ndarray | None = None) -> np.ndarray:
        """The patient's residuals (measured rows, censored rows, then the log-sd term) for
        every row of ``X`` (a row of NaN where the solver failed), from the runs ``sim`` at
        the patient's days where they are given."""
        curves = self.observe(X, self.simulate(X, self.times) if sim is None else sim)
        s = np.empty((len(X), len(self.row_obs)))
        for k, ident in enumerate(self.ids):
            rows = self.row_obs == k
            s[:, rows] = curves[ident][:, self.row_time[rows]]
        sigma = np.where(self.sigma_entry >= 0, 10.0 ** X[:, self.sigma_entry],
                         np.where(self.profiled, 1.0, self.sigma))
        floor = np.maximum(s, LOG_FLOOR)
        sd = np.maximum(np.where(self.proportional, sigma * floor, sigma), LOG_FLOOR)
        sim = np.where(self.log, np.log(floor), s)
        z = (sim - self.y) / sd
        tail = (self.lloq - sim) / sd
        censored = np.sqrt(np.maximum(-2.0 * log_ndtr(tail[:, self.censored]), 0.0))
        parts = [z[:, ~self.censored], censored]
        if self.varies:
            parts.append(np.sqrt(2.0 * np.sum(np.log(sd[:, self.sd_rows]) - LOG_SD_FLOOR,
                                              axis=1))[:, None])
        return np.concatenate(parts, axis=1)


class JointObjective:
    """The negative log-likelihood of a fit problem (``problem``: a joint problem, or a
    :class:`~pycart.analysis.fit.FitProblem` as a joint problem of one patient), with a
    :class:`~pycart.analysis.runsim.RunSimulator` per patient (``settings``, ``solver``: as
    it takes them). It serves :func:`pycart.analysis.fit.local_fit`: residuals of one
    point or of many in one batch, the sds profiled out between rounds (``groups``: one
    array of residual indices per observable, empty where its sds are given or entries)."""

    def __init__(self, problem: Any, settings: SolverSettings | None = None,
                 solver: str = "auto") -> None:
        self.problem = problem
        data, alone = problem.data, len(problem.runs) == 1
        self.patients = [_Patient(run, problem.estimate, problem.shared, data if alone else
                                  data[data[PATIENT] == run.patient], problem.observables,
                                  RunSimulator(run, settings, solver))
                         for run in problem.runs]
        self.constant = sum(p.constant for p in self.patients)
        self.groups = self._groups()
        self.together = batch_groups(self.patients, solver)

    def _groups(self) -> list[np.ndarray]:
        """Per observable (in the order first measured), the indices of its profiled rows
        in the residual vector."""
        ids = list(dict.fromkeys(i for p in self.patients for i in p.ids))
        found: list[list[np.ndarray]] = [[] for _ in ids]
        start = 0
        for p in self.patients:
            measured = np.flatnonzero(~p.censored)  # residuals begin with the measured rows
            for k, ident in enumerate(p.ids):
                rows = np.flatnonzero(p.profiled[measured] & (p.row_obs[measured] == k))
                found[ids.index(ident)].append(start + rows)
            start += p.width
        return [np.concatenate(g) for g in found]

    def raw_residuals(self, x: np.ndarray) -> np.ndarray:
        """Every patient's residuals (see the module), profiled rows not yet divided by
        their sd."""
        out = self.raw_residuals_many(np.asarray(x, dtype=float)[None, :])[0]
        if np.isnan(out).any():
            raise SimulationError("the solver failed (fast path and libRoadRunner)")
        return out

    def raw_residuals_many(self, X: np.ndarray) -> np.ndarray:
        """:meth:`raw_residuals` of every row of ``X`` (NaN where the solver failed): the
        runs of every patient and row in one batch per group of patients that differ only
        in fixed values (:mod:`pycart.analysis.jointbatch`), what the finite-difference
        Jacobian takes."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        sims: dict[int, np.ndarray] = {}
        for group in self.together:
            sims |= group.simulate(X)
        return np.concatenate([p.residuals_many(X, sims.get(i))
                               for i, p in enumerate(self.patients)], axis=1)

    def sigmas(self, raw: np.ndarray) -> np.ndarray:
        """The sd each residual is still to be divided by: a profiled row's observable's
        root mean square of ``raw``, 1 elsewhere (those residuals carry their noise)."""
        sigma = np.ones(len(raw))
        for rows in self.groups:
            if len(rows):
                sigma[rows] = max(math.sqrt(float(np.mean(raw[rows] ** 2))), 1e-12)
        return sigma

    def nll(self, x: np.ndarray) -> float:
        """The negative log-likelihood at the log10 parameter vector ``x`` (profiled sds at
        their optimum)."""
        try:
            return float(sum(self.patient_nll(x)))
        except SimulationError:
            return math.inf

    def patient_nll(self, x: np.ndarray) -> list[float]:
        """Each patient's share of the nll at ``x``."""
        raw = self.raw_residuals(x)
        sigma = self.sigmas(raw)
        terms = 0.5 * (raw / sigma) ** 2 + np.log(sigma)  # log 1 = 0: the unprofiled rows
        bounds = np.cumsum([0] + [p.width for p in self.patients])
        return [float(np.sum(terms[a:b]) + p.constant)
                for p, a, b in zip(self.patients, bounds[:-1], bounds[1:], strict=True)]

    def curves(self, x: np.ndarray, patient: str, times: np.ndarray) -> dict[str, np.ndarray]:
        """``patient``'s observables at ``times`` for ``x``."""
        return self.patient(patient).curves(x, times)

    def curves_many(self, X: np.ndarray, patient: str, times: np.ndarray
                    ) -> dict[str, np.ndarray]:
        """``patient``'s observables at ``times`` for every row of ``X`` in one batch (a
        row per point, NaN where the solver failed)."""
        return self.patient(patient).curves_many(np.atleast_2d(X), times)

    def patient(self, label: str) -> _Patient:
        """The patient labelled ``label``."""
        return next(p for p in self.patients if p.label == label)
