"""Plausible patients of the virtual trial (Allen et al. 2016, CPT Pharmacometrics Syst
Pharmacol 5:140): drawn from stated priors (``trialdata/priors.toml``, each cited or marked
``[choice]``) on a scrambled Sobol' sequence, then mapped onto the model's inputs: the
product's attributes, the leukaemia and B cells at infusion, and the dose given into the
marrow compartment CA (the infused cells times a homing share, one documented constant).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import PycartError
from ..core.observe import MARROW_CELLS
from .targets import read_toml

DISTRIBUTIONS = ("uniform", "log-uniform", "truncated log-normal", "truncated normal")
#: The model variants of the trial: the paper's model, and cart_bm_ext with each module.
VARIANTS: dict[str, tuple[str, dict[str, float]]] = {
    "base": ("cart_bm", {}),
    "exhaustion": ("cart_bm_ext", {"exhaustion": 1.0}),
    "escape": ("cart_bm_ext", {"escape": 1.0, "muL": 0.0}),
    "both": ("cart_bm_ext", {"exhaustion": 1.0, "escape": 1.0, "muL": 0.0}),
}
#: Patient quantities that are not model ids (mapped by :func:`model_inputs`).
PATIENT = ("blasts", "bcells", "dose_per_kg", "weight")
#: Figure 3's B cells at infusion (the paper's default initial state), scaled by ``bcells``.
FIG3_B = {"B0": 1e6, "B1": 3e7, "B2": 2e8, "B3": 9e7}
#: ELIANA's flat dose above 50 kg: total cells held within this range (Maude et al. 2018).
FLAT_WEIGHT, FLAT_DOSE = 50.0, (1e7, 2.5e8)
#: Parameters the stochastic seeding reads rather than the ODE (muL is 0 in the ODE).
SEEDING = ("muL",)


@dataclass(frozen=True)
class Prior:
    """One prior: a parameter, its distribution and numbers, the variants it applies to,
    and its source (``[choice]`` where it is pycart's)."""

    parameter: str
    distribution: str
    lower: float
    upper: float
    source: str
    median: float = math.nan
    sd_log: float = math.nan
    models: tuple[str, ...] = tuple(VARIANTS)

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """The prior's values at unit-cube coordinates ``u`` (inverse CDF)."""
        lo, hi = self.lower, self.upper
        if self.distribution == "uniform":
            return lo + u * (hi - lo)
        if self.distribution == "log-uniform":
            return np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
        from scipy.stats import norm  # scipy.stats costs 0.6 s to import: not for `pycart --help`

        centre = math.log(self.median) if "log" in self.distribution else self.median
        spread = self.sd_log
        a, b = ((math.log(lo), math.log(hi)) if "log" in self.distribution else (lo, hi))
        pa, pb = norm.cdf((a - centre) / spread), norm.cdf((b - centre) / spread)
        x = centre + spread * norm.ppf(pa + u * (pb - pa))
        return np.exp(x) if "log" in self.distribution else x


@dataclass(frozen=True)
class Priors:
    """The priors and the constants (``homing``) of a population."""

    priors: tuple[Prior, ...]
    homing: float

    def for_variant(self, variant: str) -> tuple[Prior, ...]:
        """The priors that vary in ``variant``."""
        return tuple(p for p in self.priors if variant in p.models)


def default_priors_path() -> Path:
    """The shipped priors' file."""
    return Path(str(resources.files("pycart.analysis").joinpath("trialdata", "priors.toml")))


def load_priors(path: str | Path | None = None) -> Priors:
    """The priors of ``path`` (the shipped ones by default); a bad file raises
    :class:`PycartError` with one line."""
    path = default_priors_path() if path is None else Path(path)
    data: dict[str, Any] = read_toml(path)
    try:
        priors = tuple(_prior(k, t) for k, t in enumerate(data.get("prior", [])))
        constants = {c["parameter"]: float(c["value"]) for c in data.get("constant", [])}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PycartError(f"{path}: a prior or constant is malformed ({exc})") from None
    names = [p.parameter for p in priors]
    missing = [n for n in PATIENT if n not in names]
    if missing or "homing" not in constants:
        raise PycartError(f"{path}: no prior {(missing or ['homing'])[0]!r} (needed: "
                          f"{', '.join(PATIENT)} and the constant homing)")
    if not 0 < constants["homing"] <= 1:
        raise PycartError(f"{path}: homing {constants['homing']:g} (allowed: 0 < homing <= 1)")
    return Priors(priors, constants["homing"])


def _prior(k: int, table: dict[str, Any]) -> Prior:
    where = f"prior {k + 1}"
    if table["distribution"] not in DISTRIBUTIONS:
        raise PycartError(f"{where}: distribution {table['distribution']!r} (allowed: "
                          f"{', '.join(DISTRIBUTIONS)})")
    models = tuple(table.get("models", VARIANTS))
    if any(m not in VARIANTS for m in models):
        raise PycartError(f"{where}: models {list(models)} (allowed: {', '.join(VARIANTS)})")
    prior = Prior(str(table["parameter"]), str(table["distribution"]), float(table["lower"]),
                  float(table["upper"]), str(table["source"]),
                  float(table.get("median", math.nan)), float(table.get("sd_log", math.nan)),
                  models)
    if not (math.isfinite(prior.lower) and math.isfinite(prior.upper)
            and prior.lower < prior.upper) or ("log" in prior.distribution and prior.lower <= 0):
        raise PycartError(f"{where}: bounds {prior.lower:g}, {prior.upper:g} (allowed: "
                          "finite, lower < upper, > 0 on a log scale)")
    if "truncated" in prior.distribution and not (prior.sd_log > 0
                                                   and prior.lower <= prior.median <= prior.upper):
        raise PycartError(f"{where}: a truncated prior needs median within its bounds and "
                          "sd_log > 0")
    return prior


def draw(priors: Priors, n: int, seed: int) -> pd.DataFrame:
    """``n`` plausible patients: every prior (of every variant) at once on one scrambled
    Sobol' sequence, so each patient has the same product and burden in every variant."""
    from scipy.stats import qmc  # see quantile

    # the first n points of the next power of two (Sobol's balance holds at powers of 2)
    unit = qmc.Sobol(len(priors.priors), scramble=True, seed=seed).random_base2(
        max(0, math.ceil(math.log2(n))))[:n]
    return pd.DataFrame({p.parameter: p.quantile(unit[:, j])
                         for j, p in enumerate(priors.priors)})


def total_dose(patients: pd.DataFrame) -> np.ndarray:
    """CAR T cells infused: dose per kg times weight, flat (held within ELIANA's 0.1-2.5e8)
    above 50 kg."""
    cells = patients["dose_per_kg"].to_numpy() * patients["weight"].to_numpy()
    flat = np.clip(cells, *FLAT_DOSE)
    return np.where(patients["weight"].to_numpy() > FLAT_WEIGHT, flat, cells)


def leukaemia_cells(blasts: np.ndarray) -> np.ndarray:
    """Leukaemic cells for a marrow blast share (the inverse of
    :func:`pycart.core.observe.blast_fraction`)."""
    return MARROW_CELLS * blasts / (1.0 - blasts)


def model_inputs(patients: pd.DataFrame, priors: Priors, variant: str) -> pd.DataFrame:
    """The model's inputs for ``variant`` (one column per parameter or species id)."""
    varied = {p.parameter for p in priors.for_variant(variant)}
    columns = {name: patients[name].to_numpy() for name in patients
               if name in varied and name not in PATIENT and name not in SEEDING}
    columns["L"] = leukaemia_cells(patients["blasts"].to_numpy())
    columns["CA"] = priors.homing * total_dose(patients)
    for species, cells in FIG3_B.items():
        columns[species] = cells * patients["bcells"].to_numpy()
    return pd.DataFrame(columns)
