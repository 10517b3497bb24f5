"""COPASI files as issue #24 found them: every ``.cps`` pycart writes keeps the SBML ids of
its model (a model edited in COPASI and exported comes back with ids pycart's scenarios
know), and ``pycart copasi`` replaces a link in its output folder instead of writing
through it."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from pycart.cli import main
from pycart.core.resources import sbml_text

with warnings.catch_warnings():  # COPASI's SWIG bindings warn on import
    warnings.simplefilter("ignore")
    COPASI = pytest.importorskip("COPASI")
    basico = pytest.importorskip("basico")
libsbml = pytest.importorskip("libsbml")

ROOT = Path(__file__).resolve().parents[2]

#: A user's study with two products: a run of each model, so its files use both.
TWO_PRODUCTS = """\
name = "two-products"
t_end = 30
parameters = { alpha = 3e-10, h = 1e10, rhoA = 0.6 }

[[runs]]
label = "first"
parameters = { reinf_day = 12, reinf_dose = 5e8 }

[[runs]]
label = "second"
model = "cart_bm2"
parameters = { reinf_day2 = 20, reinf_dose2 = 5e8, h2 = 5e8, rhoA2 = 0.9 }
"""

#: The SBML ids COPASI maps to an element of its own (every one it imports).
KINDS = ("getListOfCompartments", "getListOfSpecies", "getListOfParameters",
         "getListOfReactions", "getListOfEvents")


def sbml_ids(text: str) -> set[str]:
    """The ids of the compartments, species, parameters, reactions and events of an SBML
    document."""
    document = libsbml.readSBMLFromString(text)
    model = document.getModel()
    assert model is not None, document.getErrorLog().toString()
    return {getattr(model, kind)().get(i).getId()
            for kind in KINDS for i in range(getattr(model, kind)().size())}


def species_ids(text: str) -> set[str]:
    model = libsbml.readSBMLFromString(text).getModel()
    return {model.getSpecies(i).getId() for i in range(model.getNumSpecies())}


def copasi_export(path: Path) -> str:
    """The SBML COPASI exports from the COPASI file ``path``."""
    dm = COPASI.CRootContainer.addDatamodel()
    try:
        assert dm.loadModel(str(path)), path
        return dm.exportSBMLToString(None, 3, 2)
    finally:
        COPASI.CRootContainer.removeDatamodel(dm)


def basico_species_ids(path: Path) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dm = basico.load_model(str(path))
        try:
            return basico.get_species(model=dm)["sbml_id"].tolist()
        finally:
            basico.remove_datamodel(dm)


def assert_keeps_ids(cps: Path, model: str) -> None:
    """COPASI's SBML export of ``cps`` has every id of pycart's model ``model``, and
    basico's species table shows each species' SBML id."""
    source = sbml_text(model)
    missing = sbml_ids(source) - sbml_ids(copasi_export(cps))
    assert not missing, f"{cps.name}: COPASI's export lost {sorted(missing)}"
    assert sorted(basico_species_ids(cps)) == sorted(species_ids(source)), cps.name
    assert f'<SBMLReference file="{model}.xml">' in cps.read_text(encoding="utf-8")


@pytest.mark.parametrize("source, plots, models", [
    pytest.param("fig5.omex", ["plot1"], {"fig5-plot1.cps": "cart_bm"}, id="paper-scan"),
    pytest.param("ext_fig8.omex", ["plot1_1", "plot7_1"],
                 {"ext_fig8-plot1_1.cps": "cart_bm_ext", "ext_fig8-plot7_1.cps": "cart_bm2_ext"},
                 id="extended-models"),
    pytest.param(None, [], {"two-products-plot1_1.cps": "cart_bm",
                            "two-products-plot1_2.cps": "cart_bm2"}, id="user-two-products"),
])
def test_copasi_files_keep_the_sbml_ids(tmp_path, capsys, source, plots, models):
    """`pycart copasi` on a paper archive (a Scan), an extended one (both extended models)
    and a user's TOML scenario with two products: each file, exported to SBML by COPASI,
    has every id of its source model."""
    if source is None:
        (tmp_path / "study.toml").write_text(TWO_PRODUCTS)
        args = ["copasi", str(tmp_path / "study.toml")]
    else:
        args = ["copasi", str(ROOT / "exports" / source)]
    args += [a for p in plots for a in ("--plot", p)] + ["--out", str(tmp_path / "cps")]
    assert main(args) == 0, capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "cps").iterdir()) == sorted(models)
    for name, model in models.items():
        assert_keeps_ids(tmp_path / "cps" / name, model)


def test_the_biomodels_copasi_file_keeps_the_sbml_ids(tmp_path):
    """The COPASI file of the BioModels folder, as `pycart export` writes it: its
    SBMLReference names the SBML file beside it."""
    from pycart.exchange.copasi import archive_views, save_plot

    archive = ROOT / "exports" / "fig3.omex"
    # what pycart.exchange.export.export_biomodels saves (without drawing the figure)
    save_plot(archive, archive_views(archive)[0], tmp_path / "cart_bm.cps")
    assert_keeps_ids(tmp_path / "cart_bm.cps", "cart_bm")
    # the README's way to time courses by SBML id in basico: load COPASI's SBML export
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dm = basico.load_model_from_string(copasi_export(tmp_path / "cart_bm.cps"))
        try:
            course = basico.run_time_course(duration=10, intervals=10, use_sbml_id=True,
                                            model=dm)
        finally:
            basico.remove_datamodel(dm)
    assert {"L", "CA", "CM", "B0"} <= set(course.columns)


def test_the_committed_biomodels_copasi_file_keeps_the_sbml_ids():
    """exports/biomodels/cart_bm.cps is the file users download: regenerate it with
    `pycart export` when this fails."""
    assert_keeps_ids(ROOT / "exports" / "biomodels" / "cart_bm.cps", "cart_bm")


def test_copasi_replaces_a_link_in_its_output_folder(tmp_path, capsys):
    """A link already in --out, named like the file pycart copasi writes and pointing
    outside: the outside file is untouched and the link becomes pycart's regular file."""
    outside = tmp_path / "precious.txt"
    outside.write_text("not pycart's\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "fig5-plot1.cps").symlink_to(outside)
    args = ["copasi", str(ROOT / "exports" / "fig5.omex"), "--plot", "plot1", "--out", str(out)]
    assert main(args) == 0, capsys.readouterr().err
    assert outside.read_text(encoding="utf-8") == "not pycart's\n"
    written = out / "fig5-plot1.cps"
    assert not written.is_symlink() and written.is_file()
    assert written.read_text(encoding="utf-8").rstrip().endswith("</COPASI>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "precious.txt"]
    assert [p.name for p in out.iterdir()] == ["fig5-plot1.cps"]
