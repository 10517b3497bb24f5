"""``pycart export``: a COMBINE archive per scenario of the paper, and a BioModels submission.

``exports/<scenario>.omex`` holds the SBML of the models the scenario uses, its SED-ML
(``<scenario>.sedml``), OMEX metadata and a manifest. ``exports/copasi/`` holds one
archive per plot (``<scenario>-<plot>.omex``), each a single task with its time course, for
tools that import one task per SED-ML file: COPASI opens each complete.
``exports/biomodels/`` holds what a BioModels submission takes (BioModels builds its own
archive): the SBML files, Figure 3's SED-ML, a COPASI file, curation notes and the figure.
Every text file is a function of the
committed model files and pycart's definitions, so the committed copies can be checked
against what this command writes; the COPASI file and the figure carry dates and renderer
details, so they are checked by running and reading them instead.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..core.errors import PycartError
from ..core.resources import sbml_text
from ..experiments.paper import SCENARIOS
from ..experiments.scenario import Panel, Scenario
from .omex import write_archive
from .schedules import check_run_doses, file_sbml, model_file
from .sedml import (
    PLOTTED,
    View,
    copasi_guide,
    plot_views,
    scenario_sedml,
    single_plot_sedml,
)


def archive_members(name: str) -> dict[str, bytes]:
    """The files of scenario ``name``'s archive (without manifest and metadata)."""
    return scenario_members(SCENARIOS[name](), name)


def scenario_members(scenario: Scenario, stem: str) -> dict[str, bytes]:
    """The files of ``scenario``'s archive (without manifest and metadata): the SBML of the
    models it uses (a run with a dose schedule: the variant of its shape) and its SED-ML,
    ``<stem>.sedml``."""
    names = {model_file(r.model, r.doses) for r in scenario.runs}
    names |= {model_file(g.model) for g in scenario.grids}  # one file per schedule shape
    files = {name: file_sbml(name).encode() for name in sorted(names)}
    files[f"{stem}.sedml"] = scenario_sedml(scenario).encode()
    return files


def export(out: str | os.PathLike[str] = "exports") -> list[Path]:
    """Write one archive per scenario into ``out``; return the paths."""
    folder = _folder(out)
    written = []
    for name, make in SCENARIOS.items():
        scenario = make()
        members = archive_members(name)
        written.append(_archive(folder / f"{name}.omex", members, name,
                                f"Martinez-Rubio et al. 2021, {name}: {scenario.title}",
                                scenario.description))
    written += export_single_plots(folder / "copasi")
    written += export_biomodels(folder / "biomodels", folder / "fig3.omex")
    return written


def export_scenario(scenario: Scenario, out: str | os.PathLike[str] = "exports") -> list[Path]:
    """Write ``scenario`` (a user's, or one of the paper's) as a COMBINE archive,
    ``out/<name>.omex``, and one archive per plot, ``out/copasi/<name>-<plot>.omex``, with
    the guarantees of the paper's archives; return the paths.

    Every run is in the archive: a run that no time-course panel shows gets a plot of its
    own (L and total CAR T), so nothing of the scenario is left out of the SED-ML."""
    scenario = exported_scenario(scenario)
    stem = file_stem(scenario.name)
    folder = _folder(out)
    members = scenario_members(scenario, stem)
    heading = scenario.heading
    written = [_archive(folder / f"{stem}.omex", members, stem, heading,
                        scenario.description)]
    (folder / "copasi").mkdir(exist_ok=True)
    for plot, (view, files) in _single_plots(members, stem).items():
        written.append(write_archive(
            folder / "copasi" / f"{plot}.omex", files, f"{plot}.sedml",
            f"{heading}: {view.title}", _single_note(scenario.description, stem, view)))
    return written


def exported_scenario(scenario: Scenario) -> Scenario:
    """``scenario`` checked, with a time-course panel for every run no plotted panel shows
    (the archive holds every run)."""
    scenario.validate()
    if not scenario.runs and not scenario.grids:
        raise PycartError(f"scenario {scenario.name}: no runs and no grids: nothing to export")
    for run in scenario.runs:
        check_run_doses(run.label, run.model, run.doses, scenario.t_end)
    shown = {label for p in scenario.panels if p.kind in PLOTTED for label in p.runs}
    extra = tuple(Panel(r.label, runs=(r.label,)) for r in scenario.runs if r.label not in shown)
    return replace(scenario, panels=scenario.panels + extra) if extra else scenario


def file_stem(name: str) -> str:
    """A file name made of a scenario's name: letters, digits, ``-``, ``_`` and ``.``."""
    stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
    return stem.strip(".") or "scenario"


def _folder(out: str | os.PathLike[str]) -> Path:
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise PycartError(f"output {str(folder)!r} is a file (allowed: a folder)")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _archive(path: Path, members: dict[str, bytes], stem: str, title: str,
             description: str) -> Path:
    guide = copasi_guide(members[f"{stem}.sedml"].decode())
    return write_archive(path, members, f"{stem}.sedml", title,
                         f"{description} {guide} {runners_note()}".strip())


def runners_note() -> str:
    """What the BioSimulators runners need set by hand (docs/compatibility.md)."""
    from ..core.model import SolverSettings

    s = SolverSettings()
    return ("BioSimulators runners: biosimulators-tellurium reproduces it as written (its "
            f"absolute tolerance is pycart's {s.absolute_tolerance:g} cells divided by the "
            "largest initial amount, as libRoadRunner multiplies a single value by each "
            "species' initial amount); biosimulators-copasi and biosimulators-amici apply "
            "none of its algorithm parameters and run at their own defaults (COPASI: LSODA, "
            "relative tolerance 1e-6; AMICI: relative 1e-8, 10000 steps): set relative "
            f"tolerance {s.relative_tolerance:g}, absolute tolerance "
            f"{s.absolute_tolerance:g} cells and at most {s.maximum_num_steps} steps by hand "
            "for pycart's precision. docs/compatibility.md says which tools reproduce which "
            "archives.")


def _single_plots(members: dict[str, bytes], stem: str
                  ) -> dict[str, tuple[View, dict[str, bytes]]]:
    sedml = members[f"{stem}.sedml"].decode()
    out = {}
    for view in plot_views(sedml):
        plot = f"{stem}-{view.plot}"
        text = single_plot_sedml(sedml, view.plot)
        models = {m for m in members if m.endswith(".xml") and f'source="{m}"' in text}
        out[plot] = (view, {**{m: members[m] for m in sorted(models)},
                            f"{plot}.sedml": text.encode()})
    return out


def _single_note(description: str, stem: str, view: View) -> str:
    return (f"{description} This archive holds one plot of {stem}.omex, '{view.title}', "
            "for tools that import one task per SED-ML file: COPASI opens it complete; "
            f"run its {'Scan' if view.repeated else 'Time-Course'}. {runners_note()}").strip()


def single_plot_members(name: str) -> dict[str, tuple[View, dict[str, bytes]]]:
    """One archive per plot of scenario ``name`` (key: ``<name>-<plot>``): the plot's view
    and the archive's files."""
    return _single_plots(archive_members(name), name)


def export_single_plots(folder: Path) -> list[Path]:
    """One archive per plot of every scenario, for tools that import one task per SED-ML
    file: COPASI opens each complete (model, time course, scan and plot)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in SCENARIOS.items():
        description = make().description
        for stem, (view, members) in single_plot_members(name).items():
            written.append(write_archive(
                folder / f"{stem}.omex", members, f"{stem}.sedml",
                f"Martinez-Rubio et al. 2021, {name}: {view.title}",
                _single_note(description, name, view)))
    return written


#: Files of the BioModels folder compared byte for byte with a fresh export.
BIOMODELS_TEXT = ("cart_bm.xml", "cart_bm2.xml", "cart_bm.sedml", "CURATION.md")


def export_biomodels(folder: Path, fig3_archive: Path) -> list[Path]:
    """The BioModels submission folder: SBML, SED-ML, COPASI file, notes and figure."""
    from ..core.files import write_text_atomically

    folder.mkdir(parents=True, exist_ok=True)
    files = {"cart_bm.xml": sbml_text("cart_bm"), "cart_bm2.xml": sbml_text("cart_bm2"),
             "cart_bm.sedml": archive_members("fig3")["fig3.sedml"].decode(),
             "CURATION.md": curation_notes()}
    written = []
    for name, text in files.items():  # whole files or none (a full disk leaves no .part)
        write_text_atomically(folder / name, text)
        written.append(folder / name)
    written.append(_copasi_file(fig3_archive, folder / "cart_bm.cps"))
    written.append(_figure(folder / "fig3.png"))
    return written


def _copasi_file(archive: Path, path: Path) -> Path:
    from .copasi import archive_views, save_plot

    return save_plot(archive, archive_views(archive)[0], path)


def _figure(path: Path) -> Path:

    from ..experiments.figures import save_figure, scenario_figure
    from ..experiments.scenario import run_scenario

    return save_figure(scenario_figure(run_scenario(SCENARIOS["fig3"]())), path, 110)


def curation_notes() -> str:
    """The curation notes, with every number computed here from the model."""
    from ..core.homeostasis import homeostasis
    from ..core.model import Model, SolverSettings
    from .curation import PMID

    model = Model()
    run = model.run(t_end=180.0, points=181)
    s = run.summary
    traj = run.trajectory.set_index("time")
    state = homeostasis()
    shares = state / state.sum()
    literal_f = model.simulate({"B0_in_F": 1}, t_end=180, points=2).iloc[-1]
    literal_loss = model.run({"CA_loss_gammaMA": 1}, t_end=30).summary
    solver = SolverSettings()
    if s.fold_expansion is None or s.B0_share is None:  # Figure 3 starts with both
        raise PycartError("Figure 3 gave no fold expansion or no B-cell shares")
    return f"""# Curation notes: Martinez-Rubio et al. 2021, bone-marrow CAR T model

Encoded with pycart from `models/cart_bm.ant` (Antimony) into SBML Level 3 Version 2.
Paper: Int. J. Mol. Sci. 2021, 22(12):6371, doi:10.3390/ijms22126371.

## Files
- `cart_bm.xml`: the paper's model, eqs. (2a)-(2h), Table 1; seven species (cells, as
  amounts), days. Doses are events (all off by default).
- `cart_bm2.xml`: the same with a second CAR T product (Figures 8C, S2).
- `cart_bm.sedml`: Figure 3 (six months, alpha = 3e-10, h = 1e9), CVODE with relative
  tolerance {solver.relative_tolerance:g}, absolute tolerance {solver.absolute_tolerance:g} and
  {solver.maximum_num_steps} steps at most.
- `cart_bm.cps`: the same experiment as a COPASI file; `fig3.png`: the figure pycart draws.

## How the printed equations are read
1. s_H in (2a)-(2c) is the s_B of (1f).
2. F (2h) counts CD19+ cells only (B1+B2+B3+L): B0 is CD19-negative. Printed form (switch
   `B0_in_F = 1`): CAR T cells reach {literal_f['CA'] + literal_f['CM']:.2g} cells by day 180.
3. The loss term of (2f) is (1-F) gammaAM CA, mass-balanced with (2g). Printed form (switch
   `CA_loss_gammaMA = 1`): L at day 30 is {literal_loss.L30:.3g} cells, no response.

## Figure 3, as this model gives it
- L at day 20: {traj.loc[20.0, 'L']:.3g} cells; at day 30: {s.L30:.3g} cells (responder).
- CAR T (CA + CM) peak: {s.C_peak:.3g} cells on day {s.t_peak:.1f}, a
  {10 ** s.fold_expansion:.0f}-fold expansion.
- At day 180: pro-B cells are {100 * s.B0_share:.1f}% of B cells, immature B cells
  {traj.loc[180.0, 'B3']:.3g} cells (the paper: about 1e6).
- Homeostasis without leukaemia (closed form): {state.sum():.3g} B cells, pre-BII
  {100 * shares['B2']:.0f}%, immature {100 * shares['B3']:.0f}%, pre-BI {100 * shares['B1']:.0f}%,
  pro-B {100 * shares['B0']:.0f}%.

These numbers are checked in pycart's tests against an independent solver (scipy LSODA,
rtol 1e-12) and against COPASI.

{_annotations(PMID)}"""


def _annotations(pmid: str) -> str:
    """The curation notes' section on annotations."""
    return f"""## Annotations
Species: Cell Ontology (pro-B CL:0000826, pre-B-I CL:0000956, pre-B-II CL:0000955,
immature B CL:0000816; the leukemic clone a version of precursor B cells CL:0000817 with
the property B-ALL DOID:0080638; CAR T cells versions of effector T cells CL:0000911 and
memory T cells CL:0000813, as no CAR T term exists). SBO terms on species, parameters,
reactions and events. Reactions are versions of GO processes: B cell proliferation
GO:0042100, B cell differentiation GO:0030183 (maturation), cell population proliferation
GO:0008283 (the leukemic clone), leukocyte migration GO:0050900 (exit from the marrow), T
cell proliferation GO:0042098, T cell activation GO:0042110 (memory to effector) and T cell
mediated cytotoxicity GO:0001913 (killing). Model: isDescribedBy the DOI and PubMed {pmid}, hasTaxon 9606,
hasProperty DOID:9952 and DOID:0080638. The PubMed id comes from a literature table that
pairs it with the DOI; it was not looked up in PubMed (no network where this was built), so
a curator should confirm it. Observables: CT (total CAR T), Bpos (CD19+ B cells) and, in
cart_bm2, C1, C2, CA_all, CM_all are assignment rules summing the species the figures plot.
"""  # noqa: E501 (the notes as written to exports/biomodels, which are compared with them)
