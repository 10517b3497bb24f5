"""The Python API: defaults, isolation between calls, grids, summary, homeostatic state."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pycart
from pycart.core.model import NEGATIVE_ROUNDOFF, clip_roundoff
from pycart.core.names import model_parameters

FIG3 = {"B0": 1e6, "B1": 3e7, "B2": 2e8, "B3": 9e7, "L": 2e11, "CA": 5e7, "CM": 0.0}


def test_defaults_are_figure_3(model):
    assert model.default_initial == FIG3
    p = model.default_parameters
    assert (p["alpha"], p["h"]) == (3e-10, 1e9)
    assert set(p) == set(model_parameters("cart_bm"))
    assert all(p[d] == 0 for d in ("reinf_dose", "relapse_threshold", "relapse_dose",
                                   "binf_threshold", "binf_dose")), "doses are off by default"


def test_result_is_a_table_of_amounts(model):
    df = model.simulate(t_end=10, points=11)
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["time", "B0", "B1", "B2", "B3", "L", "CA", "CM"]
    np.testing.assert_array_equal(df["time"], np.arange(11.0))
    assert df.iloc[0, 1:].to_dict() == FIG3


def test_default_grid_is_daily(model):
    assert len(model.simulate(t_end=180)) == 181
    assert len(model.simulate(t_end=0.5)) == 2


def test_calls_do_not_leak_into_each_other(model):
    first = model.simulate(t_end=30, points=31)
    model.simulate({"alpha": 3e-9, "B0_in_F": 1, "h": 1e8}, {"L": 1e10, "CM": 1e6}, 30, 31)
    again = model.simulate(t_end=30, points=31)
    pd.testing.assert_frame_equal(first, again)


def test_a_fresh_model_gives_the_same_numbers(model):
    pd.testing.assert_frame_equal(model.simulate(t_end=60, points=7),
                                  pycart.simulate(t_end=60, points=7))


def test_parameters_and_amounts_take_effect(model):
    base = model.simulate(t_end=30, points=2)
    slow = model.simulate({"rhoA": 0.4, "h": 1e11}, t_end=30, points=2)
    assert slow["L"].iloc[-1] > 1e6 * base["L"].iloc[-1]
    df = model.simulate(initial={"L": 1e10}, t_end=30, points=2)
    assert df["L"].iloc[0] == 1e10


def test_run_trajectory_is_the_requested_grid_and_equals_simulate(model):
    run = model.run(t_end=60, points=61)
    pd.testing.assert_frame_equal(run.trajectory, model.simulate(t_end=60, points=61),
                                  rtol=1e-7, atol=1e-12)
    assert len(run.trajectory) == 61


def test_summary_does_not_depend_on_the_output_grid(model):
    coarse = model.run(t_end=180, points=2).summary
    fine = model.run(t_end=180, points=3001).summary
    assert coarse.L30 == pytest.approx(fine.L30, rel=1e-6)
    assert coarse.C_peak == pytest.approx(fine.C_peak, rel=1e-7)
    assert coarse.t_peak == pytest.approx(fine.t_peak, abs=1e-4)


def test_summary_of_a_short_run_has_no_day_30(model):
    summary = model.run(t_end=20).summary
    assert summary.L30 is None and summary.responder is None
    assert "n/a" in summary.lines()[0]


def test_figure3_opening_phase(model):
    """Paper, section 3.1-3.2: CAR T expand ~two orders of magnitude in ~10 days and the
    leukemia falls below one cell before day 30."""
    df = model.simulate(t_end=60, points=61)
    car_t = df["CA"] + df["CM"]
    fold = car_t.iloc[10] / car_t.iloc[0]
    assert 100 <= fold < 1000
    below = df.loc[df["L"] < 1, "time"]
    assert not below.empty and below.iloc[0] < 30
    assert (df.loc[df["time"] >= below.iloc[0], "L"].iloc[: 30 - int(below.iloc[0])] < 1).all()


@pytest.mark.parametrize("bad, match", [
    ({"nope": 1}, "unknown parameter 'nope'"),
    ({"alpha": -1}, "alpha.*allowed: a finite number >= 0"),
    ({"h": 0}, "h.*allowed: a finite number > 0"),
    ({"alpha": float("nan")}, "not finite"),
    ({"alpha": "x"}, "not a number"),
    ({"alpha": True}, "not a number"),
    ({"B0_in_F": 2}, "allowed: 0 or 1"),
])
def test_bad_parameters_are_refused(model, bad, match):
    with pytest.raises(pycart.PycartError, match=match):
        model.simulate(bad)


@pytest.mark.parametrize("kwargs, match", [
    ({"initial": {"X": 1}}, "unknown species 'X'"),
    ({"initial": {"L": -5}}, "negative"),
    ({"initial": {"L": float("inf")}}, "not finite"),
    ({"t_end": 0}, "horizon"),
    ({"t_end": -3}, "horizon"),
    ({"points": 1}, "point count"),
    ({"points": 2.5}, "whole number"),
])
def test_bad_requests_are_refused(model, kwargs, match):
    with pytest.raises(pycart.PycartError, match=match):
        model.simulate(**kwargs)


def test_round_off_negatives_become_zero_and_real_ones_fail():
    values = np.array([[1.0, -1e-20], [2.0, 3.0]])
    t = np.array([0.0, 1.0])
    np.testing.assert_array_equal(clip_roundoff(values, t, ("B0", "B1")), [[1, 0], [2, 3]])
    with pytest.raises(pycart.SimulationError, match="negative cell count.*B1 at day 1"):
        clip_roundoff(np.array([[1.0, 1.0], [2.0, -10 * NEGATIVE_ROUNDOFF]]), t, ("B0", "B1"))


def test_solver_failure_is_a_simulation_error():
    """Adams cannot follow the printed F, where CAR T reach ~1e26 cells (why BDF is the
    default): the failure is reported, never returned as numbers."""
    adams = pycart.Model(solver=pycart.SolverSettings(stiff=False))
    with pytest.raises(pycart.SimulationError, match="solver failed.*CV_TOO_MUCH_WORK"):
        adams.simulate({"B0_in_F": 1}, t_end=180, points=2)


# ---- homeostatic state ---------------------------------------------------------------

def test_homeostasis_hand_calculation():
    """s_B = gamma0/rho0; total = (1/s_B - 1)/k; each stage from the one before (eqs. 1b-1d)."""
    s = 0.02 / (np.log(2) / 8)
    b0 = 1.0
    b1 = 0.02 * b0 / (0.168 - s * np.log(2))
    b2 = 0.168 * b1 / (0.144 - s * np.log(2) / 1.5)
    b3 = 0.144 * b2 / 0.288
    total = (1 / s - 1) / 1e-10
    expected = np.array([b0, b1, b2, b3]) * total / (b0 + b1 + b2 + b3)
    np.testing.assert_allclose(pycart.homeostasis().to_numpy(), expected, rtol=1e-12)


def test_homeostasis_matches_paper_section_2_4():
    state = pycart.homeostasis()
    assert 2.5e10 < state.sum() < 3.5e10  # "around 3e10 cells"
    assert state.idxmax() == "B2"  # pre-BII the largest subset ...
    assert state.sort_values().index[-2] == "B3"  # ... then immature


def test_homeostasis_is_a_steady_state_of_the_sbml_model(model):
    state = pycart.homeostasis()
    df = model.simulate(initial={**state, "L": 0, "CA": 0, "CM": 0}, t_end=2000, points=3)
    np.testing.assert_allclose(df[list(state.index)].iloc[-1].to_numpy(), state.to_numpy(),
                               rtol=1e-6)


def test_homeostasis_is_approached_from_figure_3s_b_cells(model):
    """Without leukaemia and CAR T, Figure 3's B cells settle on the state (slowly: B0's
    net growth vanishes near it, so it takes decades of model time)."""
    state = pycart.homeostasis()
    df = model.simulate(initial={"L": 0, "CA": 0, "CM": 0}, t_end=30000, points=2)
    np.testing.assert_allclose(df[list(state.index)].iloc[-1].to_numpy(), state.to_numpy(),
                               rtol=1e-6)


def test_homeostasis_fraction_and_parameters():
    np.testing.assert_allclose(pycart.homeostasis(fraction=0.01), pycart.homeostasis() * 0.01)
    assert pycart.homeostasis({"k": 2e-10}).sum() == pytest.approx(pycart.homeostasis().sum() / 2)
    with pytest.raises(pycart.PycartError, match="no homeostatic B-cell state"):
        pycart.homeostasis({"rho0": 0.01})
    with pytest.raises(pycart.PycartError, match="fraction"):
        pycart.homeostasis(fraction=0)


# ---- the doses' clock: a rate rule in the SBML, time itself in pycart ---------------------

def _rules(sbml: str) -> dict[str, str]:
    import libsbml

    model = libsbml.readSBMLFromString(sbml).getModel()
    return {r.getVariable(): ("rate" if r.isRate() else "assignment")
            + " " + libsbml.formulaToL3String(r.getMath()) for r in model.getListOfRules()}


@pytest.mark.parametrize("name", ["cart_bm", "cart_bm2", "cart_bm_ext", "cart_bm2_ext"])
def test_the_sbml_clock_is_a_rate_rule_and_pycart_reads_it_as_time(name):
    """Every tool reads a rate rule in an event (AMICI cannot read clock := time there);
    pycart reads it as time, so CVODE's state is the species and pycart's numbers do not
    move. Only the clock changes: cart_bm_ext's stimulation history stays a rate rule."""
    from pycart.core.model import clock_as_time, load_roadrunner
    from pycart.core.resources import sbml_text

    text = sbml_text(name)
    before, after = _rules(text), _rules(clock_as_time(text))
    assert before["clock"] == "rate one" and after["clock"] == "assignment time"
    assert {k: v for k, v in before.items() if k != "clock"} == {
        k: v for k, v in after.items() if k != "clock"}
    rr = load_roadrunner(text)
    states = [rr.model.getStateVectorId(i)
              for i in range(len(rr.integrator.getAbsoluteToleranceVector()))]
    assert "clock" not in states and rr.model.getNumRateRules() == len(
        [v for v in before.values() if v.startswith("rate")]) - 1


@pytest.mark.parametrize("edit", [
    ('id="clock" name="time (days) as a model quantity, which dose records read" value="0"',
     'id="clock" name="time (days) as a model quantity, which dose records read" value="5"'),
    ('<rateRule variable="clock">\n        <math xmlns="http://www.w3.org/1998/Math/MathML">\n'
     '          <ci> one </ci>', '<rateRule variable="clock">\n        <math xmlns="http://www.'
     'w3.org/1998/Math/MathML">\n          <cn> 2 </cn>'),
], ids=["starts at 5", "grows at 2"])
def test_a_rate_rule_that_is_not_a_clock_is_left_alone(edit):
    from pycart.core.model import clock_as_time
    from pycart.core.resources import sbml_text

    text = sbml_text("cart_bm")
    changed = text.replace(*edit, 1)
    assert changed != text
    assert clock_as_time(changed) == changed


def test_a_clock_with_its_own_event_assignment_is_left_alone():
    import libsbml

    from pycart.core.model import clock_as_time
    from pycart.core.resources import sbml_text

    document = libsbml.readSBMLFromString(sbml_text("cart_bm"))
    event = document.getModel().getEvent(0)
    assignment = event.createEventAssignment()
    assignment.setVariable("clock")
    assignment.setMath(libsbml.parseL3Formula("0"))
    text = libsbml.writeSBMLToString(document)
    assert clock_as_time(text) == text


def test_the_clock_read_as_time_gives_the_raw_sbmls_numbers_and_dose_days():
    """pycart (clock as time) and libRoadRunner on the SBML as written (clock integrated)
    agree to the tolerance, and the day a dose on relapse records is the same."""
    import roadrunner

    from pycart.core.model import SolverSettings
    from pycart.core.resources import sbml_text

    dosed = {"alpha": 3e-10, "h": 1e10, "rhoA": 0.55, "relapse_threshold": 1e8,
             "relapse_dose": 5e8}
    run = pycart.Model().run(dosed, t_end=180.0)
    raw = roadrunner.RoadRunner(sbml_text("cart_bm"))
    SolverSettings().apply(raw)
    for key, value in dosed.items():
        raw[key] = value
    out = raw.simulate(0, 180, 181, ["time", "L", "CA", "relapse_given_day", "clock"])
    assert out["clock"][-1] == pytest.approx(180.0, rel=1e-12)
    assert out["relapse_given_day"][-1] == pytest.approx(run.doses["relapse_given_day"], rel=1e-7)
    assert run.doses["relapse_given_day"] > 30
    for species in ("L", "CA"):
        np.testing.assert_allclose(out[species], run.trajectory[species], rtol=1e-6,
                                   atol=1e-6)


def test_default_values_parse_the_sbml_once_and_hand_out_fresh_dicts(monkeypatch):
    """The SBML of a model is parsed once per process and text (the virtual trial builds a
    simulator per chunk and schedule); each call gets dicts of its own to change."""
    import libsbml

    from pycart.core import resources

    resources._sbml_values.cache_clear()
    parse = libsbml.readSBMLFromString
    calls = []
    monkeypatch.setattr(libsbml, "readSBMLFromString",
                        lambda text: calls.append(1) or parse(text))
    params, initial = resources.default_values("cart_bm")
    params["rho0"], initial["L"] = -1.0, -1.0
    again = resources.default_values("cart_bm")
    assert len(calls) == 1
    model = parse(resources.sbml_text("cart_bm")).getModel()
    assert again[0]["rho0"] == model.getParameter("rho0").getValue()
    assert again[1]["L"] == model.getSpecies("L").getInitialAmount()
    resources._sbml_values.cache_clear()
