"""Shared fixtures: one loaded model per test session, and the independent reference."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

import pycart

ROOT = Path(__file__).resolve().parents[1]

# The fast path's compiled kernels go to a cache folder of the tests' own, never the user's
# (kept between runs: a kernel is named by the digest of its sources and versions).
os.environ.setdefault("PYCART_CACHE_DIR", str(Path(tempfile.gettempdir()) / "pycart-tests-cache"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest first: a test with its own timeout (longer than the default) is one of the
    few that take many minutes, so on two workers (CI's heavy run, pytest-xdist) it starts
    at once instead of last, and the workers finish close together. The order of the other
    tests is kept (a stable sort)."""
    def cost(item: pytest.Item) -> float:
        mark = item.get_closest_marker("timeout")
        return -float(mark.args[0]) if mark and mark.args else 0.0

    items.sort(key=cost)


@pytest.fixture(scope="session")
def model() -> pycart.Model:
    return pycart.Model()


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
