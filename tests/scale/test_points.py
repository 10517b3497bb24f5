"""Point lists: ``pycart sweep --points FILE`` agrees with ``pycart simulate`` point by point,
keeps a sweep's guarantees (engines, resuming), names inputs apart from results, and refuses
hostile files in one line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pycart
from pycart.cli import main
from pycart.scale.engines import ProcessEngine, SerialEngine
from pycart.scale.points import points_sweep, read_points
from pycart.scale.runner import run_sweep
from pycart.scale.sweep import Dimension, Sweep

#: Responders and non-responders, with initial amounts among the inputs.
POINTS = pd.DataFrame({
    "alpha": [3e-10, 1e-10, 3e-9, 3e-10, 5e-11],
    "h": [1e9, 5e8, 3e10, 1e10, 5e10],
    "rhoA": [0.9, 0.9, 0.9, 0.55, 0.4],
    "init_L": [2e11, 1e10, 2e11, 1e12, 2e11],
    "CA": [5e7, 1e8, 5e7, 1e7, 5e7],
})


def test_points_sweep_agrees_with_pycart_simulate(tmp_path, capsys):
    POINTS.to_csv(tmp_path / "points.csv", index=False)
    out = tmp_path / "sweep.csv"
    assert main(["sweep", "--points", str(tmp_path / "points.csv"), "--engine", "serial",
                 "--days", "10,30", "--species", "L,CA,B1", "--out", str(out)]) == 0
    assert "5 points" in capsys.readouterr().out
    table = pd.read_csv(out)
    assert list(table.columns[:6]) == ["point", "alpha", "h", "rhoA", "init_L", "init_CA"]
    assert table["responder"].tolist() == [True, True, False, False, False]
    for k, point in enumerate(POINTS.to_dict("records")):
        run = tmp_path / f"run{k}.csv"
        assert main(["simulate", *(f"--set={p}={point[p]!r}" for p in ("alpha", "h", "rhoA")),
                     f"--init=L={point['init_L']!r}", f"--init=CA={point['CA']!r}",
                     "--t-end", "30", "--out", str(run)]) == 0
        printed = capsys.readouterr().out
        row = table.iloc[k]
        trajectory = pd.read_csv(run).set_index("time")
        for day in (10, 30):
            for s in ("L", "CA", "B1"):
                assert row[f"{s}@{day}"] == pytest.approx(trajectory.loc[day, s], rel=1e-5)
        L30, responder = re.search(r"L at day 30: (\S+) cells; responder \(L30 < 1 cell\): "
                                   r"(yes|no)", printed).groups()
        assert float(L30) == pytest.approx(row["L30"], rel=1e-3)
        assert (responder == "yes") == row["responder"]
        peak, day = re.search(r"peak CAR T \(CA \+ CM\): (\S+) cells on day (\S+)",
                              printed).groups()
        assert float(peak) == pytest.approx(row["C_peak"], rel=1e-3)
        assert float(day) == pytest.approx(row["t_peak"], abs=0.006)


def test_csv_and_parquet_point_files_give_the_same_rows(tmp_path):
    POINTS.to_csv(tmp_path / "p.csv", index=False)
    POINTS.rename(columns={"init_L": "L"}).to_parquet(tmp_path / "p.parquet", index=False)
    a = points_sweep(read_points(tmp_path / "p.csv"))
    b = points_sweep(read_points(tmp_path / "p.parquet"))
    assert a.key() == b.key() and a.size == 5
    np.testing.assert_array_equal(a.points(), POINTS.to_numpy())


def test_points_run_identically_on_every_engine_and_resume(tmp_path):
    sweep = points_sweep(pd.concat([POINTS] * 4, ignore_index=True), days=(20.0,))
    serial = run_sweep(sweep, tmp_path / "serial.parquet", SerialEngine(), chunk_size=3)
    out = tmp_path / "resumed.parquet"

    class StopAfter(SerialEngine):
        def run(self, function, tasks):
            assert function.args[0].point_list is None  # workers get their chunk's points only
            for k, result in enumerate(super().run(function, tasks)):
                if k == 2:
                    raise KeyboardInterrupt
                yield result

    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep, out, StopAfter(), chunk_size=3)
    other = points_sweep(POINTS.iloc[::-1].reset_index(drop=True), days=(20.0,))
    with pytest.raises(pycart.PycartError, match="different sweep"):
        run_sweep(other, out, SerialEngine(), chunk_size=3)
    with ProcessEngine(2) as engine:
        again = run_sweep(sweep, out, engine, chunk_size=3)
    assert (again.resumed, again.computed) == (6, 14)
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(serial.out))


def test_grid_and_sampled_sweeps_name_initial_amounts_apart_from_results():
    grid = Sweep((Dimension("L", 1e10, 1e12, 3),), days=(30.0,))
    assert grid.columns()[:4] == ["point", "init_L", "L30", "responder"]
    assert "L@30" in grid.columns() and "L" not in grid.columns()


def _hostile(tmp_path: Path) -> list[tuple[str, str | bytes, str]]:
    header = "alpha,h,init_L\n"
    return [
        ("empty.csv", "", "is empty"),
        ("header.csv", header, "has no points"),
        ("unknown.csv", "alpha,foo\n1e-10,1\n", "unknown column 'foo'"),
        ("result.csv", "alpha,L30\n1e-10,1\n", "unknown column 'L30'"),
        ("twice.csv", "alpha,alpha\n1e-10,2e-10\n", "'alpha' is given twice"),
        ("both.csv", "L,init_L\n1e10,1e10\n", "L is given by two columns"),
        ("nan.csv", header + "1e-10,1e9,nan\n", "init_L of point 0: nan is not allowed"),
        ("missing.csv", header + "1e-10,1e9,1e10\n1e-10,,1e10\n", "h of point 1: nan"),
        ("negative.csv", header + "-1e-10,1e9,1e10\n", "alpha of point 0: -1e-10 is not"),
        ("zero_h.csv", header + "1e-10,0,1e10\n", "h of point 0: 0 is not allowed"),
        ("inf.csv", header + "1e-10,inf,1e10\n", "h of point 0: inf is not allowed"),
        ("text.csv", header + "1e-10,1e9,lots\n", "'lots' is not a number"),
        ("arabic.csv", "rhoA\n\u0661\n", "is not a number"),
        ("ragged.csv", header + "1e-10,1e9,1e10,5\n", "not a valid CSV table"),
        ("switch.csv", "B0_in_F\n0.5\n",
         "B0_in_F of point 0: 0.5 is not allowed (allowed: 0 or 1)"),
        ("second.csv", "alpha2\n1e-10\n", "unknown column 'alpha2'"),
        ("latin1.csv", "alpha\n1e-10 \xe9\n".encode("latin-1"), "not UTF-8"),
        ("garbage.parquet", b"PAR1 not really", "not a readable Parquet file"),
        ("points.xlsx", "alpha\n1\n", "unsupported extension"),
        ("absent.csv", None, "No such file"),
    ]


def test_hostile_point_files_are_one_line_and_status_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name, content, message in _hostile(tmp_path):
        if isinstance(content, bytes):
            (tmp_path / name).write_bytes(content)
        elif content is not None:
            (tmp_path / name).write_text(content, encoding="utf-8")
        before = set(tmp_path.iterdir())
        assert main(["sweep", "--points", name, "--out", "out.parquet"]) == 2, name
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err, (name, err)
        assert set(tmp_path.iterdir()) == before, name


def test_a_point_column_held_fixed_too_or_a_folder_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    POINTS.to_csv("p.csv", index=False)
    (tmp_path / "dir.csv").mkdir()
    for args, message in [(["--points", "p.csv", "--set", "h=1e9"], "h both varies and is held"),
                          (["--points", "p.csv", "--param", "tauA=1:2:2"], "not several"),
                          (["--points", "dir.csv"], "not a regular file")]:
        assert main(["sweep", *args]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1


def test_a_point_list_beyond_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    from pycart.scale import points

    monkeypatch.setattr(points, "MAX_POINTS", 3)
    POINTS.to_csv(tmp_path / "p.csv", index=False)
    POINTS.to_parquet(tmp_path / "p.parquet", index=False)
    for suffix in ("csv", "parquet"):
        with pytest.raises(pycart.PycartError, match="more than 3 points|5 points"):
            read_points(tmp_path / f"p.{suffix}")
    monkeypatch.setattr(points, "MAX_FILE_BYTES", 10)
    with pytest.raises(pycart.PycartError, match="too large"):
        read_points(tmp_path / "p.csv")


def test_the_readme_point_list_example_prints_what_is_shown(root, tmp_path, monkeypatch,
                                                            capsys):
    import shlex

    text = (root / "docs" / "sweeps.md").read_text(encoding="utf-8")
    block = re.search(r"```\n(\$ cat patients\.csv\n.*?)```", text, re.S).group(1)
    parts = re.split(r"^\$ (.*)\n", block, flags=re.M)[1:]
    shown = dict(zip(parts[::2], parts[1::2], strict=True))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "patients.csv").write_text(shown["cat patients.csv"])
    command = next(c for c in shown if c.startswith("pycart sweep"))
    assert main([*shlex.split(command)[1:], "--engine", "serial"]) == 0
    printed = capsys.readouterr().out
    mask = re.compile(r"in \d+\.\d s")
    assert mask.sub("in X s", printed) == mask.sub("in X s", shown[command])
    expected = pd.read_csv(io.StringIO(shown["cat patients-out.csv"]), keep_default_na=False)
    written = pd.read_csv(tmp_path / "patients-out.csv", keep_default_na=False)
    pd.testing.assert_frame_equal(written, expected, rtol=1e-6)


def test_points_agree_on_the_fast_path_and_on_roadrunner(tmp_path):
    """Initial amounts as init_ columns on both solvers, a dosed point on the fast path."""
    pytest.importorskip("numba")
    table = POINTS.assign(reinf_day=[0.0, 0.0, 0.0, 15.0, 0.0],
                          reinf_dose=[0.0, 0.0, 0.0, 5e8, 0.0])
    runs = {}
    for solver in ("auto", "roadrunner"):
        sweep = points_sweep(table, days=(20.0,), species=("L", "CA"), solver=solver)
        runs[solver] = pd.read_parquet(run_sweep(sweep, tmp_path / f"{solver}.parquet",
                                                 SerialEngine()).out)
    fast, slow = runs["auto"], runs["roadrunner"]
    assert list(fast.columns) == list(slow.columns) and "init_L" in fast.columns
    assert (fast["status"] == "ok").all() and (fast["message"] == "").all()
    for column in ("init_L", "init_CA", "L30", "L@20", "CA@20", "C_peak"):
        np.testing.assert_allclose(fast[column], slow[column], rtol=1e-4, atol=1e-9)
    assert fast["responder"].tolist() == slow["responder"].tolist()


def test_a_workers_copy_of_a_point_sweep_names_its_missing_points():
    """A worker's copy carries no point list (its chunks carry the points): asking it for
    every point says so instead of failing on None."""
    sweep = points_sweep(POINTS)
    assert sweep.points().shape == (len(POINTS), len(POINTS.columns))
    with pytest.raises(pycart.PycartError, match="without its point list"):
        sweep.for_workers().points()


def test_the_progress_bar_shows_points_and_ends_its_line():
    from pycart.scale.runner import progress_bar

    stream = io.StringIO()
    show = progress_bar("grid.parquet", stream)
    for done in (2, 5, 10):  # a resumed sweep: 2 points were done before
        show(done, 10)
    lines = stream.getvalue().split("\r")
    # the first call rates nothing (the points done before are not this run's)
    assert lines[1] == "grid.parquet [" + "#" * 6 + "." * 24 + "] 2/10 points, 0/s, nan s left "
    assert lines[-1].startswith("grid.parquet [" + "#" * 30 + "] 10/10 points, ")
    assert lines[-1].endswith(" 0 s left \n")
