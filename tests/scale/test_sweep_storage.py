"""A sweep's saved work under faults: two runs on one output, a resume with another chunk
size, damaged chunks, a full disk, SIGTERM and SIGKILL of the main process. The final table
is always either complete and identical to an uninterrupted run, or absent with a clear
message; no worker outlives its parent by more than a few seconds."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pycart
from pycart.scale import store
from pycart.scale.engines import SerialEngine
from pycart.scale.runner import run_sweep, tapered
from pycart.scale.store import parts_dir
from pycart.scale.sweep import Dimension, PointSimulator, Sweep

SMALL = Sweep((Dimension("rhoA", 0.4, 1.0, 3, "linear"), Dimension("alpha", 5e-11, 5e-9, 4),
               Dimension("h", 5e8, 5e10, 5)))


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("full") / "full.parquet"
    run_sweep(SMALL, out, SerialEngine(), chunk_size=60)
    return pd.read_parquet(out)


class StopAfter(SerialEngine):
    """A serial engine interrupted (as by Ctrl-C) after ``n`` chunks."""

    def __init__(self, n: int) -> None:
        self.n = n

    def run(self, function, tasks):
        for k, result in enumerate(super().run(function, tasks)):
            if k == self.n:
                raise KeyboardInterrupt
            yield result


def _interrupted(out: Path, chunk_size: int, n: int) -> None:
    with pytest.raises(KeyboardInterrupt):
        run_sweep(SMALL, out, StopAfter(n), chunk_size=chunk_size)
    assert not out.exists()


@pytest.mark.parametrize("first, then", [(8, 13), (13, 8), (7, 1), (25, 60)])
def test_a_resume_with_another_chunk_size_gives_exactly_the_full_table(tmp_path, full,
                                                                       first, then):
    out = tmp_path / "s.parquet"
    _interrupted(out, first, 2)
    again = run_sweep(SMALL, out, SerialEngine(), chunk_size=then)
    assert again.resumed == 2 * first and again.computed == 60 - 2 * first
    assert again.discarded == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out), full)


def test_overlapping_chunks_from_two_chunk_sizes_are_neither_dropped_nor_doubled(tmp_path,
                                                                                 full):
    out = tmp_path / "s.parquet"
    _interrupted(out, 8, 2)                     # points 0..15
    _interrupted(out, 5, 4)                     # 16..35: the gaps only
    names = sorted(p.name for p in parts_dir(out).glob("chunk-*"))
    assert names[0] == "chunk-000000000000-000000000008.parquet" and len(names) == 6
    again = run_sweep(SMALL, out, SerialEngine(), chunk_size=11)
    assert (again.resumed, again.computed) == (36, 24)
    pd.testing.assert_frame_equal(pd.read_parquet(out), full)


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "empty":
        path.write_bytes(b"")
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif how == "renamed":  # a valid chunk under another chunk's name
        path.rename(path.with_name(store.chunk_name((40, 48))))


@pytest.mark.parametrize("how", ["empty", "truncated", "garbage", "renamed"])
def test_a_damaged_chunk_is_found_and_computed_again(tmp_path, full, how):
    out = tmp_path / "s.parquet"
    _interrupted(out, 8, 3)
    _damage(parts_dir(out) / store.chunk_name((8, 16)), how)
    again = run_sweep(SMALL, out, SerialEngine(), chunk_size=8)
    assert again.discarded == 1 and again.resumed == 16
    pd.testing.assert_frame_equal(pd.read_parquet(out), full)


def test_a_chunk_of_another_sweep_is_not_mixed_in(tmp_path, full):
    other = Sweep(SMALL.dimensions, parameters={"tauA": 7.0})
    foreign = tmp_path / "other.parquet"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(other, foreign, StopAfter(1), chunk_size=8)
    out = tmp_path / "s.parquet"
    _interrupted(out, 8, 1)
    src = parts_dir(foreign) / store.chunk_name((0, 8))
    src.replace(parts_dir(out) / store.chunk_name((0, 8)))
    again = run_sweep(SMALL, out, SerialEngine(), chunk_size=8)
    assert again.discarded == 1 and again.resumed == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out), full)


def test_a_store_without_its_stamp_and_stale_temporary_files_are_recovered(tmp_path, full):
    out = tmp_path / "s.parquet"
    _interrupted(out, 8, 2)
    (parts_dir(out) / "sweep.json").unlink()
    (parts_dir(out) / ".chunk-000000000016-000000000024.parquet.x.part").write_bytes(b"PAR1")
    (tmp_path / ".s.parquet.k1ll3d.part").write_bytes(b"PAR1")  # a killed run's final table
    again = run_sweep(SMALL, out, SerialEngine(), chunk_size=8)
    assert again.resumed == 16
    pd.testing.assert_frame_equal(pd.read_parquet(out), full)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.parquet"]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_chunks_finishing_in_any_order_give_the_table_of_the_chunks_read_in_order(
        tmp_path, monkeypatch, suffix):
    """The final table is written while chunks come, in any order, some held in memory,
    the rest (beyond HELD) read back from the store: byte for byte the table assembled from
    the saved chunks afterwards."""
    monkeypatch.setattr(store, "HELD", 2)
    parts = tmp_path / "parts"
    parts.mkdir()
    spans = [(0, 3), (3, 4), (4, 9), (9, 10), (10, 12)]
    tables = {span: pd.DataFrame({"point": range(*span), "L30": np.arange(*span) * 0.1,
                                  "status": ["ok" if a % 4 else "failed" for a in range(*span)],
                                  "message": ["=x" if a == 4 else "" for a in range(*span)]})
              for span in spans}
    out = tmp_path / f"streamed{suffix}"
    with store.assembling(parts, out, 12) as final:
        for span in [(10, 12), (4, 9), (9, 10), (3, 4), (0, 3)]:  # (10, 12) waits on disk
            final.add(span, store.write_chunk(parts, "k", span, tables[span]))
            assert final.written == (12 if span == (0, 3) else 0)
    assert final.failed == 3
    import pyarrow.parquet as pq  # a chunk is saved plain (it is read back only to resume)
    saved = pq.ParquetFile(parts / store.chunk_name((4, 9))).metadata.row_group(0).column(1)
    assert saved.compression == "UNCOMPRESSED" and not saved.is_stats_set
    assert store.assemble(parts, spans, tmp_path / f"after{suffix}", 12) == 3
    assert out.read_bytes() == (tmp_path / f"after{suffix}").read_bytes()
    with pytest.raises(pycart.PycartError, match="cover 9 of 12 points"):
        with store.assembling(parts, tmp_path / f"gap{suffix}", 12) as final:
            for span in [(0, 3), (4, 9), (9, 10)]:
                final.add(span)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["parts", f"streamed{suffix}", f"after{suffix}"])


def test_a_second_run_on_a_locked_output_is_refused_at_once(tmp_path):
    out = tmp_path / "s.parquet"
    with store.locked(out):
        with pytest.raises(pycart.PycartError, match="another pycart run is writing"):
            run_sweep(SMALL, out, SerialEngine())
    assert not out.exists() and not parts_dir(out).exists()


@pytest.mark.parametrize("where", ["chunk", "final"])
def test_a_full_disk_leaves_no_partial_file_and_a_rerun_completes(tmp_path, full, monkeypatch,
                                                                  where):
    out = tmp_path / "s.csv" if where == "final" else tmp_path / "s.parquet"
    real = os.fsync
    calls = {"n": 0}

    def full_disk(fd):
        calls["n"] += 1
        if (where == "chunk" and calls["n"] == 3) or (where == "final" and calls["n"] == 10):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        run_sweep(SMALL, out, SerialEngine(), chunk_size=8)
    assert not out.exists() and not list(tmp_path.rglob("*.part"))
    monkeypatch.setattr(os, "fsync", real)
    again = run_sweep(SMALL, out, SerialEngine(), chunk_size=8)
    assert again.resumed == (8 if where == "chunk" else 60)  # every chunk was saved
    table = pd.read_parquet(out) if out.suffix == ".parquet" else pd.read_csv(
        out, keep_default_na=False)
    assert len(table) == 60 and list(table["point"]) == list(range(60))
    np.testing.assert_allclose(table["L30"].astype(float), full["L30"], rtol=1e-15)


def test_sweeps_clip_round_off_to_zero_like_simulate(model):
    """alpha = 1e-10, h = 1e8: L at day 180 comes out of CVODE at -1e-300 or so; simulate
    reports 0, and so must a sweep (one rule for round-off everywhere)."""
    sweep = Sweep((Dimension("alpha", 1e-10, 1e-10, 1),), parameters={"h": 1e8}, t_end=180,
                  days=(60.0, 180.0))
    table = PointSimulator(sweep).evaluate(0, sweep.points())
    direct = model.simulate({"alpha": 1e-10, "h": 1e8}, t_end=180, points=4)
    assert table["status"].iloc[0] == "ok"
    swept, single = table["L@180"].iloc[0], direct["L"].iloc[-1]
    assert swept == 0.0 and not np.signbit(swept)  # was -0.0 or -1e-322 before the rule
    assert 0.0 <= single < 1e-300


def test_grid_points_by_span_are_bit_identical_to_the_whole_grid():
    sweep = Sweep((Dimension("alpha", 5e-11, 5e-9, 7), Dimension("h", 5e8, 5e10, 11),
                   Dimension("rhoA", 0.4, 1.0, 3, "linear")))
    whole = sweep.points()
    np.testing.assert_array_equal(whole[:, 0][::33], np.logspace(np.log10(5e-11),
                                                                 np.log10(5e-9), 7))
    for first, stop in [(0, 1), (5, 40), (200, 231)]:
        np.testing.assert_array_equal(sweep.chunk_points(first, stop), whole[first:stop])


def test_gaps_cover_exactly_what_is_missing():
    assert store.gaps([], 10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert store.gaps([(0, 3), (5, 9)], 12, 4) == [(3, 5), (9, 12)]
    assert store.gaps([(0, 12)], 12, 4) == []


def test_the_last_chunks_are_cut_smaller_so_the_workers_finish_together():
    """Two workers: the last two chunks in quarters, the two before in halves; every point
    once, in order; one worker (or tiny chunks) unchanged."""
    todo = store.gaps([(0, 16)], 100, 16)  # 16..32, ..., 96..100
    cut = tapered(todo, 2)
    assert cut[:2] == [(16, 32), (32, 48)]
    assert cut[2:6] == [(48, 56), (56, 64), (64, 72), (72, 80)]
    assert cut[6:] == [(80, 84), (84, 88), (88, 92), (92, 96), (96, 97), (97, 98), (98, 99),
                       (99, 100)]
    assert tapered(todo, 1) == todo
    assert tapered([(0, 1), (1, 3)], 2) == [(0, 1), (1, 2), (2, 3)]


# ---- the main process killed: subprocesses ------------------------------------------------

def _command(out: Path, *extra: str, n: int = 20) -> list[str]:
    return [sys.executable, "-m", "pycart", "sweep", "--param", "rhoA=0.4:1:6:linear",
            "--param", f"h=5e8:5e10:{n}", "--chunk-size", "5", "--out", str(out), *extra]


def _children(pid: int) -> set[int]:
    """Every descendant of ``pid`` (Linux /proc)."""
    found: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            child = int(stat.parent.name)
            found |= {child} | _children(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


@contextmanager
def _started(command: list[str], out: Path, chunks: int) -> Iterator[subprocess.Popen]:
    """A sweep in a subprocess, once it has saved ``chunks`` chunks; killed if the test
    fails."""
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        deadline = time.monotonic() + 120
        while len(list(parts_dir(out).glob("chunk-*.parquet"))) < chunks:
            assert child.poll() is None and time.monotonic() < deadline, child.communicate()
            time.sleep(0.05)
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()


@pytest.mark.heavy
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("kind", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("engine", ["processes", "dask"])
def test_killing_the_main_process_ends_its_workers_and_a_rerun_completes(tmp_path, kind,
                                                                         engine):
    if engine == "dask":
        pytest.importorskip("distributed")
    reference = tmp_path / "full.parquet"
    # 1200 points (a second or more): the sweep is still running when it is signalled
    subprocess.run(_command(reference, "--engine", "serial", n=200), check=True,
                   capture_output=True, timeout=300)
    out = tmp_path / "killed.parquet"
    with _started(_command(out, "--engine", engine, "--workers", "2", n=200), out, 2) as child:
        workers = _children(child.pid)
        assert workers, "the sweep has no worker processes"
        child.send_signal(kind)
        _, err = child.communicate(timeout=60)
    if kind == signal.SIGTERM:
        assert child.returncode == 130 and "interrupted; finished chunks are kept" in err
        assert "Traceback" not in err
    deadline = time.monotonic() + 10
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(workers), "workers outlived their parent"
    assert not out.exists()
    done = subprocess.run(_command(out, n=200), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(reference))


@pytest.mark.heavy
def test_two_identical_sweeps_on_one_output_give_one_table_and_one_refusal(tmp_path):
    reference = tmp_path / "full.parquet"
    subprocess.run(_command(reference, "--engine", "serial", n=200), check=True,
                   capture_output=True, timeout=300)
    out = tmp_path / "twice.parquet"
    with _started(_command(out, "--engine", "serial", n=200), out, 1) as first:
        # held still while the second starts: 1200 points take a second on a quiet machine,
        # less than the second run's start (CI once saw the first finish before it)
        first.send_signal(signal.SIGSTOP)
        try:
            second = subprocess.run(_command(out, "--engine", "serial", n=200),
                                    capture_output=True, text=True, timeout=300)
        finally:
            first.send_signal(signal.SIGCONT)
        assert second.returncode == 2 and second.stderr.count("\n") == 1
        assert "another pycart run is writing" in second.stderr
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(reference))


# ---- a dask scheduler that is not one -----------------------------------------------------

@contextmanager
def _server(answer: bytes | None) -> Iterator[str]:
    """A TCP server that accepts and then says nothing (``None``) or ``answer``."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            held.append(conn)
            if answer is not None:
                conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


@pytest.mark.parametrize("answer", [None, b"\xff" * 64 + b"HTTP/1.1 200 OK\r\n\r\n" * 20,
                                    b"\x00" * 8], ids=["silent", "garbage", "zeros"])
def test_a_scheduler_that_is_not_one_is_refused_in_bounded_time(tmp_path, monkeypatch, capsys,
                                                                answer):
    pytest.importorskip("distributed")
    from pycart.cli import main
    from pycart.scale import engines as module

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(module, "SCHEDULER_TIMEOUT", 1.5)
    began = time.monotonic()
    with _server(answer) as address:
        status = main(["sweep", "--param", "alpha=1e-10:1e-9:3", "--scheduler", address])
    err = capsys.readouterr().err
    assert status == 2 and time.monotonic() - began < 8
    assert err.startswith("pycart sweep: error: cannot reach the dask scheduler") and \
        err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


# ---- a real full disk: a small tmpfs, where the test may mount one -------------------------

@contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (the write-failure tests stand in)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.mark.heavy
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs is Linux")
def test_a_sweep_on_a_full_tmpfs_fails_cleanly_and_completes_once_there_is_room(tmp_path):
    reference = tmp_path / "full.parquet"
    command = _command(reference, "--engine", "serial", n=100)
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    with _tmpfs(tmp_path / "disk", "48k") as disk:
        out = disk / "s.parquet"
        done = subprocess.run(_command(out, "--engine", "serial", n=100), capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 1 and "No space left on device" in done.stderr
        assert "Traceback" not in done.stderr and done.stderr.strip().count("\n") <= 1
        assert not out.exists() and not list(disk.rglob("*.part"))
        subprocess.run(["mount", "-o", "remount,size=8m", str(disk)], check=True)
        again = subprocess.run(_command(out, "--engine", "serial", n=100),
                               capture_output=True, text=True, timeout=300)
        assert again.returncode == 0 and "resumed from an earlier run" in again.stdout
        pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(reference))


@pytest.mark.heavy
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs is Linux")
@pytest.mark.parametrize("command", ["copasi", "export", "run"])
def test_writers_on_a_full_tmpfs_say_so_and_leave_no_partial_files(tmp_path, command):
    root = Path(__file__).resolve().parents[2]
    with _tmpfs(tmp_path / "disk", "8k" if command == "export" else "24k") as disk:
        args = {"copasi": ["copasi", str(root / "exports" / "fig3.omex"), "--out", str(disk)],
                "export": ["export", "fig3", "--out", str(disk)],
                "run": ["run", "fig3", "--out", str(disk / "fig3")]}[command]
        done = subprocess.run([sys.executable, "-m", "pycart", *args], capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 1, done.stderr
        assert "No space left on device" in done.stderr or "disk full" in done.stderr
        assert "Traceback" not in done.stderr
        assert not list(disk.rglob("*.part")) and not list(disk.rglob(".*.part"))
        for path in disk.rglob("*"):
            assert not path.is_file() or path.stat().st_size > 0, f"{path} is empty"
        printed = [line.split(" ", 1)[1] for line in done.stdout.splitlines()
                   if line.startswith("wrote ")]
        assert all(Path(p).exists() and Path(p).stat().st_size > 0 for p in printed)
