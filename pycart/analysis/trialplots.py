"""The virtual trial's figures: relapse-free survival of the responders (weighted
Kaplan-Meier with censoring ticks and the target's 12-month interval) and the distributions
of Tmax, fold expansion and Cmax (responders and non-responders) against Stein et al. 2019's
log-normal targets, with the patients whose Tmax is the Cmax window's last day apart."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from ..core import columns as col
from ..experiments.figures import BLUE, GREY, ORANGE, RED, save_figure
from .endpoints import DAY28, at_window_end
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
    densities (median and between-patient variance of Stein et al. 2019); Tmax on the
    window's last day (:func:`~pycart.analysis.endpoints.at_window_end`) as a bar of its own
    right of day 28."""
    fig = Figure(figsize=(12, 3.6))
    axes = fig.subplots(1, 3)
    t = arms.table
    resp = t[col.REMISSION_3M].to_numpy(dtype=bool)
    for ax, (key, column, name) in zip(axes, (
            ("tmax", col.TMAX, "Tmax (days)"), ("fold", col.FOLDX, "fold expansion"),
            ("cmax", col.CMAX_BLOOD, "Cmax (copies/µg DNA)")), strict=True):
        x = t[column].to_numpy(dtype=float) * (scale if key == "cmax" else 1.0)
        keep = np.isfinite(x) & (x > 0)
        end = keep & at_window_end(x) if key == "tmax" else np.zeros_like(keep)
        if not keep.any():
            continue
        inside = keep & ~end
        low, top = (x[inside].min(), x[inside].max() * 1.001) if inside.any() else (1.0, DAY28)
        bins = np.geomspace(low, top, 30)
        groups = ((resp, "responders", ORANGE), (~resp, "non-responders", BLUE)) \
            if key == "cmax" else ((np.ones_like(resp), "virtual population", ORANGE),)
        # densities per unit of ln x: on a log axis a density per unit of x puts the
        # log-normal's peak at median * exp(-variance) (354 for a median fold of 3,900);
        # over all of a group's weight, so the window-end bar's area adds to one with them
        for mask, label, colour in groups:
            m = keep & mask
            if w[m].sum() > 0:
                heights, _ = np.histogram(np.log(x[m & inside]), bins=np.log(bins),
                                          weights=w[m & inside])
                ax.stairs(heights / (w[m].sum() * np.diff(np.log(bins))), bins, fill=True,
                          alpha=0.6, color=colour, label=label)
        right = _window_end_bar(ax, w[end].sum() / w[keep].sum()) if end.any() else bins[-1]
        median, var = targets[key].value, targets[f"{key}_var"].value
        grid = np.geomspace(bins[0], right, 200)
        density = np.exp(-(np.log(grid / median)) ** 2 / (2 * var)) / math.sqrt(
            2 * math.pi * var)
        ax.plot(grid, density, color=RED, label="Stein et al. 2019")
        ax.set(xscale="log", xlabel=name, ylabel="density per unit of ln x")
        ax.xaxis.set_minor_formatter(NullFormatter())  # a narrow log range labels minors
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _window_end_bar(ax, share: float) -> float:
    """The weighted ``share`` whose Tmax is day 28, the end of the Cmax window (days 0-28),
    as a hatched bar just right of it whose area is that share (the histogram's density per
    unit of ln x); a dotted line marks the window's end. Returns the bar's right edge."""
    gap, width = 0.02, 0.1  # in ln x
    edges = DAY28 * np.exp([gap, gap + width])
    ax.axvline(DAY28, color=GREY, linestyle=":", linewidth=1)
    ax.stairs([share / width], edges, fill=True, hatch="//", color=GREY, alpha=0.8,
              label=f"at the window's end (day {DAY28:g}): {share:.1%}")
    return float(edges[1])
