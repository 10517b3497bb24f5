"""The virtual trial's reproducibility checks, computed in the run that reports them (issue
22's Done-when):

- **another seed**: new plausible patients and new stochastic CD19-negative seedings (seed
  + 1), simulated and calibrated anew; each calibrated endpoint must move by less than the
  width of its 90% bootstrap interval in the run (the median Cmax is met exactly by the
  blood scale in both: its limit is rounding);
- **another seeding** (variants with the CD19-negative clone): the same patients, the clone
  seeded from another random stream; the CD19-negative share of relapses (all simulated
  relapses, unweighted) and the calibrated share among relapses with persisting B-cell
  aplasia (the run's weights) must move by at most 5 percentage points.

Their simulations are kept like the run's, under ``DIR/check-seed`` and
``DIR/check-seeding``, so an interrupted run resumes them. The other seeding's chunks are
seeded by the run itself, on the first runs its own seeding integrated (the clone's seeding
is drawn after that run, which the stream does not change: :func:`pycart.analysis.trialrun.
simulate_arm`'s ``also``), so this check integrates again only what that saved none of.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import columns as col
from ..scale.engines import Engine
from .population import Priors, draw
from .targets import CALIBRATED_IDS, Target
from .trial import Arms, cd19_share, values
from .trialrun import simulate_arm
from .vpop import aplastic_relapse, calibrate_weights

#: The subfolders of the checks' simulations (removed with the run's when it ends).
FOLDERS = ("check-seed", "check-seeding")
#: The most the CD19-negative share of relapses may move between two seedings.
SEEDING_LIMIT = 0.05
#: checks.csv's columns, in order.
COLUMNS = ("check", "endpoint", "value", "other", "difference", "limit", "passed", "note")


def run_checks(variant: str, arms: Arms, weights: np.ndarray, endpoints: pd.DataFrame,
               targets: dict[str, Target], priors: Priors, seed: int, folder: Path,
               engine: Engine, say: Callable[..., None]) -> pd.DataFrame:
    """checks.csv's table for the run's ``variant`` (its population ``arms``, calibrated
    ``weights`` and endpoints.csv's table ``endpoints``)."""
    rows = _seed_rows(variant, arms, endpoints, targets, priors, seed, folder, engine, say)
    if arms.has_clone:
        rows += _seeding_rows(variant, arms, weights, priors, seed, folder, engine, say)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _simulate(variant: str, patients: pd.DataFrame, priors: Priors, seed: int, where: Path,
              engine: Engine, say: Callable[..., None]) -> pd.DataFrame:
    where.mkdir(exist_ok=True)
    sims = simulate_arm(variant, patients, priors, seed, where, engine,
                        lambda done, total: say(f"{where.name}: {done:,}/{total:,} patients"))
    return sims.iloc[:, 1 + patients.shape[1]:].reset_index(drop=True)


def _seed_rows(variant: str, arms: Arms, endpoints: pd.DataFrame,
               targets: dict[str, Target], priors: Priors, seed: int, folder: Path,
               engine: Engine, say: Callable[..., None]) -> list[tuple[object, ...]]:
    patients = draw(priors, len(arms.patients), seed + 1)
    table = _simulate(variant, patients, priors, seed + 1, folder / FOLDERS[0], engine, say)
    other = Arms(patients, table, table, arms.has_clone)  # no second infusion: not compared
    moved = values(other, targets, calibrate_weights(table, targets, arms.has_clone))
    rows: list[tuple[object, ...]] = []
    for r in endpoints.itertuples(index=False):
        key = next(k for k, t in targets.items() if t.endpoint == r.endpoint)
        if key not in CALIBRATED_IDS:
            continue
        width = r.upper - r.lower
        limit = width if width > 0 else 1e-9 * abs(r.value)  # the blood scale's median Cmax
        diff = abs(moved[key] - r.value)
        rows.append(("another seed", r.endpoint, r.value, moved[key], diff, limit,
                     bool(diff < limit), f"seed {seed + 1}: new patients and seedings; limit: "
                     "the width of the run's 90% interval"))
    return rows


def _seeding_rows(variant: str, arms: Arms, weights: np.ndarray, priors: Priors, seed: int,
                  folder: Path, engine: Engine, say: Callable[..., None]
                  ) -> list[tuple[object, ...]]:
    again = _simulate(variant, arms.patients, priors, seed + 1, folder / FOLDERS[1], engine,
                      say)
    rows: list[tuple[object, ...]] = []
    for name, pool_of, w in (("CD19-negative share of relapses", _relapses, None),
                             ("CD19-negative share of relapses with persisting B-cell "
                              "aplasia", aplastic_relapse, weights)):
        shares, counts = zip(*(_share(t, pool_of(t), w) for t in (arms.table, again)),
                             strict=True)
        diff = abs(shares[1] - shares[0])
        rows.append(("another seeding", name, shares[0], shares[1], diff, SEEDING_LIMIT,
                     bool(diff <= SEEDING_LIMIT), f"same patients, seeding stream {seed + 1}; "
                     f"{counts[0]:,} and {counts[1]:,} simulated relapses"
                     + ("" if w is None else ", weighted as calibrated")))
    return rows


def _relapses(table: pd.DataFrame) -> np.ndarray:
    return table[col.RELAPSE_EVENT].to_numpy(dtype=bool)


def _share(table: pd.DataFrame, pool: np.ndarray, w: np.ndarray | None) -> tuple[float, int]:
    """The (weighted) CD19-negative share of the relapses ``pool`` and their number."""
    return cd19_share(table, np.ones(len(table)) if w is None else w, pool), int(pool.sum())
