"""Cohort summaries and plots of result tables: numbers by hand and against scipy, heatmaps
for grids, scatters for samples, log axes where a range is logarithmic, hostile tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, QuadMesh
from scipy.stats import kruskal, ranksums

from pycart.analysis.plots import axis_scale, is_grid, label, plot_table
from pycart.analysis.summary import responder_line, statistics, summarize
from pycart.cli import main
from pycart.scale.sweep import Dimension, PointSimulator, Sweep

TABLE = pd.DataFrame({
    "point": range(9),
    "alpha": [1e-10, 2e-10, 3e-10, 4e-10, 5e-10, 6e-10, 7e-10, 8e-10, 9e-10],
    "init_L": [1e10] * 9,
    "L30": [0.1, 0.2, 0.3, 0.4, 5.0, 50.0, 500.0, 5000.0, np.nan],
    "responder": [True, True, True, True, False, False, False, False, None],
    "t_peak": [8.0, 9.0, 10.0, 11.0, 12.0, 14.0, 16.0, 18.0, np.nan],
    "CA@60": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, np.nan, np.nan],
    "status": ["ok"] * 8 + ["failed"],
    "message": [""] * 8 + ["the solver failed"],
})


def test_summary_by_responder_by_hand_and_against_scipy():
    s = summarize(TABLE, "responder").set_index(["variable", "group"])
    assert list(s.index.get_level_values(0).unique()) == ["L30", "t_peak", "CA@60", "alpha"]
    assert s["kind"].tolist() == ["output"] * 6 + ["input"] * 2  # init_L does not vary
    r = s.loc[("t_peak", "R")]
    assert (r["n"], r["median"], r["q1"], r["q3"]) == (4, 9.5, 8.75, 10.25)
    nr = s.loc[("CA@60", "NR")]  # a missing value is left out, not counted
    assert (nr["n"], nr["median"]) == (3, 6.0)
    assert s.loc[("t_peak", "R"), "p"] == pytest.approx(
        ranksums([8, 9, 10, 11], [12, 14, 16, 18]).pvalue)
    assert s.loc[("t_peak", "NR"), "test"] == "Wilcoxon rank-sum"
    assert responder_line(TABLE) == ("9 points (1 failed); responders (L30 < 1 cell): 4 of 8 "
                                     "(50.0%)")


def test_summary_without_groups_and_with_more_than_two():
    s = summarize(TABLE).set_index("variable")
    assert s.loc["L30", "group"] == "all" and s.loc["L30", "n"] == 8
    assert s.loc["L30", "median"] == pytest.approx(np.median([0.1, 0.2, 0.3, 0.4, 5, 50, 500,
                                                              5000]))
    assert np.isnan(s.loc["L30", "p"])
    table = TABLE.iloc[:8].assign(arm=["a", "b", "c"] * 2 + ["a", "b"])
    k = summarize(table, "arm", ["t_peak"])
    groups = [table.loc[table["arm"] == g, "t_peak"] for g in ("a", "b", "c")]
    assert k["test"].iloc[0] == "Kruskal-Wallis"
    assert k["p"].iloc[0] == pytest.approx(kruskal(*groups).pvalue)


def test_cohort_statistics_are_the_summary_by_responder():
    st = statistics(TABLE)
    assert (st.patients, st.responders, st.median_t_peak_R, st.median_t_peak_NR) == (
        8, 4, 9.5, 15.0)
    assert st.p_t_peak == pytest.approx(ranksums([8, 9, 10, 11], [12, 14, 16, 18]).pvalue)
    assert st.median_fold_R is None and st.p_fold is None  # no fold expansion in this table


def test_summarize_command(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    TABLE.to_parquet("t.parquet", index=False)
    assert main(["summarize", "t.parquet", "--by", "responder", "--out", "s.csv"]) == 0
    out = capsys.readouterr().out
    assert "responders (L30 < 1 cell): 4 of 8 (50.0%)" in out
    assert "Wilcoxon rank-sum" in out and "wrote s.csv" in out
    assert len(pd.read_csv("s.csv")) == 8  # three outputs and one input, R and NR


def _grid_table() -> pd.DataFrame:
    sweep = Sweep((Dimension("h", 5e8, 5e10, 4), Dimension("rhoA", 0.4, 1.0, 3, "linear"),
                   Dimension("L", 1e10, 1e12, 2)), peak=False)
    return PointSimulator(sweep).evaluate(0, sweep.points())


def test_a_grid_gives_a_heatmap_and_a_sample_a_scatter_with_log_axes_where_logarithmic():
    grid = _grid_table()
    assert is_grid(grid, "h", "rhoA") and list(grid.columns[1:4]) == ["h", "rhoA", "init_L"]
    assert (axis_scale(grid["h"], True), axis_scale(grid["rhoA"], True)) == ("log", "linear")
    fig = plot_table(grid, "h", "rhoA", "L30")  # two points per cell (init_L): the median
    ax = fig.axes[0]
    assert any(isinstance(c, QuadMesh) for c in ax.collections)
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "linear")
    assert ax.get_title() == "median of the 2 points in each cell"
    rng = np.random.default_rng(0)
    sample = pd.DataFrame({"alpha": 10 ** rng.uniform(-11, -9, 50), "rhoA": rng.uniform(0.4, 1, 50),
                           "responder": rng.uniform(size=50) < 0.3, "status": "ok"})
    assert not is_grid(sample, "alpha", "rhoA")
    fig = plot_table(sample, "alpha", "rhoA", "responder")
    ax = fig.axes[0]
    assert [type(c) for c in ax.collections] == [PathCollection, PathCollection]
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "linear")
    assert [t.get_text().split(" ")[0] for t in ax.get_legend().get_texts()] == ["R", "NR"]


def test_labels_use_greek_symbols_and_name_initial_amounts():
    from pycart.analysis.plots import short_label

    assert label("rhoA").startswith(r"$\rho_{A}$ (") and label("alpha").startswith(r"$\alpha$")
    assert label("init_L") == "$L$ (cells at day 0)" and short_label("init_L") == "$L$(0)"
    assert label("CA@60") == "$C_A$ at day 60 (cells)"
    assert "log_{10}" in label("fold_expansion")


def test_plot_command_in_every_format(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _grid_table().to_csv("g.csv", index=False)
    assert main(["plot", "g.csv", "--x", "h", "--y", "init_L", "--color", "L30",
                 "--out", "a.png", "--dpi", "60"]) == 0
    assert main(["plot", "g.csv", "--x", "h", "--y", "rhoA", "--out", "b", "--format", "pdf"]) == 0
    assert main(["plot", "g.csv", "--x", "h", "--y", "rhoA", "--color", "responder",
                 "--out", "c.svg", "--xscale", "linear"]) == 0
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "b.pdf").read_bytes()[:4] == b"%PDF"
    assert b"<svg" in (tmp_path / "c.svg").read_bytes()[:400]
    assert "wrote c.svg" in capsys.readouterr().out
    TABLE.to_csv("t.csv", index=False)  # a failed point: responder is read as text
    assert main(["summarize", "t.csv", "--by", "responder"]) == 0
    assert "4 of 8" in capsys.readouterr().out
    for x, y in (("alpha", "L30"), ("alpha", "init_L")):
        assert main(["plot", "t.csv", "--x", x, "--y", y, "--color", "responder",
                     "--out", "d.png"]) == 0


BAD = [
    (["summarize", "absent.csv"], "not an existing file"),
    (["summarize", "t.txt"], "unsupported extension"),
    (["summarize", "empty.csv"], "cannot be read"),
    (["summarize", "header.csv"], "has no rows"),
    (["summarize", "bad.parquet"], "cannot be read"),
    (["summarize", "t.csv", "--by", "arm"], "--by 'arm' is not a column"),
    (["summarize", "many.csv", "--by", "L30"], "does not group the rows"),
    (["summarize", "t.csv", "--out", "s.txt"], "unsupported extension"),
    (["plot", "t.csv", "--x", "alpha", "--y", "nope", "--out", "p.png"], "'nope' is not a column"),
    (["plot", "t.csv", "--x", "alpha", "--y", "L30", "--color", "status", "--out", "p.png"],
     "not numeric"),
    (["plot", "t.csv", "--x", "alpha", "--y", "L30", "--out", "p.gif"], "unsupported extension"),
    (["plot", "t.csv", "--x", "alpha", "--y", "L30", "--out", "p.png", "--format", "svg"],
     "disagree"),
    (["plot", "t.csv", "--x", "alpha", "--y", "L30", "--out", "no/p.png"], "cannot be written"),
    (["plot", "t.csv", "--x", "alpha", "--y", "L30", "--out", "p.png", "--dpi", "x"], "--dpi"),
    (["plot", "t.csv", "--x", "alpha", "--y", "L30", "--xscale", "cubic", "--out", "p.png"],
     "invalid choice"),
]


@pytest.mark.parametrize("args, message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_tables_and_options_are_one_line_and_status_2(tmp_path, monkeypatch, capsys, args,
                                                          message):
    monkeypatch.chdir(tmp_path)
    TABLE.to_csv("t.csv", index=False)
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("alpha,L30\n")
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 nothing")
    pd.DataFrame({"L30": np.arange(30.0), "status": "ok"}).to_csv("many.csv", index=False)
    before = set(tmp_path.iterdir())
    try:
        status = main(args)
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    err = capsys.readouterr().err
    assert status == 2 and message in err and err.count("\n") == 1, err
    assert set(tmp_path.iterdir()) == before


@pytest.mark.parametrize("command", ["sensitivity", "summarize", "plot"])
def test_every_new_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: pycart {command}")
