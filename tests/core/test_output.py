"""Output files: the permissions of the user's umask, times without float noise."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from pycart.cli import main
from pycart.core.files import current_umask
from pycart.core.model import output_times
from pycart.core.output import write_table


@pytest.fixture
def umask():
    """Set the process umask for a test, and restore it."""
    saved = os.umask(0o022)
    os.umask(saved)
    yield lambda mask: os.umask(mask)
    os.umask(saved)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_tables_get_the_permissions_of_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    assert current_umask() == mask
    for name in ("t.csv", "t.parquet"):
        path = write_table(pd.DataFrame({"a": [1.0]}), tmp_path / name)
        assert stat.S_IMODE(path.stat().st_mode) == mode, name


def test_run_outputs_follow_the_umask(tmp_path, monkeypatch, umask):
    umask(0o022)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.toml").write_text('name = "s"\nt_end = 15\n[[runs]]\nlabel = "a"\n')
    assert main(["run", "s.toml", "--out", "out"]) == 0
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "out").iterdir()}
    assert modes == {"a.csv": 0o644, "metrics.csv": 0o644, "s.png": 0o644}


def test_times_are_written_without_float_noise(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["simulate", "--t-end", "180", "--points", "1801", "--out", "s.csv"]) == 0
    times = [line.split(",", 1)[0] for line in (tmp_path / "s.csv").read_text().splitlines()[1:]]
    assert times[141] == "14.1" and times[-1] == "180.0"
    assert max(len(t) for t in times) == len("179.9")
    (tmp_path / "s.toml").write_text('name = "s"\nt_end = 30\n[[runs]]\nlabel = "a"\n')
    assert main(["run", "s.toml", "--out", "out"]) == 0
    times = pd.read_csv(tmp_path / "out" / "a.csv", dtype=str)["time"]
    assert times.str.len().max() <= len("29.9") and "14.1" in set(times)


def test_output_times_are_the_nearest_decimals():
    grid = output_times(180.0, 1801)
    assert all(repr(float(t)) == f"{k / 10:.1f}" for k, t in enumerate(grid))
    assert abs(output_times(1.0, 4)[1] - 1 / 3) < 1e-9


def test_leftovers_of_a_killed_atomic_write_are_removed_and_nothing_else(tmp_path):
    """A writer killed inside atomic_path leaves its temporary file (a SIGKILL runs no
    cleanup); remove_leftovers removes those of the name asked for (or of every name), and
    never a finished file or another name's temporary file."""
    from pycart.core.files import atomic_path, remove_leftovers

    class Killed(BaseException):
        pass

    for name in ("out.parquet", "other.csv"):
        with pytest.raises(Killed), atomic_path(tmp_path / name) as tmp:
            tmp.write_text("partial")
            left = tmp.with_name(tmp.name + "-copy")
            left.write_text("partial")  # what the cleanup would not reach after a SIGKILL
            raise Killed
        left.rename(tmp)
    (tmp_path / "out.parquet").write_text("done")
    remove_leftovers(tmp_path, "out.parquet")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and names[0].startswith(".other.csv.") and names[1] == "out.parquet"
    assert (tmp_path / "out.parquet").read_text() == "done"
    remove_leftovers(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]
