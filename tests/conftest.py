"""Shared fixtures: one loaded model per test session, and the independent reference; the
pyPESTO problem of a PEtab file, for the tests that check pycart's PEtab against it. The
order of the long tests on two workers, and the fast path's kernels compiled in the
background from the start of a run that needs them."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported where used: xdist's controller, which runs no test, never needs
    import pycart  # pycart (and libRoadRunner, numpy, pandas: ~1 s of CPU)

ROOT = Path(__file__).resolve().parents[1]
#: The fast path's own tests: they compile the kernel of every model (tests/scale/test_fast.py).
FAST_TESTS = ROOT / "tests" / "scale" / "test_fast.py"
#: The only kernel the default suite's tests load (a first run compiles each kernel in
#: ~30 s of CPU): they test the fast path's machinery on cart_bm; the tests of the other
#: models' kernels are heavy. A default test that loads another fails (kernel_guard).
DEFAULT_KERNELS = ("cart_bm",)

# The fast path's compiled kernels go to a cache folder of the tests' own, never the user's
# (kept between runs: a kernel is named by the digest of its sources and versions).
os.environ.setdefault("PYCART_CACHE_DIR", str(Path(tempfile.gettempdir()) / "pycart-tests-cache"))


#: The default suite's slowest tests with no module-scoped fixture (moved away from their
#: module, a test with one would make it twice): seconds of wall time in a run on the two
#: cores under a load average of 5-10 (6 December 2026), so three to four times their CPU
#: time. Only their order matters, longest first: no long test is left for last while the
#: other worker idles.
SLOW: dict[str, float] = {
    "tests/scale/test_sweep.py::test_a_killed_sweep_resumes_with_exactly_the_rows_of_a_full_run":
        12,
    "tests/scale/test_hostile_files.py::"
    "test_a_second_fit_on_one_output_is_refused_and_the_first_loses_nothing": 12,
    "tests/scale/test_sweep.py::test_identical_results_on_a_dask_local_cluster": 17,
    "tests/scale/test_hostile_files.py::test_every_file_written_follows_the_umask[fit-umask027]":
        16,
    "tests/exchange/test_exchange.py::test_sedml_runs_in_roadrunner_with_pycart_numbers[fig8]":
        15,
    "tests/exchange/test_exchange.py::test_single_plot_archives_open_complete_in_copasi[fig8]":
        14,
    "tests/exchange/test_exchange.py::test_sedml_runs_in_roadrunner_with_pycart_numbers[fig7]":
        11,
    "tests/analysis/test_fit.py::test_petab_problem_passes_petablint": 7,
    "tests/scale/test_sweep.py::test_identical_results_on_serial_and_process_engines": 10,
    "tests/scale/test_points.py::test_points_run_identically_on_every_engine_and_resume": 10,
    "tests/analysis/test_sensitivity.py::"
    "test_ishigami_through_the_same_code_path_gives_the_known_indices": 9,
    "tests/cli/test_cli.py::test_build_rewrites_a_stale_copy": 5,
}


#: The heavy suite's longest tests: seconds of wall time in CI's fresh-clone run on two cores
#: (5 December 2026; the newer ones estimated from their CPU time, marked ~). Their order
#: is what matters, not their size; their timeouts are no guide (the trial's tests carry
#: 3600 s and take under a minute).
HEAVY: dict[str, float] = {
    "tests/analysis/test_fit.py::test_pycart_calibration_regenerates_the_report": 579,
    "tests/exchange/test_simulators.py::test_models_load_directly_with_pycart_numbers[pysces]":
        60,  # ~
    "tests/exchange/test_simulators.py::test_runner_reproduces_every_archive[copasi]": 356,
    "tests/exchange/test_simulators.py::test_runner_reproduces_every_archive[tellurium]": 316,
    "tests/exchange/test_simulators.py::"
    "test_a_dose_schedule_loads_directly_with_pycart_numbers[pysces]": 10,  # ~
    "tests/scale/test_kernel_compile.py::test_every_function_of_a_kernel_is_compiled_once":
        90,  # ~
    "tests/scale/test_sweep.py::test_bench_quick_prints_its_figures": 67,
    "tests/scale/test_fast.py::"
    "test_kernels_are_cached_in_the_cache_folder_never_in_a_read_only_package": 61,
    "tests/report/test_reproduce.py::test_committed_report_is_what_pycart_reproduce_writes": 52,
    "tests/report/test_benchtrial.py::test_quick_trial_bench_prints_every_figure": 40,  # ~
    "tests/exchange/test_compatibility_table.py::"
    "test_a_part_of_the_table_is_what_the_command_writes": 40,  # ~
    "tests/scale/test_fast.py::test_figure7_on_the_fast_path_against_the_independent_solver":
        39,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long tests (in ``HEAVY`` or ``SLOW``) placed so that two workers (pytest-xdist's
    worksteal) finish close together, by how worksteal deals: the first half of the list to
    one worker, the second half to the other, and a worker that runs out steals the tail of
    the other's queue, never its next test. So the longest (the calibration report in CI's
    heavy run) goes first, the next one after it is a short test, and the other long tests,
    longest first, are dealt to the half with less so far: those of the second half open it
    and start at once on the other worker instead of waiting behind the longest. The order
    of the other tests is kept."""
    layout = long_first_layout([cost(item) for item in items])
    items[:] = [items[i] for i in layout]


def cost(item: pytest.Item) -> float:
    """A test's measured seconds in ``HEAVY`` or ``SLOW`` (0 for the others)."""
    return HEAVY.get(item.nodeid, SLOW.get(item.nodeid, 0.0))


def long_first_layout(costs: list[float]) -> list[int]:
    """The order (indices into ``costs``) described above: the costly tests dealt to the
    two halves, costliest first, each to the half with less so far; a half opens with its
    costly ones (after the first half's costliest, one short test), then short ones in
    their order."""
    costly = sorted((i for i, c in enumerate(costs) if c > 0), key=lambda i: -costs[i])
    rest = [i for i, c in enumerate(costs) if c <= 0]
    halves: list[list[int]] = [[], []]
    for i in costly:
        min(halves, key=lambda half: sum(costs[j] for j in half)).append(i)
    first, second = halves
    if not first:
        return rest
    short = max(1, len(costs) // 2 - len(first))  # the short tests of the first half
    return first[:1] + rest[:1] + first[1:] + rest[1:short] + second + rest[short:]


#: What a background compiler runs: each model's kernel named on its command line, loaded
#: (so compiled into the cache folder, under the kernel's lock) in turn.
COMPILE = ("import sys\nfrom pycart.scale.kernel import load_kernel\n"
           "for model in sys.argv[1:]:\n    load_kernel(model)\n")
#: The background compilers this run started (pytest_configure), ended with the run.
COMPILERS = pytest.StashKey[list[subprocess.Popen]]()


def pytest_configure(config: pytest.Config) -> None:
    """On a cold kernel cache, a run whose arguments take in the fast path's own tests
    starts compiling the kernels they load (``kernels_to_compile``) at once, in the
    background, from the controller (pytest-xdist's, or the one process): the compile
    overlaps the workers' start and collection, and a worker that needs a kernel before it
    is done waits on the kernel's lock while the compiler has its core; no worker spends
    its start compiling while the other waits. Two compilers at most (the machines are
    two-core), each its share; a warm cache, ``--collect-only`` or ``--help`` starts none."""
    if hasattr(config, "workerinput") or config.option.collectonly or config.option.help:
        return
    base = Path(config.invocation_params.dir)
    paths = [(base / str(arg).split("::")[0]).resolve() for arg in config.args]
    models = kernels_to_compile(paths, "not heavy" not in (config.option.markexpr or ""))
    if not models:
        return
    from pycart.scale.kernel import COMPILE_SECONDS, cache_writable, compile_note

    missing = [m for m in models if compile_note(m)] if cache_writable() else []
    shares = kernel_shares([COMPILE_SECONDS.get(m, 60) for m in missing], 2)
    config.stash[COMPILERS] = [
        subprocess.Popen([sys.executable, "-c", COMPILE, *(missing[i] for i in share)],
                         cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for share in shares if share]  # a failure (a stale model) is its tests' to report


def pytest_unconfigure(config: pytest.Config) -> None:
    """End the background compilers with the run (a short run can end before them: a
    kernel half compiled is compiled again by the next process that needs it)."""
    for process in config.stash.get(COMPILERS, []):
        process.terminate()
        process.wait()


def kernels_to_compile(paths: list[Path], heavy: bool) -> list[str]:
    """The kernels a run of the tests under ``paths`` compiles at its start: none unless
    they take in the fast path's own tests; with them, every model's if heavy tests run
    (they check every kernel: about 30 s of CPU each), else ``DEFAULT_KERNELS``."""
    if not any(path == FAST_TESTS or path in FAST_TESTS.parents for path in paths):
        return []
    from pycart.core.names import MODELS

    return list(MODELS) if heavy else list(DEFAULT_KERNELS)


#: The models whose kernels this process had loaded at the last test that loaded one.
LOADED = pytest.StashKey[set[str]]()


@pytest.fixture(autouse=True)
def kernel_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a default-suite test that loads a kernel besides ``DEFAULT_KERNELS`` in this
    process: on a first run it would compile it (~30 s of CPU) for the default suite.
    ``load_kernel``'s cache says cheaply whether a test loaded a kernel at all."""
    misses = _kernel_loads()
    yield
    if _kernel_loads() == misses:
        return
    known = request.config.stash.get(LOADED, set())
    request.config.stash[LOADED] = now = set(_loaded_models())
    others = sorted(now - known - set(DEFAULT_KERNELS))
    assert "heavy" in request.keywords or not others, (
        f"{request.node.nodeid} loads the fast path's kernel of {', '.join(others)}: the "
        f"default suite compiles {', '.join(DEFAULT_KERNELS)} only (use it, or mark the "
        "test heavy)")


def _kernel_loads() -> int:
    """How many kernels this process has loaded, counted by ``load_kernel``'s cache (0
    before pycart.scale.kernel is imported)."""
    kernel = sys.modules.get("pycart.scale.kernel")
    info = getattr(getattr(kernel, "load_kernel", None), "cache_info", None)  # None: replaced
    return info().misses if info else 0


def _loaded_models() -> list[str]:
    """The models whose kernels this process has loaded from the cache folder (kernel
    modules are named pycart_fastpath_<model>_<16 hex digits>)."""
    prefix = "pycart_fastpath_"
    return sorted({name[len(prefix):-17] for name in list(sys.modules)
                   if name.startswith(prefix)})


def kernel_shares(costs: list[float], workers: int) -> list[list[int]]:
    """Indices into ``costs`` dealt to ``workers`` so that their sums are close: the
    costliest first, each to the worker with the least so far; each share in index order."""
    shares: list[list[int]] = [[] for _ in range(workers)]
    for i in sorted(range(len(costs)), key=lambda i: -costs[i]):
        min(shares, key=lambda share: sum(costs[j] for j in share)).append(i)
    return [sorted(share) for share in shares]


@pytest.fixture(scope="session")
def model() -> pycart.Model:
    import pycart

    return pycart.Model()


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="module")
def fit_figures() -> Iterator[list[str]]:
    """A fit's two figures drawn, for the tests of a module that uses this, by a stand-in
    that records their file names: for the tests of a fit's machinery (engines, saved
    starts), whose figures (~0.7 s of CPU each) tests/analysis/test_fit.py and
    tests/experiments/test_hostile_figures.py draw and check."""
    from pycart.analysis import fitplots

    drawn: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        for name in ("fit_figure", "profile_figure"):
            patch.setattr(fitplots, name, lambda result, path: drawn.append(path.name))
        yield drawn


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
