"""Running a sweep: its points cut into chunks, computed on an engine, each finished chunk
written to ``<out>.parts/`` at once; the final table is assembled chunk by chunk, so memory
stays flat. Run again after an interruption, the same sweep computes only the points no
saved chunk holds (see :mod:`pycart.scale.store`: the output is locked, chunks are keyed by
their points and verified, the final table is written atomically).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import PycartError
from ..core.files import remove_leftovers
from . import store
from .engines import Engine, ProcessEngine
from .fast import FastSimulator, simulator_for
from .store import parts_dir
from .sweep import CHUNK_SIZE, MAX_CHUNK_SIZE, PointSimulator, Sweep, _jsonable

#: The simulators of this process, one per sweep (a worker process builds its own once).
_SIMULATORS: dict[str, FastSimulator | PointSimulator] = {}


def compute_chunk(sweep: Sweep, key: str, start: int,
                  points: np.ndarray) -> tuple[int, pd.DataFrame]:
    """Compute one chunk (worker side): the chunk's first point and its result rows."""
    return start, prepare_worker(sweep, key).evaluate(start, points)


def prepare_worker(sweep: Sweep, key: str) -> FastSimulator | PointSimulator:
    """This process's simulator of ``sweep`` (``key``), built once: on the fast path,
    loading (or compiling) its kernel. A worker runs it as it starts (:meth:`Engine.start`)."""
    simulator = _SIMULATORS.get(key)
    if simulator is None:
        _SIMULATORS.clear()
        simulator = _SIMULATORS[key] = simulator_for(sweep)
    return simulator


# ---- running a sweep: chunks on disk, resumable -------------------------------------------

@dataclass
class SweepReport:
    """What a run of a sweep did: the output, points computed now and before, time taken,
    failed points, and damaged or foreign chunks found and computed again."""

    out: Path
    points: int
    computed: int
    resumed: int
    seconds: float
    failed: int
    discarded: int = 0


def run_sweep(sweep: Sweep, out: str | os.PathLike[str], engine: Engine | None = None,
              chunk_size: int = CHUNK_SIZE, progress: Callable[[int, int], None] | None = None
              ) -> SweepReport:
    """Compute every point of ``sweep`` with ``engine`` and write the table to ``out``
    (.parquet or .csv), resuming from the valid chunks an earlier run of the same sweep saved
    (whatever its chunk size). A second run on the same ``out`` while this one works is
    refused (:class:`PycartError`). A given engine is its owner's to close (``with
    make_engine(...) as engine:``); without one, the sweep runs on every local core, the
    workers closed on every path."""
    from ..core.output import check_output_path

    sweep.validate()
    out = check_output_path(out)
    if isinstance(chunk_size, bool) or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise PycartError(f"chunk size {chunk_size!r} (allowed: 1 to {MAX_CHUNK_SIZE:,} points)")
    key = sweep.key()
    with store.locked(out):
        if engine is not None:
            return _run_locked(sweep, key, out, engine, chunk_size, progress)
        with ProcessEngine() as own:
            return _run_locked(sweep, key, out, own, chunk_size, progress)


def _run_locked(sweep: Sweep, key: str, out: Path, engine: Engine, chunk_size: int,
                progress: Callable[[int, int], None] | None) -> SweepReport:
    parts = parts_dir(out)
    store.claim(parts, key, _jsonable(asdict(sweep)))
    total = sweep.size
    # the workers load the kernel while this process samples the points and reads what an
    # earlier run saved
    engine.start(prepare_worker, (sweep.for_workers(), key))
    take = _point_source(sweep)
    spans, discarded = store.saved_spans(parts, key, sweep.columns(), take)
    todo = tapered(store.gaps(spans, total, chunk_size), engine.workers)
    resumed = finished = sum(stop - first for first, stop in spans)
    began = time.monotonic()
    if progress:
        progress(finished, total)
    stops = dict(todo)
    # a killed run's temporary final table (a run writes it while it computes; only the
    # run holding out's lock, this one, writes there)
    remove_leftovers(out.parent, out.name)
    # the final table is written as the chunks come (a resumed chunk read back when its
    # turn comes), so the last chunk is followed by closing it, not by a pass over them all
    with store.assembling(parts, out, total) as final:
        for span in spans:
            final.add(span)
        for start, table in engine.run(partial(compute_chunk, sweep.for_workers(), key),
                                       ((a, take(a, b)) for a, b in todo)) if todo else ():
            span = (start, stops[start])
            final.add(span, store.write_chunk(parts, key, span, table))
            finished += len(table)
            if progress:
                progress(finished, total)
    shutil.rmtree(parts)
    return SweepReport(out, total, total - resumed, resumed, time.monotonic() - began,
                       final.failed, discarded)


def tapered(todo: Sequence[store.Span], workers: int) -> list[store.Span]:
    """``todo`` with its last chunks cut smaller, so that the workers finish together: with
    ``workers`` > 1 the last ``workers`` chunks in quarters and the ``workers`` before them
    in halves. A worker that runs out of work then waits for at most a quarter chunk of
    another's, not a whole one (4.5 s of CPU for a year-long chunk of 20,000 points); it
    costs ``4 * workers`` more chunks. Chunks are named by their points, so a resume with
    any cut works."""
    if workers < 2:
        return list(todo)
    out: list[store.Span] = []
    for k, (first, stop) in enumerate(todo):
        left = len(todo) - k  # 1 for the last chunk
        parts = 4 if left <= workers else 2 if left <= 2 * workers else 1
        edges = sorted({first + (stop - first) * i // parts for i in range(parts + 1)})
        out += list(pairwise(edges))
    return out


def _point_source(sweep: Sweep) -> Callable[[int, int], np.ndarray]:
    """Points by span: a grid's computed span by span, other designs' generated once."""
    if sweep.sampling == "grid":
        return sweep.chunk_points
    points = sweep.points()
    return lambda first, stop: points[first:stop]


def progress_bar(label: str, stream=None, waiting: str = "") -> Callable[[int, int], None]:
    """A progress line: points done, rate and time left, rewritten at most 4 times a second;
    ``waiting`` (the fast path's :func:`~pycart.scale.kernel.compile_note`) in place of the
    rate and time left until the first points are done."""
    out = stream or sys.stderr
    start = time.monotonic()
    first: int | None = None  # points done at the first call (a resumed sweep's are not rated)
    shown = 0.0

    def show(done: int, total: int) -> None:
        nonlocal first, shown
        now = time.monotonic()
        if first is None:
            first = done
        if now - shown < 0.25 and done < total:
            return
        shown = now
        rate = (done - first) / max(now - start, 1e-9)
        left = (total - done) / rate if rate > 0 else float("nan")
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "." * (width - filled)
        pace = (f"{rate:,.0f}/s, {left:,.0f} s left " if rate > 0 or not waiting
                else f"{waiting} ")
        out.write(f"\r{label} [{bar}] {done}/{total} points, {pace}")
        if done >= total:
            out.write("\n")
        out.flush()

    return show
