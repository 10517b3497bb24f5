"""cart_bm_ext, the paper's model with the exhaustion and CD19-negative clone modules (issue
14): with both switches off it is the paper's model, in pycart and in COPASI; each module does
what its notes say. cart_bm2_ext, the two-product model with the same modules: with both
switches off it is cart_bm2; with no second product it is cart_bm_ext."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import pycart
from pycart.core.model import SolverSettings
from pycart.core.names import (
    EXTENSION_PARAMETERS,
    MODELS,
    SPECIES,
    SPECIES2,
    SPECIES_EXT,
    model_parameters,
)
from pycart.core.resources import sbml_text
from pycart.exchange.sbml import with_values

#: Tight enough that each model's own numerical error is below 1e-10 relative, so what is
#: compared is the equations (at the default 1e-10 the two models' step sequences differ,
#: since CVODE's error norm averages over 7 or 10 states, and L at its minimum differs by 5e-8).
TIGHT = SolverSettings(relative_tolerance=1e-13, absolute_tolerance=1e-18,
                       maximum_num_steps=5_000_000)
NR = {"alpha": 3e-10, "h": 1e10, "rhoA": 0.55}
OFF_CASES = {
    "fig3": {"alpha": 3e-10, "h": 1e9},
    "reinfusion-on-relapse": NR | {"relapse_threshold": 1e8, "relapse_dose": 5e8},
    "b-cell-infusion": NR | {"binf_threshold": 1e8, "binf_dose": 5e8},
    "scheduled": NR | {"reinf_day": 47.3, "reinf_dose": 5e9},
}
#: For the 9- and 12-state two-product models: at 1e-13, L at its minimum (one cell on day 180
#: of Figure 3) differs by 1.8e-10 relative, and by 5e-11 at 3e-14, so the difference is the
#: solver's, not the equations'.
TIGHTER = SolverSettings(relative_tolerance=3e-14, absolute_tolerance=1e-18,
                         maximum_num_steps=5_000_000)
#: Figure 8C's NR1: an improved second product on relapse (the two-product models).
IMPROVED_C = NR | {"h2": 5e8, "alpha2": 3e-10, "rhoA2": 0.9, "relapse_threshold": 1e8,
                   "relapse_dose2": 5e8}


def test_extended_model_adds_two_species_and_its_module_parameters():
    assert MODELS["cart_bm_ext"] == (*SPECIES, "CE", "Ln")
    assert set(model_parameters("cart_bm_ext")) == set(model_parameters("cart_bm")) | set(
        EXTENSION_PARAMETERS)
    assert not set(EXTENSION_PARAMETERS) & set(model_parameters("cart_bm"))
    ext = pycart.Model("cart_bm_ext")
    assert ext.default_parameters["exhaustion"] == ext.default_parameters["escape"] == 0.0
    assert ext.default_initial == pycart.Model().default_initial | {"CE": 0.0, "Ln": 0.0}


@pytest.mark.parametrize("case", list(OFF_CASES))
def test_switches_off_give_the_paper_model_to_1e_10(case):
    """1e-10 relative everywhere without doses. With a dose, CVODE's root finder places the
    trigger to ~1e-12 relative (its own tolerance, not rtol's), and that offset carries into
    the trajectory after the dose: there the bound is 1e-9."""
    params = OFF_CASES[case]
    base = pycart.Model("cart_bm", TIGHT).run(params, t_end=180, points=1801)
    ext = pycart.Model("cart_bm_ext", TIGHT).run(params, t_end=180, points=1801)
    for record, day in base.doses.items():
        assert (ext.doses[record] is None) == (day is None), record
        if day is not None:
            assert ext.doses[record] == pytest.approx(day, rel=1e-11), record
    a = base.trajectory[list(SPECIES)].to_numpy()
    b = ext.trajectory[list(SPECIES)].to_numpy()
    doses = [d for d in base.doses.values() if d is not None]
    np.testing.assert_allclose(b, a, rtol=1e-9 if doses else 1e-10, atol=0)
    if doses:
        before = base.trajectory["time"].to_numpy() < min(doses)
        np.testing.assert_allclose(b[before], a[before], rtol=1e-10, atol=0)
    assert (ext.trajectory[["CE", "Ln"]].to_numpy() == 0).all()


def test_module_parameters_change_nothing_while_switches_are_off():
    """Every module parameter at a far-off value, switches off: still the paper's model."""
    wild = {"eA": 0.5, "kE": 5.0, "XE": 1.0, "muL": 1e-3, "rhoLn": 2.0, "tauE": 1.0}
    ext = pycart.Model("cart_bm_ext")
    a = ext.simulate({"alpha": 3e-10, "h": 1e9}, t_end=60)
    b = ext.simulate({"alpha": 3e-10, "h": 1e9} | wild, t_end=60)
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())


def test_exhausted_cells_neither_proliferate_nor_kill():
    """Exhaustion only moves effector cells to CE; starting from CE alone, nothing expands
    and the leukaemia grows as without therapy; CE decays with lifetime tauE."""
    ext = pycart.Model("cart_bm_ext")
    on = {"exhaustion": 1.0, "tauE": 20.0}
    run = ext.simulate(on, {"CA": 0.0, "CE": 1e9}, t_end=10, points=11)
    untreated = ext.simulate({}, {"CA": 0.0}, t_end=10, points=11)
    np.testing.assert_allclose(run["CE"], 1e9 * np.exp(-run["time"] / 20.0), rtol=1e-7)
    np.testing.assert_allclose(run["L"], untreated["L"], rtol=1e-7)
    assert (run["CA"] == 0).all() and (run["CM"] == 0).all()


def test_cd19_negative_clone_escapes_car_t_and_shares_the_niche():
    """Ln is never killed: with CAR T cells or without, it grows the same (no B cells, so the
    feedback is the same too); with both clones, the logistic term counts L + Ln (a hand
    calculation at t = 0)."""
    ext = pycart.Model("cart_bm_ext")
    on = {"escape": 1.0, "muL": 0.0}
    no_b = {b: 0.0 for b in ("B0", "B1", "B2", "B3")} | {"L": 0.0, "Ln": 1e6}
    treated = ext.simulate(on, no_b | {"CA": 1e10}, t_end=30, points=31)
    untreated = ext.simulate(on, no_b | {"CA": 0.0}, t_end=30, points=31)
    np.testing.assert_allclose(treated["Ln"], untreated["Ln"], rtol=1e-7)
    assert treated["Ln"].iloc[-1] > 1e6
    import roadrunner

    rr = roadrunner.RoadRunner(with_values(sbml_text("cart_bm_ext"), on | {"alpha": 0.0},
                                           {"L": 4e11, "Ln": 1e11, "CA": 0.0}))
    p = {k: rr.getValue(k) for k in ("rhoL", "Lmax", "gammaL", "k", "rhoLn")}
    b = sum(rr.getValue(s) for s in ("B0", "B1", "B2", "B3"))
    sL = 1 / (1 + p["k"] * b)
    dL = sL * p["rhoL"] * 4e11 * (1 - 5e11 / p["Lmax"]) - p["gammaL"] * 4e11
    dLn = sL * p["rhoLn"] * 1e11 * (1 - 5e11 / p["Lmax"]) - p["gammaL"] * 1e11
    named = rr.getRatesOfChangeNamedArray()
    rates = {c.rstrip("'"): float(v) for c, v in zip(named.colnames, named[0], strict=True)}
    assert rates["L"] == pytest.approx(dL, rel=1e-12)
    assert rates["Ln"] == pytest.approx(dLn, rel=1e-12)


#: COPASI's (LSODA's) tolerances for the comparison below: 1e-12 relative keeps each model's
#: own error well under the 1e-10 compared (measured: the two models agree to 3.0e-11 before
#: the dose with cart_bm, 9.8e-12 with cart_bm2; the trigger day to 1.6e-12). At 1e-13 (450
#: ulps) LSODA works at its roundoff floor and thrashes: about 100 s of CPU a model instead
#: of 0.1 s (220 and 350 s for this test in CI).
COPASI_TIGHT = {"Relative Tolerance": 1e-12, "Absolute Tolerance": 1e-18,
                "Max Internal Steps": 10_000_000}


# seconds now (COPASI_TIGHT), but it imports basico and COPASI: heavy, and no longer among
# the long tests started first (no timeout of its own: tests/conftest.py)
@pytest.mark.heavy
@pytest.mark.parametrize("pair", [
    ("cart_bm", "cart_bm_ext", "reinfusion-on-relapse"),
    ("cart_bm2", "cart_bm2_ext", "improved-second-product")])
def test_switches_off_give_the_paper_model_in_copasi(pair):
    """COPASI (through basico) runs the committed cart_bm and cart_bm_ext (and cart_bm2 and
    cart_bm2_ext with Figure 8C's second product) with the switches off to the same numbers
    at tight tolerances: 1e-10 relative before the reinfusion, 1e-8 after it (the trigger day
    agrees to 1e-11)."""
    paper, extended, case = pair
    params = IMPROVED_C if case == "improved-second-product" else OFF_CASES[case]
    record = "relapse2_given_day" if case == "improved-second-product" else "relapse_given_day"
    species = SPECIES2 if paper == "cart_bm2" else SPECIES
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        basico = pytest.importorskip("basico")
    days = [0.0, 10.0, 20.0, 30.0, 60.0, 120.0, 180.0]

    def run(name: str):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = basico.load_model_from_string(
                with_values(sbml_text(name), params))
            basico.set_task_settings(basico.T.TIME_COURSE, {"method": COPASI_TIGHT},
                                     model=model)
            out = basico.run_time_course(start_time=0.0, duration=days[-1], values=days,
                                         use_sbml_id=True, use_concentrations=False,
                                         model=model)
            basico.remove_datamodel(model)
        return out

    base, ext = run(paper), run(extended)
    day = base[record].iloc[-1]
    assert day > 0 and ext[record].iloc[-1] == pytest.approx(day, rel=1e-11)
    before = np.array(days) < day
    for s in species:
        a, b = base[s].to_numpy(), ext[s].to_numpy()
        np.testing.assert_allclose(b[before], a[before], rtol=1e-10, err_msg=s)
        # after the dose: COPASI places the (single-relation, dose-scaled) trigger's root
        # in the two models to within ~2e-9 of each other in the state (issue 12); a count
        # below 1e-9 cells (L after Figure 8C's second product: 2.5e-10) is compared to
        # 1e-15 cells, not relative
        np.testing.assert_allclose(b, a, rtol=1e-8, atol=1e-15, err_msg=s)
    assert (ext["Ln"] == 0).all() and (ext["CE"] == 0).all()


# ---- cart_bm2_ext: the two-product model with the modules (Figure 8C under the variants) ----


def test_two_product_extended_model_has_both_models_species_and_parameters():
    assert MODELS["cart_bm2_ext"] == (*SPECIES2, "CE", "Ln", "CE2")
    assert set(model_parameters("cart_bm2_ext")) == set(model_parameters("cart_bm2")) | set(
        EXTENSION_PARAMETERS)
    both = pycart.Model("cart_bm2_ext").default_parameters
    ext = pycart.Model("cart_bm_ext").default_parameters
    two = pycart.Model("cart_bm2").default_parameters
    for name in model_parameters("cart_bm2_ext"):  # one set of module values, in both models
        assert both[name] == (ext[name] if name in ext else two[name]), name


@pytest.mark.parametrize("case", ["fig3", "improved-second-product"])
def test_two_product_switches_off_give_cart_bm2_to_1e_10(case):
    """Both switches off: cart_bm2's trajectories (1e-10 relative before the second
    product's dose; after it 5e-8: the root finder places the trigger to ~1e-11 in the
    day, and the product's fresh memory cells, growing fast right after it, carry that
    offset: CM2 differs by 2e-8 on the first output day after the dose)."""
    params = IMPROVED_C if case == "improved-second-product" else OFF_CASES[case]
    base = pycart.Model("cart_bm2", TIGHTER).run(params, t_end=180, points=1801)
    ext = pycart.Model("cart_bm2_ext", TIGHTER).run(params, t_end=180, points=1801)
    doses = [d for d in base.doses.values() if d is not None]
    assert (case == "fig3") == (not doses)
    for record, day in base.doses.items():
        assert (ext.doses[record] is None) == (day is None), record
        if day is not None:
            assert ext.doses[record] == pytest.approx(day, rel=1e-11), record
    a = base.trajectory[list(SPECIES2)].to_numpy()
    b = ext.trajectory[list(SPECIES2)].to_numpy()
    np.testing.assert_allclose(b, a, rtol=5e-8 if doses else 1e-10, atol=0)
    if doses:
        before = base.trajectory["time"].to_numpy() < min(doses)
        np.testing.assert_allclose(b[before], a[before], rtol=1e-10, atol=0)
    assert (ext.trajectory[["CE", "Ln", "CE2"]].to_numpy() == 0).all()


def test_without_a_second_product_it_is_cart_bm_ext_with_its_modules_on():
    """Both modules on and no second product: cart_bm_ext's trajectories (1e-10), so the
    module terms of the two models are the same."""
    on = {"alpha": 1e-10, "h": 1.25e9, "rhoA": 0.8, "exhaustion": 1.0, "escape": 1.0,
          "muL": 1e-9}
    ext = pycart.Model("cart_bm_ext", TIGHT).run(on, t_end=365, points=366)
    both = pycart.Model("cart_bm2_ext", TIGHT).run(on, t_end=365, points=366)
    assert ext.trajectory["CE"].max() > 1e6 and ext.trajectory["Ln"].iloc[-1] > 1e6
    np.testing.assert_allclose(both.trajectory[list(SPECIES_EXT)].to_numpy(),
                               ext.trajectory[list(SPECIES_EXT)].to_numpy(), rtol=1e-10, atol=0)
    assert (both.trajectory[["CA2", "CM2", "CE2"]].to_numpy() == 0).all()


def test_second_product_is_exhausted_by_the_same_terms():
    """The same product given as two (h2, alpha2, rhoA2 equal to the original's), with
    exhaustion by sustained stimulation only (eA = 0, so every exhaustion rate is linear in
    the effectors): CA + CA2, CM + CM2 and CE + CE2 are the undivided product's CA, CM, CE."""
    same = NR | {"h2": 1e10, "alpha2": 3e-10, "rhoA2": 0.55, "exhaustion": 1.0, "eA": 0.0,
                 "XE": 10.0}
    model = pycart.Model("cart_bm2_ext", TIGHT)
    whole = model.simulate(same, t_end=180, points=19)
    split = model.simulate(same, {"CA": 3e7, "CA2": 2e7}, t_end=180, points=19)
    assert whole["CE"].max() > 1e6 and split["CE2"].max() > 1e5
    for a, b in (("CA", "CA2"), ("CM", "CM2"), ("CE", "CE2")):
        np.testing.assert_allclose((split[a] + split[b]).to_numpy(), whole[a].to_numpy(),
                                   rtol=1e-8, atol=1e-9, err_msg=a)  # 1e-9 cells
