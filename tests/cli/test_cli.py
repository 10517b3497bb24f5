"""The pycart command line: outputs, summaries, and one-line refusals of bad input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from pycart.cli import main
from pycart.core import reference


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_figure3_opening_phase_from_the_command_line(workdir, capsys):
    """The model issue's acceptance run."""
    assert main(["simulate", "--t-end", "60", "--points", "61", "--out", "fig3.csv"]) == 0
    out = capsys.readouterr().out
    df = pd.read_csv(workdir / "fig3.csv")
    assert list(df.columns) == ["time", "B0", "B1", "B2", "B3", "L", "CA", "CM"]
    assert len(df) == 61 and df["time"].iloc[-1] == 60.0
    car_t = df["CA"] + df["CM"]
    assert 100 <= car_t.iloc[10] / car_t.iloc[0] < 1000  # ~two orders of magnitude by day 10
    assert df.loc[df["L"] < 1, "time"].min() < 30  # below one cell before day 30
    ref = reference.solve(times=df["time"].to_numpy())
    mask = ref > 1e-6
    assert (np.abs(df.to_numpy()[:, 1:] - ref)[mask] / ref[mask]).max() <= 1e-4
    # The printed summary: L30 and the peak, checked against the reference.
    L30 = reference.solve(times=np.array([0.0, 30.0]))[1, 4]
    peak, day = reference.peak_total_car_t(t_end=60)
    assert f"L at day 30: {L30:.4g} cells; responder (L30 < 1 cell): yes" in out
    assert f"peak CAR T (CA + CM): {peak:.4g} cells on day {day:.2f}" in out


def test_defaults_are_figure_3_over_180_days(workdir, capsys):
    assert main(["simulate"]) == 0
    df = pd.read_csv(workdir / "simulation.csv")
    assert len(df) == 181 and df["time"].iloc[-1] == 180.0
    assert df.iloc[0, 1:].tolist() == [1e6, 3e7, 2e8, 9e7, 2e11, 5e7, 0.0]
    assert "responder (L30 < 1 cell): yes" in capsys.readouterr().out


def test_set_and_init_take_effect_and_parquet_round_trips(workdir, capsys):
    args = ["simulate", "--set", "rhoA=0.4", "--set", "h=1e11", "--init", "L=1e10",
            "--t-end", "30", "--points", "4", "--out", "nr.parquet"]
    assert main(args) == 0
    df = pd.read_parquet(workdir / "nr.parquet")
    ref = reference.solve({"rhoA": 0.4, "h": 1e11}, {"L": 1e10}, df["time"].to_numpy())
    np.testing.assert_allclose(df.to_numpy()[:, 1:], ref, rtol=1e-4)
    assert "responder (L30 < 1 cell): no" in capsys.readouterr().out


def test_b_homeostasis_sets_the_b_cells(workdir):
    from pycart import homeostasis

    assert main(["simulate", "--b-homeostasis", "0.01", "--init", "B0=5e6",
                 "--t-end", "1", "--points", "2"]) == 0
    first = pd.read_csv(workdir / "simulation.csv").iloc[0]
    state = homeostasis(fraction=0.01)
    assert first["B0"] == 5e6
    assert [first[b] for b in ("B1", "B2", "B3")] == pytest.approx(state[["B1", "B2", "B3"]])


def test_a_short_horizon_has_no_day_30(workdir, capsys):
    assert main(["simulate", "--t-end", "10", "--out", "short.csv"]) == 0
    assert "n/a" in capsys.readouterr().out


BAD = [
    (["--set", "foo=1"], "unknown parameter 'foo'"),
    (["--set", "alpha=-1"], "allowed: a finite number >= 0"),
    (["--set", "alpha=nan"], "not finite"),
    (["--set", "alpha=abc"], "not a number"),
    (["--set", "alpha"], "expected NAME=VALUE"),
    (["--set", "alpha=1e-10", "--set", "alpha=2e-10"], "given twice"),
    (["--set", "B0_in_F=0.5"], "allowed: 0 or 1"),
    (["--set", "tauA=0"], "allowed: a finite number > 0"),
    (["--init", "X=1"], "unknown species 'X'"),
    (["--init", "L=-1"], "negative"),
    (["--init", "L=inf"], "not finite"),
    (["--t-end", "0"], "horizon"),
    (["--t-end", "-5"], "horizon"),
    (["--t-end", "soon"], "not a number"),
    (["--points", "0"], "point count"),
    (["--points", "1"], "point count"),
    (["--points", "ten"], "whole number"),
    (["--b-homeostasis", "-1"], "fraction"),
    (["--out", "x.txt"], "unsupported extension"),
    (["--out", "missing/x.csv"], "not an existing folder"),
    (["--out", "/proc/x.csv"], "not writable"),
    (["--bogus"], "unrecognized arguments"),
    # a value starting with "-" would read as an option: the command line joins it to --dose
    (["--dose", "-1:1e7"], "dose day -1.0: a dose day is a finite number from 0"),
    (["--dose", "--out"], "argument --dose: expected one argument"),  # an option stays one
    (["--dose=-1:1e7"], "dose day -1.0: a dose day is a finite number from 0"),
]


@pytest.mark.parametrize("args, message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_and_status_2(workdir, capsys, args, message):
    with_out = args if "--out" in args else [*args, "--out", "result.csv"]
    try:
        status = main(["simulate", *with_out])
    except SystemExit as exc:  # argparse's own errors exit from inside the parser
        status = exc.code
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert list(workdir.iterdir()) == [], "no output file may be left behind"


def test_a_directory_as_output_is_refused(workdir, capsys):
    (workdir / "d.csv").mkdir()
    assert main(["simulate", "--out", "d.csv"]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_a_failed_write_leaves_nothing_behind(workdir, monkeypatch, capsys):
    def broken(self, path, **kwargs):
        with open(path, "w") as fh:
            fh.write("partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    assert main(["simulate", "--t-end", "2", "--out", "x.csv"]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert list(workdir.iterdir()) == []


def test_a_solver_failure_is_one_line_and_status_1(workdir, monkeypatch, capsys):
    from pycart.core import model as model_module

    def failing(self, *args, **kwargs):
        raise model_module.SimulationError("the solver failed: CV_TOO_MUCH_WORK")

    monkeypatch.setattr(model_module.Model, "run", failing)
    assert main(["simulate"]) == 1
    err = capsys.readouterr().err
    assert err == "pycart simulate: simulation failed: the solver failed: CV_TOO_MUCH_WORK\n"
    assert list(workdir.iterdir()) == []


def test_interrupt_exits_130_without_traceback(workdir, monkeypatch, capsys):
    from pycart.core import model as model_module

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(model_module.Model, "run", interrupted)
    assert main(["simulate"]) == 130
    assert capsys.readouterr().err == "pycart simulate: interrupted\n"


def test_build_check_is_clean_on_the_checkout(root, capsys):
    assert main(["build", "--check", "--root", str(root)]) == 0


def test_build_rewrites_a_stale_copy(tmp_path, root, capsys):
    shutil.copytree(root / "models", tmp_path / "models")
    (tmp_path / "models" / "cart_bm.xml").write_text("stale")
    assert main(["build", "--check", "--root", str(tmp_path)]) == 1
    assert "not current" in capsys.readouterr().out
    assert main(["build", "--root", str(tmp_path)]) == 0
    # the checkout's copies are current (the test above): the same bytes, file by file
    # (a third build's compile of every model, ~0.7 s of CPU, would check the same)
    assert {p.name: p.read_bytes() for p in (tmp_path / "models").iterdir() if p.is_file()} \
        == {p.name: p.read_bytes() for p in (root / "models").iterdir() if p.is_file()}


def test_build_outside_a_checkout_is_one_line(tmp_path, capsys):
    assert main(["build", "--root", str(tmp_path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("command", [["simulate"], ["build"], []])
def test_help_everywhere(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*command, "--help"])
    assert exc.value.code == 0
    assert "usage: pycart" in capsys.readouterr().out


def _console(*args: str, cwd) -> subprocess.CompletedProcess:
    exe = shutil.which("pycart", path=os.path.dirname(sys.executable)) or shutil.which("pycart")
    assert exe, "the pycart console script is not installed"
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_console_script_end_to_end(tmp_path):
    done = _console("simulate", "--t-end", "60", "--points", "61", "--out", "fig3.csv",
                    cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "responder (L30 < 1 cell): yes" in done.stdout
    assert len(pd.read_csv(tmp_path / "fig3.csv")) == 61
    bad = _console("simulate", "--set", "alpha=-1", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_python_dash_m(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pycart", "--version"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("pycart ")


def test_a_fast_sweeps_main_process_loads_neither_matplotlib_nor_numba():
    """The command line's parser, a fast sweep's checks and its progress note run in the
    main process, which draws nothing and runs no kernel (its workers do): importing
    matplotlib (the figure options) and numba (the fast path's checks) there cost a
    million-patient sweep about 3 s of its serial start."""
    code = ("import sys; from pycart.cli import _parser; from pycart.experiments.cohort import "
            "PRESETS; from pycart.scale.fast import compile_waiting; _parser(); "
            "from dataclasses import replace; sweep = replace(PRESETS['fig7'], solver='fast'); "
            "sweep.validate(); compile_waiting(sweep.model, sweep.solver); "
            "print([m for m in ('matplotlib', 'numba') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
