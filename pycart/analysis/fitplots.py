"""Figures of a calibration: the data with the fitted trajectories, the profiles, and the
waterfall of the starts. Log axes; B cells blue, leukaemia grey, CAR T orange."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter

from ..core.files import atomic_path
from ..experiments.figures import BLUE, GREY, ORANGE, RED
from ..experiments.labels import axis_label, quantity_label, symbol
from .data import OBSERVABLE, TIME, VALUE, horizon
from .fit import FitResult, objective_for
from .profile import THRESHOLD

#: Colour of each observable (CAR T orange, leukaemia grey, B cells blue).
COLOURS = {"CA": ORANGE, "CM": ORANGE, "CT": ORANGE, "CA2": ORANGE, "CM2": ORANGE,
           "C1": ORANGE, "C2": ORANGE, "CA_all": ORANGE, "CM_all": ORANGE,
           "L": GREY, "Lshare": GREY}


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=110, format="png")
    finally:
        plt.close(fig)


def _grid(rows: int, cols: int):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False,
                             layout="constrained")
    return fig, axes


def fit_figure(result: FitResult, path: Path) -> None:
    """Each patient (row) and observable (column): the data and the fitted trajectory."""
    rows = [(p, list(dict.fromkeys(p.data[OBSERVABLE]))) for p in result.problems]
    cols = max(len(names) for _, names in rows)
    fig, axes = _grid(len(rows), cols)
    for r, (problem, names) in enumerate(rows):
        best = result.patients.iloc[r]
        x = np.log10([float(best[n]) for n in problem.estimate])
        times = np.linspace(0.0, horizon(problem.data), 400)
        curves = objective_for(problem, problem.key()).simulate(x, times, names)
        for c, name in enumerate(names):
            ax = axes[r][c]
            colour = COLOURS.get(name, BLUE)
            seen = problem.data[problem.data[OBSERVABLE] == name]
            ax.semilogy(seen[TIME], seen[VALUE].clip(lower=1e-300), "o", color=colour,
                        mfc="none", label="data")
            ax.semilogy(times, np.maximum(curves[:, c], 1e-12), "-", color=colour,
                        label="fit")
            ax.set_title(f"{problem.patient}: {quantity_label(name)}", fontsize=9)
            ax.set_xlabel("day")
            ax.legend(fontsize=7)
        for c in range(len(names), cols):
            axes[r][c].axis("off")
    _save(fig, path)


def profile_figure(result: FitResult, path: Path) -> None:
    """Each patient (row) and parameter (column): the profile on the chi2 scale, the 3.84
    threshold of the 95% interval, and the estimate."""
    problems = result.problems
    cols = max(len(p.estimate) for p in problems)
    fig, axes = _grid(len(problems), cols + 1)
    for r, problem in enumerate(problems):
        for c, name in enumerate(problem.estimate):
            ax = axes[r][c]
            prof = result.profiles[(result.profiles["patient"] == problem.patient)
                                   & (result.profiles["parameter"] == name)]
            ax.semilogx(prof["value"], prof["chi2"], "-", color=ORANGE, marker=".")
            ax.axhline(2 * THRESHOLD, color=RED, lw=1, ls="--")
            row = result.estimates[(result.estimates["patient"] == problem.patient)
                                   & (result.estimates["parameter"] == name)].iloc[0]
            ax.axvline(row["estimate"], color=GREY, lw=1)
            ax.set_ylim(-0.2, max(8.0, 2 * THRESHOLD + 1))
            ax.set_title(f"{problem.patient}: {symbol(name)}", fontsize=9)
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel(axis_label(name))
            ax.set_ylabel("2 (nll - nll best)")
        _waterfall(axes[r][cols], result, problem.patient)
    _save(fig, path)


def _waterfall(ax, result: FitResult, patient: str) -> None:
    starts = result.starts[result.starts["patient"] == patient]
    nll = np.sort(starts["nll"].dropna().to_numpy())
    if len(nll):
        ax.semilogy(np.arange(1, len(nll) + 1), nll - nll[0] + 1.0, "o-", color=GREY, ms=3)
    ax.set_title(f"{patient}: starts (waterfall)", fontsize=9)
    ax.set_xlabel("start, sorted")
    ax.set_ylabel("nll - best + 1")
