"""The virtual trial's patients simulated on the compiled fast path, chunk by chunk, and
reduced at once to the trial's endpoints (memory holds one chunk's trajectories).

With the CD19-negative clone (variants ``escape`` and ``both``) the clone is never seeded
deterministically (muL = 0 in the ODE: a constant loss rate makes sub-cell clones grow for
months): a first run gives the CD19+ leukaemia L(t), antigen-loss events and the clone's
early birth-death growth are drawn stochastically (:func:`pycart.analysis.seeding.
seed_cd19_negative`), and a patient whose clone survives to the hand-off size gets that many
Ln cells as a dose on the hand-off day in a second run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.schedule import Dose
from ..scale.fast import FastSimulator, validated_sweep
from ..scale.kernel import load_kernel
from .endpoints import patient_endpoints
from .population import VARIANTS, Priors, model_inputs
from .seeding import ln_birth_rate, seed_cd19_negative

#: Days followed (the 12-month relapse-free survival is counted from remission, which comes
#: by day 90 at the latest: 400 days leave 12 months of follow-up after a remission by day 35;
#: later remitters are censored, as in a trial).
FOLLOW_UP = 400.0
#: Sampling: every quarter day to day 28 (Tmax and Cmax), then daily.
FINE_STEP, FINE_UNTIL = 0.25, 28.0
#: Cells at which the stochastic CD19-negative clone is handed to the ODE (HANDOFF cells: a
#: birth-death process at this size goes extinct with probability (d/b)^100, negligible).
HANDOFF = 100.0
#: The species sampled (cart_bm_ext's; the paper's model has no Ln or CE).
SPECIES = ("B0", "B1", "B2", "B3", "L", "Ln", "CA", "CM", "CE")
#: The patient-level columns a chunk keeps beside the endpoints.
KEEP = (col.REMISSION_DAY28, col.REMISSION_3M, col.MRD_NEGATIVE_DAY28,
        col.MORPHOLOGIC_RELAPSE_DAY, col.RELAPSE_EVENT,
        col.RFS_TIME, col.RELAPSE_CD19_NEGATIVE, col.BCELL_RECOVERY_DAY, col.CMAX_BLOOD,
        col.TMAX, col.FOLDX)


def sample_days(follow_up: float = FOLLOW_UP) -> np.ndarray:
    """The days each patient is sampled on (0 excluded: the sweep reports it as the
    initial state)."""
    fine = np.arange(FINE_STEP, FINE_UNTIL + FINE_STEP / 2, FINE_STEP)
    return np.unique(np.concatenate([fine, np.arange(FINE_UNTIL + 1, follow_up + 0.5)]))


def simulate_chunk(patients: pd.DataFrame, priors: Priors, variant: str, seed: int,
                   start: int, follow_up: float = FOLLOW_UP,
                   doses: tuple[Dose, ...] = ()) -> pd.DataFrame:
    """The endpoints of ``patients`` (rows ``start``...) under ``variant``: one row per
    patient, blood Cmax in copies/µg per unit blood scale (the trial scales it later).
    ``doses``: CAR T doses after day 0, each of the patient's own day-0 dose."""
    return simulate_seedings(patients, priors, variant, (seed,), start, follow_up, doses)[0]


def simulate_seedings(patients: pd.DataFrame, priors: Priors, variant: str,
                      seeds: tuple[int, ...], start: int, follow_up: float = FOLLOW_UP,
                      doses: tuple[Dose, ...] = ()) -> list[pd.DataFrame]:
    """:func:`simulate_chunk`'s table for each seeding stream of ``seeds``: the first run
    (the clone not seeded) does not depend on the stream and is integrated once for all;
    each stream re-runs only its own patients whose clone reaches the hand-off."""
    model, switches = VARIANTS[variant]
    inputs = model_inputs(patients, priors, variant)
    for k in range(1, len(doses) + 1):
        inputs[f"dose_CA_{k}_cells"] = inputs["CA"]
    days = sample_days(follow_up)
    species = tuple(s for s in SPECIES if model == "cart_bm_ext" or s not in ("Ln", "CE"))
    first = _run(inputs, model, switches, days, species, follow_up, doses)
    times = np.concatenate([[0.0], days])
    tables = []
    for seed in seeds:
        run = (_seeded(first, inputs, patients, (model, switches, doses), days, species,
                       (seed, start), follow_up) if switches.get("escape") else first)
        states = {s: _trajectory(run, inputs, s, species) for s in species}
        table = patient_endpoints(times, states, model, blood_scale=1.0, follow_up=follow_up)
        tables.append(table[list(KEEP)].reset_index(drop=True))
    return tables


def _run(inputs: pd.DataFrame, model: str, parameters: dict[str, float], days: np.ndarray,
         species: tuple[str, ...], t_end: float, doses: tuple[Dose, ...] = ()) -> np.ndarray:
    """The amounts of ``species`` at ``days`` (patients x days x species), on the fast path's
    arrays (a sweep's table of patients x days x species columns cost 5-10 times the
    integration); the points it cannot vouch for go to libRoadRunner as in a sweep."""
    names = list(inputs.columns)
    matrix = inputs.to_numpy(dtype=float)
    sweep = validated_sweep(matrix, names, model=model, parameters=parameters, initial=None,
                            t_end=t_end, days=days.tolist(), species=species, peak=False,
                            solver="auto", doses=doses)
    simulator = FastSimulator(sweep)
    P, Y0, routed = simulator.inputs(matrix)
    out, _, status, _, _ = simulator.integrate(P, Y0)
    where = np.searchsorted(simulator.times, days)
    index = [simulator.kernel.species.index(s) for s in species]
    values = out[:, where][:, :, index]
    again = np.flatnonzero(routed | (status != 0))
    if again.size:  # the sweep's own fallback, on these points only
        table = simulator.evaluate(0, matrix[again])
        for j, s in enumerate(species):
            values[again, :, j] = table[[col.at_day(s, d) for d in days]].to_numpy(float)
    return values


def _trajectory(run: np.ndarray, inputs: pd.DataFrame, species: str,
                names: tuple[str, ...]) -> np.ndarray:
    start = (inputs[species].to_numpy() if species in inputs
             else np.zeros(len(inputs)))
    return np.column_stack([start, run[:, :, names.index(species)]])


def _seeded(run: np.ndarray, inputs: pd.DataFrame, patients: pd.DataFrame,
            arm: tuple[str, dict[str, float], tuple[Dose, ...]], days: np.ndarray,
            species: tuple[str, ...], seeds: tuple[int, int], follow_up: float
            ) -> np.ndarray:
    """``run`` with each patient whose stochastic CD19-negative clone reaches the hand-off
    size simulated again with the clone given as a dose of Ln on that day. The random
    stream of a chunk depends on the seed and its first patient only: a resumed chunk (the
    spans are fixed) draws alike."""
    model, switches, doses = arm
    seed, start = seeds
    kernel = load_kernel(model)  # the defaults, without loading libRoadRunner per chunk
    defaults = dict(zip(kernel.parameters, kernel.p0.tolist(), strict=True))
    times = np.concatenate([[0.0], days])
    leukaemia = _trajectory(run, inputs, "L", species)
    b_cells = np.sum([_trajectory(run, inputs, s, species)
                      for s in ("B0", "B1", "B2", "B3")], axis=0)
    rho_ln = (patients["rhoLn"].to_numpy() if "rhoLn" in patients
              else np.full(len(inputs), defaults["rhoLn"]))
    birth = ln_birth_rate({"k": defaults["k"], "rhoLn": rho_ln, "Lmax": defaults["Lmax"]},
                          b_cells, leukaemia)
    # One call for the chunk: each patient's own loss rate enters the intensity muL * L(t)
    # through the trajectory (loss_rate 1), the only place seed_cd19_negative reads L.
    rng = np.random.default_rng([seed, start])
    seeded = seed_cd19_negative(times, leukaemia * patients["muL"].to_numpy()[:, None], rng,
                                loss_rate=1.0, birth=birth, death=defaults["gammaL"],
                                handoff=HANDOFF)
    handoff = seeded[col.LN_SEED_DAY].to_numpy(dtype=float)
    clone = np.isfinite(handoff) & (handoff > 0) & (handoff < follow_up)
    if not clone.any():
        return run
    again = inputs[clone].assign(dose_Ln_1_day=handoff[clone],
                                 dose_Ln_1_cells=HANDOFF).reset_index(drop=True)
    redone = _run(again, model, switches, days, species, follow_up,
                  (*doses, Dose(float(follow_up), HANDOFF, "Ln")))
    values = run.copy()
    values[clone] = redone
    return values
