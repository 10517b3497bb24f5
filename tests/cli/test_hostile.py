"""Hostile input, as issue #15 tried it: bad command-line values, malformed scenario files,
crafted archives. Every case is bounded in time; the promise checked is the same for all:
no traceback, one line and status 2 for bad input (checked before any work), nothing written
outside the output folder, and for archives a refusal instead of a crash or a memory blow-up.

The groups follow the issue. The whole suite is heavy (about 200 cases); a few representative
cases of each group also run in the default suite (marked ``fast``).
"""

from __future__ import annotations

import io
import math
import os
import signal
import struct
import subprocess
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pycart.cli import main
from pycart.core.errors import PycartError
from pycart.core.inputs import check_parameters, parse_number, parse_whole

ROOT = Path(__file__).resolve().parents[2]
FIG2 = ROOT / "exports" / "fig2.omex"

#: Seconds any one case may take.
CASE_SECONDS = 60


@contextmanager
def bounded(seconds: int = CASE_SECONDS):
    """Fail (instead of hanging) if the block takes longer than ``seconds``."""
    def expire(signum, frame):
        raise TimeoutError(f"the case took more than {seconds} s")

    before = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def refused(tmp_path: Path, monkeypatch, capsys, args: list[str], *, status: int = 2,
            contains: str = "") -> str:
    """Run ``pycart args`` in ``tmp_path/work``; expect ``status`` with one line on stderr,
    no traceback, and nothing created beside the work folder."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    monkeypatch.chdir(work)
    before = _files(work)
    with bounded():
        code = main(args)
    err = capsys.readouterr().err
    assert code == status, err
    assert "Traceback" not in err and "[ERROR]" not in err
    if status == 2:
        assert err.count("\n") == 1 and err.startswith("pycart "), err
        assert _files(work) == before, "bad input created files"
    assert contains in err
    assert {p.name for p in tmp_path.iterdir()} <= {"work", "inputs"}
    return err


def cases(items, fast_ids=()):
    """Parametrize ``items`` (id, args, contains): all heavy except ``fast_ids``."""
    return [pytest.param(*item[1:], id=item[0],
                         marks=() if item[0] in fast_ids else (pytest.mark.heavy,))
            for item in items]


def _marks(kinds, fast_ids):
    return [pytest.param(k, marks=() if k in fast_ids else (pytest.mark.heavy,)) for k in kinds]


# ---- 1. numbers and options on the command line --------------------------------------------

P = ["--param", "alpha=1e-10:1e-9:3"]
COMMAND_LINE = [
    ("seed-negative", ["sweep", "--range", "alpha=1e-10:1e-9", "--sample", "lhs",
                       "--samples", "4", "--seed", "-1"], "--seed"),
    ("seed-huge", ["sweep", "--range", "alpha=1e-10:1e-9", "--sample", "sobol",
                   "--samples", "4", "--seed", str(2**40)], "--seed"),
    ("seed-text", ["sweep", *P, "--seed", "abc"], "--seed"),
    ("seed-float", ["sweep", *P, "--seed", "1.5"], "--seed"),
    ("days-twice", ["sweep", *P, "--days", "10,10"], "given twice"),
    ("days-nan", ["sweep", *P, "--days", "nan"], "outside the run"),
    ("days-empty", ["sweep", *P, "--days", "10,"], "--days"),
    ("days-negative", ["sweep", *P, "--days", "-3"], "outside the run"),
    ("days-many", ["sweep", *P, "--t-end", "2000", "--days",
                   ",".join(str(d) for d in range(1, 1500))], "days"),
    ("species-twice", ["sweep", *P, "--days", "5", "--species", "L,L"], "given twice"),
    ("species-unknown", ["sweep", *P, "--species", "Q"], "unknown species"),
    ("species-empty", ["sweep", *P, "--species", ""], "unknown species"),
    ("samples-zero", ["sweep", "--range", "alpha=1e-10:1e-9", "--sample", "lhs",
                      "--samples", "0"], "--samples"),
    ("samples-huge", ["sweep", "--range", "alpha=1e-10:1e-9", "--sample", "lhs",
                      "--samples", "1000000000000"], "--samples"),
    ("samples-float", ["sweep", "--range", "alpha=1e-10:1e-9", "--sample", "lhs",
                       "--samples", "1e3"], "--samples"),
    ("samples-arabic", ["sweep", "--range", "alpha=1e-10:1e-9", "--sample", "lhs",
                        "--samples", "\u0661\u0660"], "--samples"),
    ("workers-1000", ["sweep", *P, "--workers", "1000"], "cores"),
    ("workers-0", ["sweep", *P, "--workers", "0"], "--workers"),
    ("workers-negative", ["sweep", *P, "--workers", "-2"], "--workers"),
    ("workers-text", ["sweep", *P, "--workers", "many"], "--workers"),
    ("workers-dask-1000", ["sweep", *P, "--engine", "dask", "--workers", "1000"], "cores"),
    ("bench-workers", ["bench", "--workers", "1000"], "cores"),
    ("chunk-zero", ["sweep", *P, "--chunk-size", "0"], "--chunk-size"),
    ("chunk-huge", ["sweep", *P, "--chunk-size", "10000000"], "--chunk-size"),
    ("chunk-text", ["sweep", *P, "--chunk-size", "x"], "--chunk-size"),
    ("axis-1e9", ["sweep", "--param", "alpha=1e-10:1e-9:1000000000"], "a grid needs"),
    ("axis-1e20", ["sweep", "--param", "alpha=1e-10:1e-9:100000000000000000000"],
     "a grid needs"),
    ("axis-product", ["sweep", "--param", "alpha=1e-10:1e-9:20000", "--param",
                      "h=1e8:1e9:20000"], "split the sweep"),
    ("axis-sci", ["sweep", "--param", "alpha=1e-10:1e-9:1e3"], "expected"),
    ("axis-nan", ["sweep", "--param", "alpha=nan:1e-9:3"], "finite"),
    ("axis-inf", ["sweep", "--param", "alpha=1e-10:inf:3"], "finite"),
    ("axis-underscore", ["sweep", "--param", "alpha=1_0:2:3"], "expected"),
    ("axis-arabic", ["sweep", "--param", "rhoA=\u0660.5:1:3:linear"], "expected"),
    ("axis-unknown", ["sweep", "--param", "zeta=1:2:3"], "unknown parameter"),
    ("axis-twice", ["sweep", *P, *P], "given twice"),
    ("axis-log-zero", ["sweep", "--param", "alpha=0:1e-9:3"], "log range"),
    ("axis-negative", ["sweep", "--param", "alpha=-1:1:3:linear"], "allowed"),
    ("axis-shape", ["sweep", "--param", "alpha=1:2"], "expected"),
    ("axis-no-name", ["sweep", "--param", "=1:2:3"], "expected"),
    ("switch-half", ["sweep", "--param", "B0_in_F=0:1:3:linear"], "switch"),
    ("switch-sampled", ["sweep", "--range", "B0_in_F=0:1:linear", "--sample", "lhs",
                        "--samples", "4"], "switch"),
    ("switch-log", ["sweep", "--param", "CA_loss_gammaMA=0.5:1:2"], "switch"),
    ("set-arabic", ["sweep", *P, "--set", "rhoA=\u0661"], "not a number"),
    ("set-underscore", ["sweep", *P, "--set", "rhoA=1_0"], "not a number"),
    ("set-twice", ["sweep", *P, "--set", "rhoA=1", "--set", "rhoA=2"], "given twice"),
    ("set-hex", ["sweep", *P, "--set", "rhoA=0x10"], "not a number"),
    ("set-empty", ["sweep", *P, "--set", "rhoA="], "expected NAME=VALUE"),
    ("init-negative", ["sweep", *P, "--init", "L=-1"], "negative"),
    ("init-unknown", ["sweep", *P, "--init", "X=1"], "unknown species"),
    ("t-end-1e9", ["sweep", *P, "--t-end", "1e9"], "horizon"),
    ("t-end-zero", ["sweep", *P, "--t-end", "0"], "horizon"),
    ("t-end-nan", ["sweep", *P, "--t-end", "nan"], "horizon"),
    ("sweep-out-dir", ["sweep", *P, "--out", "."], "unsupported extension"),
    ("sweep-out-missing", ["sweep", *P, "--out", "no/such/x.parquet"], "not an existing"),
    ("scheduler-not-url", ["sweep", *P, "--scheduler", "not a url"], "not an address"),
    ("scheduler-port", ["sweep", *P, "--scheduler", "tcp://127.0.0.1:99999"],
     "not an address"),
    ("scheduler-path", ["sweep", *P, "--scheduler", "http://x/y"], "not an address"),
    ("scheduler-serial", ["sweep", *P, "--scheduler", "tcp://127.0.0.1:9", "--engine",
                          "serial"], "--scheduler needs"),
    ("sample-no-range", ["sweep", "--sample", "lhs", "--samples", "3"], "needs at least one"),
    ("nothing", ["sweep"], "nothing varies"),
    ("simulate-points-1e9", ["simulate", "--points", "1000000000"], "point count"),
    ("simulate-points-1e12", ["simulate", "--points", "1000000000000"], "point count"),
    ("simulate-points-sci", ["simulate", "--points", "1e3"], "point count"),
    ("simulate-points-one", ["simulate", "--points", "1"], "point count"),
    ("simulate-t-end-1e9", ["simulate", "--t-end", "1e9"], "horizon"),
    ("simulate-t-end-neg", ["simulate", "--t-end", "-5"], "horizon"),
    ("simulate-arabic", ["simulate", "--set", "rhoA=\u0661"], "not a number"),
    ("simulate-underscore", ["simulate", "--set", "rhoA=1_0"], "not a number"),
    ("simulate-fullwidth", ["simulate", "--set", "rhoA=\uff11"], "not a number"),
    ("simulate-switch", ["simulate", "--set", "B0_in_F=0.5"], "allowed"),
    ("simulate-inf", ["simulate", "--set", "alpha=inf"], "not finite"),
    ("simulate-out-ext", ["simulate", "--out", "x.txt"], "unsupported extension"),
    ("simulate-homeostasis", ["simulate", "--b-homeostasis", "abc"], ""),
    ("run-resolution", ["run", "fig3", "--resolution", "0"], "resolution"),
    ("run-resolution-text", ["run", "fig3", "--resolution", "x"], "resolution"),
    ("run-unknown", ["run", "fig99"], ""),
    ("run-dpi", ["run", "fig3", "--dpi", "100000"], "--dpi"),
    ("cohort-preset", ["cohort", "--preset", "nope"], "unknown preset"),
    ("cohort-workers", ["cohort", "--workers", "1000"], "cores"),
    ("cohort-chunk", ["cohort", "--chunk-size", "-1"], "--chunk-size"),
    ("copasi-missing", ["copasi", "nothing.omex"], "no such archive"),
    ("validate-missing", ["validate", "nothing.omex"], "no such file"),
]


@pytest.mark.parametrize("args, contains", cases(
    COMMAND_LINE, {"seed-negative", "days-twice", "workers-1000", "axis-1e20",
                   "switch-half", "set-arabic", "simulate-points-1e12", "scheduler-not-url"}))
def test_bad_command_lines_are_one_line_and_status_2(tmp_path, monkeypatch, capsys, args,
                                                     contains):
    refused(tmp_path, monkeypatch, capsys, args, contains=contains)


@pytest.mark.heavy
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=12))
def test_any_text_is_a_number_or_one_clear_error(text):
    try:
        value = parse_number(text)
    except ValueError:
        with pytest.raises(PycartError):
            check_parameters({"rhoA": text})
        return
    assert text.strip().isascii() and "_" not in text
    assert value == float(text) or (math.isnan(value) and math.isnan(float(text)))
    try:
        check_parameters({"rhoA": text})
    except PycartError as exc:
        assert "\n" not in str(exc)


@pytest.mark.heavy
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=10))
def test_any_text_is_a_whole_number_or_refused(text):
    try:
        value = parse_whole(text)
    except ValueError:
        return
    assert value == int(text) and text.strip().isascii()


# ---- 2. scenario files -------------------------------------------------------------------

RUN = '[[runs]]\nlabel = "a"\n'
GRID2 = ('[[grids]]\nname = "g"\naxes = [{parameter = "alpha", lo = 1e-10, hi = 1e-9, n = 2},'
         ' {parameter = "h", lo = 1e8, hi = 1e9, n = 2}]\n')
GRID1 = '[[grids]]\nname = "g"\naxes = [{parameter = "alpha", lo = 1e-10, hi = 1e-9, n = 2}]\n'


def _grid(extra: str) -> str:
    return f'[[grids]]\nname = "g"\n{extra}\naxes = [{{parameter = "alpha", lo = 1e-10, ' \
           'hi = 1e-9, n = 2}]\n'


SCENARIO_FILES = [
    ("no-name", RUN, "missing key 'name'"),
    ("name-number", "name = 5\n" + RUN, "not a text"),
    ("name-empty", 'name = ""\n' + RUN, "name"),
    ("name-long", f'name = "{"x" * 500}"\n' + RUN, "1 to 100 characters"),
    ("name-spaces", 'name = "   "\n' + RUN, "not only spaces"),
    ("label-empty", 'name = "s"\n[[runs]]\nlabel = ""\n', "name"),
    ("label-long", f'name = "s"\n[[runs]]\nlabel = "{"y" * 300}"\n', "1 to 100 characters"),
    ("labels-slash", 'name = "s"\n[[runs]]\nlabel = "a/b"\n[[runs]]\nlabel = "a_b"\n',
     "would both be written"),
    ("labels-space", 'name = "s"\n[[runs]]\nlabel = "a b"\n[[runs]]\nlabel = "a_b"\n',
     "would both be written"),
    ("labels-case", 'name = "s"\n[[runs]]\nlabel = "A"\n[[runs]]\nlabel = "a"\n',
     "would both be written"),
    ("labels-twice", 'name = "s"\n[[runs]]\nlabel = "a"\n[[runs]]\nlabel = "a"\n', "unique"),
    ("label-metrics", 'name = "s"\n[[runs]]\nlabel = "metrics"\n', "would both be written"),
    ("label-grid", 'name = "s"\n[[runs]]\nlabel = "grid_g"\n' + GRID1,
     "would both be written"),
    ("grids-twice", 'name = "s"\n' + GRID1 + GRID1, "would both be written"),
    ("grid-days-nan", 'name = "s"\n' + _grid("days = [nan]"), "not finite"),
    ("grid-days-inf", 'name = "s"\n' + _grid("days = [inf]"), "not finite"),
    ("grid-days-half", 'name = "s"\n' + _grid("days = [2.5]"), "whole days"),
    ("grid-days-late", 'name = "s"\n' + _grid("days = [99]"), "whole days"),
    ("grid-days-text", 'name = "s"\n' + _grid('days = ["x"]'), "not a day"),
    ("grid-t-end-neg", 'name = "s"\n' + _grid("t_end = -5"), ""),
    ("grid-t-end-nan", 'name = "s"\n' + _grid("t_end = nan"), "not finite"),
    ("grid-t-end-huge", 'name = "s"\n' + _grid("t_end = 1e308"), "horizon"),
    ("grid-t-end-bigint", 'name = "s"\n' + _grid(f"t_end = {10**30}"), "horizon"),
    ("grid-n-huge", 'name = "s"\n[[grids]]\nname = "g"\naxes = [{parameter = "alpha", '
                    'lo = 1e-10, hi = 1e-9, n = 1000000000}]\n', "points"),
    ("grid-n-product", 'name = "s"\n[[grids]]\nname = "g"\naxes = [{parameter = "alpha", '
                       'lo = 1e-10, hi = 1e-9, n = 1000}, {parameter = "h", lo = 1e8, '
                       'hi = 1e9, n = 1000}]\n', "points"),
    ("grid-n-zero", 'name = "s"\n[[grids]]\nname = "g"\naxes = [{parameter = "alpha", '
                    'lo = 1e-10, hi = 1e-9, n = 0}]\n', "n >= 1"),
    ("grid-lo-nan", 'name = "s"\n[[grids]]\nname = "g"\naxes = [{parameter = "alpha", '
                    'lo = nan, hi = 1e-9, n = 2}]\n', "not finite"),
    ("grid-no-axes", 'name = "s"\n[[grids]]\nname = "g"\naxes = []\n', "points"),
    ("t-end-neg", 'name = "s"\nt_end = -5\n' + RUN, "horizon"),
    ("t-end-nan", 'name = "s"\nt_end = nan\n' + RUN, "not finite"),
    ("t-end-huge", 'name = "s"\nt_end = 1e308\n' + RUN, "horizon"),
    ("t-end-text", 'name = "s"\nt_end = "long"\n' + RUN, "not a number"),
    ("t-end-bool", 'name = "s"\nt_end = true\n' + RUN, "not a number"),
    ("param-nan", 'name = "s"\n[[runs]]\nlabel = "a"\nparameters = {alpha = nan}\n',
     "not finite"),
    ("param-text", 'name = "s"\n[[runs]]\nlabel = "a"\nparameters = {alpha = "x"}\n',
     "not a number"),
    ("param-unknown", 'name = "s"\n[[runs]]\nlabel = "a"\nparameters = {zeta = 1}\n',
     "unknown parameter"),
    ("param-bigint", f'name = "s"\n[[runs]]\nlabel = "a"\nparameters = {{alpha = {10**400}}}\n',
     "allowed: a finite number"),
    ("initial-neg", 'name = "s"\n[[runs]]\nlabel = "a"\ninitial = {L = -1}\n', "negative"),
    ("model-unknown", 'name = "s"\nmodel = "x"\n' + RUN, "unknown model"),
    ("key-unknown", 'name = "s"\nfoo = 1\n' + RUN, "unknown key"),
    ("nothing", 'name = "s"\n', "nothing to simulate"),
    ("runs-table", 'name = "s"\nruns = 5\n', "list"),
    ("runs-many", 'name = "s"\n' + "".join(f'[[runs]]\nlabel = "r{k}"\n' for k in range(2000)),
     "at most"),
    ("runs-panels", 'name = "s"\n' + "".join(f'[[runs]]\nlabel = "r{k}"\n' for k in range(40)),
     "panels"),
    ("heatmap-one-axis", 'name = "s"\n' + GRID1 +
     '[[panels]]\ntitle = "h"\nkind = "heatmap"\ngrid = "g"\n', "two axes"),
    ("heatmap-value", 'name = "s"\n' + GRID2 +
     '[[panels]]\ntitle = "h"\nkind = "heatmap"\ngrid = "g"\nvalue = "zzz"\n', "reports no"),
    ("heatmap-marks", 'name = "s"\n' + RUN + GRID2 +
     '[[panels]]\ntitle = "h"\nkind = "heatmap"\ngrid = "g"\nmarks = ["a"]\n', "both axes"),
    ("heatmap-grid", 'name = "s"\n' + GRID2 +
     '[[panels]]\ntitle = "h"\nkind = "heatmap"\ngrid = "nope"\n', "unknown grid"),
    ("heatmap-grid-list", 'name = "s"\n' + GRID2 +
     '[[panels]]\ntitle = "h"\nkind = "heatmap"\ngrid = ["g"]\n', "is not a grid name"),
    ("heatmap-value-list", 'name = "s"\n' + GRID2 +
     '[[panels]]\ntitle = "h"\nkind = "heatmap"\ngrid = "g"\nvalue = ["L30"]\n',
     "is not a column name"),
    ("panel-runs-numbers", 'name = "s"\n' + RUN + '[[panels]]\ntitle = "p"\nruns = [[1]]\n',
     "is not a list of texts"),
    ("boxplot-early", 'name = "s"\n' + _grid("t_end = 10\ndays = [5]\nmetrics = true") +
     '[[panels]]\ntitle = "b"\nkind = "boxplot"\ngrid = "g"\nseries = ["fold_expansion"]\n',
     "must reach day"),
    ("boxplot-metric", 'name = "s"\n' + GRID1 +
     '[[panels]]\ntitle = "b"\nkind = "boxplot"\ngrid = "g"\nseries = ["fold_expansion"]\n',
     "reports no"),
    ("share-one-product", 'name = "s"\n' + RUN +
     '[[panels]]\ntitle = "s"\nkind = "share"\nruns = ["a"]\n', "two-product"),
    ("t-max-negative", 'name = "s"\n' + RUN + '[[panels]]\ntitle = "p"\nt_max = -1\n',
     "t_max"),
    ("t-max-nan", 'name = "s"\n' + RUN + '[[panels]]\ntitle = "p"\nt_max = nan\n',
     "not finite"),
    ("panel-kind", 'name = "s"\n' + RUN + '[[panels]]\ntitle = "p"\nkind = "pie"\n',
     "unknown kind"),
    ("panel-series", 'name = "s"\n' + RUN + '[[panels]]\ntitle = "p"\nseries = ["Z"]\n',
     "unknown series"),
    ("panel-run", 'name = "s"\n' + RUN + '[[panels]]\ntitle = "p"\nruns = ["zz"]\n',
     "unknown runs"),
    ("layout-small", 'name = "s"\nlayout = [1, 0]\n' + RUN, "layout"),
    ("not-toml", 'name = "s\n', "not valid TOML"),
    ("deep", "a = " + "[" * 5000 + "]" * 5000 + "\n", "not valid TOML"),
    ("deep-tables", "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n", "not valid TOML"),
]


@pytest.mark.parametrize("text, contains", cases(
    SCENARIO_FILES, {"labels-slash", "label-metrics", "grid-days-nan", "heatmap-one-axis",
                     "deep-tables", "t-end-huge", "heatmap-grid-list", "heatmap-value-list",
                     "panel-runs-numbers"}))
def test_bad_scenario_files_are_one_line_before_any_work(tmp_path, monkeypatch, capsys, text,
                                                         contains):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "s.toml").write_text(text, encoding="utf-8")
    refused(tmp_path, monkeypatch, capsys, ["run", str(inputs / "s.toml"), "--out", "out"],
            contains=contains)


def _special_file(tmp_path: Path, kind: str) -> Path:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    path = inputs / "s.toml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"name = \"\xff\xfe\"\n")
    elif kind == "large":
        path.write_bytes(b"#" * 2_000_000)
    elif kind == "missing":
        pass
    elif kind == "unreadable":
        path.write_text('name = "s"\n', encoding="utf-8")
        path.chmod(0)
    return path


@pytest.mark.parametrize("kind", [pytest.param("fifo"), "folder", "binary", "large",
                                  "missing"])
def test_special_scenario_files_are_refused_without_blocking(tmp_path, monkeypatch, capsys,
                                                             kind):
    path = _special_file(tmp_path, kind)
    for command in (["run", str(path), "--out", "out"], ["show", str(path)]):
        refused(tmp_path, monkeypatch, capsys, command)


@pytest.mark.parametrize("name", _marks(["../escape", "/tmp/absolute-pycart-i15", "..", ".",
                                         "a/../../b", "~/home", "c:\\\\win", ".hidden"],
                                        {"../escape", "/tmp/absolute-pycart-i15"}))
def test_a_scenario_name_is_a_label_never_a_path(tmp_path, monkeypatch, capsys, name):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "s.toml").write_text(f'name = "{name}"\nt_end = 31\n[[runs]]\nlabel = "a"\n',
                                   encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with bounded():
        assert main(["run", str(inputs / "s.toml")]) == 0
    capsys.readouterr()
    assert {p.name for p in tmp_path.iterdir()} == {"work", "inputs"}
    assert not Path("/tmp/absolute-pycart-i15.png").exists()
    folders = list(work.iterdir())
    assert len(folders) == 1 and folders[0].is_dir()
    assert sorted(p.suffix for p in folders[0].iterdir()) == [".csv", ".csv", ".png"]


def test_a_failing_run_keeps_the_others_and_says_which_failed(tmp_path, monkeypatch, capsys):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "s.toml").write_text(
        'name = "s"\nt_end = 31\n[[runs]]\nlabel = "good"\n[[runs]]\nlabel = "bad"\n'
        "parameters = {rhoA = 1e300}\n", encoding="utf-8")
    err = refused(tmp_path, monkeypatch, capsys, ["run", str(inputs / "s.toml"), "--out", "o"],
                  status=1, contains="run 'bad' failed: the solver failed")
    out = tmp_path / "work" / "o"
    assert sorted(p.name for p in out.iterdir()) == ["good.csv", "metrics.csv"]
    import pandas as pd

    metrics = pd.read_csv(out / "metrics.csv")
    assert list(metrics["status"]) == ["ok", "failed"]
    assert metrics["message"].iloc[1].startswith("the solver failed")
    assert "figure is not drawn" in err


def test_a_read_only_output_folder_is_found_before_any_simulation(tmp_path, monkeypatch,
                                                                  capsys):
    if os.geteuid() == 0:  # root writes anywhere; a read-only mount is what binds it
        def read_only(*args, **kwargs):
            raise OSError(30, "Read-only file system")

        monkeypatch.setattr("tempfile.NamedTemporaryFile", read_only)
        folder = "ro"
    else:
        folder = tmp_path / "work" / "ro"
        folder.mkdir(parents=True)
        folder.chmod(0o500)
    refused(tmp_path, monkeypatch, capsys, ["run", "fig6", "--out", str(folder)],
            contains="not writable")


@pytest.mark.heavy
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(
    st.sampled_from(["name", "t_end", "model", "title", "layout", "runs", "parameters"]),
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
              st.lists(st.integers(), max_size=3),
              st.lists(st.fixed_dictionaries({"label": st.text(max_size=5)}), max_size=3),
              st.dictionaries(st.text(max_size=6), st.floats(), max_size=3)),
    max_size=6))
def test_any_scenario_table_loads_or_is_one_clear_error(data):
    from pycart.experiments.userfile import _scenario

    data = {k: v for k, v in data.items() if v is not None}
    try:
        scenario = _scenario(data)
        scenario.validate()
    except PycartError as exc:
        assert "\n" not in str(exc)


# ---- 3. archives --------------------------------------------------------------------------

def _members() -> dict[str, bytes]:
    with zipfile.ZipFile(FIG2) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _zip(members: dict[str, bytes], compress=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _patched(data: bytes, offset_of: bytes, field: int, value: int, size: str = "<H") -> bytes:
    """Set a field of every header starting with ``offset_of`` (local or central)."""
    out = bytearray(data)
    at = out.find(offset_of)
    while at >= 0:
        struct.pack_into(size, out, at + field, value)
        at = out.find(offset_of, at + 4)
    return bytes(out)


def _crafted(kind: str) -> bytes:
    members = _members()
    sedml = members["fig2.sedml"].decode()
    if kind == "encrypted":
        data = _zip(members)
        data = _patched(data, b"PK\x03\x04", 6, 1)
        return _patched(data, b"PK\x01\x02", 8, 1)
    if kind == "unknown-compression":
        data = _zip(members)
        data = _patched(data, b"PK\x03\x04", 8, 99)
        return _patched(data, b"PK\x01\x02", 10, 99)
    if kind == "bad-crc":
        data = bytearray(_zip(members, zipfile.ZIP_STORED))
        at = data.find(b"<sbml")
        data[at + 10] ^= 0x20
        return bytes(data)
    if kind == "truncated":
        return _zip(members)[:3000]
    if kind == "empty":
        return b""
    if kind == "not-zip":
        return b"this is not an archive" * 100
    if kind == "non-utf8-sedml":
        return _zip(members | {"fig2.sedml": b"\xff\xfe" + members["fig2.sedml"]})
    if kind == "non-utf8-manifest":
        return _zip(members | {"manifest.xml": b"\xff" * 50})
    if kind == "non-utf8-sbml":
        return _zip(members | {"cart_bm.xml": b"<sbml \xff\xff"})
    if kind == "model-not-sbml":
        return _zip(members | {"cart_bm.xml": b"<?xml version='1.0'?><html>no</html>"})
    if kind == "model-missing":
        return _zip({k: v for k, v in members.items() if k != "cart_bm.xml"})
    if kind == "duplicate":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            for name, data in members.items():
                zf.writestr(name, data)
            with pytest.warns(UserWarning):
                zf.writestr("cart_bm.xml", b"<sbml/>")
        return buffer.getvalue()
    if kind == "missing-task":
        return _zip(members | {"fig2.sedml": sedml.replace('taskReference="',
                                                           'taskReference="zz').encode()})
    if kind == "missing-data-generator":
        return _zip(members | {"fig2.sedml": sedml.replace('yDataReference="',
                                                           'yDataReference="zz').encode()})
    if kind == "missing-simulation":
        return _zip(members | {"fig2.sedml": sedml.replace('simulationReference="',
                                                           'simulationReference="zz').encode()})
    if kind == "no-plots":
        import re

        cut = re.sub(r"<listOfOutputs>.*</listOfOutputs>", "", sedml, flags=re.S)
        return _zip(members | {"fig2.sedml": cut.encode()})
    if kind == "no-sedml":
        return _zip({k: v for k, v in members.items() if not k.endswith(".sedml")})
    if kind == "zip-slip":
        return _zip(members | {"../evil.xml": b"x"})
    if kind == "absolute":
        return _zip(members | {"/tmp/evil-pycart.xml": b"x"})
    if kind == "drive":
        return _zip(members | {"C:/evil.xml": b"x"})
    if kind == "many-members":
        return _zip(members | {f"m{k}.txt": b"" for k in range(1500)})
    if kind == "bomb-header":  # one member claiming 2 GiB
        data = _zip(members | {"big.xml": b"<sbml/>" * 10})
        return _patched(_patched(data, b"PK\x01\x02", 24, 2**31, "<I"), b"PK\x03\x04", 22,
                        2**31, "<I")
    if kind == "bomb-lying":  # 80 MiB of zeros whose headers claim 100 bytes
        data = _zip({"manifest.xml": members["manifest.xml"], "big.xml": bytes(80 * 2**20)})
        return _patched(_patched(data, b"PK\x01\x02", 24, 100, "<I"), b"PK\x03\x04", 22, 100,
                        "<I")
    if kind == "entity":
        bomb = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rdf:RDF>&c;</rdf:RDF>')
        return _zip(members | {"metadata.rdf": bomb.encode()})
    raise AssertionError(kind)


ARCHIVES = ["encrypted", "unknown-compression", "bad-crc", "truncated", "empty", "not-zip",
            "non-utf8-sedml", "non-utf8-manifest", "non-utf8-sbml", "model-not-sbml",
            "model-missing", "duplicate", "missing-task", "missing-data-generator",
            "missing-simulation", "no-plots", "no-sedml", "zip-slip", "absolute", "drive",
            "many-members", "bomb-header", "bomb-lying", "entity"]
FAST_ARCHIVES = {"encrypted", "bad-crc", "model-not-sbml", "duplicate", "missing-task",
                 "no-plots", "bomb-header", "zip-slip"}


def _archive(tmp_path: Path, kind: str) -> Path:
    inputs = tmp_path / "inputs"
    inputs.mkdir(exist_ok=True)
    path = inputs / f"{kind}.omex"
    path.write_bytes(_crafted(kind))
    return path


@pytest.mark.parametrize("kind", _marks(ARCHIVES, FAST_ARCHIVES))
def test_validate_reports_a_crafted_archive_without_a_traceback(tmp_path, monkeypatch, capsys,
                                                                kind):
    path = _archive(tmp_path, kind)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with bounded():
        code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and err == ""
    assert code in (0, 1)
    if kind not in ("entity", "no-plots"):
        assert code == 1 and "error" in out
    if kind == "no-plots":
        assert "no plots or reports" in out
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("kind", _marks([k for k in ARCHIVES if k != "entity"],
                                        FAST_ARCHIVES))
def test_copasi_refuses_a_crafted_archive_in_one_line(tmp_path, monkeypatch, capsys, kind):
    from pycart.exchange.copasi import _copasi

    path = _archive(tmp_path, kind)
    temp = tmp_path / "inputs" / "temp"
    temp.mkdir()
    monkeypatch.setenv("TEMP", str(temp))
    _copasi().COptions.getTemp()  # COPASI's own folder, made once per process
    before = {p.relative_to(temp) for p in temp.rglob("*")}
    refused(tmp_path, monkeypatch, capsys, ["copasi", str(path), "--out", "out"])
    left = {p.relative_to(temp) for p in temp.rglob("*")} - before
    assert not left, "COPASI left files in the shared temporary folder"


@pytest.mark.heavy
@pytest.mark.parametrize("command", ["validate", "copasi"])
def test_a_zip_bomb_is_refused_with_bounded_memory(tmp_path, command):
    """In a subprocess, to measure its peak memory: 80 MiB of zeros behind lying headers and
    a member claiming 2 GiB are refused at the limits, far below the 3 GB seen before."""
    for kind in ("bomb-lying", "bomb-header"):
        path = _archive(tmp_path, kind)
        args = [command, str(path)] + (["--out", str(tmp_path / "out")] if command == "copasi"
                                       else [])
        # VmHWM is this process's own peak; ru_maxrss would carry over the peak of the
        # process that forked it (Linux keeps it across execve): pytest's own, late in a run
        code = ("import sys; from pycart.cli import main; status = main(sys.argv[1:]);"
                " print([l.split()[1] for l in open('/proc/self/status')"
                " if l.startswith('VmHWM')][0], file=sys.stderr); sys.exit(status)")
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                              text=True, timeout=120, cwd=tmp_path)
        assert "Traceback" not in done.stderr and done.returncode in (1, 2), done.stderr
        peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
        assert peak_mb < 600, f"{peak_mb:.0f} MB"
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_copasi_leftovers_of_an_import_are_removed(tmp_path):
    from pycart.exchange import copasi

    with copasi.private_temp() as folder:
        (folder / "copasi" / "someone" / "x1").mkdir(parents=True)
        (folder / "copasi" / "someone" / "x1" / "f.xml").write_text("x")
    assert not (folder / "copasi" / "someone").exists() and folder.exists()


@pytest.mark.heavy
def test_copasi_works_in_a_private_folder_removed_at_exit(tmp_path):
    """In a fresh process (COPASI fixes its working folder when it starts): a good archive
    and a crafted one leave nothing in the shared temporary folder."""
    temp = tmp_path / "temp"
    temp.mkdir()
    env = dict(os.environ, TEMP=str(temp), TMPDIR=str(temp), TMP=str(temp))
    crafted = _archive(tmp_path, "non-utf8-manifest")
    for archive, status in ((FIG2, 0), (crafted, 2)):
        done = subprocess.run([sys.executable, "-m", "pycart", "copasi", str(archive), "--out",
                               str(tmp_path / "out"), "--plot", "plot1"], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == status, done.stderr
        assert list(temp.iterdir()) == [], "COPASI's files outlived the command"


def test_a_copasi_file_cut_short_by_a_full_disk_is_not_reported_written(tmp_path,
                                                                        monkeypatch, capsys):
    from pycart.exchange import copasi

    monkeypatch.setattr(copasi, "_complete", lambda path: False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with bounded():
        code = main(["copasi", str(FIG2), "--out", "out", "--plot", "plot1"])
    out, err = capsys.readouterr()
    assert code == 1 and "wrote" not in out and "disk full" in err and err.count("\n") == 1
    assert not (work / "out").exists()


def test_an_archive_write_that_fails_leaves_no_part_file(tmp_path, monkeypatch):
    from pycart.exchange import omex

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(omex.os, "fsync", full)
    with pytest.raises(OSError):
        omex.write_archive(tmp_path / "a.omex", {"m.xml": b"<sbml/>"}, "m.xml", "t", "d")
    assert list(tmp_path.iterdir()) == []


# ---- 4. results --------------------------------------------------------------------------

def test_a_solver_failure_is_pycarts_line_only(tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    with bounded():
        code = main(["simulate", "--set", "rhoA=1e300", "--t-end", "30"])
    out, err = capfd.readouterr()
    assert code == 1 and err.count("\n") == 1 and "[ERROR]" not in err
    assert err.startswith("pycart simulate: simulation failed: the solver failed")
    assert list(tmp_path.iterdir()) == []
