"""``pycart bench --trial``: issue 22's performance target, a virtual trial whose accepted
population is 10,000 patients, timed as its own ``pycart trial`` process, against a
libRoadRunner baseline measured in the same run.

The maximum-entropy weights keep an effective size of at least a tenth of the plausible
patients (:data:`pycart.analysis.vpop.MIN_ESS_SHARE`), so 10,000 accepted patients need
100,000 plausible ones; each is simulated for 400 days under the four model variants and
the second-infusion arm of each (8 simulations, and a second run where a CD19-negative clone
is seeded), then calibrated with 20 bootstrap re-calibrations, on the shipped targets. The
baseline is the same patients' integration alone on libRoadRunner (the trial's sample days
and species, the ``both`` variant), timed on a small sample and extrapolated to the trial's
simulations: a lower bound of a libRoadRunner trial, said so.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

#: Plausible patients of the measured run: 10,000 accepted at the effective-size floor.
PATIENTS, QUICK_PATIENTS = 100_000, 64
#: The target (issue 22): an accepted population of 10,000 in under 15 minutes on two cores.
TARGET_SECONDS, ACCEPTED = 15 * 60.0, 10_000
#: Patients of the libRoadRunner baseline (timed, then extrapolated).
BASELINE, QUICK_BASELINE = 24, 4
#: Year-long simulations per plausible patient: 4 variants x (one infusion, a second one).
ARMS = 8


def trial_bench(tmp: Path, workers: int, quick: bool, say: Callable[[str], None],
                tree_rss: Callable[[int], int]) -> None:
    """Run the trial as its own process and print its wall and CPU time, peak memory (of the
    process tree, as ``tree_rss`` measures a process and its descendants: the benchmark's),
    patients per second, the effective size reached, the stages, the baseline and the
    target."""
    from ..analysis.vpop import MIN_ESS_SHARE, effective_size

    patients = QUICK_PATIENTS if quick else PATIENTS
    out = tmp / "trial"
    say(f"\nA virtual trial (issue 22): {patients:,} plausible patients (an accepted population "
        f"of {MIN_ESS_SHARE * patients:,.0f} at the effective-size floor), 400 days, 4 "
        f"variants x 2 arms, 20 bootstrap re-calibrations, the shipped targets; 'pycart "
        f"trial' as its own process on {workers} workers")
    command = [sys.executable, "-m", "pycart", "trial", "--patients", str(patients), "--seed",
               "0", "--bootstrap", "20", "--workers", str(workers), "--out", str(out)]
    wall, cpu, peak, status = measured_tree(command, tmp / "trial.log", tree_rss)
    for line in (tmp / "trial.log").read_text().splitlines():
        if line.startswith(("simulated ", "calibrated ")):
            say(f"    {line}")
    if status != 0:
        say(f"  the trial failed (exit status {status}): see its log above")
        return
    population = pd.read_parquet(out / "population.parquet", columns=["weight"])
    ess = effective_size(population["weight"].to_numpy())
    simulations = patients * ARMS
    say(f"  {patients:,} patients in {wall:,.0f} s wall, {cpu:,.0f} s CPU (all processes), "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; peak memory "
        f"{peak / 2**20:,.0f} MB; {patients / wall:,.0f} plausible patients/s, "
        f"{simulations / wall:,.0f} simulations/s ({simulations:,} year-long simulations, and "
        "a second one for each patient whose CD19-negative clone is seeded)")
    say(f"  effective size reached {ess:,.0f} ({ess / patients:.1%} of the plausible patients)")
    sample = QUICK_BASELINE if quick else BASELINE
    rr = roadrunner_seconds(sample)
    extrapolated = rr * simulations
    say(f"  baseline: libRoadRunner integrates one patient of the trial (400 days, its sample "
        f"days and species) in {rr * 1e3:,.0f} ms of CPU (over {sample} patients); the "
        f"trial's {simulations:,} simulations would take {extrapolated:,.0f} s of CPU, "
        f"{extrapolated / workers:,.0f} s on {workers} workers, integration alone "
        "(extrapolated, not run)")
    ok = wall < TARGET_SECONDS and round(ess) >= ACCEPTED
    verdict = ("no verdict (quick: not the target's size)" if quick else
               "meets the target" if ok else "MISSES the target")
    say(f"  target < {TARGET_SECONDS / 60:.0f} min with an accepted population of {ACCEPTED:,}: "
        f"{wall / 60:.1f} min: {verdict}")


def measured_tree(command: list[str], log: Path, tree_rss: Callable[[int], int]
                  ) -> tuple[float, float, int, int]:
    """Run ``command`` with its output to ``log``; return its wall time, the CPU time (user
    and system) of it and every process it waited for, the peak memory of its process tree
    (``tree_rss``) and its exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    with log.open("w") as sink:
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        peak = 0
        while child.poll() is None:
            peak = max(peak, tree_rss(child.pid))
            time.sleep(0.5)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak, child.returncode


def roadrunner_seconds(patients: int) -> float:
    """CPU seconds per patient of the trial's integration on libRoadRunner (the ``both``
    variant, the trial's sample days and species, 400 days), timed over ``patients``
    plausible patients of seed 0: the difference of two runs, so that loading the model
    does not count."""
    from ..analysis.population import VARIANTS, draw, load_priors, model_inputs
    from ..analysis.trialsim import FOLLOW_UP, SPECIES, sample_days
    from ..scale.fast import simulate_points

    priors = load_priors()
    inputs = model_inputs(draw(priors, patients + 2, 0), priors, "both")
    model, switches = VARIANTS["both"]
    seconds = []
    for rows in (inputs.iloc[:2], inputs):
        began = time.process_time()
        simulate_points(rows, model=model, parameters=switches, t_end=FOLLOW_UP,
                        days=sample_days().tolist(), species=SPECIES, peak=False,
                        solver="roadrunner")
        seconds.append(time.process_time() - began)
    return max(seconds[1] - seconds[0], 0.0) / patients
