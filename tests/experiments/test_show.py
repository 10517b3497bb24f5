"""`pycart show`: every run of a scenario with its values, and the scenario as a TOML file
that loads and runs to the same results."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pycart
from pycart.cli import main
from pycart.experiments.describe import _number, run_table
from pycart.experiments.paper import PATIENTS, SCENARIOS, paper_scenario


def test_show_prints_every_patient_of_figure_6(capsys):
    assert main(["show", "fig6"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(line for line in lines if line.split()[:2] == ["R1", "NR1"])
    assert header.split() == ["R1", "NR1", "R2", "NR2", "R3", "NR3"]
    rows = {" ".join(line.split()[:2]): line.split()[2:] for line in lines
            if line.startswith(("parameter ", "initial "))}
    for k, name in enumerate(header.split()):
        for p in ("alpha", "h", "rhoA"):
            assert float(rows[f"parameter {p}"][k]) == PATIENTS[name][p]
        assert float(rows["initial L"][k]) == 2e11 and float(rows["initial CA"][k]) == 5e7
    assert "alpha-h (cart_bm): alpha 3e-11..3e-9 (200, log) x h 1e8..1e11 (200, log); " \
           "fixed: rhoA = 0.9" in out
    assert "The R and NR patients: pycart.experiments.paper.PATIENTS." in out


def test_all_lists_every_parameter_and_the_second_products():
    table = run_table(paper_scenario("fig8"), every=True)
    params = [i for k, i in table.index if k == "parameter"]
    assert params == list(pycart.core.names.model_parameters("cart_bm2"))
    assert table.loc[("parameter", "tauA"), "NR1-A"] == 6.5  # a default, shown
    assert pd.isna(table.loc[("parameter", "h2"), "NR1-A"])  # not in cart_bm
    assert table.loc[("initial", "CA2"), "NR1-C"] == 0.0


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_printed_toml_loads_back_to_the_same_scenario(name, tmp_path, capsys):
    assert main(["show", name, "--toml"]) == 0
    path = tmp_path / f"{name}.toml"
    path.write_text(capsys.readouterr().out)
    loaded = pycart.load_scenario(path)
    assert loaded == dataclasses.replace(paper_scenario(name), choices=())


@pytest.mark.parametrize("name, resolution", [
    ("fig6", 3), pytest.param("fig8", None, marks=pytest.mark.heavy),
    pytest.param("figS4", None, marks=pytest.mark.heavy)])
def test_printed_toml_runs_to_the_same_results(name, resolution, tmp_path, capsys):
    assert main(["show", name, "--toml"]) == 0
    path = tmp_path / f"{name}.toml"
    path.write_text(capsys.readouterr().out)
    mine = pycart.run_scenario(pycart.load_scenario(path), resolution)
    paper = pycart.run_scenario(paper_scenario(name), resolution)
    pd.testing.assert_frame_equal(mine.metrics(), paper.metrics())
    for grid, table in paper.grids.items():
        pd.testing.assert_frame_equal(mine.grids[grid], table)


def test_a_user_file_round_trips_with_awkward_text(tmp_path, capsys):
    text = ('name = "mine \\"quoted\\""\ntitle = "α, ρ and a tab\\there"\nt_end = 45.5\n'
            'layout = [2, 1]\n'
            '[[runs]]\nlabel = "über\\nlabel"\nmodel = "cart_bm2"\n'
            'parameters = { h2 = 5e8, alpha = 1.2345678901234567e-10 }\ninitial = { L = 1e10 }\n'
            '[[runs]]\nlabel = "plain"\n'
            '[[panels]]\ntitle = "one"\nruns = ["plain"]\nt_max = 20\n'
            '[[panels]]\ntitle = "two"\nruns = ["über\\nlabel"]\nseries = ["C1", "C2"]\n')
    (tmp_path / "mine.toml").write_text(text, encoding="utf-8")
    assert main(["show", str(tmp_path / "mine.toml"), "--toml"]) == 0
    (tmp_path / "again.toml").write_text(capsys.readouterr().out, encoding="utf-8")
    assert pycart.load_scenario(tmp_path / "again.toml") == pycart.load_scenario(
        tmp_path / "mine.toml")


@given(st.floats(min_value=0, max_value=1e300, allow_nan=False, allow_infinity=False))
def test_numbers_read_back_exactly(value):
    import tomllib

    assert tomllib.loads(f"x = {_number(value)}")["x"] == value


def test_numbers_are_written_for_people():
    assert [_number(v) for v in (1e9, 3e-10, 0.55, 30.0, 5e-8, 2.5e11, 0.0, 1234.5)] == \
        ["1e9", "3e-10", "0.55", "30", "5e-8", "2.5e11", "0", "1234.5"]


@pytest.mark.parametrize("args, message", [
    (["show", "fig99"], "unknown scenario 'fig99'"),
    (["show", "missing.toml"], "missing.toml: no such file"),
    (["show", "fig6", "--toml", "--all"], "give one of them"),
    (["show"], "the following arguments are required"),
])
def test_bad_show_is_one_line_and_status_2(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    try:
        code = main(args)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_show_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["show", "--help"])
    assert exc.value.code == 0 and "--toml" in capsys.readouterr().out


def test_scenario_table_of_a_toml_without_runs(tmp_path, capsys):
    (tmp_path / "g.toml").write_text('name = "g"\n[[grids]]\nname = "h"\n'
                                     'axes = [{ parameter = "h", lo = 1e8, hi = 1e11, n = 3 }]\n')
    assert main(["show", str(tmp_path / "g.toml")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("g\nhorizon: 180 days") and "h (cart_bm): h 1e8..1e11 (3, log)" in out
