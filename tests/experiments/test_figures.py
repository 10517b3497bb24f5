"""Publication figures: formats and resolution on every command that draws, and what the
figures show (doses, legends, titles, Greek symbols)."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import pycart
from pycart.cli import main
from pycart.experiments.figures import (
    RED,
    greek,
    math_number,
    run_label,
    scenario_figure,
)

SMALL = """\
name = "small"
t_end = 40

[[runs]]
label = "one"
parameters = { reinf_day = 20, reinf_dose = 5e8 }
"""


@pytest.fixture
def small(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "small.toml").write_text(SMALL)
    return tmp_path


@pytest.mark.parametrize("kind, magic", [("png", b"\x89PNG"), ("svg", b"<?xml"),
                                         ("pdf", b"%PDF")])
def test_run_writes_the_figure_in_the_format_asked(small, kind, magic):
    assert main(["run", "small.toml", "--out", "out", "--format", kind, "--dpi", "72"]) == 0
    figure = small / "out" / f"small.{kind}"
    assert figure.read_bytes().startswith(magic)
    assert not list((small / "out").glob(".*part"))


def test_dpi_sets_the_png_size(small):
    from PIL import Image

    sizes = []
    for dpi in ("50", "100"):
        assert main(["run", "small.toml", "--out", dpi, "--dpi", dpi]) == 0
        with Image.open(small / dpi / "small.png") as image:
            sizes.append(image.size)
    assert sizes[1][0] == pytest.approx(2 * sizes[0][0], abs=2)


@pytest.mark.parametrize("args, message", [
    (["--dpi", "abc"], "--dpi 'abc' is not a whole number"),
    (["--dpi", "0"], "--dpi 0 is out of range"),
    (["--dpi", "100000"], "out of range"),
    (["--format", "gif"], "invalid choice: 'gif'"),
])
def test_bad_figure_options_are_one_line_before_any_work(small, capsys, args, message):
    with pytest.raises(SystemExit) if "--format" in args else _nothing():
        code = main(["run", "small.toml", "--out", "out", *args])
        assert code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (small / "out").exists()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("command", [["run"], ["cohort"]])
def test_drawing_commands_document_the_figure_options(command, capsys):
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert "--format {png,svg,pdf}" in out and "--dpi N" in out


# ---- what the figures show ------------------------------------------------------------------

@pytest.fixture(scope="module")
def fig5():
    result = pycart.run_scenario(pycart.paper_scenario("fig5"))
    figure = scenario_figure(result)
    figure.canvas.draw()
    yield result, figure
    plt.close(figure)


def _dose_lines(ax) -> list[tuple[float, str]]:
    out = []
    for line in ax.get_lines():
        x = np.asarray(line.get_xdata(), dtype=float)
        if len(x) == 2 and x[0] == x[1] and matplotlib.colors.same_color(line.get_color(), RED):
            out.append((float(x[0]), line.get_linestyle()))
    return out


def _overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _no_legend_over_any_axes(figure) -> None:
    renderer = figure.canvas.get_renderer()
    legends = [*figure.legends, *(ax.get_legend() for ax in figure.axes if ax.get_legend())]
    assert legends
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in figure.axes:
            if ax.get_visible():
                assert not _overlaps(box, ax.get_window_extent(renderer)), ax.get_title()


def test_a_red_line_at_every_dose_of_every_run_multi_run_panels_included(tmp_path):
    """Two runs dosed on different days in one panel: a red line at each, in each run's line
    style; a single-run panel: a solid red line at each of its two doses."""
    (tmp_path / "d.toml").write_text(
        'name = "d"\nt_end = 60\n[[runs]]\nlabel = "early"\n'
        'parameters = { reinf_day = 12, reinf_dose = 5e8, relapse_threshold = 1e8, '
        'relapse_dose = 5e8, relapse_fallback_day = 40, h = 1e10, rhoA = 0.6 }\n'
        'initial = { L = 1e11 }\n[[runs]]\nlabel = "late"\n'
        'parameters = { reinf_day = 25, reinf_dose = 5e8 }\n'
        '[[panels]]\ntitle = "both"\nruns = ["early", "late"]\n'
        '[[panels]]\ntitle = "early only"\nruns = ["early"]\n')
    result = pycart.run_scenario(pycart.load_scenario(tmp_path / "d.toml"))
    early = result.runs["early"].doses
    days = sorted(d for d in early.values() if d is not None)
    assert days[0] == 12.0 and 30 < days[1] < 40
    figure = scenario_figure(result)
    both, alone = figure.axes[:2]
    assert sorted(_dose_lines(both)) == sorted([(days[0], "-"), (days[1], "-"), (25.0, "--")])
    assert sorted(_dose_lines(alone)) == [(days[0], "-"), (days[1], "-")]
    plt.close(figure)


def test_legends_never_cover_the_curves(fig5):
    _, figure = fig5
    _no_legend_over_any_axes(figure)


def test_one_shared_legend_where_panels_repeat_it():
    result = pycart.run_scenario(pycart.paper_scenario("fig6"), resolution=3)
    figure = scenario_figure(result)
    figure.canvas.draw()
    assert len(figure.legends) == 1  # the six patients' panels share one
    assert not any(ax.get_legend() for ax in figure.axes)
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels == ["activated CAR T", "memory CAR T", "leukaemic cells", "pro-B (CD19-)",
                      "CD19+ B cells"]
    _no_legend_over_any_axes(figure)
    heatmap = figure.axes[0]
    assert heatmap.get_xlabel() == r"$\alpha$ (cell$^{-1}$ day$^{-1}$)"
    assert heatmap.get_ylabel() == "$h$ (cells)"
    assert heatmap.get_title() == "A: $\\log_{10}$ L30 over $\\alpha$-$h$\n$\\rho_{A}$ = 0.9"
    patient = next(ax for ax in figure.axes if ax.get_title().startswith("B: NR1"))
    assert patient.get_title() == ("B: NR1\n$\\alpha$ = $3\\cdot10^{-10}$, $h$ = $10^{10}$, "
                                   "$\\rho_{A}$ = 0.55")
    plt.close(figure)


def test_titles_are_greek_and_carry_the_values_held_fixed(fig5):
    _, figure = fig5
    titles = [ax.get_title() for ax in figure.axes[:3]]
    assert titles[0] == "A: killing capacity $\\alpha$\n$h$ = $5\\cdot10^{8}$"
    assert titles[1] == "B: activation threshold $h$\n$\\alpha$ = $3\\cdot10^{-10}$"
    assert titles[2].startswith("C: proliferation rate $\\rho_{A}$\n")
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert "$\\alpha$ = $3\\cdot10^{-9}$" in legend and "leukaemic cells" in legend


def test_no_doubled_title_when_a_toml_scenario_has_none(tmp_path):
    (tmp_path / "u.toml").write_text('name = "untitled"\nt_end = 20\n[[runs]]\nlabel = "a"\n')
    scenario = pycart.load_scenario(tmp_path / "u.toml")
    figure = scenario_figure(pycart.run_scenario(scenario))
    assert figure.get_suptitle() == "untitled"
    assert figure.axes[0].get_title() == ""
    plt.close(figure)
    assert pycart.Scenario("x", "x", "").heading == "x"
    assert pycart.Scenario("x", "a title", "").heading == "x: a title"


def test_mathtext_helpers():
    assert greek("rho_C, rhoA2, gammaAM, tauM, alpha; status alphabet") == (
        "$\\rho_{C}$, $\\rho_{A2}$, $\\gamma_{AM}$, $\\tau_{M}$, $\\alpha$; status alphabet")
    assert greek("threshold h (h2)") == "threshold $h$ ($h_2$)"
    assert run_label("rhoA=0.7") == "$\\rho_{A}$ = 0.7"
    assert run_label("L0=2e+11") == "L0 = $2\\cdot10^{11}$"
    assert [math_number(v) for v in (1e9, 0.55, 0, 2.5e-10)] == [
        "$10^{9}$", "0.55", "0", "$2.5\\cdot10^{-10}$"]
    figure = plt.figure()  # every label renders as mathtext
    figure.text(0, 0, greek("alpha rhoA gamma0 tauA h") + run_label(" x=3e-9"))
    figure.canvas.draw()
    plt.close(figure)


def test_cohort_heatmap_in_the_format_asked(tmp_path):
    import pandas as pd

    from pycart.cli.sweeps import _heatmap
    from pycart.experiments.cohort import preset

    sweep = preset("fig6-h-rhoA")
    h, rho = np.meshgrid(np.logspace(8, 11, 4), np.linspace(0.4, 1, 4), indexing="ij")
    table = pd.DataFrame({"h": h.ravel(), "rhoA": rho.ravel(),
                          "L30": np.logspace(-3, 9, 16)})
    _heatmap(table, sweep, tmp_path / "map.svg", 72)
    text = (tmp_path / "map.svg").read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<svg" in text


def test_reproduce_takes_the_figure_options(tmp_path, monkeypatch, capsys):
    """`pycart reproduce --format svg --dpi N`: checked before any work; each figure is
    written as SVG too, beside the PNG the report shows."""
    from pycart.experiments.scenario import ScenarioResult
    from pycart.report import reproduce

    assert main(["reproduce", "--out", str(tmp_path / "r"), "--dpi", "5"]) == 2
    assert "--dpi 5 is out of range" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
    seen = {}

    def fake(out, full, workers, say, figure_format, dpi):
        seen.update(format=figure_format, dpi=dpi)

    monkeypatch.setattr(reproduce, "reproduce", fake)
    assert main(["reproduce", "--out", str(tmp_path / "r"), "--format", "svg"]) == 0
    assert seen == {"format": "svg", "dpi": 90}
    report = reproduce.Report(figure_format="svg", dpi=40)
    scenario = pycart.Scenario("s", "", "", t_end=10, runs=(pycart.RunSpec("a"),),
                               panels=(pycart.Panel("a", runs=("a",)),))
    result: ScenarioResult = pycart.run_scenario(scenario)
    reproduce._figure(result, tmp_path, report)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["s.png", "s.svg"]
    assert report.figures == [("figures/s.png", "s")]
