"""Hostile input, issue #24, inputs and messages: data tables that are ragged, too large, far
in time or all at day 0; labels a spreadsheet would run or that are not UTF-8; infinite values
in a plot; a manifest with a DTD; one missing-value convention; what --resolution does; and a
clean exit after a fit's worker pool closes.

The promise is that of ``test_hostile.py``: bad input is one line and status 2 before any
work, nothing is written outside the output folder, and nothing else reaches stderr.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_hostile import FIG2, bounded, refused

from pycart.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _input(tmp_path: Path, name: str, data: str | bytes) -> Path:
    inputs = tmp_path / "inputs"
    inputs.mkdir(exist_ok=True)
    path = inputs / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# ---- 1. ragged rows in a fit's data ----------------------------------------------------------

HEADER = "time,observable,value\n"
RAGGED = [
    # (id, body, the line and fields the message names)
    ("extra-field", "1,L,5\n2,L,6,7\n", "line 3 has 4 fields but the header has 3"),
    ("missing-field", "1,L,5\n2,L\n", "line 3 has 2 fields but the header has 3"),
    # pandas read these as an index column: the fit ran on shifted values, or crashed
    # building the message
    ("shifted-into-index", "x,1,L,5\n", "line 2 has 4 fields but the header has 3"),
    ("two-extra", "x,y,1,L,zz\n", "line 2 has 5 fields but the header has 3"),
    ("after-blank-and-quoted", '1,L,5\n\n"2",L,"6\n"\n3,L\n', "line 6 has 2 fields"),
]


@pytest.mark.parametrize("command", ["fit", "petab"])
@pytest.mark.parametrize("body, says", [
    pytest.param(*c[1:], id=c[0], marks=() if c[0] in ("shifted-into-index", "two-extra")
                 else (pytest.mark.heavy,)) for c in RAGGED])
def test_a_ragged_row_is_one_line_naming_it(tmp_path, monkeypatch, capsys, command, body,
                                            says):
    data = _input(tmp_path, "data.csv", HEADER + body)
    refused(tmp_path, monkeypatch, capsys, [command, str(data), "--estimate", "h", "--out",
                                            "out"], contains=says)


def test_quoted_fields_and_a_byte_order_mark_still_read(tmp_path):
    from pycart.analysis.data import read_measurements

    data = _input(tmp_path, "data.csv", '\ufefftime, observable ,value,patient\n'
                                        '1,L,5,"a,b"\n\n2,L,6,"a,b"\n')
    table = read_measurements(data)
    assert table["patient"].tolist() == ["a,b", "a,b"]
    assert table["value"].tolist() == [5.0, 6.0]


# ---- 2. the size of a data table -------------------------------------------------------------

def test_a_data_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch,
                                                                     capsys):
    from pycart.analysis.data import MAX_DATA_BYTES

    data = _input(tmp_path, "big.csv", HEADER)
    with open(data, "r+b") as handle:  # sparse: nothing to read, nothing to write
        handle.truncate(MAX_DATA_BYTES + 1)
    refused(tmp_path, monkeypatch, capsys, ["fit", str(data), "--estimate", "h"],
            contains="(allowed: up to 64 MiB")


def test_a_data_file_over_the_row_limit_is_refused_in_one_line(tmp_path, monkeypatch, capsys):
    from pycart.analysis.data import MAX_DATA_BYTES, MAX_MEASUREMENTS

    text = HEADER + "1,L,5\n" * (MAX_MEASUREMENTS + 1)
    assert len(text) < MAX_DATA_BYTES  # the row count, not the size, refuses it
    data = _input(tmp_path, "long.csv", text)
    refused(tmp_path, monkeypatch, capsys, ["petab", str(data), "--estimate", "h"],
            contains=f"more than {MAX_MEASUREMENTS:,} measurements")


@pytest.mark.parametrize("command", ["fit", "petab"])
def test_the_limits_are_stated_in_help(capsys, command):
    from pycart.analysis.data import MAX_DATA_BYTES, MAX_MEASUREMENTS

    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert (f"at most {MAX_MEASUREMENTS:,} rows and {MAX_DATA_BYTES // 2**20} MiB"
            in text)


def test_a_parquet_file_over_the_row_limit_is_refused_from_its_metadata(tmp_path, monkeypatch,
                                                                       capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pycart.analysis.data import MAX_MEASUREMENTS

    n = MAX_MEASUREMENTS + 1
    path = tmp_path / "inputs" / "long.parquet"
    path.parent.mkdir()
    pq.write_table(pa.table({"time": np.ones(n), "observable": pa.array(["L"] * n),
                             "value": np.ones(n)}), path)
    refused(tmp_path, monkeypatch, capsys, ["fit", str(path), "--estimate", "h"],
            contains=f"more than {MAX_MEASUREMENTS:,} measurements")


# ---- 3. infinite values in a plot ------------------------------------------------------------

def test_plot_leaves_out_infinite_points_and_says_how_many(tmp_path, monkeypatch, capsys):
    table = _input(tmp_path, "grid.csv", "alpha,beta,L30,status\n1,1,2,ok\ninf,1,3,ok\n"
                                         "1,2,4,ok\ninf,2,5,ok\n2,1,1,ok\n2,2,1,ok\n")
    monkeypatch.chdir(tmp_path / "inputs")
    with bounded():
        code = main(["plot", str(table), "--x", "alpha", "--y", "beta", "--color", "L30",
                     "--out", "p.png"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == "pycart plot: left out 2 of 6 points whose alpha is infinite\n"
    assert (tmp_path / "inputs" / "p.png").stat().st_size > 0


def test_plot_with_nothing_finite_is_one_line(tmp_path, monkeypatch, capsys):
    table = _input(tmp_path, "t.csv", "alpha,L30,status\ninf,2,ok\n-inf,3,ok\n")
    refused(tmp_path, monkeypatch, capsys, ["plot", str(table), "--x", "alpha", "--y", "L30",
                                            "--out", "p.png"],
            contains="every finished point has an infinite alpha or L30")


# ---- 4. a clean exit after the worker pool closes --------------------------------------------

#: A process that uses a ProcessEngine as a fit does, with the race that printed "Exception
#: ignored in: <module 'threading'> ... Bad file descriptor" made certain: the pool's manager
#: thread closes its wake-up pipe 0.3 s late, and the wake-up Python's exit sends
#: (concurrent.futures' _python_exit, without the pool's lock) writes 0.6 s after its check.
#: A pool left winding down at exit loses the race every time; one closed before exit never
#: takes part in it.
RACE = """
import time
import concurrent.futures.process as cfp

close = cfp._ThreadWakeup.close

def late_close(self):
    time.sleep(0.3)
    close(self)

def slow_wakeup(self):
    if not self._closed:
        if cfp._global_shutdown:  # only the wake-up of Python's exit
            time.sleep(0.6)
        self._writer.send_bytes(b"")

cfp._ThreadWakeup.close = late_close
cfp._ThreadWakeup.wakeup = slow_wakeup

from pycart.scale.engines import ProcessEngine

if __name__ == "__main__":
    engine = ProcessEngine(1)
    print(sorted(engine.run(abs, [(-1,), (-2,)])))
    engine.close()
"""


def test_nothing_is_printed_after_the_worker_pool_closes(tmp_path):
    import concurrent.futures.process as cfp

    if not hasattr(cfp, "_ThreadWakeup") or not hasattr(cfp._ThreadWakeup, "close"):
        pytest.skip("this Python's concurrent.futures has no _ThreadWakeup to slow down")
    script = tmp_path / "race.py"
    script.write_text(textwrap.dedent(RACE), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[1, 2]\n"
    assert done.stderr == "", done.stderr


@pytest.mark.heavy
def test_closing_a_process_engine_leaves_no_pool_thread_running():
    import threading

    from pycart.scale.engines import ProcessEngine

    engine = ProcessEngine(1)
    assert sorted(engine.run(abs, [(-3,)])) == [3]
    manager = engine._pool._executor_manager_thread
    engine.close()
    assert not manager.is_alive()
    assert manager not in threading.enumerate()


# ---- 5. data times pycart cannot run -------------------------------------------------------

@pytest.mark.parametrize("command", ["fit", "petab"])
@pytest.mark.parametrize("body, says", [
    pytest.param("1,L,5\n1e300,L,6\n", "line 3: time '1e300' is not allowed (allowed: a "
                 "number of days >= 0 and <= 36525", id="time-1e300"),
    pytest.param("1,L,5\n36526,L,6\n", "time '36526' is not allowed", id="time-past-century"),
    pytest.param("0,L,5\n0,CT,6\n", "every measurement is at day 0 (allowed: at least one "
                 "after day 0", id="all-day-0"),
])
def test_times_outside_a_run_are_refused_up_front(tmp_path, monkeypatch, capsys, command, body,
                                                 says):
    data = _input(tmp_path, "data.csv", HEADER + body)
    refused(tmp_path, monkeypatch, capsys, [command, str(data), "--estimate", "h", "--out",
                                            "out"], contains=says)


def test_a_patient_with_only_day_0_is_named(tmp_path, monkeypatch, capsys):
    data = _input(tmp_path, "data.csv", "time,observable,value,patient\n1,L,5,A\n0,L,5,B\n")
    refused(tmp_path, monkeypatch, capsys, ["fit", str(data), "--estimate", "h"],
            contains="every measurement of patient 'B' is at day 0")


# ---- 6. labels: spreadsheet formulas and UTF-8 -----------------------------------------------

FORMULAS = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx"]


def test_every_cell_that_starts_like_a_formula_is_escaped_in_csv(tmp_path):
    from pycart.core.output import spreadsheet_safe, write_table

    # (a carriage return is escaped too, but Python's csv writer leaves it unquoted, so it
    # is checked here rather than read back)
    assert spreadsheet_safe(pd.DataFrame({"a": ["\rx"]}))["a"].tolist() == ["'\rx"]

    frame = pd.DataFrame({"patient": [*FORMULAS, "plain", "a=b"],
                          "value": [-1.0, 2, 3, 4, 5, 6, 7]})
    write_table(frame, tmp_path / "t.csv")
    with open(tmp_path / "t.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    assert [r[0] for r in rows] == ["'" + f for f in FORMULAS] + ["plain", "a=b"]
    assert [float(r[1]) for r in rows] == [-1.0, 2, 3, 4, 5, 6, 7]  # numbers left alone
    write_table(frame, tmp_path / "t.parquet")  # Parquet keeps labels as given
    assert pd.read_parquet(tmp_path / "t.parquet")["patient"].tolist() == frame[
        "patient"].tolist()


def test_a_run_label_like_a_formula_is_escaped_in_metrics_csv(tmp_path, monkeypatch, capsys):
    scenario = _input(tmp_path, "s.toml", 'name = "s"\nt_end = 31\n[[runs]]\n'
                                          'label = "=HYPERLINK(1)"\n')
    monkeypatch.chdir(tmp_path / "inputs")
    with bounded():
        assert main(["run", str(scenario), "--out", "o"]) == 0
    capsys.readouterr()
    metrics = (tmp_path / "inputs" / "o" / "metrics.csv").read_text(encoding="utf-8")
    assert "\n'=HYPERLINK(1),cart_bm," in metrics


@pytest.mark.heavy
def test_petab_tables_escape_a_patient_name_like_a_formula(tmp_path, monkeypatch, capsys):
    data = _input(tmp_path, "data.csv", "time,observable,value,patient\n1,CT,6e7,=cmd\n"
                                        "7,CT,3e9,=cmd\n")
    monkeypatch.chdir(tmp_path / "inputs")
    with bounded():
        assert main(["petab", str(data), "--estimate", "h", "--out", "pe"]) == 0
    capsys.readouterr()
    conditions = (tmp_path / "inputs" / "pe" / "conditions.tsv").read_text(encoding="utf-8")
    assert "\t'=cmd" in conditions and "\t=cmd" not in conditions


def test_a_sweep_table_exported_to_csv_escapes_its_text(tmp_path):
    from pycart.scale.store import assemble, write_chunk

    parts = tmp_path / "parts"
    parts.mkdir()
    table = pd.DataFrame({"point": [0, 1], "alpha": [1e-10, 2e-10], "status": ["ok", "failed"],
                          "message": ["", "-negative value @ day 3"]})
    write_chunk(parts, "k", (0, 2), table)
    assert assemble(parts, [(0, 2)], tmp_path / "out.csv", 2) == 1
    back = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert back["message"].tolist() == ["", "'-negative value @ day 3"]


def test_a_label_that_is_not_utf8_is_refused_in_one_line(tmp_path, monkeypatch, capsys):
    rows = b"".join(b"%d,L,5,A\n" % day for day in range(1, 3000))  # past the first chunk
    data = _input(tmp_path, "data.csv", b"time,observable,value,patient\n" + rows
                  + b"3000,L,5,\xff\xfe\n")
    refused(tmp_path, monkeypatch, capsys, ["fit", str(data), "--estimate", "h"],
            contains="line 3001 is not UTF-8 text (allowed: a table in UTF-8")


def test_a_binary_parquet_label_is_read_as_utf8_or_refused(tmp_path, monkeypatch, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pycart.analysis.data import read_measurements

    def table(label: bytes) -> Path:
        path = tmp_path / "inputs" / f"p{len(label)}.parquet"
        path.parent.mkdir(exist_ok=True)
        pq.write_table(pa.table({"time": [1.0, 2.0], "observable": ["L", "L"],
                                 "value": [5.0, 6.0],
                                 "patient": pa.array([label, label], pa.binary())}), path)
        return path

    good = read_measurements(table("Ünal".encode()))
    assert good["patient"].tolist() == ["Ünal", "Ünal"]  # never "b'\\xc3\\x9cnal'"
    refused(tmp_path, monkeypatch, capsys, ["fit", str(table(b"\xff\xfeab")), "--estimate",
                                            "h"], contains="patient is not UTF-8 text")


def test_a_scenario_label_that_is_not_utf8_is_refused(tmp_path, monkeypatch, capsys):
    scenario = _input(tmp_path, "s.toml", b'name = "s"\n[[runs]]\nlabel = "\xff"\n')
    refused(tmp_path, monkeypatch, capsys, ["run", str(scenario), "--out", "o"],
            contains="not UTF-8 text")


# ---- 7. one missing-value convention ---------------------------------------------------------

SCENARIO = ('name = "s"\nt_end = 31\n[[runs]]\nlabel = "one"\n[[grids]]\nname = "g"\n'
            'metrics = true\nrelapse = true\nt_end = 31\n'
            'axes = [{parameter = "h", lo = 1e8, hi = 1e9, n = 2}]\n')


def test_relapse_day_is_missing_the_same_way_everywhere(tmp_path, monkeypatch, capsys):
    """No relapse in 31 days: an empty cell in every CSV, NaN (a float column) in the
    DataFrames and Parquet, NaN in the printed table; never "None"."""
    from pycart.core.output import write_table
    from pycart.experiments.scenario import run_scenario
    from pycart.experiments.userfile import load_scenario

    scenario = _input(tmp_path, "s.toml", SCENARIO)
    monkeypatch.chdir(tmp_path / "inputs")
    with bounded():
        assert main(["run", str(scenario), "--out", "o"]) == 0
    printed = capsys.readouterr().out
    header = next(line for line in printed.splitlines() if "relapse_day" in line)
    row = printed.splitlines()[printed.splitlines().index(header) + 1]
    assert row.split()[header.split().index("relapse_day")] == "NaN"
    assert "None" not in printed
    for name in ("metrics.csv", "grid_g.csv"):
        table = pd.read_csv(tmp_path / "inputs" / "o" / name, dtype=str, keep_default_na=False)
        assert set(table["relapse_day"]) == {""}, name
    result = run_scenario(load_scenario(scenario))
    frames = {"metrics": result.metrics(), "grid": result.grids["g"]}
    for name, frame in frames.items():
        assert frame["relapse_day"].dtype == float and frame["relapse_day"].isna().all(), name
        write_table(frame, tmp_path / f"{name}.parquet")
        back = pd.read_parquet(tmp_path / f"{name}.parquet")
        assert back["relapse_day"].dtype == float and back["relapse_day"].isna().all(), name


def test_write_table_writes_none_as_nan_and_keeps_text_and_flags():
    from pycart.core.output import missing_as_nan

    frame = pd.DataFrame({"relapse_day": [None, 12.5], "never": [None, None],
                          "responder": [True, None], "run": ["a", None], "n": [3, 4]},
                         dtype=object)
    out = missing_as_nan(frame)
    assert out["relapse_day"].dtype == float and np.isnan(out["relapse_day"][0])
    assert out["never"].dtype == float
    assert out["responder"].equals(frame["responder"]) and out["run"].equals(frame["run"])
    assert out["n"].tolist() == [3, 4] and out["n"].equals(frame["n"])  # full: as it was
    assert frame["relapse_day"].dtype == object  # the caller's frame is not changed


# ---- 8. --resolution caps a grid, never refines it ------------------------------------------

def test_resolution_help_says_it_caps_and_never_refines(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "at most N values per grid axis" in text and "never refines a grid" in text
    readme = " ".join((ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8").split())
    assert "`--resolution N` caps every grid axis at N values" in readme
    assert "It never refines a grid" in readme


def test_resolution_caps_each_axis_and_never_refines_one():
    from pycart.experiments.scenario import Axis, Grid

    grid = Grid("g", (Axis("alpha", 1e-10, 1e-9, 200), Axis("h", 1e8, 1e9, 3)))
    capped = grid.points(50)
    assert capped["alpha"].nunique() == 50 and capped["h"].nunique() == 3
    assert len(capped) == 150
    coarse, fine = grid.points(), grid.points(1000)
    assert fine.equals(coarse)  # more than an axis has: the axis as it is
    assert (capped["alpha"].min(), capped["alpha"].max()) == (coarse["alpha"].min(),
                                                              coarse["alpha"].max())


# ---- 9. a manifest with a DTD ----------------------------------------------------------------

def _dtd_archive(tmp_path: Path) -> Path:
    with zipfile.ZipFile(FIG2) as source:
        members = {name: source.read(name) for name in source.namelist()}
    manifest = members["manifest.xml"].decode()
    at = manifest.index("<omexManifest")
    members["manifest.xml"] = (manifest[:at] + '<!DOCTYPE omexManifest [<!ENTITY x "y">]>\n'
                               + manifest[at:]).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return _input(tmp_path, "dtd.omex", buffer.getvalue())


def test_validate_says_a_manifest_has_a_dtd(tmp_path, monkeypatch, capsys):
    archive = _dtd_archive(tmp_path)
    monkeypatch.chdir(tmp_path / "inputs")
    with bounded():
        code = main(["validate", str(archive)])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    assert "manifest.xml has a DTD; pycart does not read DTDs" in out


def test_copasi_refuses_a_manifest_with_a_dtd_in_one_line(tmp_path, monkeypatch, capsys):
    archive = _dtd_archive(tmp_path)
    refused(tmp_path, monkeypatch, capsys, ["copasi", str(archive), "--out", "out"],
            contains="manifest.xml has a DTD; pycart does not read DTDs (allowed: a manifest "
                     "without <!DOCTYPE ...>)")
