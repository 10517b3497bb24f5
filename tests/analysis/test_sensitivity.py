"""Global sensitivity analysis: SALib's design and indices through one code path, checked on
the Ishigami function and by hand, then on pycart's model over Figure 7's ranges."""

from __future__ import annotations

import math
import re
import shlex

import numpy as np
import pandas as pd
import pytest

import pycart
from pycart.analysis.sensitivity import Design, SweepModel, output, sensitivity
from pycart.cli import main
from pycart.experiments.values import FIG7_ALPHA, FIG7_H_TEXT, L0_RANGE, RHOA_RANGE
from pycart.scale.engines import SerialEngine
from pycart.scale.sweep import Dimension

#: Ishigami's function (A = 7, B = 0.1) on [-pi, pi]^3: Sobol' indices in closed form
#: (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer).
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)

#: Figure 7's ranges (h: the text's), and the paper's tumour burden for initial L.
FIG7 = (Dimension("alpha", *FIG7_ALPHA), Dimension("h", *FIG7_H_TEXT),
        Dimension("rhoA", *RHOA_RANGE, scale="linear"), Dimension("init_L", *L0_RANGE))


def test_ishigami_through_the_same_code_path_gives_the_known_indices():
    from SALib.test_functions import Ishigami

    design = Design(tuple(Dimension(f"x{i}", -math.pi, math.pi, scale="linear")
                          for i in (1, 2, 3)), "sobol", 4096, seed=3)
    result = sensitivity(design, Ishigami.evaluate)
    table = result.indices.set_index("parameter")
    assert list(result.indices.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(result.X) == 4096 * 5 and (np.abs(result.X) <= math.pi).all()
    for k, name in enumerate(("x1", "x2", "x3")):
        for index, known in (("S1", ISHIGAMI_S1[k]), ("ST", ISHIGAMI_ST[k])):
            estimate, conf = table.loc[name, index], table.loc[name, f"{index}_conf"]
            assert 0 < conf < 0.06
            assert estimate == pytest.approx(known, abs=max(2 * conf, 0.02)), (name, index)
    assert result.ranking() == ["x1", "x2", "x3"]


def test_morris_on_a_linear_function_by_hand():
    """An elementary effect is the change over the factor's whole range (in log10 for a log
    factor): y = 2 a + log10(b) - 0.5 c gives mu* = 2 (hi - lo), 4 decades, 0.5 (hi - lo)."""
    design = Design((Dimension("a", 0.0, 10.0, scale="linear"), Dimension("b", 1e-2, 1e2),
                     Dimension("c", -2.0, 2.0, scale="linear")), "morris", 20, seed=1)
    result = sensitivity(design, lambda X: 2 * X[:, 0] + np.log10(X[:, 1]) - 0.5 * X[:, 2])
    table = result.indices.set_index("parameter")
    assert list(result.indices.columns) == ["parameter", "mu_star", "mu_star_conf", "sigma",
                                            "mu"]
    np.testing.assert_allclose(table["mu_star"], [20.0, 4.0, 2.0], rtol=1e-9)
    np.testing.assert_allclose(table["mu"], [20.0, 4.0, -2.0], rtol=1e-9)
    np.testing.assert_allclose(table["sigma"], 0.0, atol=1e-9)
    assert len(result.X) == 20 * 4


def test_a_log_factor_is_sampled_log_uniformly():
    design = Design((Dimension("a", 1e-3, 1e3), Dimension("b", 0.0, 1.0, scale="linear")),
                    "sobol", 1024, seed=0)
    result = sensitivity(design, lambda X: np.log10(X[:, 0]))
    exponents = np.log10(result.X[:, 0])
    assert exponents.min() >= -3 and exponents.max() <= 3
    assert abs(np.median(exponents)) < 0.1  # log-uniform: the median decade is the middle
    table = result.indices.set_index("parameter")
    assert table.loc["a", "S1"] == pytest.approx(1.0, abs=0.02)
    assert abs(table.loc["b", "ST"]) < 1e-9


def test_a_sobol_size_that_is_not_a_power_of_two_is_warned_about():
    design = Design((Dimension("a", 0.0, 1.0, scale="linear"),
                     Dimension("b", 0.0, 1.0, scale="linear")), "sobol", 100)
    with pytest.warns(UserWarning, match="100 Sobol' samples is not a power of two.*128"):
        sensitivity(design, lambda X: X[:, 0])
    assert Design(design.factors, "sobol", 128).notes() == []
    assert Design(design.factors, "morris", 100).notes() == []


def test_undefined_outputs_are_an_error_not_indices():
    design = Design((Dimension("a", 0.0, 1.0, scale="linear"),
                     Dimension("b", 0.0, 1.0, scale="linear")), "sobol", 64)
    with pytest.raises(pycart.SimulationError, match="outputs are undefined"):
        sensitivity(design, lambda X: np.where(X[:, 0] > 0.5, np.nan, 1.0))


def _fig7(tmp_path, seed: int, samples: int = 128):
    design = Design(FIG7, "sobol", samples, seed)
    model = SweepModel(design, "log10_L30", tmp_path / f"runs{seed}.parquet", SerialEngine())
    return sensitivity(design, model)


def test_figure_7_ranges_give_indices_with_intervals_and_a_ranking_stable_over_seeds(
        tmp_path, model):
    results = [_fig7(tmp_path, seed) for seed in (1, 2)]
    for result in results:
        table = result.indices
        assert table["parameter"].tolist() == ["alpha", "h", "rhoA", "init_L"]
        assert (table[["S1_conf", "ST_conf"]] > 0).all().all()
        assert (table["ST_conf"] < 0.2).all()
    assert results[0].ranking() == results[1].ranking() == ["h", "rhoA", "alpha", "init_L"]
    assert not np.array_equal(results[0].X, results[1].X)
    for k in (0, 77, 500):  # the outputs are the model's, point by point
        alpha, h, rhoA, L0 = results[0].X[k]
        s = model.run({"alpha": alpha, "h": h, "rhoA": rhoA}, {"L": L0}, t_end=30).summary
        assert results[0].Y[k] == pytest.approx(math.log10(max(s.L30, 1e-12)), abs=1e-5)


def test_an_interrupted_analysis_resumes_with_the_same_indices(tmp_path):
    full = _fig7(tmp_path, 1, 64)

    class StopAfter(SerialEngine):
        def run(self, function, tasks):
            for k, result in enumerate(super().run(function, tasks)):
                if k == 2:
                    raise KeyboardInterrupt
                yield result

    design = Design(FIG7, "sobol", 64, 1)
    runs = tmp_path / "resumed.parquet"
    with pytest.raises(KeyboardInterrupt):
        sensitivity(design, SweepModel(design, "log10_L30", runs, StopAfter(), chunk_size=50))
    seen = []
    again = sensitivity(design, SweepModel(design, "log10_L30", runs, SerialEngine(),
                                           chunk_size=50, progress=lambda d, t: seen.append(d)))
    assert seen[0] == 100  # two chunks of 50 kept from the interrupted run
    pd.testing.assert_frame_equal(again.indices, full.indices)


def test_outputs_are_parsed_and_unknown_ones_listed():
    assert output("log10_L30") == output("log10_L30")
    assert (output("CA@60").column, output("CA@60").day, output("log10_L@90").log10) == (
        "CA@60", 60.0, True)
    assert output("fold_expansion").peak and not output("L30").peak
    with pytest.raises(pycart.PycartError, match="unknown output 'L31'.*fold_expansion"):
        output("L31")


def test_sensitivity_command_writes_indices_chart_and_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["sensitivity", "--range", "alpha=5e-11:5e-9", "--range", "rhoA=0.4:1:linear",
                 "--method", "morris", "--samples", "10", "--output", "fold_expansion",
                 "--engine", "serial", "--format", "svg", "--out", "m.csv"]) == 0
    out, err = capsys.readouterr()
    table = pd.read_csv("m.csv")
    assert list(table.columns) == ["parameter", "mu_star", "mu_star_conf", "sigma", "mu"]
    assert "ranking by mu_star:" in out and "power of two" not in err
    assert (tmp_path / "m.csv.svg").read_text().startswith("<?xml")
    runs = pd.read_parquet("m.csv.runs.parquet")
    assert len(runs) == 30 and {"alpha", "rhoA", "fold_expansion"} <= set(runs.columns)
    assert main(["sensitivity", "--range", "h=5e8:5e10", "--range", "L=1e10:1e12",
                 "--samples", "12", "--engine", "serial", "--out", "s.parquet"]) == 0
    out, err = capsys.readouterr()
    assert "12 Sobol' samples is not a power of two" in err and err.count("warning") == 1
    assert pd.read_parquet("s.parquet")["parameter"].tolist() == ["h", "init_L"]
    assert (tmp_path / "s.parquet.png").stat().st_size > 10_000


BAD = [
    (["--range", "alpha=1e-10:1e-9"], "at least two --range"),
    (["--range", "alpha=1e-10:1e-9", "--range", "foo=1:2"], "unknown parameter or species 'foo'"),
    (["--range", "alpha=1e-9:1e-10", "--range", "h=1e8:1e9"], "finite LO < HI"),
    (["--range", "alpha=0:1e-10", "--range", "h=1e8:1e9"], "log range needs LO > 0"),
    (["--range", "alpha=1e-10:1e-9", "--range", "alpha=1e-10:1e-9"], "given twice"),
    (["--range", "L=1e10:1e12", "--range", "init_L=1e10:1e12"], "given twice"),
    (["--range", "alpha=1e-10:1e-9", "--range", "h=1e8:1e9", "--samples", "1"], "--samples"),
    (["--range", "alpha=1e-10:1e-9", "--range", "h=1e8:1e9", "--output", "L31"],
     "unknown output"),
    (["--range", "alpha=1e-10:1e-9", "--range", "h=1e8:1e9", "--output", "L@45", "--t-end", "30"],
     "needs the run to reach day 45"),
    (["--range", "alpha=1e-10:1e-9", "--range", "h=1e8:1e9", "--seed", "-1"], "seed"),
    (["--range", "alpha=1e-10:1e-9", "--range", "h=1e8:1e9", "--set", "h=1e9"],
     "both varies and is held fixed"),
    (["--range", "alpha=1e-10:1e-9", "--range", "h=-1e8:1e9:linear"], "not allowed"),
    (["--range", "B0_in_F=0:1:linear", "--range", "h=1e8:1e9"], "0 or 1"),
    (["--range", "alpha=1e-10:1e-9", "--range", "h=1e8:1e9", "--dpi", "0"], "--dpi"),
    (["--range", "alpha=1e-10:1e-9", "--range", "h=1e8:1e9", "--out", "x.txt"],
     "unsupported extension"),
    (["--range", "alpha=1e-10:1e-9", "--range", "h=1e8:1e9", "--samples", "1e9"],
     "--samples"),
    (["--range", "alpha=1e-10:1e-9", "--range", "h=1e8:1e9", "--samples", "5000000"],
     "model runs"),
    (["--range", "alpha=1e-10:1e-9", "--range", "h=1e8:1e9", "--method", "fast"],
     "invalid choice"),
]


@pytest.mark.parametrize("args, message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_analyses_are_one_line_and_status_2(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    try:
        status = main(["sensitivity", *args])
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def _readme_block(root, first: str) -> list[str]:
    text = (root / "docs" / "sensitivity.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.S | re.M)
    return next(b for b in blocks if b.startswith(first)).rstrip("\n").splitlines()


@pytest.mark.heavy
def test_the_readme_answer_on_figure_6s_claim_is_what_pycart_prints(root, tmp_path,
                                                                    monkeypatch, capsys):
    """docs/sensitivity.md's Sobol' indices over Figure 7's ranges (24,576 runs), and the summary of
    Figure 7's cohort, are what these commands print."""
    monkeypatch.chdir(tmp_path)
    for first in ("$ pycart sensitivity", "$ pycart summarize"):
        command, *shown = _readme_block(root, first)
        if first.endswith("summarize"):
            assert main(["cohort", "--workers", "2"]) == 0
            capsys.readouterr()
        assert main([*shlex.split(command)[2:], *(["--workers", "2"] if "sensitivity" in
                                                   command else [])]) == 0
        printed = capsys.readouterr().out.rstrip("\n").splitlines()
        assert [line.rstrip() for line in printed] == [line.rstrip() for line in shown]


@pytest.mark.heavy
def test_the_same_indices_on_a_dask_local_cluster(tmp_path):
    pytest.importorskip("distributed")
    from pycart.scale.engines import DaskEngine

    design = Design(FIG7, "morris", 20, 4)
    serial = sensitivity(design, SweepModel(design, "t_peak", tmp_path / "s.parquet",
                                            SerialEngine(), chunk_size=25))
    with DaskEngine(workers=2) as engine:
        dask = sensitivity(design, SweepModel(design, "t_peak", tmp_path / "d.parquet",
                                              engine, chunk_size=25))
    pd.testing.assert_frame_equal(serial.indices, dask.indices)
    assert serial.ranking()[0] == "alpha"  # alpha sets the time to peak over these ranges
