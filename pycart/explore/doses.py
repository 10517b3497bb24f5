"""The explorer's dose schedule editor: rows of (day, cells, species) read from the page into
a schedule (:mod:`pycart.core.schedule`), with one message per bad row in
:func:`~pycart.core.schedule.check_schedule`'s words, beside the row.

A row is three inputs, ``dose_day_K``, ``dose_cells_K`` and ``dose_species_K`` (K from 0);
``dose_count`` says how many rows are in use (the page holds :data:`MAX_DOSES` rows and shows
that many).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..core.errors import PycartError
from ..core.inputs import parse_number
from ..core.names import DEFAULT_MODEL, MODELS
from ..core.schedule import DOSE_SPECIES, MAX_DOSES, PRODUCTS, Dose, check_schedule, initial_amounts
from .fields import MAX_CELLS, MAX_T_END, Request, all_fields, check_value, read_form, text

#: What each dosable species is, in the page's words.
SPECIES_WORDS: dict[str, str] = {
    "CA": "CAR T product", "CA2": "second product", "B3": "B-cell infusion",
    "L": "leukaemia re-challenge", "Ln": "CD19-negative re-challenge"}
#: A new row: this many days after the last dose (or on this day for the first), and cells.
NEXT_AFTER = 7.0
NEW_CELLS = 1e7
#: The key of the message about the schedule as a whole (beside the add button).
WHOLE = "doses"


def row_keys(k: int) -> tuple[str, str, str]:
    """The page's input ids of row ``k``: day, cells, species."""
    return f"dose_day_{k}", f"dose_cells_{k}", f"dose_species_{k}"


def row_key(k: int) -> str:
    """The id of row ``k`` (where its message is shown)."""
    return f"dose_{k}"


def species_choices(model: str, keep: str = "") -> dict[str, str]:
    """The species ``model`` can be dosed with, by id, in the page's words; ``keep`` (a row's
    species the model lacks) stays listed, marked, so a change of model never changes a dose
    silently: the row's message says what to do."""
    have = MODELS.get(model, ())
    out = {s: f"{s}: {SPECIES_WORDS[s]}" for s in DOSE_SPECIES if s in have}
    if keep and keep not in out:
        out[keep] = f"{keep}: not in {model}"
    return out


def rows_of(doses: Sequence[Dose]) -> list[dict[str, str]]:
    """The editor's rows for ``doses`` (numbers as the page shows them)."""
    return [{"day": text(d.day), "cells": text(d.cells), "species": d.species} for d in doses]


def new_row(rows: Sequence[Mapping[str, str]], t_end: float) -> dict[str, str]:
    """The row the add button appends: a CAR T dose of :data:`NEW_CELLS` a week after the
    last dose that reads as a number (day 7 for the first), within the horizon."""
    days = []
    for row in rows:
        try:
            days.append(parse_number(str(row.get("day", ""))))
        except ValueError:
            continue
    last = max((d for d in days if math.isfinite(d)), default=0.0)
    return {"day": text(min(t_end, last + NEXT_AFTER)), "cells": text(NEW_CELLS),
            "species": "CA"}


def form_rows(values: Mapping[str, object]) -> list[dict[str, str]]:
    """The rows in use, as typed, from a form's ``values`` (missing inputs read as empty)."""
    try:
        count = int(str(values.get("dose_count", 0)))
    except ValueError:
        count = 0
    return [{"day": str(values.get(keys[0], "")), "cells": str(values.get(keys[1], "")),
             "species": str(values.get(keys[2], "CA"))}
            for keys in map(row_keys, range(max(0, count)))]


def read_row(row: Mapping[str, str], model: str, t_end: float) -> tuple[Dose | None, str]:
    """One row as a dose checked for ``model`` over ``t_end`` days, or None and one line."""
    numbers = []
    for what in ("day", "cells"):
        raw = str(row.get(what, "")).strip()
        try:
            numbers.append(parse_number(raw))
        except ValueError:
            allowed = (f"0 to the horizon, {text(t_end)}" if what == "day"
                       else f"> 0 and <= {text(MAX_CELLS)} cells")
            return None, f"{what} {raw[:40]!r} is not a number (allowed: {allowed})"
    try:
        dose = check_schedule([Dose(numbers[0], numbers[1], str(row.get("species", "CA")))],
                              model, t_end)[0]
    except PycartError as exc:
        return None, str(exc)
    if dose.cells > MAX_CELLS:
        return None, f"dose of {text(dose.cells)} cells: at most {text(MAX_CELLS)} cells"
    return dose, ""


def read_schedule(rows: Sequence[Mapping[str, str]], model: str, t_end: float,
                  explicit: Sequence[str] = ()) -> tuple[tuple[Dose, ...], dict[str, str]]:
    """The schedule of ``rows`` for ``model`` over ``t_end`` days, and the message of each
    bad row by :func:`row_key` (:data:`WHOLE` for too many doses); ``explicit``: the initial
    amounts the user set (a product set and dosed on day 0 is refused at its day-0 dose)."""
    if len(rows) > MAX_DOSES:
        try:
            check_schedule([(0.0, 1.0)] * len(rows), model, t_end)
        except PycartError as exc:  # check_schedule's own words for too many doses
            return (), {WHOLE: str(exc)}
    doses, errors = [], {}
    for k, row in enumerate(rows):
        dose, problem = read_row(row, model, t_end)
        if dose is None:
            errors[row_key(k)] = problem
        else:
            doses.append((k, dose))
    for species in PRODUCTS:
        first = next((k for k, d in doses if d.species == species and d.day == 0.0), None)
        if first is not None and species in explicit:
            try:
                initial_amounts([d for _, d in doses], {}, explicit=[species])
            except PycartError as exc:
                errors.setdefault(row_key(first), str(exc))
    return tuple(d for _, d in doses), errors


def dosed_products(doses: Sequence[Dose]) -> set[str]:
    """The CAR T products the schedule doses (whose initial amount it then decides)."""
    return {d.species for d in doses if d.species in PRODUCTS}


def read_page(values: Mapping[str, object]) -> tuple[Request | None, dict[str, str]]:
    """The :class:`~pycart.explore.fields.Request` the whole page describes, its dose schedule
    included (:func:`~pycart.explore.fields.read_form` and :func:`read_schedule`), or None
    and every message by the input or row to fix."""
    request, errors = read_form(values)
    model = str(values.get("model", DEFAULT_MODEL))
    if model not in MODELS:
        return None, errors
    horizon = next(f for f in all_fields() if f.kind == "horizon")
    t_end = request.t_end if request else (
        check_value(horizon, values.get("t_end", MAX_T_END))[0] or MAX_T_END)
    explicit = [s for s in PRODUCTS if str(values.get(f"i_{s}", "") or "").strip()]
    schedule, wrong = read_schedule(form_rows(values), model, t_end, explicit)
    if request is None or wrong:
        return None, errors | wrong
    # a product the schedule doses is written whenever it is set: unset, the schedule decides
    changed = request.changed_initial | {k: v for k, v in request.initial.items()
                                         if k in dosed_products(schedule)}
    return replace(request, doses=schedule, changed_initial=changed), {}
