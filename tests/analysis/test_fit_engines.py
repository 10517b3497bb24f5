"""pycart fit on the sweep engines: the same estimates and starts in this process, on local
worker processes and on a dask cluster; the engine options checked as pycart sweep checks
them; a fit interrupted on worker processes resumes."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from pycart.analysis.calibrate import PARTS, FitSettings, calibrate
from pycart.analysis.synthetic import TRUTHS, synthetic
from pycart.cli import main
from pycart.scale.engines import DaskEngine, ProcessEngine, SerialEngine

#: The engines' tables are what these tests compare: the figures are stand-ins (conftest).
pytestmark = pytest.mark.usefixtures("fit_figures")


def _problem(starts: int = 3):
    """Two patients (a responder, a non-responder), h estimated: a small synthetic fit."""
    data = synthetic({"A": TRUTHS["R-fast"], "B": TRUTHS["NR"]}, days=(2, 5, 8, 12), seed=7)
    return data, FitSettings(("h",), {"h": "1e8:1e11"}, starts=starts)


def _fit(engine, out, log=lambda _: None):
    data, settings = _problem()
    with engine:  # closed, or aborted when the fit fails or is interrupted
        return calibrate(data, settings, out, engine, log)


@pytest.fixture(scope="module")
def serial(tmp_path_factory, fit_figures):
    result = _fit(SerialEngine(), tmp_path_factory.mktemp("serial"))
    assert fit_figures[-2:] == ["fit.png", "profiles.png"]  # where the fit draws them
    return result


def _same(result, serial) -> None:
    for name in ("estimates", "starts", "profiles", "patients"):
        pd.testing.assert_frame_equal(getattr(result, name), getattr(serial, name),
                                      check_exact=True)


def test_worker_processes_give_what_this_process_gives(tmp_path, serial):
    assert len(serial.starts) == 6 and (serial.starts["status"] == "ok").all()
    _same(_fit(ProcessEngine(2), tmp_path), serial)


@pytest.mark.heavy
def test_a_dask_cluster_gives_what_this_process_gives(tmp_path, serial):
    _same(_fit(DaskEngine(workers=2), tmp_path), serial)


def test_engine_run_yields_every_result_on_every_engine():
    """``engine.run``: each task's result once, whatever the order they finish in."""
    tasks = [(float(i),) for i in range(7)]
    for engine in (SerialEngine(), ProcessEngine(2)):
        try:
            assert sorted(engine.run(abs, tasks)) == [float(i) for i in range(7)]
        finally:
            engine.close()


GOOD = "time,observable,value\n1,CT,6e7\n7,CT,3e9\n14,CT,5e9\n"


@pytest.mark.parametrize("args, says", [
    (["--workers", "0"], "--workers '0'"),
    (["--workers", "many"], "--workers 'many'"),
    (["--workers", "1000"], "the cores of this machine"),
    (["--engine", "dask", "--workers", "1000"], "the cores of this machine"),
    (["--engine", "gpu"], "--engine"),
    (["--engine", "serial", "--scheduler", "tcp://127.0.0.1:8786"],
     "--scheduler needs --engine dask"),
    (["--scheduler", "no address"], "is not an address"),
    (["--scheduler", "tcp://127.0.0.1:99999"], "is not an address"),
    pytest.param(["--scheduler", "tcp://127.0.0.1:1"], "cannot reach the dask scheduler",
                 marks=pytest.mark.heavy),  # the connection is retried for 10 s
])
def test_bad_engine_options_one_line_exit_2(tmp_path, capsys, args, says):
    path = tmp_path / "data.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    try:
        status = main(["fit", str(path), "--estimate", "h", *args, "--out", str(out)])
    except SystemExit as exc:  # argparse's own checks (a choice), in pycart's one line
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err, err
    assert not out.exists()


def test_an_interrupted_fit_on_worker_processes_resumes(tmp_path, serial):
    """Interrupted (Ctrl-C) after two finished starts while others run on two worker
    processes: the workers end at once, the two starts are kept, and the same fit run again
    (in this process: that worker processes give what it gives is the test above) computes
    only the rest and gives the tables of an uninterrupted run."""
    out, lines, workers = tmp_path / "fit", [], []
    engine = ProcessEngine(2)

    def interrupt_after_two(text: str) -> None:
        lines.append(text)
        if sum("done" in line for line in lines) == 2:
            workers.extend(engine._pool._processes.values())
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _fit(engine, out, interrupt_after_two)
    deadline = time.monotonic() + 5.0
    while any(w.is_alive() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers and not any(w.is_alive() for w in workers), workers
    assert len(list((out / PARTS).rglob("start-*.json"))) == 2
    assert not (out / "estimates.csv").exists()
    lines.clear()
    again = _fit(SerialEngine(), out, lines.append)
    assert sum(" starts kept from an earlier run" in line for line in lines) >= 1
    assert sum("start " in line and "done" in line for line in lines) == 6 - 2
    _same(again, serial)
    assert not (out / PARTS).exists()


def test_the_command_line_says_where_an_interrupted_fit_is_kept(tmp_path, capsys,
                                                                 monkeypatch):
    import pycart.analysis.calibrate as calibration

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(calibration, "calibrate", interrupted)
    path = tmp_path / "data.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["fit", str(path), "--estimate", "h", "--engine", "serial", "--out",
                 str(out)]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"kept in {out / PARTS}" in err, err
