"""``pycart bench --fit``: a joint fit's time, in one process against the sweep engine's
worker processes, in the same run.

The workload is issue 21's: two patients given the same product (h, rhoA and alpha shared)
with leukaemic burdens 2e11 and 5e10 cells, CAR T (CT) and CD19+ B cells (Bpos) at 12 days
with 15% log-normal noise, made with the independent solver (:mod:`pycart.core.reference`);
the noise sd is estimated. Each run is a whole ``pycart fit``: its starts, the profiles of
the three estimates and the tables and figures written, timed in wall and CPU seconds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from ..analysis.calibrate import FitSettings, calibrate
from ..analysis.fit import FitResult
from ..scale.engines import Engine, ProcessEngine, SerialEngine

#: The product's truth (Figure 3's alpha, the fast responder's h and rhoA) and the burdens.
TRUTH = {"h": 1e9, "rhoA": 0.9, "alpha": 3e-10}
BURDENS = {"A": {"L": 2e11}, "B": {"L": 5e10}}
#: Starts of the benchmark's fit (the default of pycart fit is 20).
STARTS, QUICK_STARTS = 8, 4


def joint_fit_bench(tmp: Path, workers: int, quick: bool, say: Callable[[str], None]) -> None:
    """Time the joint fit in this process and on ``workers`` worker processes; print both,
    their ratio, and whether both found the same optimum with the truth in its intervals."""
    from ..analysis.data import check_measurements
    from ..analysis.synthetic import independent

    data = check_measurements(independent(TRUTH, BURDENS))
    settings = FitSettings(tuple(TRUTH), starts=QUICK_STARTS if quick else STARTS,
                           shared=tuple(TRUTH), profiles=not quick,
                           per_patient={p: ({}, dict(b), ()) for p, b in BURDENS.items()})
    what = "starts" + ("" if quick else " and profiles")
    say(f"\nA joint fit: 2 patients (L = 2e11, 5e10), CT and Bpos on {data['time'].nunique()} "
        f"days, h, rhoA, alpha shared; {settings.starts} {what}")
    runs: dict[str, tuple[float, float, FitResult]] = {}
    for label, make in (("one process", SerialEngine),
                        (f"{workers} workers", lambda: ProcessEngine(workers))):
        runs[label] = _timed(data, settings, tmp / f"joint-{len(runs)}", make)
        seconds, cpu, result = runs[label]
        say(f"  {label:<12} {seconds:7.1f} s, CPU {cpu:7.1f} s  "
            f"(nll {result.patients['joint_nll'].iloc[0]:.4f})")
    (serial, _, one), (parallel, _, many) = runs.values()
    say(f"  the workers {serial / parallel:.2f}x one process; "
        + _agreement(one, many, quick))


def _timed(data, settings: FitSettings, out: Path, make: Callable[[], Engine]
           ) -> tuple[float, float, FitResult]:
    """Wall and CPU seconds of the fit on a new engine, and its result. The CPU time is
    this process's and its finished children's (the workers, counted once the engine is
    closed): the figure a loaded machine does not inflate."""
    began, cpu = time.perf_counter(), _cpu()
    with make() as engine:
        result = calibrate(data, settings, out, engine, log=lambda _: None)
    return time.perf_counter() - began, _cpu() - cpu, result


def _cpu() -> float:
    """User and system CPU seconds of this process and its waited-for children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _agreement(one: FitResult, many: FitResult, quick: bool) -> str:
    """Whether both runs found the same optimum, and (profiled) the truth in the intervals."""
    nll = [r.patients["joint_nll"].iloc[0] for r in (one, many)]
    same = f"the same optimum within {abs(nll[0] - nll[1]):.1e} in nll"
    if quick:
        return same
    rows = one.estimates.set_index("parameter").loc[list(TRUTH)]
    inside = [n for n in TRUTH if rows.loc[n, "lower"] <= TRUTH[n] <= rows.loc[n, "upper"]]
    shown = ", ".join(f"{n} {TRUTH[n]:.3g} in [{rows.loc[n, 'lower']:.3g}, "
                      f"{rows.loc[n, 'upper']:.3g}]" for n in TRUTH)
    return f"{same}; the truth in {len(inside)} of 3 95% intervals ({shown})"
