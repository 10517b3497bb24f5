"""Sweeps and virtual cohorts: many simulations, fast, streamed to disk, resumable.

A :class:`Sweep` says what varies (grid axes or sampled ranges over parameters and initial
amounts) and what to report. :func:`run_sweep` cuts its points into chunks, has an engine
compute them (:class:`SerialEngine`, :class:`ProcessEngine` on local cores, or
:class:`DaskEngine` on a dask.distributed cluster), and writes each finished chunk to
``<out>.parts/`` at once; the final table is assembled chunk by chunk, so memory stays flat.
Run again after an interruption, the same sweep computes only the missing chunks.

Every point starts from the model's defaults (``resetAll``), so a point's numbers do not
depend on the engine, the chunking or the order: results are identical whichever ran them.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import PycartError
from ..core.inputs import check_initial, check_parameters
from ..core.model import NEGATIVE_ROUNDOFF, SolverSettings
from ..core.names import (
    CAR_T,
    MODELS,
    RESPONSE_DAY,
    RESPONSE_THRESHOLD,
    model_parameters,
)
from ..core.resources import sbml_text

#: Sweeps integrate with Adams: over these horizons the problem is not stiff, and Adams is
#: faster at the same accuracy. A point where Adams fails is integrated again with BDF.
SWEEP_SOLVER = SolverSettings(stiff=False)

#: Points per chunk: the unit of work handed to a worker and of what is saved at once.
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Dimension:
    """One varying quantity (a parameter or an initial amount) from ``lo`` to ``hi``;
    ``n`` values on a grid, or ``n = 0`` where it is sampled."""

    name: str
    lo: float
    hi: float
    n: int = 0
    scale: str = "log"

    def scaled(self, u: np.ndarray) -> np.ndarray:
        """Map unit-interval values onto the range."""
        if self.scale == "log":
            lo, hi = math.log10(self.lo), math.log10(self.hi)
            return 10.0 ** (lo + u * (hi - lo))
        return self.lo + u * (self.hi - self.lo)

    def grid(self) -> np.ndarray:
        """The ``n`` grid values, both ends included."""
        return self.scaled(np.linspace(0.0, 1.0, self.n)) if self.n > 1 else np.array([self.lo])


@dataclass(frozen=True)
class Sweep:
    """A sweep: what varies, over which defaults, and what each point reports.

    ``sampling`` is "grid" (every combination of the dimensions' values) or "lhs"/"sobol"
    (``samples`` points over the ranges, from ``seed``). Each point reports L30 and the
    response, the first CAR T peak (``t_peak``, ``C_peak``, ``fold_expansion``), and the
    ``species`` at ``days``.
    """

    dimensions: tuple[Dimension, ...]
    model: str = "cart_bm"
    sampling: str = "grid"
    samples: int = 0
    seed: int = 0
    parameters: Mapping[str, float] = field(default_factory=dict)
    initial: Mapping[str, float] = field(default_factory=dict)
    t_end: float = RESPONSE_DAY
    days: tuple[float, ...] = ()
    species: tuple[str, ...] = ("L",)
    peak: bool = True

    def validate(self) -> None:
        """Check every id and value; raise :class:`PycartError` with one line."""
        if self.model not in MODELS:
            raise PycartError(f"unknown model {self.model!r} (allowed: {', '.join(MODELS)})")
        species = MODELS[self.model]
        allowed = model_parameters(self.model)
        if not self.dimensions:
            raise PycartError("nothing varies (give at least one --param or --range)")
        names = [d.name for d in self.dimensions]
        if len(set(names)) != len(names):
            raise PycartError(f"a dimension is given twice: {names}")
        for d in self.dimensions:
            if d.name not in species and d.name not in allowed:
                raise PycartError(f"unknown parameter or species {d.name!r} (allowed: "
                                  f"{', '.join(allowed)}; or {', '.join(species)})")
            if d.scale not in ("log", "linear"):
                raise PycartError(f"{d.name}: scale {d.scale!r} (allowed: log, linear)")
            if d.scale == "log" and not (d.lo > 0 and d.hi > 0):
                raise PycartError(f"{d.name}: a log range needs lo, hi > 0")
            for end in (d.lo, d.hi):
                if d.name in species:
                    check_initial({d.name: end}, species)
                else:
                    check_parameters({d.name: end}, allowed)
            if self.sampling == "grid" and d.n < 1:
                raise PycartError(f"{d.name}: a grid needs a number of values >= 1")
        check_parameters(self.parameters, allowed)
        check_initial(self.initial, species)
        if self.sampling not in ("grid", "lhs", "sobol"):
            raise PycartError(f"sampling {self.sampling!r} (allowed: grid, lhs, sobol)")
        if self.sampling != "grid" and self.samples < 1:
            raise PycartError("sampling needs a number of samples >= 1")
        if not (math.isfinite(self.t_end) and self.t_end > 0):
            raise PycartError(f"horizon {self.t_end!r} (allowed: a number of days > 0)")
        for day in self.days:
            if not 0 < day <= self.t_end:
                raise PycartError(f"day {day:g} is outside the run (allowed: 0 < day <= "
                                  f"{self.t_end:g})")
        unknown = [s for s in self.species if s not in species]
        if unknown:
            raise PycartError(f"unknown species {unknown[0]!r} (allowed: {', '.join(species)})")

    @property
    def size(self) -> int:
        """Number of points."""
        if self.sampling == "grid":
            return int(np.prod([d.n for d in self.dimensions]))
        return self.samples

    def points(self) -> np.ndarray:
        """All points, one row each, one column per dimension."""
        if self.sampling == "grid":
            mesh = np.meshgrid(*(d.grid() for d in self.dimensions), indexing="ij")
            return np.column_stack([m.ravel() for m in mesh])
        from scipy.stats import qmc

        k = len(self.dimensions)
        if self.sampling == "lhs":
            unit = qmc.LatinHypercube(d=k, seed=self.seed).random(self.samples)
        else:
            with warnings.catch_warnings():  # non-powers of two lose balance; say so in docs
                warnings.simplefilter("ignore", UserWarning)
                unit = qmc.Sobol(d=k, scramble=True, seed=self.seed).random(self.samples)
        return np.column_stack([d.scaled(unit[:, j]) for j, d in enumerate(self.dimensions)])

    def columns(self) -> list[str]:
        """The columns of the result table, in order."""
        cols = ["point", *(d.name for d in self.dimensions)]
        if self.t_end >= RESPONSE_DAY:
            cols += ["L30", "responder"]
        if self.peak:
            cols += ["t_peak", "C_peak", "fold_expansion", "peak_reached"]
        cols += [f"{s}@{d:g}" for d in self.days for s in self.species]
        return [*cols, "status", "message"]

    def key(self) -> str:
        """A fingerprint of everything that decides the results (for resuming)."""
        from .. import __version__

        text = json.dumps({"sweep": _jsonable(asdict(self)), "solver": asdict(SWEEP_SOLVER),
                           "pycart": __version__, "sbml": hashlib.sha256(
                               sbml_text(self.model).encode()).hexdigest()}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _jsonable(value: object) -> object:
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


# ---- the simulator of one worker ----------------------------------------------------------

class PointSimulator:
    """One RoadRunner for one sweep, built once (in each worker process) from the SBML text,
    with the peak tracker when the sweep wants the peak."""

    def __init__(self, sweep: Sweep) -> None:
        import roadrunner

        from ..exchange.sbml import PEAK_RECORDS, with_peak_tracker

        roadrunner.Logger.setLevel(roadrunner.Logger.LOG_FATAL)
        text = sbml_text(sweep.model)
        self.sweep = sweep
        self.rr = roadrunner.RoadRunner(with_peak_tracker(text) if sweep.peak else text)
        SWEEP_SOLVER.apply(self.rr)
        self.rr.integrator.variable_step_size = False
        self.species = MODELS[sweep.model]
        self.car_t = [s for s in CAR_T if s in self.species]
        self.times = np.unique([0.0, *sweep.days, *([RESPONSE_DAY] if sweep.t_end >= RESPONSE_DAY
                                                    else []), sweep.t_end])
        self.selections = ["time", *self.species, *(PEAK_RECORDS if sweep.peak else ())]
        self.names = [d.name for d in sweep.dimensions]
        self.is_species = [n in self.species for n in self.names]

    def evaluate(self, start: int, points: np.ndarray) -> pd.DataFrame:
        """The result rows of ``points`` (numbered from ``start``)."""
        rows = [self._one(start + i, p) for i, p in enumerate(points)]
        return pd.DataFrame(rows, columns=self.sweep.columns())

    def _one(self, index: int, point: np.ndarray) -> list[object]:
        sweep = self.sweep
        values: list[object] = [index, *point]
        try:
            result = self._simulate(point)
        except PycartError as exc:
            return values + [None] * (len(sweep.columns()) - len(values) - 2) + [
                "failed", str(exc)]
        at = {t: k for k, t in enumerate(self.times)}
        species = {s: j + 1 for j, s in enumerate(self.species)}
        if sweep.t_end >= RESPONSE_DAY:
            L30 = float(result[at[RESPONSE_DAY], species["L"]])
            values += [L30, bool(L30 < RESPONSE_THRESHOLD)]
        if sweep.peak:
            found, day, peak = result[-1, -3:]
            C0 = sum(float(result[0, species[c]]) for c in self.car_t)
            if found < 0.5:  # still growing at the horizon (or never grew)
                day = sweep.t_end
                peak = sum(float(result[-1, species[c]]) for c in self.car_t)
            fold = math.log10(peak / C0) if C0 > 0 and peak > 0 else None
            values += [float(day), float(peak), fold, bool(found > 0.5)]
        values += [float(result[at[d], species[s]]) for d in sweep.days for s in sweep.species]
        return values + ["ok", ""]

    def _simulate(self, point: np.ndarray) -> np.ndarray:
        rr = self.rr
        for attempt in ("adams", "bdf"):
            rr.resetAll()
            for name, value in self.sweep.parameters.items():
                rr.setValue(name, value)
            for name, value in self.sweep.initial.items():
                rr.setValue(name, value)
            for name, value in zip(self.names, point):
                rr.setValue(name, float(value))
            try:
                result = np.asarray(rr.simulate(times=self.times, selections=self.selections))
            except RuntimeError as exc:
                if attempt == "adams":
                    rr.integrator.stiff = True
                    continue
                raise PycartError(f"the solver failed: {' '.join(str(exc).split())[:300]}") \
                    from None
            finally:
                if attempt == "bdf":
                    rr.integrator.stiff = False
            low = result[:, 1: 1 + len(self.species)].min()
            if low < -NEGATIVE_ROUNDOFF:
                raise PycartError(f"negative cell count {low:.3g}")
            return result
        raise AssertionError("unreachable")


#: The simulators of this process, one per sweep (a worker process builds its own once).
_SIMULATORS: dict[str, PointSimulator] = {}


def compute_chunk(sweep: Sweep, key: str, start: int, points: np.ndarray) -> tuple[int, pd.DataFrame]:
    """Compute one chunk (worker side): the chunk's first point and its result rows."""
    simulator = _SIMULATORS.get(key)
    if simulator is None:
        _SIMULATORS.clear()
        simulator = _SIMULATORS[key] = PointSimulator(sweep)
    return start, simulator.evaluate(start, points)


# ---- engines ------------------------------------------------------------------------------

Task = tuple[int, np.ndarray]


class SerialEngine:
    """Every chunk in this process, one after another."""

    workers = 1

    def map(self, sweep: Sweep, key: str, tasks: Iterable[Task]) -> Iterator[tuple[int, pd.DataFrame]]:
        for start, points in tasks:
            yield compute_chunk(sweep, key, start, points)

    def close(self) -> None:
        """Nothing to release."""


class ProcessEngine:
    """Chunks on local worker processes (default: every core), a few in flight at a time."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def map(self, sweep: Sweep, key: str, tasks: Iterable[Task]) -> Iterator[tuple[int, pd.DataFrame]]:
        import multiprocessing

        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, initializer=_quiet_worker,
                                             mp_context=multiprocessing.get_context("spawn"))
        yield from _bounded(lambda t: self._pool.submit(compute_chunk, sweep, key, *t), tasks,
                            2 * self.workers, _wait_local)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _quiet_worker() -> None:
    """Silence a worker's C-level output: CVODE prints each failure that Adams hands on to
    BDF; a point that still fails is reported in the table."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


class DaskEngine:
    """Chunks on a dask.distributed cluster: the scheduler at ``address``, or a LocalCluster
    of single-threaded worker processes when no address is given."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise PycartError("the dask engine needs dask.distributed: pip install "
                              "'pycart[dask]'") from None
        self.cluster = None
        if address:
            try:
                self.client = Client(address, timeout=10)
            except (OSError, TimeoutError) as exc:
                raise PycartError(f"cannot reach the dask scheduler at {address} ({exc})") from None
        else:
            self.cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1,
                                        threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info()["workers"]))

    def map(self, sweep: Sweep, key: str, tasks: Iterable[Task]) -> Iterator[tuple[int, pd.DataFrame]]:
        yield from _bounded(lambda t: self.client.submit(compute_chunk, sweep, key, *t,
                                                         pure=False), tasks, 2 * self.workers,
                            _wait_dask)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _bounded(submit: Callable[[Task], Future], tasks: Iterable[Task], in_flight: int,
             wait_first: Callable[[set], tuple[set, set]]) -> Iterator[tuple[int, pd.DataFrame]]:
    """Submit tasks keeping at most ``in_flight`` pending; yield results as they finish."""
    pending: set = set()
    tasks = iter(tasks)
    try:
        while True:
            while len(pending) < in_flight:
                task = next(tasks, None)
                if task is None:
                    break
                pending.add(submit(task))
            if not pending:
                return
            done, pending = wait_first(pending)
            for future in done:
                yield future.result()
    finally:
        for future in pending:
            future.cancel()


def _wait_local(pending: set) -> tuple[set, set]:
    done, not_done = wait(pending, return_when=FIRST_COMPLETED)
    return set(done), set(not_done)


def _wait_dask(pending: set) -> tuple[set, set]:
    from distributed import wait as dask_wait

    finished = dask_wait(list(pending), return_when="FIRST_COMPLETED")
    return set(finished.done), set(finished.not_done)


# ---- running a sweep: chunks on disk, resumable -------------------------------------------

@dataclass
class SweepReport:
    """What a run of a sweep did: the output, points computed now and before, time taken."""

    out: Path
    points: int
    computed: int
    resumed: int
    seconds: float
    failed: int


def parts_dir(out: Path) -> Path:
    """Where the finished chunks of a sweep writing ``out`` are kept until it completes."""
    return out.with_name(out.name + ".parts")


def run_sweep(sweep: Sweep, out: str | os.PathLike[str], engine: object | None = None,
              chunk_size: int = CHUNK_SIZE, progress: Callable[[int, int], None] | None = None
              ) -> SweepReport:
    """Compute every point of ``sweep`` with ``engine`` (default: every local core) and
    write the table to ``out`` (.parquet or .csv), resuming from what an earlier run of the
    same sweep saved."""
    from ..core.output import check_output_path

    sweep.validate()
    out = check_output_path(out)
    key = sweep.key()
    parts = parts_dir(out)
    _claim(parts, key, sweep)
    total = sweep.size
    starts = range(0, total, chunk_size)
    done_before = {s for s in starts if (parts / _chunk_name(s)).exists()}
    resumed = sum(min(chunk_size, total - s) for s in done_before)
    todo = [s for s in starts if s not in done_before]
    began = time.monotonic()
    finished = resumed
    if progress:
        progress(finished, total)
    engine = engine or ProcessEngine()
    if todo:
        points = sweep.points()
        tasks = ((s, points[s: s + chunk_size]) for s in todo)
        try:
            for start, table in engine.map(sweep, key, tasks):
                _write_chunk(parts / _chunk_name(start), table)
                finished += len(table)
                if progress:
                    progress(finished, total)
        finally:
            engine.close()
    failed = _assemble(parts, [_chunk_name(s) for s in starts], out)
    shutil.rmtree(parts)
    return SweepReport(out, total, total - resumed, resumed, time.monotonic() - began, failed)


def _chunk_name(start: int) -> str:
    return f"chunk-{start:012d}.parquet"


def _claim(parts: Path, key: str, sweep: Sweep) -> None:
    stamp = parts / "sweep.json"
    if parts.exists():
        try:
            theirs = json.loads(stamp.read_text(encoding="utf-8"))["key"]
        except (OSError, ValueError, KeyError):
            theirs = None
        if theirs != key:
            raise PycartError(f"{parts} holds partial results of a different sweep (remove "
                              "it, or write this sweep elsewhere with --out)")
        return
    parts.mkdir(parents=True)
    stamp.write_text(json.dumps({"key": key, "sweep": _jsonable(asdict(sweep))}, indent=1),
                     encoding="utf-8")


def _write_chunk(path: Path, table: pd.DataFrame) -> None:
    tmp = path.with_name(path.name + ".part")
    table.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def _assemble(parts: Path, names: Sequence[str], out: Path) -> int:
    """Concatenate the chunks into ``out`` one at a time (memory stays flat); return the
    number of failed points."""
    import pyarrow.parquet as pq

    tmp = out.with_name(f".{out.name}.part")
    failed = 0
    writer = None
    try:
        for k, name in enumerate(names):
            table = pq.read_table(parts / name)
            failed += int(np.sum(np.asarray(table.column("status").to_pylist()) != "ok"))
            if out.suffix.lower() == ".parquet":
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table.cast(writer.schema))
            else:
                table.to_pandas().to_csv(tmp, mode="w" if k == 0 else "a", header=k == 0,
                                         index=False)
        if writer is not None:
            writer.close()
            writer = None
        os.replace(tmp, out)
    finally:
        if writer is not None:
            writer.close()
        tmp.unlink(missing_ok=True)
    return failed


def progress_bar(label: str, stream=None) -> Callable[[int, int], None]:
    """A progress line: points done, rate and time left, rewritten at most 4 times a second."""
    out = stream or sys.stderr
    state = {"start": time.monotonic(), "first": None, "shown": 0.0}

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if state["first"] is None:
            state["first"] = done
        if now - state["shown"] < 0.25 and done < total:
            return
        state["shown"] = now
        rate = (done - state["first"]) / max(now - state["start"], 1e-9)
        left = (total - done) / rate if rate > 0 else float("nan")
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "." * (width - filled)
        out.write(f"\r{label} [{bar}] {done}/{total} points, {rate:,.0f}/s, "
                  f"{left:,.0f} s left ")
        if done >= total:
            out.write("\n")
        out.flush()

    return show
