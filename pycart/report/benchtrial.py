"""``pycart bench --trial``: issue 22's performance target, "a 10,000-patient accepted
population over 365 days, calibration with bootstrap, in under 15 minutes on two cores",
timed as its own ``pycart trial`` process, against a libRoadRunner baseline measured in the
same run.

The maximum-entropy weights keep an effective size of at least a tenth of the plausible
patients (:data:`pycart.analysis.vpop.MIN_ESS_SHARE`), so 10,000 accepted patients need
100,000 plausible ones. What the target times is that population: the selected variant
(``both``: exhaustion and escape) with the arms its endpoints need (one infusion, and the
second infusion of a prediction row), each simulated for 400 days with a second run where a
CD19-negative clone is seeded, calibrated with 20 bootstrap re-calibrations, on the shipped
targets: ``pycart trial --compare none --no-checks``. The documented run does more: the
three other variants side by side and the checks (another seed: new patients, calibrated
anew; another seeding); its cost is measured at a tenth of the size, beside the target's
run at that size, and carried to the full size by their ratio (said so). The baseline is
the same patients' integration alone on libRoadRunner (the trial's sample days and species,
the ``both`` variant), timed on a small sample and extrapolated to the target's simulations:
a lower bound of a libRoadRunner trial, said so.
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

#: Plausible patients of the measured run: 10,000 accepted at the effective-size floor; the
#: full default run is measured at a tenth of that.
PATIENTS, QUICK_PATIENTS = 100_000, 64
FULL_PATIENTS, QUICK_FULL_PATIENTS = 10_000, 32
#: The target (issue 22): an accepted population of 10,000 in under 15 minutes on two cores.
TARGET_SECONDS, ACCEPTED = 15 * 60.0, 10_000
#: Patients of the libRoadRunner baseline (timed, then extrapolated).
BASELINE, QUICK_BASELINE = 24, 4
#: Year-long simulations per plausible patient of the target's run: one variant x (one
#: infusion, a second one).
ARMS = 2
#: What the target's run leaves out of the documented one.
ALONE = ("--compare", "none", "--no-checks")


def trial_bench(tmp: Path, workers: int, quick: bool, say: Callable[[str], None],
                tree_rss: Callable[[int], int]) -> None:
    """Run the target's trial as its own process and print its wall and CPU time, peak
    memory (of the process tree, as ``tree_rss`` measures a process and its descendants:
    the benchmark's), patients per second, the effective size reached, the stages, the
    baseline and the target; then the full default run's cost (:func:`full_run`)."""
    from ..analysis.vpop import MIN_ESS_SHARE

    patients = QUICK_PATIENTS if quick else PATIENTS
    say(f"\nA virtual trial (issue 22's target): the accepted population alone, {patients:,} "
        f"plausible patients ({MIN_ESS_SHARE * patients:,.0f} accepted at the effective-size "
        "floor), the variant both (exhaustion and escape), its 2 arms (one infusion, a "
        "second) of 400 days and the seeded re-runs of its CD19-negative clone, calibrated "
        "with 20 bootstrap re-calibrations, on the shipped targets: 'pycart trial "
        f"{' '.join(ALONE)}' as its own process on {workers} workers")
    wall, cpu, peak, status = _trial(tmp, "trial", patients, workers, ALONE, tree_rss)
    for line in (tmp / "trial.log").read_text().splitlines():
        if line.startswith(("simulated ", "calibrated ")):
            say(f"    {line}")
    if status != 0:
        say(f"  the trial failed (exit status {status}): see its log above")
        return
    ess = accepted(tmp / "trial" / "population.parquet")
    simulations = patients * ARMS
    say(f"  {patients:,} patients in {wall:,.0f} s wall, {cpu:,.0f} s CPU (all processes; "
        f"{cpu / workers:,.0f} s over {workers} workers), load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; peak memory "
        f"{peak / 2**20:,.0f} MB; {patients / wall:,.0f} plausible patients/s, "
        f"{simulations / wall:,.0f} simulations/s ({simulations:,} year-long simulations, and "
        "a second one for each patient whose CD19-negative clone is seeded)")
    say(f"  effective size reached {ess:,.0f} ({ess / patients:.1%} of the plausible patients)")
    sample = QUICK_BASELINE if quick else BASELINE
    rr = roadrunner_seconds(sample)
    extrapolated = rr * simulations
    say(f"  baseline: libRoadRunner integrates one patient of the trial (400 days, its sample "
        f"days and species) in {rr * 1e3:,.0f} ms of CPU (over {sample} patients); the "
        f"target's {simulations:,} simulations would take {extrapolated:,.0f} s of CPU, "
        f"{extrapolated / workers:,.0f} s on {workers} workers, integration alone "
        "(extrapolated, not run)")
    ok = wall < TARGET_SECONDS and round(ess) >= ACCEPTED
    verdict = ("no verdict (quick: not the target's size)" if quick else
               "meets the target" if ok else "MISSES the target")
    say(f"  target < {TARGET_SECONDS / 60:.0f} min with an accepted population of {ACCEPTED:,}: "
        f"{wall / 60:.1f} min wall ({cpu / workers / 60:.1f} min of CPU over {workers} "
        f"workers): {verdict}")
    full_run(tmp, workers, quick, cpu, patients, say, tree_rss)


def full_run(tmp: Path, workers: int, quick: bool, target_cpu: float, patients: int,
             say: Callable[[str], None], tree_rss: Callable[[int], int]) -> None:
    """The documented run's cost (4 variants x 2 arms, the checks), measured at a tenth of
    the target's size beside the target's run at that size; their CPU ratio carries it to
    the target's size (an estimate, said so)."""
    small = QUICK_FULL_PATIENTS if quick else FULL_PATIENTS
    say(f"\nThe documented run (4 variants x 2 arms, and the checks: another seed, another "
        f"seeding), measured at {small:,} plausible patients beside the target's run at that "
        f"size, on {workers} workers")
    full = _trial(tmp, "full", small, workers, (), tree_rss)
    alone = _trial(tmp, "alone", small, workers, ALONE, tree_rss)
    if full[3] != 0 or alone[3] != 0:
        say(f"  a run failed (exit status {full[3] or alone[3]}): see {tmp}/full.log")
        return
    ratio = full[1] / alone[1]
    estimate = target_cpu * ratio
    say(f"  documented run: {full[0]:,.0f} s wall, {full[1]:,.0f} s CPU; the target's run: "
        f"{alone[0]:,.0f} s wall, {alone[1]:,.0f} s CPU; ratio {ratio:.2f}")
    say(f"  so the documented run at {patients:,} plausible patients: about {estimate:,.0f} s "
        f"of CPU ({estimate / workers / 60:.1f} min over {workers} workers), estimated from "
        "the target's run by that ratio, not run")


def accepted(population: Path) -> float:
    """The accepted population of a run: Kish's effective size of its prevalence weights
    (the column ``weight`` is the patients' body weight)."""
    from ..analysis.vpop import effective_size

    weights = pd.read_parquet(population, columns=["prevalence_weight"])
    return effective_size(weights["prevalence_weight"].to_numpy())


def _trial(tmp: Path, name: str, patients: int, workers: int, extra: tuple[str, ...],
           tree_rss: Callable[[int], int]) -> tuple[float, float, int, int]:
    """``pycart trial`` of ``patients`` into ``tmp/name`` (its log ``tmp/name.log``):
    :func:`measured_tree`'s wall, CPU, peak memory and exit status."""
    command = [sys.executable, "-m", "pycart", "trial", "--patients", str(patients), "--seed",
               "0", "--bootstrap", "20", *extra, "--workers", str(workers), "--out",
               str(tmp / name)]
    return measured_tree(command, tmp / f"{name}.log", tree_rss)


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
