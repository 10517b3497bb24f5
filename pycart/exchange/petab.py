"""The fit problem of ``pycart fit`` as a PEtab v1 problem (Schmiester et al. 2021, PLoS
Comput Biol 17:e1008646): the SBML model, and the conditions, measurements, observables and
parameters tables, with a YAML file tying them together, checked by PEtab's own linter.

The likelihood is the same as pycart's: each observable is a model quantity (species, sum or
share), log-normal noise is ``observableTransformation = log`` with normal noise on the log
scale, a measurement's sigma is its ``noiseParameters``, and where no sigma is given one
noise parameter per observable (and patient) is estimated. Estimated parameters are on the
log10 scale within the same bounds. Each patient is a simulation condition with parameters of
its own (``h_<patient>``); fixed values, initial amounts and a scenario's doses are condition
columns (doses are the model's events, switched on by their parameters). Where a patient has
a dose schedule, the model is the curated one's variant with dose slots for the largest
schedule (:mod:`pycart.core.variants`) and each condition sets every slot's day and cells
(0: off); day-0 doses are the condition's initial amounts.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..core.errors import PycartError
from ..core.files import atomic_path, write_text_atomically
from ..core.names import DOSE_RECORDS, MODELS
from ..core.output import spreadsheet_safe
from ..core.schedule import initial_amounts, slot_names, slot_values, slots
from ..core.variants import variant_sbml

if TYPE_CHECKING:
    from ..analysis.calibrate import FitSettings

#: Bounds (linear) of an estimated noise sd: on the natural-log scale for log-normal noise.
SIGMA_BOUNDS = (1e-3, 1e2)
#: Flags the relapse-dose events set; each condition resets them (pyPESTO's RoadRunner
#: objective keeps event-changed values between simulations).
EVENT_FLAGS = ("relapse_fell_below", "relapse_given", "binf_fell_below", "binf_given")


def _ident(text: str) -> str:
    ident = re.sub(r"\W", "_", str(text))
    return ident if re.match(r"[A-Za-z_]", ident) else f"p_{ident}"


def tables(data: pd.DataFrame, settings: FitSettings) -> dict[str, pd.DataFrame]:
    """The PEtab tables (conditions, measurements, observables, parameters) of a fit."""
    from ..analysis.calibrate import problems_for

    problems = problems_for(data, settings)
    several = len(problems) > 1
    ids = {p.patient: _ident(p.patient) for p in problems}
    if len(set(ids.values())) != len(ids):
        raise PycartError("two patients' names give the same PEtab id (allowed: names that "
                          "differ in letters, digits or underscores)")
    conditions, measurements, parameters = [], [], []
    observable_ids: dict[str, str] = {}
    for problem in problems:
        pid = ids[problem.patient]
        condition = {"conditionId": f"c_{pid}", "conditionName": problem.patient,
                     **problem.parameters, **problem.initial, **_dosing(problem, problems)}
        if any(v for k, v in problem.parameters.items() if k.endswith(("_dose", "_dose2"))):
            condition |= {flag: 0.0 for flag in (*EVENT_FLAGS, *DOSE_RECORDS)
                          if flag in _model_ids(problem.model)}
        species = MODELS[problem.model]
        for name, (lo, hi) in zip(problem.estimate, problem.bounds, strict=True):
            base = f"{name}_init" if name in species else name  # an initial amount
            target = f"{base}_{pid}" if several else base
            if several or name in species:
                condition[name] = target
            what = f"initial amount of {name}" if name in species else name
            parameters.append(_parameter(target, f"{what} of {problem.patient}", lo, hi))
        conditions.append(condition)
        for _, row in problem.data.iterrows():
            obs = observable_ids.setdefault(row["observable"], f"obs_{row['observable']}")
            noise = row["sigma"]
            if pd.isna(noise):
                noise = f"sigma_{obs}_{pid}" if several else f"sigma_{obs}"
                if noise not in {p["parameterId"] for p in parameters}:
                    parameters.append(_parameter(noise, f"noise sd of {obs}",
                                                 *SIGMA_BOUNDS))
            measurements.append({"observableId": obs, "simulationConditionId": f"c_{pid}",
                                 "measurement": row["value"], "time": row["time"],
                                 "noiseParameters": noise})
    observables = [{"observableId": obs, "observableName": name, "observableFormula": name,
                    "observableTransformation": "log" if settings.noise == "lognormal"
                    else "lin", "noiseFormula": f"noiseParameter1_{obs}",
                    "noiseDistribution": "normal"} for name, obs in observable_ids.items()]
    return {"conditions": _conditions(conditions, problems),
            "measurements": pd.DataFrame(measurements),
            "observables": pd.DataFrame(observables),
            "parameters": pd.DataFrame(parameters)}


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
    from ..analysis.fit import _model_values

    off = {name: 0.0 for s, n in dose_slots(problems).items() for k in range(1, n + 1)
           for name in slot_names(s, k)}
    initial = _model_values(problem.model) | dict(problem.initial)
    return off | slot_values(problem.doses) | initial_amounts(
        problem.doses, initial, explicit={*problem.initial, *problem.estimate})


def _conditions(rows: list[dict], problems) -> pd.DataFrame:
    """One row per condition; a column a condition does not set takes the model's value."""
    from ..analysis.fit import _model_values

    frame = pd.DataFrame(rows)
    values = _model_values(problems[0].model)  # parameters and initial amounts
    values |= {name: 0.0 for name in frame.columns if name not in values
               and name.startswith("dose_")}  # the variant's slots, off unless set
    for column in frame.columns[2:]:
        frame[column] = frame[column].where(frame[column].notna(), values[column])
    return frame


def _model_ids(model: str) -> set[str]:
    from ..analysis.fit import _model_values

    return set(_model_values(model))


def _parameter(ident: str, name: str, lo: float, hi: float) -> dict:
    nominal = 10 ** ((_log10(lo) + _log10(hi)) / 2)
    return {"parameterId": ident, "parameterName": name, "parameterScale": "log10",
            "lowerBound": lo, "upperBound": hi, "nominalValue": nominal, "estimate": 1}


def _log10(value: float) -> float:
    import math

    return math.log10(value)


def write_petab(data: pd.DataFrame, settings: FitSettings, out: str | Path) -> list[Path]:
    """Write the PEtab problem to folder ``out`` (``problem.yaml`` and its files); raise
    :class:`PycartError` if PEtab's linter finds an error. Returns the files written."""
    import petab.v1 as petab

    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise PycartError(f"--out {str(folder)!r} is a file (allowed: a folder)")
    from ..analysis.calibrate import problems_for

    parts = tables(data, settings)
    # the model: the curated one, or its variant with the patients' dose slots
    text = variant_sbml(settings.model, dose_slots(problems_for(data, settings)))
    folder.mkdir(parents=True, exist_ok=True)
    files = {"model": folder / "model.xml", "conditions": folder / "conditions.tsv",
             "measurements": folder / "measurements.tsv",
             "observables": folder / "observables.tsv", "parameters": folder / "parameters.tsv"}
    write_text_atomically(files["model"], text)
    for name, frame in parts.items():
        write_text_atomically(files[name], spreadsheet_safe(frame).to_csv(sep="\t", index=False))
    yaml_file = folder / "problem.yaml"
    with atomic_path(yaml_file) as tmp_yaml:
        petab.yaml.create_problem_yaml(files["model"], files["conditions"],
                                       files["measurements"], files["parameters"],
                                       files["observables"], tmp_yaml)
    problems = lint(yaml_file)
    if problems:
        raise PycartError(f"the PEtab problem written to {folder} does not pass petablint: "
                          f"{problems[0]}")
    return [yaml_file, *files.values()]


def lint(yaml_file: Path) -> list[str]:
    """PEtab's linter on a problem: its error and warning messages (empty: it passes)."""
    import petab.v1 as petab

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.ERROR)
    logger = logging.getLogger("petab")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():  # petab's own pandas deprecation warnings
            warnings.simplefilter("ignore")
            problem = petab.Problem.from_yaml(yaml_file)
            failed = petab.lint_problem(problem)
    finally:
        logger.removeHandler(handler)
    messages = [m for m in stream.getvalue().splitlines() if m.strip()]
    return messages or (["petab.lint_problem reported an error"] if failed else [])

