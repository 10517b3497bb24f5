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
(0: off); day-0 doses are the condition's initial amounts. A joint fit's problem (shared
parameters, an observation model, censored data) is written by
:mod:`pycart.exchange.petabjoint`.
"""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..core.errors import PycartError
from ..core.files import atomic_path, write_text_atomically
from ..core.names import MODELS
from ..core.output import spreadsheet_safe
from ..core.variants import variant_sbml
from .petabtables import as_condition, conditions_table, dose_slots, parameter_row, petab_id, runs

if TYPE_CHECKING:
    from ..analysis.calibrate import FitSettings

#: Bounds (linear) of an estimated noise sd: on the natural-log scale for log-normal noise.
SIGMA_BOUNDS = (1e-3, 1e2)


def tables(data: pd.DataFrame, settings: FitSettings, drop_censored: bool = False
           ) -> dict[str, pd.DataFrame]:
    """The PEtab tables (conditions, measurements, observables, parameters) of a fit; a
    joint fit's (shared names, an observation model, censored rows) are
    :func:`pycart.exchange.petabjoint.joint_tables`."""
    from ..analysis.calibrate import problems_for
    from ..analysis.fit import FitProblem
    from ..analysis.joint import JointProblem

    found: list[object] = list(problems_for(data, settings))  # FitProblems or JointProblems
    joint = [p for p in found if isinstance(p, JointProblem)]
    if joint:
        from .petabjoint import joint_tables

        return joint_tables(joint, drop_censored)
    problems = [p for p in found if isinstance(p, FitProblem)]
    several = len(problems) > 1
    ids = {p.patient: petab_id(p.patient) for p in problems}
    if len(set(ids.values())) != len(ids):
        raise PycartError("two patients' names give the same PEtab id (allowed: names that "
                          "differ in letters, digits or underscores)")
    conditions, measurements, parameters = [], [], []
    observable_ids: dict[str, str] = {}
    for problem in problems:
        pid = ids[problem.patient]
        condition = as_condition(problem, pid, problems)
        species = MODELS[problem.model]
        for name, (lo, hi) in zip(problem.estimate, problem.bounds, strict=True):
            base = f"{name}_init" if name in species else name  # an initial amount
            target = f"{base}_{pid}" if several else base
            if several or name in species:
                condition[name] = target
            what = f"initial amount of {name}" if name in species else name
            parameters.append(parameter_row(target, f"{what} of {problem.patient}", lo, hi))
        conditions.append(condition)
        for _, row in problem.data.iterrows():
            obs = observable_ids.setdefault(row["observable"], f"obs_{row['observable']}")
            noise = row["sigma"]
            if pd.isna(noise):
                noise = f"sigma_{obs}_{pid}" if several else f"sigma_{obs}"
                if noise not in {p["parameterId"] for p in parameters}:
                    parameters.append(parameter_row(noise, f"noise sd of {obs}",
                                                    *SIGMA_BOUNDS))
            measurements.append({"observableId": obs, "simulationConditionId": f"c_{pid}",
                                 "measurement": row["value"], "time": row["time"],
                                 "noiseParameters": noise})
    observables = [{"observableId": obs, "observableName": name, "observableFormula": name,
                    "observableTransformation": "log" if settings.noise == "lognormal"
                    else "lin", "noiseFormula": f"noiseParameter1_{obs}",
                    "noiseDistribution": "normal"} for name, obs in observable_ids.items()]
    return {"conditions": conditions_table(conditions, problems),
            "measurements": pd.DataFrame(measurements),
            "observables": pd.DataFrame(observables),
            "parameters": pd.DataFrame(parameters)}


def write_petab(data: pd.DataFrame, settings: FitSettings, out: str | Path,
                drop_censored: bool = False) -> list[Path]:
    """Write the PEtab problem to folder ``out`` (``problem.yaml`` and its files); raise
    :class:`PycartError` if PEtab's linter finds an error, or (before writing anything) if
    the data have left-censored rows and not ``drop_censored``. Returns the files written."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise PycartError(f"--out {str(folder)!r} is a file (allowed: a folder)")
    from ..analysis.calibrate import problems_for

    parts = tables(data, settings, drop_censored)
    # the model: the curated one, or its variant with the patients' dose slots
    text = variant_sbml(settings.model, dose_slots(runs(problems_for(data, settings))))
    return write_tables(parts, text, folder)


def write_tables(parts: dict[str, pd.DataFrame], sbml: str, folder: Path) -> list[Path]:
    """Write PEtab ``parts`` and the model ``sbml`` to ``folder`` and lint them (see
    :func:`write_petab`)."""
    import petab.v1 as petab

    folder.mkdir(parents=True, exist_ok=True)
    files = {"model": folder / "model.xml", "conditions": folder / "conditions.tsv",
             "measurements": folder / "measurements.tsv",
             "observables": folder / "observables.tsv", "parameters": folder / "parameters.tsv"}
    write_text_atomically(files["model"], sbml)
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

