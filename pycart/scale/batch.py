"""Batches of points for fits: raw arrays from the fast path, without a table per call.

A fit evaluates one fixed setting (model, fixed parameters and initial amounts, a dose
schedule, the names it varies, the output days, the observables) at many points: every
Jacobian is k+1 of them. :class:`BatchSimulator` holds one
:class:`~pycart.scale.fast.FastSimulator` for that setting and returns the amounts as an
array (points x times x selections) with each point's status; building a result table
per call costs more than integrating a one-year run.

A selection is a species or one of the model's sums (:data:`pycart.core.names.OBSERVABLES`,
e.g. ``CT_all``). A point the integrator stops on, or a model with events the fast path does
not run, is computed by the fast path's own libRoadRunner fallback (BDF, marked in
``notes``); ``solver="roadrunner"`` (or a model the fast path cannot run) sends every point
to libRoadRunner as sweeps run it. ``ok`` is False where libRoadRunner failed too. A share
(``Lshare``) is not a sum: :func:`sum_weights` says None and the caller simulates it with
the model's assignment rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..core import columns as col
from ..core.errors import PycartError
from ..core.names import MODELS, OBSERVABLES
from ..core.schedule import Dose
from .fast import FastSimulator, VariantSimulator
from .kernel import fast_obstacle
from .sweep import Dimension, PointSimulator, Sweep

SOLVERS = ("auto", "fast", "roadrunner")


@dataclass(frozen=True)
class Batch:
    """Simulated ``values`` (points x times x selections, cells), ``ok`` per point (False:
    every solver failed; its values are NaN) and a note per point ('' on the fast path)."""

    values: np.ndarray
    ok: np.ndarray
    notes: tuple[str, ...]


def sum_weights(model: str, selections: Sequence[str]) -> np.ndarray | None:
    """The 0/1 matrix (selections x species) that gives each selection from the species'
    amounts, or None where a selection is not a sum of species."""
    species = MODELS[model]
    sums = OBSERVABLES.get(model, {})
    weights = np.zeros((len(selections), len(species)))
    for i, name in enumerate(selections):
        parts = (name,) if name in species else sums.get(name)
        if parts is None:
            return None
        weights[i, [species.index(s) for s in parts]] = 1.0
    return weights


class BatchSimulator:
    """One fit's setting on the fast path: :meth:`simulate` takes a matrix of values of
    ``names`` (a row per point) and returns the ``selections`` at ``times`` (days from 0,
    increasing). ``solver``: "auto" (the fast path where it can run the model), "fast"
    (refused up front where it cannot) or "roadrunner"."""

    def __init__(self, model: str, names: Sequence[str], times: Sequence[float] | np.ndarray,
                 selections: Sequence[str], parameters: Mapping[str, float] | None = None,
                 initial: Mapping[str, float] | None = None, doses: Sequence[object] = (),
                 solver: str = "auto") -> None:
        if solver not in SOLVERS:
            raise PycartError(f"solver {solver!r} (allowed: {', '.join(SOLVERS)})")
        weights = sum_weights(model, selections)
        if weights is None:
            raise PycartError(f"{', '.join(selections)}: not all species or sums of species "
                              f"of {model} (allowed: {', '.join(_allowed(model))})")
        obstacle = fast_obstacle(model)
        if solver == "fast" and obstacle:
            raise PycartError(f"solver fast: {obstacle} (allowed: auto, roadrunner)")
        self.fast = solver != "roadrunner" and not obstacle
        self.times = np.asarray(times, dtype=float)
        used = [j for j in range(len(MODELS[model])) if weights[:, j].any()]
        self.species = tuple(MODELS[model][j] for j in used)  # only those summed
        self.weights = weights[:, used]
        dims = tuple(Dimension(str(n), 1.0, 1.0, 1, "linear") for n in names)
        self.sweep = Sweep(dims, model, "grid", 0, 0, dict(parameters or {}),
                           dict(initial or {}), float(self.times[-1]),
                           tuple(float(t) for t in self.times), self.species, False,
                           solver="auto" if self.fast else "roadrunner",
                           doses=tuple(Dose.parse(d) for d in doses))
        self.simulator = FastSimulator(self.sweep) if self.fast else None
        # built on first use: a fit on the fast path never needs it
        self.roadrunner: FastSimulator | VariantSimulator | PointSimulator | None = None

    def simulate(self, points: np.ndarray) -> Batch:
        """The selections of every row of ``points`` at the times."""
        points = np.atleast_2d(np.asarray(points, dtype=float))
        if self.simulator is None:
            return self._fallback(points)
        fs = self.simulator
        P, Y0, routed = fs.inputs(points)
        out, _, status, _, _ = fs.integrate(P, Y0)
        rows = np.searchsorted(fs.times, self.times)
        amounts = out[:, rows, :][:, :, [fs.kernel.species.index(s) for s in self.species]]
        values = amounts @ self.weights.T
        ok = np.ones(len(points), dtype=bool)
        notes = [""] * len(points)
        bad = np.flatnonzero(routed | (status != 0))
        if len(bad):  # the fast path's own fallback, which marks what it did
            redo = self._fallback(points[bad])
            values[bad], ok[bad] = redo.values, redo.ok
            for i, note in zip(bad, redo.notes, strict=True):
                notes[i] = note
        return Batch(values, ok, tuple(notes))

    def _fallback(self, points: np.ndarray) -> Batch:
        """libRoadRunner for ``points`` (the schedule's model variant), as sweeps run it."""
        from .fast import simulator_for

        if self.simulator is not None:
            table = self.simulator.evaluate(0, points)
        else:
            self.roadrunner = self.roadrunner or simulator_for(self.sweep)
            table = self.roadrunner.evaluate(0, points)
        amounts = np.stack([table[[col.at_day(s, t) for s in self.species]].to_numpy(float)
                            for t in self.times], axis=1)
        ok = (table[col.STATUS] == col.OK).to_numpy()
        amounts[~ok] = np.nan
        values = amounts @ self.weights.T
        return Batch(values, ok, tuple(str(m or "") for m in table[col.MESSAGE]))


def _allowed(model: str) -> tuple[str, ...]:
    return (*MODELS[model], *OBSERVABLES.get(model, {}))
