"""The scripts run by the simulators' own Pythons, on stand-ins for the simulators (the real
runs: tests/exchange/test_simulators.py, heavy). PySCeS's steps bounded only near its
events (probe.py): the windows' arithmetic, and the passes that find them, on a stand-in
for PySCeS and Assimulo's CVode that finds an event, as PySCeS does, only at the end of a
step. The runners' batch (runbatch.py): no log written."""

from __future__ import annotations

import os
import sys
import types

import numpy as np
import pytest

from pycart.exchange import probe


def test_overlapping_windows_are_joined_in_order():
    assert probe._merged([(5.0, 6.0), (0.0, 1.0), (0.5, 2.0), (6.0, 7.0)]) == [
        (0.0, 2.0), (5.0, 7.0)]
    assert probe._merged([]) == []


def test_an_event_counts_as_bounded_ten_steps_past_its_windows_start():
    windows = [(2.0, 3.0), (0.0, 0.5)]
    # at a window's start: found at the end of the unbounded step before it
    assert probe._missed([2.0, 2.0005, 2.001, 3.0, 3.5], windows, 1e-4) == [2.0, 2.0005, 3.5]
    assert probe._missed([1e-6, 0.5], windows, 1e-4) == []  # a window from time 0: no step before


class _Problem:
    """What PySCeS hands the solver: one dose, due on day ``due``, given once (the model's
    ``given`` record, kept on the model between runs as PySCeS keeps event assignments)."""

    def __init__(self, model, due):
        self.model, self.due, self.event_times = model, due, []


class _CVode:
    """Assimulo's CVode as PySCeS uses it: ``simulate`` continues from ``self.t``, returns
    the start, the asked times, the event times and ``tfinal``; one-day steps unless
    ``maxh``; an event found at the end of the step it falls in."""

    def __init__(self, problem):
        self.problem, self.t, self.maxh = problem, 0.0, 0.0
        self.statistics = {"nnfails": 0}

    def simulate(self, tfinal, ncp=0, ncp_list=None):
        times = {self.t, tfinal, *(p for p in ncp_list if self.t < p <= tfinal)}
        while self.t < tfinal:
            end = min(self.t + (self.maxh or 1.0), tfinal)
            if not self.problem.model.given and self.t < self.problem.due <= end:
                self.problem.event_times.append(end)
                self.problem.model.given = 1.0
                times.add(end)
            self.t = end
        t = sorted(times)
        return t, np.zeros((len(t), 1))


class _Model:
    """A PySCeS model with one parameter, the dose's record ``given``."""

    parameters = ["given"]

    def __init__(self, module, due):
        self.module, self.due, self.given, self.runs = module, due, 0.0, []

    def Simulate(self, userinit=0):  # noqa: N802 (PySCeS's name)
        self._problem = _Problem(self, self.due)
        solver = self.module.CVode(self._problem)
        t, _ = solver.simulate(self.sim_time[-1], 0, [0.0, *self.sim_time])
        self.runs.append(t)


@pytest.fixture
def pysces(monkeypatch):
    """A stand-in ``pysces`` package whose PyscesModel holds the solver class."""
    module = types.SimpleNamespace(CVode=_CVode)
    monkeypatch.setitem(sys.modules, "pysces", types.SimpleNamespace(PyscesModel=module))
    return module


def test_the_passes_narrow_the_bounded_steps_onto_the_event(pysces):
    """A dose due on day 2.3: found on day 3 unbounded, then on day 2.5 (the start of the
    window around 3: the step before it was a long one), then within a bounded step of
    2.3; each run from the model's first values (the dose's record reset)."""
    model = _Model(pysces, due=2.3)
    probe._pysces_events(model, np.array([1.0, 5.0]), max_step=1e-2, window=0.5)
    assert len(model.runs) == 3
    final = model.runs[-1]
    (event,) = [t for t in final if t not in (0.0, 1.0, 5.0)]
    assert 2.3 <= event <= 2.3 + 1e-2 + 1e-9
    # one run as PySCeS reads it: the start, the asked times and the event, no window edge
    assert final == sorted(set(final)) and final[:2] == [0.0, 1.0] and final[-1] == 5.0
    assert pysces.CVode is not _CVode and issubclass(pysces.CVode, _CVode)


def test_no_dose_no_windows(pysces):
    model = _Model(pysces, due=100.0)
    probe._pysces_events(model, np.array([1.0, 5.0]), max_step=0.0, window=0.5)
    assert model.runs == [[0.0, 1.0, 5.0]] and pysces.CVode is _CVode


def test_events_never_settling_end_the_run(pysces, monkeypatch):
    monkeypatch.setattr(probe, "PASSES", 2)
    with pytest.raises(SystemExit, match="after 2 runs"):
        probe._pysces_events(_Model(pysces, due=2.3), np.array([5.0]), 1e-2, 0.5)


def test_the_runners_batch_writes_no_log_and_forks_no_capture(monkeypatch):
    """runbatch.py, in a runner's environment, turns off the runner's log.yml and its forked
    capture of C-level output (what it measures: runbatch's docstring); here on a stand-in
    for biosimulators-utils' log module."""
    from pycart.exchange import runbatch

    log_utils = types.SimpleNamespace(capturer=object())
    monkeypatch.setitem(sys.modules, "biosimulators_utils.log.utils", log_utils)
    monkeypatch.setenv("LOG_PATH", "log.yml")
    runbatch._unlogged()
    assert os.environ["LOG_PATH"] == "" and log_utils.capturer is None
    monkeypatch.delitem(sys.modules, "biosimulators_utils.log.utils")
    runbatch._unlogged()  # a runner without biosimulators-utils' log: nothing to turn off
