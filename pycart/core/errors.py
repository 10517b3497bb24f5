"""Exceptions: what the user asked for was not allowed, or the solver could not deliver."""

from __future__ import annotations


class PycartError(ValueError):
    """Bad input: the message says what was wrong and what is allowed, in one line."""


class SimulationError(RuntimeError):
    """The solver failed, or produced a result that cannot be trusted (a negative cell count)."""
