"""What users see in the figures (issue #24): symbols and words instead of code ids, Figure
8C's two products told apart, y axes that end near the lowest population of interest, a
sensitivity legend that hides no bar, CD19+ named where the extended models mean L, and
titles that do not start with the scenario's file name.

Asserted on the matplotlib objects (texts, limits, bounding boxes), not on pixels; every
scenario here is cut to a few runs so the file stays fast.
"""

from __future__ import annotations

import dataclasses
import re

import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import pycart
from pycart.analysis.plots import indices_figure
from pycart.core.names import MODELS, OBSERVABLES, PARAMETERS, SHARES
from pycart.experiments.figures import (
    drawn_series,
    figure_title,
    held_fixed,
    lowest_of_interest,
    scenario_figure,
    y_bottom,
)
from pycart.experiments.labels import fixed_item, fixed_text, run_label, words
from pycart.experiments.paper import SCENARIOS

#: Ids that are also plain English words, fine in a figure ("exhaustion on", "CD19 escape"),
#: and one-letter ids, which written plain are their symbol (L, h, k).
ENGLISH = {"exhaustion", "escape"}
#: Every parameter, dose, switch and species id a subtitle or a legend could show.
IDS = sorted(i for i in (set(PARAMETERS) | set(MODELS["cart_bm2_ext"])) - ENGLISH
             if len(i) > 1)
#: ... and the metrics a panel title names, the observables a fit's data name.
METRICS = ("fold_expansion", "t_peak", *OBSERVABLES["cart_bm2_ext"],
           *SHARES)


def raw_ids(text: str) -> list[str]:
    """The code ids ``text`` shows outside mathtext (where ``$h_2$`` is a symbol)."""
    plain = re.sub(r"\$[^$]*\$", " ", text)
    found = [i for i in (*IDS, *METRICS)
             if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w+-])", plain)]
    return found + re.findall(r"\w+_\w+", plain)


def _texts(figure) -> list[str]:
    out = [figure.get_suptitle()]
    for ax in figure.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    for legend in [*figure.legends, *(ax.get_legend() for ax in figure.axes)]:
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    return out


# ---- symbols and words everywhere -----------------------------------------------------------

@pytest.mark.parametrize("ident", sorted({*PARAMETERS, *MODELS["cart_bm2_ext"]}))
def test_every_id_a_subtitle_can_hold_reads_as_a_symbol_or_words(ident):
    for value in (0.0, 1.0, 5e8):
        text = fixed_item(ident, value)
        assert raw_ids(text) == [], text


def test_the_issue_s_subtitle_in_symbols_and_words():
    text = fixed_text({"alpha": 3e-10, "relapse_threshold": 1e8, "relapse_dose2": 5e8,
                       "rhoA2": 0.9, "escape": 1.0, "CA": 0.0})
    assert "relapse_dose2" not in text and "rhoA2" not in text and "escape" not in text
    assert "$5\\cdot10^{8}$ product 2 cells on relapse" in text
    assert "reinfusion when $L$ regrows to $10^{8}$ cells" in text
    assert "$\\rho_{A2}$ = 0.9" in text and "CD19- clone on" in text and "$C_A$(0) = 0" in text
    assert (fixed_item("exhaustion", 1), fixed_item("escape", 0)) == ("exhaustion on",
                                                                      "CD19- clone off")
    assert run_label("relapse_dose2=5e8") == "$5\\cdot10^{8}$ product 2 cells on relapse"
    assert run_label("low-burden-h=1e+10") == "low-burden-$h$ = $10^{10}$"


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_no_named_scenario_shows_a_code_id(name):
    """Every panel title and subtitle of every named scenario, and its figure title (built
    from the scenario alone: nothing is run)."""
    scenario = SCENARIOS[name]()
    title = figure_title(scenario)
    assert not title.startswith(name) and raw_ids(title) == [], title
    for panel in scenario.panels:
        for text in (words(panel.title), held_fixed(panel, scenario)):
            assert raw_ids(text) == [], text
        for label in panel.runs:
            assert raw_ids(run_label(label)) == [], label


def test_a_title_never_starts_with_the_file_name():
    scenario = pycart.paper_scenario("fig8")
    assert figure_title(scenario) == "A second infusion for the non-responding patients"
    assert figure_title(pycart.Scenario("my_run", "", "")) == "my_run"  # nothing else to say


# ---- Figure 8C: the two products ------------------------------------------------------------

@pytest.fixture(scope="module")
def fig8_nr1():
    """Figure 8's NR1 row A and row C only (one product, then the improved second)."""
    scenario = pycart.paper_scenario("fig8")
    runs = tuple(r for r in scenario.runs if r.label in ("NR1-A", "NR1-C"))
    panels = tuple(p for p in scenario.panels if p.title in ("A: NR1", "C: NR1"))
    scenario = dataclasses.replace(scenario, runs=runs, panels=panels, layout=(1, 2))
    result = pycart.run_scenario(scenario)
    figure = scenario_figure(result)
    figure.canvas.draw()  # every text renders as mathtext
    yield result, figure
    plt.close(figure)


def _legend_colours(figure, ax) -> dict[str, str]:
    legends = [ax.get_legend(), *figure.legends]
    out = {}
    for legend in (g for g in legends if g is not None):
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
            if text.get_text():
                out[text.get_text()] = matplotlib.colors.to_hex(handle.get_color())
    return out


def test_figure_8c_tells_the_two_products_apart(fig8_nr1):
    _, figure = fig8_nr1
    row_c = next(ax for ax in figure.axes if ax.get_title().startswith("C: NR1"))
    colours = _legend_colours(figure, row_c)
    products = {k: v for k, v in colours.items() if "product" in k}
    assert set(products) == {"activated CAR T, product 1", "activated CAR T, product 2",
                             "memory CAR T, product 1", "memory CAR T, product 2"}, colours
    assert products["activated CAR T, product 1"] != products["activated CAR T, product 2"]
    assert products["memory CAR T, product 1"] != products["memory CAR T, product 2"]
    row_a = next(ax for ax in figure.axes if ax.get_title().startswith("A: NR1"))
    assert not any("product" in t.get_text() for t in row_a.get_legend().get_texts())
    assert all(raw_ids(t) == [] for t in _texts(figure)), _texts(figure)
    assert figure.get_suptitle() == "A second infusion for the non-responding patients"


def test_the_y_axis_ends_near_the_lowest_population_of_interest(fig8_nr1):
    """Row A: nothing dies out; the axis ends within two decades of the lowest amount any
    series present at day 0 reaches (the B cells' trough), not at 1e-4. Row C: L dies out,
    so the axis ends at 0.1 cell, one decade below the one-cell response threshold."""
    result, figure = fig8_nr1
    for ax in figure.axes:
        label = "NR1-A" if ax.get_title().startswith("A:") else "NR1-C"
        frame = result.runs[label].trajectory
        present = (["CA"], ["L"], ["B0"], ["B1", "B2", "B3"])  # the series there at day 0
        low = max(min(float(frame[c].sum(axis=1).min()) for c in present), 1.0)
        bottom = ax.get_ylim()[0]
        assert low / 100 <= bottom < low, (label, bottom, low)
    assert figure.axes[1].get_ylim()[0] == pytest.approx(0.1)  # L of NR1-C dies out


def test_lowest_of_interest_skips_a_rise_from_nothing():
    t = np.linspace(0, 10, 101)
    rising = 1e8 * (1 - np.exp(-t))  # memory cells from 0: not a minimum of interest
    assert lowest_of_interest(rising) >= 1e6
    assert lowest_of_interest(np.zeros(5)) is None  # absent: ignored
    assert lowest_of_interest(np.array([1e11, 1e-20])) == 1.0  # dies out: one cell
    assert lowest_of_interest(np.array([0.0, 0.3])) == 1.0  # present below one cell
    assert lowest_of_interest(np.array([np.nan, np.nan])) is None
    assert y_bottom([2e4, None, 5e6]) == pytest.approx(1e3)
    assert y_bottom([1.0]) == pytest.approx(0.1)
    assert y_bottom([]) == pytest.approx(0.1)


# ---- the extended models: L is the CD19+ clone -----------------------------------------------

def test_extended_figures_name_l_cd19_positive():
    from pycart.experiments.beyond import ext_escape

    scenario = ext_escape()
    runs = tuple(r for r in scenario.runs if r.label == "R1-escape")
    scenario = dataclasses.replace(scenario, t_end=120.0, runs=runs, layout=(1, 1),
                                   panels=tuple(p for p in scenario.panels
                                                if p.runs == ("R1-escape",)))
    figure = scenario_figure(pycart.run_scenario(scenario))
    figure.canvas.draw()
    texts = _texts(figure)
    assert "leukaemic cells (CD19+)" in texts and "leukaemic cells (CD19-)" in texts
    assert "leukaemic cells" not in texts and "leukemic cells" not in texts
    assert "CD19- clone on" in figure.axes[0].get_title()
    assert not figure.get_suptitle().startswith("ext_escape")
    plt.close(figure)
    paper = drawn_series("L", MODELS["cart_bm"])
    assert paper[0][0] == "leukaemic cells"  # the paper's model has only the CD19+ clone


# ---- the sensitivity legend hides no bar -----------------------------------------------------

@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_the_sensitivity_legend_hides_no_bar(method):
    """Tall bars everywhere, the last ones highest (where a legend in the corner sat)."""
    n = 6
    high = np.linspace(0.5, 0.95, n)
    columns = ({"S1": high, "S1_conf": 0.03, "ST": high, "ST_conf": 0.03} if method == "sobol"
               else {"mu_star": high, "mu_star_conf": 0.03, "sigma": high})
    indices = pd.DataFrame({"parameter": ["alpha", "h", "rhoA", "tauA", "init_L", "gammaAM"],
                            **columns})
    figure = indices_figure(indices, method, "log10_L30")
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    bars = [p.get_window_extent(renderer) for p in ax.patches]
    bars += [line.get_window_extent(renderer) for line in ax.lines if len(line.get_xdata())]
    assert len(ax.patches) == 2 * n
    for bar in bars:
        assert not (legend.x0 < bar.x1 and bar.x0 < legend.x1 and legend.y0 < bar.y1
                    and bar.y0 < legend.y1), (legend, bar)
    assert legend.x0 >= ax.get_window_extent(renderer).x1  # beside the axes, not in them
    assert raw_ids(ax.get_title()) == [] and "L at day 30" in ax.get_title()
    assert [t.get_text() for t in ax.get_xticklabels()][4] == "$L$(0)"
    plt.close(figure)


# ---- fit figures: quantities and parameters by name and symbol -------------------------------

def test_fit_figures_name_quantities_and_parameters(monkeypatch, tmp_path):
    """The data-and-fit panels name the observable in words (CT: total CAR T), the profile
    panels the parameter by its symbol and unit (rhoA: rho_A, day^-1)."""
    from pycart.analysis import fitplots
    from pycart.analysis.calibrate import FitResult
    from pycart.analysis.data import check_measurements
    from pycart.analysis.fit import make_problem

    data = check_measurements(pd.DataFrame({
        "time": [1.0, 5.0, 10.0, 5.0], "observable": ["CT", "CT", "CT", "Lshare"],
        "value": [6e7, 3e9, 5e9, 0.5], "patient": "P1"}))
    problem = make_problem(data, ["h", "rhoA"], {}, patient="P1")
    estimates = pd.DataFrame({"patient": "P1", "parameter": ["h", "rhoA"],
                              "estimate": [1e9, 0.9]})
    profiles = pd.DataFrame({"patient": "P1", "parameter": ["h"] * 3 + ["rhoA"] * 3,
                             "value": [5e8, 1e9, 2e9, 0.5, 0.9, 1.5],
                             "chi2": [4.0, 0.0, 4.0, 5.0, 0.0, 5.0]})
    result = FitResult([problem], estimates, pd.DataFrame({"patient": "P1", "nll": [1.0, 2.0]}),
                       profiles, pd.DataFrame({"patient": ["P1"], "h": [1e9], "rhoA": [0.9]}))
    drawn = []
    monkeypatch.setattr(fitplots, "_save", lambda fig, path: drawn.append(fig))
    fitplots.fit_figure(result, tmp_path / "fit.png")
    fitplots.profile_figure(result, tmp_path / "profiles.png")
    fit, profile = drawn
    titles = [ax.get_title() for ax in fit.axes if ax.get_title()]
    assert titles == ["patient P1", "patient P1"]
    assert [ax.get_ylabel() for ax in fit.axes[:2]] == [
        "total CAR T (cells)", "leukaemic share of B-lineage cells (fraction)"]
    assert [ax.get_xlabel() for ax in profile.axes[:2]] == [
        "$h$ (cells)", "$\\rho_{A}$ (day$^{-1}$)"]
    for figure in drawn:
        figure.canvas.draw()
        assert all(raw_ids(t) == [] for t in _texts(figure)), _texts(figure)
        plt.close(figure)


def test_cohort_heatmap_title_says_what_it_shows_not_the_preset(tmp_path, monkeypatch):
    from pycart.cli.sweeps import _heatmap
    from pycart.experiments import figures
    from pycart.experiments.cohort import preset

    sweep = preset("fig6-h-rhoA")
    h, rho = np.meshgrid(np.logspace(8, 11, 3), np.linspace(0.4, 1, 3), indexing="ij")
    table = pd.DataFrame({"h": h.ravel(), "rhoA": rho.ravel(), "L30": np.logspace(-3, 9, 9)})
    drawn = []
    monkeypatch.setattr(figures, "save_figure", lambda fig, path, dpi: drawn.append(fig))
    _heatmap(table, sweep, tmp_path / "map.png", 72)
    title = drawn[0].axes[0].get_title()
    assert title.startswith("$\\log_{10}$ L30 over $h$ and $\\rho_{A}$"), title
    assert "fig6" not in title and raw_ids(title) == []
    drawn[0].canvas.draw()
    plt.close(drawn[0])
