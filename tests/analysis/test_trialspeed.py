"""The virtual trial's fast execution gives the numbers of the plain one: the fast path's
arrays against simulate_points' table, the seeding's clones reading their patient's rates
against a copy per clone, and the bootstrap's calibrations run at once on workers against
its draws calibrated one after the other."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pycart.analysis.population import VARIANTS, draw, load_priors, model_inputs
from pycart.analysis.seeding import clone_handoff_days
from pycart.analysis.targets import load_targets
from pycart.analysis.trial import Arms, bootstrap, values
from pycart.analysis.trialrun import REINFUSION_DAY
from pycart.analysis.trialsim import SPECIES, _run, sample_days, simulate_chunk
from pycart.analysis.vpop import calibrate_weights
from pycart.core import columns as col
from pycart.core.names import MODELS
from pycart.core.schedule import Dose
from pycart.scale.engines import ProcessEngine, SerialEngine
from pycart.scale.fast import FastSimulator, simulate_points


@pytest.fixture(scope="module")
def patients() -> tuple[pd.DataFrame, object]:
    priors = load_priors()
    return draw(priors, 48, 3), priors


def test_the_fast_arrays_are_the_sweep_table_and_its_fallback(patients, monkeypatch):
    """Every amount of _run is simulate_points' column, bit for bit, a point handed to
    libRoadRunner included (one patient marked as stopped by the integrator)."""
    frame, priors = patients
    # the base variant (cart_bm): the default suite compiles that kernel only
    inputs = model_inputs(frame.iloc[:4], priors, "base")
    marked = float(inputs["L"].iloc[2])
    integrate = FastSimulator.integrate

    def stopped(self, P, Y0):
        out = integrate(self, P, Y0)
        out[2][Y0[:, self.kernel.species.index("L")] == marked] = 1  # "too many steps"
        return out

    monkeypatch.setattr(FastSimulator, "integrate", stopped)
    model, switches = VARIANTS["base"]
    species = tuple(s for s in SPECIES if s in MODELS[model])
    days = sample_days()[::7]
    fast = _run(inputs, model, switches, days, species, 400.0)
    table = simulate_points(inputs, model=model, parameters=switches, t_end=400.0,
                            days=days.tolist(), species=species, peak=False)
    assert "recomputed with roadrunner" in table[col.MESSAGE].iloc[2]
    for j, s in enumerate(species):
        expected = table[[col.at_day(s, d) for d in days]].to_numpy(dtype=float)
        np.testing.assert_array_equal(fast[:, :, j], expected, err_msg=s)


def test_clones_reading_their_patients_rates_draw_alike():
    times = np.linspace(0.0, 60.0, 121)
    rates = np.random.default_rng(1).uniform(0.0, 0.6, (5, times.size))
    patient = np.repeat(np.arange(5), 40)
    start = np.tile(np.linspace(0.0, 50.0, 40), 5)
    copied = clone_handoff_days(times, rates[patient], start, np.random.default_rng(7),
                                death=0.2, handoff=20)
    shared = clone_handoff_days(times, rates, start, np.random.default_rng(7), death=0.2,
                                handoff=20, rows=patient)
    np.testing.assert_array_equal(shared, copied)
    assert np.isfinite(shared).sum() > 5  # some clones reached the hand-off


def _numpy_chain(times, birth, start, rng, death, handoff, rows):
    """clone_handoff_days as it was written in numpy (whole-array passes per step), the
    reference the compiled jump chain must match draw for draw."""
    t = start.astype(float)
    k = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
    hit = np.full(start.size, np.inf)
    live = np.flatnonzero(t < times[-1])
    t, k, n, row = t[live], k[live], np.ones(live.size), np.asarray(rows)[live]
    last = len(times) - 1
    while live.size:
        b = birth[row, k]
        rate = (b + death) * n
        with np.errstate(divide="ignore"):
            wait = rng.exponential(1.0, live.size) / rate
        moved = t + wait
        edge = times[k + 1]
        jumped = np.flatnonzero(~(moved >= edge))
        k += 1
        k[jumped] -= 1
        t = edge
        t[jumped] = moved[jumped]
        up = rng.random(jumped.size) * (b[jumped] + death) < b[jumped]
        n[jumped] += np.where(up, 1.0, -1.0)
        size = n[jumped]
        reached = jumped[size >= handoff]
        hit[live[reached]] = t[reached]
        going = k < last
        going[jumped[(size <= 0) | (size >= handoff)]] = False
        live, t, k, n, row = live[going], t[going], k[going], n[going], row[going]
    return hit


def test_the_compiled_jump_chain_draws_what_the_numpy_chain_drew():
    """Same seed, same clones: every hand-off day bit for bit, and the stream left where the
    numpy chain left it (the seeding's later draws and the next chunk's are unchanged); rates
    of 0 (a clone that never moves) and clones born after the last sample included."""
    times = np.concatenate([np.arange(0.0, 28.0, 0.25), np.arange(28.0, 200.0)])
    rng = np.random.default_rng(3)
    rates = rng.uniform(0.0, 0.5, (6, times.size))
    rates[2] = 0.0
    patient = np.repeat(np.arange(6), 300)
    start = rng.uniform(0.0, 210.0, patient.size)
    got = clone_handoff_days(times, rates, start, np.random.default_rng([0, 250]),
                             death=0.2, handoff=30, rows=patient)
    reference = np.random.default_rng([0, 250])
    expected = _numpy_chain(times, rates, start, reference, 0.2, 30, patient)
    np.testing.assert_array_equal(got, expected)
    assert np.isfinite(got).sum() > 50 and not np.isfinite(got[patient == 2]).any()
    after = np.random.default_rng([0, 250])
    clone_handoff_days(times, rates, start, after, death=0.2, handoff=30, rows=patient)
    assert after.random() == reference.random()


@pytest.fixture(scope="module")
def arms(patients) -> Arms:
    frame, priors = patients
    # the base variant (cart_bm): the bootstrap's arithmetic, not a model, is under test, and
    # the default suite compiles cart_bm's kernel only
    table = simulate_chunk(frame, priors, "base", 0, 0)
    again = simulate_chunk(frame, priors, "base", 0, 0, doses=(Dose(REINFUSION_DAY, 1.0),))
    return Arms(frame, table, again, True)


def _serial(arms: Arms, targets, draws: int, seed: int) -> pd.DataFrame:
    """The bootstrap from its definition, one draw after another: draw k resamples the
    patients and draws its Cmax ratio's trial from the k-th child stream of the seed."""
    rows = []
    for child in np.random.SeedSequence(seed).spawn(draws):
        rng = np.random.default_rng(child)
        again = arms.take(rng.integers(0, len(arms.table), len(arms.table)))
        rows.append(values(again, targets, calibrate_weights(again.table, targets, True), rng))
    return pd.DataFrame(rows)


def test_bootstrap_on_workers_is_the_serial_loop_over_its_draws(arms):
    targets = load_targets()
    expected = _serial(arms, targets, 4, 5)
    with ProcessEngine(1) as engine:
        w, _, draws = bootstrap(arms, targets, 4, 5, engine)
    pd.testing.assert_frame_equal(draws, expected, check_exact=True)
    np.testing.assert_array_equal(w, calibrate_weights(arms.table, targets, True))
    # a draw is its own: the first two of four are the two of a two-draw bootstrap
    _, _, fewer = bootstrap(arms, targets, 2, 5, SerialEngine())
    pd.testing.assert_frame_equal(fewer, expected.iloc[:2], check_exact=True)
    assert not draws.iloc[0].equals(draws.iloc[1])  # and the draws differ


@pytest.mark.heavy
@pytest.mark.timeout(1800)
def test_a_second_seeding_on_the_shared_first_run_is_that_seeding_run_alone(patients):
    """The check 'another seeding' reads the stream seeded beside the run's own on one first
    run: the same table, bit for bit, as the chunk simulated with that stream alone (the
    first run does not depend on the stream); cart_bm_ext with the clone (heavy: its
    kernel)."""
    from pycart.analysis.trialsim import simulate_seedings

    frame, priors = patients
    rows = frame.iloc[:32].reset_index(drop=True)
    ours, other = simulate_seedings(rows, priors, "both", (0, 1), 250)
    pd.testing.assert_frame_equal(ours, simulate_chunk(rows, priors, "both", 0, 250),
                                  check_exact=True)
    pd.testing.assert_frame_equal(other, simulate_chunk(rows, priors, "both", 1, 250),
                                  check_exact=True)
    assert not ours.equals(other)  # the streams seed different clones
