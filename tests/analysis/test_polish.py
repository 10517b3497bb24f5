"""The polish of a multistart (pycart.analysis.polish) on a toy landscape: a wide basin
where every design start ends, and a planted deeper one nearby that only a restart near the
first optimum reaches."""

from __future__ import annotations

import types

import numpy as np

from pycart.analysis.polish import PATIENCE, PER, polish
from pycart.core import columns as col
from pycart.scale.engines import SerialEngine

#: The deep basin one perturbation sd (10% of the range) from the shallow optimum, 0.1 wide
#: each side: a perturbation lands in it with probability ~0.3, so PATIENCE * PER = 8 draws
#: miss it with probability 0.05 (the seeded draws reach it).
SHALLOW, DEEP = np.array([0.3, 0.3]), np.array([0.4, 0.3])
PROBLEM = types.SimpleNamespace(estimate=("a", "b"), lower=np.zeros(2), upper=np.ones(2),
                                key=lambda: "toy")


def _row(index: int, x: np.ndarray, nll: float) -> dict:
    return {"patient": "toy", "start": index, "nll": nll, col.STATUS: col.OK,
            "a": 10.0 ** x[0], "b": 10.0 ** x[1]}


def _toy_fit(deep: bool):
    """A local fit on the toy landscape: a start within 0.1 of the deep optimum ends there
    (nll 5, where ``deep``), every other start at the shallow one (nll 10)."""
    def task(problem, key, index, x0):
        if deep and np.max(np.abs(x0 - DEEP)) < 0.1:
            return _row(index, DEEP, 5.0)
        return _row(index, SHALLOW, 10.0)
    return task


def test_polish_finds_the_planted_better_optimum():
    design = {i: _row(i, SHALLOW, 10.0) for i in range(12)}
    rows = polish(PROBLEM, design, SerialEngine(), task=_toy_fit(deep=True))
    best = min(rows.values(), key=lambda r: r["nll"])
    assert best["nll"] == 5.0 and best["start"] >= 12
    assert {i: rows[i] for i in range(12)} == design  # the design's rows are kept as they are
    # the restarts are the perturbed points: within the bounds, near the optima
    assert all(0.0 <= np.log10(r["a"]) <= 1.0 for r in rows.values())


def test_polish_stops_after_rounds_without_improvement_and_is_seeded():
    design = {i: _row(i, SHALLOW, 10.0) for i in range(12)}
    flat = polish(PROBLEM, design, SerialEngine(), task=_toy_fit(deep=False))
    assert len(flat) == 12 + PATIENCE * PER  # one distinct optimum, PER restarts a round
    again = polish(PROBLEM, design, SerialEngine(), task=_toy_fit(deep=True))
    assert again == polish(PROBLEM, design, SerialEngine(), task=_toy_fit(deep=True))


def test_polish_without_an_optimum_does_nothing():
    failed = {0: {"patient": "toy", "start": 0, "nll": float("nan"), col.STATUS: col.FAILED,
                  "a": 1.0, "b": 1.0}}
    assert polish(PROBLEM, failed, SerialEngine(), task=_toy_fit(deep=True)) == failed
