"""Joint fits: several patients fitted together, some parameters shared by every patient (a
product's attributes), the others estimated once per patient (a burden), with an observation
model per observable (:mod:`pycart.analysis.observation`) and left-censored data.

The parameter vector (log10 values, each within its bounds) lists, in order: the shared
model parameters, each patient's own ones, the estimated noise sigmas (one per observable,
shared: the same assay for every patient) and the blood scale factor (shared, or one per
patient). :meth:`JointProblem.entries` names each entry as (name, patient or None), the form
PEtab's parameter table takes (a per-patient entry's id is ``name__patient``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.errors import PycartError
from ..core.observe import BLOOD_SCALE
from ..core.schedule import Dose
from .data import OBSERVABLE, PATIENT, SIGMA, TIME, VALUE, censored_rows
from .fit import FitProblem, lo_hi, log_bounds, make_problem
from .likelihood import JointObjective
from .observation import Observable, by_id

#: Search bounds of a noise sigma for log-normal and proportional noise (a relative sd).
RELATIVE_SIGMA_BOUNDS = (1e-3, 10.0)
#: Search bounds of the blood scale factor, copies/µg DNA per marrow CAR T cell (qPCR
#: reads 1e2-1e5 copies/µg for 1e6-1e10 marrow cells).
SCALE_BOUNDS = (1e-10, 1e3)
#: Separator of a per-patient entry's id: ``L__patientA``.
SEPARATOR = "__"


@dataclass(frozen=True)
class Entry:
    """One entry of the parameter vector: a model parameter or initial amount, a noise
    sigma (``sigma_<observable>``) or the blood scale factor; ``patient`` None when shared."""

    name: str
    patient: str | None
    bounds: tuple[float, float]

    @property
    def label(self) -> str:
        """The entry's id: its name, with ``__patient`` when it is a patient's own."""
        return self.name if self.patient is None else f"{self.name}{SEPARATOR}{self.patient}"


@dataclass(frozen=True)
class JointProblem:
    """Patients fitted together: each patient's run (``runs``: a :class:`FitProblem` with its
    initial amounts, fixed parameters, dose schedule and the model's names to estimate), the
    data of all of them (``data``, with ``lloq``), the names ``shared`` by every patient, the
    observables, and the entries of the parameter vector."""

    data: pd.DataFrame = field(compare=False, repr=False)
    runs: tuple[FitProblem, ...]
    names: tuple[str, ...]
    shared: tuple[str, ...]
    observables: tuple[Observable, ...]
    entries: tuple[Entry, ...]
    #: The label of this problem in the tables (the patient's own when it holds one).
    patient: str = "joint"

    @property
    def estimate(self) -> tuple[str, ...]:
        """The entries' ids, in the parameter vector's order."""
        return tuple(e.label for e in self.entries)

    @property
    def bounds(self) -> tuple[tuple[float, float], ...]:
        return tuple(e.bounds for e in self.entries)

    @property
    def lower(self) -> np.ndarray:
        return log_bounds(self.bounds, 0)

    @property
    def upper(self) -> np.ndarray:
        return log_bounds(self.bounds, 1)

    @property
    def model(self) -> str:
        return self.runs[0].model

    @property
    def patients(self) -> tuple[str, ...]:
        return tuple(r.patient for r in self.runs)

    def make_objective(self) -> JointObjective:
        """The joint likelihood, with a RoadRunner per patient."""
        return JointObjective(self)

    def parameter_ids(self) -> list[tuple[str, str | None]]:
        """Each entry of the parameter vector as (name, patient or None when shared)."""
        return [(e.name, e.patient) for e in self.entries]

    def key(self) -> str:
        """A fingerprint of everything that decides the likelihood."""
        text = json.dumps({"runs": [r.key() for r in self.runs], "shared": self.shared,
                           "observables": [repr(o) for o in self.observables],
                           "entries": [[e.label, *e.bounds] for e in self.entries],
                           "data": self.data.to_json()}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_joint(data: pd.DataFrame, estimate: Sequence[str], shared: Sequence[str],
               observables: Sequence[Observable], bounds: Mapping[str, str] | None = None,
               runs: Mapping[str, tuple[Mapping, Mapping, Sequence[Dose]]] | None = None,
               model: str = "cart_bm", label: str = "joint") -> JointProblem:
    """Validate a joint problem (before any work): ``runs`` maps each patient of ``data`` to
    its (parameters, initial amounts, doses); ``bounds`` are ``LO:HI`` texts by name (model
    names, ``sigma_<observable>`` or ``blood_scale``)."""
    names = tuple(estimate)
    extra = [n for n in shared if n not in names]
    if extra:
        raise PycartError(f"--shared {extra[0]}: not estimated (allowed: a subset of "
                          f"--estimate {','.join(names)})")
    observed = by_id(observables)
    _check_data(data, observed)
    given = dict(bounds or {})
    noise_entries = _noise_entries(data, observed, given)
    model_bounds = {k: v for k, v in given.items() if not _is_noise_name(k)}
    per = dict(runs or {})
    problems = []
    for patient, rows in data.groupby(PATIENT, sort=False):
        params, init, doses = per.get(str(patient), ({}, {}, ()))
        stub = pd.DataFrame({TIME: rows[TIME].to_numpy(float), OBSERVABLE: model_first(model),
                             VALUE: 1.0, SIGMA: np.nan, PATIENT: str(patient)})
        problems.append(make_problem(stub, names, model_bounds, "normal", params, init, model,
                                     str(patient), doses))
    entries = [Entry(n, None, problems[0].bounds[names.index(n)]) for n in names
               if n in shared]
    entries += [Entry(n, p.patient, p.bounds[names.index(n)]) for p in problems
                for n in names if n not in shared]
    entries += [e for ent in noise_entries for e in (
        [ent] if ent.patient is None else [Entry(ent.name, p.patient, ent.bounds)
                                           for p in problems])]
    return JointProblem(data.reset_index(drop=True), tuple(problems), names, tuple(shared),
                        tuple(observed.values()), tuple(entries), label)


def entry_ids(problem: FitProblem | JointProblem) -> list[tuple[str, str]]:
    """(patient, parameter) of each estimated entry; the patient is empty for an entry
    shared by several patients."""
    if isinstance(problem, FitProblem):
        return [(problem.patient, n) for n in problem.estimate]
    alone = problem.patient if len(problem.runs) == 1 else ""
    return [(e.patient or alone, e.name) for e in problem.entries]


def model_first(model: str) -> str:
    """A species of ``model`` (the stub observable of a patient's run)."""
    from ..core.names import MODELS

    return MODELS[model][0]


def _is_noise_name(name: str) -> bool:
    return name.startswith("sigma_") or name == BLOOD_SCALE


def _check_data(data: pd.DataFrame, observed: Mapping[str, Observable]) -> None:
    unknown = sorted(set(data[OBSERVABLE]) - set(observed))
    if unknown:
        raise PycartError(f"data: observable {unknown[0]!r} is not declared (allowed: "
                          f"{', '.join(observed)})")
    scaled = [o for o in observed.values() if o.scaled]
    if len(scaled) > 1:
        raise PycartError(f"observables {scaled[0].id} and {scaled[1].id} both observe blood "
                          "CAR T (allowed: one, with one scale factor)")
    for ident, obs in observed.items():
        rows = data[data[OBSERVABLE] == ident]
        censored = censored_rows(rows)
        if obs.noise == "lognormal" and (rows[VALUE][~censored] <= 0).any():
            row = rows[~censored & (rows[VALUE] <= 0)].iloc[0]
            raise PycartError(f"value {row[VALUE]:g} of {ident} at day {row[TIME]:g} "
                              f"({row[PATIENT]}) is not > 0 (allowed with lognormal noise: "
                              "values > 0; a value under a detection limit is written empty "
                              "with its lloq)")


def _noise_entries(data: pd.DataFrame, observed: Mapping[str, Observable],
                   given: dict[str, str]) -> list[Entry]:
    """The estimated sigmas (for observables with a row that has none) and scale factors;
    ``patient`` "*" marks an entry made once per patient."""
    out = []
    for ident, obs in observed.items():
        rows = data[data[OBSERVABLE] == ident]
        if rows.empty:
            continue
        if obs.sigma is None and rows[SIGMA].isna().any():
            values = rows[VALUE].abs().dropna()
            default = RELATIVE_SIGMA_BOUNDS if obs.noise != "normal" else (
                max(float(values.max()), 1e-300) * 1e-6, max(float(values.max()), 1e-300) * 10)
            out.append(Entry(f"sigma_{ident}", None, _bounds(f"sigma_{ident}", given, default)))
        if obs.scaled:
            out.append(Entry(BLOOD_SCALE, None if obs.scale == "shared" else "*",
                             _bounds(BLOOD_SCALE, given, SCALE_BOUNDS)))
    names = {e.name for e in out}
    unused = [k for k in given if _is_noise_name(k) and k not in names]
    if unused:
        raise PycartError(f"--bounds {unused[0]}: not estimated (allowed: "
                          f"{', '.join(sorted(names)) or 'no noise or scale parameter'})")
    return out


def _bounds(name: str, given: Mapping[str, str], default: tuple[float, float]
            ) -> tuple[float, float]:
    if name not in given:
        return default
    return lo_hi(name, given[name])
