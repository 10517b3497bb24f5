"""The comparison behind the simulators matrix (fast: synthetic reports), the table it
writes, and ``pycart compatibility``'s refusals of bad input."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pycart.exchange.simulators import TOOLS, compare_reports, tool_env
from pycart.report.compatibility import markdown

SEDML = """<?xml version="1.0" encoding="UTF-8"?>
<sedML xmlns="http://sed-ml.org/sed-ml/level1/version4" level="1" version="4">
  <listOfDataGenerators>
    <dataGenerator id="dg_t"><listOfVariables><variable id="v_t" symbol="urn:sedml:symbol:time" taskReference="task"/></listOfVariables><math xmlns="http://www.w3.org/1998/Math/MathML"><ci>v_t</ci></math></dataGenerator>
    <dataGenerator id="dg_L"><listOfVariables><variable id="v_L" symbol="urn:sedml:symbol:time" taskReference="task"/></listOfVariables><math xmlns="http://www.w3.org/1998/Math/MathML"><ci>v_L</ci></math></dataGenerator>
  </listOfDataGenerators>
  <listOfOutputs>
    <report id="report"><listOfDataSets>
      <dataSet id="ds_t" label="time" dataReference="dg_t"/>
      <dataSet id="ds_L" label="L" dataReference="dg_L"/>
    </listOfDataSets></report>
  </listOfOutputs>
</sedML>
"""  # noqa: E501 (a data generator on one line, as tools write them)


def _h5(path, rows):
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as f:
        d = f.create_dataset("a.sedml/report", data=np.asarray(rows, dtype=float))
        d.attrs["sedmlDataSetIds"] = np.array(["ds_t", "ds_L"], dtype=object)
    return path


REFERENCE = {"dg_t": np.array([0.0, 1.0, 2.0]), "dg_L": np.array([1e11, 2e5, 0.5])}


def test_agreeing_report_passes_and_values_below_a_cell_are_not_compared(tmp_path):
    h5 = _h5(tmp_path / "r.h5", [[0, 1, 2], [1e11 * (1 + 1e-5), 2e5, 0.9]])
    found = compare_reports(h5, "a.sedml", SEDML, REFERENCE)
    assert found.problems == () and found.largest == pytest.approx(1e-5, rel=1e-3)


def test_nan_and_a_short_run_reported_as_success_are_problems(tmp_path):
    nan = compare_reports(_h5(tmp_path / "n.h5", [[0, 1, 2], [1e11, np.nan, 0.5]]),
                          "a.sedml", SEDML, REFERENCE)
    assert nan.problems == ("ds_L: 1 NaN",)
    short = compare_reports(_h5(tmp_path / "s.h5", [[0, 1], [1e11, 2e5]]), "a.sedml", SEDML,
                            REFERENCE)
    assert "stopped early" in short.problems[0]
    wrong = compare_reports(_h5(tmp_path / "w.h5", [[0, 1, 2], [1e11, 3e5, 0.5]]),
                            "a.sedml", SEDML, REFERENCE)
    assert wrong.largest == pytest.approx(0.5)


def test_missing_report_is_a_problem(tmp_path):
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "e.h5", "w"):
        pass
    assert compare_reports(tmp_path / "e.h5", "a.sedml", SEDML, REFERENCE).problems == (
        "no report report",)


def test_markdown_table_says_what_reproduces_and_what_to_set():
    archives = pd.DataFrame([
        {"tool": "biosimulators-tellurium", "archive": "fig3.omex", "reported": "succeeded",
         "seconds": 3.0, "complete": True, "largest": 1e-8, "problems": ""},
        {"tool": "biosimulators-copasi", "archive": "fig8.omex", "reported": "succeeded",
         "seconds": 3.0, "complete": False, "largest": 0.2, "problems": "ds_L: shape"}])
    direct = pd.DataFrame([{"tool": "pysces", "model": "cart_bm", "case": "doses off",
                            "ran": True, "largest": 2e-7, "problems": ""}])
    text = markdown(archives, direct, "pycart compatibility")
    assert "| biosimulators-tellurium | fig3.omex | succeeded | yes | 1e-08 | reproduces |" in text
    assert "| biosimulators-copasi | fig8.omex | succeeded | no: ds_L: shape | 0.2 | " \
           "does not reproduce |" in text
    assert "Relative Tolerance 1e-10" in text  # what to set in COPASI
    assert text.count("(`ulimit -n 4096`)") == 2  # each runner's command line: open files
    assert "| pysces | cart_bm | doses off | yes | 2e-07 | reproduces |" in text
    assert "cvode_hmax = 1e-4" in text  # what to set in PySCeS


def test_the_schedule_case_has_four_doses_of_two_products_and_a_rechallenge():
    """The named case `pycart compatibility` adds to the table (its runs: heavy tests in
    test_simulators.py); its rows join the others, a tool list of none adds nothing."""
    from pycart.core.schedule import check_schedule, slots
    from pycart.report.compatibility import (
        DAYS,
        SCHEDULE,
        SCHEDULE_CASE,
        SCHEDULE_MODEL,
        joined,
        schedule_direct_rows,
    )

    doses = check_schedule(SCHEDULE, SCHEDULE_MODEL, DAYS[-1])
    assert slots(doses) == {"CA": 2, "CA2": 2, "L": 1}  # after day 0, besides CA on day 0
    assert schedule_direct_rows(()).empty
    row = {"tool": "pysces", "model": SCHEDULE_MODEL, "case": SCHEDULE_CASE, "ran": True,
           "largest": 3e-6, "problems": ""}
    table = joined(pd.DataFrame([row | {"case": "doses off"}]), pd.DataFrame(),
                   pd.DataFrame([row]))
    assert list(table["case"]) == ["doses off", SCHEDULE_CASE]
    assert f"| pysces | cart_bm2 | {SCHEDULE_CASE} | yes | 3e-06 | reproduces |" in markdown(
        pd.DataFrame(), table, "pycart compatibility")


def test_pysces_steps_are_bounded_only_with_a_dose_on():
    from pycart.exchange.simulators import PYSCES_DOSE_MAX_STEP, dose_max_step

    assert PYSCES_DOSE_MAX_STEP == 1e-5  # near each event only (tests/exchange/test_probe.py)
    assert dose_max_step("pysces", {"reinf_day": 60.0, "reinf_dose": 1e8}) == 1e-5
    assert dose_max_step("pysces", {"relapse_threshold": 1e8, "relapse_dose2": 5e8}) == 1e-5
    assert dose_max_step("pysces", {"reinf_day": 60.0, "reinf_dose": 0.0, "alpha": 1.0}) == 0
    assert dose_max_step("tellurium", {"reinf_dose": 1e8}) == 0


def test_a_tool_failure_is_told_by_its_first_compiler_error():
    from pycart.exchange.simulators import first_error

    log = ("-- Configuring done\n[3/90] Building CXX object deltax.cpp.o\n"
           "/root/.cache/m/pycart_cart_bm/deltax.cpp:24:41: error: 'clock' was not declared\n"
           "/root/.cache/m/pycart_cart_bm/deltaqB.cpp:3:1: error: second\nTraceback ...\n")
    assert first_error(log) == "deltax.cpp:24:41: error: 'clock' was not declared"
    assert first_error("Traceback\nValueError: bad") == "Traceback\nValueError: bad"


def test_unknown_tool_is_refused(tmp_path):
    from pycart.core.errors import PycartError

    with pytest.raises(PycartError, match="unknown tool 'matlab'"):
        tool_env("matlab", tmp_path)
    assert set(TOOLS) == {"tellurium", "copasi", "amici", "pysces"}


@pytest.mark.parametrize("argv, message", [
    (["--runners", "matlab"], "--runners 'matlab' (allowed"),
    (["--direct", ""], "--direct '' (allowed"),
    (["--runners", "tellurium,tellurium", "--exports", "nowhere"],
     "--runners 'tellurium,tellurium' (allowed: a comma list of tellurium, copasi, amici, "
     "each once, or none)"),
    (["--direct", "copasi,pysces"], "--exports 'exports' holds no .omex archive"),
    (["--jobs", "8"], "--jobs '8' (allowed: 1 or 2"),
    (["--exports", "nowhere"], "--exports 'nowhere' holds no .omex archive"),
])
def test_compatibility_refuses_bad_input(tmp_path, monkeypatch, capsys, argv, message):
    # the command line's main() in this process: a subprocess paid ~1.4 s of CPU for its
    # imports per case (the console script itself is tested in tests/cli/test_cli.py)
    from pycart.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["compatibility", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []


def test_padding_of_a_report_mixing_tasks_and_scans_is_removed():
    """biosimulators-tellurium's report of fig4: a task's data set (601,) and a scan's
    (3, 1, 601) both padded to (601, 1, 601)."""
    from pycart.exchange.simulators import unpadded

    padded = np.full((601, 1, 601), np.nan)
    padded[:, 0, 0] = np.arange(601.0)
    assert np.array_equal(unpadded(padded, (601,)), np.arange(601.0))
    padded = np.full((601, 1, 601), np.nan)
    padded[:3, 0, :] = 7.0
    assert np.array_equal(unpadded(padded, (3, 601)), np.full((3, 601), 7.0))
    assert unpadded(np.ones((3, 601)), (3, 601)).shape == (3, 601)


FAKE_RUNNER = '''
import os, sys, time
from pathlib import Path


class App:
    """A stand-in for a BioSimulators runner's command-line application."""

    def __init__(self, argv):
        self.archive, self.out = Path(argv[1]), Path(argv[3])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def run(self):
        kind = self.archive.stem
        print(f"running {kind}")
        os.write(2, f"C-level output of {kind}\\n".encode())  # a simulator's own messages
        if kind == "bad":
            raise SystemExit("the archive is invalid")
        if kind == "raises":
            raise ValueError("a runner's bug")
        if kind == "crash":
            os._exit(3)
        if kind == "slow":
            time.sleep(60)
        if kind == "leaky":  # as the runners' output capture: a pseudo-terminal left open
            os.dup(os.openpty()[1])
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "reports.h5").write_text(str(os.getpid()))
        if kind == "files":  # what this process may open, and holds open on a terminal
            import resource
            ptys = [n for n in os.listdir("/proc/self/fd")
                    if os.path.realpath(f"/proc/self/fd/{n}").startswith("/dev/pts/")]
            limits = resource.getrlimit(resource.RLIMIT_NOFILE)
            (self.out / "reports.h5").write_text(f"{len(ptys)} {limits[0]} {limits[1]}")
'''


def _fake_tellurium(tmp_path: Path, monkeypatch, python: str) -> None:
    """A stand-in tellurium environment under ``tmp_path``: its ``bin/python`` the shell
    script ``python``, its runner :data:`FAKE_RUNNER`."""
    env = tmp_path / "envs" / "tellurium"
    (env / "bin").mkdir(parents=True)
    (env / "bin" / "python").write_text(f"#!/bin/sh\n{python}\n")
    (env / "bin" / "python").chmod(0o755)
    (env / ".pycart-complete").write_text("\n".join(TOOLS["tellurium"]), encoding="utf-8")
    package = tmp_path / "site" / "biosimulators_tellurium"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(FAKE_RUNNER)
    monkeypatch.setenv("PYCART_ENVS", str(tmp_path / "envs"))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))


def test_archives_run_in_one_process_and_a_failure_stays_with_its_archive(tmp_path,
                                                                          monkeypatch):
    """run_archives runs the archives in one process of the tool's environment (the
    runner's start-up paid once); a failed archive, a runner's exception, a crash of the
    process or a stall fails only that archive, and the archives after it run in a new
    process, every result in order."""
    from pycart.exchange.simulators import run_archives, run_dealt

    _fake_tellurium(tmp_path, monkeypatch, f"exec {sys.executable} \"$@\"")
    names = ["a", "bad", "b", "raises", "c", "crash", "d", "slow", "e"]
    jobs = [(tmp_path / f"{n}.omex", tmp_path / "out" / n) for n in names]
    results = run_archives("tellurium", jobs[:7], timeout=60.0)
    results += run_archives("tellurium", jobs[7:], timeout=3.0)  # a stall: not waited out
    assert [r.archive for r in results] == [f"{n}.omex" for n in names]
    ok = {n for n, r in zip(names, results, strict=True) if r.succeeded and r.reports is not None}
    assert ok == {"a", "b", "c", "d", "e"}
    pids = {n: (tmp_path / "out" / n / "reports.h5").read_text() for n in ok}
    assert pids["a"] == pids["b"] == pids["c"] != pids["d"] != pids["e"]  # new after each end
    by = dict(zip(names, results, strict=True))
    assert "the archive is invalid" in by["bad"].log and "C-level output of bad" in by["bad"].log
    assert "ValueError: a runner's bug" in by["raises"].log
    assert "status 3" in by["crash"].log and "timed out after 3 s" in by["slow"].log
    assert "C-level output of a" in by["a"].log and "running a" in by["a"].log
    dealt = run_dealt("tellurium", [tmp_path / "x" / f"{n}.omex" for n in "pqr"],
                      tmp_path / "work")
    assert [r.archive for r in dealt] == ["p.omex", "q.omex", "r.omex"]
    assert all(r.succeeded for r in dealt)
    assert (tmp_path / "work" / "x" / "q" / "out" / "reports.h5").exists()


ORPHANING_RUNNER = """# a runner that starts a child holding its output, prints one result and dies
cat > /dev/null
sleep 300 &
echo $! >> "$PIDS"
echo '{"index": 0, "ok": true, "seconds": 0.1, "log": "ran"}'
exit 5"""


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_runner_dying_with_a_child_holding_its_output_is_told_in_seconds(tmp_path,
                                                                             monkeypatch):
    """A runner that dies while a process it started still holds its output (the full
    table's run stalled so, 900 s an archive): its death is seen within about a second,
    its whole process group is killed (no process left), the archive it died on is a
    failed run and the next one runs in a new process."""
    from pycart.exchange.simulators import run_archives

    _fake_tellurium(tmp_path, monkeypatch, ORPHANING_RUNNER)
    monkeypatch.setenv("PIDS", str(tmp_path / "pids"))
    jobs = [(tmp_path / f"{n}.omex", tmp_path / "out" / n) for n in "abc"]
    started = time.monotonic()
    results = run_archives("tellurium", jobs, timeout=60.0)
    seconds = time.monotonic() - started
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    waited = time.monotonic() + 5.0  # a killed process is gone once its new parent reaps it
    while (left := [p for p in pids if _alive(p)]) and time.monotonic() < waited:
        time.sleep(0.1)
    for pid in left:  # not left behind by a failing test
        os.kill(pid, 9)
    assert [r.succeeded for r in results] == [True, False, True]
    assert "the runner's process ended (status 5)" in results[1].log
    assert len(pids) == 2 and not left, (pids, left, [r.log for r in results])
    assert seconds < 20.0, seconds  # two deaths, each seen in ~1 s (a stall: 2 x 60 s)


def test_a_runner_may_open_files_to_its_hard_limit_and_keeps_no_terminal_open(tmp_path,
                                                                             monkeypatch):
    """The runner's process may open files up to its hard limit (biosimulators-tellurium
    left about 2,200 open on ext_fig8.omex: at a soft limit of 1024 it failed it, "Too many
    open files"), and what an archive left open on a pseudo-terminal (the runners' output
    capture does so, task after task) is closed before the next archive."""
    from pycart.exchange.simulators import run_archives

    _fake_tellurium(tmp_path, monkeypatch, f"ulimit -S -n 256\nexec {sys.executable} \"$@\"")
    jobs = [(tmp_path / f"{n}.omex", tmp_path / "out" / n) for n in ("leaky", "files")]
    results = run_archives("tellurium", jobs, timeout=60.0)
    assert all(r.succeeded for r in results), [r.log for r in results]
    ptys, soft, hard = (tmp_path / "out" / "files" / "reports.h5").read_text().split()
    assert ptys == "0"
    assert soft == hard or int(soft) == 1 << 20 and int(hard) == -1, (soft, hard)


def test_an_archive_without_reports_is_told_with_the_end_of_the_runners_output(tmp_path,
                                                                               monkeypatch):
    """An archive the runner left without reports is a row saying so, and the progress
    line says why (the end of the runner's output: a crash's status), so that a long
    run's log tells which archive a runner died on and how."""
    from pycart.exchange.simulators import RunnerResult
    from pycart.report import compatibility

    (tmp_path / "a.omex").write_bytes(b"")
    died = RunnerResult("tellurium", "a.omex", False, 1.0, None,
                        "...\nthe runner's process ended (status -9): ")
    monkeypatch.setattr(compatibility, "run_dealt", lambda *args: [died])
    told: list[str] = []
    rows = compatibility.archive_rows(tmp_path, ("tellurium",), say=told.append)
    assert rows.loc[0, "problems"] == "no reports" and rows.loc[0, "reported"] == "failed"
    assert told == ["tellurium a.omex: no reports: ...\nthe runner's process ended "
                    "(status -9):"]


def _table_rows(text: str) -> dict[tuple[str, ...], list[str]]:
    """The committed table's rows by key: (tool, archive) for an archive, (tool, model,
    doses) for a direct load; each row's cells without the runner's seconds (a time, not
    a result)."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| ") or cells[0] in ("tool", "---"):
            continue
        if len(cells) == 7:  # an archive: tool, archive, ..., seconds
            rows[tuple(cells[:2])] = cells[:6]
        else:
            rows[tuple(cells[:3])] = cells
    return rows


def test_the_committed_table_is_whole_for_the_command_it_names():
    """docs/compatibility.md holds every row the command its first line names writes:
    every archive of exports/ and exports/copasi/ and the schedule case's two archives
    through each runner, every model and dose case and the schedule loaded directly in
    each tool, each reproducing, and no other row (the rows' values are the command's:
    tests/exchange/test_compatibility_table.py re-runs a part of it). ``pycart
    compatibility`` with no options names every tool."""
    import re

    from pycart.report.compatibility import CASES, DIRECT_MODELS, SCHEDULE_CASE, SCHEDULE_MODEL

    root = Path(__file__).resolve().parents[2]
    text = (root / "docs" / "compatibility.md").read_text(encoding="utf-8")
    named = re.search(r"Generated by `pycart compatibility --runners (\S+) --direct (\S+)`",
                      text)
    assert named, "the table names the command that wrote it"
    runners, direct = (named.group(k).split(",") for k in (1, 2))
    archives = [p.name for p in sorted((root / "exports").glob("*.omex"))]
    archives += [f"copasi/{p.name}" for p in sorted((root / "exports" / "copasi").glob("*.omex"))]
    archives += ["schedule.omex", "copasi/schedule-plot1.omex"]
    expected = {(f"biosimulators-{tool}", a) for tool in runners for a in archives}
    expected |= {(tool, model, case) for tool in direct for model in DIRECT_MODELS
                 for case in CASES}
    expected |= {(tool, SCHEDULE_MODEL, SCHEDULE_CASE) for tool in direct}
    rows = _table_rows(text)
    assert set(rows) == expected, sorted(set(rows) ^ expected)
    assert {tuple(r[2:4]) for k, r in rows.items() if len(k) == 2} == {("succeeded", "yes")}
    assert {r[3] for k, r in rows.items() if len(k) == 3} == {"yes"}  # every tool ran
    assert {r[-1] for r in rows.values()} == {"reproduces"}
    assert "amici" in direct and "pysces" in direct  # the two direct-load tools

def test_copasi_loads_a_model_directly_with_pycart_numbers():
    """COPASI (python-copasi, in this process) on the committed SBML with a reinfusion on
    day 10: every species above 1e-6 cells within 1e-6 relative at days 0 to 30 (both
    solvers at relative 1e-10; the dose is an event either root-finds), the dose's day
    recorded; times off COPASI's regular output grid refused."""
    import pycart
    from pycart.core.errors import PycartError
    from pycart.core.resources import sbml_text
    from pycart.exchange.copasisbml import copasi_time_course
    from pycart.exchange.sbml import with_values

    dose = {"reinf_day": 10.0, "reinf_dose": 1e8}
    days = [0.0, 10.0, 20.0, 30.0]
    theirs = copasi_time_course(with_values(sbml_text("cart_bm"), dose), days)
    model = pycart.Model("cart_bm")
    mine = model.simulate(dose, t_end=30.0, points=4)
    np.testing.assert_allclose(theirs["time"], days, rtol=0, atol=1e-9)
    for species in model.species:
        keep = mine[species].to_numpy() > 1e-6
        np.testing.assert_allclose(theirs[species][keep], mine[species].to_numpy()[keep],
                                   rtol=1e-6, err_msg=species)
    assert theirs["CA"][1] > mine["CA"].iloc[0]  # day 10's value is after the dose
    assert theirs["reinf_given_day"][-1] == pytest.approx(10.0)
    with pytest.raises(PycartError, match="regular grid from 0"):
        copasi_time_course(sbml_text("cart_bm"), [0.0, 10.0, 25.0])
