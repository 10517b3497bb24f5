"""A joint fit's runs in one batch: patients that differ only in fixed values (a burden, a
parameter set per patient) share one batch simulator, their own values made names the
batch varies, so every patient's points of one evaluation (the k+1 of a forward-difference
Jacobian) go to the fast path in one call (:mod:`pycart.analysis.fdjac`).

Patients are grouped when they run the same model under the same dose schedule, at the same
days, with the same selections and the same names estimated and fixed; under a dose schedule
an initial amount that differs between them is not varied (a day-0 dose adds to the amount
a patient starts with), so they run apart. The fast path's lanes integrate each point on
its own, so a point gives the same numbers in a group's batch as in its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.schedule import Dose


def distinct(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``points`` in the order they first come, and for each row of
    ``points`` the index of its distinct row."""
    _, first, back = np.unique(points, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return points[first[order]], rank[back.reshape(-1)]


@dataclass(frozen=True)
class Setting:
    """What a batch simulator of :class:`~pycart.analysis.fdjac.Simulations` takes: the
    names a point gives (``estimate``, in log10), the fixed values and the schedule."""

    model: str
    estimate: tuple[str, ...]
    parameters: dict
    initial: dict
    doses: tuple[Dose, ...]


@dataclass
class Group:
    """Patients (their indices ``members`` and ``patients``) run in one batch: each point
    is a patient's names then its ``values`` of the varied fixed names, as given (a value
    through log10 and back can move by an ulp, and the step control by more)."""

    members: tuple[int, ...]
    patients: list
    values: np.ndarray
    batches: Any  # pycart.analysis.fdjac.Simulations

    def simulate(self, X: np.ndarray) -> dict[int, np.ndarray]:
        """Each member's runs (points x days x selections) for every row of ``X``."""
        n, first = len(X), self.patients[0]
        rows = np.vstack([np.hstack([10.0 ** X[:, p.x_index],
                                     np.repeat(v[None, :], n, axis=0)])
                          for p, v in zip(self.patients, self.values, strict=True)])
        points, back = distinct(rows)
        sim = self.batches.linear(points, first.times, first.selections)[back]
        return {m: sim[i * n:(i + 1) * n] for i, m in enumerate(self.members)}


def batch_groups(patients: Sequence[Any], solver: str) -> list[Group]:
    """The groups of two or more ``patients`` (a joint objective's) that share a batch; a
    patient in none runs its own."""
    from .fdjac import Simulations

    keyed: dict[tuple, list[int]] = {}
    for i, p in enumerate(patients):
        if p.runs.batches.covers(p.selections):
            keyed.setdefault(_key(p), []).append(i)
    out = []
    for members in keyed.values():
        setting = _setting([patients[m].run for m in members]) if len(members) > 1 else None
        if setting is not None:
            runs = [patients[m].run for m in members]
            varied = setting.estimate[len(runs[0].estimate):]
            values = np.array([[float(_fixed(r)[k]) for k in varied] for r in runs]
                              ).reshape(len(runs), len(varied))
            out.append(Group(tuple(members), [patients[m] for m in members], values,
                             Simulations(setting, solver)))
    return out


def _key(p: Any) -> tuple:
    run = p.run
    return (run.model, tuple(run.doses), tuple(p.times), tuple(p.selections), run.estimate,
            tuple(sorted(run.parameters)), tuple(sorted(run.initial)))


def _fixed(run: Any) -> dict[str, float]:
    return {**run.parameters, **run.initial}


def _setting(runs: Sequence[Any]) -> Setting | None:
    """The batch setting of ``runs`` (same keys, see :func:`_key`), or None where a value
    that differs cannot be varied (not > 0, or an initial amount under a schedule)."""
    first = runs[0]
    varied = tuple(k for k in sorted(_fixed(first))
                   if len({float(_fixed(r)[k]) for r in runs}) > 1)
    if any(not float(_fixed(r)[k]) > 0 for r in runs for k in varied):
        return None
    if first.doses and any(k in first.initial for k in varied):
        return None
    return Setting(first.model, (*first.estimate, *varied),
                   {k: v for k, v in first.parameters.items() if k not in varied},
                   {k: v for k, v in first.initial.items() if k not in varied},
                   tuple(first.doses))
