"""The PEtab tables of a joint fit (:mod:`pycart.analysis.joint`): patients fitted together,
some parameters shared, with an observation model per observable.

- A shared entry is one row of the parameter table (``h``; a shared initial amount
  ``L_init``), a patient's own entry one row per patient (``L__A``), each patient's condition
  mapping the model's id to it. Where several joint problems are written together (each
  patient alone: no ``--shared``), an entry of one problem is suffixed with its patient.
- An observable's formula is its definition (a species, a sum, or a clinical observable of
  :mod:`pycart.core.observe`); the blood scale factor is its ``observableParameter1_<id>``,
  given per measurement (``blood_scale`` or ``blood_scale__A``).
- Noise: ``normal`` is ``noiseParameter1_<id>``; ``lognormal`` the same with
  ``observableTransformation = log`` (sigma the sd of the natural log); ``proportional``
  ``noiseParameter1_<id> * (formula)`` (PEtab v1 allows no observable id in a noise formula,
  so the formula is written out, with the scale factor as ``noiseParameter2_<id>``). A
  measurement's sigma is its row's, else the observable's fixed one, else the estimated
  ``sigma_<id>``: the order of pycart's likelihood.
- PEtab v1 has no censored likelihood: a left-censored row (empty, or below its ``lloq``) is
  refused, or with ``drop_censored`` left out (the likelihood is then not pycart fit's).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import pandas as pd

from ..analysis.data import OBSERVABLE, PATIENT, SIGMA, TIME, VALUE, censored_rows
from ..analysis.joint import SEPARATOR, Entry, JointProblem
from ..analysis.observation import Observable
from ..core.errors import PycartError
from ..core.names import MODELS
from ..core.observe import BLOOD_SCALE
from .petabtables import as_condition, conditions_table, parameter_row, petab_id, runs


def joint_tables(problems: Sequence[JointProblem], drop_censored: bool = False
                 ) -> dict[str, pd.DataFrame]:
    """The PEtab tables (conditions, measurements, observables, parameters) of joint
    problems; a censored row is refused unless ``drop_censored``."""
    check_censored(problems, drop_censored)
    every = runs(problems)
    ids = {problem.patient: _entry_ids(problem, len(problems) > 1) for problem in problems}
    _check_unique([i for problem in problems for i in ids[problem.patient].values()]
                  + [f"c_{petab_id(r.patient)}" for r in every])
    conditions, parameters, measurements = [], [], []
    for problem in problems:
        own = ids[problem.patient]
        for run in problem.runs:
            condition = as_condition(run, petab_id(run.patient), every)
            for name in run.estimate:
                target = own[_label(problem, name, run.patient)]
                if target != name:  # a shared model parameter is estimated as itself
                    condition[name] = target
            conditions.append(condition)
            measurements += _measurements(problem, run.patient, own)
        parameters += [parameter_row(own[e.label], _describe(e, problem), *e.bounds)
                       for e in problem.entries]
    observables = [_observable(o, problems[0].model) for o in problems[0].observables
                   if any((p.data[OBSERVABLE] == o.id).any() for p in problems)]
    return {"conditions": conditions_table(conditions, every),
            "measurements": pd.DataFrame(measurements).dropna(axis="columns", how="all"),
            "observables": pd.DataFrame(observables),
            "parameters": pd.DataFrame(parameters)}


def check_censored(problems: Sequence[JointProblem], drop: bool) -> int:
    """The number of left-censored rows; refused (one line naming them) unless ``drop``."""
    rows = pd.concat([p.data[censored_rows(p.data)] for p in problems])
    if len(rows) and not drop:
        named = ", ".join(f"{r[PATIENT]} {r[OBSERVABLE]} day {r[TIME]:g}"
                          for _, r in rows.head(3).iterrows())
        more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
        raise PycartError(f"data: {len(rows)} left-censored rows ({named}{more}): PEtab v1 "
                          "has no censored likelihood (allowed: data without them, or "
                          "--drop-censored to leave them out, the PEtab likelihood then "
                          "differing from pycart fit's)")
    return len(rows)


def _label(problem: JointProblem, name: str, patient: str) -> str:
    """The entry label of ``name`` in ``patient``'s run (joint's naming)."""
    return name if name in problem.shared else f"{name}{SEPARATOR}{patient}"


def _entry_ids(problem: JointProblem, several: bool) -> dict[str, str]:
    """Each entry's PEtab parameter id, by its label."""
    species = MODELS[problem.model]
    out = {}
    for entry in problem.entries:
        ident = entry.label
        if entry.patient is None and several:  # shared within its problem only
            ident = f"{ident}{SEPARATOR}{problem.patient}"
        if ident in species:  # an initial amount: a parameter may not take a species' id
            ident = f"{ident}_init"
        out[entry.label] = petab_id(ident)
    return out


def _check_unique(ids: list[str]) -> None:
    seen = set()
    for ident in ids:
        if ident in seen:
            raise PycartError(f"two patients' names give the same PEtab id {ident!r} "
                              "(allowed: names that differ in letters, digits or "
                              "underscores)")
        seen.add(ident)


def _describe(entry: Entry, problem: JointProblem) -> str:
    what = ("noise sd of " + entry.name[len("sigma_"):] if entry.name.startswith("sigma_")
            else "blood CAR T copies/µg DNA per marrow CAR T cell"
            if entry.name == BLOOD_SCALE else
            f"initial amount of {entry.name}" if entry.name in MODELS[problem.model]
            else entry.name)
    whose = entry.patient or (problem.patient if len(problem.runs) == 1 else "every patient")
    return f"{what}, {whose}"


def _observable(obs: Observable, model: str) -> dict:
    """One row of the observables table (see the module for the noise formulas)."""
    ident = f"obs_{obs.id}"
    formula = obs.formula(model)
    observed = _scaled(formula, f"observableParameter1_{ident}")
    noise = f"noiseParameter1_{ident}"
    if obs.noise == "proportional":
        noise = f"{noise} * ({_scaled(formula, f'noiseParameter2_{ident}')})"
    return {"observableId": ident, "observableName": obs.id, "observableFormula": observed,
            "observableTransformation": "log" if obs.noise == "lognormal" else "lin",
            "noiseFormula": noise, "noiseDistribution": "normal"}


def _scaled(formula: str, placeholder: str) -> str:
    """``formula`` with the blood scale factor replaced by a placeholder."""
    return re.sub(rf"\b{BLOOD_SCALE}\b", placeholder, formula)


def _measurements(problem: JointProblem, patient: str, ids: dict[str, str]) -> list[dict]:
    """``patient``'s measured rows (censored rows are left out: see :func:`check_censored`)."""
    by_id = {o.id: o for o in problem.observables}
    rows = problem.data[problem.data[PATIENT] == patient]
    rows = rows[~censored_rows(rows)]
    scale = next((ids[label] for label in (f"{BLOOD_SCALE}{SEPARATOR}{patient}", BLOOD_SCALE)
                  if label in ids), None)
    out = []
    for _, row in rows.iterrows():
        obs = by_id[row[OBSERVABLE]]
        sigma = row[SIGMA] if not math.isnan(row[SIGMA]) else obs.sigma
        noise: list[str | float] = [ids[f"sigma_{obs.id}"] if sigma is None else float(sigma)]
        if obs.scaled and obs.noise == "proportional":
            noise.append(str(scale))
        out.append({"observableId": f"obs_{obs.id}",
                    "simulationConditionId": f"c_{petab_id(patient)}",
                    "measurement": row[VALUE], "time": row[TIME],
                    "observableParameters": scale if obs.scaled else math.nan,
                    "noiseParameters": ";".join(map(str, noise)) if len(noise) > 1
                    else noise[0]})
    return out
