"""A dose schedule as data: doses of CAR T products, B cells or leukaemia on given days.

A :class:`Dose` is a day, a number of cells and the species dosed. A schedule (a sequence of
doses) is run on a variant of the curated model with one dose slot per dose after day 0
(:mod:`pycart.core.variants`); a day-0 dose is an initial amount, because an SBML event
cannot fire at the start (docs/events.md, "Dose schedules"). The conditional doses of the
paper (on relapse, with a threshold and a fallback day) stay model parameters and combine
with a schedule.

Every check raises :class:`~pycart.core.errors.PycartError` with one line.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from .errors import PycartError
from .names import MODELS

#: Species a schedule may dose: the first CAR T product, the second (two-product models), an
#: infusion of immature B cells, a leukaemia re-challenge, the CD19-negative clone (models
#: with it).
DOSE_SPECIES: tuple[str, ...] = ("CA", "CA2", "B3", "L", "Ln")

#: The CAR T products among them: a schedule that doses one describes its whole
#: administration, so its day-0 doses replace the model's initial amount.
PRODUCTS: tuple[str, ...] = ("CA", "CA2")

#: Doses per run (the interactive tools of the field offer up to four fractions plus a
#: re-challenge; twelve leave room for repeated doses without an unbounded model variant).
MAX_DOSES = 12

_KEYS = ("day", "cells", "species")


@dataclass(frozen=True)
class Dose:
    """``cells`` cells of ``species`` on day ``day`` (a day-0 dose is an initial amount)."""

    day: float
    cells: float
    species: str = "CA"

    @classmethod
    def parse(cls, value: object) -> Dose:
        """A dose from a :class:`Dose`, a tuple ``(day, cells[, species])``, a dict
        ``{"day": ..., "cells": ..., "species": ...}`` (the TOML form) or the command line's
        ``DAY:CELLS[:SPECIES]``."""
        if isinstance(value, Dose):
            return cls(_number(value.day, "day"), _number(value.cells, "cells"), value.species)
        if isinstance(value, str):
            return cls._from_text(value)
        if isinstance(value, Mapping):
            unknown = sorted(str(k) for k in value if k not in _KEYS)
            if unknown or "day" not in value or "cells" not in value:
                what = f"unknown key {unknown[0]!r}" if unknown else "day and cells are needed"
                raise PycartError(f"dose {dict(value)!r}: {what} (allowed keys: day, cells, "
                                  "species)")
            value = tuple(value[k] for k in _KEYS if k in value)
        if isinstance(value, (tuple, list)) and len(value) in (2, 3):
            species = value[2] if len(value) == 3 else "CA"
            if not isinstance(species, str):
                raise PycartError(f"dose species {species!r}: expected one of "
                                  f"{', '.join(DOSE_SPECIES)}")
            return cls(_number(value[0], "day"), _number(value[1], "cells"), species)
        raise PycartError(f"dose {value!r}: expected (day, cells[, species]), "
                          "{day = ..., cells = ..., species = ...} or DAY:CELLS[:SPECIES]")

    @classmethod
    def _from_text(cls, text: str) -> Dose:
        parts = text.strip().split(":")
        if len(parts) not in (2, 3):
            raise PycartError(f"--dose {text!r}: expected DAY:CELLS[:SPECIES], "
                              "e.g. 2:1e7 or 21:5e6:B3")
        numbers = []
        # strict=False: a third part, the species, is read below
        for part, what in zip(parts, ("day", "cells"), strict=False):
            try:
                numbers.append(float(part))
            except ValueError:
                raise PycartError(f"--dose {text!r}: {what} {part!r} is not a number") from None
        species = parts[2].strip() if len(parts) == 3 else "CA"
        return cls(numbers[0], numbers[1], species)


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PycartError(f"dose {what} {value!r}: expected a number")
    return float(value)


def parse_doses(values: Iterable[object]) -> tuple[Dose, ...]:
    """Doses from any of the forms :meth:`Dose.parse` reads, unchecked and in order."""
    if isinstance(values, (str, Mapping, Dose)):
        raise PycartError("doses: expected a list of doses")
    return tuple(Dose.parse(v) for v in values)


def check_schedule(doses: Iterable[object], model: str, t_end: float) -> tuple[Dose, ...]:
    """The doses, parsed and checked for ``model`` over ``t_end`` days: at most
    :data:`MAX_DOSES`, each day finite within [0, t_end], each dose finite and > 0 cells, each
    species one ``model`` has among :data:`DOSE_SPECIES`."""
    if isinstance(doses, (str, Mapping, Dose)):
        raise PycartError("doses: expected a list of doses")
    items = list(doses)
    if len(items) > MAX_DOSES:  # counted before any is read: a huge list costs nothing
        raise PycartError(f"{len(items)} doses: at most {MAX_DOSES} doses per run")
    parsed = parse_doses(items)
    if model not in MODELS:
        raise PycartError(f"unknown model {model!r} (allowed: {', '.join(MODELS)})")
    species = MODELS[model]
    for d in parsed:
        if d.species not in DOSE_SPECIES:
            raise PycartError(f"dose species {d.species!r}: allowed {', '.join(DOSE_SPECIES)}")
        if d.species not in species:
            allowed = ", ".join(s for s in DOSE_SPECIES if s in species)
            raise PycartError(f"dose species {d.species}: {model} has no {d.species} "
                              f"(allowed in {model}: {allowed})")
        if not (math.isfinite(d.day) and 0.0 <= d.day <= t_end):
            raise PycartError(f"dose day {d.day!r}: a dose day is a finite number from 0 to "
                              f"the horizon ({t_end:g} days)")
        if not math.isfinite(d.cells) or d.cells < 0.0:
            raise PycartError(f"dose of {d.cells!r} cells: cells are a finite number > 0")
        if d.cells == 0.0:
            raise PycartError("a dose of 0 cells is no dose (cells are a finite number > 0)")
    return parsed


def normalize(doses: Iterable[object]) -> tuple[tuple[Dose, ...], dict[str, float]]:
    """The doses after day 0, sorted by day then species, doses of one species on one day
    added into one (events firing at one instant would each read the same amount, and some
    simulators would lose one); and the day-0 doses, summed by species."""
    merged: dict[tuple[float, str], float] = {}
    for d in parse_doses(doses):
        merged[(d.day, d.species)] = merged.get((d.day, d.species), 0.0) + d.cells
    order = sorted(merged, key=lambda key: (key[0], DOSE_SPECIES.index(key[1])
                                            if key[1] in DOSE_SPECIES else len(DOSE_SPECIES)))
    later = tuple(Dose(day, merged[(day, s)], s) for day, s in order if day > 0.0)
    at_zero = {s: merged[(day, s)] for day, s in order if day == 0.0}
    return later, at_zero


def slots(doses: Iterable[object]) -> dict[str, int]:
    """Dose slots of the schedule's model variant: per species, its doses after day 0."""
    counts: dict[str, int] = {}
    for d in normalize(doses)[0]:
        counts[d.species] = counts.get(d.species, 0) + 1
    return counts


def slot_names(species: str, k: int) -> tuple[str, str]:
    """The variant's parameters of dose slot ``k`` (from 1) of ``species``: day and cells."""
    return f"dose_{species}_{k}_day", f"dose_{species}_{k}_cells"


def slot_values(doses: Iterable[object]) -> dict[str, float]:
    """The values of the variant's slot parameters that give the schedule's doses after
    day 0 (slot k of a species is its k-th dose in time)."""
    values: dict[str, float] = {}
    seen: dict[str, int] = {}
    for d in normalize(doses)[0]:
        seen[d.species] = seen.get(d.species, 0) + 1
        day, cells = slot_names(d.species, seen[d.species])
        values[day], values[cells] = d.day, d.cells
    return values


def initial_amounts(doses: Iterable[object], initial: Mapping[str, float],
                    explicit: Collection[str] = ()) -> dict[str, float]:
    """The run's initial amounts of the species the schedule doses on day 0, and of the
    products it doses: a product's initial amount is the sum of its day-0 doses (0 without
    one), unless ``explicit`` (the species the user set) names it and it has no day-0 dose;
    a day-0 dose of B3, L or Ln adds to ``initial`` (the run's state). A product set in
    ``explicit`` and dosed on day 0 is refused as ambiguous."""
    parsed = parse_doses(doses)
    at_zero = normalize(parsed)[1]
    amounts: dict[str, float] = {}
    for s in dict.fromkeys(d.species for d in parsed):
        if s in PRODUCTS:
            if s in explicit and s in at_zero:
                raise PycartError(f"initial {s} is set and the schedule doses {s} on day 0: "
                                  f"give one of them (a day-0 dose is {s}'s initial amount)")
            if s not in explicit:
                amounts[s] = at_zero.get(s, 0.0)
        elif s in at_zero:
            amounts[s] = float(initial.get(s, 0.0)) + at_zero[s]
    return amounts


def total_car_t_dose(doses: Iterable[object], until_day: float) -> float:
    """Cells of CAR T products (CA, CA2) the schedule gives on or before ``until_day``
    (day-0 doses included): the denominator of a fold expansion that compares regimens."""
    return sum(d.cells for d in parse_doses(doses)
               if d.species in PRODUCTS and d.day <= until_day)
