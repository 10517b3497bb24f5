"""Plots of result tables and sensitivity indices, in the paper's conventions: log axes where
a range is logarithmic, leukaemia grey, CAR T orange, B cells blue, Greek symbols."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ..core import columns as col
from ..core.errors import PycartError  # noqa: E402
from ..experiments.figures import (  # noqa: E402
    BLUE,
    GREY,
    METRIC_LABELS,
    ORANGE,
    RED,
    axis_label,
    draw_heatmap,
    symbol,
)
from .summary import finished  # noqa: E402

#: log10 colours take cell counts below this as this.
LOG_FLOOR = 1e-12

#: Labels of the outputs the figures module does not label.
_OUTPUT_LABELS = {col.C_PEAK: "CAR T peak $C_{peak}$ (cells)",
                  col.RESPONDER: "responder (L30 < 1 cell)", col.L_END: "L at the end (cells)"}


def label(name: str) -> str:
    """A column as an axis label: parameters and initial amounts (``init_L``) by their
    symbols and units (:func:`pycart.experiments.figures.axis_label`), outputs by name."""
    if name in METRIC_LABELS or name in _OUTPUT_LABELS:
        return METRIC_LABELS.get(name) or _OUTPUT_LABELS[name]
    if name.startswith("init_"):
        return axis_label(name[len("init_"):])
    if name.startswith("log10_") and "@" not in name:  # log10_L30, log10_C_peak
        return f"$\\log_{{10}}$ {label(name[len('log10_'):])}"
    day = re.match(r"^(log10_)?(\w+)@(\S+)$", name)
    if day:
        text = f"{symbol(day.group(2))} at day {day.group(3)} (cells)"
        return f"$\\log_{{10}}$ {text}" if day.group(1) else text
    return axis_label(name)


def short_label(name: str) -> str:
    """A factor's symbol alone (bar chart ticks): ``init_L`` as L(0)."""
    if name.startswith("init_"):
        return f"{symbol(name[len('init_'):])}(0)"
    return symbol(name)


def _is_count(name: str) -> bool:
    return name in (col.L30, col.C_PEAK, col.L_END) or "@" in name


def colour_map(name: str) -> str:
    """The colour map of an output: leukaemia greys, CAR T oranges, B cells blues."""
    base = name.split("@")[0]
    if base in (col.L30, "L", col.L_END):
        return "Greys"
    if base in (col.C_PEAK, col.T_PEAK, col.FOLD_EXPANSION) or \
            base.startswith(("CA", "CM")):
        return "Oranges"
    if base in ("B0", "B1", "B2", "B3"):
        return "Blues"
    return "viridis"


def axis_scale(values: pd.Series, grid: bool) -> str:
    """"log" where a range is logarithmic: geometric steps on a grid, or positive values
    over more than a factor of 20 in a sample; "linear" otherwise."""
    v = np.unique(values.dropna().to_numpy(dtype=float))
    if len(v) < 2 or v[0] <= 0:
        return "linear"
    if grid and len(v) > 2:
        ratios = v[1:] / v[:-1]
        steps = np.diff(v)
        geometric = np.allclose(ratios, ratios[0], rtol=1e-6)
        return "log" if geometric and not np.allclose(steps, steps[0], rtol=1e-6) else "linear"
    return "log" if v[-1] / v[0] >= 20 else "linear"


def is_grid(table: pd.DataFrame, x: str, y: str) -> bool:
    """Whether (x, y) form a full grid: every combination of their values present."""
    nx, ny = table[x].nunique(), table[y].nunique()
    if nx < 2 or ny < 2 or nx * ny > len(table):
        return False
    return table.groupby([x, y]).ngroups == nx * ny


def plot_table(table: pd.DataFrame, x: str, y: str, colour: str | None = None,
               scales: tuple[str | None, str | None] = (None, None),
               note: Callable[[str], None] | None = None) -> Figure:
    """A heatmap of ``colour`` over (x, y) where they form a grid (the median where several
    points share a cell), a scatter coloured by ``colour`` otherwise. Points with an
    infinite value in these columns are left out, and ``note`` is told how many."""
    for name in (x, y, colour):
        if name is not None and name not in table.columns:
            raise PycartError(f"{name!r} is not a column of the table (allowed: "
                              f"{', '.join(map(str, table.columns))})")
    ok = finished(table).dropna(subset=[c for c in (x, y, colour) if c])
    if ok.empty:
        raise PycartError("no finished point has values in these columns")
    for name in (x, y, colour):
        if name is not None and ok[name].dtype == object and ok[name].map(
                lambda v: isinstance(v, (bool, np.bool_))).all():
            ok = ok.assign(**{name: ok[name].astype(bool)})  # a CSV with failed points
        if name is not None and not (pd.api.types.is_numeric_dtype(ok[name])
                                     or pd.api.types.is_bool_dtype(ok[name])):
            raise PycartError(f"column {name!r} is not numeric (allowed: a numeric column)")
    ok = _finite(ok, [c for c in dict.fromkeys((x, y, colour)) if c], note)
    grid = is_grid(ok, x, y)
    sx, sy = (s or axis_scale(ok[c], grid) for s, c in zip(scales, (x, y), strict=True))
    fig, ax = plt.subplots(figsize=(5.6, 4.4), layout="constrained")
    if grid and colour is not None:
        _heatmap(fig, ax, ok, x, y, colour, (sx, sy))
    else:
        _scatter(fig, ax, ok, x, y, colour)
    ax.set_xscale(sx)
    ax.set_yscale(sy)
    ax.set_xlabel(label(x))
    ax.set_ylabel(label(y))
    return fig


def _finite(table: pd.DataFrame, columns: list[str],
            note: Callable[[str], None] | None) -> pd.DataFrame:
    """The rows whose values in ``columns`` are finite: a point at infinity has no place on
    an axis or a colour scale (matplotlib refuses it in a heatmap's axes)."""
    numeric = [c for c in columns if not pd.api.types.is_bool_dtype(table[c])]
    infinite = ~np.isfinite(table[numeric].to_numpy(dtype=float)).all(axis=1) if numeric \
        else np.zeros(len(table), dtype=bool)
    if not infinite.any():
        return table
    if infinite.all():
        raise PycartError(f"every finished point has an infinite {' or '.join(columns)} "
                          "(allowed: finite values to plot)")
    which = [c for c in numeric if not np.isfinite(table[c].to_numpy(dtype=float)).all()]
    if note is not None:
        note(f"left out {int(infinite.sum())} of {len(table)} points whose "
             f"{' or '.join(which)} is infinite")
    return table[~infinite]


def _heatmap(fig: Figure, ax, table: pd.DataFrame, x: str, y: str, colour: str,
             scales: tuple[str, str]) -> None:
    cells = table.groupby([x, y])[colour]
    per_cell = cells.size().max()
    agg = cells.mean() if pd.api.types.is_bool_dtype(table[colour]) else cells.median()
    merged = agg.rename(colour).reset_index()
    if colour in (col.L30,) or colour.startswith("L@"):
        draw_heatmap(ax, merged, x, y, colour, scales)
        ax.set_title(_per_cell(per_cell, "median"), fontsize=9)
        return
    xs, ys = np.unique(merged[x]), np.unique(merged[y])
    z = merged.set_index([x, y])[colour].unstack().reindex(index=xs, columns=ys).to_numpy(float).T
    text = label(colour)
    if pd.api.types.is_bool_dtype(table[colour]):
        text, cmap = ("share of responders" if colour == col.RESPONDER
                      else f"share of {colour}"), "Blues"
    elif _is_count(colour):
        z, text, cmap = np.log10(np.maximum(z, LOG_FLOOR)), f"log10 {text}", colour_map(colour)
    else:
        cmap = colour_map(colour)
    mesh = ax.pcolormesh(xs, ys, z, shading="nearest", cmap=cmap)
    fig.colorbar(mesh, ax=ax, label=text)
    ax.set_title(_per_cell(per_cell, "mean" if "share" in text else "median"), fontsize=9)


def _per_cell(n: int, statistic: str) -> str:
    return f"{statistic} of the {n} points in each cell" if n > 1 else ""


def _scatter(fig: Figure, ax, table: pd.DataFrame, x: str, y: str, colour: str | None) -> None:
    size = max(2.0, min(20.0, 600 / math.sqrt(len(table))))
    if colour is None:
        ax.scatter(table[x], table[y], s=size, color=GREY, lw=0)
    elif pd.api.types.is_bool_dtype(table[colour]) or colour == col.RESPONDER:
        flag = table[colour].astype(bool)
        names = ("R", "NR") if colour == col.RESPONDER else ("true", "false")
        drawn = []
        for value, name, c in ((False, names[1], RED), (True, names[0], BLUE)):  # R on top
            part = table[flag == value]
            drawn.append(ax.scatter(part[x], part[y], s=size, color=c, lw=0,
                                    label=f"{name} ({len(part)})"))
        ax.legend(handles=drawn[::-1], loc="best", fontsize=8, framealpha=0.8)
    else:
        z = table[colour].to_numpy(dtype=float)
        text = label(colour)
        if _is_count(colour):
            z, text = np.log10(np.maximum(z, LOG_FLOOR)), f"log10 {text}"
        points = ax.scatter(table[x], table[y], c=z, s=size, cmap=colour_map(colour),
                            edgecolors="0.55", linewidths=0.3)
        fig.colorbar(points, ax=ax, label=text)


def indices_figure(indices: pd.DataFrame, method: str, output: str) -> Figure:
    """Bars of the indices with their confidence intervals: first-order S1 and total ST
    (Sobol'), or mu* and sigma (Morris)."""
    names = [short_label(str(p)) for p in indices["parameter"]]
    what = re.sub(r" \((cells|days)\)$", "", label(output))  # the output in words, no unit
    at = np.arange(len(indices))
    fig, ax = plt.subplots(figsize=(1.2 * len(indices) + 2.8, 3.8), layout="constrained")
    if method == "sobol":
        pairs = (("S1", "first order $S_1$", ORANGE), ("ST", "total $S_T$", GREY))
        ax.set_ylabel("Sobol' index")
    else:
        pairs = (("mu_star", r"$\mu^*$", ORANGE), ("sigma", r"$\sigma$", GREY))
        ax.set_ylabel(f"elementary effect on {what} per range")
    for k, (column, text, c) in enumerate(pairs):
        conf = indices.get(f"{column}_conf")
        ax.bar(at + (k - 0.5) * 0.38, indices[column], 0.38, color=c, label=text,
               yerr=None if conf is None else conf, capsize=3, ecolor="black")
    ax.axhline(0.0, color="black", lw=0.6)
    ax.set_xticks(at, names)
    ax.set_title(f"{'Sobol' if method == 'sobol' else 'Morris'} sensitivity of {what}\n"
                 "(bars: 95% confidence)", fontsize=10)
    # beside the axes, not in them: wherever it sits inside, some ranking puts a bar there
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
