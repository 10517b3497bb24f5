"""Hostile suite, issue #24: sensitivity analyses and summaries. Two analyses never share a
file, identical runs give identical tables (intervals included), a switch is refused as a
factor before any sampling, docs/sensitivity.md's ranges and sample-size advice are the code's, and
``pycart summarize`` prints no p-value as 0, compares the inputs too and refuses a ragged
CSV row in one line."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kruskal, ranksums

from pycart.analysis import ranges
from pycart.analysis.sensitivity import SAMPLE_ADVICE, SAMPLES, Design, sensitivity
from pycart.analysis.summary import chi2_log_tail, format_p, summarize
from pycart.cli import main
from pycart.core.names import PARAMETERS
from pycart.core.resources import default_values
from pycart.scale.sweep import Dimension

ROOT = Path(__file__).resolve().parents[2]

#: Two cheap factors on pycart's model (fast path, a few dozen runs).
FACTORS = ["--range", "alpha=5e-11:5e-9", "--range", "rhoA=0.4:1:linear"]


def _one_line_refusal(capsys, args: list[str], contains: str) -> None:
    try:
        status = main(args)
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.count("\n") == 1 and err.startswith("pycart ") and "Traceback" not in err, err
    assert contains in err, err


# ---- 1. X.csv and X.parquet are two analyses ---------------------------------------------

def test_csv_and_parquet_outputs_keep_their_own_runs_and_chart(tmp_path, monkeypatch, capsys):
    """Before the fix both wrote s.runs.parquet and s.png: the second replaced the first's."""
    monkeypatch.chdir(tmp_path)
    common = ["sensitivity", "--method", "morris", "--samples", "4", "--engine", "serial"]
    assert main([*common, *FACTORS, "--out", "s.csv"]) == 0
    assert main([*common, "--range", "h=5e8:5e10", "--range", "L=1e10:1e12",
                 "--out", "s.parquet"]) == 0
    out = capsys.readouterr().out
    assert "wrote s.parquet and s.parquet.png" in out and "in s.parquet.runs.parquet" in out
    first, second = (pd.read_parquet(f"s.{k}.runs.parquet") for k in ("csv", "parquet"))
    assert {"alpha", "rhoA"} <= set(first.columns) and "h" not in first.columns
    assert {"h", "init_L"} <= set(second.columns) and "alpha" not in second.columns
    assert (tmp_path / "s.csv.png").is_file() and (tmp_path / "s.parquet.png").is_file()
    # (dot files: the sweep locks, which another item of the issue removes)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "s.csv", "s.csv.png", "s.csv.runs.parquet", "s.parquet", "s.parquet.png",
        "s.parquet.runs.parquet"]


# ---- 2. reproducible intervals -----------------------------------------------------------

@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_identical_analyses_give_identical_intervals(method):
    """SALib's Sobol' analysis seeded its bootstrap only for a seed that is true: at seed 0
    (the default) S1_conf and ST_conf changed between identical runs (failed before)."""
    from SALib.test_functions import Ishigami

    design = Design(tuple(Dimension(f"x{i}", -math.pi, math.pi, scale="linear")
                          for i in (1, 2, 3)), method, 64, seed=0)
    first, again = (sensitivity(design, Ishigami.evaluate).indices for _ in range(2))
    pd.testing.assert_frame_equal(first, again)
    other = sensitivity(Design(design.factors, method, 64, seed=5), Ishigami.evaluate).indices
    conf = [c for c in first.columns if c.endswith("_conf")]
    assert not first[conf].equals(other[conf])  # the seed does set the intervals


def test_the_command_twice_gives_the_same_table(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for out in ("a.csv", "b.csv"):
        assert main(["sensitivity", *FACTORS, "--samples", "16", "--engine", "serial",
                     "--out", out]) == 0
    capsys.readouterr()
    a, b = pd.read_csv("a.csv"), pd.read_csv("b.csv")
    assert list(a.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    pd.testing.assert_frame_equal(a, b)


# ---- 3. ranges, sample size, switches ----------------------------------------------------

def test_every_parameter_has_a_plausible_range_or_a_reason():
    assert set(ranges.RANGES) | set(ranges.NOT_FACTORS) >= set(PARAMETERS)
    assert not set(ranges.RANGES) & set(ranges.NOT_FACTORS)
    assert "tauA" in ranges.RANGES and ranges.RANGES["tauA"].choice
    values, initial = default_values("cart_bm2_ext")
    for name, found in ranges.RANGES.items():
        assert 0 < found.lo < found.hi and found.scale in ("log", "linear") and found.source
        value = initial[name[5:]] if name.startswith("init_") else values[name]
        assert found.lo <= value <= found.hi or name.startswith(("init_", "reinf", "relapse"))
        if found.choice:  # a choice is centred on the model's value
            assert math.sqrt(found.lo * found.hi) == pytest.approx(value, rel=1e-12), name
    for name, spec in PARAMETERS.items():
        assert (name in ranges.NOT_FACTORS) == (spec.switch or name not in ranges.RANGES)


def test_the_readme_table_is_generated_from_the_ranges():
    readme = (ROOT / "docs" / "sensitivity.md").read_text(encoding="utf-8")
    assert ranges.markdown() in readme
    assert readme.count("| parameter | plausible range (`--range`) | source |") == 1


def test_readme_and_help_give_one_sample_size_advice(capsys):
    with pytest.raises(SystemExit):
        main(["sensitivity", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    readme = " ".join((ROOT / "docs" / "sensitivity.md").read_text(encoding="utf-8").split())
    assert SAMPLE_ADVICE in shown and SAMPLE_ADVICE in readme
    assert Design((), "sobol").samples == SAMPLES["sobol"]
    section = readme[readme.index("# Sensitivity analysis"):readme.index("`pycart summarize`")]
    assert not re.search(r"default (of )?\d+ (Sobol|samples)", section.replace(SAMPLE_ADVICE, ""))


@pytest.mark.parametrize("switch, model", [("B0_in_F", "cart_bm"),
                                           ("CA_loss_gammaMA", "cart_bm"),
                                           ("exhaustion", "cart_bm_ext"),
                                           ("escape", "cart_bm2_ext")])
def test_a_switch_as_a_range_is_refused_before_sampling(tmp_path, monkeypatch, capsys, switch,
                                                        model):
    monkeypatch.chdir(tmp_path)

    def no_sampling(self):
        raise AssertionError("sampled before the factors were checked")

    monkeypatch.setattr(Design, "sample", no_sampling)
    _one_line_refusal(capsys, ["sensitivity", "--model", model, "--range",
                               f"{switch}=0:1:linear", "--range", "h=1e8:1e9"],
                      f"{switch} is a switch (allowed values 0 or 1), not a --range factor")
    assert list(tmp_path.iterdir()) == []


# ---- 4. summaries: p-values, inputs ------------------------------------------------------

def _cohort(n: int = 1000) -> pd.DataFrame:
    """Responders with lower L30 and lower h than the non-responders, alpha the same."""
    rng = np.random.default_rng(1)
    responder = np.arange(2 * n) < n
    return pd.DataFrame({"point": range(2 * n), "alpha": rng.uniform(1e-10, 1e-9, 2 * n),
                         "h": np.where(responder, 1e8, 1e10) * rng.uniform(1, 2, 2 * n),
                         "init_L": 1e11, "L30": np.arange(2 * n, dtype=float),
                         "responder": responder, "status": "ok", "message": ""})


def test_p_values_far_below_the_double_range_print_their_exponent(tmp_path, monkeypatch,
                                                                  capsys):
    """scipy's rank-sum p-value is 2 sf(|z|), 0.0 beyond |z| = 38.5; it printed as 0."""
    mpmath = pytest.importorskip("mpmath")
    table = _cohort()
    found = ranksums(table.L30[:1000], table.L30[1000:])
    assert found.pvalue == 0.0
    row = summarize(table, "responder").set_index(["variable", "group"]).loc[("L30", "R")]
    exact = mpmath.log10(mpmath.erfc(abs(found.statistic) / mpmath.sqrt(2)))
    assert row["log10_p"] == pytest.approx(float(exact), rel=1e-12)
    shown = format_p(row["p"], row["log10_p"])
    mantissa, exponent = shown.split("e")
    assert float(mantissa) * 10 ** (int(exponent) - math.floor(row["log10_p"])) == \
        pytest.approx(10 ** (row["log10_p"] - math.floor(row["log10_p"])), rel=5e-3)
    monkeypatch.chdir(tmp_path)
    table.to_csv("t.csv", index=False)
    assert main(["summarize", "t.csv", "--by", "responder"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.split()[:2] == ["L30", "output"])
    assert line.split()[-1] == shown and int(exponent) < -308
    assert not re.search(r"\s0(\.0+)?$", out, flags=re.M)


def test_cohort_statistics_print_no_p_value_as_0():
    """The cohort's summary lines (pycart cohort) print p-values as summarize does."""
    table = _cohort()
    table["t_peak"] = table["L30"]
    table["fold_expansion"] = table["L30"]
    from pycart.analysis.summary import statistics

    lines = statistics(table).lines()
    shown = [line.rsplit("p = ", 1)[1] for line in lines[1:]]
    assert all(s != "0" and "e-" in s and int(s.split("e")[1]) < -308 for s in shown), lines


def test_kruskal_wallis_far_tail_is_exact():
    mpmath = pytest.importorskip("mpmath")
    for x, df in ((2000.0, 2), (2665.8, 2), (3000.0, 5), (1500.0, 19)):
        exact = mpmath.log(mpmath.gammainc(df / 2, x / 2, mpmath.inf, regularized=True))
        assert chi2_log_tail(x, df) == pytest.approx(float(exact), rel=1e-12), (x, df)
    groups = [np.arange(1000.0) + 5000 * k for k in range(3)]
    table = pd.DataFrame({"L30": np.concatenate(groups), "arm": np.repeat(["a", "b", "c"],
                                                                         1000)})
    row = summarize(table, "arm").iloc[0]
    assert kruskal(*groups).pvalue == 0.0 and row["test"] == "Kruskal-Wallis"
    assert row["log10_p"] == pytest.approx(chi2_log_tail(kruskal(*groups).statistic, 2) /
                                           math.log(10), rel=1e-12)
    assert format_p(row["p"], row["log10_p"]) not in ("0", "", "0.0")


def test_format_p_rounds_and_never_prints_zero():
    assert format_p(0.0123, math.log10(0.0123)) == "0.0123"
    assert format_p(0.0, -411.6) == "2.51e-412"
    assert format_p(0.0, -500.0000001) == "1e-500"  # 9.99999...e-501 rounds up
    assert format_p(0.0, -math.inf) == "< 1e-300"
    assert format_p(math.nan, math.nan) == ""


def test_inputs_are_compared_between_responders_and_non_responders(tmp_path, monkeypatch,
                                                                   capsys):
    table = _cohort(40)
    summary = summarize(table, "responder")
    inputs = summary[summary["kind"] == "input"]
    assert inputs["variable"].unique().tolist() == ["alpha", "h"]  # init_L does not vary
    h = inputs.set_index(["variable", "group"])
    assert h.loc[("h", "R"), "p"] == pytest.approx(
        ranksums(table.h[:40], table.h[40:]).pvalue)
    assert h.loc[("h", "R"), "median"] == pytest.approx(np.median(table.h[:40]))
    assert summary["kind"].tolist()[:2] == ["output", "output"]  # outputs first
    monkeypatch.chdir(tmp_path)
    table.to_parquet("t.parquet")
    assert main(["summarize", "t.parquet", "--by", "responder", "--out", "s.csv"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^\s+h\s+input\s+R\s+40\b", out, flags=re.M), out
    written = pd.read_csv("s.csv")
    assert list(written.columns) == ["variable", "kind", "group", "n", "median", "q1", "q3",
                                     "test", "p", "log10_p"]
    arms = table.assign(rhoA=np.where(table.index % 2, 0.5, 0.9))
    assert "rhoA" not in summarize(arms, "rhoA")["variable"].tolist()  # the grouping itself


# ---- 5. ragged rows -----------------------------------------------------------------------

RAGGED = [
    ("longer-first", "alpha,L30,status\n1,2,ok,7\n3,4,ok\n", "line 2 has 4 fields"),
    ("longer-all", "alpha,L30,status\n1,2,ok,7\n3,4,ok,9\n", "line 2 has 4 fields"),
    ("longer-later", "alpha,L30,status\n1,2,ok\n\n3,4,ok,9\n", "line 4 has 4 fields"),
    ("shorter", "alpha,L30,status\n1,2,ok\n3,4\n", "line 3 has 2 fields"),
    ("quoted-newline", 'alpha,L30,status\n1,2,"o\nk"\n3,4,ok,1\n', "line 4 has 4 fields"),
]


@pytest.mark.parametrize("text, message", [r[1:] for r in RAGGED], ids=[r[0] for r in RAGGED])
def test_a_ragged_row_is_refused_with_its_line(tmp_path, monkeypatch, capsys, text, message):
    """pandas read a longer first row's extra field as an index and shifted every value
    (failed before: exit 0 and wrong numbers)."""
    monkeypatch.chdir(tmp_path)
    Path("t.csv").write_text(text, encoding="utf-8")
    _one_line_refusal(capsys, ["summarize", "t.csv", "--out", "s.csv"],
                      f"error: table 't.csv': {message} but the header has 3 (allowed: one "
                      "field per column: alpha,L30,status)\n")
    # (dot files: the sweep locks, which another item of the issue removes)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["t.csv"]


def test_a_table_with_every_row_complete_is_read(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("t.csv").write_text('alpha,L30,status\n1,2,"o,k"\n3,,ok\n\n', encoding="utf-8")
    assert main(["summarize", "t.csv"]) == 0
    assert "2 points (1 failed)" in capsys.readouterr().out
