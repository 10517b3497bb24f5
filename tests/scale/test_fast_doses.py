"""Doses on the fast path: schedules against an independent solver with impulses, and the
fast path against libRoadRunner (the schedule's model variant) on random schedules."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import solve_ivp

from pycart.core import reference
from pycart.core.names import EXTENDED_MODELS, MODELS, TWO_PRODUCT_MODELS
from pycart.core.resources import default_values
from pycart.core.schedule import normalize, slot_names, slots
from pycart.scale import fast
from pycart.scale.kernel import fast_obstacle

#: Four doses over two products plus a leukaemia re-challenge (the issue's acceptance case).
SCHEDULE = [(0, 1e7), (2, 1e7), (5.5, 2e7, "CA2"), (7, 1e7), (40, 1e6, "L")]
#: The same days with one product (cart_bm): the default suite's case, on the kernel it
#: compiles anyway (each other model's kernel is ~30 s of CPU to compile on a first run).
SCHEDULE_ONE = [(0, 1e7), (2, 1e7), (5.5, 2e7), (7, 1e7), (40, 1e6, "L")]
DAYS = tuple(float(d) for d in range(1, 61))


def _independent(doses, model="cart_bm2", t_end=60.0):
    """``model``'s defaults (cart_bm or cart_bm2) integrated by scipy's DOP853 on
    pycart.core.reference's equations (written from the paper, sharing no code with the SBML
    or the kernel), the doses as impulses at their days: amounts of the model's species
    (reference.ORDER or ORDER2) at DAYS."""
    params, initial = default_values(model)
    order = reference.ORDER2 if model == "cart_bm2" else reference.ORDER
    second = ("alpha2", "h2", "rhoA2") if model == "cart_bm2" else ()
    p = reference.TABLE1 | {k: params[k] for k in (*reference.TABLE1, *second)}
    later, at_zero = normalize(doses)
    y = np.array([initial[s] for s in order], dtype=float)
    for s in ("CA", "CA2"):
        if s in order:
            y[order.index(s)] = at_zero.get(s, 0.0)
    out, t = {}, 0.0
    for stop in sorted({d.day for d in later} | {t_end}):
        want = [d for d in DAYS if t < d < stop]
        sol = solve_ivp(reference.rhs(p), (t, stop), y, method="DOP853", rtol=1e-12,
                        atol=1e-20, t_eval=[*want, stop])
        assert sol.success
        y = sol.y[:, -1].copy()
        want += [stop] if stop in DAYS else []
        for d in later:
            if d.day == stop:
                y[order.index(d.species)] += d.cells
        for k, day in enumerate(want):
            out[day] = y.copy() if day == stop else sol.y[:, k]
        t = stop
    return np.array([out[d] for d in DAYS])


@pytest.mark.parametrize("model, doses", [
    ("cart_bm", SCHEDULE_ONE),
    # cart_bm2's kernel is compiled for this test alone in the default suite: heavy
    pytest.param("cart_bm2", SCHEDULE, marks=pytest.mark.heavy)])
def test_four_doses_of_two_products_and_a_rechallenge_match_an_independent_solver(model,
                                                                                   doses):
    """Within 1e-6 relative wherever a population is above one cell, every species, days 1
    to 60 (the fast path's rtol is 1e-8; the reference's 1e-12): four CAR T doses (of both
    products in cart_bm2) and a leukaemia re-challenge."""
    species = MODELS[model]
    table = fast.simulate_points(np.array([[3e-10]]), ["alpha"], model=model,
                                 doses=doses, t_end=60, days=DAYS, species=species,
                                 solver="fast")
    assert table["message"].iloc[0] == ""
    ref = _independent(doses, model)
    for j, s in enumerate(species):
        ours = np.array([table[f"{s}@{d:g}"].iloc[0] for d in DAYS])
        above = ref[:, j] > 1.0
        np.testing.assert_allclose(ours[above], ref[above, j], rtol=1e-6, err_msg=s)
        assert (np.abs(ours[~above] - ref[~above, j]) < 1e-6).all(), s


#: The doses a random schedule may give, per model, with the range of their cells (log10).
SPECIES_CELLS = {"CA": (6, 9), "CA2": (6, 9), "B3": (6, 9), "L": (3, 9), "Ln": (3, 6)}


def _random_points(model, shape, n, rng, t_end):
    """``n`` random patients with a random schedule of ``shape`` (slots per species, a
    day-0 CA dose besides) and random doses on relapse, as a points table."""
    columns = {"alpha": 10 ** rng.uniform(math.log10(5e-11), math.log10(5e-9), n),
               "h": 10 ** rng.uniform(math.log10(5e8), math.log10(5e10), n)}
    for s, count in shape.items():
        days = np.sort(rng.uniform(0.5, t_end - 1, (n, count)), axis=1)
        for k in range(count):
            day, cells = slot_names(s, k + 1)
            columns[day] = np.round(days[:, k], 3) + 1e-4 * (k + 1)  # no two on one day
            columns[cells] = 10 ** rng.uniform(*SPECIES_CELLS[s], n)
    relapse = rng.random(n) < 0.5
    columns["relapse_threshold"] = np.where(relapse, 1e8, 0.0)
    columns["relapse_dose"] = np.where(relapse, 10 ** rng.uniform(8, 10, n), 0.0)
    columns["relapse_fallback_day"] = np.where(relapse, 30.5, 0.0)
    # a rule is off with both its threshold and dose at 0 (threshold 0 alone is off on paper,
    # but libRoadRunner then reads L's round-off below 0 as a fall and gives the dose)
    binf = rng.random(n) < 0.3
    columns["binf_threshold"] = np.where(binf, 1e7, 0.0)
    columns["binf_dose"] = np.where(binf, 1e8, 0.0)
    columns["binf_fallback_day"] = np.where(binf, 33.5, 0.0)
    if model in TWO_PRODUCT_MODELS:
        columns["relapse_dose2"] = np.where(rng.random(n) < 0.5, 1e9, 0.0)
    if model in EXTENDED_MODELS:  # both modules on or off: the rate rules X, X2 at work
        columns["exhaustion"] = columns["escape"] = (rng.random(n) < 0.7).astype(float)
    return pd.DataFrame(columns)


def _schedule_of(shape):
    """A schedule with ``shape``'s slots (values replaced point by point) and a day-0 dose."""
    return [(0, 1e7)] + [(k + 1.0, 1e7, s) for s, count in shape.items()
                         for k in range(count)]


def _compare(model, shape, n, seed, t_end=60.0):
    points = _random_points(model, shape, n, np.random.default_rng(seed), t_end)
    doses = _schedule_of(shape)
    assert slots(doses) == {s: c for s, c in shape.items() if c}
    kwargs = {"model": model, "doses": doses, "t_end": t_end, "records": True,
              "days": (t_end,)}
    ours = fast.simulate_points(points, solver="fast", **kwargs)
    theirs = fast.simulate_points(points, solver="roadrunner", **kwargs)
    assert (ours["status"] == "ok").all() and (theirs["status"] == "ok").all()
    assert (ours["message"] == "").all()
    a, b = ours["L30"].to_numpy(), theirs["L30"].to_numpy()
    assert (np.abs(a - b) <= np.maximum(1e-6 * np.abs(b), 1e-6)).all(), (a, b)
    assert ours["responder"].tolist() == theirs["responder"].tolist()
    # the first CAR T peak, over every CAR T compartment (CE, CE2 included) on both paths
    assert ours["peak_reached"].tolist() == theirs["peak_reached"].tolist()
    np.testing.assert_allclose(ours["C_peak"], theirs["C_peak"], rtol=1e-6)
    np.testing.assert_allclose(ours["t_peak"], theirs["t_peak"], atol=1e-5)
    for record in [c for c in ours.columns if c.endswith("given_day")]:
        assert (np.abs(ours[record] - theirs[record]) < 1e-6).all(), record
    return ours


SHAPES = {"cart_bm": {"CA": 2, "B3": 1, "L": 1},
          "cart_bm2": {"CA": 1, "CA2": 2, "L": 1},
          "cart_bm_ext": {"CA": 1, "L": 1, "Ln": 1},
          "cart_bm2_ext": {"CA": 1, "CA2": 1, "B3": 1, "Ln": 1}}


@pytest.mark.parametrize("model", [
    # the other models' kernels are compiled for these tests alone in the default suite
    # (~30 s of CPU each on a first run): heavy, beside the thousand schedules below
    m if m == "cart_bm" else pytest.param(m, marks=pytest.mark.heavy) for m in SHAPES])
def test_fast_path_matches_roadrunner_on_random_schedules(model):
    """Five random patients and schedules per model (20 in all): L30 within 1e-6 relative
    or 1e-6 cells, the same responders, the days of the doses on relapse within 1e-6 day."""
    assert fast_obstacle(model) is None  # every model runs on the fast path
    table = _compare(model, SHAPES[model], 5, seed=sum(map(ord, model)))
    assert len(table) == 5


@pytest.mark.heavy
def test_fast_path_matches_roadrunner_on_a_thousand_random_schedules():
    """1,000 random schedules: 1 to 6 doses in all (the day-0 infusion and 0 to 5 more, of
    every species the model has, both products), with and without doses on relapse, all
    four models."""
    rng = np.random.default_rng(20)
    given = 0
    for case in range(50):
        model = list(MODELS)[case % 4]
        allowed = [s for s in SPECIES_CELLS if s in MODELS[model]]
        shape: dict[str, int] = {}
        for s in rng.choice(allowed, rng.integers(0, 6)):
            shape[str(s)] = shape.get(str(s), 0) + 1
        table = _compare(model, shape, 20, seed=case, t_end=90.0)
        given += int((table["relapse_given_day"] > 0).sum())
    assert given > 100  # the doses on relapse were exercised


@pytest.mark.parametrize("doses, columns, message", [
    ([(2, 1e7, "CA2")], {"h": [1e9]}, "cart_bm has no CA2"),
    ([(2, 1e7)] * 13, {"h": [1e9]}, "at most 12 doses per run"),
    ([(2, math.nan)], {"h": [1e9]}, "cells are a finite number > 0"),
    ([(0, 1e7), (2, 1e7)], {"dose_CA_1_day": [0.0, 3.0]}, "a varied dose day is > 0"),
    ([(0, 1e7), (2, 1e7)], {"dose_CA_1_day": [3.0, 45.0]}, "to the horizon (30 days)"),
    ([(0, 1e7), (2, 1e7)], {"dose_CA_1_cells": [-1.0, 1e7]}, "cells are a finite number > 0"),
    ([(0, 1e7), (2, 1e7)], {"dose_CA_2_day": [3.0]}, "the dose schedule has no such slot"),
])
def test_bad_schedules_in_simulate_points_are_refused_in_one_line(doses, columns, message):
    with pytest.raises(fast.PycartError) as info:
        fast.simulate_points(pd.DataFrame(columns), doses=doses)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_sweep_over_a_dose_day_and_size_varies_the_slot():
    """Points varying the second fraction's day and size (slot parameters) on the fast
    path and on libRoadRunner's variant agree, and differ from each other."""
    points = pd.DataFrame({"dose_CA_1_day": [2.0, 5.0, 9.0], "dose_CA_1_cells": [1e6, 1e7, 1e8]})
    kwargs = {"doses": [(0, 1e7), (2, 1e7)], "t_end": 30, "days": (10.0,), "species": ("CA",)}
    ours = fast.simulate_points(points, solver="fast", **kwargs)
    theirs = fast.simulate_points(points, solver="roadrunner", **kwargs)
    np.testing.assert_allclose(ours["CA@10"], theirs["CA@10"], rtol=1e-6)
    np.testing.assert_allclose(ours["L30"], theirs["L30"], rtol=1e-6, atol=1e-6)
    assert ours["CA@10"].nunique() == 3
