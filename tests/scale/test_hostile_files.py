"""Files written, as issue #24 tried them: every file pycart writes has the permissions the
user's umask gives, no lock file is left behind, two fits on one output folder give one fit
and one refusal, and a damaged saved start of a fit is reported and computed again."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

#: Measurements a one-parameter fit recovers in about a second.
DATA = "time,observable,value\n1,CT,6e7\n7,CT,3e9\n14,CT,5e9\n"

SCENARIO = 'name = "s"\nt_end = 15\n[[runs]]\nlabel = "a"\n'

#: Seconds a writing command may take (the slowest, COPASI's import, takes a few).
COMMAND_SECONDS = 300


def pycart(*args: str, cwd: Path, umask: int = 0o022, check: bool = True
           ) -> subprocess.CompletedProcess:
    """``pycart args`` in a fresh process with ``umask``, in folder ``cwd``."""
    done = subprocess.run([sys.executable, "-m", "pycart", *args], cwd=cwd, umask=umask,
                          capture_output=True, text=True, timeout=COMMAND_SECONDS)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def _inputs(work: Path) -> None:
    (work / "data.csv").write_text(DATA, encoding="utf-8")
    (work / "s.toml").write_text(SCENARIO, encoding="utf-8")
    (work / "out").mkdir()  # the folder of the commands that write one table


FIT = ("fit", "data.csv", "--estimate", "h", "--starts", "2", "--engine", "serial",
       "--out", "out")

#: Each writing command, kept small: (id, commands run in turn in one folder). A few seconds
#: each, so only fit (its figures were 0600) runs in the default suite, with umask 027.
WRITERS = [
    ("run", [("run", "s.toml", "--out", "out")]),
    ("simulate", [("simulate", "--t-end", "5", "--out", "out/t.parquet")]),
    ("sweep+summarize", [("sweep", "--param", "h=5e8:5e10:3", "--t-end", "10", "--engine",
                          "serial", "--out", "out/s.csv"),
                         ("summarize", "out/s.csv", "--out", "out/summary.parquet")]),
    ("sensitivity", [("sensitivity", "--range", "h=5e8:5e10", "--range", "rhoA=0.4:1",
                      "--method", "morris", "--samples", "2", "--engine", "serial",
                      "--out", "out/m.csv")]),
    ("fit", [FIT]),
    ("petab", [("petab", "data.csv", "--estimate", "h", "--out", "out")]),
    ("export", [("export", "s.toml", "--out", "out")]),
    ("copasi", [("copasi", "s.toml", "--out", "out")]),
]


@pytest.mark.parametrize("mask, commands", [
    pytest.param(mask, c, id=f"{i}-umask{mask:03o}",
                 marks=() if mask == 0o027 and i == "fit" else pytest.mark.heavy)
    for i, c in WRITERS for mask in (0o022, 0o027)])
def test_every_file_written_follows_the_umask(tmp_path, commands, mask):
    """Before, fit figures, COPASI files and PEtab tables were 0600 whatever the umask."""
    _inputs(tmp_path)
    for args in commands:
        pycart(*args, cwd=tmp_path, umask=mask)
    found = list((tmp_path / "out").rglob("*"))
    assert any(p.is_file() for p in found)
    modes = {str(p.relative_to(tmp_path)): stat.S_IMODE(p.stat().st_mode) for p in found}
    wanted = {name: (0o777 if (tmp_path / name).is_dir() else 0o666) & ~mask
              for name in modes}
    assert modes == wanted
    assert not [p for p in found if p.name.endswith((".lock", ".part"))]


# ---- saved starts of a fit, damaged -------------------------------------------------------

def _fit_settings(profiles: bool = False):
    from pycart.analysis.calibrate import FitSettings

    return FitSettings(("h",), {"h": "1e8:1e11"}, starts=3, profiles=profiles)


def _fit_data():
    from pycart.analysis.synthetic import TRUTHS, synthetic

    return synthetic({"A": TRUTHS["R-fast"]}, days=(2, 5, 8, 12), seed=7)


@pytest.fixture(scope="module")
def fitted(tmp_path_factory, fit_figures):
    """A complete three-start fit whose saved parts are kept (as a killed run leaves them);
    its figures, and those of the fits that reuse its parts, are fit_figures' stand-ins."""
    import pycart.analysis.calibrate as calibration
    from pycart.scale.engines import SerialEngine

    out = tmp_path_factory.mktemp("fitted")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(calibration.shutil, "rmtree", lambda *a, **k: None)
        result = calibration.calibrate(_fit_data(), _fit_settings(True), out, SerialEngine(),
                                       log=lambda _: None)
    return out, result


def _start_text(parts: Path, index: int) -> str:
    return (parts / f"start-{index}.json").read_text(encoding="utf-8")


#: Damage done to the saved parts: (id, damage(parts), file reported, starts computed again).
DAMAGE = [
    ("empty-object", lambda d: (d / "start-0.json").write_text("{}"), "start-0.json", 1),
    ("named-abc", lambda d: (d / "start-abc.json").write_text(_start_text(d, 1)),
     "start-abc.json", 0),
    ("truncated", lambda d: (d / "start-1.json").write_text(_start_text(d, 1)[:40]),
     "start-1.json", 1),
    ("wrong-type", lambda d: (d / "start-2.json").write_text(
        _start_text(d, 2).replace('"nll": ', '"nll": "x", "_": ', 1).replace(
            ', "_": ', ', "evaluations_": ', 1)), "start-2.json", 1),
    ("nan-nll-ok", lambda d: (d / "start-0.json").write_text(re.sub(
        r'"nll": [^,]+', '"nll": NaN', _start_text(d, 0))), "start-0.json", 1),
    ("another-start", lambda d: (d / "start-0.json").write_text(_start_text(d, 1)),
     "start-0.json", 1),
    ("not-utf8", lambda d: (d / "start-1.json").write_bytes(b"\xff\xfe{"), "start-1.json", 1),
    ("nested", lambda d: (d / "start-2.json").write_text("[" * 100_000), "start-2.json", 1),
    ("a-folder", lambda d: (d / "start-1.json").unlink() or (d / "start-1.json").mkdir(),
     "start-1.json", 1),
    ("endless-link", lambda d: (d / "start-1.json").unlink() or (d / "start-1.json")
     .symlink_to("/dev/zero"), "start-1.json", 1),
    ("profile-side", lambda d: (next(d.glob("optimum-*")) / "profile-0-lo.json")
     .write_text('{"points": 1}'), "profile-0-lo.json", 0),  # a side's store: its optimum's
]
#: The cases of the default suite (a second each).
FAST_DAMAGE = ("empty-object", "named-abc", "nan-nll-ok", "profile-side")


@pytest.mark.parametrize("damage, reported, again", [
    pytest.param(*d[1:], id=d[0], marks=() if d[0] in FAST_DAMAGE else pytest.mark.heavy)
    for d in DAMAGE])
def test_a_damaged_saved_start_is_reported_and_computed_again(tmp_path, fitted, damage,
                                                              reported, again, monkeypatch):
    """Before, ``{}`` was taken as a start and ``start-abc.json`` gave a traceback."""
    import shutil

    import pandas as pd

    import pycart.analysis.calibrate as calibration
    from pycart.scale.engines import SerialEngine

    source, result = fitted
    shutil.copytree(source / ".fit-parts", tmp_path / ".fit-parts")
    parts = next((tmp_path / ".fit-parts").iterdir())
    damage(parts)
    calls, lines = [], []
    real = calibration.start_task
    monkeypatch.setattr(calibration, "start_task", lambda *a: calls.append(a) or real(*a))
    again_result = calibration.calibrate(_fit_data(), _fit_settings(True), tmp_path,
                                         SerialEngine(), log=lines.append)
    damaged = [line for line in lines if "damaged" in line]
    assert len(damaged) == 1 and reported in damaged[0], lines
    assert len(calls) == again
    for name in ("starts", "estimates", "profiles"):
        pd.testing.assert_frame_equal(getattr(again_result, name), getattr(result, name))
    assert not (tmp_path / ".fit-parts").exists()
    assert not list(tmp_path.rglob("*.lock"))


# ---- one run per output, and no lock file left behind -------------------------------------

def test_a_second_fit_on_one_output_is_refused_and_the_first_loses_nothing(tmp_path,
                                                                           monkeypatch, capsys):
    """Before, the second run's saved starts were deleted by the first as it finished (and
    the first's by the second). The first run is held still (SIGSTOP) while the second
    starts, so the test cannot race."""
    import signal
    import time

    from pycart.cli import main

    (tmp_path / "data.csv").write_text(DATA, encoding="utf-8")
    # three starts: the first saved, two still to come (~0.3 s each) when it is stopped
    command = [sys.executable, "-m", "pycart", *FIT[:5], "3", "--no-profiles", *FIT[6:]]
    first = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + COMMAND_SECONDS
        while not list((tmp_path / "out").rglob("start-*.json")):
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.05)
        first.send_signal(signal.SIGSTOP)
        try:
            saved = {p.name for p in (tmp_path / "out").rglob("start-*.json")}
            # the second run in this process (main()): the lock is the other process's
            monkeypatch.chdir(tmp_path)
            status = main(list(command[3:]))
            assert saved <= {p.name for p in (tmp_path / "out").rglob("start-*.json")}
        finally:
            first.send_signal(signal.SIGCONT)
        err = capsys.readouterr().err
        assert status == 2 and err.count("\n") == 1, err
        assert "another pycart run is writing out" in err
        out, err = first.communicate(timeout=COMMAND_SECONDS)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    assert first.returncode == 0, err
    starts = (tmp_path / "out" / "starts.csv").read_text(encoding="utf-8").splitlines()
    assert len(starts) == 1 + 3 and "of 3 starts reached it" in out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "estimates.csv", "fit.png", "patients.csv", "profiles.csv", "profiles.png",
        "starts.csv"]


def test_no_lock_file_is_left_after_a_sweep_that_ends_or_fails(tmp_path):
    from pycart.scale import store
    from pycart.scale.engines import SerialEngine
    from pycart.scale.runner import run_sweep
    from pycart.scale.sweep import Dimension, Sweep

    out = tmp_path / "s.parquet"
    run_sweep(Sweep((Dimension("h", 5e8, 5e10, 2),), t_end=5, days=(5.0,)), out,
              SerialEngine())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.parquet"]
    with pytest.raises(KeyboardInterrupt), store.locked(out):
        assert store.lock_path(out).exists()
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.parquet"]


def test_a_run_that_locked_a_lock_file_just_removed_takes_the_new_one(tmp_path, monkeypatch):
    """The race of removing lock files: run B opens the lock file, run A ends (removes it and
    releases it), run C creates a new one and holds it, then B's lock on the removed file
    succeeds. B must notice it holds a file no longer on disk, try the new one and be
    refused: one run at a time, never two holding two files."""
    import fcntl

    from pycart.core.errors import PycartError
    from pycart.scale import store

    out = tmp_path / "s.parquet"
    run_a, run_c = store.locked(out), store.locked(out)
    run_a.__enter__()
    real, calls = fcntl.flock, []

    def flock(fd: int, operation: int) -> None:
        calls.append(fd)
        if len(calls) == 1:  # B, between opening the file and locking it
            run_a.__exit__(None, None, None)
            run_c.__enter__()
        real(fd, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    with pytest.raises(PycartError, match="another pycart run is writing"):
        with store.locked(out):
            pass
    assert len(calls) == 3  # B on the removed file, C, B again on C's file
    run_c.__exit__(None, None, None)
    assert not store.lock_path(out).exists()
    with store.locked(out):  # free again
        assert store.lock_path(out).exists()
