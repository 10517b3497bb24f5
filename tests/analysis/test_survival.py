"""Kaplan-Meier, Greenwood's interval and the Cox hazard ratio against a textbook data set.

The Freireich et al. (1963, Blood 21:699) 6-mercaptopurine trial: weeks of remission of 21
children on 6-MP (12 censored) and 21 on placebo (none censored), as printed by Gehan (1965)
and in Cox and Oakes (1984, Table 1.1); R's MASS::gehan. Published estimates used below:
- Kaplan-Meier of the 6-MP arm with Greenwood's standard errors and the log(-log) 95%
  interval: R survival's survfit(conf.type = "log-log") output, reprinted in Kleinbaum and
  Klein (2012, Survival Analysis: A Self-Learning Text, 3rd ed., chapter 2) for the event
  times 6, 7, 10, 13, 16, 22, 23;
- the Cox model with treatment as the covariate and Breslow's ties: coefficient 1.509,
  hazard ratio 4.523 (95% CI 2.027-10.094) for placebo against 6-MP (Kleinbaum and Klein
  2012, chapter 3).
The hazard ratio is also checked against a brute-force maximum of the Breslow partial
likelihood (scipy), written here from its definition.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from pycart.analysis.survival import hazard_ratio, kaplan_meier, survival_at
from pycart.core.errors import PycartError

MP_TIME = np.array([6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34,
                    35], dtype=float)
MP_EVENT = np.array([1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0], dtype=bool)
PLACEBO_TIME = np.array([1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23],
                        dtype=float)

#: time, at risk, events, survival, lower, upper (published to 3-4 digits).
PUBLISHED_KM = [(6, 21, 3, 0.857, 0.620, 0.952), (7, 17, 1, 0.807, 0.563, 0.923),
                (10, 15, 1, 0.753, 0.503, 0.889), (13, 12, 1, 0.690, 0.432, 0.849),
                (16, 11, 1, 0.627, 0.368, 0.805), (22, 7, 1, 0.538, 0.268, 0.747),
                (23, 6, 1, 0.448, 0.188, 0.680)]


def _trial():
    time = np.concatenate([MP_TIME, PLACEBO_TIME])
    event = np.concatenate([MP_EVENT, np.ones(21, dtype=bool)])
    placebo = np.arange(42) >= 21
    return time, event, placebo


def test_kaplan_meier_matches_the_published_6mp_arm():
    table = kaplan_meier(MP_TIME, MP_EVENT)
    rows = table[table["events"] > 0].to_numpy()
    assert rows[:, :3].tolist() == [list(map(float, r[:3])) for r in PUBLISHED_KM]
    # printed to 3 decimals: agreement to half a unit in the last place
    np.testing.assert_allclose(rows[:, 3:], np.array(PUBLISHED_KM)[:, 3:], atol=5e-4)
    # censored-only times carry the estimate on unchanged
    assert survival_at(table, 9.5) == survival_at(table, 7.0)
    assert survival_at(table, 5.99) == 1.0 and survival_at(table, 100.0) == pytest.approx(
        0.448, abs=5e-4)


def test_greenwood_by_hand_at_the_first_event():
    # S = 18/21; var(log S) = 3/(21*18); log(-log) interval by hand
    table = kaplan_meier(MP_TIME, MP_EVENT)
    s = 18 / 21
    se = np.sqrt(3 / (21 * 18)) / abs(np.log(s))
    z = 1.959963984540054
    assert table["lower"].iloc[0] == pytest.approx(s ** np.exp(z * se), rel=1e-12)
    assert table["upper"].iloc[0] == pytest.approx(s ** np.exp(-z * se), rel=1e-12)


def test_weights_are_frequency_weights():
    rng = np.random.default_rng(3)
    counts = rng.integers(1, 4, MP_TIME.size)
    weighted = kaplan_meier(MP_TIME, MP_EVENT, counts)
    repeated = kaplan_meier(np.repeat(MP_TIME, counts), np.repeat(MP_EVENT, counts))
    np.testing.assert_allclose(weighted.to_numpy(), repeated.to_numpy(), rtol=1e-12)
    time, event, placebo = _trial()
    counts = rng.integers(1, 4, time.size)
    np.testing.assert_allclose(
        hazard_ratio(time, event, placebo, counts),
        hazard_ratio(*(np.repeat(a, counts) for a in (time, event, placebo))), rtol=1e-10)


def test_hazard_ratio_matches_the_published_cox_fit():
    hr, lower, upper = hazard_ratio(*_trial())
    assert np.log(hr) == pytest.approx(1.509, abs=5e-4)
    assert (hr, lower, upper) == pytest.approx((4.523, 2.027, 10.094), abs=5e-4)


def test_hazard_ratio_maximises_the_breslow_partial_likelihood():
    time, event, placebo = _trial()

    def minus_log_likelihood(beta: float) -> float:
        risk = np.exp(beta * placebo)
        return -sum(beta * placebo[i] - np.log(risk[time >= time[i]].sum())
                    for i in np.flatnonzero(event))

    best = minimize_scalar(minus_log_likelihood, bounds=(-5, 5), method="bounded",
                           options={"xatol": 1e-10})
    assert np.log(hazard_ratio(time, event, placebo)[0]) == pytest.approx(best.x, abs=1e-6)


def test_no_events_in_a_group_and_bad_input():
    time, event, placebo = _trial()
    hr, lower, upper = hazard_ratio(time, event & placebo, placebo)
    assert hr == np.inf and np.isnan(lower) and np.isnan(upper)
    with pytest.raises(PycartError, match="both groups"):
        hazard_ratio(time, event, np.ones(42, dtype=bool))
    with pytest.raises(PycartError, match="finite"):
        kaplan_meier(np.array([1.0, np.nan]), np.array([True, False]))
    with pytest.raises(PycartError, match="weights"):
        kaplan_meier(MP_TIME, MP_EVENT, -np.ones(21))


def test_all_events_reach_zero():
    table = kaplan_meier(PLACEBO_TIME, np.ones(21, dtype=bool))
    assert table["survival"].iloc[-1] == 0.0 and table["lower"].iloc[-1] == 0.0
    # no censoring: the survival is the share still in remission
    assert survival_at(table, 10.0) == pytest.approx(8 / 21)


def test_weight_zero_patients_change_nothing():
    time = np.concatenate([MP_TIME, [40.0, 3.0]])
    event = np.concatenate([MP_EVENT, [True, True]])
    table = kaplan_meier(time, event, np.concatenate([np.ones(21), [0.0, 0.0]]))
    plain = kaplan_meier(MP_TIME, MP_EVENT)
    assert np.isfinite(table["survival"]).all()
    for t in (2.0, 3.0, 10.0, 23.0, 40.0):
        assert survival_at(table, t) == survival_at(plain, t)
    hr = hazard_ratio(*_trial())
    time, event, placebo = _trial()
    extra = (np.append(time, 50.0), np.append(event, True), np.append(placebo, True))
    assert hazard_ratio(*extra, weights=np.append(np.ones(42), 0.0)) == pytest.approx(hr)


def _many_times(n: int) -> tuple[np.ndarray, ...]:
    """``n`` patients with distinct times, half with an event, random weights and groups."""
    rng = np.random.default_rng(7)
    return (rng.permutation(n).astype(float), rng.random(n) < 0.5, rng.random(n) < 0.5,
            rng.random(n))


def test_risk_sets_memory_is_bounded_by_blocks():
    # issue 22's 100,000-patient trial was killed at 22.9 GB: the Cox model held every event
    # time x every responder (booleans and BLAS's float copy, ~10 bytes a cell); 8,000
    # patients with 4,000 event times are 32 million cells (~320 MB at once), a block is
    # 2^22 cells (survival.BLOCK_CELLS, ~46 MB) whatever the population
    import tracemalloc

    time, event, group, weights = _many_times(8000)
    tracemalloc.start()
    try:
        hazard_ratio(time, event, group, weights)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 80e6, f"{peak / 1e6:.0f} MB"


def test_risk_sets_in_blocks_keep_every_bit(monkeypatch):
    # the trial's endpoints.csv must not move: on one BLAS thread (as the trial's bootstrap
    # runs) each row of a matrix-vector product is summed alike in any block of 64k rows
    from threadpoolctl import threadpool_limits

    from pycart.analysis import survival

    args = _many_times(3000)
    with threadpool_limits(1, user_api="blas"):
        monkeypatch.setattr(survival, "BLOCK_CELLS", 1 << 40)  # one block
        whole = survival._risk_sets(*args[:3], args[3])
        monkeypatch.setattr(survival, "BLOCK_CELLS", 1)  # 64 event times a block
        blocked = survival._risk_sets(*args[:3], args[3])
    assert survival._block_rows(3000) == 64
    for a, b in zip(whole, blocked, strict=True):
        assert np.array_equal(a, b)
