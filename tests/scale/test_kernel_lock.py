"""One process compiles a fast-path kernel into the cache folder; the others wait for it
(pycart.scale.kernel.one_compiler): a sweep's workers or the tests' two workers on a first
run no longer compile the same kernel side by side."""

from __future__ import annotations

import os
import stat
import threading

from filelock import FileLock

from pycart.scale import kernel


class _Stop(Exception):
    """Raised by the stand-in compiler: the test needs to know when it started, no kernel."""


def test_a_kernel_another_process_is_compiling_is_waited_for(tmp_path, monkeypatch):
    """With the kernel's lock held (as by another process compiling it), loading waits and
    compiles nothing; once the lock is free it goes on. The compile is a stand-in that
    records its start: the lock, not numba, is under test here."""
    monkeypatch.setenv(kernel.CACHE_ENV, str(tmp_path))
    started: list[bool] = []

    def compile_(model: str, text: str, cache: bool) -> None:
        started.append(cache)
        raise _Stop

    monkeypatch.setattr(kernel, "_module", compile_)
    name = kernel.module_name("cart_bm", kernel.kernel_source("cart_bm"))
    load = kernel.load_kernel.__wrapped__  # past this process's own once-only cache
    raised: list[BaseException] = []

    def run() -> None:
        try:
            load("cart_bm")
        except _Stop as stop:
            raised.append(stop)

    (tmp_path / "fastpath").mkdir()
    with FileLock(str(tmp_path / "fastpath" / f"{name}.lock")):  # the other process
        worker = threading.Thread(target=run)
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and started == []
    worker.join(30)
    assert not worker.is_alive() and started == [True] and len(raised) == 1
    lock = tmp_path / "fastpath" / f"{name}.lock"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(lock.stat().st_mode) == 0o666 & ~umask  # the umask's modes


def test_a_kernel_compiled_in_memory_takes_no_lock(tmp_path, monkeypatch):
    """Without a cache folder (compiled in memory, once per process) there is nothing to
    share and no lock: nothing is written."""
    monkeypatch.setenv(kernel.CACHE_ENV, str(tmp_path / "cache"))
    with kernel.one_compiler("pycart_fastpath_cart_bm_0", False):
        pass
    assert not (tmp_path / "cache").exists()


def test_a_kernel_already_cached_is_loaded_without_the_lock(tmp_path, monkeypatch):
    """A compile under the lock leaves the kernel's ready mark (with the umask's modes); a
    later load sees it and takes no lock, so a sweep's second worker does not wait while
    the first loads. The lock is a stand-in that fails if taken."""
    import filelock

    monkeypatch.setenv(kernel.CACHE_ENV, str(tmp_path))
    (tmp_path / "fastpath").mkdir()
    name = "pycart_fastpath_cart_bm_0"
    with kernel.one_compiler(name, True):
        pass
    ready = tmp_path / "fastpath" / f"{name}.ready"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(ready.stat().st_mode) == 0o666 & ~umask

    def taken(path: str) -> None:
        raise AssertionError(f"the lock {path} was taken for a kernel already cached")

    monkeypatch.setattr(filelock, "FileLock", taken)
    with kernel.one_compiler(name, True):
        pass


def test_a_failed_compile_leaves_no_ready_mark(tmp_path, monkeypatch):
    """A compile that fails under the lock marks nothing: the next process compiles under
    the lock again."""
    monkeypatch.setenv(kernel.CACHE_ENV, str(tmp_path))
    (tmp_path / "fastpath").mkdir()
    try:
        with kernel.one_compiler("pycart_fastpath_cart_bm_0", True):
            raise _Stop
    except _Stop:
        pass
    assert not (tmp_path / "fastpath" / "pycart_fastpath_cart_bm_0.ready").exists()
