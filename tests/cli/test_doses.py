"""``--dose DAY:CELLS[:SPECIES]`` on the command line (issue 20): simulate, sweep and
cohort give every run the schedule; bad doses are one line and status 2, before any work."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from test_hostile import refused

from pycart.cli import main
from pycart.core import columns as col
from pycart.core.model import Model
from pycart.scale.sweep import Dimension, Sweep

FRACTIONS = ["--dose", "0:1e7", "--dose", "2:1e7", "--dose", "7:1e7"]


def test_simulate_runs_the_schedule_and_prints_the_fold_against_the_total_dose(
        tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["simulate", "--t-end", "40", "--points", "41", *FRACTIONS,
                 "--out", "f.csv"]) == 0
    out = capsys.readouterr().out
    table = pd.read_csv(tmp_path / "f.csv")
    run = Model().run(t_end=40, points=41, doses=[(0, 1e7), (2, 1e7), (7, 1e7)])
    pd.testing.assert_frame_equal(table, run.trajectory, check_exact=False, rtol=1e-9)
    assert table["CA"].iloc[0] == 1e7 and table["CA"].iloc[3] > table["CA"].iloc[2]
    fold = math.log10(run.summary.C_peak / 3e7)
    assert f"fold expansion: {fold:.4g} (log10 of the peak over the 3e+07 CAR T" in out


BAD = [
    ("negative-day", ["--dose=-1:1e7"], "dose day -1.0"),
    ("nan-day", ["--dose", "nan:1e7"], "dose day nan"),
    ("beyond-horizon", ["--t-end", "30", "--dose", "31:1e7"], "horizon (30 days)"),
    ("zero-cells", ["--dose", "2:0"], "a dose of 0 cells"),
    ("negative-cells", ["--dose=2:-5"], "cells are a finite number > 0"),
    ("inf-cells", ["--dose", "2:inf"], "cells are a finite number > 0"),
    ("unknown-species", ["--dose", "2:1e7:X"], "dose species 'X'"),
    ("species-the-model-lacks", ["--dose", "2:1e7:CA2"], "cart_bm has no CA2"),
    ("malformed", ["--dose", "2"], "expected DAY:CELLS[:SPECIES]"),
    ("not-a-number", ["--dose", "two:1e7"], "day 'two' is not a number"),
    ("too-many", [a for d in range(1, 14) for a in ("--dose", f"{d}:1e6")], "at most 12"),
    ("initial-and-day-0", ["--init", "CA=1e7", "--dose", "0:1e7"], "initial CA is set"),
]


@pytest.mark.parametrize("args, says", [pytest.param(*c[1:], id=c[0]) for c in BAD])
def test_bad_doses_are_one_line_before_any_simulation(tmp_path, monkeypatch, capsys, args,
                                                      says):
    def no_work(*a, **k):
        raise AssertionError("a model was loaded before the doses were checked")

    monkeypatch.setattr(Model, "__init__", no_work)
    refused(tmp_path, monkeypatch, capsys, ["simulate", *args, "--out", "x.csv"],
            contains=says)


def test_sweep_and_cohort_take_dose_on_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", "--param", "dose_CA_1_cells=1e6:1e8:2", "--dose", "0:1e7",
                 "--dose", "7:1e7", "--t-end", "40", "--engine", "serial",
                 "--out", "s.csv"]) == 0
    table = pd.read_csv(tmp_path / "s.csv")
    assert list(table["dose_CA_1_cells"]) == [1e6, 1e8] and (table[col.STATUS] == "ok").all()
    small = Sweep((Dimension("alpha", 3e-10, 3e-9, 2), Dimension("h", 1e9, 1e10, 2)),
                  t_end=30)
    monkeypatch.setattr("pycart.experiments.cohort.preset", lambda name: small)
    assert main(["cohort", "--dose", "0:1e7", "--dose", "2:1e7", "--engine", "serial",
                 "--out", "c.csv"]) == 0
    cohort = pd.read_csv(tmp_path / "c.csv")
    expected = Model().run({"alpha": 3e-9, "h": 1e10}, t_end=30,
                           doses=[(0, 1e7), (2, 1e7)]).summary.L30
    assert cohort[col.L30].iloc[-1] == pytest.approx(expected, rel=2e-6)
    capsys.readouterr()


@pytest.mark.parametrize("command", [["sweep", "--param", "alpha=1e-10:1e-9:2"], ["cohort"]])
@pytest.mark.parametrize("doses, says", [
    (["--dose", "99:1e7"], "horizon"), (["--dose", "2:1e7:Ln"], "cart_bm has no Ln"),
    (["--dose=-2:1e7"], "dose day -2.0"), (["--dose", "2:nan"], "cells are a finite"),
])
def test_bad_doses_on_sweep_and_cohort_are_one_line_before_any_work(
        tmp_path, monkeypatch, capsys, command, doses, says):
    def no_work(*a, **k):
        raise AssertionError("a sweep started before its doses were checked")

    monkeypatch.setattr("pycart.scale.runner.run_sweep", no_work)
    refused(tmp_path, monkeypatch, capsys, [*command, *doses, "--out", "x.parquet"],
            contains=says)


def test_the_doses_example_of_the_simulate_page_prints_what_is_shown(tmp_path, monkeypatch,
                                                                      capsys):
    import re
    import shlex
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "simulate.md").read_text(
        encoding="utf-8")
    shown = next(b for b in re.findall(r"^```[a-z]*\n(.*?)^```", page, flags=re.S | re.M)
                 if b.startswith("$ pycart simulate --t-end 60 --dose"))
    command, *expected = shown.strip().splitlines()
    monkeypatch.chdir(tmp_path)
    assert main(shlex.split(command)[2:]) == 0
    assert capsys.readouterr().out.strip().splitlines() == expected
