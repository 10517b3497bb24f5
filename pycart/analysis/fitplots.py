"""Figures of a calibration, ready for a paper: the data with the fitted trajectories and
their 95% prediction bands (one panel per patient and observable; censored points drawn at
their limit as open downward triangles), and the profiles (one panel per estimate, the 95%
threshold drawn) with the waterfall of the starts. Every axis has a label with its unit and
tick labels, parameters are written as symbols (ρ_A, not rhoA). B cells blue, leukaemia
grey, CAR T orange.

The prediction band of a trajectory is the envelope of the trajectories over every profile
point whose nll is within the 95% threshold of the optimum (each point a whole parameter
vector, re-optimised with one parameter fixed): the set of curves the data do not reject.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import cast

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullLocator

from ..core import observe
from ..core.errors import SimulationError
from ..core.files import atomic_path
from ..experiments.figures import BLUE, GREY, ORANGE, RED
from ..experiments.labels import axis_label, quantity_label, symbol
from .data import OBSERVABLE, PATIENT, TIME, VALUE, censored_rows, horizon
from .fit import FitResult, objective_for
from .joint import entry_ids
from .likelihood import JointObjective
from .observation import Observable
from .profile import THRESHOLD

#: Colour of each observable (CAR T orange, leukaemia grey, B cells blue).
COLOURS = {"CA": ORANGE, "CM": ORANGE, "CT": ORANGE, "CA2": ORANGE, "CM2": ORANGE,
           "C1": ORANGE, "C2": ORANGE, "CA_all": ORANGE, "CM_all": ORANGE, "CT_all": ORANGE,
           observe.BLOOD_CAR_T: ORANGE, "L": GREY, "Lshare": GREY, "L_all": GREY,
           observe.MRD: GREY}
#: Most parameter vectors drawn into one prediction band.
MAX_BAND = 120
#: Panels per row of the profile figure.
COLUMNS = 4


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=150, format="png")
    finally:
        plt.close(fig)


def _grid(rows: int, cols: int):
    import matplotlib.pyplot as plt

    return plt.subplots(rows, cols, figsize=(4.2 * cols, 3.3 * rows), squeeze=False,
                        layout="constrained")


def log_ticks(axis, low: float, high: float) -> None:
    """Tick labels on a log ``axis`` over [low, high]: decades when it spans two or more,
    else three to five plain values (a narrow log range would otherwise show none)."""
    if not (low > 0 and high > low):
        return
    if high / low >= 100:
        axis.set_major_locator(LogLocator(base=10))
    else:
        from matplotlib.ticker import MaxNLocator

        ticks = [t for t in MaxNLocator(nbins=4).tick_values(low, high) if low <= t <= high
                 and t > 0]
        if len(ticks) < 2:
            ticks = list(np.geomspace(low, high, 3))
        axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _: tick_text(v)))
    axis.set_minor_locator(NullLocator())


def tick_text(value: float) -> str:
    """A tick label: plain from 0.01 to 10^4, else m·10^e in mathtext."""
    value = float(f"{value:.3g}")
    if value == 0 or 1e-2 <= abs(value) < 1e4:
        return f"{value:g}"
    mantissa, exponent = f"{value:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = f"10^{{{int(exponent)}}}"
    return f"${power}$" if mantissa == "1" else f"${mantissa}\\cdot{power}$"


def observable_label(obs: Observable) -> str:
    """A y-axis label: the observable in words and its unit."""
    if obs.definition == observe.MRD:
        return "MRD (fraction of marrow nucleated cells)"
    if obs.scaled:
        return "CAR T in blood (copies/µg DNA)"
    words = " + ".join(quantity_label(t.strip()) for t in obs.definition.split("+"))
    return f"{words} ({obs.unit()})"


def entry_label(name: str) -> str:
    """An axis label for an estimated entry: a model parameter's symbol and unit, a noise
    sigma or the blood scale factor."""
    if name.startswith("sigma_"):
        return f"$\\sigma$ of {name[6:]} (noise sd)"
    if name == observe.BLOOD_SCALE:
        return "blood scale (copies/µg DNA per cell)"
    return axis_label(name)


def entry_symbol(name: str) -> str:
    """An estimated entry as a symbol: ``rhoA`` as ρ_A, ``sigma_CT`` as σ_CT."""
    if name.startswith("sigma_"):
        return f"$\\sigma_{{{name[6:]}}}$"
    if name == observe.BLOOD_SCALE:
        return "blood scale"
    return symbol(name)


def _panels(result: FitResult, k: int):
    """(patient, data rows, observables, curves function, fit) of problem ``k``: the
    curves of many parameter vectors at once, from the problem's likelihood (one batch)."""
    problem = result.problems[k]
    fit = result.fits[k] if result.fits else _from_table(result, k)
    objective = cast(JointObjective, objective_for(problem, problem.key()))
    out = []
    for patient in problem.patients:
        rows = problem.data if len(problem.patients) == 1 else \
            problem.data[problem.data[PATIENT] == patient]
        used = [o for o in problem.observables if (rows[OBSERVABLE] == o.id).any()]
        out.append((patient, rows, used,
                    lambda X, times, _p=patient: objective.curves_many(X, _p, times), fit))
    return out


def _from_table(result: FitResult, k: int) -> dict:
    """A fit made from ``patients.csv``'s estimates (a result built without ``fits``): the
    optimum only, no band."""
    problem = result.problems[k]
    row = result.patients[result.patients["patient"] == problem.patient].iloc[0]
    return {"x_hat": np.log10([float(row[n]) for n in problem.estimate]), "nll": math.nan,
            "sides": []}


def _band_vectors(fit: dict) -> list[np.ndarray]:
    """The parameter vectors of the profile points within the 95% threshold."""
    vectors = [np.asarray(x, dtype=float) for side in fit.get("sides", [])
               for (_, nll), x in zip(side["points"], side["xs"], strict=True)
               if nll - fit["nll"] <= THRESHOLD]
    if len(vectors) > MAX_BAND:
        vectors = [vectors[i] for i in np.linspace(0, len(vectors) - 1, MAX_BAND).astype(int)]
    return vectors


def fit_figure(result: FitResult, path: Path) -> None:
    """Each patient (row) and observable (column): the data, the fitted trajectory and its
    95% prediction band."""
    _save(fit_canvas(result), path)


def fit_canvas(result: FitResult):
    """The figure of :func:`fit_figure`, not saved."""
    rows = [panel for k in range(len(result.problems)) for panel in _panels(result, k)]
    cols = max(len(used) for _, _, used, _, _ in rows)
    fig, axes = _grid(len(rows), cols)
    for r, (patient, data, used, curve, fit) in enumerate(rows):
        times = np.linspace(0.0, horizon(data), 300)
        curves = curve(np.array([fit["x_hat"], *_band_vectors(fit)], dtype=float), times)
        if any(np.isnan(c[0]).any() for c in curves.values()):
            raise SimulationError("the solver failed at the optimum (fast path and "
                                  "libRoadRunner)")
        kept = ~np.any([np.isnan(c).any(axis=1) for c in curves.values()], axis=0)
        kept[0] = False  # row 0 is the optimum (the fit); the band: the vectors that ran
        for c, obs in enumerate(used):
            _draw(axes[r][c], data[data[OBSERVABLE] == obs.id], obs, times,
                  curves[obs.id][0], list(curves[obs.id][kept]))
            axes[r][c].set_title(f"patient {patient}", fontsize=9)
        for c in range(len(used), cols):
            axes[r][c].axis("off")
    return fig


def _draw(ax, seen, obs: Observable, times: np.ndarray, best: np.ndarray,
          band: list[np.ndarray]) -> None:
    colour = COLOURS.get(obs.definition, BLUE)
    censored = censored_rows(seen)
    marks = np.concatenate([seen[VALUE].dropna().to_numpy(float),
                            seen["lloq"][censored].to_numpy(float) if censored.any() else []])
    marks = marks[marks > 0]
    # the view: the data and limits, and the fit down to 1/100 of the lowest of them (a
    # trajectory falling further leaves the panel instead of flattening at a floor)
    low = float(min(marks.min(initial=np.inf), best[best > 0].min(initial=np.inf))) / 100
    high = 3 * float(max(marks.max(initial=0.0), best.max(initial=0.0)))
    if not (0 < low < high < np.inf):
        low, high = 1e-3, 1.0
    positive = np.where(best > 0, best, np.nan)
    if band:
        stack = np.clip(np.array(band), low, None)
        ax.fill_between(times, stack.min(axis=0), stack.max(axis=0), color=colour, alpha=0.2,
                        lw=0, label="95% prediction band")
    ax.plot(times, positive, "-", color=colour, label="fit")
    ax.plot(seen[TIME][~censored], seen[VALUE][~censored], "o", color=colour, mfc="none",
            label="data")
    if censored.any():
        ax.plot(seen[TIME][censored], seen["lloq"][censored], "v", color=colour, mfc="none",
                label="below LLOQ")
    ax.set_yscale("log")
    ax.set_ylim(low, high)
    log_ticks(ax.yaxis, low, high)
    ax.set_xlabel("time (days)")
    ax.set_ylabel(observable_label(obs), fontsize=8)
    ax.legend(fontsize=7)


def profile_figure(result: FitResult, path: Path) -> None:
    """Each estimate: its profile on the chi2 scale with the 3.84 threshold of the 95%
    interval and the estimate; then each problem's waterfall of the starts."""
    _save(profile_canvas(result), path)


def profile_canvas(result: FitResult):
    """The figure of :func:`profile_figure`, not saved."""
    panels = [(k, i) for k, p in enumerate(result.problems) for i in range(len(p.estimate))]
    panels += [(k, -1) for k in range(len(result.problems))]
    cols = min(COLUMNS, len(panels))
    fig, axes = _grid(math.ceil(len(panels) / cols), cols)
    flat = [ax for row in axes for ax in row]
    for ax, (k, i) in zip(flat, panels, strict=False):
        problem = result.problems[k]
        if i < 0:
            _waterfall(ax, result, problem.patient)
            continue
        patient, name = entry_ids(problem)[i]
        _profile_panel(ax, result, patient, name)
    for ax in flat[len(panels):]:
        ax.axis("off")
    return fig


def _profile_panel(ax, result: FitResult, patient: str, name: str) -> None:
    prof = result.profiles[(result.profiles["patient"] == patient)
                           & (result.profiles["parameter"] == name)]
    row = result.estimates[(result.estimates["patient"] == patient)
                           & (result.estimates["parameter"] == name)].iloc[0]
    ax.plot(prof["value"], prof["chi2"], "-", color=ORANGE, marker=".", ms=4, label="profile")
    ax.axhline(2 * THRESHOLD, color=RED, lw=1, ls="--", label="95% threshold")
    ax.axvline(row["estimate"], color=GREY, lw=1, label="estimate")
    ax.set_xscale("log")
    values = prof["value"].to_numpy(float) if len(prof) else np.array([row["estimate"]])
    low, high = float(values.min()), float(values.max())
    if high <= low:
        low, high = low / 1.1, high * 1.1
    pad = (high / low) ** 0.05
    ax.set_xlim(low / pad, high * pad)
    log_ticks(ax.xaxis, low / pad, high * pad)
    ax.set_ylim(-0.2, max(8.0, 2 * THRESHOLD + 1))
    who = f"patient {patient}" if patient else "shared by all patients"
    ax.set_title(f"{entry_symbol(name)}, {who}", fontsize=9)
    ax.set_xlabel(entry_label(name), fontsize=8)
    ax.set_ylabel("$2\\,(nll - nll_{best})$")
    ax.legend(fontsize=6)


def _waterfall(ax, result: FitResult, patient: str) -> None:
    starts = result.starts[result.starts["patient"] == patient]
    nll = np.sort(starts["nll"].dropna().to_numpy())
    if len(nll):
        ax.plot(np.arange(1, len(nll) + 1), nll - nll[0] + 1.0, "o-", color=GREY, ms=3)
        ax.set_yscale("log")
        top = max(3.0, float(nll[-1] - nll[0] + 1.0) * 2)  # starts at one optimum: flat
        ax.set_ylim(0.7, top)
        log_ticks(ax.yaxis, 0.7, top)
    ax.set_title(f"starts of {patient} (waterfall)", fontsize=9)
    ax.set_xlabel("start, sorted by nll")
    ax.set_ylabel("nll - best + 1")
