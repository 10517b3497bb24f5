"""Engines: where many independent tasks run (this process, local worker processes, or a
dask.distributed cluster), and trust at a dask scheduler's address.

Before pycart hands a ``--scheduler`` address to a dask client (which unpickles what the
scheduler sends: a scheduler is trusted with code execution as the user), it asks the server
who it is without deserialising any object: dask's own comm would unpickle a ``__Pickled__``
part of the very first reply (the handshake), even with deserialisation off, so the probe
speaks dask's TCP framing itself and decodes plain msgpack only, with no object hooks.

The TLS settings (:class:`distributed.Security`) of a ``tls://`` scheduler come from the
user's files or dask's configuration, checked before any work; pycart's own local cluster is
secured with credentials made for the run, so no other local process can join it.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self, TypeVar, runtime_checkable

from ..core.errors import PycartError

if TYPE_CHECKING:  # imported where used: import pycart need not load asyncio and ssl
    import asyncio
    import ssl

    from distributed import Security

#: What an engine's function returns, handed back by Engine.run.
T = TypeVar("T")

#: The largest reply read from a server being probed: a scheduler's identity holds a few
#: hundred bytes per worker, so this is thousands of workers; a hostile server cannot make
#: pycart allocate more.
MAX_REPLY = 64 * 2**20

#: A remote cluster's TLS files: the field of :class:`distributed.Security`, the option
#: naming the file, and dask's configuration key that stands in for the option.
TLS_FILES = {"ca": ("tls_ca_file", "--tls-ca-file", "distributed.comm.tls.ca-file"),
             "cert": ("tls_client_cert", "--tls-cert", "distributed.comm.tls.client.cert"),
             "key": ("tls_client_key", "--tls-key", "distributed.comm.tls.client.key")}


class NotAScheduler(ConnectionError):
    """The server answered, but not as a dask scheduler does."""


def scheduler_security(address: str, ca: str | None = None, cert: str | None = None,
                       key: str | None = None):
    """The :class:`distributed.Security` for the scheduler at ``address``: ``None`` for a
    ``tcp://`` one, for ``tls://`` one with the CA file, client certificate and key given
    (or, when not given, dask's configuration ``distributed.comm.tls.*``), every file
    checked and loaded now."""
    import ssl

    given = {name: value for name, value in (("ca", ca), ("cert", cert), ("key", key))
             if value is not None}
    if not address.startswith("tls://"):
        if given:
            raise PycartError(f"{TLS_FILES[next(iter(given))][1]} needs a tls:// scheduler "
                              f"address (--scheduler {address} is not one)")
        return None
    try:
        from distributed import Security
    except ImportError:
        raise PycartError("the dask engine needs dask.distributed: pip install "
                          "'pycart[dask]'") from None
    # fields not given are read from dask's configuration by Security itself
    security = Security(require_encryption=True,
                        **{TLS_FILES[name][0]: value for name, value in given.items()})
    for name, (field, option, config) in TLS_FILES.items():
        value = getattr(security, field)
        if value is None and name != "key":  # the key may be inside the certificate file
            raise PycartError(f"--scheduler {address} needs {option} FILE "
                              f"(or dask's configuration {config})")
        if value is not None:
            _check_file(value, option)
    try:
        security.get_connection_args("client")
    except (ssl.SSLError, OSError, ValueError) as exc:
        text = " ".join(str(exc).split())[:160]
        raise PycartError(f"cannot load the TLS files for --scheduler {address} ({text}; "
                          "allowed: PEM files of the cluster's CA, a client certificate "
                          "and its key)") from None
    return security


def _check_file(path: str, option: str) -> None:
    if "\n" in path:  # dask's configuration may hold the PEM text itself
        return
    if not Path(path).is_file() or not os.access(path, os.R_OK):
        raise PycartError(f"{option} {path!r} is not a readable file (allowed: a PEM file)")


def local_security():
    """Credentials made for one run (a CA, certificate and key held in memory): pycart's
    local cluster and its workers accept only peers that hold them."""
    try:
        from distributed import Security

        return Security.temporary()
    except ImportError:
        raise PycartError("the dask engine's local cluster needs cryptography: pip install "
                          "'pycart[dask]'") from None


async def identity(host: str, port: int, context: ssl.SSLContext | None) -> dict:
    """The identity a dask scheduler at ``host:port`` gives (over TLS with ``context``),
    read without deserialising any object; :class:`NotAScheduler` if it is not one."""
    import asyncio

    reader, writer = await asyncio.open_connection(host.strip("[]"), port, ssl=context,
                                                   limit=2**16)
    try:
        hello = {"compression": None, "python": tuple(sys.version_info)[:3],
                 "pickle-protocol": 5}
        writer.write(_message(hello))
        writer.write(_message({"op": "identity", "reply": True}))
        await writer.drain()
        handshake = await _read(reader)
        if not isinstance(handshake, dict) or "pickle-protocol" not in handshake:
            raise NotAScheduler(f"not a dask scheduler (it answered {str(handshake)[:60]!r})")
        answer = await _read(reader)
    finally:
        writer.transport.abort()
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise NotAScheduler(f"not a dask scheduler (it answered {str(answer)[:60]!r})")
    return answer


def _message(message: dict) -> bytes:
    """``message`` as dask's TCP comm writes one: the byte count, the frame count and
    sizes, then the msgpack frame (native byte order, as dask packs them)."""
    import msgpack

    frame = msgpack.packb(message, use_bin_type=True)
    body = struct.pack("QQ", 1, len(frame)) + frame
    return struct.pack("Q", len(body)) + body


async def _read(reader: asyncio.StreamReader) -> object:
    """One message of dask's TCP framing, a single frame decoded as plain msgpack (no
    object hooks: a ``__Pickled__`` or ``__Serialized__`` part stays an inert dict)."""
    import msgpack

    (size,) = struct.unpack("Q", await reader.readexactly(8))
    if not 16 <= size <= MAX_REPLY:
        raise NotAScheduler(f"not a dask scheduler (it announced a message of {size} bytes)")
    body = await reader.readexactly(size)
    count, first = struct.unpack_from("QQ", body)
    if count != 1 or 16 + first != size:  # a scheduler's handshake and identity are one
        # msgpack frame; more frames carry serialised objects, which no probe should take
        raise NotAScheduler("not a dask scheduler (its answer is not one msgpack frame)")
    try:
        return msgpack.unpackb(body[16:], raw=False, strict_map_key=False, use_list=False)
    except (ValueError, TypeError, msgpack.UnpackException) as exc:
        raise NotAScheduler(f"not a dask scheduler (its answer is not msgpack: {exc})") \
            from None


# ---- engines ------------------------------------------------------------------------------

#: The kinds of engine :func:`make_engine` builds.
ENGINES = ("processes", "serial", "dask")


@runtime_checkable
class Engine(Protocol):
    """Where a stream of independent tasks runs: ``run(function, tasks)`` yields
    ``function(*task)`` for every task (in the order they finish), on ``workers`` workers.
    Used as a context manager it is closed on leaving the block: :meth:`close` after
    success, :meth:`abort` (queued work dropped, workers ended at once) after any
    exception, a KeyboardInterrupt included."""

    workers: int

    def run(self, function: Callable[..., T], tasks: Iterable[tuple]) -> Iterator[T]:
        """``function(*task)`` for each task."""
        ...

    def start(self, prepare: Callable[..., object], args: tuple) -> None:
        """Start the workers now, each running ``prepare(*args)`` (loading what the tasks
        will need) while the caller still prepares the tasks; a hint: an engine may
        ignore it (its workers then prepare with their first task)."""
        ...

    def close(self) -> None:
        """Release the workers once their work is done."""
        ...

    def abort(self) -> None:
        """Stop at once: drop queued work and end running workers."""
        ...

    def __enter__(self) -> Engine:
        ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        ...


class _Closing:
    """The context manager of every engine: closed on success, aborted on any exception."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:
            self.close()  # type: ignore[attr-defined]
        else:
            self.abort()  # type: ignore[attr-defined]


class SerialEngine(_Closing):
    """Every chunk in this process, one after another."""

    workers = 1

    def run(self, function: Callable[..., T], tasks: Iterable[tuple]) -> Iterator[T]:
        """``function(*task)`` for each task, in order (see :meth:`ProcessEngine.run`)."""
        for task in tasks:
            yield function(*task)

    def start(self, prepare: Callable[..., object], args: tuple) -> None:
        """Nothing to start: the first task prepares this process."""

    def close(self) -> None:
        """Nothing to release."""

    def abort(self) -> None:
        """Nothing to stop: a task runs in this process, and an exception already ended it."""


def check_workers(workers: int | None) -> int:
    """Local worker processes: default every core; at most the cores (more only slows the
    machine and multiplies memory; use a dask cluster for more)."""
    cores = os.cpu_count() or 1
    if workers is None:
        return cores
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= cores:
        raise PycartError(f"{workers!r} workers (allowed: 1 to {cores}, the cores of this "
                          "machine; for more, use a dask cluster with --scheduler)")
    return workers


def make_engine(kind: str | None = None, workers: int | None = None,
                scheduler: str | None = None, tls_ca_file: str | None = None,
                tls_cert: str | None = None, tls_key: str | None = None) -> Engine:
    """An engine of ``kind`` (:data:`ENGINES`; default ``dask`` when a ``scheduler`` is
    given, else ``processes``), every argument checked before any worker starts (one line,
    :class:`PycartError`). ``workers``: local worker processes (default every core; the
    serial engine has one); ``scheduler``: a dask scheduler's ``[tcp|tls://]HOST:PORT``,
    with the PEM files of a ``tls://`` one (default: dask's configuration). Use it in a
    ``with`` block, which closes it on every path."""
    kind = kind or ("dask" if scheduler else "processes")
    if kind not in ENGINES:
        raise PycartError(f"engine {kind!r} (allowed: {', '.join(ENGINES)})")
    if scheduler and kind != "dask":
        raise PycartError("--scheduler needs --engine dask")
    tls = (tls_ca_file, tls_cert, tls_key)
    if not scheduler and any(value is not None for value in tls):
        raise PycartError("--tls-ca-file, --tls-cert and --tls-key need --scheduler "
                          "tls://HOST:PORT")
    security = None
    if scheduler:
        security = scheduler_security(check_scheduler(scheduler), *tls)
    elif kind != "serial":
        check_workers(workers)
    if kind == "serial":
        return SerialEngine()
    if kind == "dask":
        return DaskEngine(scheduler, workers, security)
    return ProcessEngine(workers)


class ProcessEngine(_Closing):
    """Chunks on local worker processes (default: every core), a few in flight at a time,
    forked from this process where that is safe (:func:`start_method`). The workers exit
    when this process dies, however it dies."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = check_workers(workers)
        self._pool: ProcessPoolExecutor | None = None

    def run(self, function: Callable[..., T], tasks: Iterable[tuple]) -> Iterator[T]:
        """``function(*task)`` for each task on the workers, in the order they finish, a few
        in flight at a time (any picklable, importable function: a fit's starts, say)."""
        pool = self._pool or self._new_pool(None, ())
        yield from _bounded(lambda t: pool.submit(function, *t), tasks,
                            2 * self.workers, _wait_local)

    def start(self, prepare: Callable[..., object], args: tuple) -> None:
        """Start every worker now, each running ``prepare(*args)`` once it is up (a sweep's
        workers load the fast path's kernel while this process samples the points: about
        2 s of a million-patient run's wall time); nothing if they are running already."""
        if self._pool is None:
            pool = self._new_pool(prepare, args)
            for _ in range(self.workers):  # the pool spawns a worker per task submitted
                pool.submit(_ready)

    def _new_pool(self, prepare: Callable[..., object] | None,
                  args: tuple) -> ProcessPoolExecutor:
        import multiprocessing

        self._pool = ProcessPoolExecutor(self.workers, initializer=_worker_setup,
                                         initargs=(os.getpid(), prepare, args),
                                         mp_context=multiprocessing.get_context(
                                             start_method()))
        return self._pool

    def close(self) -> None:
        """Release the workers once their work is done, and wait for the pool to wind down
        (a third of a second with numba loaded). Not waiting left the pool's manager thread
        closing its wake-up pipe while Python's exit wrote to it (concurrent.futures'
        ``_python_exit`` does so without the pool's lock), which now and then printed
        "Exception ignored in: <module 'threading'> ... Bad file descriptor" after a
        successful run; Python's exit waited for the workers anyway."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        """Stop at once (an interruption): drop queued chunks and end running workers."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        processes += [p for p in (getattr(pool, "_processes", None) or {}).values()
                      if p not in processes]
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():  # SIGTERM not acted on in time
                process.kill()
                process.join(timeout=5)
        if manager is not None:  # as in close: wound down before Python's exit wakes it
            manager.join(timeout=5)


def start_method() -> str:
    """How worker processes start: forked from this process where that is safe (Linux, and
    this process runs no other thread, which a fork would leave holding its locks), so a
    worker finds pycart, numpy and pandas imported (0.65-0.85 s of CPU a worker, measured
    under load); spawned (a fresh interpreter) elsewhere."""
    import multiprocessing

    if (sys.platform.startswith("linux") and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods()):
        return "fork"
    return "spawn"


def _worker_setup(parent: int, prepare: Callable[..., object] | None = None,
                  args: tuple = ()) -> None:
    """Prepare a worker process: exit when ``parent`` dies (the kernel's parent-death signal
    on Linux, and a watcher thread everywhere), and silence C-level output (CVODE prints
    each failure that Adams hands on to BDF; a point that still fails is in the table);
    leave without tearing the interpreter down; then ``prepare(*args)``."""
    _die_with_parent(parent)
    # a forked worker has its parent's handlers (the command line's SIGTERM raises
    # KeyboardInterrupt, which a pool's worker survives): those of a fresh interpreter
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    # A worker's results are sent (the pool's result queue writes synchronously) and it
    # writes no file, but tearing down an interpreter that loaded numba's kernels takes
    # seconds (4.5 s against 0.25 s measured, loaded machine, 5 December 2026), for which
    # the pool's shutdown waits: at exit the worker leaves at once.
    atexit.register(os._exit, 0)
    if prepare is not None:
        try:
            prepare(*args)
        except Exception:  # noqa: BLE001 (the first task does the same work and says why)
            pass


def _ready() -> None:
    """A task that does nothing: submitted to make the pool start a worker."""


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="pycart-parent-watch", daemon=True).start()


class DaskEngine(_Closing):
    """Chunks on a dask.distributed cluster: the scheduler at ``address``, or a LocalCluster
    of single-threaded worker processes when no address is given."""

    def __init__(self, address: str | None = None, workers: int | None = None,
                 security: Security | None = None) -> None:
        """``security``: a remote scheduler's :class:`distributed.Security` (default: from
        the address and dask's configuration, see :func:`scheduler_security`)."""
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise PycartError("the dask engine needs dask.distributed: pip install "
                              "'pycart[dask]'") from None
        self.cluster = None
        if address:
            address = check_scheduler(address)
            if security is None:
                security = scheduler_security(address)
            self.client = _connect(Client, address, security)
        else:
            # credentials made for this run, on 127.0.0.1 only: without them no other local
            # process (another user's) can join the cluster and run code as this user.
            # silence_logs: the workers' own log lines (a heartbeat cut short while the
            # cluster stops, with its traceback) stay off the terminal; a task's error still
            # reaches pycart through its future, and pycart says it in one line
            local = local_security()
            self.cluster = LocalCluster(n_workers=check_workers(workers),
                                        threads_per_worker=1, processes=True,
                                        host="127.0.0.1", protocol="tls", security=local,
                                        silence_logs=logging.CRITICAL,
                                        dashboard_address="127.0.0.1:0")  # any free port
            self.client = Client(self.cluster, security=local)
        self.workers = max(1, len(self.client.scheduler_info()["workers"]))

    def run(self, function: Callable[..., T], tasks: Iterable[tuple]) -> Iterator[T]:
        """As :meth:`ProcessEngine.run`, on the cluster's workers."""
        yield from _bounded(lambda t: self.client.submit(function, *t, pure=False), tasks,
                            2 * self.workers, _wait_dask)

    def start(self, prepare: Callable[..., object], args: tuple) -> None:
        """Nothing: the cluster's workers are up, and prepare with their first task."""

    def close(self) -> None:
        """Disconnect; stop the local cluster if this engine started one."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def abort(self) -> None:
        """Stop at once (an interruption): as :meth:`close`, without the tracebacks dask and
        tornado log about the tasks cut short (the process is ending; pycart says why)."""
        for name in ("distributed", "tornado", "asyncio"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        self.close()


#: Seconds to wait for a dask scheduler to connect and answer.
SCHEDULER_TIMEOUT = 10.0

_ADDRESS = re.compile(r"(?:(tcp|tls)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})")


def check_scheduler(address: str) -> str:
    """A scheduler address ``[tcp|tls://]HOST:PORT``; refuse anything else (dask's
    websocket comm is not offered: pycart's probe of a scheduler speaks dask's TCP framing)."""
    _host_port(address)
    return address.strip()


def _host_port(address: str) -> tuple[str, int]:
    """HOST and PORT of a scheduler address, or one line saying what is allowed."""
    match = _ADDRESS.fullmatch(address.strip())
    if not match or not 0 < int(match[3]) < 65536:
        raise PycartError(f"--scheduler {address!r} is not an address (allowed: "
                          "[tcp://]HOST:PORT or tls://HOST:PORT, e.g. tcp://10.0.0.5:8786)")
    return match[2], int(match[3])


def _connect(client_class, address: str, security: Security | None):
    """A dask client of the scheduler at ``address``, or one line saying why not. The
    server is first asked who it is without deserialising anything it sends
    (:func:`identity`), the exchange bounded by :data:`SCHEDULER_TIMEOUT` (a
    server that accepts and never answers, or answers in another protocol, is refused);
    then the client connects with the same bound."""
    import asyncio

    import dask

    host, port = _host_port(address)
    context = None if security is None else security.get_connection_args("client")["ssl_context"]
    try:
        asyncio.run(asyncio.wait_for(identity(host, port, context),
                                     SCHEDULER_TIMEOUT))
        with dask.config.set({"distributed.comm.timeouts.connect": f"{SCHEDULER_TIMEOUT:g}s"}):
            return client_class(address, timeout=SCHEDULER_TIMEOUT, security=security)
    except Exception as exc:  # OSError, TimeoutError, a TLS or protocol error, a MemoryError
        text = " ".join(str(exc).split())[:200] or "no answer"
        raise PycartError(f"cannot reach the dask scheduler at {address} "
                          f"({type(exc).__name__}: {text})") from None


def _bounded(submit: Callable[[tuple], Future[T]], tasks: Iterable[tuple], in_flight: int,
             wait_first: Callable[[set], tuple[set, set]]) -> Iterator[T]:
    """Submit tasks keeping at most ``in_flight`` pending; yield results as they finish."""
    pending: set = set()
    tasks = iter(tasks)
    try:
        while True:
            while len(pending) < in_flight:
                task = next(tasks, None)
                if task is None:
                    break
                pending.add(submit(task))
            if not pending:
                return
            done, pending = wait_first(pending)
            for future in done:
                yield future.result()
    finally:
        for future in pending:
            future.cancel()


def _wait_local(pending: set) -> tuple[set, set]:
    done, not_done = wait(pending, return_when=FIRST_COMPLETED)
    return set(done), set(not_done)


def _wait_dask(pending: set) -> tuple[set, set]:
    from distributed import wait as dask_wait

    finished = dask_wait(list(pending), return_when="FIRST_COMPLETED")
    return set(finished.done), set(finished.not_done)
