"""Who may talk to the explorer's server (ASGI middleware around the app).

:class:`SameMachine`: on the loopback address a request must name this machine in its Host
header, so a web page elsewhere cannot point a name of its own at 127.0.0.1 and read the app
(DNS rebinding); and a websocket must come from the page itself (its Origin the host it
talks to), so another site open in the same browser cannot drive the app.
:class:`TokenGate`: a server reachable beyond this machine asks for a token.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlsplit

#: The cookie that carries the token after the first request.
COOKIE = "pycart_explore_token"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def refuse(scope: dict, send: Callable, why: str) -> None:
    """403 with one line (a websocket: closed as a policy violation)."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    # keywords, not a literal "status": ASGI's field, not pycart's result column
    await send(dict(type="http.response.start", status=403,
                    headers=[(b"content-type", b"text/plain; charset=utf-8")]))
    await send({"type": "http.response.body", "body": f"pycart explore: {why}\n".encode()})


def header(scope: dict, name: bytes) -> str:
    """A request header's value ('' where absent)."""
    return dict(scope.get("headers") or []).get(name, b"").decode("latin-1")


class SameMachine:
    """A request passes if (``loopback``) its Host names this machine, and a websocket if
    its Origin, where given, is the host it connects to."""

    def __init__(self, app, loopback: bool = True) -> None:
        self.app, self.loopback = app, loopback

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        host = header(scope, b"host")
        name = urlsplit(f"//{host}").hostname or ""
        if self.loopback and not is_loopback(name):
            return await refuse(scope, send, f"this server answers to this machine's names "
                                             f"only, not {host!r}")
        origin = header(scope, b"origin")
        if scope["type"] == "websocket" and origin and urlsplit(origin).netloc.lower() \
                != host.lower():
            return await refuse(scope, send, "a websocket from another site")
        return await self.app(scope, receive, send)


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
        try:
            cookie = SimpleCookie(header(scope, b"cookie"))
        except CookieError:  # a malformed cookie header carries no token
            cookie = SimpleCookie()
        given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [None])
        if self._matches(cookie[COOKIE].value if COOKIE in cookie else None):
            return await self.app(scope, receive, send)
        if self._matches(given[0]):
            return await self.app(scope, receive, self._with_cookie(send))
        await refuse(scope, send, "this page needs the token in the address that "
                                  "'pycart explore' printed")

    def _with_cookie(self, send):
        value = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", value)]}
            await send(message)

        return sending
