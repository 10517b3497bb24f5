"""``pycart bench``: speed, accuracy and memory, each against a baseline measured in the same run.

- Figure 7's cohort (4000 patients, 30 days, L30 and the first CAR T peak): the naive loop a
  tellurium user writes (one RoadRunner from ``tellurium.loada``, reset, set parameters,
  ``simulate`` on a 0.1-day grid to find the peak, in a Python loop, pycart's tolerances)
  against pycart serial and pycart parallel, in simulations per second.
- L30 of every pycart point against the independent solver (scipy LSODA, rtol 1e-12).
- Figure 6 at 200 x 200 (three heatmaps, 120,000 simulations): wall time and peak memory.
- Optionally a 1,000,000-patient Sobol cohort: wall time and peak memory.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.model import SolverSettings
from ..core.resources import sbml_text
from .cohort import PRESETS
from .sweep import ProcessEngine, SerialEngine, Sweep, run_sweep

TARGET_RATE = 3000.0
TARGET_RATIO = 3.0
TARGET_L30 = 1e-5
TARGET_FIG6_SECONDS = 60.0
TARGET_MILLION_MB = 1024.0


def _mark(ok: bool) -> str:
    return "meets the target" if ok else "MISSES the target"


def naive_loop(points: np.ndarray, names: list[str]) -> tuple[float, np.ndarray]:
    """The naive approach; returns (simulations per second, L30 per point)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import tellurium as te

    r = te.loada(te.sbmlToAntimony(sbml_text()))
    SolverSettings().apply(r)  # the same tolerances as pycart's simulator
    L30 = np.empty(len(points))
    start = time.perf_counter()
    for i, point in enumerate(points):
        r.resetAll()
        for name, value in zip(names, point):
            r[name] = float(value)
        result = r.simulate(0, 30, 301, ["time", "L", "CA", "CM"])
        L30[i] = result[-1, 1]
        np.argmax(result[:, 2] + result[:, 3])  # the peak, as a naive user finds it
    return len(points) / (time.perf_counter() - start), L30


def _reference_L30(point: tuple[float, float, float]) -> float:
    from ..core.reference import solve

    rhoA, alpha, h = point
    return float(solve({"rhoA": rhoA, "alpha": alpha, "h": h}, times=np.array([0.0, 30.0]))[1, 4])


class TreeMemory:
    """Peak memory (PSS) of this process and all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.1) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(os.getpid()))
            self._stop.wait(interval)

    @property
    def megabytes(self) -> float:
        return self.peak / 2**20


def tree_rss(root: int) -> int:
    """Memory of process ``root`` and its descendants, in bytes (Linux /proc): the sum of
    their proportional set sizes (PSS: shared library pages split between the processes
    that share them, so they are not counted once per worker), or of their resident sizes
    where PSS is not available."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat[stat.rfind(")") + 2:].split()[1]), []).append(
                int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _memory(pid)
        stack.extend(children.get(pid, []))
    return total


def _memory(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _measured(command: list[str]) -> tuple[float, int, int]:
    """Run ``command``; return its wall time, the peak memory of its process tree, status."""
    import subprocess

    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while child.poll() is None:
        peak = max(peak, tree_rss(child.pid))
        time.sleep(0.2)
    return time.perf_counter() - began, peak, child.returncode


def run_benchmark(workers: int | None = None, quick: bool = False, million: bool = False,
                  stream=None) -> int:
    """Run the benchmark and print its figures; return 0."""
    out = stream or sys.stdout
    import roadrunner

    workers = workers or os.cpu_count() or 1

    def say(text: str = "") -> None:
        out.write(text + "\n")
        out.flush()

    say(f"pycart bench: {os.cpu_count()} cores, {workers} workers, Python "
        f"{platform.python_version()}, libroadrunner {roadrunner.__version__}"
        + (" (quick: smaller samples, not the targets' run)" if quick else ""))
    cohort = PRESETS["fig7"]
    names = [d.name for d in cohort.dimensions]
    points = cohort.points()
    with tempfile.TemporaryDirectory() as tmp:
        say("\nFigure 7's cohort: 4000 patients, 30 days, L30 and the first CAR T peak")
        n_naive = 200 if quick else 1000
        naive_rate, naive_L30 = naive_loop(points[:n_naive], names)
        say(f"  naive loop (tellurium.loada, resetAll, set, simulate on a 0.1-day grid): "
            f"{naive_rate:8,.0f} simulations/s  (over {n_naive} patients)")
        serial = run_sweep(cohort, Path(tmp) / "serial.parquet", SerialEngine())
        serial_rate = cohort.size / serial.seconds
        say(f"  pycart serial:                      {serial_rate:8,.0f} simulations/s  "
            f"({serial_rate / naive_rate:.1f}x naive)")
        engine = ProcessEngine(workers)
        began = time.perf_counter()
        warm = list(engine.map(cohort, cohort.key(), [(0, points[:1])] * (2 * workers)))
        startup = time.perf_counter() - began
        parallel = run_sweep(cohort, Path(tmp) / "parallel.parquet", engine)
        rate = cohort.size / parallel.seconds
        ratio = rate / naive_rate
        say(f"  pycart parallel ({workers} workers, started): {rate:8,.0f} simulations/s  "
            f"({ratio:.1f}x naive); starting the workers took {startup:.1f} s "
            f"({len(warm)} warm-up chunks)")
        say(f"  targets >= {TARGET_RATE:,.0f}/s and >= {TARGET_RATIO:.0f}x naive: "
            f"{_mark(rate >= TARGET_RATE and ratio >= TARGET_RATIO)}")
        table = pd.read_parquet(Path(tmp) / "parallel.parquet")
        same = pd.read_parquet(Path(tmp) / "serial.parquet").equals(table)
        say(f"  serial and parallel tables identical: {same}")

        n_ref = 200 if quick else len(points)
        with ProcessPoolExecutor(workers) as pool:
            ref = np.array(list(pool.map(_reference_L30, map(tuple, points[:n_ref]),
                                         chunksize=20)))
        ours = table["L30"].to_numpy()[:n_ref]
        mask = ref > 1e-6
        err = float(np.max(np.abs(ours[mask] - ref[mask]) / ref[mask]))
        calls = int(np.sum((ours < 1) != (ref < 1)))
        naive_err = np.abs(naive_L30 - ref[:n_naive])[mask[:n_naive]] / ref[:n_naive][mask[:n_naive]]
        say(f"  L30 against the independent solver (scipy LSODA, rtol 1e-12), {n_ref} patients: "
            f"max relative error {err:.1e} where L30 > 1e-6 cells, {calls} responder calls differ "
            f"(naive loop: {naive_err.max():.1e})")
        say(f"  target <= {TARGET_L30:.0e} and identical calls: "
            f"{_mark(err <= TARGET_L30 and calls == 0)}")

        say("\nFigure 6 at 200 x 200: three heatmaps of L30, 120,000 simulations")
        fig6 = [PRESETS[f"fig6-{pair}"] for pair in ("alpha-h", "alpha-rhoA", "h-rhoA")]
        if quick:
            fig6 = [Sweep(tuple(type(d)(d.name, d.lo, d.hi, 50, d.scale) for d in s.dimensions),
                          parameters=s.parameters, peak=False) for s in fig6]
        with TreeMemory() as memory:
            began = time.perf_counter()
            for k, sweep in enumerate(fig6):
                run_sweep(sweep, Path(tmp) / f"fig6-{k}.parquet", ProcessEngine(workers))
            seconds = time.perf_counter() - began
        n = sum(s.size for s in fig6)
        say(f"  {n:,} simulations in {seconds:.1f} s ({n / seconds:,.0f}/s), workers started "
            f"for each heatmap; peak memory {memory.megabytes:,.0f} MB (all processes)")
        if not quick:
            say(f"  target < {TARGET_FIG6_SECONDS:.0f} s: {_mark(seconds < TARGET_FIG6_SECONDS)}")

        if million:
            say("\nA 1,000,000-patient Sobol cohort over Figure 7's ranges (L30 and the peak), "
                "run as its own 'pycart sweep' process")
            command = [sys.executable, "-m", "pycart", "sweep", "--sample", "sobol",
                       "--samples", "1000000", "--seed", "1", "--workers", str(workers),
                       "--out", str(Path(tmp) / "million.parquet")]
            for d in cohort.dimensions:
                command += ["--range", f"{d.name}={d.lo!r}:{d.hi!r}:{d.scale}"]
            seconds, peak, status = _measured(command)
            rows = (len(pd.read_parquet(Path(tmp) / "million.parquet", columns=["point"]))
                    if status == 0 else 0)
            say(f"  {rows:,} patients in {seconds:.0f} s ({rows / seconds:,.0f}/s), exit status "
                f"{status}; peak memory {peak / 2**20:,.0f} MB (the sweep and its workers)")
            say(f"  target < {TARGET_MILLION_MB:,.0f} MB: "
                f"{_mark(status == 0 and peak / 2**20 < TARGET_MILLION_MB)}")
    return 0
