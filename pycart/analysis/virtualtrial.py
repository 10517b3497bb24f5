"""``pycart trial``: a virtual trial from targets to endpoints.csv, resumably.

Plausible patients are drawn from the priors, simulated under the variant of endpoints.csv
and each variant compared (every one by default), each with its second-infusion arm,
weighted to the calibrated targets, re-calibrated on bootstrap resamples, and written under
the output folder: ``population.parquet`` (the patients, their drawn values, endpoints and
weights), ``endpoints.csv`` (the chosen variant), ``feasibility.csv`` (what the population
can reach on each calibrated target: :mod:`pycart.analysis.feasibility`), ``checks.csv``
(another seed, another seeding: :mod:`pycart.analysis.trialchecks`; only its header where the
run was asked not to check itself), ``variants.csv`` (the variants run, on the same
endpoints) and the figures. The folder is locked while a run writes it; the simulations are
kept chunk by chunk until the run ends.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import PycartError
from ..core.files import atomic_path
from ..core.output import spreadsheet_safe
from ..scale import store
from ..scale.engines import Engine
from .feasibility import feasibility
from .population import VARIANTS, Priors, draw, load_priors
from .targets import Target, load_targets
from .trial import Arms, bootstrap, endpoints_table
from .trialchecks import COLUMNS as CHECK_COLUMNS
from .trialchecks import FOLDERS as CHECK_FOLDERS
from .trialchecks import run_checks
from .trialrun import simulate_arm
from .vpop import blood_scale, effective_size

#: The most plausible patients one run simulates (per variant).
MAX_PATIENTS = 1_000_000
#: Bootstrap re-calibrations (at least 20: the issue's floor for a 90% interval).
MIN_BOOTSTRAP = 20


@dataclass(frozen=True)
class VariantResult:
    """One variant's calibrated population: its arms, weights, endpoints and blood scale."""

    arms: Arms
    weights: np.ndarray
    table: pd.DataFrame
    scale: float


@dataclass(frozen=True)
class TrialSettings:
    """What a run does: plausible patients, seed, the variant of endpoints.csv, bootstrap
    re-calibrations, the variants compared side by side (``()``: the variant of
    endpoints.csv alone, issue 22's accepted population) and whether the run checks itself
    against another seed and another seeding (checks.csv)."""

    patients: int
    seed: int = 0
    variant: str = "both"
    draws: int = MIN_BOOTSTRAP
    compare: tuple[str, ...] = tuple(VARIANTS)
    checks: bool = True

    def check(self) -> None:
        """One line for a bad setting, before any work."""
        if isinstance(self.patients, bool) or not 1 <= self.patients <= MAX_PATIENTS:
            raise PycartError(f"--patients {self.patients!r} (allowed: 1 to {MAX_PATIENTS:,})")
        if self.variant not in VARIANTS or any(v not in VARIANTS for v in self.compare):
            raise PycartError(f"variant {self.variant!r} (allowed: {', '.join(VARIANTS)})")
        if not MIN_BOOTSTRAP <= self.draws <= 10_000:
            raise PycartError(f"--bootstrap {self.draws} (allowed: {MIN_BOOTSTRAP} to 10,000)")


def parse_compare(text: str) -> tuple[str, ...]:
    """``--compare``'s value: ``all`` (every variant), ``none`` (the variant of endpoints.csv
    alone) or variants separated by commas; one line for anything else."""
    if text.strip() == "all":
        return tuple(VARIANTS)
    if text.strip() == "none":
        return ()
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",")))
    bad = [n for n in names if n not in VARIANTS]
    if bad or not names:
        raise PycartError(f"--compare {text!r} (allowed: all, none, or variants separated by "
                          f"commas from {', '.join(VARIANTS)})")
    return names


def check_folder(out: str | os.PathLike[str]) -> Path:
    """The output folder, created if its parent exists; one line if it cannot be written."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise PycartError(f"--out {str(folder)!r} is a file (allowed: a folder)")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise PycartError(f"--out {str(folder)!r}: {str(folder.parent)!r} is not an "
                              "existing folder")
        try:
            folder.mkdir()
        except OSError as exc:
            raise PycartError(f"--out {str(folder)!r} cannot be created ({exc.strerror})") \
                from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PycartError(f"--out {str(folder)!r} is not writable")
    return folder


def run_trial(targets_path: str | Path | None, out: str | os.PathLike[str],
              settings: TrialSettings, engine: Engine, priors_path: str | Path | None = None,
              stream=None) -> pd.DataFrame:
    """Run the virtual trial into ``out``; return endpoints.csv's table. Everything is
    checked before any simulation; a second run on the same folder is refused at once."""
    settings.check()
    targets = load_targets(targets_path)
    priors = load_priors(priors_path)
    folder = check_folder(out)
    say = _say(stream or sys.stderr)
    began = time.monotonic()
    with store.locked(folder / "population.parquet"):
        patients = draw(priors, settings.patients, settings.seed)
        results = {}
        for variant in dict.fromkeys((settings.variant, *settings.compare)):
            results[variant] = _variant(variant, patients, priors, targets, settings,
                                        folder, engine, say)
        chosen = results[settings.variant]
        # not asked for: an empty checks.csv, so no earlier run's checks stay beside this one
        checks = (run_checks(settings.variant, chosen.arms, chosen.weights, chosen.table,
                             targets, priors, settings.seed, folder, engine, say)
                  if settings.checks else pd.DataFrame(columns=list(CHECK_COLUMNS)))
        table = _write(folder, results, settings, targets, patients, checks)
        for variant in results:  # the outputs are written: the kept chunks are not needed
            for arm in (variant, f"{variant}+reinfusion"):
                shutil.rmtree(store.parts_dir(folder / f"sim-{arm}.parquet"),
                              ignore_errors=True)
        for name in CHECK_FOLDERS:
            shutil.rmtree(folder / name, ignore_errors=True)
    say(f"wrote {folder}: {settings.patients:,} plausible patients x {len(results)} variants "
        f"in {time.monotonic() - began:.1f} s", end="\n")
    return table


def _variant(variant: str, patients: pd.DataFrame, priors: Priors,
             targets: dict[str, Target], settings: TrialSettings, folder: Path,
             engine: Engine, say: Callable[..., None]) -> VariantResult:
    sims = {}
    has_clone = VARIANTS[variant][1].get("escape", 0.0) == 1.0
    # the check "another seeding" re-seeds the run's patients: seeded beside the run's own
    # seeding, on its first run, rather than integrated again (trialchecks)
    also = ((settings.seed + 1, folder / CHECK_FOLDERS[1]) if settings.checks and has_clone
            and variant == settings.variant else None)
    for arm in (variant, f"{variant}+reinfusion"):
        began = time.monotonic()

        def progress(done: int, total: int, arm: str = arm) -> None:
            say(f"simulating {arm}: {done:,}/{total:,} patients")

        sims[arm] = simulate_arm(arm, patients, priors, settings.seed, folder, engine,
                                 progress, also if arm == variant else None)
        say(f"simulated {arm}: {len(patients):,} patients in "
            f"{time.monotonic() - began:.1f} s", end="\n")
    skip = 1 + patients.shape[1]
    arms = Arms(patients, sims[variant].iloc[:, skip:], sims[f"{variant}+reinfusion"]
                .iloc[:, skip:], has_clone)
    say(f"calibrating {variant} and {settings.draws} bootstrap re-calibrations")
    w, point, draws = bootstrap(arms, targets, settings.draws, settings.seed, engine)
    table = endpoints_table(targets, point, draws)
    say(f"calibrated {variant}: effective size {effective_size(w):,.0f} of "
        f"{len(patients):,}; {int(table['met'].eq(True).sum())} of {len(table)} rows met",
        end="\n")
    return VariantResult(arms, w, table, blood_scale(arms.table, w, targets["cmax"]))


def _write(folder: Path, results: dict[str, VariantResult], settings: TrialSettings,
           targets: dict[str, Target], patients: pd.DataFrame, checks: pd.DataFrame
           ) -> pd.DataFrame:
    from .trialplots import draw_figures

    chosen = results[settings.variant]
    # prevalence_weight: the patients' body weight is the column "weight"
    population = pd.concat([patients, chosen.arms.table], axis=1).assign(
        prevalence_weight=chosen.weights, blood_scale=chosen.scale, variant=settings.variant)
    with atomic_path(folder / "population.parquet") as tmp:
        population.to_parquet(tmp, index=False)
    _csv(folder / "endpoints.csv", chosen.table)
    _csv(folder / "feasibility.csv", feasibility(chosen.arms, targets, chosen.weights,
                                                 settings.seed))
    _csv(folder / "checks.csv", checks)
    side = pd.concat([r.table.assign(variant=v) for v, r in results.items()],
                     ignore_index=True)
    _csv(folder / "variants.csv", side)
    draw_figures(folder, chosen.arms, chosen.weights, chosen.scale, targets)
    return chosen.table


def _csv(path: Path, frame: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        spreadsheet_safe(frame).to_csv(tmp, index=False)


def _say(stream) -> Callable[..., None]:
    """Progress on ``stream``: rewritten in place on a terminal, one line each otherwise."""
    tty = hasattr(stream, "isatty") and stream.isatty()

    def say(text: str, end: str = "") -> None:
        stream.write(f"\r{text}\033[K{end}" if tty else f"{text}\n")
        stream.flush()
    return say
