"""The columns of pycart's result tables."""

from __future__ import annotations

from collections.abc import Sequence

#: In a result table, an initial amount that varies is named ``init_<species>`` (``init_L``),
#: so it cannot be read as a result (``L30``, ``L@60``).
INITIAL_PREFIX = "init_"


def input_column(name: str, species: Sequence[str]) -> str:
    """The result-table column of a varying quantity: a parameter by its id, an initial
    amount as ``init_<species>``."""
    return f"{INITIAL_PREFIX}{name}" if name in species else name
