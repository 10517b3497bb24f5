"""Shared fixtures: one loaded model per test session, and the independent reference."""

from __future__ import annotations

from pathlib import Path

import pytest

import pycart

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def model() -> pycart.Model:
    return pycart.Model()


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
