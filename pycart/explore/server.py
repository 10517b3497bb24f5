"""The explorer's server: reads the form, shows each bad input's message beside it, runs the
newest request only (:class:`~pycart.explore.latest.Latest`), and serves the plot, the
metrics, the downloads, the cohort and the reproduction text.

Nothing reaches the page as a traceback: a bad value is a message beside its input, a solver
failure one line above the plot, and anything unexpected one line naming it; the server goes
on serving.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.errors import PycartError, SimulationError
from ..core.schedule import MAX_DOSES
from . import patient
from .cohort import (
    ATTRIBUTES,
    Cohort,
    check_design,
    responder_map,
    response_doses,
    run_cohort,
)
from .doses import WHOLE, read_page, row_key
from .editor import Editor, wire
from .fields import Request, all_fields, check_value, text
from .latest import Latest
from .presets import presets

if TYPE_CHECKING:
    from shiny.reactive import Value


def message(exc: BaseException) -> str:
    """One line for a failure: the solver's and pycart's own as they are, anything else
    named by its type (never a traceback)."""
    if isinstance(exc, (PycartError, SimulationError)):
        return str(exc)
    return f"unexpected error ({type(exc).__name__}: {exc})"


def make_server(simulators: patient.Simulators) -> Callable[..., None]:
    """The server function of the app; ``simulators`` are shared by every session."""

    def server(input, output, session) -> None:
        from shiny import reactive

        state: dict[str, Value[Any]] = {
            "outcome": reactive.value(None), "preview": reactive.value(None),
            "failure": reactive.value(""), "cohort": reactive.value(None),
            "cohort_failure": reactive.value(""), "computed": reactive.value(0)}

        async def delivered(result) -> None:
            async with reactive.lock():
                if isinstance(result, Exception):
                    state["failure"].set(message(result))
                elif isinstance(result, patient.Preview):  # the plot first, then the rest
                    state["preview"].set((runs.computed, result))
                else:
                    state["computed"].set(runs.computed)
                    state["outcome"].set(result)
                    state["failure"].set("")
                await reactive.flush()

        runs = Latest((simulators.preview, simulators.run), delivered)
        _form(input, session, runs, state)
        _plot(input, session, state)
        _outputs(input, output, state)
        _downloads(input, output, state)
        _cohort(input, output, session, state)

    return server


def _form(input, session, runs: Latest, state: dict) -> None:
    from shiny import reactive, ui

    fields = all_fields()
    editor = Editor(input, session)
    wire(editor, input, session)
    shown = [f.key for f in fields] + [row_key(k) for k in range(MAX_DOSES)] + [WHOLE]

    @reactive.effect
    @reactive.event(input.preset, ignore_init=True)
    def _apply_preset() -> None:
        chosen = presets().get(input.preset())
        if chosen is None:
            return
        ui.update_select("model", selected=chosen.model)
        for key, value in chosen.form().items():
            if isinstance(value, bool):
                ui.update_checkbox(key, value=value)
            else:
                ui.update_text(key, value=value)
        editor.fill(chosen.rows(), chosen.model)

    @reactive.effect
    async def _read() -> None:
        values = {"model": input.model(), **{f.key: input[f.key]() for f in fields},
                  **editor.values()}
        request, errors = read_page(values)
        await session.send_custom_message("pycart-errors", {k: errors.get(k, "") for k in shown})
        if request is None:
            state["failure"].set("Fix the values marked in red; the plot shows the last "
                                 "valid run.")
            runs.cancel()
        else:
            state["failure"].set("")  # a valid form: the page waits for its run
            runs.submit(request)


def _plot(input, session, state: dict) -> None:
    from shiny import reactive

    @reactive.effect
    async def _send() -> None:
        shown = state["preview"]()
        if shown is not None:
            data = patient.plot_data(shown[1], bool(input.log_axis()))
            data["runs"] = shown[0]  # the status shows the same number once the metrics follow
            await session.send_custom_message("pycart-plot", data)


def _outputs(input, output, state: dict) -> None:
    from shiny import render, ui

    @output(id="run_status")
    @render.ui
    def _status():
        failure = state["failure"]()
        outcome = state["outcome"]()
        if outcome is None:
            return ui.div(failure or "simulating...", class_="text-muted")
        request = outcome.request
        shown = ui.div(f"{request.model}, {text(request.t_end)} days: simulated in "
                       f"{1000 * outcome.seconds:.0f} ms", class_="text-muted", id="run-status",
                       data_runs=str(state["computed"]()), data_model=request.model,
                       data_alpha=text(request.parameters["alpha"]))
        if failure:  # the last valid run stays on the page, marked as such
            return ui.div(ui.div(failure, class_="alert alert-danger py-1", id="failure"), shown)
        return shown

    @output(id="metrics")
    @render.ui
    def _metrics():
        outcome = state["outcome"]()
        if outcome is None:
            return ui.div()
        rows = [ui.tags.tr(ui.tags.td(what), ui.tags.td(value, **{"data-metric": what}))
                for what, value in patient.metrics(outcome)]
        return ui.tags.table(*rows, class_="pycart-metrics", id="metrics-table")

    @output(id="reproduce")
    @render.ui
    def _reproduce():
        outcome = state["outcome"]()
        if outcome is None:
            return ui.div()
        return ui.tags.pre(patient.reproduce(outcome.request), class_="pycart-code")

    @output(id="citation")
    @render.ui
    def _citation():
        return ui.tags.pre(patient.citation(), class_="pycart-code")


def _downloads(input, output, state: dict) -> None:
    from shiny import render, req

    def current() -> patient.Outcome:
        outcome = state["outcome"]()
        req(outcome is not None)
        return outcome

    @output(id="download_csv")
    @render.download_button(filename="trajectory.csv", media_type="text/csv")
    def _csv():
        yield patient.trajectory_csv(current())

    @output(id="download_toml")
    @render.download_button(filename="explorer.toml", media_type="application/toml")
    def _toml():
        yield patient.scenario_toml(current().request).encode()

    @output(id="download_omex")
    @render.download_button(filename="explorer.omex", media_type="application/zip")
    def _omex():
        yield patient.archive(current().request)

    @output(id="download_png")
    @render.download_button(filename="explorer.png", media_type="image/png")
    def _png():
        yield patient.figure(current(), "png", bool(input.log_axis()))

    @output(id="download_svg")
    @render.download_button(filename="explorer.svg", media_type="image/svg+xml")
    def _svg():
        yield patient.figure(current(), "svg", bool(input.log_axis()))


def _cohort(input, output, session, state: dict) -> None:
    from shiny import reactive, render, ui

    keys = ("cohort_x_lo", "cohort_x_hi", "cohort_y_lo", "cohort_y_hi", "cohort_n")
    asked = [0]  # cohorts asked for in this session: only the newest one's result is shown

    @reactive.effect
    @reactive.event(input.cohort_x, input.cohort_y, ignore_init=True)
    def _ranges() -> None:
        for axis in ("x", "y"):
            name = input[f"cohort_{axis}"]()
            ui.update_text(f"cohort_{axis}_lo", value=text(ATTRIBUTES[name][1]))
            ui.update_text(f"cohort_{axis}_hi", value=text(ATTRIBUTES[name][2]))

    @reactive.effect
    @reactive.event(input.cohort_run)
    async def _start() -> None:
        outcome = state["outcome"]()
        design, errors = _design(input, outcome.request if outcome else None)
        await session.send_custom_message("pycart-errors", {k: errors.get(k, "") for k in keys})
        if design is None:
            state["cohort_failure"].set(errors.get("", "Fix the values marked in red."))
            return
        state["cohort_failure"].set("")
        asked[0] += 1  # a cohort asked for later replaces this one's result
        asyncio.get_running_loop().create_task(_compute(session, state, design, asked))

    @output(id="cohort_result")
    @render.ui
    def _result():
        failure, cohort = state["cohort_failure"](), state["cohort"]()
        if failure:
            return ui.div(failure, class_="alert alert-danger py-1", id="cohort-failure")
        if cohort is None:
            return ui.p("Choose two attributes and run the cohort.", class_="text-muted")
        cohort, image = cohort
        return ui.div(
            ui.p(f"{len(cohort.table):,} patients in {cohort.seconds:.2f} s: "
                 f"{100 * cohort.responders:.1f}% responders (L30 < 1 cell)",
                 id="cohort-share", data_run=repr(cohort.seconds)),
            ui.img(src=image, id="cohort-map", style="max-width: 100%;"),
            ui.download_button("download_cohort", "cohort table (CSV)", class_="btn-sm"))

    @output(id="download_cohort")
    @render.download_button(filename="cohort.csv", media_type="text/csv")
    def _cohort_csv():
        from shiny import req

        shown = state["cohort"]()
        req(shown is not None)
        yield shown[0].table.to_csv(index=False).encode()


def _design(input, request: Request | None):
    """The cohort's design from the form: ((request, x, y, n, ranges), {}) or
    (None, errors by input id; "" for the whole design)."""
    if request is None:
        return None, {"": "No valid patient yet: fix the values marked in red."}
    x, y = input.cohort_x(), input.cohort_y()
    errors, ranges = {}, {x: [0.0, 0.0], y: [0.0, 0.0]}
    for axis, name in (("x", x), ("y", y)):
        for k, end in enumerate(("lo", "hi")):
            key = f"cohort_{axis}_{end}"
            field = next(f for f in all_fields() if f.ident == name)
            value, problem = check_value(field, input[key]())
            if value is None:
                errors[key] = problem
            else:
                ranges[name][k] = value
    if errors:
        return None, errors
    bounds = {k: (lo, hi) for k, (lo, hi) in ranges.items()}
    try:
        n = check_design(x, y, input.cohort_n(), bounds, request.model,
                         response_doses(request))
    except PycartError as exc:
        return None, {"cohort_n" if "patients" in str(exc) else "": str(exc)}
    return (request, x, y, n, bounds), {}


async def _compute(session, state: dict, design, asked: list[int]) -> None:
    """Run the cohort in a worker thread with a progress bar; draw its map here (pyplot
    stays in one thread); show it unless a newer cohort was asked for meanwhile."""
    import base64

    from shiny import reactive, ui

    mine = asked[0]
    loop = asyncio.get_running_loop()
    with ui.Progress(min=0, max=1, session=session) as bar:
        bar.set(0, message="cohort: starting")

        def progress(done: int, total: int) -> None:
            loop.call_soon_threadsafe(lambda: bar.set(done / total, message=(
                f"cohort: {done} of {total} parts")))

        try:
            request, x, y, n, ranges = design
            cohort: Cohort = await asyncio.to_thread(run_cohort, request, x, y, n, ranges, progress)
            image = "data:image/png;base64," + base64.b64encode(responder_map(cohort)).decode()
            result, failure = (cohort, image), ""
        except Exception as exc:  # shown beside the cohort, never raised
            result, failure = None, message(exc)
    if mine != asked[0]:
        return
    async with reactive.lock():
        state["cohort_failure"].set(failure)
        if result is not None:
            state["cohort"].set(result)
        await reactive.flush()
