"""Observation models of a fit: what each measurement observes in the model, and its noise.

An observable has an id (the data's ``observable`` column), a definition and a noise model:

- the definition is a species or a sum of the model (``L``, ``CT``, ``Bpos``, ``Lshare``, or
  ``L + Ln`` written out), or a clinical observable of :mod:`pycart.core.observe`: ``MRD``
  (the leukaemic share of the marrow's nucleated cells) or ``blood_CART`` (CAR transgene
  copies per µg DNA in blood, proportional to the marrow's CAR T cells with the scale factor
  ``blood_scale``, estimated: once for every patient, ``scale = "shared"``, the default, or
  once per patient, ``scale = "per-patient"``);
- the noise is ``normal`` (sd sigma), ``lognormal`` (sigma the sd of the natural log: 0.15
  for 15%) or ``proportional`` (normal with sd sigma times the simulated value); ``sigma`` is
  a number (fixed) or ``"estimate"`` (a parameter of the fit, reported with its interval).

They are declared in a TOML file, one table per observable::

    [MRD]
    definition = "MRD"
    noise = "lognormal"
    sigma = 0.3

    [blood]
    definition = "blood_CART"
    sigma = "estimate"
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core import observe
from ..core.errors import PycartError
from ..core.names import MODELS, OBSERVABLES, SHARES

#: The noise models and what sigma means in each.
NOISES: dict[str, str] = {
    "normal": "y = s + sigma*e",
    "lognormal": "log y = log s + sigma*e (sigma 0.15 for 15%)",
    "proportional": "y = s + sigma*s*e",
}
#: How a blood observable's scale factor is estimated.
SCALES = ("shared", "per-patient")
#: The keys of one observable's table.
KEYS = ("definition", "noise", "sigma", "scale")
#: The units of the clinical observables, for axis labels.
UNITS = {observe.MRD: "fraction of marrow nucleated cells",
         observe.BLOOD_CAR_T: "copies/µg DNA"}
#: Largest observables file read (a few observables are a few hundred bytes).
MAX_BYTES = 100_000


@dataclass(frozen=True)
class Observable:
    """One observable: its id in the data, its definition, noise model and sigma (``None``:
    estimated), and for ``blood_CART`` how its scale factor is shared."""

    id: str
    definition: str
    noise: str = "lognormal"
    sigma: float | None = None
    scale: str = "shared"

    @property
    def clinical(self) -> bool:
        """Whether the definition is a clinical observable of :mod:`pycart.core.observe`."""
        return self.definition in observe.CLINICAL

    @property
    def scaled(self) -> bool:
        """Whether the observable carries an estimated scale factor (blood CAR T)."""
        return self.definition == observe.BLOOD_CAR_T

    def selections(self, model: str) -> tuple[str, ...]:
        """The model ids a simulation selects to compute this observable."""
        if self.definition == observe.MRD:
            return observe.leukaemia_ids(model)
        if self.scaled:
            return observe.car_t_ids(model)
        return terms(self.definition, model)

    def compute(self, model: str, columns: Mapping[str, np.ndarray],
                scale: float | None = None) -> np.ndarray:
        """The observable from simulated ``columns`` (id -> values); ``scale`` for blood."""
        if self.definition == observe.MRD:
            return observe.observe(model, columns)[observe.MRD]
        if self.scaled:
            return observe.observe(model, columns, scale)[observe.BLOOD_CAR_T]
        return np.sum([np.asarray(columns[t], dtype=float)
                       for t in terms(self.definition, model)], axis=0)

    def formula(self, model: str) -> str:
        """The observable as a formula over ``model``'s ids (PEtab's observableFormula)."""
        if self.clinical:
            return observe.formula(model, self.definition)
        return " + ".join(terms(self.definition, model))

    def unit(self) -> str:
        """The unit of the observed values, for an axis label."""
        if self.clinical:
            return UNITS[self.definition]
        return "fraction" if self.definition in SHARES else "cells"


def computable(model: str) -> tuple[str, ...]:
    """The single ids a definition may name in ``model``: species, its sums and shares."""
    return (*MODELS[model], *OBSERVABLES[model], *SHARES)


def terms(definition: str, model: str) -> tuple[str, ...]:
    """The ids summed by a definition ``A + B + ...``, each one ``model`` computes."""
    parts = tuple(p.strip() for p in definition.split("+"))
    allowed = computable(model)
    for part in parts:
        if part not in allowed:
            raise PycartError(f"observable definition {definition!r}: {part!r} is not "
                              f"computed by {model} (allowed: {', '.join(allowed)}, a sum "
                              f"of them with +, or {', '.join(observe.CLINICAL)})")
    if len(set(parts)) != len(parts):
        raise PycartError(f"observable definition {definition!r} names an id twice "
                          "(allowed: each once)")
    return parts


def check_observable(obs: Observable, model: str) -> Observable:
    """``obs`` if ``model`` can compute it and its noise and sigma are allowed."""
    where = f"observable {obs.id!r}"
    if not obs.id or not obs.id.replace("_", "a").isalnum() or obs.id[0].isdigit():
        raise PycartError(f"{where}: not an id (allowed: letters, digits and _, not "
                          "starting with a digit)")
    if obs.noise not in NOISES:
        raise PycartError(f"{where}: noise {obs.noise!r} (allowed: {', '.join(NOISES)})")
    if obs.sigma is not None and not (isinstance(obs.sigma, float) and math.isfinite(obs.sigma)
                                      and obs.sigma > 0):
        raise PycartError(f"{where}: sigma {obs.sigma!r} (allowed: a finite number > 0, or "
                          "\"estimate\")")
    if obs.scale not in SCALES:
        raise PycartError(f"{where}: scale {obs.scale!r} (allowed: {', '.join(SCALES)})")
    if not obs.clinical:
        terms(obs.definition, model)
    elif obs.definition == observe.MRD and not observe.leukaemia_ids(model):
        raise PycartError(f"{where}: {model} has no leukaemic cells for MRD")
    return obs


def parse_observables(text: str, model: str, where: str = "observables") -> tuple[
        Observable, ...]:
    """The observables of a TOML text (one table per observable id), checked for ``model``."""
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PycartError(f"{where}: not TOML ({' '.join(str(exc).split())})") from None
    if not tables:
        raise PycartError(f"{where}: no observables (allowed: one table [ID] per observable "
                          f"with keys {', '.join(KEYS)})")
    return tuple(_one(ident, table, model, where) for ident, table in tables.items())


def _one(ident: str, table: object, model: str, where: str) -> Observable:
    if not isinstance(table, dict):
        raise PycartError(f"{where}: {ident} is not a table (allowed: [{ident}] with keys "
                          f"{', '.join(KEYS)})")
    unknown = [k for k in table if k not in KEYS]
    if unknown:
        raise PycartError(f"{where}: [{ident}] has unknown key {unknown[0]!r} (allowed: "
                          f"{', '.join(KEYS)})")
    definition = table.get("definition", ident)
    noise = table.get("noise", "lognormal")
    scale = table.get("scale", "shared")
    for key, value in (("definition", definition), ("noise", noise), ("scale", scale)):
        if not isinstance(value, str):
            raise PycartError(f"{where}: [{ident}] {key} {value!r} is not text")
    sigma = table.get("sigma", "estimate")
    if sigma == "estimate":
        sigma = None
    elif isinstance(sigma, (int, float)) and not isinstance(sigma, bool):
        sigma = float(sigma)
    else:
        raise PycartError(f"{where}: [{ident}] sigma {sigma!r} (allowed: a finite number "
                          "> 0, or \"estimate\")")
    if "scale" in table and definition != observe.BLOOD_CAR_T:
        raise PycartError(f"{where}: [{ident}] has a scale but is not {observe.BLOOD_CAR_T} "
                          f"(allowed: scale only with definition = {observe.BLOOD_CAR_T!r})")
    return check_observable(Observable(ident, definition.strip(), noise, sigma, scale), model)


def read_observables(path: str | Path, model: str) -> tuple[Observable, ...]:
    """The observables of a TOML file (see :func:`parse_observables`)."""
    source = Path(path)
    where = f"observables file {str(source)!r}"
    try:
        if not source.is_file():
            raise PycartError(f"{where}: not a file (allowed: a TOML file)")
        if source.stat().st_size > MAX_BYTES:
            raise PycartError(f"{where}: larger than {MAX_BYTES} bytes")
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise PycartError(f"{where}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise PycartError(f"{where}: not UTF-8 text") from None
    return parse_observables(text, model, where)


def default_observables(ids: Iterable[str], noise: str, model: str) -> tuple[Observable, ...]:
    """Today's observation model: each id observes itself, with noise ``noise`` and sigma
    estimated where the data give none."""
    return tuple(check_observable(Observable(i, i, noise), model) for i in dict.fromkeys(ids))


def by_id(observables: Sequence[Observable]) -> dict[str, Observable]:
    """The observables by id; an id declared twice is refused."""
    out: dict[str, Observable] = {}
    for obs in observables:
        if obs.id in out:
            raise PycartError(f"observable {obs.id!r} is declared twice (allowed: once)")
        out[obs.id] = obs
    return out


def help_text() -> str:
    """What ``pycart fit --help`` says about observables and noise models."""
    noises = "; ".join(f"{k}: {v}" for k, v in NOISES.items())
    return (f"observables: a species or a sum of species of the model (L, CT, Bpos, Lshare, "
            f"or A + B), {observe.MRD} ({observe.CLINICAL[observe.MRD].description}, marrow "
            f"size {observe.MARROW_CELLS:g} cells) or {observe.BLOOD_CAR_T} (copies/µg DNA = "
            f"{observe.BLOOD_SCALE} * all CAR T cells, the scale estimated, shared or "
            f"per-patient); noise models: {noises}; sigma a number or \"estimate\"")
