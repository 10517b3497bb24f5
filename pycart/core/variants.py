"""Model variants for dose schedules: the curated SBML plus one dose event per slot.

The curated models keep their three conditional doses and no more; a schedule runs on a
variant generated for its shape (per dosed species, as many slots as it has doses after
day 0). Each slot is two parameters, ``dose_<S>_<k>_day`` (day) and ``dose_<S>_<k>_cells``
(item), and one event in exactly the form of the ``_dose_at`` building block of
models/cart_bm.ant (its comment says why: a single-condition trigger, t0=true,
persistent=true, fromTrigger=true, which PySCeS, AMICI and COPASI all run). A slot is off
at day 0 or 0 cells, so one variant serves every schedule of its shape, and a sweep or a
fit varies a dose's day and cells like any parameter.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import libsbml

from .errors import PycartError
from .resources import sbml_text
from .schedule import DOSE_SPECIES, slot_names

#: What the variant's parameters say of themselves (SBML ``name``), as the curated ones do.
_DAY_NAME = "day of scheduled dose {k} of {s} (0: none)"
_CELLS_NAME = "cells of scheduled dose {k} of {s}"


def slot_key(slots: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """A hashable form of ``slots`` (species in :data:`DOSE_SPECIES` order, empty ones
    dropped), the key of the per-process caches."""
    for s, n in slots.items():
        if s not in DOSE_SPECIES or not isinstance(n, int) or n < 0:
            raise PycartError(f"dose slots {dict(slots)!r}: species among "
                              f"{', '.join(DOSE_SPECIES)}, counts whole numbers >= 0")
    return tuple((s, slots[s]) for s in DOSE_SPECIES if slots.get(s, 0))


def sbml_with_dose_slots(sbml: str, slots: Mapping[str, int]) -> str:
    """``sbml`` with ``slots[S]`` dose slots for each species ``S`` (parameters and events,
    all off); ``sbml`` itself when there are none."""
    key = slot_key(slots)
    if not key:
        return sbml
    doc = libsbml.readSBMLFromString(sbml)
    model = doc.getModel()
    for s, n in key:
        if model.getSpecies(s) is None:
            raise PycartError(f"dose slots for {s}: {model.getId()} has no species {s}")
        for k in range(1, n + 1):
            _add_slot(model, s, k)
    return libsbml.writeSBMLToString(doc)


def _add_slot(model: libsbml.Model, species: str, k: int) -> None:
    day, cells = slot_names(species, k)
    for pid, units, name in ((day, "day", _DAY_NAME), (cells, "item", _CELLS_NAME)):
        if model.getElementBySId(pid) is not None:
            raise PycartError(f"the model already has an element {pid!r}")
        p = model.createParameter()
        p.setId(pid)
        p.setName(name.format(k=k, s=species))
        p.setValue(0.0)
        p.setUnits(units)
        p.setConstant(True)
        p.setSBOTerm(2)  # mathematical expression, as the curated doses' parameters
    event = model.createEvent()
    event.setId(f"dose_{species}_{k}")
    event.setSBOTerm(231)  # occurring entity representation (as the curated events)
    event.setUseValuesFromTriggerTime(True)
    trigger = event.createTrigger()
    trigger.setInitialValue(True)
    trigger.setPersistent(True)
    trigger.setMath(libsbml.parseL3Formula(
        f"time * {day} * {cells} >= {day} * {day} * {cells}"))
    assignment = event.createEventAssignment()
    assignment.setVariable(species)
    assignment.setMath(libsbml.parseL3Formula(f"{species} + {cells}"))


@functools.lru_cache(maxsize=32)
def _variant_text(model: str, key: tuple[tuple[str, int], ...]) -> str:
    return sbml_with_dose_slots(sbml_text(model), dict(key))


def variant_sbml(model: str, slots: Mapping[str, int]) -> str:
    """The SBML of ``model``'s variant with ``slots`` (generated once per process)."""
    return _variant_text(model, slot_key(slots))

