"""Dose schedules as data: parsing, checks, normalisation, slots and the model variants."""

from __future__ import annotations

import math

import libsbml
import pytest

from pycart.core.errors import PycartError
from pycart.core.model import variant_roadrunner
from pycart.core.resources import sbml_text
from pycart.core.schedule import (
    MAX_DOSES,
    Dose,
    check_schedule,
    initial_amounts,
    normalize,
    parse_doses,
    slot_values,
    slots,
    total_car_t_dose,
)
from pycart.core.variants import sbml_with_dose_slots, variant_sbml
from pycart.exchange.validation import check_sbml


def test_every_form_gives_the_same_dose():
    expected = Dose(21.0, 5e6, "B3")
    assert Dose.parse((21, 5e6, "B3")) == expected
    assert Dose.parse({"day": 21, "cells": 5e6, "species": "B3"}) == expected
    assert Dose.parse("21:5e6:B3") == expected
    assert Dose.parse(expected) == expected
    assert Dose.parse("2:1e7") == Dose(2.0, 1e7, "CA")
    assert Dose.parse({"day": 0, "cells": 1e7}) == Dose(0.0, 1e7)


@pytest.mark.parametrize("value, message", [
    ({"day": 0, "cells": 1e7, "when": 2}, "unknown key 'when'"),
    ({"day": 0}, "day and cells are needed"),
    ("2", "expected DAY:CELLS[:SPECIES]"),
    ("2:1e7:CA:x", "expected DAY:CELLS[:SPECIES]"),
    ("two:1e7", "day 'two' is not a number"),
    ((1, "many"), "cells 'many': expected a number"),
    ((1, True), "expected a number"),
    ((1, 1e7, 3), "expected one of"),
    (3.0, "expected (day, cells[, species])"),
])
def test_malformed_doses_are_refused_in_one_line(value, message):
    with pytest.raises(PycartError, match=None) as info:
        Dose.parse(value)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("doses, model, message", [
    ([(math.nan, 1e7)], "cart_bm", "finite number from 0 to the horizon (30 days)"),
    ([(math.inf, 1e7)], "cart_bm", "finite number from 0"),
    ([(-1, 1e7)], "cart_bm", "finite number from 0"),
    ([(31, 1e7)], "cart_bm", "to the horizon (30 days)"),
    ([(1, math.nan)], "cart_bm", "cells are a finite number > 0"),
    ([(1, math.inf)], "cart_bm", "cells are a finite number > 0"),
    ([(1, -1e7)], "cart_bm", "cells are a finite number > 0"),
    ([(1, 0.0)], "cart_bm", "a dose of 0 cells is no dose"),
    ([(1, 1e7, "CM")], "cart_bm", "allowed CA, CA2, B3, L, Ln"),
    ([(1, 1e7, "CA2")], "cart_bm", "cart_bm has no CA2 (allowed in cart_bm: CA, B3, L)"),
    ([(1, 1e7, "Ln")], "cart_bm", "cart_bm has no Ln"),
    ([(1, 1e7, "Ln")], "cart_bm2", "cart_bm2 has no Ln"),
    ([(d, 1e7) for d in range(MAX_DOSES + 1)], "cart_bm", "at most 12 doses per run"),
    ([(1, 1e7)] * 10**6, "cart_bm", "at most 12 doses per run"),
    ("1:1e7", "cart_bm", "expected a list of doses"),
    ([(1, 1e7)], "no_model", "unknown model"),
])
def test_hostile_schedules_are_refused_in_one_line(doses, model, message):
    with pytest.raises(PycartError) as info:
        check_schedule(doses, model, 30.0)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_valid_schedules_pass_on_the_models_that_have_their_species():
    doses = [(0, 1e7), (2, 1e7, "CA2"), (30, 5e6, "B3"), (7, 1e9, "L"), (9, 1e3, "Ln")]
    assert len(check_schedule(doses, "cart_bm2_ext", 30.0)) == 5
    assert check_schedule([], "cart_bm", 30.0) == ()


def test_same_day_same_species_doses_are_added_into_one_and_sorted():
    later, at_zero = normalize([(7, 1e7), (2, 1e7), (0, 1e7), (2, 3e7), (2, 1e6, "CA2"),
                                (0, 2e6, "L")])
    assert later == (Dose(2.0, 4e7), Dose(2.0, 1e6, "CA2"), Dose(7.0, 1e7))
    assert at_zero == {"CA": 1e7, "L": 2e6}
    assert slots([(7, 1e7), (2, 1e7), (2, 1e7), (0, 1e7)]) == {"CA": 2}


def test_slot_values_number_each_species_doses_in_time():
    values = slot_values([(7, 1e7), (2, 2e7), (5, 3e7, "CA2"), (0, 1e7)])
    assert values == {"dose_CA_1_day": 2.0, "dose_CA_1_cells": 2e7,
                      "dose_CA2_1_day": 5.0, "dose_CA2_1_cells": 3e7,
                      "dose_CA_2_day": 7.0, "dose_CA_2_cells": 1e7}


def test_day_zero_doses_are_initial_amounts_by_the_documented_rules():
    state = {"CA": 5e7, "L": 2e11, "B3": 9e7}
    # a dosed product's initial amount is its day-0 doses (0 without one)
    assert initial_amounts([(0, 1e7), (0, 2e7), (2, 1e7)], state) == {"CA": 3e7}
    assert initial_amounts([(2, 1e7, "CA2")], state) == {"CA2": 0.0}
    # an explicit product amount stands when the schedule has no day-0 dose of it
    assert initial_amounts([(2, 1e7)], state, explicit={"CA"}) == {}
    # B3, L, Ln: a day-0 dose adds to the run's state
    assert initial_amounts([(0, 1e6, "B3"), (0, 1e9, "L")], state) == {"B3": 9.1e7,
                                                                        "L": 2.01e11}
    with pytest.raises(PycartError, match="initial CA is set and the schedule doses CA on "
                                          "day 0: give one of them"):
        initial_amounts([(0, 1e7)], state, explicit={"CA"})


def test_total_car_t_dose_counts_both_products_up_to_the_day():
    doses = [(0, 1e7), (2, 1e7), (7, 1e7), (3, 5e7, "CA2"), (1, 1e9, "L"), (2, 1e6, "B3")]
    assert total_car_t_dose(doses, 2.0) == 2e7
    assert total_car_t_dose(doses, 6.5) == 7e7
    assert total_car_t_dose(doses, 30.0) == 8e7
    assert total_car_t_dose([], 30.0) == 0.0


@pytest.mark.parametrize("model", ["cart_bm", "cart_bm2", "cart_bm_ext", "cart_bm2_ext"])
def test_variants_are_valid_sbml_with_zero_warnings(model):
    shape = {"CA": 3, "B3": 1, "L": 2} | ({"CA2": 2} if "2" in model else {}) | (
        {"Ln": 1} if "ext" in model else {})
    text = variant_sbml(model, shape)
    assert check_sbml(text, model) == []
    doc = libsbml.readSBMLFromString(text).getModel()
    event = doc.getEvent("dose_CA_3")
    trigger = event.getTrigger()
    assert (trigger.getInitialValue(), trigger.getPersistent(),
            event.getUseValuesFromTriggerTime()) == (True, True, True)
    # the form of the curated models' scheduled reinfusion (models/cart_bm.ant, _dose_at)
    curated = libsbml.readSBMLFromString(sbml_text("cart_bm")).getModel()
    reinfusion = curated.getEvent("reinfusion_scheduled")
    expected = libsbml.formulaToL3String(reinfusion.getTrigger().getMath())
    expected = expected.replace("reinf_day", "dose_CA_3_day").replace("reinf_dose",
                                                                      "dose_CA_3_cells")
    assert libsbml.formulaToL3String(trigger.getMath()) == expected
    assert (reinfusion.getTrigger().getInitialValue(), reinfusion.getTrigger().getPersistent(),
            reinfusion.getUseValuesFromTriggerTime()) == (True, True, True)
    assert event.getSBOTerm() == reinfusion.getSBOTerm()
    assert doc.getParameter("dose_L_2_cells").getUnits() == "item"
    assert doc.getParameter("dose_L_2_day").getSBOTerm() == 2
    assert sbml_with_dose_slots(sbml_text(model), {}) == sbml_text(model)


def test_variant_slots_refuse_species_the_model_lacks():
    with pytest.raises(PycartError, match="cart_bm has no species CA2"):
        sbml_with_dose_slots(sbml_text("cart_bm"), {"CA2": 1})
    with pytest.raises(PycartError, match="counts whole numbers"):
        variant_sbml("cart_bm", {"CA": -1})


def test_a_variant_gives_the_schedule_on_libroadrunner_and_is_loaded_once():
    doses = [(0, 1e7), (2.5, 1e7), (7, 1e7)]
    rr = variant_roadrunner("cart_bm", slots(doses))
    assert variant_roadrunner("cart_bm", {"CA": 2}) is rr
    rr.resetAll()
    for name, value in (slot_values(doses) | initial_amounts(doses, {})).items():
        rr.setValue(name, value)
    rr.setValue("L", 0.0)  # no antigen: CA only decays and turns to memory, doses are steps
    rr.setValue("B1", 0.0)
    rr.setValue("B2", 0.0)
    rr.setValue("B3", 0.0)
    result = rr.simulate(times=[0.0, 2.5, 7.0], selections=["CA", "CM"])
    assert result[0, 0] == 1e7
    # the post-dose amount at the dose day, as libRoadRunner reports an output time
    assert result[1, 0] > 1e7 and result[2, 0] > 1e7
    assert parse_doses(()) == ()
