"""Profile likelihood: for each estimated parameter, the best likelihood with that parameter
fixed at each value and every other one re-optimised; the 95% interval is where the profile
stays within chi2(1, 0.95)/2 = 1.92 of the optimum (Raue et al. 2009, Bioinformatics
25:1923). A profile that stays under the threshold up to a search bound is a result: the
interval reaches the bound, and the parameter is not identifiable from these data on that
side. A walk that finds a point lower than the optimum by more than the polish's tolerance
stops there: the fit moves to a better optimum from it (:mod:`pycart.analysis.calibrate`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import pairwise

import numpy as np
import pandas as pd
from scipy.stats import chi2

from .fit import FitProblem, local_fit, objective_for
from .polish import IMPROVEMENT

#: The profile threshold for a 95% pointwise interval, in negative log-likelihood units.
THRESHOLD = float(chi2.ppf(0.95, 1)) / 2
#: Steps along a profile, in log10 units: first, smallest, largest.
FIRST_STEP, MIN_STEP, MAX_STEP = 0.02, 1e-4, 0.25
#: Largest rise of the nll between two profile points (a larger one is stepped again).
MAX_RISE = 1.0
#: Most points on one side of one profile.
MAX_POINTS = 60
#: Fewest points on one side (the optimum counted): a profile has at least 2*11 - 1 = 21.
MIN_POINTS = 11
#: The interval's end is bracketed to this share of the distance from the optimum to it
#: (one side's half of the width: better than 1% of the interval's width).
END_TOLERANCE = 0.005


def profile_task(problem: FitProblem, key: str, index: int, direction: int,
                 x_hat: np.ndarray, nll_hat: float) -> dict:
    """One side (``direction`` -1 or +1) of the profile of parameter ``index`` (worker side):
    the points walked from the optimum ``x_hat`` until the threshold or the bound, then the
    threshold's crossing bisected and the widest gaps filled to :data:`MIN_POINTS`. Each
    point keeps its whole parameter vector (``xs``), for the prediction bands."""
    objective = objective_for(problem, key)
    walk = _walk(objective, problem, index, direction, np.array(x_hat, dtype=float), nll_hat)
    if walk["reached"]:
        _bisect(objective, walk, index, nll_hat)
    if walk["points"][-1][1] >= nll_hat - IMPROVEMENT:  # else the walk found a better
        _fill(objective, walk, index)  # optimum: the fit moves there, this side is dropped
    order = np.argsort([direction * p[0] for p in walk["points"]], kind="stable")
    return {"patient": problem.patient, "parameter": problem.estimate[index],
            "direction": direction, "points": [walk["points"][i] for i in order],
            "xs": [walk["xs"][i] for i in order], "reached": walk["reached"]}


def _walk(objective, problem: FitProblem, index: int, direction: int, x: np.ndarray,
          nll_hat: float) -> dict:
    """Steps from the optimum, adapted to the rise of the nll, until the threshold or the
    bound."""
    bound = problem.lower[index] if direction < 0 else problem.upper[index]
    points, xs = [(float(x[index]), float(nll_hat))], [x.tolist()]
    step, reached, failed = FIRST_STEP, False, 0
    while len(points) < MAX_POINTS and not reached:
        if abs(points[-1][0] - bound) < 1e-12:
            break
        value = points[-1][0] + direction * step
        value = max(value, bound) if direction < 0 else min(value, bound)
        fit = local_fit(objective, x, fixed={index: value})
        if not math.isfinite(fit.nll):
            failed += 1
            step /= 2
            if step < MIN_STEP or failed > 5:
                break
            continue
        rise = fit.nll - points[-1][1]
        if rise > MAX_RISE and step > MIN_STEP:  # too coarse to place the crossing
            step = max(MIN_STEP, step / 4)
            continue
        x = fit.x
        points.append((value, fit.nll))
        xs.append(x.tolist())
        reached = fit.nll - nll_hat > THRESHOLD
        if fit.nll < nll_hat - IMPROVEMENT:  # a better optimum: the fit restarts from here
            break  # (pycart.analysis.calibrate), so the rest of this walk would be dropped
        step = min(MAX_STEP, step * 2) if rise < 0.1 else (
            max(MIN_STEP, step / 2) if rise > 0.6 else step)
    return {"points": points, "xs": xs, "reached": reached}


def _bisect(objective, walk: dict, index: int, nll_hat: float) -> None:
    """Narrow the last step (whose ends straddle the threshold) until the crossing is
    bracketed within :data:`END_TOLERANCE` of its distance from the optimum: try where the
    straight line between the bracket's ends crosses the threshold (kept off the ends), then
    just past it on the far side; a smooth profile is bracketed in two or three fits."""
    points, xs = walk["points"], walk["xs"]
    inside, outside = len(points) - 2, len(points) - 1
    tolerance = END_TOLERANCE * abs(points[outside][0] - points[0][0])
    last, past = None, False
    for _ in range(30):
        (a, fa), (b, fb) = points[inside], points[outside]
        if abs(b - a) <= tolerance:
            return
        guess = a + (b - a) * (nll_hat + THRESHOLD - fa) / (fb - fa)
        guess = min(max(guess, a + 0.1 * (b - a)), b - 0.1 * (b - a)) if (
            a < b) else max(min(guess, a + 0.1 * (b - a)), b - 0.1 * (b - a))
        if past and last is not None:  # just past the last try, toward the bracket's end
            toward = b if last == inside else a
            guess = points[last][0] + np.sign(toward - points[last][0]) * 0.9 * tolerance
        past = not past
        fit = local_fit(objective, np.array(xs[inside]), fixed={index: float(guess)})
        if not math.isfinite(fit.nll):
            return
        points.append((float(guess), fit.nll))
        xs.append(fit.x.tolist())
        if fit.nll - nll_hat > THRESHOLD:
            outside = last = len(points) - 1
        else:
            inside = last = len(points) - 1


def _fill(objective, walk: dict, index: int) -> None:
    """Add points in the widest gaps (each from its nearer neighbour's optimum) until the
    side has :data:`MIN_POINTS`."""
    points, xs = walk["points"], walk["xs"]
    while len(points) < MIN_POINTS:
        order = sorted(range(len(points)), key=lambda i: points[i][0])
        if len(order) < 2:
            return
        gaps = [points[j][0] - points[i][0] for i, j in pairwise(order)]
        k = int(np.argmax(gaps))
        if gaps[k] <= 1e-9:
            return
        left = order[k]
        middle = points[left][0] + gaps[k] / 2
        fit = local_fit(objective, np.array(xs[left]), fixed={index: middle})
        if not math.isfinite(fit.nll):
            return
        points.append((middle, fit.nll))
        xs.append(fit.x.tolist())


def interval(sides: Mapping[int, dict], x_hat: float, nll_best: float,
             bounds: tuple[float, float]) -> dict:
    """The 95% interval (linear scale) from the two sides of one profile, and a verdict."""
    ends, notes = {}, []
    for direction in (-1, 1):
        points = sides[direction]["points"]
        end = None
        for (x0, f0), (x1, f1) in pairwise(points):
            d0, d1 = f0 - nll_best - THRESHOLD, f1 - nll_best - THRESHOLD
            if d0 <= 0 < d1:
                end = x0 + (x1 - x0) * (-d0) / (d1 - d0)
                break
        if end is None:
            end = math.log10(bounds[0] if direction < 0 else bounds[1])
            reached_bound = abs(points[-1][0] - end) < 1e-9
            notes.append(("flat to the lower bound" if direction < 0 else
                          "flat to the upper bound") if reached_bound else
                         ("lower end not found" if direction < 0 else "upper end not found"))
        ends[direction] = 10.0 ** end
    verdict = "yes" if not notes else "not identifiable (" + "; ".join(notes) + ")"
    return {"estimate": 10.0 ** x_hat, "lower": ends[-1], "upper": ends[1],
            "identifiable": verdict}


def profile_table(sides: list[dict], nll_best: float) -> pd.DataFrame:
    """Every profile point: patient, parameter, value (linear), nll and its rise over the
    optimum, ``2*delta`` on the chi2 scale that the threshold 3.84 applies to."""
    rows = []
    for side in sides:
        for value, nll in side["points"]:
            rows.append({"patient": side["patient"], "parameter": side["parameter"],
                         "value": 10.0 ** value, "nll": nll,
                         "chi2": 2 * (nll - nll_best)})
    table = pd.DataFrame(rows, columns=["patient", "parameter", "value", "nll", "chi2"])
    return table.drop_duplicates().sort_values(["patient", "parameter", "value"]).reset_index(
        drop=True)
