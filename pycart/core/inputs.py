"""Validation of what a user asks for: parameter values, initial amounts, time grids.

Every check raises :class:`PycartError` with one line saying what was wrong and what is
allowed; the command line prints that line and exits with status 2.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

import numpy as np

from .errors import PycartError
from .names import PARAMETERS, SPECIES, model_parameters


def _number(kind: str, name: str, value: object) -> float:
    if isinstance(value, bool):
        raise PycartError(f"{kind} {name}: {value!r} is not a number (allowed: a finite number)")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PycartError(
            f"{kind} {name}: {value!r} is not a number (allowed: a finite number)") from None
    if not math.isfinite(number):
        raise PycartError(f"{kind} {name}: {value!r} is not finite (allowed: a finite number)")
    return number


def check_parameters(values: Mapping[str, object] | None,
                     allowed: Collection[str] | None = None) -> dict[str, float]:
    """Validate parameter values by id (``allowed``: the ids a model has; default the paper's
    model); return them as floats."""
    allowed = ([p for p in PARAMETERS if p in allowed] if allowed is not None
               else list(model_parameters()))
    out: dict[str, float] = {}
    for name, value in (values or {}).items():
        spec = PARAMETERS.get(name) if name in allowed else None
        if spec is None:
            raise PycartError(f"unknown parameter {name!r} (allowed: {', '.join(allowed)})")
        number = _number("parameter", name, value)
        bad = (number not in (0.0, 1.0)) if spec.switch else (
            number <= 0 if spec.positive else number < 0)
        if bad:
            raise PycartError(f"parameter {name}: {value!r} is not allowed "
                              f"(allowed: {spec.allowed()})")
        out[name] = number
    return out


def check_initial(values: Mapping[str, object] | None,
                  species: Sequence[str] = SPECIES) -> dict[str, float]:
    """Validate initial amounts (cells) by species id; return them as floats."""
    out: dict[str, float] = {}
    for name, value in (values or {}).items():
        if name not in species:
            raise PycartError(f"unknown species {name!r} (allowed: {', '.join(species)})")
        number = _number("initial amount of", name, value)
        if number < 0:
            raise PycartError(f"initial amount of {name}: {value!r} is negative "
                              "(allowed: a finite number of cells >= 0)")
        out[name] = number
    return out


def check_horizon(t_end: object) -> float:
    """Validate a horizon in days: a finite number > 0."""
    number = _number("horizon", "t_end", t_end)
    if number <= 0:
        raise PycartError(f"horizon {t_end!r} days is not allowed (allowed: a finite number > 0)")
    return number


def check_points(points: object) -> int:
    """Validate an output point count: a whole number >= 2 (both ends included)."""
    if isinstance(points, bool) or not isinstance(points, (int, np.integer, str)):
        raise PycartError(f"point count {points!r} is not a whole number (allowed: a whole number >= 2)")
    try:
        number = int(points)
    except ValueError:
        raise PycartError(f"point count {points!r} is not a whole number "
                          "(allowed: a whole number >= 2)") from None
    if number < 2:
        raise PycartError(f"point count {points!r} is not allowed (allowed: a whole number >= 2)")
    return number


def default_points(t_end: float) -> int:
    """One output point per day, both ends included, and at least two."""
    return max(2, math.ceil(t_end) + 1)


def check_resolution(value: object) -> int:
    """Validate a grid resolution: a whole number >= 1 of values per axis."""
    try:
        number = int(str(value))
    except ValueError:
        number = 0
    if number < 1:
        raise PycartError(f"resolution {value!r} is not allowed (allowed: a whole number >= 1)")
    return number
