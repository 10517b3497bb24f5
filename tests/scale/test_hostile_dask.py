"""Hostile suite, dask trust (issue #24): a server at a --scheduler address runs no code in
pycart before it is known to be a dask scheduler; the local cluster of --engine dask refuses
a client without its credentials; a remote cluster is reached over dask's TLS with the
certificates the user names. Every server here listens on 127.0.0.1 only, every wait is
bounded."""

from __future__ import annotations

import os
import pickle
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("distributed")
msgpack = pytest.importorskip("msgpack")

from pycart.cli import main  # noqa: E402
from pycart.scale import engines as sweep_module  # noqa: E402

#: A probe of a fake scheduler must end well within this (pycart's own bound is lowered
#: to 1.5 s in these tests; the rest is the start of the command).
PROBE_SECONDS = 15


class _Marker:
    """Unpickling this creates the folder ``path``: the proof that code ran."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return (os.mkdir, (self.path,))


def _message(frames: list[bytes]) -> bytes:
    """``frames`` as dask's TCP comm sends them: a length, a prelude, the frames."""
    prelude = struct.pack(f"Q{len(frames)}Q", len(frames), *map(len, frames))
    body = prelude + b"".join(frames)
    return struct.pack("Q", len(body)) + body


def _plain(message: dict) -> bytes:
    return _message([msgpack.packb(message, use_bin_type=True)])


def _pickled(message: dict, key: str, payload: object) -> bytes:
    """``message`` with ``key`` holding ``payload`` pickled out of band, as dask's
    protocol carries objects it cannot write in msgpack (``__Pickled__``)."""
    head = msgpack.packb({**message, key: {"__Pickled__": 1}}, use_bin_type=True)
    sub = msgpack.packb({"pickled-obj": pickle.dumps(payload), "num-sub-frames": 0},
                        use_bin_type=True)
    return _message([head, sub])


def _read_message(conn: socket.socket) -> bytes:
    size = struct.unpack("Q", _read_exactly(conn, 8))[0]
    return _read_exactly(conn, min(size, 1 << 20))


def _read_exactly(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        part = conn.recv(n - len(data))
        if not part:
            raise ConnectionError("closed")
        data += part
    return data


HANDSHAKE = {"compression": None, "python": (3, 11, 0), "pickle-protocol": 5}


@contextmanager
def _fake_scheduler(handshake: bytes, reply: bytes) -> Iterator[str]:
    """A server that speaks dask's framing: it sends ``handshake`` on accepting, reads the
    client's handshake and first request, and answers ``reply``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def answer(conn: socket.socket) -> None:
        try:
            conn.settimeout(PROBE_SECONDS)
            conn.sendall(handshake)
            _read_message(conn)
            _read_message(conn)
            conn.sendall(reply)
        except OSError:
            pass

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            held.append(conn)
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

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


def _cases(marker: Path) -> dict[str, tuple[bytes, bytes]]:
    evil = _Marker(marker)
    return {
        "pickle-in-handshake": (_pickled(HANDSHAKE, "python", evil), _plain({})),
        "pickle-in-identity": (_plain(HANDSHAKE),
                               _pickled({"type": "Scheduler"}, "id", evil)),
    }


FIT_DATA = "time,observable,value\n1,CT,6e7\n7,CT,3e9\n14,CT,5e9\n"

#: Every command with --scheduler, with the least it needs to reach its engine.
COMMANDS = {
    "sweep": ["sweep", "--param", "alpha=1e-10:1e-9:3"],
    "cohort": ["cohort"],
    "sensitivity": ["sensitivity", "--range", "alpha=5e-11:5e-9", "--range", "h=5e8:5e10"],
    "fit": ["fit", "DATA", "--estimate", "h", "--out", "fit"],
}


@pytest.mark.parametrize("case, command", [
    ("pickle-in-handshake", "sweep"), ("pickle-in-identity", "sweep"),
    ("pickle-in-handshake", "cohort"), ("pickle-in-handshake", "sensitivity"),
    ("pickle-in-handshake", "fit")])
def test_a_fake_scheduler_answering_a_pickle_runs_nothing(tmp_path, monkeypatch, capsys, case,
                                                          command):
    marker = tmp_path / "code-ran"
    data = tmp_path / "data.csv"
    data.write_text(FIT_DATA, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(sweep_module, "SCHEDULER_TIMEOUT", 1.5)
    handshake, reply = _cases(marker)[case]
    args = [str(data) if a == "DATA" else a for a in COMMANDS[command]]
    began = time.monotonic()
    with _fake_scheduler(handshake, reply) as address:
        status = main([*args, "--scheduler", address])
    err = capsys.readouterr().err
    assert not marker.exists(), "the fake scheduler's pickle ran in pycart"
    assert status == 2 and time.monotonic() - began < PROBE_SECONDS
    assert err.startswith(f"pycart {command}: error: cannot reach the dask scheduler") and \
        err.count("\n") == 1 and "not a dask scheduler" in err, err
    assert list(work.iterdir()) == []


# ---- the local cluster of --engine dask -----------------------------------------------------

def _refused(address: str, **options) -> bool:
    """Whether a dask client of ``address`` (with ``options``) fails to connect."""
    from distributed import Client

    try:
        client = Client(address, timeout=3, **options)
    except Exception:  # refused: a TLS error, a closed comm, a timeout
        return True
    client.close()
    return False


def test_the_local_cluster_refuses_a_client_without_its_credentials():
    from distributed import Security

    from pycart.scale.engines import DaskEngine

    engine = DaskEngine(workers=1)
    try:
        address = engine.client.scheduler.address
        host_port = address.split("://", 1)[1]
        assert host_port.startswith("127.0.0.1:"), address
        assert _refused(f"tcp://{host_port}")  # no credentials
        assert _refused(f"tls://{host_port}", security=Security.temporary())  # foreign ones
        workers = engine.client.scheduler_info()["workers"]
        assert all(w.startswith("tls://127.0.0.1:") and
                   info["nanny"].startswith("tls://127.0.0.1:")
                   for w, info in workers.items()), workers
        # pycart's own runs on it still work
        assert list(engine.run(pow, [(2, 10), (3, 2)])) in ([1024, 9], [9, 1024])
    finally:
        engine.close()


# ---- a remote cluster over TLS ----------------------------------------------------------------

SWEEP = ["sweep", "--param", "alpha=1e-10:1e-9:3", "--no-peak"]


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory) -> Iterator[tuple[str, dict[str, Path]]]:
    """A real dask cluster on 127.0.0.1 that speaks TLS only and requires client
    certificates signed by its CA; its CA, a client certificate and key as PEM files."""
    from distributed import LocalCluster, Security

    security = Security.temporary()
    folder = tmp_path_factory.mktemp("tls")
    files = {"ca": folder / "ca.pem", "cert": folder / "cert.pem", "key": folder / "key.pem"}
    for name, text in (("ca", security.tls_ca_file), ("cert", security.tls_client_cert),
                       ("key", security.tls_client_key)):
        files[name].write_text(text, encoding="ascii")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, host="127.0.0.1",
                      protocol="tls", security=security,
                      dashboard_address="127.0.0.1:0") as cluster:
        assert cluster.scheduler_address.startswith("tls://127.0.0.1:")
        yield cluster.scheduler_address, files


def _tls_args(files: dict[str, Path]) -> list[str]:
    return ["--tls-ca-file", str(files["ca"]), "--tls-cert", str(files["cert"]),
            "--tls-key", str(files["key"])]


def test_a_sweep_runs_on_a_tls_cluster_with_the_files_given(tmp_path, monkeypatch, capsys,
                                                            tls_cluster):
    import pandas as pd

    address, files = tls_cluster
    monkeypatch.chdir(tmp_path)
    assert main([*SWEEP, "--engine", "serial", "--out", "serial.parquet"]) == 0
    assert main([*SWEEP, "--scheduler", address, *_tls_args(files),
                 "--out", "tls.parquet"]) == 0, capsys.readouterr().err
    pd.testing.assert_frame_equal(pd.read_parquet("tls.parquet"),
                                  pd.read_parquet("serial.parquet"))


def test_dask_configuration_stands_in_for_the_tls_options(tmp_path, monkeypatch, capsys,
                                                          tls_cluster):
    import dask

    address, files = tls_cluster
    monkeypatch.chdir(tmp_path)
    with dask.config.set({"distributed.comm.tls.ca-file": str(files["ca"]),
                          "distributed.comm.tls.client.cert": str(files["cert"]),
                          "distributed.comm.tls.client.key": str(files["key"])}):
        assert main([*SWEEP, "--scheduler", address, "--out", "c.parquet"]) == 0, \
            capsys.readouterr().err
    assert Path("c.parquet").is_file()


def test_a_tls_cluster_refuses_a_foreign_certificate_in_one_line(tmp_path, monkeypatch,
                                                                 capsys, tls_cluster):
    from distributed import Security

    address, _ = tls_cluster
    foreign = Security.temporary()
    files = {name: tmp_path / f"{name}.pem" for name in ("ca", "cert", "key")}
    for name, text in (("ca", foreign.tls_ca_file), ("cert", foreign.tls_client_cert),
                       ("key", foreign.tls_client_key)):
        files[name].write_text(text, encoding="ascii")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(sweep_module, "SCHEDULER_TIMEOUT", 3.0)
    assert main([*SWEEP, "--scheduler", address, *_tls_args(files)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pycart sweep: error: cannot reach the dask scheduler") and \
        err.count("\n") == 1, err
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("speaks", ["nothing", "plain-dask"])
def test_a_tls_address_at_a_server_without_tls_is_one_line_in_bounded_time(
        tmp_path, monkeypatch, capsys, tls_cluster, speaks):
    _, files = tls_cluster
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(sweep_module, "SCHEDULER_TIMEOUT", 1.5)
    handshake = b"" if speaks == "nothing" else _plain(HANDSHAKE)
    began = time.monotonic()
    with _fake_scheduler(handshake, _plain({"type": "Scheduler"})) as address:
        status = main([*SWEEP, "--scheduler", address.replace("tcp://", "tls://"),
                       *_tls_args(files)])
    err = capsys.readouterr().err
    assert status == 2 and time.monotonic() - began < PROBE_SECONDS
    assert err.startswith("pycart sweep: error: cannot reach the dask scheduler") and \
        err.count("\n") == 1, err
    assert list(work.iterdir()) == []


def test_a_tcp_cluster_is_still_reached(tmp_path, monkeypatch, capsys):
    """The probe speaks to a real scheduler over plain TCP too (the default protocol)."""
    from distributed import LocalCluster

    monkeypatch.chdir(tmp_path)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, host="127.0.0.1",
                      protocol="tcp", dashboard_address="127.0.0.1:0") as cluster:
        assert cluster.scheduler_address.startswith("tcp://")
        assert main([*SWEEP, "--scheduler", cluster.scheduler_address,
                     "--out", "t.parquet"]) == 0, capsys.readouterr().err
    assert Path("t.parquet").is_file()


@pytest.mark.parametrize("args, says", [
    (["--scheduler", "tls://127.0.0.1:8786"], "needs --tls-ca-file FILE"),
    (["--scheduler", "tls://127.0.0.1:8786", "--tls-ca-file", "CA"], "needs --tls-cert FILE"),
    (["--tls-cert", "CERT"], "need --scheduler tls://HOST:PORT"),
    (["--engine", "dask", "--tls-ca-file", "CA"], "need --scheduler tls://HOST:PORT"),
    (["--scheduler", "tcp://127.0.0.1:8786", "--tls-ca-file", "CA"],
     "--tls-ca-file needs a tls:// scheduler address"),
    (["--scheduler", "tls://127.0.0.1:8786", "--tls-ca-file", "missing.pem",
      "--tls-cert", "CERT"], "--tls-ca-file 'missing.pem' is not a readable file"),
    (["--scheduler", "tls://127.0.0.1:8786", "--tls-ca-file", "CA", "--tls-cert", "CA"],
     "cannot load the TLS files"),  # a certificate without its key
    (["--scheduler", "tls://127.0.0.1:8786", "--tls-ca-file", "GARBAGE", "--tls-cert", "CERT",
      "--tls-key", "KEY"], "cannot load the TLS files"),
    (["--scheduler", "ws://127.0.0.1:8786"], "is not an address"),
], ids=["tls-no-files", "tls-no-cert", "cert-no-scheduler", "ca-engine-dask", "ca-tcp",
        "ca-missing", "cert-without-key", "ca-garbage", "websocket"])
def test_bad_tls_options_are_one_line_before_any_work(tmp_path, monkeypatch, capsys, args,
                                                      says):
    from distributed import Security

    foreign = Security.temporary()
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    paths = {"CA": foreign.tls_ca_file, "CERT": foreign.tls_client_cert,
             "KEY": foreign.tls_client_key, "GARBAGE": "-----BEGIN CERTIFICATE-----\nno\n"}
    for name, text in paths.items():
        (inputs / f"{name}.pem").write_text(text, encoding="ascii")
    args = [str(inputs / f"{a}.pem") if a in paths else a for a in args]
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    began = time.monotonic()
    assert main([*SWEEP, *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err and "Traceback" not in err, err
    assert time.monotonic() - began < 5 and list(work.iterdir()) == []
