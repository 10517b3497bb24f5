"""Shared fixtures: one loaded model per test session, and the independent reference."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import pycart  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def model() -> pycart.Model:
    return pycart.Model()


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
