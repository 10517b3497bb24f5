"""A fit's simulations in batches, and the forward-difference Jacobian from one batch.

:class:`Simulations` gives :class:`~pycart.analysis.fit.Objective` the values of many
parameter points in one call to the fast path (:class:`pycart.scale.batch.BatchSimulator`,
one per grid of days and selections, built on first use); :func:`forward_jacobian` is the
``jac`` that :func:`~pycart.analysis.fit.local_fit` gives scipy's ``least_squares``: the k+1
points of a forward-difference Jacobian in one such call, where scipy would make k+1 calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core.errors import PycartError
from ..scale.batch import SOLVERS, BatchSimulator, sum_weights

#: The forward-difference step in log10 units of a parameter (0.023% of its value). The
#: error of a forward difference is about 2*eps/h + h*abs(f'')/2 for a solver error eps in a
#: residual (a log count) and a curvature f'' of O(1) per decade squared: the fast path's
#: relative tolerance is 1e-8 (its error between nearby points measured at ~4e-10 on the
#: year-long exhaustion fit), so the best h is ~2*sqrt(eps) = 4e-5..2e-4, and 1e-4 keeps both
#: terms below ~2e-4 of the derivative. scipy's default relative step of 1e-7 would make the
#: solver term 2*1e-8/1e-7 = 0.2: a Jacobian of noise (measured: wrong in the first digit).
FD_STEP = 1e-4
#: Grids of days kept per objective (fits ask for two or three: the data's, the plots').
KEPT_GRIDS = 4


class Simulations:
    """The batch simulators of one fit problem (``problem``: a
    :class:`~pycart.analysis.fit.FitProblem`), by grid of days and selections."""

    def __init__(self, problem: Any, solver: str = "auto") -> None:
        if solver not in SOLVERS:
            raise PycartError(f"solver {solver!r} (allowed: {', '.join(SOLVERS)})")
        self.problem = problem
        self.solver = solver
        self.simulators: dict[tuple, BatchSimulator] = {}

    def covers(self, selections: Sequence[str]) -> bool:
        """Whether the batches compute ``selections`` (species and sums of species; not
        with ``solver="roadrunner"``, which is the objective's own RoadRunner)."""
        return self.solver != "roadrunner" and \
            sum_weights(self.problem.model, selections) is not None

    def values(self, X: np.ndarray, times: np.ndarray, selections: Sequence[str]
               ) -> np.ndarray:
        """``selections`` at ``times`` (points x times x selections) for the rows of log10
        parameters ``X``; NaN where every solver failed at a point."""
        return self.linear(10.0 ** np.atleast_2d(X), times, selections)

    def linear(self, P: np.ndarray, times: np.ndarray, selections: Sequence[str]
               ) -> np.ndarray:
        """:meth:`values` for rows ``P`` of the names' values themselves (not log10)."""
        key = (tuple(float(t) for t in times), tuple(selections))
        simulator = self.simulators.get(key)
        if simulator is None:
            if len(self.simulators) >= KEPT_GRIDS:
                self.simulators.clear()
            p = self.problem
            simulator = self.simulators[key] = BatchSimulator(
                p.model, p.estimate, times, selections, p.parameters, p.initial, p.doses,
                self.solver)
        return simulator.simulate(P).values


def forward_jacobian(residuals: Callable[[np.ndarray], np.ndarray], upper: np.ndarray,
                     step: float = FD_STEP,
                     known: Callable[[np.ndarray], np.ndarray | None] | None = None
                     ) -> Callable[[np.ndarray], np.ndarray]:
    """``least_squares``' ``jac``: the forward-difference Jacobian of ``residuals`` (rows of
    points in, a row of residuals per point out) at ``theta`` from ONE call on theta and
    theta + step along each axis (backwards where that would cross ``upper``); theta left
    out of the call where ``known(theta)`` gives its residuals (the optimiser has just
    computed them)."""
    def jac(theta: np.ndarray) -> np.ndarray:
        h = np.where(theta + step <= upper, step, -step)
        base = known(theta) if known is not None else None
        if base is None:
            r = residuals(np.vstack([theta, theta + np.diag(h)]))
            base, r = r[0], r[1:]
        else:
            r = residuals(theta + np.diag(h))
        return (r - base).T / h
    return jac

