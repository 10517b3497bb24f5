"""The explorer as an ASGI application, behind the gates of :mod:`pycart.explore.gates`.

On the loopback address only the user's own machine can connect, and a request must name it
(no other site's name pointed at 127.0.0.1). Anywhere else the app asks for a token, as
Jupyter does: it is printed in the address, and the first request that carries it gets a
cookie that the page's later requests (scripts, the websocket) present.
"""

from __future__ import annotations

import secrets
import threading

from ..core.errors import PycartError
from .gates import SameMachine, TokenGate
from .page import PLOTLY, STATIC, WWW, page, plotly_folder
from .patient import Simulators


def make_app(token: str | None = None, warm: bool = True) -> SameMachine:
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
    return SameMachine(TokenGate(app, token), loopback=False) if token else SameMachine(app)


#: Dose schedules whose model variants are loaded as the server starts (about 0.25 s each):
#: one and two CAR T doses after day 0, the shapes of the add button's first two rows and of
#: the fractionated preset. Another shape costs its variant's load on its first run.
WARM_SHAPES: tuple[tuple[float, ...], ...] = ((7.0,), (7.0, 14.0))


def _warm_up(simulators: Simulators) -> None:
    from dataclasses import replace

    from ..core.schedule import Dose
    from ..scale.kernel import load_kernel
    from .fields import read_form

    request, errors = read_form({})
    if request is None:  # the models' own values: a failure here is pycart's bug
        raise PycartError(f"the explorer's default form is invalid: {errors}")
    simulators.run(request)
    for shape in WARM_SHAPES:  # each schedule shape is a model variant, loaded once
        doses = tuple(Dose(day, 1e7) for day in shape)
        simulators.preview(replace(request, initial=request.initial | {"CA": 1e7}, doses=doses))
    _compile_elsewhere(request.model)
    load_kernel(request.model)


def _compile_elsewhere(model: str) -> None:
    """Compile ``model``'s fast-path kernel in a child process, whose machine code lands in
    the cache folder, so the load that follows reads it: numba compiles with the GIL held,
    and a compile in this process (30-60 s on a first run) kept the page from answering.
    Without a writable cache folder the child's work would be lost, and with the kernel
    already in the cache there is nothing to compile: no child then."""
    import subprocess
    import sys

    from ..scale.kernel import cache_writable, compile_note

    if cache_writable() and compile_note(model):  # not compiled yet on this machine
        code = f"from pycart.scale.kernel import load_kernel; load_kernel({model!r})"
        subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=900,
                       check=False)


def new_token() -> str:
    """A token for an exposed server (32 random bytes, URL-safe)."""
    return secrets.token_urlsafe(32)
