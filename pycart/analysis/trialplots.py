"""The virtual trial's figures: relapse-free survival of the responders (weighted
Kaplan-Meier with censoring ticks and the target's 12-month interval) and the distributions
of Tmax, fold expansion and Cmax (responders and non-responders) against Stein et al. 2019's
log-normal targets."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from ..core import columns as col
from ..experiments.figures import BLUE, GREY, ORANGE, RED, save_figure
from .survival import kaplan_meier
from .targets import Target
from .trial import Arms
from .vpop import YEAR


def draw_figures(folder: Path, arms: Arms, w: np.ndarray, scale: float,
                 targets: dict[str, Target]) -> None:
    """Write ``rfs.png`` and ``kinetics.png`` into ``folder``."""
    save_figure(rfs_figure(arms, w, targets["rfs12"]), folder / "rfs.png")
    save_figure(kinetics_figure(arms, w, scale, targets), folder / "kinetics.png")


def rfs_figure(arms: Arms, w: np.ndarray, target: Target) -> Figure:
    """Weighted Kaplan-Meier of the responders' relapse-free survival."""
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    t = arms.table
    resp = t[col.REMISSION_3M].to_numpy(dtype=bool)
    if (w[resp] > 0).any():
        time = t[col.RFS_TIME].to_numpy(dtype=float)[resp] / 30.44
        event = t[col.RELAPSE_EVENT].to_numpy(dtype=bool)[resp]
        with np.errstate(all="ignore"):  # Greenwood's interval is undefined where S is 0
            km = kaplan_meier(time, event, w[resp])
        ax.step(np.r_[0, km["time"]], np.r_[1, km["survival"]], where="post", color=ORANGE,
                label="virtual population (weighted Kaplan-Meier)")
        censored = time[~event]
        ax.plot(censored, np.interp(censored, km["time"], km["survival"]), "|", color=GREY,
                label="censored")
    ax.errorbar([YEAR / 30.44], [target.value], yerr=[[target.value - target.lower],
                                                      [target.upper - target.value]],
                fmt="o", color=RED, capsize=4, label="ELIANA at 12 months")
    ax.set(xlabel="months from remission", ylabel="relapse-free survival", ylim=(0, 1.02))
    ax.legend(loc="lower left", fontsize=8)
    return fig


def kinetics_figure(arms: Arms, w: np.ndarray, scale: float,
                    targets: dict[str, Target]) -> Figure:
    """Weighted histograms of Tmax, fold expansion and Cmax, with the targets' log-normal
    densities (median and between-patient variance of Stein et al. 2019)."""
    fig = Figure(figsize=(12, 3.6))
    axes = fig.subplots(1, 3)
    t = arms.table
    resp = t[col.REMISSION_3M].to_numpy(dtype=bool)
    for ax, (key, column, name) in zip(axes, (
            ("tmax", col.TMAX, "Tmax (days)"), ("fold", col.FOLDX, "fold expansion"),
            ("cmax", col.CMAX_BLOOD, "Cmax (copies/µg DNA)")), strict=True):
        x = t[column].to_numpy(dtype=float) * (scale if key == "cmax" else 1.0)
        keep = np.isfinite(x) & (x > 0)
        if not keep.any():
            continue
        bins = np.geomspace(x[keep].min(), x[keep].max() * 1.001, 30)
        groups = ((resp, "responders", ORANGE), (~resp, "non-responders", BLUE)) \
            if key == "cmax" else ((np.ones_like(resp), "virtual population", ORANGE),)
        # densities per unit of ln x: on a log axis a density per unit of x puts the
        # log-normal's peak at median * exp(-variance) (354 for a median fold of 3,900)
        for mask, label, colour in groups:
            m = keep & mask
            if w[m].sum() > 0:
                heights, _ = np.histogram(np.log(x[m]), bins=np.log(bins), weights=w[m],
                                          density=True)
                ax.stairs(heights, bins, fill=True, alpha=0.6, color=colour, label=label)
        median, var = targets[key].value, targets[f"{key}_var"].value
        grid = np.geomspace(bins[0], bins[-1], 200)
        density = np.exp(-(np.log(grid / median)) ** 2 / (2 * var)) / math.sqrt(
            2 * math.pi * var)
        ax.plot(grid, density, color=RED, label="Stein et al. 2019")
        ax.set(xscale="log", xlabel=name, ylabel="density per unit of ln x")
        ax.xaxis.set_minor_formatter(NullFormatter())  # a narrow log range labels minors
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
