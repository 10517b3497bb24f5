"""Observation models (the observables TOML), censored data and the joint problem's parameter
vector: parsed and checked before any work, computed as by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pycart.analysis.data import censored_rows, check_measurements
from pycart.analysis.joint import make_joint
from pycart.analysis.observation import (
    Observable,
    default_observables,
    help_text,
    parse_observables,
    read_observables,
)
from pycart.core.errors import PycartError
from pycart.core.observe import MARROW_CELLS

TOML = """
[MRD]
definition = "MRD"
noise = "lognormal"
sigma = 0.3

[blood]
definition = "blood_CART"
noise = "proportional"
sigma = "estimate"
scale = "per-patient"

[B]
definition = "B1 + B2 + B3"
noise = "normal"
sigma = 2e6
"""


def test_observables_toml_is_parsed_and_computed_as_by_hand():
    mrd, blood, b = parse_observables(TOML, "cart_bm")
    assert (mrd.id, mrd.definition, mrd.noise, mrd.sigma) == ("MRD", "MRD", "lognormal", 0.3)
    assert (blood.noise, blood.sigma, blood.scale, blood.scaled) == (
        "proportional", None, "per-patient", True)
    assert b.selections("cart_bm") == ("B1", "B2", "B3")
    columns = {"L": np.array([5e11, 1e6]), "CA": np.array([1e8, 0.0]),
               "CM": np.array([0.0, 3e7]), "B1": np.array([1.0, 2.0]),
               "B2": np.array([10.0, 20.0]), "B3": np.array([100.0, 200.0])}
    assert mrd.compute("cart_bm", columns) == pytest.approx(
        [5e11 / (MARROW_CELLS + 5e11), 1e6 / (MARROW_CELLS + 1e6)], rel=1e-15)
    assert blood.compute("cart_bm", columns, 1e-4) == pytest.approx([1e4, 3e3], rel=1e-15)
    assert b.compute("cart_bm", columns) == pytest.approx([111.0, 222.0])
    assert mrd.formula("cart_bm") == f"(L) / ({MARROW_CELLS:g} + L)"
    assert b.formula("cart_bm") == "B1 + B2 + B3"
    assert (mrd.unit(), blood.unit(), b.unit()) == (
        "fraction of marrow nucleated cells", "copies/µg DNA", "cells")


def test_the_extended_model_counts_both_leukaemic_clones_in_mrd():
    (mrd,) = parse_observables('[MRD]\ndefinition = "MRD"\n', "cart_bm_ext")
    assert mrd.selections("cart_bm_ext") == ("L", "Ln")
    assert mrd.sigma is None  # estimated by default


@pytest.mark.parametrize("text, says", [
    ("[X]\ndefinition = \"Ln\"\n", "'Ln' is not computed by cart_bm"),
    ("[X]\ndefinition = \"ALC\"\n", "'ALC' is not computed by cart_bm"),
    ("[X]\ndefinition = \"L + L\"\n", "names an id twice"),
    ("[X]\ndefinition = \"L\"\nnoise = \"poisson\"\n", "noise 'poisson'"),
    ("[X]\ndefinition = \"L\"\nsigma = 0\n", "sigma 0.0"),
    ("[X]\ndefinition = \"L\"\nsigma = -1\n", "sigma -1.0"),
    ("[X]\ndefinition = \"L\"\nsigma = nan\n", "sigma nan"),
    ("[X]\ndefinition = \"L\"\nsigma = \"big\"\n", "sigma 'big'"),
    ("[X]\ndefinition = \"L\"\ncolour = \"red\"\n", "unknown key 'colour'"),
    ("[X]\ndefinition = \"L\"\nscale = \"shared\"\n", "has a scale but is not blood_CART"),
    ("[X]\ndefinition = \"blood_CART\"\nscale = \"each\"\n", "scale 'each'"),
    ("X = 1\n", "X is not a table"),
    ("", "no observables"),
    ("[X\n", "not TOML"),
    ("[\"1X\"]\ndefinition = \"L\"\n", "not an id"),
])
def test_bad_observables_toml_one_line(text, says):
    with pytest.raises(PycartError, match=None) as info:
        parse_observables(text, "cart_bm")
    assert says in str(info.value) and "\n" not in str(info.value)


def test_read_observables_refuses_a_missing_file(tmp_path):
    with pytest.raises(PycartError, match="not a file"):
        read_observables(tmp_path / "none.toml", "cart_bm")
    (tmp_path / "o.toml").write_text(TOML)
    assert len(read_observables(tmp_path / "o.toml", "cart_bm")) == 3


def test_help_lists_observables_and_noise_models():
    text = help_text()
    for word in ("MRD", "blood_CART", "normal", "lognormal", "proportional", "estimate"):
        assert word in text


def _two_patients(lloq: bool = False) -> pd.DataFrame:
    rows = {"time": [7.0, 14.0, 7.0, 14.0, 28.0], "observable": ["CT", "MRD", "CT", "MRD",
                                                                    "MRD"],
            "value": ["1e9", "1e-3", "2e9", "", "5e-5"], "patient": list("AABBB")}
    if lloq:
        rows["lloq"] = ["", "1e-4", "", "1e-4", "1e-4"]
    return check_measurements(pd.DataFrame(rows), allowed=("CT", "MRD"))


def test_lloq_marks_empty_and_low_values_censored():
    data = _two_patients(lloq=True)
    assert list(censored_rows(data)) == [False, False, False, True, True]
    with pytest.raises(PycartError, match="value '' is not allowed"):
        _two_patients(lloq=False)


@pytest.mark.parametrize("lloq, says", [("-1e-4", "lloq '-1e-4' is not allowed"),
                                        ("inf", "lloq 'inf' is not allowed"),
                                        ("0", "lloq '0' is not allowed"),
                                        ("low", "lloq 'low' is not a number")])
def test_bad_lloq_one_line(lloq, says):
    with pytest.raises(PycartError, match=None) as info:
        check_measurements(pd.DataFrame({"time": [7.0], "observable": ["L"], "value": [""],
                                         "lloq": [lloq]}))
    assert says in str(info.value)


def test_joint_parameter_vector_names_shared_and_per_patient_entries():
    data = _two_patients(lloq=True)
    obs = parse_observables('[CT]\nsigma = 0.15\n[MRD]\nsigma = "estimate"\n', "cart_bm")
    problem = make_joint(data, ["h", "rhoA", "L"], ["h", "rhoA"], obs,
                         {"L": "1e9:1e12", "sigma_MRD": "0.01:2"})
    assert problem.parameter_ids() == [("h", None), ("rhoA", None), ("L", "A"), ("L", "B"),
                                       ("sigma_MRD", None)]
    assert problem.estimate == ("h", "rhoA", "L__A", "L__B", "sigma_MRD")
    assert problem.bounds[2] == (1e9, 1e12) and problem.bounds[4] == (0.01, 2.0)
    assert problem.patients == ("A", "B") and len(problem.key()) == 16
    blood = parse_observables('[CT]\ndefinition = "blood_CART"\nscale = "per-patient"\n'
                              '[MRD]\nsigma = 0.2\n', "cart_bm")
    per = make_joint(data, ["h"], [], blood)
    assert per.parameter_ids() == [("h", "A"), ("h", "B"), ("sigma_CT", None),
                                   ("blood_scale", "A"), ("blood_scale", "B")]


@pytest.mark.parametrize("shared, obs, bounds, says", [
    (["alpha"], None, {}, "--shared alpha: not estimated"),
    ([], "[CT]\n", {}, "observable 'MRD' is not declared"),
    ([], None, {"sigma_X": "1:2"}, "--bounds sigma_X: not estimated"),
    ([], None, {"sigma_MRD": "2:1"}, "expected LO:HI"),
])
def test_bad_joint_problem_one_line(shared, obs, bounds, says):
    observables = parse_observables(obs, "cart_bm") if obs else default_observables(
        ["CT", "MRD"], "lognormal", "cart_bm")
    with pytest.raises(PycartError, match=None) as info:
        make_joint(_two_patients(lloq=True), ["h", "rhoA"], shared, observables, bounds)
    assert says in str(info.value)


def test_lognormal_refuses_a_zero_that_is_not_censored():
    data = check_measurements(pd.DataFrame({"time": [7.0, 14.0], "observable": "L",
                                            "value": [0.0, 1e9]}))
    with pytest.raises(PycartError, match="value 0 of L at day 7"):
        make_joint(data, ["h"], [], [Observable("L", "L")])
