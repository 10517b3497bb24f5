"""Sweeps and cohorts: points, metrics against single runs, identical results on every
engine, streaming to disk, resuming after an interruption or a kill, failed points."""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pycart
from pycart.analysis.summary import statistics
from pycart.cli import main
from pycart.experiments.cohort import PRESETS
from pycart.scale.engines import ProcessEngine, SerialEngine
from pycart.scale.runner import run_sweep
from pycart.scale.store import parts_dir
from pycart.scale.sweep import Dimension, PointSimulator, Sweep

SMALL = Sweep((Dimension("rhoA", 0.4, 1.0, 3, "linear"), Dimension("alpha", 5e-11, 5e-9, 4),
               Dimension("h", 5e8, 5e10, 5)))


def test_grid_points_are_every_combination_in_order():
    points = SMALL.points()
    assert points.shape == (60, 3) and SMALL.size == 60
    np.testing.assert_allclose(points[:5, 2], np.logspace(np.log10(5e8), np.log10(5e10), 5))
    np.testing.assert_allclose(points[::20, 0], [0.4, 0.7, 1.0])  # first dimension slowest
    np.testing.assert_allclose(np.unique(points[:, 1]), [5e-11, 2.320794416e-10, 1.077217345e-09,
                                                         5e-9], rtol=1e-9)


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_sampled_points_are_reproducible_and_in_range(method):
    dims = (Dimension("alpha", 5e-11, 5e-9), Dimension("rhoA", 0.4, 1.0, scale="linear"))
    a = Sweep(dims, sampling=method, samples=64, seed=7).points()
    b = Sweep(dims, sampling=method, samples=64, seed=7).points()
    c = Sweep(dims, sampling=method, samples=64, seed=8).points()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert (a[:, 0] >= 5e-11).all() and (a[:, 0] <= 5e-9).all()
    assert (a[:, 1] >= 0.4).all() and (a[:, 1] <= 1.0).all()
    if method == "lhs":  # one point in each of the 64 strata of every dimension
        strata = np.floor((np.log10(a[:, 0]) - np.log10(5e-11)) / 2 * 64).astype(int)
        assert sorted(strata) == list(range(64))


def test_point_metrics_match_single_runs(model):
    table = PointSimulator(SMALL).evaluate(0, SMALL.points())
    assert list(table.columns) == SMALL.columns()
    assert (table["status"] == "ok").all()
    for row in table.iloc[[0, 17, 33, 59]].to_dict("records"):
        s = model.run({k: row[k] for k in ("rhoA", "alpha", "h")}, t_end=30).summary
        assert row["L30"] == pytest.approx(s.L30, rel=1e-5)
        assert row["responder"] == s.responder
        if row["peak_reached"]:
            assert row["C_peak"] == pytest.approx(s.C_peak, rel=1e-6)
            assert row["t_peak"] == pytest.approx(s.t_peak, abs=1e-3)
            assert row["fold_expansion"] == pytest.approx(s.fold_expansion, abs=1e-6)


def test_species_at_days_and_initial_amounts_as_dimensions(model):
    sweep = Sweep((Dimension("CA", 1e7, 1e8, 2),), t_end=60, days=(30.0, 60.0),
                  species=("L", "CA"), parameters={"h": 5e8})
    table = PointSimulator(sweep).evaluate(0, sweep.points())
    for row in table.to_dict("records"):
        direct = model.simulate({"h": 5e8}, {"CA": row["init_CA"]}, 60, 3)
        assert row["L@60"] == pytest.approx(direct["L"].iloc[2], rel=1e-5)
        assert row["CA@30"] == pytest.approx(direct["CA"].iloc[1], rel=1e-5)


def test_identical_results_on_serial_and_process_engines(tmp_path):
    a = run_sweep(SMALL, tmp_path / "serial.parquet", SerialEngine(), chunk_size=7)
    with ProcessEngine(2) as engine:
        b = run_sweep(SMALL, tmp_path / "processes.parquet", engine, chunk_size=13)
    assert a.points == b.points == 60 and a.failed == 0
    pd.testing.assert_frame_equal(pd.read_parquet(a.out), pd.read_parquet(b.out))
    assert not parts_dir(a.out).exists()


def test_identical_results_on_a_dask_local_cluster(tmp_path, capfd):
    """And the cluster's workers keep their log lines off the terminal: a worker whose
    heartbeat fails while the cluster stops logs an error with a traceback (seen in CI
    after a SIGTERM); pycart's own local cluster keeps such lines off stderr. The workers
    write to this process's stderr (file descriptor 2, which capfd holds)."""
    pytest.importorskip("distributed")
    from pycart.scale.engines import DaskEngine

    a = run_sweep(SMALL, tmp_path / "serial.parquet", SerialEngine(), chunk_size=9)
    with DaskEngine(workers=2) as engine:
        b = run_sweep(SMALL, tmp_path / "dask.parquet", engine, chunk_size=9)
        logged = engine.client.run(lambda: logging.getLogger("distributed.worker").exception(
            "heartbeat-like failure on a worker") or True)
    pd.testing.assert_frame_equal(pd.read_parquet(a.out), pd.read_parquet(b.out))
    assert list(logged.values()) == [True, True]
    err = capfd.readouterr().err
    assert "heartbeat-like failure" not in err and "Traceback" not in err, err


def test_csv_and_parquet_hold_the_same_rows(tmp_path):
    run_sweep(SMALL, tmp_path / "s.csv", SerialEngine(), chunk_size=25)
    run_sweep(SMALL, tmp_path / "s.parquet", SerialEngine(), chunk_size=25)
    csv = pd.read_csv(tmp_path / "s.csv", keep_default_na=False)
    par = pd.read_parquet(tmp_path / "s.parquet")
    np.testing.assert_allclose(csv["L30"].astype(float), par["L30"], rtol=1e-15)
    assert list(csv.columns) == list(par.columns)


class StopAfter(SerialEngine):
    """A serial engine that is interrupted (as by Ctrl-C) after ``n`` chunks."""

    def __init__(self, n: int) -> None:
        self.n = n

    def run(self, function, tasks):
        for k, result in enumerate(super().run(function, tasks)):
            if k == self.n:
                raise KeyboardInterrupt
            yield result


def test_an_interrupted_sweep_resumes_with_exactly_the_rows_of_a_full_run(tmp_path):
    full = run_sweep(SMALL, tmp_path / "full.parquet", SerialEngine(), chunk_size=8)
    out = tmp_path / "resumed.parquet"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(SMALL, out, StopAfter(3), chunk_size=8)
    assert len(list(parts_dir(out).glob("chunk-*.parquet"))) == 3 and not out.exists()
    again = run_sweep(SMALL, out, SerialEngine(), chunk_size=8)
    assert again.resumed == 24 and again.computed == 36
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(full.out))


def test_a_different_sweep_does_not_resume_from_foreign_parts(tmp_path):
    out = tmp_path / "s.parquet"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(SMALL, out, StopAfter(1), chunk_size=8)
    other = Sweep(SMALL.dimensions, parameters={"tauA": 7.0})
    with pytest.raises(pycart.PycartError, match="partial results of a different sweep"):
        run_sweep(other, out, SerialEngine(), chunk_size=8)


def _sweep_command(out: Path) -> list[str]:
    return [sys.executable, "-m", "pycart", "sweep", "--param", "rhoA=0.4:1:6:linear",
            "--param", "h=5e8:5e10:300", "--engine", "serial", "--chunk-size", "10",
            "--out", str(out)]  # 180 chunks: the fast path must not finish before the kill


def test_a_killed_sweep_resumes_with_exactly_the_rows_of_a_full_run(tmp_path, capsys):
    full = tmp_path / "full.parquet"
    assert main(_sweep_command(full)[3:]) == 0  # the reference in this process (main())
    capsys.readouterr()
    out = tmp_path / "killed.parquet"
    child = subprocess.Popen(_sweep_command(out), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list(parts_dir(out).glob("chunk-*.parquet"))) < 4:
        assert child.poll() is None and time.monotonic() < deadline, "the sweep ended early"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    kept = len(list(parts_dir(out).glob("chunk-*.parquet")))
    assert 4 <= kept < 180 and not out.exists()
    # the resume in this process (main()): only the kill needs a process of its own
    assert main(_sweep_command(out)[3:]) == 0
    assert f"{kept * 10} resumed from an earlier run" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(full))


def test_a_failed_point_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    original = PointSimulator._simulate

    def flaky(self, point):
        if np.isclose(point[0], 0.7) and np.isclose(point[2], 5e8):
            raise pycart.PycartError("the solver failed: CV_TOO_MUCH_WORK (test)")
        return original(self, point)

    monkeypatch.setattr(PointSimulator, "_simulate", flaky)
    report = run_sweep(dataclasses.replace(SMALL, solver="roadrunner"), tmp_path / "f.parquet",
                       SerialEngine())
    table = pd.read_parquet(tmp_path / "f.parquet")
    assert report.failed == 4 and (table["status"] == "failed").sum() == 4
    failed = table[table["status"] == "failed"]
    assert (failed["message"] == "the solver failed: CV_TOO_MUCH_WORK (test)").all()
    assert failed["L30"].isna().all()
    assert (table.loc[table["status"] == "ok", "L30"].notna()).all()


def test_adams_failures_fall_back_to_bdf(model):
    """The printed F drives Adams into CV_TOO_MUCH_WORK over 180 days; BDF finishes."""
    sweep = Sweep((Dimension("B0_in_F", 1, 1, 1, "linear"),), t_end=180, days=(180.0,))
    table = PointSimulator(sweep).evaluate(0, sweep.points())
    assert table["status"].iloc[0] == "ok"
    direct = model.simulate({"B0_in_F": 1}, t_end=180, points=2)
    assert table["L@180"].iloc[0] == pytest.approx(direct["L"].iloc[1], rel=1e-3, abs=1e-12)


def test_cohort_statistics_by_hand():
    table = pd.DataFrame({"status": ["ok"] * 6 + ["failed"],
                          "responder": [True, True, True, False, False, False, False],
                          "t_peak": [8.0, 9.0, 10.0, 12.0, 14.0, 16.0, None],
                          "fold_expansion": [2.5, 2.6, 2.7, 2.0, 2.1, 2.2, None]})
    s = statistics(table)
    assert (s.patients, s.responders, s.responder_share) == (6, 3, 0.5)
    assert (s.median_t_peak_R, s.median_t_peak_NR) == (9.0, 14.0)
    assert (s.median_fold_R, s.median_fold_NR) == (2.6, 2.1)
    from scipy.stats import ranksums

    assert s.p_t_peak == pytest.approx(ranksums([8, 9, 10], [12, 14, 16]).pvalue)
    assert "50.0%" in s.lines()[0]


def test_cohort_command_prints_the_statistics(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["cohort", "--engine", "serial"]) == 0  # the engines: tests above
    out = capsys.readouterr().out
    table = pd.read_parquet(tmp_path / "fig7.parquet")
    assert list(table.columns[:8]) == ["point", "rhoA", "alpha", "h", "L30", "responder",
                                       "t_peak", "C_peak"]
    assert len(table) == 4000 and "fold_expansion" in table.columns
    s = statistics(table)
    assert s.lines()[0] in out and "Wilcoxon rank-sum p" in out


BAD = [
    (["sweep", "--param", "foo=1:2:3"], "unknown parameter or species 'foo'"),
    (["sweep", "--param", "alpha=1:2"], "expected NAME=LO:HI:N"),
    (["sweep", "--param", "alpha=a:2:3"], "with numbers"),
    (["sweep", "--param", "alpha=0:1e-9:3:log"], "log range needs lo, hi > 0"),
    (["sweep", "--param", "alpha=1e-10:1e-9:0"], "grid needs"),
    (["sweep", "--range", "alpha=1e-10:1e-9"], "needs --sample"),
    (["sweep", "--range", "alpha=1e-10:1e-9", "--sample", "lhs", "--samples", "0"],
     "--samples '0' is not allowed"),
    (["sweep", "--range", "alpha=1e-10:1e-9", "--sample", "lhs", "--samples", "10",
      "--seed", "-1"], "--seed '-1' is not allowed"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--days", "5,5"], "given twice"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--days", "5", "--species", "L,L"],
     "given twice"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--workers", "1000"], "the cores of this"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--workers", "0"], "--workers '0'"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--chunk-size", "0"], "--chunk-size '0'"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--chunk-size", "1e9"], "--chunk-size"),
    (["sweep", "--param", "B0_in_F=0:1:3:linear"], "switch"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--set", "rhoA=\u0661"], "not a number"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--set", "rhoA=1_0"], "not a number"),
    (["sweep", "--param", "alpha=1e-10:1e-9:100000000000000000000"], "a grid needs"),
    (["sweep", "--param", "alpha=1e-10:1e-9:10000", "--param", "h=1e8:1e9:100000"],
     "split the sweep"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--t-end", "1e9"], "horizon"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--scheduler", "not a url"],
     "is not an address"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--range", "h=1:2", "--sample", "lhs"],
     "not several"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--days", "45", "--t-end", "30"],
     "outside the run"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--species", "X"], "unknown species 'X'"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--out", "x.txt"], "unsupported extension"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--scheduler", "tcp://127.0.0.1:9",
      "--engine", "serial"], "--scheduler needs --engine dask"),
    (["sweep", "--param", "alpha=1e-10:1e-9:3", "--set", "h=-1"], "allowed"),
    (["cohort", "--preset", "fig9"], "unknown preset"),
]


@pytest.mark.parametrize("args, message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_sweeps_are_one_line_and_status_2(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", "--param", "alpha=1e-10:1e-9:3", "--scheduler",
                 "tcp://127.0.0.1:9"]) == 2
    assert "cannot reach the dask scheduler" in capsys.readouterr().err


@pytest.mark.heavy
def test_fig6_preset_writes_the_heatmap(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["cohort", "--preset", "fig6-h-rhoA"]) == 0
    assert len(pd.read_parquet(tmp_path / "fig6-h-rhoA.parquet")) == 40000
    assert (tmp_path / "fig6-h-rhoA.png").stat().st_size > 30_000


@pytest.mark.heavy
def test_bench_quick_prints_its_figures(capsys):
    from pycart.report.bench import run_benchmark

    assert run_benchmark(workers=2, quick=True) == 0
    out = capsys.readouterr().out
    for text in ("naive loop", "pycart serial", "pycart parallel", "independent solver",
                 "Figure 6", "the engine alone", "fast path >= 10x roadrunner, parallel",
                 "plain libRoadRunner loop on the variant", "target fast path >= 10x the loop"):
        assert text in out


def test_bench_per_patient_core_counts_only_the_cores_there_are(monkeypatch):
    """Wall time x cores used / patients: 10 s for a million patients on 2 workers is 20 µs
    per patient-core; 8 workers on 2 cores still use 2."""
    from pycart.report import bench

    monkeypatch.setattr(bench.os, "cpu_count", lambda: 2)
    assert bench._per_patient_core(10.0, 2, 1_000_000) == "20 µs per patient-core"
    assert bench._per_patient_core(10.0, 8, 1_000_000) == "20 µs per patient-core"
    assert bench._per_patient_core(10.0, 1, 1_000_000) == "10 µs per patient-core"


def test_presets_are_the_papers_designs():
    fig7 = PRESETS["fig7"]
    assert fig7.size == 4000 and [d.name for d in fig7.dimensions] == ["rhoA", "alpha", "h"]
    assert [d.n for d in fig7.dimensions] == [10, 20, 20]
    assert all(PRESETS[p].size == 40000 for p in PRESETS if p.startswith("fig6"))


def test_a_sweep_reports_the_relapse_day_on_roadrunner_as_a_run_does():
    """relapse=True: the relapse day (and, with the CD19-negative clone, its share) as the
    run's summary gives it from a 0.1-day sample; the fast path, which samples report days
    only, is not used, and --solver fast refuses it."""
    from pycart.experiments.values import PATIENTS
    from pycart.scale.fast import simulator_for

    nr1 = PATIENTS["NR1"]
    sweep = Sweep((Dimension("h", nr1["h"], nr1["h"], 1),), "cart_bm_ext", t_end=120.0,
                  parameters={"alpha": nr1["alpha"], "rhoA": nr1["rhoA"], "escape": 1.0},
                  relapse=True)
    sweep.validate()
    simulator = simulator_for(sweep)
    assert type(simulator) is PointSimulator
    row = simulator.evaluate(0, sweep.points()).iloc[0]
    run = pycart.Model("cart_bm_ext").run(nr1 | {"escape": 1.0}, t_end=120.0)
    assert 30 < run.summary.relapse_day < 40  # NR1 relapses in the second month
    assert row["relapse_day"] == pytest.approx(run.summary.relapse_day, abs=0.01)
    # the share is read at the first sample from the relapse day: 0.1 day apart here, 0.01
    # in a run; it moves at rhoLn - rhoL ~ -0.5 per day, so by up to 5% between them
    assert row["cd19neg_share_at_relapse"] == pytest.approx(
        run.summary.cd19neg_share_at_relapse, rel=0.05)
    with pytest.raises(pycart.PycartError, match="relapse day"):
        dataclasses.replace(sweep, solver="fast").validate()


def test_a_chunks_table_from_arrays_is_the_table_from_python_values():
    """result_columns gives the point and its inputs as arrays (no Python object per
    value): the chunk's table has the same types and values as one built from lists, and a
    fallback's row (a failed point's None included) still replaces a row's values."""
    from pycart.scale.sweep import result_columns

    sweep = Sweep((Dimension("alpha", 1e-10, 1e-9, 2), Dimension("L", 1e10, 2e11, 2)),
                  days=(60.0,), t_end=60)
    times = np.array([0.0, 30.0, 60.0])
    species = pycart.MODELS["cart_bm"]
    amounts = np.random.default_rng(1).uniform(0.0, 1e9, (3, 3, len(species)))
    points = np.array([[1e-10, 1e10], [5e-10, 2e11], [1e-9, 3e10]])
    columns = result_columns(sweep, species, times, amounts, np.zeros((3, 3)), 7, points)
    assert isinstance(columns["point"], np.ndarray) and isinstance(columns["init_L"], np.ndarray)
    failed = [8, 5e-10, 2e11] + [None] * (len(sweep.columns()) - 5) + ["failed", "why"]
    for name, value in zip(sweep.columns(), failed, strict=True):
        columns[name][1] = value  # as FastSimulator.evaluate writes a fallback's row
    plain = {name: [v.item() if isinstance(v, np.generic) else v for v in values]
             for name, values in columns.items()}
    ours = pd.DataFrame(columns, columns=sweep.columns())
    pd.testing.assert_frame_equal(ours, pd.DataFrame(plain, columns=sweep.columns()),
                                  check_exact=True)
    assert ours["point"].tolist() == [7, 8, 9] and ours["L@60"].isna().tolist() == [
        False, True, False]
