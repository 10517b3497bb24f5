"""Polish of a multistart: local fits restarted near the best optima until none improves.

A design of a dozen starts can miss the global optimum by a basin, and which basin a start
falls into can depend on round-off (another CPU: another local optimum). After the design's
starts, each round restarts local fits from random perturbations of the best few distinct
optima (normal, sd a fraction of each parameter's search range in log10 units, clipped to
the bounds); the rounds stop when :data:`PATIENCE` rounds in a row have not lowered the
best nll by more than :data:`IMPROVEMENT`. The perturbations come from a seeded generator
(numpy's PCG64, the same stream on every machine), so a polished fit reaches the same
optimum wherever it runs as long as that optimum's basin is reached from either machine's
best few.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from ..core import columns as col
from ..scale.engines import Engine
from .fit import FitProblem, start_task, starts_table

#: A round that lowers the best nll by no more than this stops the polish (the tolerance to
#: which calibrate counts starts as "at the best": 1e-3 nll units).
IMPROVEMENT = 1e-3
#: Per round: how many distinct optima are restarted from, how many perturbations of each,
#: the perturbation's sd as a share of the search range; rounds without improvement before
#: the polish stops, and the most rounds.
TOP, PER, SPREAD, PATIENCE, ROUNDS = 3, 4, 0.1, 2, 12
#: Optima closer than this (log10 units, every parameter) are the same optimum.
SAME = 1e-3


def polish(problem: FitProblem, rows: Mapping[int, dict], engine: Engine, seed: int = 0,
           task: Callable[..., dict] = start_task) -> dict[int, dict]:
    """``rows`` (start index to its row of ``starts.csv``) with the polish's local fits
    added under the next indices, run with ``task`` (:func:`~pycart.analysis.fit.start_task`)
    on ``engine``; their ``start_`` columns are the perturbed points."""
    rows = dict(rows)
    rng = np.random.default_rng([seed, 19])
    key = problem.key()
    sd = SPREAD * (problem.upper - problem.lower)
    idle = 0
    for _ in range(ROUNDS):
        centres, best = _best_optima(problem, rows)
        if not centres:
            break
        first = max(rows) + 1
        points = [np.clip(c + sd * rng.standard_normal(len(c)), problem.lower, problem.upper)
                  for c in centres for _ in range(PER)]
        new = list(engine.run(task, [(problem, key, first + i, p)
                                     for i, p in enumerate(points)]))
        rows |= {int(r["start"]): r for r in new}
        found = [float(r["nll"]) for r in new if r[col.STATUS] == col.OK
                 and math.isfinite(float(r["nll"]))]
        idle = idle + 1 if not found or min(found) >= best - IMPROVEMENT else 0
        if idle == PATIENCE:
            break
    return rows


def _best_optima(problem: FitProblem, rows: Mapping[int, dict]) -> tuple[list[np.ndarray],
                                                                         float]:
    """The best :data:`TOP` distinct optima (log10) of ``rows`` and the best nll."""
    table = starts_table(rows.values())
    ok = table[(table[col.STATUS] == col.OK) & np.isfinite(table["nll"].astype(float))]
    centres: list[np.ndarray] = []
    for _, row in ok.iterrows():
        x = np.log10([float(row[n]) for n in problem.estimate])
        if all(np.max(np.abs(x - c)) > SAME for c in centres):
            centres.append(x)
        if len(centres) == TOP:
            break
    return centres, float(ok["nll"].iloc[0]) if len(ok) else math.inf
