"""The explorer's page: the inputs by section (each with its unit, the paper's value and a
place for its error), the plot, the metrics, the downloads, the cohort and the citation.
Every script and style sheet is served by the app itself: the page needs no internet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.names import DEFAULT_MODEL, MODELS
from ..core.schedule import MAX_DOSES
from .cohort import ATTRIBUTES, MAX_PER_AXIS
from .doses import WHOLE, row_key, row_keys, species_choices
from .fields import SECTIONS, UNIT_TEXT, Field, defaults, text
from .presets import EVERY_INPUT, FIRST, choices

if TYPE_CHECKING:
    from htmltools import Tag
    from shiny.types import NavSetArg
    from shiny.ui import Sidebar

#: The page's own scripts and styles, and where the app serves them.
WWW = Path(__file__).resolve().parent / "www"
STATIC = "/pycart-static"
PLOTLY = "/plotly"
TITLE = "pycart explorer"


def plotly_folder() -> Path:
    """The folder of the Plotly package that holds ``plotly.min.js``."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data"


def field_input(f: Field, value: float) -> Tag:
    """One input: a check box for a switch, else a text box (numbers such as 3e-10 are typed
    as written), with its unit and the paper's value in the label and its error below."""
    from shiny import ui

    if f.switch:
        control = ui.input_checkbox(f.key, f.label, bool(value))
    else:
        unit = UNIT_TEXT[f.unit]
        label = f"{f.label}{f' ({unit})' if unit else ''}"
        control = ui.input_text(f.key, label, text(value))
        control = ui.tooltip(control, f"paper: {text(value)}; allowed: {f.allowed()}")
    body = ui.div(control, ui.div(id=f"err-{f.key}", class_="pycart-error"),
                  class_="pycart-field")
    if tuple(f.models) == tuple(MODELS):
        return body
    return ui.panel_conditional(f"{json.dumps(list(f.models))}.includes(input.model)", body)


def sidebar() -> Sidebar:
    """Presets, the model, and the inputs by section."""
    from shiny import ui

    values = defaults(EVERY_INPUT) | defaults(DEFAULT_MODEL)
    panels = []
    for section in SECTIONS:
        items = [field_input(f, values[f.key]) for f in section.fields]
        if section.title == "Doses":
            items.insert(0, schedule_editor())
        if section.note:
            items.append(ui.p(section.note, class_="text-muted small"))
        panels.append(ui.accordion_panel(section.title, *items))
    return ui.sidebar(
        ui.input_select("preset", "Preset (a patient of the paper's figures, a schedule)",
                        choices(),
                        selected=FIRST),
        ui.input_select("model", "Model", {m: m for m in MODELS}, selected=DEFAULT_MODEL),
        ui.accordion(*panels, id="sections", open=["Product", "Patient", "Horizon"]),
        width=380)


def schedule_editor() -> Tag:
    """The dose schedule editor: :data:`~pycart.core.schedule.MAX_DOSES` rows (day, cells,
    species, a remove button, a place for the row's message), as many shown as are in use
    (none at first), and the add button with a place for the schedule's own message."""
    from shiny import ui

    rows = []
    for k in range(MAX_DOSES):
        day, cells, species = row_keys(k)
        rows.append(ui.div(
            ui.div(ui.input_text(day, "day", "", width="4.5rem"),
                   ui.input_text(cells, "cells", "", width="5.5rem"),
                   ui.input_select(species, "species", species_choices(DEFAULT_MODEL),
                                   width="10rem"),
                   ui.input_action_button(f"dose_remove_{k}", "×", class_="btn-sm",
                                          title="remove this dose"),
                   class_="pycart-dose-inputs"),
            ui.div(id=f"err-{row_key(k)}", class_="pycart-error"),
            id=row_key(k), class_="pycart-dose", style="display: none;"))
    return ui.div(
        ui.p(ui.strong("Dose schedule"), f": up to {MAX_DOSES} doses on any days: a CAR T "
             "product, a B-cell infusion or a leukaemia re-challenge (the species this model "
             "has). A day-0 CAR T dose is C_A(0): leave C_A(0) empty to give it here.",
             class_="small mb-1"),
        *rows,
        ui.input_action_button("dose_add", "add a dose", class_="btn-sm mb-1"),
        ui.div(id=f"err-{WHOLE}", class_="pycart-error"),
        ui.hr(class_="my-2"), ui.p(ui.strong("The paper's dose rules"), class_="small mb-1"),
        id="dose-editor")


def patient_tab() -> NavSetArg:
    """The plot, its axis switch, the metrics, the status line and the downloads."""
    from shiny import ui

    downloads = [ui.download_button(key, label, class_="btn-sm me-1 mb-1") for key, label in (
        ("download_csv", "trajectory (CSV)"), ("download_toml", "scenario (TOML)"),
        ("download_omex", "COMBINE archive"), ("download_png", "figure (PNG)"),
        ("download_svg", "figure (SVG)"))]
    return ui.nav_panel(
        "Patient",
        ui.input_switch("log_axis", "log axis", True),
        ui.div(id="plot"),
        ui.output_ui("run_status", class_="pycart-status"),
        ui.layout_columns(ui.card(ui.card_header("Metrics"), ui.output_ui("metrics")),
                          ui.card(ui.card_header("Downloads"), ui.div(*downloads)),
                          col_widths=(7, 5)))


def cohort_tab() -> NavSetArg:
    """Two attributes, their ranges, patients per axis; the responder map and share."""
    from shiny import ui

    names = {k: v[0] for k, v in ATTRIBUTES.items()}
    first, second = "alpha", "h"
    controls = [ui.input_select("cohort_x", "first attribute", names, selected=first),
                ui.input_select("cohort_y", "second attribute", names, selected=second)]
    for axis, name in (("x", first), ("y", second)):
        for end, value in (("lo", ATTRIBUTES[name][1]), ("hi", ATTRIBUTES[name][2])):
            key = f"cohort_{axis}_{end}"
            controls.append(ui.div(ui.input_text(key, f"{axis}: {'from' if end == 'lo' else 'to'}",
                                                 text(value)),
                                   ui.div(id=f"err-{key}", class_="pycart-error"),
                                   class_="pycart-field"))
    controls.append(ui.div(ui.input_text("cohort_n", f"patients per axis (at most {MAX_PER_AXIS})",
                                         str(MAX_PER_AXIS)),
                           ui.div(id="err-cohort_n", class_="pycart-error"),
                           class_="pycart-field"))
    controls.append(ui.input_action_button("cohort_run", "Run the cohort", class_="btn-primary"))
    return ui.nav_panel(
        "Cohort",
        ui.layout_columns(ui.div(*controls), ui.div(ui.output_ui("cohort_result")),
                          col_widths=(4, 8)),
        ui.p("Every other value is the page's, with its dose schedule up to day 30 (the "
             "response is judged on day 30, on the compiled fast path); the paper's dose "
             "rules are left out.", class_="text-muted small"))


def reproduce_tab() -> NavSetArg:
    """How to run the page's patient in Python or on the command line, and what to cite."""
    from shiny import ui

    return ui.nav_panel(
        "Reproduce and cite",
        ui.h5("Reproduce this run"), ui.output_ui("reproduce"),
        ui.h5("Cite"), ui.output_ui("citation"))


def page() -> Tag:
    """The whole page."""
    from shiny import ui

    head = ui.head_content(
        ui.tags.script(src=f"{PLOTLY}/plotly.min.js"),
        ui.tags.script(src=f"{STATIC}/explorer.js"),
        ui.tags.link(rel="stylesheet", href=f"{STATIC}/explorer.css"),
        ui.tags.link(rel="icon", href="data:,"))  # no favicon request (a 404 in the console)
    return ui.page_sidebar(
        sidebar(),
        head,
        ui.navset_tab(patient_tab(), cohort_tab(), reproduce_tab(), id="tabs"),
        title=TITLE, window_title=TITLE)
