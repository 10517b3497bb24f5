"""A run's dose schedule in the exchange formats: the model file of its shape, the values.

A run with a dose schedule (:class:`pycart.core.schedule.Dose`) is written as the model
variant of its shape (:mod:`pycart.core.variants`: one dose slot, two parameters and one
event, per dose after day 0), a file of its own in the archive named after the model and
the shape (``cart_bm2_doses_CAx2_CA2x2_Lx1.xml``), which runs of the same shape share; the
slots' days and cells and the day-0 doses (initial amounts) are SED-ML changes, as any
parameter value (docs/events.md, "Dose schedules"). A file name says its shape, so the SBML
of any model file pycart writes is found again from its name alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..core.errors import PycartError
from ..core.model import variant_roadrunner
from ..core.names import MODELS
from ..core.resources import default_values, sbml_text
from ..core.schedule import DOSE_SPECIES, check_schedule, initial_amounts, slot_values, slots
from ..core.variants import slot_key, variant_sbml

_DOSES = "_doses_"


def model_file(name: str, doses: Sequence[object] = ()) -> str:
    """The file name, inside an archive, of model ``name`` (with ``doses``: of the variant
    of the schedule's shape)."""
    key = slot_key(slots(doses))
    if not key:
        return f"{name}.xml"
    return f"{name}{_DOSES}" + "_".join(f"{s}x{n}" for s, n in key) + ".xml"


def file_sbml(file: str) -> str:
    """The SBML of a model file :func:`model_file` names (curated model or variant)."""
    stem = file.removesuffix(".xml")
    model, _, shape = stem.partition(_DOSES)
    if model not in MODELS:
        raise PycartError(f"model file {file!r}: not one pycart writes (allowed: "
                          f"{', '.join(MODELS)}, with or without a dose shape)")
    if not shape:
        return sbml_text(model)
    counts: dict[str, int] = {}
    for part in shape.split("_"):
        species, _, n = part.partition("x")
        if species not in DOSE_SPECIES or not n.isdigit() or species in counts:
            raise PycartError(f"model file {file!r}: dose shape {part!r} is not SPECIESxN")
        counts[species] = int(n)
    return variant_sbml(model, counts)


def dosed_values(model: str, parameters: Mapping[str, float], initial: Mapping[str, float],
                 doses: Sequence[object]) -> tuple[dict[str, float], dict[str, float]]:
    """The parameter values and initial amounts a run with ``doses`` is written with: its
    own, the slots' days and cells, and the initial amounts of the species its day-0 doses
    and its products take (:func:`pycart.core.schedule.initial_amounts`)."""
    if not doses:
        return dict(parameters), dict(initial)
    start = default_values(model)[1] | dict(initial)
    amounts = initial_amounts(doses, start, explicit=set(initial))
    return dict(parameters) | slot_values(doses), dict(initial) | amounts


def slot_defaults(doses: Sequence[object]) -> dict[str, float]:
    """The values of the schedule's slot parameters in the variant file: 0, every slot off."""
    return dict.fromkeys(slot_values(doses), 0.0)


def check_run_doses(label: str, model: str, doses: Sequence[object], t_end: float) -> None:
    """A run's schedule checked for its model and horizon (one line naming the run)."""
    try:
        check_schedule(doses, model, t_end)
    except PycartError as exc:
        raise PycartError(f"run {label!r}: {exc}") from None


def variant_file_text(model: str, parameters: Mapping[str, float],
                      initial: Mapping[str, float], doses: Sequence[object]) -> str:
    """The SBML of the variant of ``doses``' shape with the run's values written in (slot
    days and cells, initial amounts, parameters): what a tool that loads SBML without
    SED-ML (tellurium, PySCeS, AMICI) is given."""
    import libsbml

    values, amounts = dosed_values(model, parameters, initial, doses)
    document = libsbml.readSBMLFromString(file_sbml(model_file(model, doses)))
    sbml = document.getModel()
    for pid, value in values.items():
        sbml.getParameter(pid).setValue(float(value))
    for sid, value in amounts.items():
        sbml.getSpecies(sid).setInitialAmount(float(value))
    return libsbml.writeSBMLToString(document)


def simulate_schedule(model: str, parameters: Mapping[str, float],
                      initial: Mapping[str, float], doses: Sequence[object],
                      times: Sequence[float], selections: Sequence[str]) -> np.ndarray:
    """``selections`` at ``times`` of a run with ``doses``, by libRoadRunner with pycart's
    solver settings on the schedule's variant (the values the archives state): the
    reference the exchange formats' replays are compared with."""
    from ..core.model import SolverSettings

    values, amounts = dosed_values(model, parameters, initial, doses)
    rr: Any = variant_roadrunner(model, slots(doses))  # a RoadRunner, shared: reset here
    rr.resetAll()
    SolverSettings().apply(rr)
    for name, value in (values | amounts).items():
        rr.setValue(name, float(value))
    return np.asarray(rr.simulate(times=list(times), selections=list(selections)))
