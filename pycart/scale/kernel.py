"""The compiled kernel of the fast path: a model's generated right-hand side and the DOP853
integrator, compiled together by numba.

The kernel's source is the text of :mod:`pycart.scale.dop853` and of its batch loop
:mod:`pycart.scale.lanes`, followed by the model's ``models/<model>_rhs.py`` (written by
``pycart build`` from the SBML), which defines the ``rhs`` the integrator calls, and the
same right-hand side for many points at once (:mod:`pycart.scale.stages`). That text is
saved (atomically: two processes compiling at once never read half a module) in the user's
cache folder, ``$PYCART_CACHE_DIR`` or the
platform's (``platformdirs.user_cache_dir("pycart")``), as ``fastpath/<model>_<digest>.py``,
and numba caches the machine code beside it, so later processes load it in a fraction of a
second (one process compiles a kernel, under a lock beside it; the others wait for its
machine code); the digest covers the sources and the versions of numba and Python, so a changed
model, integrator or interpreter never meets stale code. Nothing is written into the
package (a read-only install works, and users do not share code). Where the cache folder
is not writable, the kernel is compiled in memory, once per process.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import importlib.util
import os
import sys
import time
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import PycartError
from ..core.files import write_text_atomically
from ..core.resources import rhs_text, sbml_text
from .events import DoseEvents, dose_events

#: numba's options for every function of a kernel (part of the kernel's digest): division by
#: zero gives inf or nan, as in numpy, and the integrator reports it; strict IEEE arithmetic
#: (fastmath measured no faster here).
OPTIONS: dict[str, Any] = {"error_model": "numpy"}

#: The environment variable naming the cache folder (the tests point it to a temporary one).
CACHE_ENV = "PYCART_CACHE_DIR"

#: Seconds a first compile takes on a two-core machine (2026-12-05, under load; the lanes
#: of pycart.scale.lanes doubled them): what the progress line announces while it waits.
COMPILE_SECONDS = {"cart_bm": 45, "cart_bm2": 55, "cart_bm_ext": 60, "cart_bm2_ext": 70}


@dataclass(frozen=True)
class Kernel:
    """A compiled model: ``batch`` integrates many points in one call; ``rhs`` is the
    compiled right-hand side; how long loading took and whether it came from the cache."""

    model: str
    species: tuple[str, ...]
    #: The integrated state: the species, then the variables of rate rules (cart_bm_ext's
    #: stimulation history X).
    states: tuple[str, ...]
    parameters: tuple[str, ...]
    #: The model's values of ``parameters`` and of the states, as libRoadRunner's
    #: ``resetAll`` gives them.
    p0: np.ndarray
    y0: np.ndarray
    dose_parameters: tuple[str, ...]
    events_are_doses: bool
    #: The model's dose events as the integrator runs them (scheduled, on relapse).
    events: DoseEvents
    batch: Callable[..., None]
    rhs: Callable[..., None]
    seconds: float
    cached: bool


def kernel_source(model: str) -> str:
    """The text the kernel of ``model`` is compiled from: the integrator, its batch loop
    (:mod:`pycart.scale.lanes`), the stage sums written out for one point and for the
    lanes (:mod:`pycart.scale.stages`, replacing the loop versions), the model's right-hand
    side for the lanes and for one point."""
    from .stages import lane_source, stage_source

    here = Path(__file__).parent
    rhs = rhs_text(model)
    return "\n\n".join([(here / "dop853.py").read_text(encoding="utf-8"),
                        _without_imports((here / "lanes.py").read_text(encoding="utf-8")),
                        stage_source(), lane_source(rhs), rhs])


def _without_imports(text: str) -> str:
    """``text`` with its ``__future__`` and relative imports blanked: in the kernel's one
    module, the names they import are defined by the text before it."""
    lines = text.splitlines()
    for node in ast.parse(text).body:
        if isinstance(node, ast.ImportFrom) and (node.level or node.module == "__future__"):
            for number in range(node.lineno - 1, node.end_lineno or node.lineno):
                lines[number] = ""
    return "\n".join(lines) + "\n"


def cache_dir() -> Path:
    """The folder of compiled kernels: ``$PYCART_CACHE_DIR/fastpath``, else the user's cache
    folder's."""
    import platformdirs

    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("pycart")) / "fastpath"


def module_name(model: str, text: str) -> str:
    """The name of the kernel module compiled from ``text``: its digest covers the text,
    numba's options and the versions of numba and Python."""
    key = text + _numba_version() + sys.version + repr(sorted(OPTIONS.items()))
    return f"pycart_fastpath_{model}_{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _numba_version() -> str:
    """numba's version, read without importing it: a sweep's main process names and checks
    kernels but never runs one, and importing numba there cost 1.2 s of its start."""
    from importlib.metadata import version

    return version("numba")


def _module(model: str, text: str, cache: bool) -> types.ModuleType:
    import numba

    module = source_module(module_name(model, text), text, cache,
                           f"<pycart fast path {model}>")
    inline = set(module.INLINE)  # see pycart.scale.lanes.INLINE
    for key, value in list(vars(module).items()):
        if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
            setattr(module, key, numba.njit(cache=cache, inline="always" if key in inline
                                            else "never", **OPTIONS)(value))
    return module


def source_module(name: str, text: str, cache: bool, label: str) -> types.ModuleType:
    """The module of the Python source ``text``: with ``cache``, written once to the cache
    folder as ``<name>.py`` and imported from there under ``name`` (numba's cached machine
    code finds its functions by their module's file and name), else run in memory
    (``label`` names it in tracebacks). For the kernels and the trial's jump chain."""
    if not cache:
        module = types.ModuleType(name)
        exec(compile(text, label, "exec"), module.__dict__)
        return module
    path = cache_dir() / f"{name}.py"
    if not path.exists():
        write_text_atomically(path, text)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PycartError(f"the compiled module {path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def cache_writable() -> bool:
    """Whether compiled kernels can be kept in the cache folder (made if missing)."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def compile_note(model: str) -> str:
    """What a progress line says while the first kernel of ``model`` is compiled ('' when
    a compiled one is in the cache, or the fast path cannot run ``model``)."""
    if fast_obstacle(model):
        return ""
    name = module_name(model, kernel_source(model))
    folder = cache_dir()
    if cache_writable() and any((folder / "__pycache__").glob(f"{name}.*.nbi")):
        return ""
    where = ("first run on this machine" if cache_writable()
             else "no writable cache folder, so in every process")
    return (f"compiling the fast path for {model} ({where}, "
            f"~{COMPILE_SECONDS.get(model, 30)} s)...")


@contextlib.contextmanager
def one_compiler(name: str, cache: bool) -> Iterator[None]:
    """Hold the lock ``<name>.lock`` of the cache folder while kernel ``name`` is compiled
    into it (nothing without ``cache``): a second process (a sweep's worker, a test worker)
    waits, then loads the machine code the first one cached, instead of spending the same
    minute of CPU compiling it again beside it on a first run. Once a kernel has been
    compiled and cached (its ``<name>.ready`` mark), loading it takes no lock: a sweep's
    second worker waited 1-2 s for the first one's load (6 December 2026). Without the
    mark (or with a cache numba no longer accepts) two processes at worst compile side by
    side: numba writes its cache files whole, so this costs time, not correctness."""
    ready = cache_dir() / f"{name}.ready"
    if not cache or ready.exists():
        yield
        return
    from filelock import FileLock

    with FileLock(str(cache_dir() / f"{name}.lock")):
        yield
        ready.touch()


@functools.lru_cache(maxsize=4)
def load_kernel(model: str, cache: bool | None = None) -> Kernel:
    """The compiled kernel of ``model`` (once per process): from numba's cache where the
    cache folder is writable (``cache=None``), compiled in memory otherwise or with
    ``cache=False``."""
    try:
        import numba  # noqa: F401
    except ImportError:
        raise PycartError("the fast path needs numba: pip install numba (or use "
                          "--solver roadrunner)") from None
    began = time.perf_counter()
    text = kernel_source(model)
    use_cache = cache_writable() if cache is None else cache
    with one_compiler(module_name(model, text), use_cache):
        module = _module(model, text, use_cache)
        if module.SBML_SHA256 != hashlib.sha256(sbml_text(model).encode()).hexdigest():
            raise PycartError(f"models/{model}_rhs.py was not generated from models/{model}.xml "
                              "(run 'pycart build')")
        hits = _warm_up(module)
    states = (*module.SPECIES, *module.RATE_RULES)
    p0, y0 = _defaults(model, module.PARAMETERS, states)
    return Kernel(model, module.SPECIES, states, module.PARAMETERS, p0, y0,
                  module.DOSE_PARAMETERS,
                  module.EVENTS_ARE_DOSES, dose_events(sbml_text(model)), module.solve_batch,
                  module.rhs,
                  time.perf_counter() - began, hits)


def _defaults(model: str, parameters: tuple[str, ...], states: tuple[str, ...]
              ) -> tuple[np.ndarray, np.ndarray]:
    """The SBML's values of ``parameters`` (compartments and parameters) and of ``states``
    (initial amounts of the species, values of the rate rules' parameters)."""
    import libsbml

    sbml = libsbml.readSBMLFromString(sbml_text(model)).getModel()
    values = {c.getId(): c.getSize() for c in sbml.getListOfCompartments()}
    values |= {p.getId(): p.getValue() for p in sbml.getListOfParameters()}
    values |= {s.getId(): s.getInitialAmount() for s in sbml.getListOfSpecies()}
    return (np.array([values[p] for p in parameters], dtype=float),
            np.array([values[s] for s in states], dtype=float))


def _warm_up(module: types.ModuleType) -> bool:
    """Compile (or load) the entry points for the types the engine uses; return whether
    the machine code came from numba's cache."""
    n, m = len(module.SPECIES) + len(module.RATE_RULES), len(module.PARAMETERS)
    P = np.ones((1, m))
    Y0 = np.ones((1, n))
    times = np.array([0.0, 1e-3])
    out = np.empty((1, 2, n))
    module.solve_batch(P, Y0, times, np.zeros(1, dtype=np.int64), True, 1e-6, np.ones(n), 10,
                       np.zeros((1, 0, 3)), np.zeros((1, 0, 5)), out, np.empty((1, 3)),
                       np.empty(1, dtype=np.int64), np.empty(1), np.zeros((1, 0)))
    module.rhs(0.0, Y0[0], P[0], np.empty(n))
    stats = module.solve_batch.stats
    return bool(sum(stats.cache_hits.values())) and not sum(stats.cache_misses.values())


def fast_obstacle(model: str) -> str | None:
    """Why the fast path cannot run ``model`` at all (None: it can, point by point)."""
    if importlib.util.find_spec("numba") is None:  # not imported: see _numba_version
        return "numba is not installed"
    try:
        rhs_text(model)
    except OSError:
        return f"models/{model}_rhs.py is missing (run 'pycart build')"
    return None


def check_fast(model: str, parameters: Mapping[str, float],
               varying: Sequence[tuple[str, float, float]]) -> None:
    """Refuse (with :class:`PycartError`) a sweep of ``model`` (``parameters`` fixed,
    ``varying`` as name, low and high) that ``--solver fast`` cannot run: no numba, or an
    event the integrator does not run (it runs the curated models' dose events). Plain
    values, not the :class:`~pycart.scale.sweep.Sweep`: a sweep checks itself with this
    module."""
    reason = fast_obstacle(model)
    # The events are read from the SBML, not from a loaded kernel: a sweep's checks (in the
    # main process, before any work) neither compile nor load one; its workers do.
    if reason is None and not dose_events(sbml_text(model)).understood:
        reason = "it has events other than the dose events the fast path runs"
    if reason:
        raise PycartError(f"--solver fast cannot run this sweep: {reason} (use --solver auto "
                          "or roadrunner)")
