"""The parts of a PEtab problem that every fit's tables share: PEtab ids from patients'
names, a patient's run as a condition (its fixed values, initial amounts and dose slots),
the conditions table, a parameter table row, and the dose slots of the PEtab model."""

from __future__ import annotations

import math
import re

import pandas as pd

from ..core.names import DOSE_RECORDS
from ..core.schedule import initial_amounts, slot_names, slot_values, slots

#: Flags the relapse-dose events set; each condition resets them (pyPESTO's RoadRunner
#: objective keeps event-changed values between simulations).
EVENT_FLAGS = ("relapse_fell_below", "relapse_given", "binf_fell_below", "binf_given")


def petab_id(text: str) -> str:
    """``text`` as a PEtab id: other characters than letters, digits and _ become _."""
    out = re.sub(r"\W", "_", str(text))
    return out if re.match(r"[A-Za-z_]", out) else f"p_{out}"


def as_condition(run, pid: str, every: list) -> dict:
    """A patient's run as a condition (``every``: all patients' runs, whose dose slots the
    model has): its fixed parameters, initial amounts and doses, and the relapse-dose flags
    reset where its parameters give a dose on relapse."""
    out = {"conditionId": f"c_{pid}", "conditionName": run.patient,
           **run.parameters, **run.initial, **_dosing(run, every)}
    if any(v for k, v in run.parameters.items() if k.endswith(("_dose", "_dose2"))):
        out |= {flag: 0.0 for flag in (*EVENT_FLAGS, *DOSE_RECORDS)
                if flag in _model_ids(run.model)}
    return out


def runs(problems) -> list:
    """Every patient's run (:class:`~pycart.analysis.fit.FitProblem`) of a fit's problems,
    a joint problem's runs in turn."""
    return [run for problem in problems for run in getattr(problem, "runs", (problem,))]


def dose_slots(problems) -> dict[str, int]:
    """The dose slots of the PEtab model: per species, the most doses after day 0 any
    patient's schedule has (a patient with fewer leaves the rest off)."""
    shape: dict[str, int] = {}
    for problem in problems:
        for species, n in slots(problem.doses).items():
            shape[species] = max(shape.get(species, 0), n)
    return shape


def _dosing(problem, problems) -> dict[str, float]:
    """A patient's schedule as condition values: every slot of the PEtab model (0: off),
    its own doses' days and cells, and its day-0 doses as initial amounts."""
    from ..analysis.runsim import model_values

    off = {name: 0.0 for s, n in dose_slots(problems).items() for k in range(1, n + 1)
           for name in slot_names(s, k)}
    initial = model_values(problem.model) | dict(problem.initial)
    return off | slot_values(problem.doses) | initial_amounts(
        problem.doses, initial, explicit={*problem.initial, *problem.estimate})


def conditions_table(rows: list[dict], problems) -> pd.DataFrame:
    """One row per condition; a column a condition does not set takes the model's value."""
    from ..analysis.runsim import model_values

    frame = pd.DataFrame(rows)
    values = model_values(problems[0].model)  # parameters and initial amounts
    values |= {name: 0.0 for name in frame.columns if name not in values
               and name.startswith("dose_")}  # the variant's slots, off unless set
    for column in frame.columns[2:]:
        frame[column] = frame[column].where(frame[column].notna(), values[column])
    return frame


def _model_ids(model: str) -> set[str]:
    from ..analysis.runsim import model_values

    return set(model_values(model))


def parameter_row(ident: str, name: str, lo: float, hi: float) -> dict:
    """A row of the parameter table: estimated on the log10 scale within [lo, hi]."""
    nominal = 10 ** ((_log10(lo) + _log10(hi)) / 2)
    return {"parameterId": ident, "parameterName": name, "parameterScale": "log10",
            "lowerBound": lo, "upperBound": hi, "nominalValue": nominal, "estimate": 1}


def _log10(value: float) -> float:
    return math.log10(value)
