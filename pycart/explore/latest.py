"""Only the newest request is computed: many quick changes of an input do not queue up
simulations whose results nobody will see."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Q = TypeVar("Q")
R = TypeVar("R")


class Latest(Generic[Q, R]):
    """Runs ``compute(request)`` in a worker thread, one at a time; a request made while
    one runs replaces any request still waiting, and a result is delivered only if no newer
    request came meanwhile. ``deliver`` gets the result or the exception raised."""

    def __init__(self, compute: Callable[[Q], R],
                 deliver: Callable[[R | Exception], Awaitable[None]]) -> None:
        self._compute = compute
        self._deliver = deliver
        self._waiting: list[Q] = []  # at most one: the newest request not yet started
        self._generation = 0
        self._task: asyncio.Task | None = None
        self.computed = 0  # how many requests were computed (for the tests and the page)

    def submit(self, request: Q) -> None:
        """Ask for ``request``; any request still waiting is dropped."""
        self._generation += 1
        self._waiting[:] = [request]
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._work())

    def cancel(self) -> None:
        """Drop what waits and whatever the running computation gives."""
        self._generation += 1
        self._waiting.clear()

    async def _work(self) -> None:
        while self._waiting:
            request = self._waiting.pop()
            generation = self._generation
            try:
                result: R | Exception = await asyncio.to_thread(self._compute, request)
            except Exception as exc:  # delivered to the page as a message, never raised
                result = exc
            self.computed += 1
            if generation == self._generation:
                await self._deliver(result)

    async def idle(self) -> None:
        """Wait until nothing runs or waits."""
        while self._task is not None and not self._task.done():
            await asyncio.wait([self._task])
