"""The explorer as an ASGI application, and the server ``pycart explore`` starts.

On the loopback address only the user's own machine can connect. Anywhere else the app asks
for a token, as Jupyter does: it is printed in the address, and the first request that
carries it gets a cookie that the page's later requests (scripts, the websocket) present.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from .page import PLOTLY, STATIC, WWW, page, plotly_folder
from .patient import Simulators

#: The cookie that carries the token after the first request.
COOKIE = "pycart_explore_token"


def make_app(token: str | None = None, warm: bool = True):
    """The explorer's ASGI app; with ``token``, every request must present it. ``warm``
    loads the model and the fast path's compiled kernel in the background, so the first
    update and the first cohort do not wait for them."""
    from shiny import App

    from .server import make_server

    simulators = Simulators()
    if warm:
        threading.Thread(target=_warm_up, args=(simulators,), daemon=True).start()
    app = App(page(), make_server(simulators),
              static_assets={STATIC: WWW, PLOTLY: plotly_folder()})
    app.sanitize_errors = True  # an unexpected error shows one generic line, no traceback
    return TokenGate(app, token) if token else app


def _warm_up(simulators: Simulators) -> None:
    from ..scale.kernel import load_kernel
    from .fields import read_form

    request, _ = read_form({})
    simulators.run(request)
    load_kernel(request.model)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    """A token for an exposed server (32 random bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


class TokenGate:
    """ASGI middleware: a request passes with the token in its address (``?token=``, which
    sets the cookie) or in the cookie; any other gets 403 (a websocket is closed)."""

    def __init__(self, app, token: str) -> None:
        self.app, self.token = app, token

    def _matches(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [None])
        if self._matches(cookie[COOKIE].value if COOKIE in cookie else None):
            return await self.app(scope, receive, send)
        if self._matches(given[0]):
            return await self.app(scope, receive, self._with_cookie(send))
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
        await send({"type": "http.response.body", "body": b"pycart explore: this page needs "
                    b"the token in the address that 'pycart explore' printed\n"})

    def _with_cookie(self, send):
        value = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", value)]}
            await send(message)

        return sending
