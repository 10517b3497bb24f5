"""Validation of what a user asks for: parameter values, initial amounts, time grids.

Every check raises :class:`PycartError` with one line saying what was wrong and what is
allowed; the command line prints that line and exits with status 2.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence

import numpy as np

from .errors import PycartError
from .names import PARAMETERS, SPECIES, model_parameters

#: The longest run pycart integrates: a century of a patient's life, in days.
MAX_HORIZON = 36_525.0

#: The most output points of one run (both ends included).
MAX_RUN_POINTS = 1_000_000

#: A number as a user types it: ASCII digits, optional sign, point and exponent (no
#: underscores, no other scripts' digits; ``inf``/``nan`` are read so they can be refused).
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|infinity|nan)",
                     re.IGNORECASE)
_WHOLE = re.compile(r"[+-]?\d+")


def parse_number(text: str) -> float:
    """Read a number the way a user writes it; raise ``ValueError`` for anything else
    (Python's ``float`` also takes ``1_0`` and non-ASCII digits such as ``١``)."""
    stripped = text.strip()
    if not stripped.isascii() or not _NUMBER.fullmatch(stripped):
        raise ValueError(f"not a number: {text!r}")
    return float(stripped)


def parse_whole(text: str) -> int:
    """Read a whole number written with ASCII digits; raise ``ValueError`` otherwise."""
    stripped = text.strip()
    if not stripped.isascii() or not _WHOLE.fullmatch(stripped):
        raise ValueError(f"not a whole number: {text!r}")
    return int(stripped)


def _number(kind: str, name: str, value: object) -> float:
    if isinstance(value, bool):
        raise PycartError(f"{kind} {name}: {value!r} is not a number (allowed: a finite number)")
    try:
        number = parse_number(value) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
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
    """Validate a horizon in days: a finite number > 0, at most :data:`MAX_HORIZON`."""
    number = _number("horizon", "t_end", t_end)
    if not 0 < number <= MAX_HORIZON:
        raise PycartError(f"horizon {t_end!r} days is not allowed (allowed: a number of days "
                          f"> 0 and <= {MAX_HORIZON:g})")
    return number


def check_points(points: object) -> int:
    """Validate an output point count: a whole number from 2 (both ends included) to
    :data:`MAX_RUN_POINTS`."""
    return check_count(points, "point count", 2, MAX_RUN_POINTS)


def check_count(value: object, what: str, lo: int = 1, hi: int | None = None) -> int:
    """Validate a whole number from ``lo`` to ``hi`` (``what`` names it in the message)."""
    allowed = f"a whole number >= {lo}" + (f" and <= {hi:,}" if hi is not None else "")
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, str)):
        raise PycartError(f"{what} {value!r} is not a whole number (allowed: {allowed})")
    try:
        number = parse_whole(value) if isinstance(value, str) else int(value)
    except ValueError:
        raise PycartError(f"{what} {value!r} is not a whole number (allowed: {allowed})") from None
    if number < lo or (hi is not None and number > hi):
        raise PycartError(f"{what} {value!r} is not allowed (allowed: {allowed})")
    return number


def default_points(t_end: float) -> int:
    """One output point per day, both ends included, and at least two."""
    return max(2, math.ceil(t_end) + 1)


def check_resolution(value: object) -> int:
    """Validate a grid resolution: a whole number >= 1 of values per axis."""
    return check_count(str(value), "resolution", 1)
