"""The saved pieces of a fit, checked before they are trusted (as a sweep's chunks are): a
start or a profile side whose file is not what its name says (not JSON, other fields or
types, another start point, another patient, a non-finite value where a number must be) is
:class:`Damaged`; the caller reports it in one line and computes it again."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, TypeGuard

import numpy as np

from ..core import columns as col
from .fit import FitProblem

#: Largest saved piece read (a start is a few hundred bytes, a profile side a few KB).
MAX_BYTES = 1_000_000

_START = re.compile(r"start-(0|[1-9]\d{0,8})")
_SIDE = re.compile(r"profile-(0|[1-9]\d{0,3})-(lo|hi)")


class Damaged(ValueError):
    """A saved piece that cannot be trusted; the message says why."""


def start_index(stem: str) -> int:
    """The start a file ``start-<index>.json`` holds (its stem given)."""
    match = _START.fullmatch(stem)
    if not match:
        raise Damaged("not named start-<number>.json")
    return int(match[1])


def check_start(problem: FitProblem, index: int, x0: np.ndarray,
                row: object) -> dict[str, Any]:
    """``row`` if it is start ``index`` of ``problem`` from design point ``x0`` (log10), as
    :func:`pycart.analysis.fit.start_task` returns it; else raise :class:`Damaged`."""
    names = list(problem.estimate)
    starts = [f"start_{n}" for n in names]
    row = _fields(row, ["patient", "start", "nll", col.STATUS, "evaluations", col.MESSAGE, *names,
                        *starts])
    if row["patient"] != problem.patient or not _whole(row["start"]) \
            or row["start"] != index:
        raise Damaged(f"it holds another start ({row['patient']!r}, {row['start']!r})")
    if [row[s] for s in starts] != [10.0 ** v for v in x0]:  # as start_task computes them
        raise Damaged("its start point is not this design's")
    if not _whole(row["evaluations"]) or row["evaluations"] < 0 \
            or not isinstance(row[col.MESSAGE], str):
        raise Damaged("evaluations or message of the wrong type")
    if row[col.STATUS] == col.FAILED and _nan(row["nll"]):
        return row
    if row[col.STATUS] != col.OK or not _finite(row["nll"]):
        raise Damaged(f"status {row[col.STATUS]!r} with nll {row['nll']!r}")
    if not all(_finite(row[n]) and row[n] > 0 for n in names):
        raise Damaged("an estimate that is not a finite positive number")
    return row


def side_name(index: int, direction: int) -> str:
    """The stem of the file of one side of the profile of estimate ``index``."""
    return f"profile-{index}-{'lo' if direction < 0 else 'hi'}"


def check_side(problem: FitProblem, stem: str, side: object, x_hat: Sequence[float],
               nll: float) -> dict[str, Any]:
    """``side`` if it is the side of a profile its file name ``stem`` says, walked from the
    optimum ``x_hat`` (log10) with negative log-likelihood ``nll``, as
    :func:`pycart.analysis.profile.profile_task` returns it; else raise :class:`Damaged`."""
    match = _SIDE.fullmatch(stem)
    if not match or int(match[1]) >= len(problem.estimate):
        raise Damaged("not named profile-<estimate>-<lo|hi>.json for this fit")
    index, direction = int(match[1]), -1 if match[2] == "lo" else 1
    side = _fields(side, ["patient", "parameter", "direction", "points", "xs", "reached"])
    if (side["patient"], side["parameter"], side["direction"]) != (
            problem.patient, problem.estimate[index], direction) \
            or not _whole(side["direction"]) or not isinstance(side["reached"], bool):
        raise Damaged("it holds another profile")
    points = side["points"]
    if not isinstance(points, list) or not points or not all(
            isinstance(p, list) and len(p) == 2 and all(map(_finite, p)) for p in points):
        raise Damaged("its points are not pairs of finite numbers")
    xs = side["xs"]
    if not isinstance(xs, list) or len(xs) != len(points) or not all(
            isinstance(x, list) and len(x) == len(problem.estimate) and all(map(_finite, x))
            for x in xs):
        raise Damaged("its parameter vectors are not one per point, of finite numbers")
    if not (math.isclose(points[0][0], x_hat[index], rel_tol=1e-9, abs_tol=1e-12)
            and math.isclose(points[0][1], nll, rel_tol=1e-9, abs_tol=1e-9)):
        raise Damaged("it was walked from another optimum")
    return side


def _fields(value: object, names: list[str]) -> dict[str, Any]:
    """``value`` if it is a JSON object with exactly the fields ``names``."""
    if not isinstance(value, dict):
        raise Damaged("not a JSON object")
    if sorted(value) != sorted(names):
        odd = sorted(set(value) ^ set(names))
        raise Damaged(f"fields {', '.join(map(str, odd[:4]))} missing or unknown")
    return value


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite(value: object) -> bool:
    return _number(value) and math.isfinite(value)


def _nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)
