"""Synthetic measurements from the model with known parameters and log-normal noise: the
ground truth that calibration is tested and demonstrated on."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..core.names import DEFAULT_MODEL
from .data import check_measurements

#: Sampling days of a CAR T kinetics profile (days after infusion, as in clinical studies).
DAYS: tuple[float, ...] = (1, 3, 5, 7, 9, 11, 14, 17, 21, 28, 35, 42, 56, 70, 90)

#: Three products: two responders and a non-responder (L30 >= 1 cell), with Figure 3's
#: alpha and initial state.
TRUTHS: dict[str, dict[str, float]] = {
    "R-fast": {"h": 1e9, "rhoA": 0.9},
    "R-slow": {"h": 5e8, "rhoA": 0.75},
    "NR": {"h": 5e10, "rhoA": 0.45},
}


def synthetic(truths: Mapping[str, Mapping[str, float]], observables: Sequence[str] = ("CT",),
              days: Sequence[float] = DAYS, noise: float = 0.1, seed: int = 1,
              model: str = DEFAULT_MODEL) -> pd.DataFrame:
    """One patient per truth: each observable at ``days`` times log-normal noise of sd
    ``noise`` (0.1: 10%), with that sigma in the table."""
    from .fit import Objective, make_problem

    rng = np.random.default_rng(seed)
    rows = []
    for patient, truth in truths.items():
        stub = check_measurements(pd.DataFrame({"time": list(days), "observable": "CT",
                                                "value": 1.0}), model)
        objective = Objective(make_problem(stub, list(truth), {}, model=model),
                              solver="roadrunner")  # data: the tighter solver (rtol 1e-10)
        exact = objective.simulate(np.log10(list(truth.values())), np.asarray(days, float),
                                   list(observables))
        for j, name in enumerate(observables):
            values = exact[:, j] * np.exp(noise * rng.standard_normal(len(days)))
            rows += [{"time": t, "observable": name, "value": v, "sigma": noise,
                      "patient": patient} for t, v in zip(days, values, strict=True)]
    return check_measurements(pd.DataFrame(rows), model)


#: Typical-patient cellular kinetics of tisagenlecleucel in paediatric B-ALL: Stein et al.
#: 2019, CPT Pharmacometrics Syst Pharmacol 8:285 (N = 90; values as transcribed in
#: nlmixr2lib's Stein_2019_Tisagenlecleucel model): doubling time 0.78 d during expansion,
#: Tmax 9.3 d, fast decline 0.16/d, a fraction 0.0079 entering the slow phase, slow decline
#: 0.0032/d.
STEIN_2019 = {"doubling_days": 0.78, "tmax": 9.3, "fast": 0.16, "slow": 0.0032,
              "fraction_slow": 0.0079}
#: Sampling days of the typical-patient curve.
STEIN_DAYS: tuple[float, ...] = (1, 4, 7, 9.3, 11, 14, 21, 28, 42, 56, 90)


#: Sampling days of the curve over a year (the paper's model re-expands after day 50; the
#: study's biexponential keeps declining at the slow rate).
STEIN_YEAR_DAYS: tuple[float, ...] = (*STEIN_DAYS, 120, 180, 270, 365)


def stein_curve(days: Sequence[float] = STEIN_DAYS, dose: float = 5e7, observable: str = "CT",
                model: str = DEFAULT_MODEL) -> pd.DataFrame:
    """Stein et al.'s typical-patient CAR T curve as measurements of CT (no sigma: the noise
    is estimated). Its height is not in marrow cells (the study measured transgene copies per
    microgram of blood DNA): it starts from the model's default dose ``dose`` (cells) on
    day 0 and expands at the published doubling time until Tmax, so only its shape is the
    study's. ``observable`` names what it measures in ``model`` (CT_all in the extended
    models: every CAR T cell, exhausted ones included, as qPCR counts transgene copies)."""
    k = STEIN_2019
    t = np.asarray(days, dtype=float)
    peak = dose * 2.0 ** (k["tmax"] / k["doubling_days"])
    tau = np.maximum(t - k["tmax"], 0.0)
    decline = peak * ((1 - k["fraction_slow"]) * np.exp(-k["fast"] * tau)
                      + k["fraction_slow"] * np.exp(-k["slow"] * tau))
    values = np.where(t <= k["tmax"], dose * 2.0 ** (t / k["doubling_days"]), decline)
    return check_measurements(pd.DataFrame({"time": t, "observable": observable,
                                            "value": values}), model)


#: Sampling days of the joint-fit examples: a CAR T kinetics profile, denser over expansion.
JOINT_DAYS: tuple[float, ...] = (1, 2, 3, 5, 7, 9, 11, 14, 17, 21, 24, 28)


def independent(shared: Mapping[str, float], patients: Mapping[str, Mapping[str, float]],
                observables: Sequence[str] = ("CT", "Bpos"), days: Sequence[float] = JOINT_DAYS,
                noise: float = 0.15, seed: int = 1, lloq: Mapping[str, float] | None = None
                ) -> pd.DataFrame:
    """Measurements of cart_bm made with the independent solver (:mod:`pycart.core.reference`,
    no code shared with the fit's): ``shared`` parameters for every patient, each patient's
    own initial amounts (or parameters), each observable (``CT``, ``Bpos``, ``L`` or
    ``MRD``) at ``days`` times log-normal noise of sd ``noise``; no sigma in the table (it is
    estimated). ``lloq`` gives observables a detection limit: a noisy value under it is
    written empty with that lloq (left-censored)."""
    from ..core import reference
    from ..core.observe import blast_fraction

    sums = {"CT": ("CA", "CM"), "Bpos": ("B1", "B2", "B3"), "L": ("L",), "MRD": ("L",)}
    rng = np.random.default_rng(seed)
    grid = np.unique(np.concatenate([[0.0], np.asarray(days, dtype=float)]))
    at = np.searchsorted(grid, np.asarray(days, dtype=float))  # replicates share a time
    rows = []
    for patient, own in patients.items():
        initial = {k: v for k, v in own.items() if k in reference.ORDER}
        params = {**shared, **{k: v for k, v in own.items() if k not in reference.ORDER}}
        amounts = reference.solve(params, initial, grid)[at]
        for name in observables:
            exact = amounts[:, [reference.ORDER.index(s) for s in sums[name]]].sum(axis=1)
            if name == "MRD":
                exact = blast_fraction(exact)
            values = exact * np.exp(noise * rng.standard_normal(len(days)))
            for t, v in zip(days, values, strict=True):
                row = {"time": t, "observable": name, "value": v, "patient": patient}
                if lloq:
                    limit = lloq.get(name, math.nan)
                    row |= {"value": math.nan if v < limit else v, "lloq": limit}
                rows.append(row)
    return pd.DataFrame(rows)
