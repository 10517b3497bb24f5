"""Shared fixtures: one loaded model per test session, and the independent reference; the
pyPESTO problem of a PEtab file, for the tests that check pycart's PEtab against it."""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import pytest

import pycart

ROOT = Path(__file__).resolve().parents[1]

# The fast path's compiled kernels go to a cache folder of the tests' own, never the user's
# (kept between runs: a kernel is named by the digest of its sources and versions).
os.environ.setdefault("PYCART_CACHE_DIR", str(Path(tempfile.gettempdir()) / "pycart-tests-cache"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The few tests that take many minutes (a timeout of their own, longer than the
    default) placed so that two workers (CI's heavy run, pytest-xdist's worksteal) finish
    close together, by how worksteal deals: the first half of the list to one worker, the
    second half to the other, and a worker that runs out steals the tail of the other's
    queue, never its next test. So the longest (the calibration report) goes first, the
    next one after it is a short test, and the other long tests, longest first, open the
    second half: they start at once on the other worker instead of waiting behind the
    longest. The order of the other tests is kept."""
    layout = long_first_layout([cost(item) for item in items])
    items[:] = [items[i] for i in layout]


def cost(item: pytest.Item) -> float:
    """A test's own timeout (0 without one): the few long tests have one."""
    mark = item.get_closest_marker("timeout")
    return float(mark.args[0]) if mark and mark.args else 0.0


def long_first_layout(costs: list[float]) -> list[int]:
    """The order (indices into ``costs``) described above: the costliest first, the
    others with a cost open the second half, costliest first, the rest in their order."""
    costly = sorted((i for i, c in enumerate(costs) if c > 0), key=lambda i: -costs[i])
    rest = [i for i, c in enumerate(costs) if c <= 0]
    if not costly:
        return rest
    head, others = costly[:1], costly[1:]
    half = len(costs) // 2 - 1  # the short tests in the first half, after the longest
    return head + rest[:half] + others + rest[half:]


@pytest.fixture(scope="session")
def model() -> pycart.Model:
    return pycart.Model()


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def pypesto_problem(yaml_file):
    """pyPESTO's problem of a PEtab file, its RoadRunner objective at pycart's tolerances."""
    import petab.v1 as petab
    from pypesto.objective.roadrunner import SolverOptions
    from pypesto.petab import PetabImporter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        importer = PetabImporter(petab.Problem.from_yaml(yaml_file),
                                 simulator_type="roadrunner")
        objective = importer.create_objective_creator(simulator_type="roadrunner") \
            .create_objective()
        objective.solver_options = SolverOptions(
            relative_tolerance=1e-10, absolute_tolerance=[1e-14] * 8,
            maximum_num_steps=200_000, stiff=True)
        return importer.create_problem(objective)
