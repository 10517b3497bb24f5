"""Which calibrated targets the plausible population can reach, and what limits them.

A target the weights miss is missed for one of two reasons: the plausible population (the
priors and the model) holds too few patients like the trial's on it even when the weights
serve that target alone, or it can be reached alone but not together with the others. For
each calibrated target (the median Cmax aside: the blood scale meets it exactly) the
endpoint, as the trial defines it (:func:`pycart.analysis.trial.values`), is computed under
uniform weights (the plausible population itself), the joint calibration, and a calibration
to that target alone (a median with its variance: the variance's feature is centred on the
median's target), each at the run's effective-size floor and at :data:`LOW_FLOOR` (reached:
inside the target's interval, or past it from the plausible population's side); and the
two priors that move it most: the endpoint in the lowest and the highest fifth of each
prior's draws, unweighted (a difference measured in widths of the target's interval). A
target reached alone but missed jointly is paired with each other target in turn: the
targets it cannot be met with at the run's floor are its conflicts.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.errors import PycartError
from .endpoints import cmax_ratio_resampled
from .targets import Target
from .trial import Arms, values
from .vpop import MIN_ESS_SHARE, POINT_TOLERANCE, calibrate_weights, feature_ids

#: A lower effective-size floor, as a share of the plausible patients: Allen et al. 2016
#: accept a few percent of their plausible patients; at the run's floor in effective
#: patients this needs MIN_ESS_SHARE / LOW_FLOOR times as many plausible patients. [choice]
LOW_FLOOR = 0.02
#: Targets calibrated together when one of them is asked for alone.
PARTNERS = {"tmax": ("tmax", "tmax_var"), "tmax_var": ("tmax", "tmax_var"),
            "fold": ("fold", "fold_var"), "fold_var": ("fold", "fold_var")}
#: The priors named per target (the two that move it most).
DRIVERS = 2
#: feasibility.csv's columns, in order.
COLUMNS = ("endpoint", "id", "target", "target_lower", "target_upper", "plausible", "joint",
           "joint_low_floor", "alone", "alone_low_floor", "met_joint", "reached_alone",
           "reached_alone_low_floor", "conflicts", "driver_1", "lowest_fifth_1", "highest_fifth_1",
           "driver_2", "lowest_fifth_2", "highest_fifth_2")


def feasibility(arms: Arms, targets: dict[str, Target], joint: np.ndarray,
                seed: int = 0) -> pd.DataFrame:
    """feasibility.csv's table (:data:`COLUMNS`): one row per calibrated target of the
    population ``arms`` whose joint calibration is ``joint``."""
    ids = feature_ids(arms.has_clone)
    uniform = np.full(len(arms.table), 1.0 / len(arms.table))
    weights = {"plausible": uniform, "joint": joint,
               "joint_low_floor": calibrate_weights(arms.table, targets, arms.has_clone,
                                                    floor_share=LOW_FLOOR)}
    computed = {name: values(arms, targets, w) for name, w in weights.items()}
    drivers = _drivers(arms, targets)
    rows = []
    for key in ids:
        t = targets[key]
        alone = {floor: calibrate_weights(arms.table, targets, arms.has_clone,
                                          PARTNERS.get(key, (key,)), floor)
                 for floor in (MIN_ESS_SHARE, LOW_FLOOR)}
        reached = [values(arms, targets, w)[key] for w in alone.values()]
        met = [_met(arms, t, w, computed_value, seed) for w, computed_value in
               zip((joint, *alone.values()), (computed["joint"][key], *reached), strict=True)]
        # served alone, a median can overshoot its interval: it was reached on the way
        side = _side(t, computed["plausible"][key])
        met[1:] = [m or _side(t, v) == -side != 0 for m, v in zip(met[1:], reached,
                                                                   strict=True)]
        conflicts = _conflicts(arms, targets, key, seed) if met[1] and not met[0] else ()
        rows.append((t.endpoint, key, t.value, t.lower, t.upper, computed["plausible"][key],
                     computed["joint"][key], computed["joint_low_floor"][key], *reached,
                     *met, " ".join(conflicts), *drivers[key]))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _conflicts(arms: Arms, targets: dict[str, Target], key: str, seed: int
               ) -> tuple[str, ...]:
    """The targets that ``key`` (reached alone, missed jointly) cannot be met with, pairwise:
    the weights serving both at the run's floor miss one of them."""
    mine = PARTNERS.get(key, (key,))
    out = []
    for other in feature_ids(arms.has_clone):
        if other in mine:
            continue
        w = calibrate_weights(arms.table, targets, arms.has_clone, (*mine, other))
        got = values(arms, targets, w)
        if not all(_met(arms, targets[k], w, got[k], seed) for k in (key, other)):
            out.append(other)
    return tuple(out)


def _side(target: Target, value: float) -> int:
    """-1 below the target's interval, +1 above, 0 inside."""
    return -1 if value < target.lower else int(value > target.upper)


def _met(arms: Arms, target: Target, w: np.ndarray, value: float, seed: int) -> bool:
    """In the target's interval; the Cmax ratio: its resampled trials' 90% interval (the
    trial's group sizes) contains the target."""
    if target.id != "cmax_ratio":
        return bool(target.lower <= value <= target.upper)
    t = arms.table
    cmax = t[col.CMAX_BLOOD].to_numpy(dtype=float)
    ok = np.isfinite(cmax) & (cmax > 0)
    n_r, n_nr = target.groups or (62, 8)
    try:
        _, lo, hi = cmax_ratio_resampled(cmax[ok], t[col.REMISSION_3M].to_numpy(bool)[ok],
                                         w[ok], np.random.default_rng(seed), n_r=n_r,
                                         n_nr=n_nr)
    except PycartError:  # no responders or no non-responders of weight > 0
        return False
    return bool(lo <= target.value <= hi)


def _drivers(arms: Arms, targets: dict[str, Target]) -> dict[str, tuple[object, ...]]:
    """Per target id: the DRIVERS priors whose lowest and highest fifths differ most on
    the endpoint (in widths of the target's interval), each with the two values."""
    fifths = {}
    for name in arms.patients.columns:
        x = arms.patients[name].to_numpy(dtype=float)
        if np.ptp(x) == 0:
            continue
        low, high = np.quantile(x, [0.2, 0.8])
        fifths[name] = tuple(values(arms.take(np.flatnonzero(m)), targets,
                                    np.full(int(m.sum()), 1.0 / m.sum()))
                             for m in (x <= low, x >= high))
    out = {}
    for key in feature_ids(arms.has_clone):
        t = targets[key]
        width = t.upper - t.lower or POINT_TOLERANCE * t.value

        def moves(name: str, key: str = key, width: float = width) -> float:
            lo, hi = (fifths[name][k][key] for k in (0, 1))
            change = abs(hi - lo) / width
            return change if math.isfinite(change) else -1.0

        ranked = sorted(fifths, key=moves, reverse=True)[:DRIVERS]
        out[key] = tuple(v for name in ranked
                         for v in (name, fifths[name][0][key], fifths[name][1][key]))
    return out
