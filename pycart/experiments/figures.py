"""Figures laid out like the paper's: log axes, B cells blue, leukaemia grey, CAR T orange."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ..core.errors import PycartError  # noqa: E402
from ..core.files import atomic_path  # noqa: E402
from ..core.homeostasis import homeostasis  # noqa: E402
from ..core.names import B_CELLS, TIME  # noqa: E402
from .scenario import Panel, ScenarioResult  # noqa: E402

BLUE, GREY, ORANGE, BROWN, RED = "#1f5fa8", "#6e6e6e", "#f28e1c", "#8c3b0c", "#d62728"
LIGHT_BLUE = "#9ecae1"

#: How each series is drawn: (label, colour, line style, columns summed).
SERIES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "L": ("leukemic cells", GREY, "-", ("L",)),
    "C": ("total CAR T", ORANGE, "-", ("CA", "CM", "CA2", "CM2", "CE", "CE2")),
    "CA": ("activated CAR T", ORANGE, "-", ("CA", "CA2")),
    "CM": ("memory CAR T", ORANGE, ":", ("CM", "CM2")),
    "C1": ("original product", ORANGE, "-", ("CA", "CM")),
    "C2": ("new product", BROWN, "-", ("CA2", "CM2")),
    "B0": ("pro-B (CD19-)", BLUE, "-", ("B0",)),
    "B1": ("pre-BI", BLUE, "--", ("B1",)),
    "B2": ("pre-BII", BLUE, "-.", ("B2",)),
    "B3": ("immature B", BLUE, ":", ("B3",)),
    "B+": ("CD19+ B cells", BLUE, ":", ("B1", "B2", "B3")),
    "CE": ("exhausted CAR T", BROWN, "--", ("CE",)),
    "Ln": ("CD19- leukemic cells", GREY, "--", ("Ln",)),
}
RUN_STYLES = ("-", "--", ":", "-.")
#: Axis labels of the metrics a figure plots.
METRIC_LABELS = {"car_t_peak_day": "time to CAR T peak (days)",
                 "t_peak": "time to CAR T peak (days)",
                 "fold_expansion": "fold expansion $\\log_{10}(C_{peak}/C_0)$",
                 "L30": "L at day 30 (cells)"}
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
    for ax, panel in zip(axes.ravel(), scenario.panels):
        legends.append(DRAW[panel.kind](ax, panel, result))
        title = "" if panel.title in (scenario.name, scenario.heading) else greek(panel.title)
        fixed = held_fixed(panel, scenario)
        if fixed:
            title = f"{title}\n{fixed}" if title else fixed
        ax.set_title(title, fontsize=9)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    _legends(fig, axes, legends + [None] * (rows * cols - n))
    heading = scenario.heading  # the name as it is; the title with its Greek letters
    fig.suptitle(heading if heading == scenario.name else
                 f"{scenario.name}: {greek(heading[len(scenario.name) + 2:])}", fontsize=12)
    return fig


def _legends(fig: Figure, axes: np.ndarray, legends: list) -> None:
    """Legends outside the axes, never over the curves: one below the figure when every
    panel would show the same entries; else one to the right of each row whose panels
    would repeat it; else each panel's below its axes."""
    rows, cols = axes.shape
    flat = list(axes.ravel())
    drawn = [(ax, entry) for ax, entry in zip(flat, legends) if entry and entry[0]]
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


def fixed_text(values) -> str:
    """``id = value`` pairs in mathtext, wrapped to lines of about 45 visible characters."""
    items = [f"{symbol(k)} = {math_number(v)}" for k, v in values.items()]
    lines, line = [], ""
    for item in items:
        plain = len(re.sub(r"[${}\\^_]|cdot|alpha|rho|gamma|tau", "", line))
        if line and plain > 45:
            lines.append(line)
            line = item
        else:
            line = f"{line}, {item}" if line else item
    return "\n".join([*lines, line]) if line else ""


#: Parameter ids whose first letters are a Greek letter in the paper.
_GREEK = re.compile(r"(?<![A-Za-z\\$])(alpha|rho|gamma|tau)(?:_?([A-Z0-9][A-Za-z0-9]*))?"
                    r"(?![a-z])")


def greek(text: str) -> str:
    """``text`` with the paper's Greek parameter names in mathtext: ``alpha`` as α,
    ``rhoA`` and ``rho_A`` as ρ_A, ``gammaAM`` as γ_AM, ``tauM`` as τ_M."""
    def sub(match: re.Match) -> str:
        letter, index = match.group(1), match.group(2)
        return f"$\\{letter}_{{{index}}}$" if index else f"$\\{letter}$"

    text = _GREEK.sub(sub, text)
    text = re.sub(r"(?<![\w$])log10(?![\w$])", r"$\\log_{10}$", text)
    return re.sub(r"(?<![\w$\\])h(2?)(?![\w$])",
                  lambda m: f"$h_{m.group(1)}$" if m.group(1) else "$h$", text)


def run_label(label: str) -> str:
    """A run's label for a legend: Greek names, and numbers after ``=`` in mathtext
    (``alpha=3e-09`` as α = 3·10⁻⁹)."""
    def number(match: re.Match) -> str:
        return f" = {math_number(float(match.group(1)))}"

    return greek(re.sub(r"=([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)(?![\w.])", number, label))


def symbol(name: str) -> str:
    """A parameter or species id as a symbol: Greek letters and ``h`` in mathtext."""
    if name in ("h", "h2", "k"):
        return f"${name[0]}_{name[1]}$" if len(name) > 1 else f"${name}$"
    return greek(name)


_UNITS = {"1/day": "day$^{-1}$", "1/(cell*day)": "cell$^{-1}$ day$^{-1}$", "cell": "cells",
          "1/cell": "cell$^{-1}$", "day": "days", "dimensionless": ""}


def axis_label(name: str) -> str:
    """An axis label for a parameter or initial amount: its symbol and unit."""
    from ..core.names import MODELS, PARAMETERS

    if name in PARAMETERS:
        unit = _UNITS.get(PARAMETERS[name].unit, PARAMETERS[name].unit)
    elif name in MODELS["cart_bm2"]:
        unit = "cells at day 0"
    else:
        return greek(name)
    return f"{symbol(name)} ({unit})" if unit else symbol(name)


def math_number(value: float) -> str:
    """``value`` in mathtext: ``3e-10`` as 3·10⁻¹⁰, ``1e9`` as 10⁹, ``0.55`` as is."""
    value = float(value)
    if value == 0 or 1e-2 <= abs(value) < 1e4:
        return f"{value:g}"
    mantissa, exponent = f"{value:.3g}".split("e") if "e" in f"{value:.3g}" else (
        f"{value:.3g}", "0")
    power = f"10^{{{int(exponent)}}}"
    return f"${power}$" if mantissa == "1" else f"${mantissa}\\cdot{power}$"


def _values(frame: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray | None:
    present = [c for c in columns if c in frame.columns]
    return frame[present].sum(axis=1).to_numpy() if present else None


def _timecourse(ax, panel: Panel, result: ScenarioResult) -> tuple[list, list]:
    """Series of the panel's runs against time: colour tells the series, line style the
    run (several runs); a red line at every dose of every run, in the run's line style."""
    from matplotlib.lines import Line2D

    several = len(panel.runs) > 1
    top, shown, dosed = 1.0, {}, False
    for k, label in enumerate(panel.runs):
        run = result.runs[label]
        frame = run.trajectory
        if panel.t_max is not None:
            frame = frame[frame[TIME] <= panel.t_max]
        run_style = RUN_STYLES[k % len(RUN_STYLES)]
        for key in panel.series:
            name, colour, style, columns = SERIES[key]
            y = _values(frame, columns)
            if y is None:
                continue
            style = run_style if several else style
            ax.plot(frame[TIME], np.maximum(y, Y_FLOOR / 10), style, color=colour, lw=1.6)
            shown[name] = Line2D([], [], color=colour, ls="-" if several else style, lw=1.6)
            top = max(top, float(np.nanmax(y)))
        dosed |= _doses(ax, run, frame[TIME].iloc[-1], run_style if several else "-")
    ax.set_yscale("log")
    ax.set_ylim(Y_FLOOR, top * 10)
    ax.set_xlabel("time (days)")
    ax.set_ylabel("cells")
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


def _expansion(ax, panel: Panel, result: ScenarioResult) -> tuple[list, list]:
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
    _doses(ax, run, frame[TIME].iloc[-1], "-")
    ax.annotate(f"$t_{{peak}}$ = {s.car_t_peak_day:.1f} d\n"
                f"$\\log_{{10}}(C_{{peak}}/C_0)$ = {s.fold_expansion:.2f}",
                (s.car_t_peak_day, s.car_t_peak), textcoords="offset points", xytext=(8, -28),
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
    for k, (share, name) in enumerate(zip(shares, names)):
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

    table = result.grids[panel.grid]
    metric = panel.series[0]
    groups = [table.loc[table["responder"] == r, metric].dropna().to_numpy()
              for r in (True, False)]
    share = table["responder"].mean()
    names = [f"R (n={len(groups[0])})", f"NR (n={len(groups[1])})"]
    shown = [k for k, g in enumerate(groups) if len(g)]  # a group may be empty: no box
    if shown:
        ax.boxplot([groups[k] for k in shown], positions=[k + 1 for k in shown],
                   patch_artist=True, boxprops={"facecolor": LIGHT_BLUE})
    ax.set_xticks([1, 2], names)
    ax.set_xlim(0.5, 2.5)
    p = ranksums(*groups).pvalue if all(len(g) > 1 for g in groups) else math.nan
    ax.set_ylabel(METRIC_LABELS.get(metric, metric))
    shown = "n/a" if math.isnan(p) else f"{p:.2g}"
    ax.set_xlabel(f"responders {100 * share:.0f}%, Wilcoxon rank-sum p = {shown}")


def _share(ax, panel: Panel, result: ScenarioResult) -> tuple[list, list]:
    for k, label in enumerate(panel.runs):
        frame = result.runs[label].trajectory
        total = _values(frame, SERIES["C"][3])
        new = _values(frame, SERIES["C2"][3])
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


DRAW = {"timecourse": _timecourse, "expansion": _expansion, "proportions": _proportions,
        "heatmap": _heatmap,
        "boxplot": _boxplot, "share": _share}
