"""The engine protocol on cheap stand-in functions (no ODE): every kind runs a whole task
stream, is an :class:`Engine`, and is closed on leaving a ``with`` block, after success
(``close``) and after an exception (``abort``: its workers ended at once)."""

from __future__ import annotations

import operator
import os
import subprocess
import sys

import pytest

from pycart.core.errors import PycartError
from pycart.scale.engines import (
    ENGINES,
    DaskEngine,
    Engine,
    ProcessEngine,
    SerialEngine,
    make_engine,
)

TASKS = [(k, 3) for k in range(-6, 7)]  # pow(k, 3): distinct results, cheap to pickle
EXPECTED = sorted(pow(k, 3) for k, _ in TASKS)


def _processes(engine: ProcessEngine) -> list:
    return list(engine._pool._processes.values()) if engine._pool is not None else []


def test_the_serial_engine_runs_every_task_and_is_an_engine():
    with make_engine("serial") as engine:
        assert isinstance(engine, SerialEngine) and isinstance(engine, Engine)
        assert engine.workers == 1
        assert list(engine.run(pow, TASKS)) == [pow(*t) for t in TASKS]  # in order, here


def test_process_workers_run_every_task_and_end_with_the_block():
    with make_engine("processes", workers=2) as engine:
        assert isinstance(engine, ProcessEngine) and isinstance(engine, Engine)
        assert sorted(engine.run(pow, TASKS)) == EXPECTED  # any order, each task once
        workers = _processes(engine)
    assert workers and not any(w.is_alive() for w in workers)  # close() waited for them
    assert engine._pool is None


def test_started_workers_are_prepared_before_their_first_task(tmp_path):
    """``start`` launches every worker at once, each running ``prepare(*args)`` before any
    task (a sweep's workers load the kernel while the points are sampled); a prepare that
    fails leaves the pool working (the first task does the same work and says why), and
    the workers leave with status 0."""
    with ProcessEngine(2) as engine:
        engine.start(os.chdir, (str(tmp_path),))
        assert len(_processes(engine)) == 2  # launched before any task
        assert list(engine.run(os.getcwd, [()] * 4)) == [str(tmp_path)] * 4
        workers = _processes(engine)
    assert [w.exitcode for w in workers] == [0, 0]
    with ProcessEngine(1) as engine:
        engine.start(os.chdir, (str(tmp_path / "missing"),))
        assert list(engine.run(abs, [(-3,)])) == [3]
    with SerialEngine() as serial:
        serial.start(os.chdir, (str(tmp_path / "missing"),))  # nothing to start


#: A process with the command line's SIGTERM handler (KeyboardInterrupt) starts two workers
#: busy in calls that outlast any interruption, then aborts them: how they started, and how
#: long the abort took.
FORKED = """
import signal, sys, threading, time
from pycart.scale.engines import ProcessEngine, start_method
def interrupt(*_):
    raise KeyboardInterrupt
def stubborn():  # a long compiled call: Python's handlers would act only after it
    while True:
        try:
            time.sleep(60)
        except KeyboardInterrupt:
            pass
signal.signal(signal.SIGTERM, interrupt)
how = start_method()
engine = ProcessEngine(2)
tasks = engine.run(stubborn, [()] * 2)
engine.start(abs, (0,))
threading.Thread(target=lambda: next(tasks, None), daemon=True).start()
time.sleep(1.0)
began = time.monotonic()
engine.abort()
threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
print(how, start_method(), round(time.monotonic() - began, 1))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork where Linux has it")
def test_workers_are_forked_only_without_other_threads_and_die_on_sigterm():
    """A process running no other thread forks its workers (they find pycart imported); one
    with a thread spawns them. A forked worker has a fresh interpreter's SIGTERM (not the
    command line's KeyboardInterrupt, which a pool's worker survives), so an abort ends
    busy workers at once, not after its 5 s wait for a kill."""
    done = subprocess.run([sys.executable, "-c", FORKED], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    first, then, seconds = done.stdout.split()
    assert (first, then) == ("fork", "spawn") and float(seconds) < 4.0


def test_an_exception_in_the_block_aborts_the_workers():
    with pytest.raises(ZeroDivisionError), ProcessEngine(2) as engine:
        assert sorted(engine.run(abs, [(-1,), (-2,)])) == [1, 2]  # the workers start
        workers = _processes(engine)
        list(engine.run(operator.truediv, [(1, 1), (1, 0), (2, 1)]))
    assert workers and not any(w.is_alive() for w in workers)
    assert engine._pool is None


def test_a_keyboard_interrupt_aborts_and_success_closes():
    """``__exit__`` calls abort() on any exception (Ctrl-C included), close() otherwise."""
    interrupted, finished = Spy(), Spy()
    with pytest.raises(KeyboardInterrupt), interrupted:
        raise KeyboardInterrupt
    with finished as engine:
        assert engine is finished and list(engine.run(abs, [(-1,)])) == [1]
    assert (interrupted.calls, finished.calls) == (["abort"], ["close"])


def test_an_object_without_the_protocol_is_not_an_engine():
    class Half:
        workers = 1

        def run(self, function, tasks):
            return iter(())

    assert not isinstance(Half(), Engine)


def test_a_dask_local_cluster_runs_every_task_and_closes_with_the_block():
    pytest.importorskip("distributed")
    with make_engine("dask", workers=1) as engine:
        assert isinstance(engine, DaskEngine) and isinstance(engine, Engine)
        assert sorted(engine.run(pow, TASKS)) == EXPECTED
    assert engine.client.status == "closed"
    assert engine.cluster.status.name == "closed"


@pytest.mark.heavy
def test_an_exception_aborts_a_dask_local_cluster():
    pytest.importorskip("distributed")
    with pytest.raises(ZeroDivisionError), make_engine("dask", workers=1) as engine:
        for _ in engine.run(operator.truediv, [(1, 1), (1, 0)]):
            pass
    assert engine.client.status == "closed"
    assert engine.cluster.status.name == "closed"


CORES = os.cpu_count() or 1


@pytest.mark.parametrize("kwargs, says", [
    ({"kind": "gpu"}, f"engine 'gpu' (allowed: {', '.join(ENGINES)})"),
    ({"kind": 3}, "engine 3 (allowed"),
    ({"workers": 0}, "0 workers (allowed: 1 to"),
    ({"workers": CORES + 1}, f"{CORES + 1} workers (allowed: 1 to {CORES}"),
    ({"workers": "2"}, "'2' workers (allowed"),
    ({"workers": True}, "True workers (allowed"),
    ({"kind": "dask", "workers": 0}, "0 workers (allowed"),
    ({"kind": "serial", "scheduler": "tcp://127.0.0.1:8786"}, "--scheduler needs --engine dask"),
    ({"scheduler": "no address"}, "is not an address"),
    ({"scheduler": "tcp://127.0.0.1:99999"}, "is not an address"),
    ({"tls_ca_file": "ca.pem"}, "need --scheduler tls://HOST:PORT"),
    ({"scheduler": "tcp://127.0.0.1:8786", "tls_cert": "c.pem"}, "needs a tls:// scheduler"),
])
def test_the_factory_refuses_bad_arguments_in_one_line(kwargs, says):
    with pytest.raises(PycartError) as caught:
        make_engine(**kwargs)
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_a_tls_scheduler_needs_readable_files(tmp_path):
    pytest.importorskip("distributed")
    missing = tmp_path / "ca.pem"
    with pytest.raises(PycartError, match="is not a readable file") as caught:
        make_engine(scheduler="tls://127.0.0.1:8786", tls_ca_file=str(missing),
                    tls_cert=str(missing))
    assert "\n" not in str(caught.value)


# ---- who closes an engine: its owner ------------------------------------------------------

class Spy(SerialEngine):
    """A serial engine that records how it was left."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def close(self) -> None:
        self.calls.append("close")

    def abort(self) -> None:
        self.calls.append("abort")


def _stand_in_chunk(sweep, key, start, points):
    """A chunk's rows without the ODE: the point, its values, and 0 for every result."""
    import pandas as pd

    table = pd.DataFrame(0.0, index=range(len(points)), columns=sweep.columns())
    table["point"] = range(start, start + len(points))
    for j, d in enumerate(sweep.dimensions):
        table[d.name] = points[:, j]
    table["status"], table["message"] = "ok", ""
    return start, table


def test_run_sweep_leaves_a_given_engine_to_its_owner_and_closes_its_own(tmp_path,
                                                                          monkeypatch):
    from pycart.scale import runner
    from pycart.scale.sweep import Dimension, Sweep

    monkeypatch.setattr(runner, "compute_chunk", _stand_in_chunk)
    sweep = Sweep((Dimension("h", 1e8, 1e9, 5),), peak=False)
    given = Spy()
    with given:
        report = runner.run_sweep(sweep, tmp_path / "given.csv", given, chunk_size=2)
        assert report.points == 5 and given.calls == []  # still open: a second run may use it
        runner.run_sweep(sweep, tmp_path / "again.csv", given, chunk_size=2)
    assert given.calls == ["close"]

    owned: list[Spy] = []
    monkeypatch.setattr(runner, "ProcessEngine", lambda: owned.append(Spy()) or owned[-1])
    runner.run_sweep(sweep, tmp_path / "own.csv", chunk_size=2)

    def interrupt(done: int, total: int) -> None:
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner.run_sweep(sweep, tmp_path / "cut.csv", chunk_size=2, progress=interrupt)
    assert [spy.calls for spy in owned] == [["close"], ["abort"]]
