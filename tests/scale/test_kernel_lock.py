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
