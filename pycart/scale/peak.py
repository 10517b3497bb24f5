"""The peak tracker: an analysis copy of a model's SBML that records the first CAR T peak."""

from __future__ import annotations

import libsbml

from ..core.names import CAR_T

#: Parameters the peak tracker adds: whether, when and how high the first CAR T peak was.
PEAK_RECORDS = ("peak_found", "peak_day", "peak_C")


def with_peak_tracker(sbml: str) -> str:
    """Return ``sbml`` with an event that records the first CAR T peak, for sweeps.

    The event fires where the total CAR T count first stops growing (the rate of change of
    CA + CM, and CA2 + CM2 in the two-product models, and the exhausted CE, CE2 in the
    extended ones: every compartment of ``CAR_T``, as the fast path and C0), root-found by
    CVODE, and records the day and the count. An analysis copy made in memory; the curated
    model files never carry it.
    """
    doc = libsbml.readSBMLFromString(sbml)
    model = doc.getModel()
    car_t = [s for s in CAR_T if model.getSpecies(s) is not None]
    for pid, units in zip(PEAK_RECORDS, ("dimensionless", "day", "item"), strict=True):
        p = model.createParameter()
        p.setId(pid)
        p.setConstant(False)
        p.setValue(0.0)
        p.setUnits(units)
    event = model.createEvent()
    event.setId("first_car_t_peak")
    event.setUseValuesFromTriggerTime(True)
    trigger = event.createTrigger()
    trigger.setInitialValue(False)
    trigger.setPersistent(True)
    rate = " + ".join(f"rateOf({s})" for s in car_t)
    trigger.setMath(libsbml.parseL3Formula(f"{rate} < 0 && peak_found < 0.5"))
    event.createPriority().setMath(libsbml.parseL3Formula("100"))
    for variable, formula in (("peak_found", "1"), ("peak_day", "time"),
                              ("peak_C", " + ".join(car_t))):
        assignment = event.createEventAssignment()
        assignment.setVariable(variable)
        assignment.setMath(libsbml.parseL3Formula(formula))
    return libsbml.writeSBMLToString(doc)
