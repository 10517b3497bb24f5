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

from ..core import columns as col
from ..core.errors import PycartError  # noqa: E402
from ..core.files import atomic_path  # noqa: E402
from ..core.homeostasis import homeostasis  # noqa: E402
from ..core.names import B_CELLS, TIME  # noqa: E402
from .labels import (  # noqa: E402,F401  (re-exported: the figures' label helpers)
    BLUE,
    BROWN,
    DEFAULT_DPI,
    DPI_RANGE,
    FIGURE_FORMATS,
    GREY,
    LIGHT_BLUE,
    LIGHT_GREY,
    ORANGE,
    PANEL_KINDS,
    RED,
    SERIES,
    axis_label,
    fixed_text,
    greek,
    math_number,
    run_label,
    symbol,
    words,
)
from .scenario import Panel, ScenarioResult  # noqa: E402

RUN_STYLES = ("-", "--", ":", "-.")
#: Axis labels of the metrics a figure plots.
METRIC_LABELS = {col.T_PEAK: "time to CAR T peak (days)",
                 col.FOLD_EXPANSION: "fold expansion $\\log_{10}(C_{peak}/C_0)$",
                 col.L30: "L at day 30 (cells)"}
#: Lowest amount the SED-ML plots of the exported archives show (cells); the figures here
#: choose theirs from the data (:func:`y_bottom`).
Y_FLOOR = 1e-4
#: Series that sum both products, drawn per product where a run has a second one (Figure
#: 8C): the original product orange, the second (improved) product brown, as in Figure S2.
BY_PRODUCT: dict[str, tuple[tuple[str, str, str, tuple[str, ...]], ...]] = {
    "CA": (("activated CAR T, product 1", ORANGE, "-", ("CA",)),
           ("activated CAR T, product 2", BROWN, "-", ("CA2",))),
    "CM": (("memory CAR T, product 1", ORANGE, ":", ("CM",)),
           ("memory CAR T, product 2", BROWN, ":", ("CM2",))),
    "C": (("total CAR T, product 1", ORANGE, "-", ("CA", "CM", "CE")),
          ("total CAR T, product 2", BROWN, "-", ("CA2", "CM2", "CE2"))),
}
#: The leukaemic series' names in the figures: in a model with the CD19-negative clone Ln,
#: L is named for the antigen it carries (the SED-ML curves keep SERIES' names).
LEUKAEMIA_LABELS = {"L": "leukaemic cells", "Ln": "leukaemic cells (CD19-)"}
EXTENDED_LEUKAEMIA_LABELS = {"L": "leukaemic cells (CD19+)", "Ln": "leukaemic cells (CD19-)"}
#: One cell: below it a population is extinct (a responder has L(30) < 1 cell), so the log
#: axes make room down to it and no further than needed to see a curve fall through it.
ONE_CELL = 1.0


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
    try:
        with atomic_path(out) as tmp:
            if kind == "svg":
                with matplotlib.rc_context({"svg.hashsalt": "pycart"}):
                    figure.savefig(tmp, dpi=dpi, format=kind, metadata=metadata)
            else:
                figure.savefig(tmp, dpi=dpi, format=kind, metadata=metadata)
    finally:
        plt.close(figure)
    return out


def scenario_figure(result: ScenarioResult) -> Figure:
    """The scenario's figure: one axes per panel, in the scenario's layout. Each panel's
    title carries the values it holds fixed; legends sit outside the axes, one shared legend
    for the figure where the panels would repeat it."""
    scenario = result.scenario
    n = len(scenario.panels)
    rows, cols = scenario.layout or (1, n)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.9 * rows), squeeze=False,
                             layout="constrained")
    legends: list[tuple[list, list] | None] = []
    # the layout may hold more axes than panels: the spare ones stay empty
    for ax, panel in zip(axes.ravel(), scenario.panels, strict=False):
        legends.append(DRAW[panel.kind](ax, panel, result))
        title = "" if panel.title in (scenario.name, scenario.heading) else words(panel.title)
        fixed = held_fixed(panel, scenario)
        if fixed:
            title = f"{title}\n{fixed}" if title else fixed
        ax.set_title(title, fontsize=9)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    _legends(fig, axes, legends + [None] * (rows * cols - n))
    fig.suptitle(figure_title(scenario), fontsize=12)
    return fig


def figure_title(scenario) -> str:
    """A figure's title: the scenario's title alone (the name is its files' name and says
    nothing the title does not), the name only where there is no title."""
    title = scenario.title.strip()
    return words(title) if title else scenario.name


def _legends(fig: Figure, axes: np.ndarray, legends: list) -> None:
    """Legends outside the axes, never over the curves: one below the figure when every
    panel would show the same entries; else one to the right of each row whose panels
    would repeat it; else each panel's below its axes."""
    rows, cols = axes.shape
    flat = list(axes.ravel())
    drawn = [(ax, entry) for ax, entry in zip(flat, legends, strict=False) if entry and entry[0]]
    if not drawn:
        return
    if len(drawn) > 1 and len({tuple(labels) for _, (_, labels) in drawn}) == 1:
        handles, labels = drawn[0][1]
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6),
                   fontsize=8, frameon=False)
        return
    for r in range(rows):
        row = [(ax, entry) for ax, entry in drawn if ax in list(axes[r])]
        if len(row) > 1 and len({tuple(labels) for _, (_, labels) in row}) == 1:
            handles, labels = row[0][1]
            row[-1][0].legend(handles, labels, loc="center left", bbox_to_anchor=(1.02, 0.5),
                              fontsize=7, frameon=False)
            continue
        for ax, (handles, labels) in row:
            ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.2),
                      ncols=2 if len(labels) > 3 or "" in labels else 1, fontsize=7,
                      frameon=False)


def held_fixed(panel: Panel, scenario) -> str:
    """The values a panel holds fixed, in mathtext: a heatmap's fixed parameters, or the
    values every run of a time course sets alike (wrapped to lines of ~60 characters)."""
    if panel.kind in ("heatmap", "boxplot"):
        grid = next((g for g in scenario.grids if g.name == panel.grid), None)
        values = dict(grid.base) if grid else {}
    else:
        specs = [r for r in scenario.runs if r.label in panel.runs]
        values = {}
        for key in ("parameters", "initial"):
            shared = [dict(getattr(r, key)) for r in specs]
            if shared:
                values |= {k: v for k, v in shared[0].items()
                           if all(k in other and other[k] == v for other in shared[1:])}
    return fixed_text(values)


def _values(frame: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray | None:
    present = [c for c in columns if c in frame.columns]
    return frame[present].sum(axis=1).to_numpy() if present else None


def _summed(frame: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """The sum of ``columns``, of which the panel's checks guarantee the run has one."""
    values = _values(frame, columns)
    if values is None:
        raise PycartError(f"the run has none of {', '.join(columns)}")
    return values


def _grid_table(panel: Panel, result: ScenarioResult) -> pd.DataFrame:
    """The table of the grid a heatmap or box plot draws (the scenario's checks require
    one)."""
    if panel.grid is None:
        raise PycartError(f"panel {panel.title!r} names no grid")
    return result.grids[panel.grid]


def drawn_series(key: str, columns) -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """What series ``key`` draws for a run whose trajectory has ``columns``: (label, colour,
    style, columns summed) for each product apart where the run has two, with the leukaemic
    cells named by CD19 where it has the CD19-negative clone."""
    if "CA2" in columns and key in BY_PRODUCT:
        return BY_PRODUCT[key]
    name, colour, style, summed = SERIES[key]
    labels = EXTENDED_LEUKAEMIA_LABELS if "Ln" in columns else LEUKAEMIA_LABELS
    if key == "Ln":  # a lighter grey: where line style tells the runs, L and Ln stay apart
        colour = LIGHT_GREY
    return ((labels.get(key, name), colour, style, summed),)


#: A population that starts below one cell (memory cells, the second product, the
#: CD19-negative clone) matters from the time it reaches this share of its largest amount.
ARRIVED = 0.01


def lowest_of_interest(y: np.ndarray) -> float | None:
    """The least amount of a series that matters, but at least one cell: over all times for
    a population present at day 0; for one that starts below one cell, from the time it
    reaches :data:`ARRIVED` of its largest amount (its rise from nothing is no minimum);
    None for a population absent throughout (0)."""
    y = np.asarray(y, dtype=float)
    y = y[np.isfinite(y)]
    if len(y) == 0 or y.max() <= 0:
        return None
    start = 0 if y[0] >= ONE_CELL else int(np.argmax(y >= ARRIVED * y.max()))
    return max(float(y[start:].min()), ONE_CELL)


def y_bottom(lows: list[float | None]) -> float:
    """The lower end of a log axis of cell counts: one decade below the decade of the lowest
    population of interest, so it shows with room and no empty decades below it; 0.1 cell
    where a population dies out, which puts the one-cell response threshold on the axis and
    shows the curve falling through it (curves leave the axis below)."""
    low = min((v for v in lows if v is not None), default=ONE_CELL)
    return 10.0 ** (math.floor(math.log10(low)) - 1)


def _timecourse(ax, panel: Panel, result: ScenarioResult) -> tuple[list, list]:
    """Series of the panel's runs against time: colour tells the series, line style the
    run (several runs); a red line at every dose of every run, in the run's line style."""
    from matplotlib.lines import Line2D

    several = len(panel.runs) > 1
    curves, shown, dosed = [], {}, False
    for k, label in enumerate(panel.runs):
        run = result.runs[label]
        frame = run.trajectory
        if panel.t_max is not None:
            frame = frame[frame[TIME] <= panel.t_max]
        run_style = RUN_STYLES[k % len(RUN_STYLES)]
        for key in panel.series:
            for name, colour, style, columns in drawn_series(key, frame.columns):
                y = _values(frame, columns)
                if y is None:
                    continue
                style = run_style if several else style
                curves.append((frame[TIME], y, style, colour))
                shown[name] = Line2D([], [], color=colour, ls="-" if several else style,
                                     lw=1.6)
        dosed |= _doses(ax, run, frame[TIME].iloc[-1], run_style if several else "-")
    _plot_counts(ax, curves)
    handles, labels = list(shown.values()), list(shown)
    if dosed:
        handles.append(Line2D([], [], color=RED, lw=1.2))
        labels.append("dose")
    if not several:
        return handles, labels
    runs = [Line2D([], [], color="black", lw=1.2, ls=RUN_STYLES[k % len(RUN_STYLES)])
            for k in range(len(panel.runs))]
    names = [run_label(label) for label in panel.runs]
    rows = max(len(handles), len(runs))  # two columns: the series, then the runs
    blank = Line2D([], [], alpha=0.0)
    return ([*handles, *[blank] * (rows - len(handles)), *runs, *[blank] * (rows - len(runs))],
            [*labels, *[""] * (rows - len(labels)), *names, *[""] * (rows - len(names))])


def _plot_counts(ax, curves: list) -> None:
    """Cell counts ``(time, values, style, colour)`` on a log axis from :func:`y_bottom` to a
    decade above the largest; values below the axis are drawn just under it, so a curve
    that dies out leaves through the bottom instead of stopping in mid-air."""
    bottom = y_bottom([lowest_of_interest(y) for _, y, _, _ in curves])
    top = max([ONE_CELL, *(float(np.nanmax(y)) for _, y, _, _ in curves
                           if np.isfinite(y).any())])
    for t, y, style, colour in curves:
        ax.plot(t, np.maximum(y, bottom / 10), style, color=colour, lw=1.6)
    ax.set_yscale("log")
    ax.set_ylim(bottom, top * 10)
    ax.set_xlabel("time (days)")
    ax.set_ylabel("cells")


def _expansion(ax, panel: Panel, result: ScenarioResult) -> tuple[list, list]:
    """Figure 7A: the total CAR T count with its peak, time to peak and fold expansion."""
    run = result.runs[panel.runs[0]]
    frame = run.trajectory
    if panel.t_max is not None:
        frame = frame[frame[TIME] <= panel.t_max]
    total = _summed(frame, SERIES["C"][3])
    s = run.summary
    ax.plot(frame[TIME], total, "-", color=ORANGE, lw=1.8, label="total CAR T")
    ax.plot([s.t_peak], [s.C_peak], "o", color=RED)
    ax.axhline(total[0], color=GREY, lw=0.8, ls="--")
    _doses(ax, run, frame[TIME].iloc[-1], "-")
    # a schedule's later doses join C_0 in the denominator (Summary.car_t_dose)
    base = "C_0" if s.car_t_dose in (None, float(total[0])) else "D"
    ax.annotate(f"$t_{{peak}}$ = {s.t_peak:.1f} d\n"
                f"$\\log_{{10}}(C_{{peak}}/{base})$ = {s.fold_expansion:.2f}",
                (s.t_peak, s.C_peak), textcoords="offset points", xytext=(8, -28),
                fontsize=8)
    ax.set_yscale("log")
    ax.set_xlabel("time (days)")
    ax.set_ylabel("cells")
    return ax.get_legend_handles_labels()


def _proportions(ax, panel: Panel, result: ScenarioResult) -> tuple[list, list]:
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
    for k, (share, name) in enumerate(zip(shares, names, strict=True)):
        ax.bar(x + (k - (len(shares) - 1) / 2) * width, share.to_numpy(), width,
               color=colours[k % len(colours)], label=name)
    ax.set_xticks(x, ["pro-B", "pre-BI", "pre-BII", "immature"])
    ax.set_ylabel("share of B cells")
    ax.set_ylim(0, 1)
    return ax.get_legend_handles_labels()


def _heatmap(ax, panel: Panel, result: ScenarioResult) -> None:
    grid = next(g for g in result.scenario.grids if g.name == panel.grid)
    xa, ya = grid.axes[0], grid.axes[1]
    marks = {}
    for label in panel.marks:
        spec = next(r for r in result.scenario.runs if r.label == label)
        marks[label] = (spec.parameters[xa.parameter], spec.parameters[ya.parameter])
    draw_heatmap(ax, _grid_table(panel, result), xa.parameter, ya.parameter, panel.value,
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
    plt.colorbar(mesh, ax=ax, label=f"$\\log_{{10}}$ {value} (cells); orange: 1 cell")
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
    ax.set_xlabel(axis_label(x))
    ax.set_ylabel(axis_label(y))


def _boxplot(ax, panel: Panel, result: ScenarioResult) -> None:
    from scipy.stats import ranksums

    table = _grid_table(panel, result)
    metric = panel.series[0]
    groups = [table.loc[table[col.RESPONDER] == r, metric].dropna().to_numpy()
              for r in (True, False)]
    share = table[col.RESPONDER].mean()
    names = [f"R (n={len(groups[0])})", f"NR (n={len(groups[1])})"]
    shown = [k for k, g in enumerate(groups) if len(g)]  # a group may be empty: no box
    if shown:
        ax.boxplot([groups[k] for k in shown], positions=[k + 1 for k in shown],
                   patch_artist=True, boxprops={"facecolor": LIGHT_BLUE})
    ax.set_xticks([1, 2], names)
    ax.set_xlim(0.5, 2.5)
    p = ranksums(*groups).pvalue if all(len(g) > 1 for g in groups) else math.nan
    ax.set_ylabel(METRIC_LABELS.get(metric, metric))
    p_text = "n/a" if math.isnan(p) else f"{p:.2g}"
    ax.set_xlabel(f"responders {100 * share:.0f}%, Wilcoxon rank-sum p = {p_text}")


def _share(ax, panel: Panel, result: ScenarioResult) -> tuple[list, list]:
    for k, label in enumerate(panel.runs):
        frame = result.runs[label].trajectory
        total = _summed(frame, SERIES["C"][3])
        new = _summed(frame, SERIES["C2"][3])
        with np.errstate(invalid="ignore", divide="ignore"):
            ax.plot(frame[TIME], np.where(total > 0, new / total, np.nan),
                    RUN_STYLES[k % len(RUN_STYLES)], color=BROWN, label=run_label(label))
        _doses(ax, result.runs[label], frame[TIME].iloc[-1], RUN_STYLES[k % len(RUN_STYLES)])
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("time (days)")
    ax.set_ylabel("share of CAR T cells")
    return ax.get_legend_handles_labels()


def _doses(ax, run, end: float, style: str) -> bool:
    """A red line at each dose ``run`` was given up to day ``end``; whether there was one."""
    days = [d for d in run.doses.values() if d is not None and d <= end]
    for day in days:
        ax.axvline(day, color=RED, lw=1.2, ls=style)
    return bool(days)


DRAW = dict(zip(PANEL_KINDS, (_timecourse, _expansion, _proportions, _heatmap, _boxplot,
                              _share), strict=True))
