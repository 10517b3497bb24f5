"""Simulating the virtual trial's plausible patients resumably, on the sweep engines.

Each model variant (and the second-infusion arm of the calibrated variant) is a store of
chunks under the output folder (:mod:`pycart.scale.store`: ``DIR/sim-<arm>.parquet.parts``,
keyed by the population and the arm, verified before reuse): an interrupted run computes only
the chunks no valid file holds, and a run with other priors, seed or size never mixes in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .._version import __version__
from ..core import columns as col
from ..core.schedule import Dose
from ..scale import store
from ..scale.engines import Engine
from .population import Priors
from .trialsim import FOLLOW_UP, KEEP, simulate_seedings

#: Patients per chunk: a chunk's trajectories (patients x ~490 days x 9 species) and the
#: seeding's clones (events x ~490 days) stay small.
CHUNK = 250
#: The second infusion of the prediction: the same dose again on this day, to responders
#: whose CD19+ B cells have recovered by then (loss of B-cell aplasia, the usual trigger).
REINFUSION_DAY = 90.0


def arm_key(arm: str, patients: pd.DataFrame, priors: Priors, seed: int) -> str:
    """The fingerprint of one arm's simulations: what decides every row."""
    text = json.dumps({"arm": arm, "seed": seed, "version": __version__,
                       "priors": repr(priors), "follow_up": FOLLOW_UP,
                       "patients": hashlib.sha256(patients.to_numpy().tobytes()).hexdigest()})
    return hashlib.sha256(text.encode()).hexdigest()


def chunk_task(patients: pd.DataFrame, priors: Priors, arm: str, seeds: tuple[int, ...],
               start: int, points: np.ndarray) -> tuple[int, list[pd.DataFrame]]:
    """One chunk (worker side): for each seeding stream of ``seeds``, the endpoints of
    patients ``start``..., with the point index and the patients' drawn values first (the
    store verifies them on resume)."""
    rows = pd.DataFrame(points, columns=list(patients.columns))
    variant, _, reinfuse = arm.partition("+")
    doses = (Dose(REINFUSION_DAY, 1.0),) if reinfuse else ()
    tables = simulate_seedings(rows, priors, variant, seeds, start, doses=doses)
    head = pd.DataFrame({col.POINT: np.arange(start, start + len(rows))})
    return start, [pd.concat([head, rows, table], axis=1) for table in tables]


def simulate_arm(arm: str, patients: pd.DataFrame, priors: Priors, seed: int, out: Path,
                 engine: Engine, progress: Callable[[int, int], None] | None = None,
                 also: tuple[int, Path] | None = None) -> pd.DataFrame:
    """Every patient's endpoints under ``arm`` (a variant, ``+reinfusion`` for the second
    infusion), resuming from the chunks an earlier run saved under ``out``. ``also``:
    another seeding stream and a folder; each chunk simulated now is also seeded from that
    stream, on the same first run, and saved in the folder's store of that stream (the
    store :func:`simulate_arm` with that seed and folder reads: it then simulates only the
    chunks it lacks)."""
    parts = store.parts_dir(out / f"sim-{arm}.parquet")
    key = arm_key(arm, patients, priors, seed)
    store.claim(parts, key, {"arm": arm, "seed": seed, "patients": len(patients)})
    stores = [(parts, key)]
    if also is not None:
        also[1].mkdir(exist_ok=True)
        stores.append((store.parts_dir(also[1] / f"sim-{arm}.parquet"),
                       arm_key(arm, patients, priors, also[0])))
        store.claim(stores[1][0], stores[1][1], {"arm": arm, "seed": also[0],
                                                 "patients": len(patients)})
    matrix = patients.to_numpy(dtype=float)

    def take(first: int, stop: int) -> np.ndarray:
        return matrix[first:stop]

    columns = [col.POINT, *patients.columns, *KEEP]
    spans, _ = store.saved_spans(parts, key, columns, take)
    todo = store.gaps(spans, len(patients), CHUNK)
    done = sum(b - a for a, b in spans)
    if progress:
        progress(done, len(patients))
    stops = dict(todo)
    seeds = (seed,) if also is None else (seed, also[0])
    task = partial(chunk_task, patients.iloc[:0], priors, arm, seeds)
    for start, tables in engine.run(task, ((a, take(a, b)) for a, b in todo)):
        for (where, its_key), table in zip(stores, tables, strict=True):
            store.write_chunk(where, its_key, (start, stops[start]), table)
        done += len(tables[0])
        if progress:
            progress(done, len(patients))
    return _read(parts)


def _read(parts: Path) -> pd.DataFrame:
    frames = [pd.read_parquet(p) for p in sorted(parts.glob("chunk-*.parquet"))]
    return pd.concat(frames, ignore_index=True).sort_values(col.POINT, ignore_index=True)
