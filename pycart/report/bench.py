"""``pycart bench``: speed, accuracy and memory, each against a baseline measured in the same run.

- Figure 7's cohort (4000 patients, 30 days, L30 and the first CAR T peak): the naive loop a
  tellurium user writes (one RoadRunner from ``tellurium.loada``, reset, set parameters,
  ``simulate`` on a 0.1-day grid to find the peak, in a Python loop, pycart's tolerances)
  against pycart serial and parallel on libRoadRunner and on the fast path, in simulations
  per second; the fast path's startup (compiling, or loading from numba's cache) apart.
- L30 of every path against the independent solver (scipy LSODA, rtol 1e-12).
- Figure 6 at 200 x 200 (three heatmaps, 120,000 simulations): wall time and peak memory.
- A dose schedule (four doses: three CAR T fractions and a re-challenge, 60 days) on the fast
  path against a plain libRoadRunner loop over the same points on the schedule's model
  variant: simulations per second and L30's agreement.
- Optionally (``--million``) a 1,048,576-patient Sobol cohort on the fast path, and a
  1,000,000-patient, 365-day cohort of cart_bm_ext (exhaustion and escape on) with a two-dose
  schedule, each as its own ``pycart sweep`` process writing its table: wall time, CPU time
  of all its processes, peak memory (PSS of all, RSS of the main process and of its
  workers), patients per second; each against a plain libRoadRunner loop over a sample of
  its patients, extrapolated (CPU time per patient times the patients), and against its
  targets by the wall time and by the CPU time shared over the cores (what idle cores would
  take: a loaded machine inflates the wall time far more than the CPU time).
- Optionally (``--fit``) a two-patient, three-parameter joint fit in one process and on the
  workers (:mod:`pycart.report.benchfit`).
- Optionally (``--trial``) a virtual trial of 10,000 accepted patients (100,000 plausible),
  against libRoadRunner's integration of a sample (:mod:`pycart.report.benchtrial`).
"""

from __future__ import annotations

import math
import os
import platform
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.model import SolverSettings
from ..core.names import RESPONSE_DAY
from ..core.resources import sbml_text
from ..experiments.cohort import PRESETS
from ..scale.engines import Engine, ProcessEngine, SerialEngine
from ..scale.runner import compute_chunk, run_sweep
from ..scale.sweep import CHUNK_SIZE, Sweep

TARGET_RATE = 3000.0
TARGET_RATIO = 3.0
TARGET_L30 = 1e-5
TARGET_FIG6_SECONDS = 60.0
TARGET_MILLION_MB = 1024.0
TARGET_MILLION_SECONDS = 15.0
MILLION_SAMPLES = 2**20
TARGET_SCHEDULE_RATIO = 10.0
TARGET_YEAR_SECONDS = 120.0
#: The schedules of the benchmark: three fractions of 1e7 CAR T cells and a re-challenge of
#: 1e6 leukaemic cells; for the year-long cohort, two fractions.
SCHEDULE = ((0.0, 1e7), (2.0, 1e7), (7.0, 1e7), (14.0, 1e6, "L"))
YEAR_SCHEDULE = ((0.0, 1e7), (7.0, 1e7))
YEAR_PARAMETERS = {"exhaustion": 1.0, "escape": 1.0}
YEAR_SAMPLES = 1_000_000
#: Patients of the plain libRoadRunner loop that the million-patient runs are compared with.
BASELINE_SAMPLE = 128
TARGET_FAST_RATIO = 10.0
TARGET_FAST_L30 = 1e-6


def bench_cohort() -> Sweep:
    """The workload the rate targets were set for: Figure 7's 4000 patients over 30 days, L30
    and the first CAR T peak (the preset itself takes 60 days and reports every species at
    day 30; the targets and the naive loop stay at this fixed workload)."""
    return replace(PRESETS["fig7"], t_end=RESPONSE_DAY, days=())


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
        for name, value in zip(names, point, strict=True):
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
    return sum(_memory(pid) for pid in (root, *descendants(root)))


def descendants(root: int) -> list[int]:
    """The processes started by ``root``, by their children, and so on (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat[stat.rfind(")") + 2:].split()[1]), []).append(
                int(entry.name))
    found, stack = [], list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def resident(pid: int) -> int:
    """The resident set size of process ``pid`` in bytes (0 where it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _memory(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resident(pid)


@dataclass(frozen=True)
class Measured:
    """What a command used: wall time, CPU time (user and system) of its process and all
    its descendants, peak memory (sampled every 0.2 s: PSS of the whole tree, RSS of the
    main process, the summed RSS of the others: its workers), its exit status."""

    seconds: float
    cpu: float
    pss: int
    main_rss: int
    workers_rss: int
    status: int

    def figures(self, patients: int, workers: int) -> str:
        """The measurement for ``patients`` on ``workers`` in words."""
        mb = 2**20
        return (f"{patients:,} patients in {self.seconds:.1f} s of wall time "
                f"({patients / self.seconds:,.0f}/s), {self.cpu:.1f} s of CPU in all "
                f"processes ({self.cpu / max(patients, 1) * 1e6:.1f} µs per patient; "
                f"{_per_patient_core(self.seconds, workers, patients)} by the wall time), "
                f"exit status {self.status}; peak memory {self.pss / mb:,.0f} MB (PSS, all "
                f"processes), RSS {self.main_rss / mb:,.0f} MB in the main process and "
                f"{self.workers_rss / mb:,.0f} MB in its workers together")


def _measured(command: list[str]) -> Measured:
    """Run ``command`` and measure it (its CPU time from the kernel's accounts of the
    processes it and its workers ended: other jobs' load moves it far less than the wall
    time)."""
    import resource
    import subprocess

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    began, cpu_before = time.perf_counter(), cpu()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pss = main = workers = 0
    while child.poll() is None:
        others = descendants(child.pid)
        pss = max(pss, sum(_memory(pid) for pid in (child.pid, *others)))
        main = max(main, resident(child.pid))
        workers = max(workers, sum(resident(pid) for pid in others))
        time.sleep(0.2)
    return Measured(time.perf_counter() - began, cpu() - cpu_before, pss, main, workers,
                    child.returncode)


def run_benchmark(workers: int | None = None, quick: bool = False, million: bool = False,
                  stream=None, fit: bool = False, trial: bool = False) -> int:
    """Run the benchmark and print its figures; return 0."""
    out = stream or sys.stdout
    import numba
    import roadrunner

    workers = workers or os.cpu_count() or 1

    def say(text: str = "") -> None:
        out.write(text + "\n")
        out.flush()

    say(f"pycart bench: {os.cpu_count()} cores, {workers} workers, Python "
        f"{platform.python_version()}, libroadrunner {roadrunner.__version__}, numba "
        f"{numba.__version__}" + (" (quick: smaller samples, not the targets' run)"
                                  if quick else ""))
    cohort = bench_cohort()
    with tempfile.TemporaryDirectory() as tmp:
        say("\nFigure 7's cohort: 4000 patients, 30 days, L30 and the first CAR T peak")
        n_naive = 200 if quick else 1000
        naive_rate, naive_L30 = naive_loop(cohort.points()[:n_naive],
                                           [d.name for d in cohort.dimensions])
        say(f"  naive loop (tellurium.loada, resetAll, set, simulate on a 0.1-day grid): "
            f"{naive_rate:8,.0f} simulations/s  (over {n_naive} patients)")
        say("  startup of the fast path (numba): " + _fast_startup())
        rates = {solver: _engine_rates(replace(cohort, solver=solver), Path(tmp), workers,
                                       naive_rate, say)
                 for solver in ("roadrunner", "fast")}
        _rate_targets(rates, naive_rate, say)
        _accuracy(rates, naive_L30, workers, quick, say)
        _figure6(Path(tmp), workers, quick, say)
        _schedule(quick, say)
        if million:
            _million(Path(tmp), workers, say)
            _year(Path(tmp), workers, say)
        if fit:
            from .benchfit import joint_fit_bench

            joint_fit_bench(Path(tmp), workers, quick, say)
        if trial:
            from .benchtrial import trial_bench

            trial_bench(Path(tmp), workers, quick, say, tree_rss)
    return 0


def _rate_targets(rates: dict, naive_rate: float, say) -> None:
    """The rate targets: roadrunner's end to end against the naive loop; the fast path's
    engine against roadrunner's (a run's saving costs the same on either solver)."""
    rr, fast = rates["roadrunner"], rates["fast"]
    ok = rr["parallel"] >= TARGET_RATE and rr["parallel"] >= TARGET_RATIO * naive_rate
    say(f"  targets: roadrunner parallel >= {TARGET_RATE:,.0f}/s and >= {TARGET_RATIO:.0f}x "
        f"naive, end to end: {_mark(ok)}")
    for mode in ("serial", "parallel"):
        engine = fast[f"{mode} engine"] / rr[f"{mode} engine"]
        whole = fast[mode] / rr[mode]
        say(f"  fast path >= {TARGET_FAST_RATIO:.0f}x roadrunner, {mode}: the engines "
            f"{engine:.1f}x: {_mark(engine >= TARGET_FAST_RATIO)} (end to end {whole:.1f}x)")


def _fast_startup() -> str:
    """Compiling the fast path's kernel in a fresh process, and loading it from the cache
    in a later one (a first cached run stores it, when this numba or model is new)."""
    import subprocess

    code = ("from pycart.scale.kernel import load_kernel; k = load_kernel('cart_bm', {}); "
            "print(k.seconds, k.cached)")
    results = []
    for cache in ("cache=False", "cache=None", "cache=None"):
        done = subprocess.run([sys.executable, "-c", code.format(cache)], capture_output=True,
                              text=True, check=True)
        seconds, flag = done.stdout.split()
        results.append((float(seconds), flag == "True"))
    (compile_s, _), _, (load_s, cached) = results
    where = ("from numba's cache" if cached else
             "compiled again: the package folder is not writable, no cache")
    return (f"compiling the kernel {compile_s:.1f} s; in a later process {load_s:.2f} s "
            f"({where}); not counted in the rates below (workers are started first)")


def _engine_rates(cohort: Sweep, tmp: Path, workers: int, naive_rate: float, say) -> dict:
    """Serial and parallel rates of one solver on ``cohort``, end to end (``run_sweep``:
    saving, checking and assembling the chunks included) and of the engine alone (the same
    chunks through ``engine.run``); the parallel table."""
    label = "pycart {}, " + f"{cohort.solver}:"
    one = partial(compute_chunk, cohort, cohort.key())  # the first point, to warm up
    serial_engine = SerialEngine()
    list(serial_engine.run(one, [(0, cohort.points()[:1])]))
    serial = run_sweep(cohort, tmp / f"serial-{cohort.solver}.parquet", serial_engine)
    rates = {"serial": cohort.size / serial.seconds,
             "serial engine": _engine_alone(cohort, serial_engine)}
    say(f"  {label.format('serial'):32s}{rates['serial']:8,.0f} simulations/s end to end "
        f"({rates['serial'] / naive_rate:.1f}x naive); the engine alone "
        f"{rates['serial engine']:,.0f}/s")
    with ProcessEngine(workers) as engine:
        began = time.perf_counter()
        warm = list(engine.run(one, [(0, cohort.points()[:1])] * (2 * workers)))
        startup = time.perf_counter() - began
        parallel = run_sweep(cohort, tmp / f"parallel-{cohort.solver}.parquet", engine)
        rates["parallel"] = cohort.size / parallel.seconds
        rates["parallel engine"] = _engine_alone(cohort, engine)
    rates["table"] = pd.read_parquet(parallel.out)
    same = pd.read_parquet(serial.out).equals(rates["table"])
    say(f"  {label.format('parallel'):32s}{rates['parallel']:8,.0f} simulations/s end to end "
        f"({rates['parallel'] / naive_rate:.1f}x naive); the engine alone "
        f"{rates['parallel engine']:,.0f}/s ({workers} workers, started first in "
        f"{startup:.1f} s with {len(warm)} warm-up chunks); serial and parallel tables "
        f"identical: {same}")
    return rates


def _engine_alone(cohort: Sweep, engine: Engine) -> float:
    """Simulations per second of ``engine`` computing ``cohort`` in ``run_sweep``'s chunks,
    the results collected but not saved (the best of three runs)."""
    points = cohort.points()
    tasks = [(a, points[a:a + CHUNK_SIZE]) for a in range(0, len(points), CHUNK_SIZE)]
    best = math.inf
    for _ in range(3):
        began = time.perf_counter()
        chunks = engine.run(partial(compute_chunk, cohort.for_workers(), cohort.key()), tasks)
        rows = sum(len(table) for _, table in chunks)
        best = min(best, time.perf_counter() - began)
    assert rows == len(points)
    return len(points) / best


def _accuracy(rates: dict, naive_L30: np.ndarray, workers: int, quick: bool, say) -> None:
    """L30 of every path against the independent solver."""
    points = PRESETS["fig7"].points()
    n_ref = 200 if quick else len(points)
    with ProcessPoolExecutor(workers) as pool:
        ref = np.array(list(pool.map(_reference_L30, map(tuple, points[:n_ref]), chunksize=20)))
    mask = ref > 1e-6
    say(f"  L30 against the independent solver (scipy LSODA, rtol 1e-12), {n_ref} patients, "
        "relative error where L30 > 1e-6 cells:")
    for solver, result in rates.items():
        table = result["table"]
        ours = table[col.L30].to_numpy()[:n_ref]
        err = float(np.max(np.abs(ours[mask] - ref[mask]) / ref[mask]))
        calls = int(np.sum((ours < 1) != (ref < 1)))
        marked = int((table[col.MESSAGE] != "").sum())
        target = TARGET_L30 if solver == "roadrunner" else TARGET_FAST_L30
        handed = f", {marked} points handed to roadrunner" if solver == "fast" else ""
        say(f"    {solver:10s} max {err:.1e}, {calls} responder calls differ{handed}; target "
            f"<= {target:.0e} and identical calls: {_mark(err <= target and calls == 0)}")
    k = len(naive_L30)
    naive_err = np.abs(naive_L30 - ref[:k])[mask[:k]] / ref[:k][mask[:k]]
    say(f"    naive loop max {naive_err.max():.1e}")


def _figure6(tmp: Path, workers: int, quick: bool, say) -> None:
    """Figure 6's three heatmaps with the default solver: wall time and peak memory."""
    say("\nFigure 6 at 200 x 200: three heatmaps of L30, 120,000 simulations (--solver auto)")
    fig6 = [PRESETS[f"fig6-{pair}"] for pair in ("alpha-h", "alpha-rhoA", "h-rhoA")]
    if quick:
        fig6 = [Sweep(tuple(type(d)(d.name, d.lo, d.hi, 50, d.scale) for d in s.dimensions),
                      parameters=s.parameters, peak=False) for s in fig6]
    with TreeMemory() as memory:
        began = time.perf_counter()
        for k, sweep in enumerate(fig6):
            with ProcessEngine(workers) as engine:
                run_sweep(sweep, tmp / f"fig6-{k}.parquet", engine)
        seconds = time.perf_counter() - began
    n = sum(s.size for s in fig6)
    say(f"  {n:,} simulations in {seconds:.1f} s ({n / seconds:,.0f}/s), workers started "
        f"for each heatmap; peak memory {memory.megabytes:,.0f} MB (all processes)")
    if not quick:
        say(f"  target < {TARGET_FIG6_SECONDS:.0f} s: {_mark(seconds < TARGET_FIG6_SECONDS)}")


def million_command(out: Path, samples: int, workers: int, model: str = "cart_bm",
                    parameters: dict | None = None, doses: tuple = (),
                    t_end: float = RESPONSE_DAY) -> list[str]:
    """The ``pycart sweep`` command of a million-patient run: ``samples`` Sobol patients
    (seed 1) over Figure 7's ranges on the fast path, ``model`` with ``parameters`` fixed
    and the schedule ``doses``, to ``t_end`` days, L30 and the first CAR T peak, the table
    written to ``out`` (what a user runs for a cohort)."""
    command = [sys.executable, "-m", "pycart", "sweep", "--sample", "sobol",
               "--samples", str(samples), "--seed", "1", "--workers", str(workers),
               "--solver", "fast", "--model", model, "--t-end", f"{t_end:g}",
               "--out", str(out)]
    for d in PRESETS["fig7"].dimensions:
        command += ["--range", f"{d.name}={d.lo!r}:{d.hi!r}:{d.scale}"]
    for name, value in (parameters or {}).items():
        command += ["--set", f"{name}={value!r}"]
    for day, cells, *species in doses:
        command += ["--dose", ":".join([f"{day:g}", f"{cells:g}", *species])]
    return command


def _million(tmp: Path, workers: int, say) -> None:
    """A 1,048,576-patient Sobol cohort on the fast path, as its own process, against a
    plain libRoadRunner loop on a sample of it, extrapolated."""
    say(f"\nA {MILLION_SAMPLES:,}-patient Sobol cohort over Figure 7's ranges (30 days, L30 and "
        "the peak), run as its own 'pycart sweep --solver fast' process, startup included")
    run, rows = _sweep_run(million_command(tmp / "million.parquet", MILLION_SAMPLES, workers))
    say("  " + run.figures(rows, workers))
    per_patient = _baseline("cart_bm", {}, (), RESPONSE_DAY)
    say(_extrapolated(per_patient, MILLION_SAMPLES, run, workers))
    say(_against_targets(run, rows == MILLION_SAMPLES, TARGET_MILLION_SECONDS, workers))


def _sweep_run(command: list[str]) -> tuple[Measured, int]:
    """``command`` (a ``pycart sweep``) measured, and the rows of the table it wrote (0 if
    it failed); the table is removed."""
    out = Path(command[command.index("--out") + 1])
    run = _measured(command)
    rows = len(pd.read_parquet(out, columns=[col.POINT])) if run.status == 0 else 0
    out.unlink(missing_ok=True)
    return run, rows


def _against_targets(run: Measured, complete: bool, target: float, workers: int) -> str:
    """A run's figures against its targets: ``target`` seconds on two cores, by the wall
    time and by the CPU time shared over the cores (the wall time on idle cores if the work
    divides evenly, which is what a loaded machine cannot show), and the memory target."""
    cores = _cores(workers)
    idle = run.cpu / cores
    load = os.getloadavg()[0]
    memory = run.pss / 2**20 < TARGET_MILLION_MB
    return (f"  targets < {target:.0f} s on two cores and < {TARGET_MILLION_MB:,.0f} MB: wall "
            f"{run.seconds:.1f} s (load average {load:.1f} now): "
            f"{_mark(complete and run.seconds < target)}; CPU over {cores} cores "
            f"{idle:.1f} s: {_mark(complete and idle < target)}; memory: "
            f"{_mark(complete and memory)}")


def _extrapolated(per_patient: float, patients: int, run: Measured, workers: int) -> str:
    """The baseline line: a plain libRoadRunner loop's CPU time per patient, extrapolated
    to ``patients`` and compared with ``run``'s CPU time."""
    cores = _cores(workers)
    total = per_patient * patients
    return (f"  baseline, a plain libRoadRunner loop (the same model, doses and tolerances, "
            f"Adams, one process) on {BASELINE_SAMPLE} of these patients: "
            f"{per_patient * 1e6:,.0f} µs of CPU per patient; extrapolated (not run) to "
            f"{patients:,} patients: {total:,.0f} s of CPU, {total / cores:,.0f} s on {cores} "
            f"idle cores; the fast path used {total / max(run.cpu, 1e-9):.1f}x less CPU")


def _baseline(model: str, parameters: dict, doses: tuple, t_end: float) -> float:
    """CPU seconds per patient of :func:`roadrunner_loop` over the first
    :data:`BASELINE_SAMPLE` points of the benchmark's Sobol sample."""
    names = [d.name for d in PRESETS["fig7"].dimensions]
    points = sobol_points(BASELINE_SAMPLE)
    began = time.process_time()
    roadrunner_loop(points, names, model, parameters, doses, t_end)
    return (time.process_time() - began) / len(points)


def _cores(workers: int) -> int:
    """The cores ``workers`` processes can use (workers beyond the cores do not count)."""
    return min(workers, os.cpu_count() or 1)


def _per_patient_core(seconds: float, workers: int, patients: int) -> str:
    """Wall time times the cores used, per patient: less sensitive than the wall time to
    how many cores a shared machine gives the run (workers beyond the cores do not count)."""
    cores = _cores(workers)
    return f"{seconds * cores / max(patients, 1) * 1e6:,.0f} µs per patient-core"


def _schedule(quick: bool, say) -> None:
    """A four-dose schedule on the fast path against a plain libRoadRunner loop over the
    same points (the schedule's variant loaded once, reset, set, simulated at pycart's
    tolerances with Adams, as sweeps), both computing L at days 30 and 60: both rates
    measured here, their ratio, and L30's agreement."""
    from ..scale.fast import simulate_points
    from ..scale.kernel import load_kernel

    cohort = PRESETS["fig7"]
    names = [d.name for d in cohort.dimensions]
    n, n_rr = (400, 100) if quick else (4000, 400)
    points = cohort.points()[:n]
    say(f"\nA dose schedule {list(SCHEDULE)} (60 days) over Figure 7's first {n} patients")
    load_kernel("cart_bm")  # compiled or loaded before the clock starts
    began = time.perf_counter()
    table = simulate_points(points, names, doses=SCHEDULE, t_end=60, solver="fast",
                            peak=False)  # L30 and L60, as the loop
    fast_rate = n / (time.perf_counter() - began)
    rr_rate, rr_L30 = roadrunner_loop(points[:n_rr], names)
    ours = table[col.L30].to_numpy()[:n_rr]
    big = rr_L30 > 1e-6
    err = float(np.max(np.abs(ours[big] - rr_L30[big]) / rr_L30[big]))
    handed = int((table[col.MESSAGE] != "").sum())
    say(f"  plain libRoadRunner loop on the variant: {rr_rate:8,.0f} simulations/s "
        f"(over {n_rr} patients)")
    say(f"  fast path (simulate_points, one process): {fast_rate:8,.0f} simulations/s "
        f"({1e6 / fast_rate:.0f} µs per patient), {handed} points handed to roadrunner; L30 "
        f"agrees within {err:.1e} relative")
    ratio = fast_rate / rr_rate
    say(f"  target fast path >= {TARGET_SCHEDULE_RATIO:.0f}x the loop: {ratio:.1f}x: "
        f"{_mark(ratio >= TARGET_SCHEDULE_RATIO)}")


def roadrunner_loop(points: np.ndarray, names: list[str], model: str = "cart_bm",
                    parameters: dict | None = None, doses: tuple = SCHEDULE,
                    t_end: float = 60.0) -> tuple[float, np.ndarray]:
    """(simulations per second, L30) of a plain libRoadRunner loop over ``points``: the
    model variant of ``doses`` loaded once, then for each point reset, set (``parameters``,
    the schedule's values, the point's), simulated to days 30 and ``t_end`` at pycart's
    tolerances with Adams, as sweeps."""
    from ..core.model import variant_roadrunner
    from ..core.resources import default_values
    from ..core.schedule import initial_amounts, slot_values, slots

    rr = variant_roadrunner(model, slots(doses))
    SolverSettings(stiff=False).apply(rr)
    fixed = (dict(parameters or {}) | slot_values(doses)
             | initial_amounts(doses, default_values(model)[1]))
    times = sorted({0.0, float(RESPONSE_DAY), float(t_end)})
    L30 = np.empty(len(points))
    began = time.perf_counter()
    for i, point in enumerate(points):
        rr.resetAll()
        for name, value in (fixed | dict(zip(names, map(float, point), strict=True))).items():
            rr.setValue(name, value)
        L30[i] = rr.simulate(times=times, selections=["L"])[1, 0]
    return len(points) / (time.perf_counter() - began), L30


def sobol_points(samples: int) -> np.ndarray:
    """The benchmark's Sobol patients over Figure 7's ranges (seed 1): the first of
    :func:`million_command`'s."""
    return replace(PRESETS["fig7"], sampling="sobol", samples=samples, seed=1).points()


def _year(tmp: Path, workers: int, say) -> None:
    """The year-long cohort as its own process (``pycart sweep``, its table written like
    the Sobol run's), against a plain libRoadRunner loop on a sample of it, extrapolated."""
    samples = YEAR_SAMPLES
    say(f"\nA {samples:,}-patient, 365-day cohort of cart_bm_ext (exhaustion and escape on) "
        f"with the schedule {list(YEAR_SCHEDULE)}, run as its own 'pycart sweep --solver "
        "fast' process, startup included")
    run, rows = _sweep_run(year_command(tmp / "year.parquet", samples, workers))
    say("  " + run.figures(rows, workers))
    per_patient = _baseline("cart_bm_ext", YEAR_PARAMETERS, YEAR_SCHEDULE, 365.0)
    say(_extrapolated(per_patient, samples, run, workers))
    say(_against_targets(run, rows == samples, TARGET_YEAR_SECONDS, workers))


def year_command(out: Path, samples: int, workers: int) -> list[str]:
    """The year-long run's command: cart_bm_ext, exhaustion and escape on,
    :data:`YEAR_SCHEDULE`, 365 days."""
    return million_command(out, samples, workers, "cart_bm_ext", YEAR_PARAMETERS,
                           YEAR_SCHEDULE, 365.0)
