"""Figures laid out like the paper's: log axes, B cells blue, leukaemia grey, CAR T orange."""

from __future__ import annotations

import math
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ..core.errors import PycartError  # noqa: E402
from ..core.homeostasis import homeostasis  # noqa: E402
from ..core.names import B_CELLS, TIME  # noqa: E402
from .scenario import Panel, ScenarioResult  # noqa: E402

BLUE, GREY, ORANGE, BROWN, RED = "#1f5fa8", "#6e6e6e", "#f28e1c", "#8c3b0c", "#d62728"
LIGHT_BLUE = "#9ecae1"

#: How each series is drawn: (label, colour, line style, columns summed).
SERIES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "L": ("leukemic cells", GREY, "-", ("L",)),
    "C": ("total CAR T", ORANGE, "-", ("CA", "CM", "CA2", "CM2")),
    "CA": ("activated CAR T", ORANGE, "-", ("CA", "CA2")),
    "CM": ("memory CAR T", ORANGE, ":", ("CM", "CM2")),
    "C1": ("original product", ORANGE, "-", ("CA", "CM")),
    "C2": ("new product", BROWN, "-", ("CA2", "CM2")),
    "B0": ("pro-B (CD19-)", BLUE, "-", ("B0",)),
    "B1": ("pre-BI", BLUE, "--", ("B1",)),
    "B2": ("pre-BII", BLUE, "-.", ("B2",)),
    "B3": ("immature B", BLUE, ":", ("B3",)),
    "B+": ("CD19+ B cells", BLUE, ":", ("B1", "B2", "B3")),
}
RUN_STYLES = ("-", "--", ":", "-.")
#: Lowest amount shown on the log axes (cells); L falls far below it.
Y_FLOOR = 1e-4
#: File formats a figure is written in, and the default and allowed resolutions (dots/inch).
FIGURE_FORMATS = ("png", "svg", "pdf")
DEFAULT_DPI = 150
DPI_RANGE = (20, 1200)


def save_figure(figure: Figure, path: str | os.PathLike[str], dpi: int = DEFAULT_DPI) -> Path:
    """Write ``figure`` to ``path`` in the format its extension names (png, svg, pdf) through
    a temporary file, so an interrupted write leaves no partial figure; close the figure.

    svg and pdf are vector formats (``dpi`` sizes only rasterised parts); no timestamps or
    software versions are written, so the same figure gives the same file.
    """
    out = Path(path)
    kind = out.suffix.lower().lstrip(".")
    if kind not in FIGURE_FORMATS:
        raise PycartError(f"figure {str(out)!r}: unsupported format "
                          f"(allowed: {', '.join(FIGURE_FORMATS)})")
    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}[kind]
    tmp = out.with_name(f".{out.name}.part")
    try:
        if kind == "svg":
            with matplotlib.rc_context({"svg.hashsalt": "pycart"}):
                figure.savefig(tmp, dpi=dpi, format=kind, metadata=metadata)
        else:
            figure.savefig(tmp, dpi=dpi, format=kind, metadata=metadata)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        plt.close(figure)
    return out


def scenario_figure(result: ScenarioResult) -> Figure:
    """The scenario's figure: one axes per panel, in the scenario's layout."""
    scenario = result.scenario
    n = len(scenario.panels)
    rows, cols = scenario.layout or (1, n)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.6 * rows), squeeze=False)
    for ax, panel in zip(axes.ravel(), scenario.panels):
        DRAW[panel.kind](ax, panel, result)
        if panel.title not in (scenario.name, scenario.heading):  # never the title twice
            ax.set_title(panel.title, fontsize=10)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    fig.suptitle(scenario.heading, fontsize=12)
    fig.tight_layout()
    return fig


def _values(frame: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray | None:
    present = [c for c in columns if c in frame.columns]
    return frame[present].sum(axis=1).to_numpy() if present else None


def _timecourse(ax, panel: Panel, result: ScenarioResult) -> None:
    top = 1.0
    for k, label in enumerate(panel.runs):
        run = result.runs[label]
        frame = run.trajectory
        if panel.t_max is not None:
            frame = frame[frame[TIME] <= panel.t_max]
        for key in panel.series:
            name, colour, style, columns = SERIES[key]
            y = _values(frame, columns)
            if y is None:
                continue
            style = RUN_STYLES[k % len(RUN_STYLES)] if len(panel.runs) > 1 else style
            legend = f"{name} ({label})" if len(panel.runs) > 1 else name
            ax.plot(frame[TIME], np.maximum(y, Y_FLOOR / 10), style, color=colour, lw=1.6,
                    label=legend)
            top = max(top, float(np.nanmax(y)))
        if len(panel.runs) == 1:
            for day in (d for d in run.doses.values() if d is not None):
                ax.axvline(day, color=RED, lw=1.2)
    ax.set_yscale("log")
    ax.set_ylim(Y_FLOOR, top * 10)
    ax.set_xlabel("time (days)")
    ax.set_ylabel("cells")
    ax.legend(fontsize=6.5, loc="best", frameon=False)


def _expansion(ax, panel: Panel, result: ScenarioResult) -> None:
    """Figure 7A: the total CAR T count with its peak, time to peak and fold expansion."""
    run = result.runs[panel.runs[0]]
    frame = run.trajectory
    if panel.t_max is not None:
        frame = frame[frame[TIME] <= panel.t_max]
    total = _values(frame, SERIES["C"][3])
    s = run.summary
    ax.plot(frame[TIME], total, "-", color=ORANGE, lw=1.8, label="total CAR T")
    ax.plot([s.car_t_peak_day], [s.car_t_peak], "o", color=RED)
    ax.axhline(total[0], color=GREY, lw=0.8, ls="--")
    ax.annotate(f"t_peak = {s.car_t_peak_day:.1f} d\nlog10(C_peak/C_0) = {s.fold_expansion:.2f}",
                (s.car_t_peak_day, s.car_t_peak), textcoords="offset points", xytext=(8, -28),
                fontsize=8)
    ax.set_yscale("log")
    ax.set_xlabel("time (days)")
    ax.set_ylabel("cells")
    ax.legend(fontsize=7, frameon=False)


def _proportions(ax, panel: Panel, result: ScenarioResult) -> None:
    base = homeostasis()
    shares = [base / base.sum()]
    names = ["homeostasis"]
    for label in panel.runs:
        end = result.runs[label].trajectory.iloc[-1][list(B_CELLS)]
        shares.append(end / end.sum())
        names.append(f"after therapy (day {result.runs[label].trajectory[TIME].iloc[-1]:g})")
    x = np.arange(len(B_CELLS))
    width = 0.8 / len(shares)
    colours = [LIGHT_BLUE, BLUE, BROWN]
    for k, (share, name) in enumerate(zip(shares, names)):
        ax.bar(x + (k - (len(shares) - 1) / 2) * width, share.to_numpy(), width,
               color=colours[k % len(colours)], label=name)
    ax.set_xticks(x, ["pro-B", "pre-BI", "pre-BII", "immature"])
    ax.set_ylabel("share of B cells")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, frameon=False)


def _heatmap(ax, panel: Panel, result: ScenarioResult) -> None:
    grid = next(g for g in result.scenario.grids if g.name == panel.grid)
    xa, ya = grid.axes[0], grid.axes[1]
    marks = {}
    for label in panel.marks:
        spec = next(r for r in result.scenario.runs if r.label == label)
        marks[label] = (spec.parameters[xa.parameter], spec.parameters[ya.parameter])
    draw_heatmap(ax, result.grids[panel.grid], xa.parameter, ya.parameter, panel.value,
                 (xa.scale, ya.scale), marks)


def draw_heatmap(ax, table: pd.DataFrame, x: str, y: str, value: str,
                 scales: tuple[str, str] = ("log", "log"),
                 marks: dict[str, tuple[float, float]] | None = None) -> None:
    """log10 of ``value`` over the grid of ``x`` and ``y`` (grey, darker is more), with the
    one-cell contour in orange and labelled points ``marks`` (NR red, others blue)."""
    xs, ys = np.unique(table[x]), np.unique(table[y])
    z = (table.set_index([x, y])[value].unstack().reindex(index=xs, columns=ys)
         .to_numpy(dtype=float).T)
    logz = np.log10(np.maximum(z, 1e-12))
    mesh = ax.pcolormesh(xs, ys, logz, shading="nearest", cmap="Greys")
    plt.colorbar(mesh, ax=ax, label=f"log10 {value} (cells); orange: 1 cell")
    if len(xs) > 1 and len(ys) > 1 and np.nanmin(logz) < 0 < np.nanmax(logz):
        ax.contour(xs, ys, logz, levels=[0.0], colors=[ORANGE], linewidths=1.2)
    for label, (px, py) in (marks or {}).items():
        ax.plot(px, py, "o", color=RED if label.startswith("NR") else BLUE)
        span = (np.log10(xs[[0, -1]]) if scales[0] == "log" else xs[[0, -1]]).astype(float)
        at = math.log10(px) if scales[0] == "log" else px
        right = span[1] > span[0] and (at - span[0]) / (span[1] - span[0]) > 0.85
        ax.annotate(label, (px, py), textcoords="offset points", fontsize=8,
                    xytext=(-4, 4) if right else (4, 4), ha="right" if right else "left")
    ax.set_xscale("log" if scales[0] == "log" else "linear")
    ax.set_yscale("log" if scales[1] == "log" else "linear")
    ax.set_xlabel(x)
    ax.set_ylabel(y)


def _boxplot(ax, panel: Panel, result: ScenarioResult) -> None:
    from scipy.stats import ranksums

    table = result.grids[panel.grid]
    metric = panel.series[0]
    groups = [table.loc[table["responder"] == r, metric].dropna().to_numpy()
              for r in (True, False)]
    share = table["responder"].mean()
    ax.boxplot([g for g in groups], tick_labels=[f"R (n={len(groups[0])})",
                                                 f"NR (n={len(groups[1])})"],
               patch_artist=True, boxprops={"facecolor": LIGHT_BLUE})
    p = ranksums(*groups).pvalue if all(len(g) > 1 for g in groups) else math.nan
    ax.set_ylabel(metric)
    shown = "n/a" if math.isnan(p) else f"{p:.2g}"
    ax.set_xlabel(f"responders {100 * share:.0f}%, Wilcoxon rank-sum p = {shown}")


def _share(ax, panel: Panel, result: ScenarioResult) -> None:
    for k, label in enumerate(panel.runs):
        frame = result.runs[label].trajectory
        total = _values(frame, SERIES["C"][3])
        new = _values(frame, SERIES["C2"][3])
        with np.errstate(invalid="ignore", divide="ignore"):
            ax.plot(frame[TIME], np.where(total > 0, new / total, np.nan),
                    RUN_STYLES[k % len(RUN_STYLES)], color=BROWN, label=label)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("time (days)")
    ax.set_ylabel("share of CAR T cells")
    ax.legend(fontsize=7, frameon=False)


DRAW = {"timecourse": _timecourse, "expansion": _expansion, "proportions": _proportions,
        "heatmap": _heatmap,
        "boxplot": _boxplot, "share": _share}
