"""``pycart bench --million``'s measurements: CPU time and memory of a command and of its
workers, the baseline's extrapolation, the figures against the targets."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from pycart.report import bench

#: A command whose worker process burns CPU and holds 200 MB for about a second.
WORKER = """
import multiprocessing as mp, time
def work():
    block = bytearray(200 * 2**20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    end = time.process_time() + 0.6
    while time.process_time() < end:
        pass
if __name__ == "__main__":
    p = mp.get_context("fork").Process(target=work)
    p.start()
    p.join()
    raise SystemExit(p.exitcode)
"""


def test_measured_counts_the_cpu_and_memory_of_the_workers():
    """The worker's 0.6 s of CPU and 200 MB are in the figures, though the main process
    only waits: CPU time from the kernel's accounts of ended processes, RSS sampled."""
    run = bench._measured([sys.executable, "-c", WORKER])
    assert run.status == 0
    assert 0.6 <= run.cpu < 0.6 + 5.0  # the interpreter's startup on top
    assert run.workers_rss >= 200 * 2**20
    assert 0 < run.main_rss < 200 * 2**20
    assert run.pss >= 200 * 2**20
    text = run.figures(10, 1)
    assert "s of CPU in all processes" in text and "in its workers together" in text


def test_the_baseline_is_extrapolated_by_hand_arithmetic(monkeypatch):
    """2 ms of CPU per patient for a million patients: 2,000 s of CPU, 1,000 s on two idle
    cores; against a run that used 40 s of CPU, 50x less."""
    monkeypatch.setattr(bench.os, "cpu_count", lambda: 2)
    run = bench.Measured(30.0, 40.0, 2**29, 2**27, 2**28, 0)
    text = bench._extrapolated(2e-3, 1_000_000, run, 2)
    assert "2,000 µs of CPU per patient" in text
    assert "2,000 s of CPU, 1,000 s on 2 idle cores" in text
    assert "50.0x less CPU" in text and "not run" in text


def test_targets_are_judged_by_wall_and_by_cpu_over_the_cores(monkeypatch):
    """A loaded run: 30 s of wall time misses 15 s, its 28 s of CPU over two cores (14 s)
    meets it; 512 MB of PSS meets 1 GB; an incomplete run meets nothing."""
    monkeypatch.setattr(bench.os, "cpu_count", lambda: 2)
    run = bench.Measured(30.0, 28.0, 2**29, 2**27, 2**28, 0)
    text = bench._against_targets(run, True, 15.0, 2)
    wall, cpu, memory = text.split(";")
    assert "wall 30.0 s" in wall and "MISSES" in wall
    assert "CPU over 2 cores 14.0 s" in cpu and "meets" in cpu
    assert "meets" in memory
    assert bench._against_targets(run, False, 15.0, 2).count("MISSES") == 3


def test_the_baseline_loop_computes_what_the_fast_path_computes():
    """The plain libRoadRunner loop the runs are extrapolated from simulates the same
    patients: its L30 agrees with the fast path's (no schedule, 30 days)."""
    from pycart.scale.fast import simulate_points

    names = [d.name for d in bench.PRESETS["fig7"].dimensions]
    points = bench.sobol_points(4)
    _, L30 = bench.roadrunner_loop(points, names, "cart_bm", {}, (), 30.0)
    fast = simulate_points(points, names, solver="fast", peak=False)["L30"].to_numpy()
    big = fast > 1e-6
    assert np.allclose(L30[big], fast[big], rtol=1e-5)
    assert ((L30 < 1) == (fast < 1)).all()
    assert bench.roadrunner_loop(points[:1], names)[1][0] == pytest.approx(
        simulate_points(points[:1], names, doses=bench.SCHEDULE, t_end=60, solver="fast",
                        peak=False)["L30"].iloc[0], rel=1e-5)


def test_the_million_runs_are_the_sweeps_they_say(tmp_path):
    """Both million-patient runs are ``pycart sweep`` commands: the Sobol patients of the
    baseline (seed 1, Figure 7's ranges), and for the year-long one cart_bm_ext with
    exhaustion and escape on, the two doses and 365 days."""
    from pycart.cli import _parser
    from pycart.cli.sweeps import _sweep_of

    def sweep(command):
        assert command[1:4] == ["-m", "pycart", "sweep"]
        return _sweep_of(_parser().parse_args(command[3:]))

    sobol = sweep(bench.million_command(tmp_path / "m.parquet", 8, 2))
    assert (sobol.sampling, sobol.samples, sobol.seed, sobol.solver) == ("sobol", 8, 1, "fast")
    assert (sobol.model, sobol.t_end, sobol.doses, dict(sobol.parameters)) == (
        "cart_bm", 30.0, (), {})
    np.testing.assert_array_equal(sobol.points(), bench.sobol_points(8))
    year = sweep(bench.year_command(tmp_path / "y.parquet", 8, 2))
    assert (year.model, year.t_end, dict(year.parameters)) == (
        "cart_bm_ext", 365.0, bench.YEAR_PARAMETERS)
    assert [(d.day, d.cells, d.species) for d in year.doses] == [
        (0.0, 1e7, "CA"), (7.0, 1e7, "CA")]
    np.testing.assert_array_equal(year.points(), bench.sobol_points(8))
