"""Calibration of the extended model's module parameters to the clinical targets.

``pycart fit`` fits time courses of patients (a likelihood of measurements), not shares of a
virtual cohort, so this module uses scipy's optimisers directly: ``scipy.optimize.brute``, a
grid search, because the objective is made of shares of a finite cohort (it moves in steps,
which derivative-free local methods such as Nelder-Mead stall on; a first attempt with
Nelder-Mead over five parameters did). The fitted quantity is a virtual cohort, not a
patient: Figure 7's design (rho_A, alpha, h; reduced resolution) under the full extended
model (both modules on), summarised by
:func:`pycart.analysis.outcomes.cohort_outcomes` and compared with
:data:`pycart.analysis.outcomes.TARGETS` in units of each target's accepted half-range.

Only targets the modules can move are fitted: the share of responders relapsing within a year,
the CD19-negative share of relapses and the time to peak. The responder share and the R/NR
Cmax ratio are decided by the paper's cohort design (the modules can only lower response and
widen the R/NR gap); they are reported, not fitted. The values found are written into
``models/cart_bm.ant`` by hand (marked [calibrated]); :func:`calibration_report` recomputes
the fit at the committed values. The exhaustion module's fit to a clinical time course (Stein
et al. 2019's typical tisagenlecleucel curve over a year) is ``pycart fit``'s, in
``docs/calibration.md`` (section 3, :mod:`pycart.report.calibration`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.model import Model
from ..experiments.beyond import COHORT_DAYS, EXT, VARIANTS, cohort_axes
from ..experiments.scenario import Grid, run_grid
from .outcomes import TARGETS, YEAR, CohortOutcomes, against_targets, cohort_outcomes

#: The calibrated parameters and their search ranges (a log-spaced grid of GRID values each).
FREE: dict[str, tuple[float, float]] = {
    "XE": (25.0, 45.0),     # days of full stimulation at half-maximal exhaustion
    "muL": (1e-17, 1e-14),  # 1/day, antigen loss L -> Ln
    "rhoLn": (0.1, 0.25),   # 1/day, CD19-negative clone's proliferation (rhoL is 0.69)
}
GRID = 4
#: The targets fitted (the others are reported, not fitted).
FITTED = ("relapse_by_12m_share", "cd19neg_share_of_relapses", "t_peak_median")
#: Cohort size while fitting (rho_A x alpha x h).
FIT_SIZE = (4, 6, 6)


@dataclass(frozen=True)
class Calibration:
    """A fit: the parameters, the cohort outcomes there, the targets table, and the loss
    along the search."""

    parameters: dict[str, float]
    outcomes: CohortOutcomes
    targets: pd.DataFrame
    history: pd.DataFrame


def cohort(parameters: Mapping[str, float], size: tuple[int, int, int] = FIT_SIZE,
           variant: str = "both") -> pd.DataFrame:
    """Figure 7's cohort (``size`` values per axis) under ``variant`` with ``parameters``."""
    from dataclasses import replace

    axes = tuple(replace(a, n=n) for a, n in zip(cohort_axes(), size, strict=True))
    grid = Grid(variant, axes, VARIANTS[variant] | dict(parameters), t_end=YEAR,
                days=COHORT_DAYS, metrics=True, model=EXT, relapse=True)
    return run_grid(grid)


def loss(outcomes: CohortOutcomes) -> float:
    """Sum of squared misfits of the fitted targets, each in units of its half-range; a
    target the cohort cannot define (e.g. no relapse) counts 4 (two half-ranges)."""
    got = outcomes.as_dict()
    total = 0.0
    for name in FITTED:
        t = TARGETS[name]
        value = got.get(name)
        total += 4.0 if value is None else ((value - t.value) / ((t.high - t.low) / 2)) ** 2
    return total


def refine(best: Mapping[str, float], ranges: Mapping[str, tuple[float, float]] = FREE,
           points: int = GRID) -> dict[str, tuple[float, float]]:
    """The ranges of a second, finer pass: one grid step of the first pass (``ranges``,
    ``points`` log-spaced values) either side of ``best``, within the first pass's ranges."""
    out = {}
    for name, (lo, hi) in ranges.items():
        step = (math.log10(hi) - math.log10(lo)) / (points - 1)
        at = math.log10(best[name])
        out[name] = (10 ** max(math.log10(lo), at - step), 10 ** min(math.log10(hi), at + step))
    return out


def calibrate(size: tuple[int, int, int] = FIT_SIZE, points: int = GRID,
              ranges: Mapping[str, tuple[float, float]] = FREE,
              say: Callable[[str], None] | None = None) -> Calibration:
    """Fit the parameters of ``ranges`` to the FITTED targets: scipy.optimize.brute over a
    log-spaced grid of ``points`` values per parameter (no local polish: the objective
    moves in steps)."""
    from scipy.optimize import brute

    model = Model(EXT)
    names = list(ranges)
    grid = [slice(math.log10(lo), math.log10(hi) + 1e-9,
                  (math.log10(hi) - math.log10(lo)) / (points - 1)) for lo, hi in ranges.values()]
    rows: list[dict[str, float]] = []

    def objective(x: np.ndarray) -> float:
        params = dict(zip(names, (10.0 ** np.asarray(x)).tolist(), strict=True))
        value = loss(cohort_outcomes(cohort(params, size)))
        rows.append(params | {"loss": value})
        if say:
            say(f"calibrate {len(rows)}: loss {value:.3f} at "
                + ", ".join(f"{k}={v:.3g}" for k, v in params.items()))
        return value

    brute(objective, tuple(grid), finish=None)
    history = pd.DataFrame(rows)
    best = history.loc[history["loss"].idxmin(), names].to_dict()
    return calibration_report(best, size, history, model)


def calibration_report(parameters: Mapping[str, float] | None = None,
                       size: tuple[int, int, int] = FIT_SIZE,
                       history: pd.DataFrame | None = None,
                       model: Model | None = None) -> Calibration:
    """The fit at ``parameters`` (default: the values committed in the model)."""
    model = model or Model(EXT)
    params = {n: float((parameters or model.default_parameters)[n]) for n in FREE}
    outcomes = cohort_outcomes(cohort(params, size))
    return Calibration(params, outcomes, against_targets(outcomes),
                       history if history is not None else pd.DataFrame())


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - a manual step
    """``python -m pycart.analysis.ext_calibration [XE muL rhoLn]``: two passes (the second
    refined around the first's best; given the first's best, only the second), printed; the
    values then go into cart_bm.ant by hand."""
    argv = sys.argv[1:] if argv is None else argv
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    best = (dict(zip(FREE, map(float, argv), strict=True)) if argv
            else calibrate(say=say).parameters)
    fit = calibrate(ranges=refine(best), say=say)
    print(fit.parameters)
    print(fit.targets.drop(columns="source").to_string(index=False))
    fit.history.to_csv("calibration_history.csv", index=False)


if __name__ == "__main__":  # pragma: no cover
    main()
