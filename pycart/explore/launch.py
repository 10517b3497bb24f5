"""Starting the explorer: the listening socket first (a bad host or a busy port is one line
before anything else), then the address, then the server until Ctrl-C."""

from __future__ import annotations

import socket
import sys
import webbrowser

from ..core.errors import PycartError

#: What ``pycart explore`` needs beyond pycart's own dependencies: pip install 'pycart[explore]'.
NEEDS = ("shiny", "uvicorn", "plotly")


def check_installed() -> None:
    """:class:`PycartError` in one line naming the extra to install if a library is missing."""
    import importlib.util

    missing = [name for name in NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        raise PycartError(f"the explorer needs {', '.join(missing)}: "
                          "pip install 'pycart[explore]'")


def check_port(value: object) -> int:
    """A port: a whole number from 0 (a free one) to 65535."""
    from ..core.inputs import check_count

    return check_count(value, "port", 0, 65535)


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (0: a free port); :class:`PycartError` if the
    address cannot be used."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (socket.gaierror, UnicodeError) as exc:
        raise PycartError(f"--host {host!r}: not an address of this machine ({exc})") from None
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise PycartError(f"cannot listen on {host}:{port} ({exc.strerror or exc}; allowed: "
                          "an address of this machine and a free port)") from None
    return sock


def address(host: str, sock: socket.socket, token: str | None) -> str:
    """The page's address as the user opens it (the token in it where one is needed)."""
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(host: str, port: int, open_browser: bool) -> int:
    """Serve the explorer on ``host``:``port`` until interrupted; print its address first."""
    import uvicorn

    from .app import make_app, new_token
    from .gates import is_loopback

    sock = listen(host, port)
    token = None if is_loopback(host) else new_token()
    url = address(host, sock, token)
    config = uvicorn.Config(make_app(token), log_level="warning", lifespan="off",
                            ws="websockets-sansio")
    print(f"pycart explore: serving {url} (Ctrl-C stops it)", flush=True)
    if token:
        sys.stderr.write("pycart explore: the server is reachable beyond this machine; the "
                         "page asks for the token in the address above\n")
    if open_browser:
        webbrowser.open(url)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
