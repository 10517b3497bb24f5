"""Only the newest request is computed: many quick changes of an input do not queue up
simulations whose results nobody will see."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Q = TypeVar("Q")
R = TypeVar("R")


class Latest(Generic[Q, R]):
    """Runs each of ``stages`` on a request in a worker thread, one request at a time; a
    request made while one runs replaces any request still waiting, and a stage's result is
    delivered only if no newer request came meanwhile (the later stages are then skipped).
    ``deliver`` gets each result, or the exception a stage raised (the later stages are
    skipped too)."""

    def __init__(self, stages: Sequence[Callable[[Q], R]],
                 deliver: Callable[[R | Exception], Awaitable[None]]) -> None:
        self._stages = tuple(stages)
        self._deliver = deliver
        self._waiting: list[Q] = []  # at most one: the newest request not yet started
        self._generation = 0
        self._task: asyncio.Task | None = None
        self.computed = 0  # how many requests were started (for the tests and the page)

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
            self.computed += 1
            for stage in self._stages:
                try:
                    result: R | Exception = await asyncio.to_thread(stage, request)
                except Exception as exc:  # delivered to the page as a message, never raised
                    result = exc
                if generation != self._generation:
                    break  # a newer request waits: its result is the one to show
                await self._deliver(result)
                if isinstance(result, Exception):
                    break

    async def idle(self) -> None:
        """Wait until nothing runs or waits."""
        while self._task is not None and not self._task.done():
            await asyncio.wait([self._task])
