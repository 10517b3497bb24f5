"""The committed SBML is what the Antimony source produces, and it is valid, curated SBML."""

from __future__ import annotations

import shutil

import libsbml
import numpy as np
import pytest

from pycart import SPECIES, SWITCHES
from pycart.core.errors import PycartError
from pycart.core.names import (
    MODELS,
    MODULE_SWITCHES,
    OBSERVABLES,
    SPECIES2,
    model_parameters,
)
from pycart.core.resources import sbml_text
from pycart.exchange.build import compile_antimony, derived_files, stale_files
from pycart.exchange.validation import check_sbml


def test_committed_files_are_what_pycart_build_writes(root):
    assert stale_files(root) == [], "run 'pycart build' and commit the result"


def test_installed_sbml_is_the_committed_one(root):
    assert sbml_text() == (root / "models" / "cart_bm.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(MODELS))
def test_committed_sbml_has_no_libsbml_error_or_warning(root, name):
    issues = check_sbml((root / "models" / f"{name}.xml").read_text(encoding="utf-8"))
    assert issues == []


@pytest.fixture(scope="module")
def sbml_model():
    doc = libsbml.readSBMLFromString(sbml_text())
    assert (doc.getLevel(), doc.getVersion()) == (3, 2)
    return doc.getModel()


def test_cells_are_amounts_in_items(sbml_model):
    assert [s.getId() for s in sbml_model.getListOfSpecies()] == list(SPECIES)
    for s in sbml_model.getListOfSpecies():
        assert s.getHasOnlySubstanceUnits(), s.getId()
        assert s.isSetInitialAmount() and not s.isSetInitialConcentration(), s.getId()
        assert s.getSubstanceUnits() == "item"


def test_model_units_are_declared_and_a_day_is_86400_seconds(sbml_model):
    m = sbml_model
    assert (m.getTimeUnits(), m.getSubstanceUnits(), m.getExtentUnits(), m.getVolumeUnits()) == (
        "day", "item", "item", "litre")
    day = m.getUnitDefinition("day").getUnit(0)
    assert (day.getKind(), day.getMultiplier(), day.getScale(), day.getExponent()) == (
        libsbml.UNIT_KIND_SECOND, 86400.0, 0, 1)


@pytest.mark.parametrize("name", list(MODELS))
def test_every_parameter_has_units_and_a_description(name):
    model = libsbml.readSBMLFromString(sbml_text(name)).getModel()
    expected = model_parameters(name)
    for pid in expected:
        p = model.getParameter(pid)
        assert p is not None, pid
        assert p.getUnits(), pid
        assert len(p.getName()) > 5, pid
    for p in model.getListOfParameters():
        assert p.getUnits() and p.getName(), p.getId()
    for s in (*SWITCHES, *MODULE_SWITCHES):
        if model.getParameter(s) is not None:
            assert model.getParameter(s).getValue() == 0.0, f"{s} must default to off"


def test_two_product_model_keeps_every_id_of_the_paper_model():
    one = libsbml.readSBMLFromString(sbml_text("cart_bm")).getModel()
    two = libsbml.readSBMLFromString(sbml_text("cart_bm2")).getModel()
    assert [s.getId() for s in two.getListOfSpecies()] == list(SPECIES2)
    for p in one.getListOfParameters():
        q = two.getParameter(p.getId())
        assert q is not None, p.getId()
        if p.getId() in OBSERVABLES["cart_bm"] and (
                OBSERVABLES["cart_bm"][p.getId()] != OBSERVABLES["cart_bm2"][p.getId()]):
            continue  # a total over both products in cart_bm2 (CT)
        assert (q.getUnits(), q.getName(), q.getConstant()) == (
            p.getUnits(), p.getName(), p.getConstant()), p.getId()
        if p.getConstant():
            assert q.getValue() == p.getValue(), p.getId()
    for s in one.getListOfSpecies():
        t = two.getSpecies(s.getId())
        assert (t.getInitialAmount(), t.getHasOnlySubstanceUnits()) == (
            s.getInitialAmount(), True)
    assert one.getNumReactions() + 10 == two.getNumReactions()  # the second product's
    assert one.getNumEvents() + 4 == two.getNumEvents()


@pytest.mark.parametrize("name", list(MODELS))
def test_events_are_written_for_every_simulator(name):
    """Every event in the forms COPASI, libRoadRunner, AMICI and PySCeS all honour:
    initialValue true, persistent, useValuesFromTriggerTime true (the only forms PySCeS
    implements), no priority and no bare number in any event math (PySCeS reads neither a
    number with units nor a priority that is not a bare integer), a trigger that is one
    relation (AMICI fired compound triggers that were false), and no assignment of time."""
    model = libsbml.readSBMLFromString(sbml_text(name)).getModel()
    assert model.getNumEvents() >= 7

    def nodes(math):
        yield math
        for i in range(math.getNumChildren()):
            yield from nodes(math.getChild(i))

    for event in model.getListOfEvents():
        trigger = event.getTrigger()
        assert trigger.isSetInitialValue() and trigger.getInitialValue(), event.getId()
        assert trigger.isSetPersistent() and trigger.getPersistent(), event.getId()
        assert not event.isSetPriority() and not event.isSetDelay(), event.getId()
        assert event.isSetUseValuesFromTriggerTime(), event.getId()
        assert event.getUseValuesFromTriggerTime(), event.getId()
        relations = [n for n in nodes(trigger.getMath()) if n.isRelational() or n.isLogical()]
        assert len(relations) == 1 and relations[0].isRelational(), event.getId()
        maths = [trigger.getMath(), *(a.getMath() for a in event.getListOfEventAssignments())]
        for math in maths:
            assert not any(n.isNumber() for n in nodes(math)), event.getId()
        for assignment in event.getListOfEventAssignments():
            assert not any(n.getType() == libsbml.AST_NAME_TIME
                           for n in nodes(assignment.getMath())), event.getId()


def test_table1_values(sbml_model):
    v = {p.getId(): p.getValue() for p in sbml_model.getListOfParameters()}
    assert v["rho0"] == pytest.approx(0.6931471805599453 / 8, rel=1e-14)
    assert v["rho2"] == pytest.approx(0.6931471805599453 / 1.5, rel=1e-14)
    assert v["rhoL"] == v["rho1"]
    assert v["gammaL"] == pytest.approx(0.001 * v["gamma3"], rel=1e-14)
    assert (v["alpha"], v["h"], v["rhoA"], v["tauA"], v["tauM"]) == (3e-10, 1e9, 0.9, 6.5, 300)
    assert (v["gammaAM"], v["gammaMA"], v["k"], v["Lmax"]) == (0.001, 0.33, 1e-10, 1e12)


def test_building_blocks_are_not_compiled_on_their_own(root):
    text = (root / "models" / "cart_bm.ant").read_text(encoding="utf-8")
    assert sorted(compile_antimony(text)) == sorted(MODELS)


def test_antimony_errors_are_reported_in_one_line():
    with pytest.raises(PycartError, match="bad.ant") as info:
        compile_antimony("model m()\n  x' = = 1\nend\n", "bad.ant")
    assert "\n" not in str(info.value)


def test_build_needs_a_checkout(tmp_path):
    with pytest.raises(PycartError, match="no models/\\*.ant"):
        derived_files(tmp_path)


def test_a_stale_sbml_is_detected(tmp_path, root):
    # the committed copies, current (tests/cli's test_build_check_is_clean_on_the_checkout;
    # compiling them again here cost ~0.7 s of CPU), with a source changed under them
    shutil.copytree(root / "models", tmp_path / "models")
    text = (root / "models" / "cart_bm.ant").read_text(encoding="utf-8")
    (tmp_path / "models" / "cart_bm.ant").write_text(text.replace("tauM = 300", "tauM = 301"))
    assert {p.name for p in stale_files(tmp_path)} == {
        "cart_bm.xml", "cart_bm.md", "cart_bm2.xml", "cart_bm2.md", "cart_bm_ext.xml",
        "cart_bm_ext.md", "cart_bm2_ext.xml", "cart_bm2_ext.md", "cart_bm_rhs.py",
        "cart_bm2_rhs.py", "cart_bm_ext_rhs.py",
        "cart_bm2_ext_rhs.py"}  # code names the SBML's digest


@pytest.mark.parametrize("name", list(MODELS))
def test_model_is_curated(name):
    """History with creators and real dates, MIRIAM annotations on the model and on every
    cell population, SBO terms on species, parameters, reactions and events, notes with the
    readings, the equations and the citation."""
    from pycart.exchange.curation import CREATED, DOI, MODIFIED, PMID

    model = libsbml.readSBMLFromString(sbml_text(name)).getModel()
    history = model.getModelHistory()
    assert history.getNumCreators() >= 1 and history.getCreator(0).getFamilyName()
    assert history.getCreatedDate().getDateAsString() == CREATED
    assert history.getModifiedDate(0).getDateAsString() == MODIFIED
    uris = [model.getCVTerm(i).getResourceURI(j) for i in range(model.getNumCVTerms())
            for j in range(model.getCVTerm(i).getNumResources())]
    assert f"http://identifiers.org/doi/{DOI}" in uris
    assert f"http://identifiers.org/pubmed/{PMID}" in uris
    assert "http://identifiers.org/taxonomy/9606" in uris
    assert "http://identifiers.org/DOID:9952" in uris
    for species in model.getListOfSpecies():
        assert species.getSBOTermID() == "SBO:0000240", species.getId()
        resources = [species.getCVTerm(i).getResourceURI(0) for i in range(species.getNumCVTerms())]
        assert any(r.startswith("http://identifiers.org/CL:") for r in resources), species.getId()
    for kind in (model.getListOfParameters(), model.getListOfReactions(), model.getListOfEvents()):
        for element in kind:
            assert element.isSetSBOTerm(), element.getId()
    notes = model.getNotesString()
    for text in ("How the printed equations are read", "B0_in_F", "CA_loss_gammaMA",
                 "dL/dt", "car_kill_L = alpha * L * CA", DOI):
        assert text in notes


def test_cell_ontology_terms(sbml_model):
    expected = {"B0": "CL:0000826", "B1": "CL:0000956", "B2": "CL:0000955", "B3": "CL:0000816",
                "L": "CL:0000817", "CA": "CL:0000911", "CM": "CL:0000813"}
    for sid, term in expected.items():
        species = sbml_model.getSpecies(sid)
        assert f"http://identifiers.org/{term}" == species.getCVTerm(0).getResourceURI(0), sid


@pytest.mark.parametrize("name", list(MODELS))
def test_observables_are_the_sums_they_name(name):
    """Each observable (an assignment rule) equals the sum of its species along a run with
    a second-product dose, and carries cell units."""
    import roadrunner

    rr = roadrunner.RoadRunner(sbml_text(name))
    if name in ("cart_bm2", "cart_bm2_ext"):
        rr["reinf_dose2"], rr["reinf_day2"] = 1e8, 5.0
    if name in ("cart_bm_ext", "cart_bm2_ext"):
        rr["exhaustion"], rr["escape"], rr["muL"] = 1.0, 1.0, 1e-9
    ids = list(OBSERVABLES[name])
    species = sorted({s for summed in OBSERVABLES[name].values() for s in summed})
    result = rr.simulate(0, 60, 61, selections=[*ids, *species])
    model = libsbml.readSBMLFromString(sbml_text(name)).getModel()
    for ident, summed in OBSERVABLES[name].items():
        total = sum(result[s] for s in summed)
        np.testing.assert_allclose(result[ident], total, rtol=1e-12, err_msg=ident)
        assert model.getParameter(ident).getUnits() == "item", ident
        assert model.getAssignmentRule(ident) is not None, ident


#: GO biological processes of the reactions (ids checked against GO term listings).
GO_TERMS = {"proliferation": "GO:0042098", "activation": "GO:0042110", "kill_": "GO:0001913",
            "B0_proliferation": "GO:0042100", "B1_proliferation": "GO:0042100",
            "B2_proliferation": "GO:0042100", "maturation": "GO:0030183",
            "L_proliferation": "GO:0008283", "Ln_proliferation": "GO:0008283",
            "exit": "GO:0050900"}


@pytest.mark.parametrize("name", list(MODELS))
def test_processes_carry_go_terms(name):
    """Cell proliferation, maturation, activation, killing and exit from the marrow are
    versions of GO processes (bqbiol:isVersionOf); deaths and transitions without a GO term
    of their own carry none."""
    model = libsbml.readSBMLFromString(sbml_text(name)).getModel()
    for r in model.getListOfReactions():
        ident = r.getId().removeprefix("paper_").removeprefix("car2_").removeprefix("car_")
        key = next((k for k in sorted(GO_TERMS, key=len, reverse=True) if k in ident), None)
        terms = [(r.getCVTerm(i).getBiologicalQualifierType(), r.getCVTerm(i).getResourceURI(j))
                 for i in range(r.getNumCVTerms()) for j in range(r.getCVTerm(i).getNumResources())]
        expected = [(libsbml.BQB_IS_VERSION_OF, f"http://identifiers.org/{GO_TERMS[key]}")] \
            if key else []
        assert terms == expected, r.getId()
