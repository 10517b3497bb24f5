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


def _reference_risk_sets(time, event, group, weights):
    """The risk sets from their definition, as survival.py computed them before its sort:
    (event times x patients) masks, each at-risk weight a sum over its row."""
    times = np.unique(time[event & (weights > 0)])
    later = time[None, :] >= times[:, None]
    at_risk = np.array([(later & g) @ weights for g in (~group, group)])
    now = (time[None, :] == times[:, None]) & event
    return at_risk, now @ weights, (now & group) @ weights


def _tied_weighted(n: int, seed: int) -> tuple[np.ndarray, ...]:
    """``n`` patients on 0.25-day times (many ties, as the trial's sampling gives), a third
    censored, random groups and weights, a tenth of the weights 0, the last two events of
    weight 0 at times of their own."""
    rng = np.random.default_rng(seed)
    time = np.r_[rng.integers(0, 4 * 60, n - 2) / 4.0, 0.125, 70.0]
    weights = np.r_[rng.random(n - 2) * (rng.random(n - 2) > 0.1), 0.0, 0.0]
    event = np.r_[rng.random(n - 2) < 2 / 3, True, True]
    return time, event, rng.random(n) < 0.4, weights


def test_risk_sets_are_the_definitions_sums():
    # both sides sum the same nonnegative numbers in another order: each sum of n terms is
    # within (n - 1) u of the exact one, relatively (Higham 2002, section 4.2), so the two
    # differ by at most 2 (n - 1) u relatively
    from pycart.analysis import survival

    n = 3000
    args = _tied_weighted(n, 7)
    new, old = survival._risk_sets(*args), _reference_risk_sets(*args)
    rtol = 2 * (n - 1) * np.finfo(float).eps / 2  # u = eps / 2
    for a, b in zip(new, old, strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=0)
    assert len(np.unique(args[0][args[1]])) == len(new[1]) + 2  # weight-0 events: no time


def test_hazard_ratio_is_the_definitions_fit():
    # the sums move by at most 2 (n - 1) u relatively (above); a relative change r of every
    # at-risk weight moves each share s by at most 2 r s (1 - s), the score by at most
    # 2 r times the information, so beta by at most 2 r: the ratio and its bounds by
    # about 2 r (the interval's half-width by r / 2 more, through the information)
    from pycart.analysis import survival

    for seed in (1, 2, 3):
        n = 2000
        time, event, group, weights = _tied_weighted(n, seed)
        got = hazard_ratio(time, event, group, weights)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(survival, "_risk_sets", _reference_risk_sets)
            expected = hazard_ratio(time, event, group, weights)
        r = 2 * (n - 1) * np.finfo(float).eps / 2
        np.testing.assert_allclose(got, expected, rtol=3 * r)


def test_hazard_ratio_by_hand_with_ties_censoring_and_weights():
    # day 1: two events of weight 2 and 1 in group 1 and 0 (tied); day 3: censored, of weight
    # 1 and 3; day 2: an event of weight 0 (no event). Breslow's partial likelihood has one
    # factor, (e^b)^2 / (3 e^b + 4)^3: score 2 - 9 e^b / (3 e^b + 4) = 0 gives e^b = 8/3,
    # the share s = 3 e^b / (3 e^b + 4) = 2/3 and the information 3 s (1 - s) = 2/3
    time = np.array([1.0, 1.0, 3.0, 3.0, 2.0])
    event = np.array([True, True, False, False, True])
    group = np.array([True, False, True, False, True])
    weights = np.array([2.0, 1.0, 1.0, 3.0, 0.0])
    hr, lower, upper = hazard_ratio(time, event, group, weights)
    half = 1.959963984540054 / np.sqrt(2 / 3)
    assert hr == pytest.approx(8 / 3, rel=1e-12)
    assert (lower, upper) == pytest.approx((8 / 3 * np.exp(-half), 8 / 3 * np.exp(half)),
                                           rel=1e-12)
    # the same as five frequency-weighted patients written out (the weight-0 one dropped)
    keep = np.repeat(np.arange(4), [2, 1, 1, 3])
    assert hazard_ratio(time[keep], event[keep], group[keep]) == pytest.approx(
        (hr, lower, upper), rel=1e-12)


def test_risk_sets_grow_with_the_population_not_its_square():
    # issue 22's 100,000-patient trial was killed at 22.9 GB and later took ~22 s a call:
    # the Cox model held (event times x patients) matrices. Sorted, a call keeps a few
    # arrays of n numbers (here ~0.8 MB each): 100,000 patients with 24,000 tied times
    import tracemalloc

    time, event, group, weights = _tied_weighted(100_000, 5)
    time = time * 100.0 + np.random.default_rng(0).integers(0, 100, time.size)
    tracemalloc.start()
    try:
        hazard_ratio(time, event, group, weights)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20e6, f"{peak / 1e6:.0f} MB"
