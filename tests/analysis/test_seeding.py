"""The stochastic seeding of the CD19-negative clone against the theory of the Poisson and
linear birth-death processes (fixed seeds; tolerances 5 standard errors of the sampling),
and the handoff check of issue 22 on the fast path (heavy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pycart.analysis.seeding import (
    _invert,
    clone_handoff_days,
    cumulative_cells,
    ln_birth_rate,
    loss_events,
    seed_cd19_negative,
)
from pycart.core import columns as col
from pycart.core.errors import PycartError

TIMES = np.linspace(0.0, 100.0, 401)


def test_the_log_linear_integral_is_exact_for_an_exponential():
    # L = 1e11 exp(-2 t), 14 orders of magnitude over 16 days: the logarithmic mean is exact
    # step by step (the trapezoid overstates each step by x/2 coth(x/2), x = 0.5 here)
    L = 1e11 * np.exp(-2.0 * TIMES)[None, :]
    np.testing.assert_allclose(cumulative_cells(TIMES, L)[0],
                               5e10 * (1 - np.exp(-2.0 * TIMES)), rtol=1e-9)
    # inverting the integral gives back the time: r(s) = 3 exp(0.4 s), integral 7.5 (e^0.4s - 1)
    s = np.array([0.1, 0.7, 1.9])
    x = 7.5 * np.expm1(0.4 * s)
    np.testing.assert_allclose(_invert(x, np.full(3, 3.0), np.full(3, 3.0 * np.exp(0.8)),
                                       np.full(3, 2.0)), s, rtol=1e-12)
    # flat and linear (an end at 0) steps
    assert _invert(np.array([1.5]), np.array([3.0]), np.array([3.0]), np.array([1.0]))[0] == 0.5
    assert _invert(np.array([1.0]), np.array([0.0]), np.array([2.0]), np.array([1.0]))[0] == 1.0


def test_loss_events_count_and_timing():
    # intensity mu L(t) = 1e-10 * 1e11 exp(-t/2): mean count 20 (1 - e^-50); times exponential
    # with mean 2 days (truncated at 100, negligibly)
    rng = np.random.default_rng(11)
    patients = 1000
    L = np.repeat(1e11 * np.exp(-0.5 * TIMES)[None, :], patients, axis=0)
    patient, day = loss_events(TIMES, L, rng, 1e-10)
    assert np.all(np.diff(patient) >= 0)
    assert len(patient) / patients == pytest.approx(20.0, abs=5 * np.sqrt(20.0 / patients))
    assert day.mean() == pytest.approx(2.0, abs=5 * 2.0 / np.sqrt(len(day)))
    # the Poisson count's variance equals its mean
    counts = np.bincount(patient, minlength=patients)
    assert counts.var() == pytest.approx(20.0, abs=5 * np.sqrt(2 * 20.0 ** 2 / patients))


def test_pure_birth_hitting_time():
    # Yule process from 1 cell: the time to N cells is a sum of exponentials with rates b k,
    # k = 1..N-1: mean sum 1/(b k), variance sum 1/(b k)^2
    rng = np.random.default_rng(5)
    clones, b, N = 2000, 0.5, 100
    hit = clone_handoff_days(TIMES, np.full((clones, TIMES.size), b), np.zeros(clones), rng,
                             death=0.0, handoff=N)
    k = np.arange(1, N)
    mean, var = np.sum(1 / (b * k)), np.sum(1 / (b * k) ** 2)
    assert np.isfinite(hit).all()
    assert hit.mean() == pytest.approx(mean, abs=5 * np.sqrt(var / clones))
    # a sample variance's relative standard error: sqrt((2 + excess kurtosis) / n), about
    # 0.05 here (the excess kurtosis of this sum of exponentials is about 2.4)
    assert hit.var() == pytest.approx(var, rel=0.25)


def test_birth_death_survival_probability():
    # from 1 cell, N cells before extinction with probability (1 - r) / (1 - r^N), r = d/b
    rng = np.random.default_rng(7)
    clones, b, d, N = 4000, 1.0, 0.5, 50
    hit = clone_handoff_days(TIMES, np.full((clones, TIMES.size), b), np.zeros(clones), rng,
                             death=d, handoff=N)
    p = (1 - d / b) / (1 - (d / b) ** N)
    assert np.isfinite(hit).mean() == pytest.approx(p, abs=5 * np.sqrt(p * (1 - p) / clones))


def test_a_rate_that_changes_at_a_sample():
    # no division before day 5, then b = 1: the Yule time to 10 cells, shifted by 5 days
    rng = np.random.default_rng(3)
    clones = 2000
    birth = np.where(TIMES < 5.0, 0.0, 1.0)[None, :].repeat(clones, axis=0)
    hit = clone_handoff_days(TIMES, birth, np.zeros(clones), rng, death=0.0, handoff=10)
    k = np.arange(1, 10)
    assert hit.min() > 5.0
    assert hit.mean() == pytest.approx(5.0 + np.sum(1 / k),
                                       abs=5 * np.sqrt(np.sum(1 / k ** 2) / clones))


def test_seed_table_and_the_horizon():
    rng = np.random.default_rng(1)
    L = np.array([1e11 * np.exp(-0.5 * TIMES), np.zeros(TIMES.size), np.full(TIMES.size, 1e9)])
    seeds = seed_cd19_negative(TIMES, L, rng, loss_rate=1e-10, birth=np.array([1.0, 1.0, 0.0]),
                               death=0.0, handoff=100)
    assert list(seeds.columns) == [col.LN_SEED_DAY, col.LN_SEED_CELLS, col.LOSS_EVENTS]
    # patient 0: ~20 events in the first days, a pure-birth clone reaches 100 in ~5 days
    assert 0 < seeds[col.LN_SEED_DAY][0] < 20 and seeds[col.LN_SEED_CELLS][0] == 100
    # patient 1: no leukaemia, no event; patient 2: events, but clones that never divide
    assert seeds[col.LOSS_EVENTS][1] == 0 and np.isnan(seeds[col.LN_SEED_DAY][1])
    assert seeds[col.LOSS_EVENTS][2] > 0 and np.isnan(seeds[col.LN_SEED_DAY][2])
    assert seeds[col.LN_SEED_CELLS][2] == 0


def test_ln_birth_rate_by_hand():
    rate = ln_birth_rate({"k": 1e-10, "rhoLn": 0.123, "Lmax": 1e12},
                         np.array([[0.0, 1e10]]), np.array([[2e11, 0.0]]))
    np.testing.assert_allclose(rate, [[0.123 * 0.8, 0.123 / 2]], rtol=1e-12)


def test_bad_input_is_one_line():
    rng = np.random.default_rng(0)
    L = np.ones((2, TIMES.size))
    with pytest.raises(PycartError, match="handoff"):
        seed_cd19_negative(TIMES, L, rng, loss_rate=1e-9, birth=1.0, death=0.1, handoff=0.5)
    with pytest.raises(PycartError, match="birth"):
        seed_cd19_negative(TIMES, L, rng, loss_rate=1e-9, birth=np.ones(3), death=0.1)
    with pytest.raises(PycartError, match="loss_rate"):
        seed_cd19_negative(TIMES, L, rng, loss_rate=-1.0, birth=1.0, death=0.1)
    with pytest.raises(PycartError, match="shape"):
        seed_cd19_negative(TIMES, L[:, :3], rng, loss_rate=1e-9, birth=1.0, death=0.1)


#: The handoff check's population: Figure 7's ranges of alpha and h, log-uniform.
PATIENTS = 500
#: An antigen-loss rate with about one event per patient, so that about half the patients
#: grow a CD19-negative clone: the shares are then most sensitive to the seeding.
MU = 3e-13
#: The sample days after day 0 (day 0 is the initial state): a trial's sampling.
DAYS = np.concatenate([np.arange(0.25, 28, 0.25), np.arange(28, 366, 1.0)])
#: What the endpoints read, and the run's settings (escape on, the ODE's loss term off).
READ = ("L", "Ln", "B1", "B2", "B3", "CA", "CM", "CE")
SETTINGS = {"model": "cart_bm_ext", "parameters": {"escape": 1, "muL": 0.0}, "t_end": 365,
            "days": list(DAYS), "peak": False}


def _states(run: pd.DataFrame, initial: pd.Series, species: tuple[str, ...]
            ) -> dict[str, np.ndarray]:
    """Amounts (patients x days, day 0 first) of ``species`` from a fast-path table."""
    return {s: np.column_stack([np.full(len(run), initial[s]),
                                run[[col.at_day(s, d) for d in DAYS]].to_numpy()])
            for s in species}


@pytest.fixture(scope="module")
def first_run():
    """A population with the loss term off (Ln stays 0): its trajectories and the seeding's
    inputs (the CD19+ clone and the clone's birth rate from the B cells)."""
    from pycart.core.model import Model
    from pycart.scale.fast import simulate_points

    rng = np.random.default_rng(2022)
    points = pd.DataFrame({"alpha": 10 ** rng.uniform(np.log10(5e-11), np.log10(5e-9), PATIENTS),
                           "h": 10 ** rng.uniform(np.log10(5e8), np.log10(5e10), PATIENTS)})
    model = Model("cart_bm_ext")
    initial = model.simulate(t_end=1, points=2).iloc[0]
    species = (*READ, "B0")
    states = _states(simulate_points(points, species=species, **SETTINGS), initial, species)
    b_cells = sum(states[s] for s in ("B0", "B1", "B2", "B3"))
    birth = ln_birth_rate(model.default_parameters, b_cells, states["L"])
    return points, initial, states, birth, model.default_parameters["gammaL"]


def _outcomes(first_run, handoff: float, seed: int) -> tuple[float, float, int]:
    """The share of patients whose CD19-negative clone passes 1e9 cells within a year, the
    CD19-negative share of morphologic relapses and their number, the ODE taking over from
    the seeded clone at ``handoff`` cells."""
    from pycart.analysis.endpoints import patient_endpoints
    from pycart.core.schedule import Dose
    from pycart.scale.fast import simulate_points

    points, initial, states, birth, death = first_run
    times = np.concatenate([[0.0], DAYS])
    seeds = seed_cd19_negative(times, states["L"], np.random.default_rng(seed), loss_rate=MU,
                               birth=birth, death=death, handoff=handoff)
    day = seeds[col.LN_SEED_DAY].to_numpy()
    seeded = np.isfinite(day)
    # the patients without a clone keep the first run (a dose slot cannot be 0 cells)
    slots = points[seeded].assign(dose_Ln_1_day=day[seeded], dose_Ln_1_cells=float(handoff))
    again = _states(simulate_points(slots, species=READ, doses=[Dose(1.0, handoff, "Ln")],
                                    **SETTINGS), initial, READ)
    merged = {s: states[s].copy() for s in READ}
    for s in READ:
        merged[s][seeded] = again[s]
    table = patient_endpoints(times, merged, "cart_bm_ext", blood_scale=1e-5)
    negative = table[col.RELAPSE_CD19_NEGATIVE].dropna()
    grown = (merged["Ln"] > 1e9).any(axis=1)
    return float(grown.mean()), float(negative.mean()), len(negative)


@pytest.mark.heavy  # a year of cart_bm_ext (its kernel compiled for this test alone by default)
def test_the_handoff_size_and_the_seed_barely_move_the_outcomes(first_run):
    # issue 22: the CD19-negative outcomes may move by at most 5 percentage points between
    # two seedings (the ODE taking over at 100 or at 1000 cells, the same random stream) and
    # between two seeds by less than the 95% sampling interval of a difference of two shares
    at100, at1000, other = (_outcomes(first_run, h, seed=s)
                            for h, s in ((100.0, 1), (1000.0, 1), (100.0, 2)))
    # (measured: clone past 1e9 cells in 52.2% and 51.8% of patients at 100 and 1000 cells,
    # 53.6% with another seed; CD19-negative share of relapses 57.1% of 280, 57.3% of 281,
    # 59.9% of 299)
    assert 0.2 < at100[0] < 0.8 and at100[2] >= 100  # shares that can move, 100+ relapses
    for k, size in ((0, PATIENTS), (1, at100[2])):
        assert abs(at1000[k] - at100[k]) <= 0.05
        p = at100[k]
        assert abs(other[k] - p) <= 1.96 * np.sqrt(2 * p * (1 - p) / size)
