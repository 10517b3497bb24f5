"""Trust at a dask scheduler's address.

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

import asyncio
import os
import ssl
import struct
import sys
from pathlib import Path

from ..core.errors import PycartError

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
