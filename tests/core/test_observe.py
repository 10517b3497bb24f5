"""The clinical observation models, against hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pycart.core import observe as ob
from pycart.core.errors import PycartError
from pycart.core.homeostasis import homeostasis


def test_blast_share_by_hand() -> None:
    # 2e11 leukaemic cells in a marrow of 5e11 normal cells: 2/7 of nucleated cells
    assert ob.blast_fraction(2e11) == pytest.approx(2 / 7, rel=1e-15)
    # remission's edge: 5% blasts means L = 0.05/0.95 * 5e11
    edge = 0.05 / 0.95 * ob.MARROW_CELLS
    assert ob.blast_fraction(edge) == pytest.approx(ob.REMISSION_BLASTS, rel=1e-14)
    # a negative round-off count is no leukaemia, never a negative share
    assert ob.blast_fraction(-1e-3) == 0.0


def test_observe_sums_both_clones_and_scales_blood() -> None:
    values = {"L": np.array([1e9, 0.0]), "Ln": np.array([1e9, 5e4]), "CA": np.array([1e8, 2.0]),
              "CM": np.array([1e7, 0.0]), "CE": np.array([1e7, 1.0])}
    out = ob.observe("cart_bm_ext", values, scale=2e-6)
    assert out[ob.MRD] == pytest.approx([2e9 / (5e11 + 2e9), 5e4 / (5e11 + 5e4)], rel=1e-15)
    assert out[ob.BLOOD_CAR_T] == pytest.approx([2e-6 * 1.2e8, 2e-6 * 3.0], rel=1e-15)
    # the paper's model has no Ln, CE: they are not asked for
    assert ob.leukaemia_ids("cart_bm") == ("L",)
    assert ob.car_t_ids("cart_bm") == ("CA", "CM")
    assert ob.car_t_ids("cart_bm2_ext") == ("CA", "CM", "CA2", "CM2", "CE", "CE2")


@pytest.mark.parametrize("model", ["cart_bm", "cart_bm2", "cart_bm_ext", "cart_bm2_ext"])
def test_formulas_give_the_same_numbers(model: str) -> None:
    from pycart.core.names import MODELS

    values = {s: 1e9 * (i + 1) for i, s in enumerate(MODELS[model])}
    computed = ob.observe(model, {k: np.array(v) for k, v in values.items()}, scale=3e-6)
    for name, value in computed.items():
        text = ob.formula(model, name)
        assert math.isclose(eval(text, {}, {**values, ob.BLOOD_SCALE: 3e-6}), float(value),
                            rel_tol=1e-14)


def test_homeostatic_cd19_b_is_the_models_steady_state() -> None:
    steady = homeostasis()
    total = float(steady[["B1", "B2", "B3"]].sum())
    assert ob.HOMEOSTATIC_CD19_B == pytest.approx(total, rel=1e-3)
    assert ob.aplastic(0.99e-2 * total) and not ob.aplastic(1.01e-2 * total)


@pytest.mark.parametrize("scale", [0.0, -1.0, math.nan, math.inf])
def test_bad_scale_is_one_line(scale: float) -> None:
    with pytest.raises(PycartError, match="blood_scale"):
        ob.blood_car_t(1e8, scale)


def test_unknown_names_are_refused() -> None:
    with pytest.raises(PycartError, match="allowed"):
        ob.formula("cart_bm", "CRP")
    with pytest.raises(PycartError, match="allowed"):
        ob.leukaemia_ids("nope")
    with pytest.raises(PycartError, match="lacks Ln"):
        ob.observe("cart_bm_ext", {"L": np.array([1.0])})
