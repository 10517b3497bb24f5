"""SED-ML (Level 1 Version 4) for a scenario: what to simulate, how, and what to plot.

Each time-course panel of a scenario becomes a plot (log y axis, the paper's colours) of one
top-level task, so a tool that imports one task at a time (COPASI) shows the whole panel:
a task for a single run; a repeated task (a parameter scan) over the one quantity the
panel's runs differ in; a task and a plot per run only where runs differ in several
quantities (COPASI scans one quantity per loop, and draws a plot's curves from whichever
task it ran, so a plot mixing tasks would repeat one run under every label). Models
are the committed SBML with parameter values and initial amounts as changes; time courses
are integrated by CVODE with pycart's tolerances as algorithm parameters. Every curve plots
one model quantity (a species, as an amount, KISAO:0000836, or one of the models' observables
for sums), since COPASI plots the first variable of a data generator only. A report lists
every data set. Each grid of a scenario contributes a slice along its first axis.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import libsedml

from ..core.errors import PycartError
from ..core.model import SolverSettings
from ..core.names import MODELS, quantity
from ..core.resources import default_values
from ..experiments.figures import BLUE, BROWN, GREY, ORANGE, SERIES, Y_FLOOR
from ..experiments.scenario import OUTPUT_STEP, RunSpec, Scenario
from .schedules import dosed_values, file_sbml, model_file, slot_defaults

SBML_LANGUAGE = "urn:sedml:language:sbml.level-3.version-2"
CVODE = "KISAO:0000019"
AMOUNT = "KISAO:0000836"
TIME = "urn:sedml:symbol:time"
_COLOURS = {GREY: "6e6e6eff", ORANGE: "f28e1cff", BLUE: "1f5fa8ff", BROWN: "8c3b0cff"}
_LINES = {"-": "solid", "--": "dash", ":": "dot", "-.": "dashDot"}


def parameter_target(pid: str) -> str:
    """XPath of a parameter's value."""
    return f"/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='{pid}']/@value"


def species_target(sid: str) -> str:
    """XPath of a species (its amount, as a variable; its initial amount with ``@``)."""
    return f"/sbml:sbml/sbml:model/sbml:listOfSpecies/sbml:species[@id='{sid}']"


def sid(text: str) -> str:
    """An SId made of ``text``."""
    out = "".join(c if c.isalnum() else "_" for c in text)
    return out if out[0].isalpha() else f"_{out}"


def scenario_sedml(scenario: Scenario, solver: SolverSettings | None = None) -> str:
    """The SED-ML document of a scenario's time-course panels and grid slices."""
    solver = solver or SolverSettings()
    doc = libsedml.SedDocument(1, 4)
    doc.getNamespaces().add("http://www.sbml.org/sbml/level3/version2/core", "sbml")
    report = doc.createReport()
    report.setId("report")
    report.setName("every data set")
    runs = {r.label: r for r in scenario.runs}
    n_plot = 0
    for panel in scenario.panels:
        if panel.kind not in PLOTTED:
            continue
        n_plot += 1
        series = PLOTTED[panel.kind] or panel.series
        _panel(doc, report, f"plot{n_plot}", panel, [runs[label] for label in panel.runs],
               series, scenario.t_end, solver)
    for grid in scenario.grids:
        n_plot += 1
        _grid_slice(doc, grid, report, f"plot{n_plot}", solver)
    set_everything(doc)
    _scaled_absolute_tolerance(doc, solver)
    return libsedml.writeSedMLToString(doc)


def set_everything(doc: libsedml.SedDocument) -> None:
    """Give every model element a change for every quantity that any model or scan of the
    same file changes, and for every quantity its events change, at the file's own value
    where it has none of its own (a scan's quantity is left to the scan): a tool that
    carries values from one task into the next (biosimulators-tellurium did) still runs
    each task from the state it states."""
    models = list(doc.getListOfModels())
    scanned: dict[str, set[str]] = {}
    for task in doc.getListOfTasks():
        if task.getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK:
            for change in task.getListOfTaskChanges():
                scanned.setdefault(change.getModelReference(), set()).add(change.getTarget())
    by_file: dict[str, set[str]] = {}
    for m in models:
        by_file.setdefault(m.getSource(), set()).update(
            {c.getTarget() for c in m.getListOfChanges()} | scanned.get(m.getId(), set()))
    for m in models:
        values = file_values(m.getSource())
        own = {c.getTarget() for c in m.getListOfChanges()} | scanned.get(m.getId(), set())
        events = _event_state_targets(m)  # once per model: it parses the model file
        wanted = by_file[m.getSource()] | {t for t in values if t in events}
        for target in sorted(wanted - own, key=list(values).index):
            change = m.createChangeAttribute()
            change.setTarget(target)
            change.setNewValue(repr(float(values[target])))


def file_values(file: str) -> dict[str, float]:
    """Every changeable value of a model file (its name in an archive,
    :func:`~pycart.exchange.schedules.model_file`), by SED-ML target: parameter values
    (constant or changed by events) and initial amounts."""
    return dict(_sbml_values(file_sbml(file)))


@functools.lru_cache(maxsize=16)
def _sbml_values(text: str) -> tuple[tuple[str, float], ...]:
    """:func:`file_values` of an SBML text, parsed once per text: an export asks for the
    values of a few model files hundreds of times (every model of every archive), and the
    parses were two thirds of its time."""
    import libsbml

    sbml = libsbml.readSBMLFromString(text).getModel()
    out = {parameter_target(p.getId()): p.getValue() for p in sbml.getListOfParameters()
           if p.getConstant() or sbml.getRule(p.getId()) is None
           or sbml.getRule(p.getId()).isRate()}
    out |= {species_target(s.getId()) + "/@initialAmount": s.getInitialAmount()
            for s in sbml.getListOfSpecies()}
    return tuple(out.items())


def _event_state_targets(model: libsedml.SedModel) -> set[str]:
    """Targets of the parameters a model file's events or rate rules change."""
    return set(_sbml_event_targets(file_sbml(model.getSource())))


@functools.lru_cache(maxsize=16)
def _sbml_event_targets(text: str) -> frozenset[str]:
    """:func:`_event_state_targets` of an SBML text, parsed once per text."""
    import libsbml

    m = libsbml.readSBMLFromString(text).getModel()
    ids = {a.getVariable() for e in m.getListOfEvents() for a in e.getListOfEventAssignments()}
    ids |= {r.getVariable() for r in m.getListOfRules() if r.isRate()}
    return frozenset(parameter_target(i) for i in ids if m.getParameter(i) is not None)


def _scaled_absolute_tolerance(doc: libsedml.SedDocument, solver: SolverSettings) -> None:
    """Write the absolute tolerance (KISAO:0000211) as pycart's, in cells, divided by the
    largest initial amount any model of ``doc`` starts from: libRoadRunner (so
    biosimulators-tellurium) multiplies a single absolute tolerance by each species' initial
    amount, and this way no species gets more than pycart's; tools that apply the value as
    it is (COPASI, pycart's runner) integrate tighter still."""
    largest = 1.0
    for m in doc.getListOfModels():
        values = file_values(m.getSource())
        values |= {c.getTarget(): float(c.getNewValue()) for c in m.getListOfChanges()}
        largest = max([largest, *(v for t, v in values.items() if t.endswith("@initialAmount"))])
    for task in doc.getListOfTasks():
        if task.getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK:
            for change in task.getListOfTaskChanges():
                if change.getTarget().endswith("@initialAmount"):
                    rng = task.getRange(change.getRange())
                    largest = max(largest, *rng.getValues())
    value = absolute_tolerance_for(solver, largest)
    for sim in doc.getListOfSimulations():
        for p in sim.getAlgorithm().getListOfAlgorithmParameters():
            if p.getKisaoID() == ABSOLUTE_TOLERANCE:
                p.setValue(repr(value))


ABSOLUTE_TOLERANCE = "KISAO:0000211"


def absolute_tolerance_for(solver: SolverSettings, largest_initial_amount: float) -> float:
    """The single absolute tolerance that libRoadRunner scales to at most pycart's per-species
    value for every species (initial amounts up to ``largest_initial_amount``)."""
    return solver.absolute_tolerance / max(1.0, largest_initial_amount)


#: Panel kinds drawn as SED-ML plots, and the series they show (None: the panel's own).
PLOTTED: dict[str, tuple[str, ...] | None] = {"timecourse": None, "expansion": ("C",)}


def varying(runs: list[RunSpec]) -> dict[tuple[str, str], list[float]]:
    """What differs between ``runs`` of one model file: ``(kind, id) -> values``, kind
    "parameter" or "species" (initial amounts), each unset value at the file's default."""
    params, initial = default_values(runs[0].model)
    params |= slot_defaults(runs[0].doses)  # a variant's slots are off in its file
    out = {}
    for kind, values, defaults in (("parameter", "parameters", params),
                                   ("species", "initial", initial)):
        for ident in sorted({k for r in runs for k in getattr(r, values)}):
            column = [float(getattr(r, values).get(ident, defaults[ident])) for r in runs]
            if len(set(column)) > 1:
                out[(kind, ident)] = column
    return out


def _panel(doc: libsedml.SedDocument, report: libsedml.SedReport, plot_id: str, panel,
           runs: list[RunSpec], series: tuple[str, ...], t_end: float,
           solver: SolverSettings) -> None:
    """A panel's simulation and plot.

    One run: a task on a model with the run's changes. Several runs of one model that
    differ in one quantity: a repeated task over that quantity's values (a parameter scan
    in COPASI), on a model with what the runs share. Otherwise: a task and a plot per run.
    """
    sim = doc.getSimulation("timecourse") or _time_course(doc, "timecourse", t_end, solver)
    model_name = runs[0].model
    runs = [_written(r) for r in runs]
    one_model = len({model_file(r.model, r.doses) for r in runs}) == 1
    differ = varying(runs) if len(runs) > 1 and one_model else None
    if len(runs) == 1:
        run = runs[0]
        model = _model(doc, f"model_{plot_id}", run.label, model_file(run.model, run.doses),
                       run.parameters, run.initial)
        task = _task(doc, f"task_{plot_id}", f"{panel.title} ({run.label})", model, sim)
        _plot(doc, report, plot_id, panel.title, panel.t_max, task, "", model_name, series)
    elif differ is not None and len(differ) == 1:
        ((kind, quantity_id), values), = differ.items()
        shared = runs[0]
        model = _model(doc, f"model_{plot_id}", f"{panel.title}: what the runs share",
                       model_file(shared.model, shared.doses),
                       {k: v for k, v in shared.parameters.items() if k != quantity_id},
                       {k: v for k, v in shared.initial.items() if k != quantity_id})
        task = _task(doc, f"task_{plot_id}", f"{panel.title}: one run (the subtask of its "
                     "scan; choose the scan to see the panel)", model, sim)
        listed = ", ".join(f"{v:g}" for v in values)
        repeated = _repeat(doc, f"repeat_{plot_id}", f"{panel.title} ({len(runs)} runs, "
                           f"{quantity_id} = {listed})", task, model, kind, quantity_id, values)
        _plot(doc, report, plot_id, panel.title, panel.t_max, repeated,
              f" ({quantity_id} = {listed})", model_name, series)
    else:  # a plot per run: a tool showing one task per plot draws each correctly
        for k, run in enumerate(runs, start=1):
            model = _model(doc, f"model_{plot_id}_{k}", run.label,
                           model_file(run.model, run.doses), run.parameters, run.initial)
            title = f"{panel.title} ({run.label})"
            task = _task(doc, f"task_{plot_id}_{k}", title, model, sim)
            _plot(doc, report, f"{plot_id}_{k}", title, panel.t_max, task, "", run.model,
                  series)


def _plot(doc: libsedml.SedDocument, report: libsedml.SedReport, plot_id: str, title: str,
          t_max: float | None, task: str, suffix: str, model_name: str,
          series: tuple[str, ...]) -> None:
    """A plot of ``series`` of one task against time: log y axis, the paper's colours."""
    plot = doc.createPlot2D()
    plot.setId(plot_id)
    plot.setName(title)
    plot.setLegend(True)
    x_axis = plot.createXAxis()
    x_axis.setType("linear")
    x_axis.setName("time (days)")
    if t_max is not None:
        x_axis.setMin(0.0)
        x_axis.setMax(float(t_max))
    y_axis = plot.createYAxis()
    y_axis.setType("log10")
    y_axis.setName("cells")
    y_axis.setMin(Y_FLOOR)
    time_dg = _data_generator(doc, f"{task}_time", "time", task, None)
    _add_to_report(report, time_dg, f"{task}: time")
    for key in series:
        name, colour, style, columns = SERIES[key]
        present = tuple(c for c in columns if c in MODELS[model_name])
        if not present:
            continue
        dg = _data_generator(doc, f"{task}_{sid(key)}", f"{name}{suffix}", task,
                             quantity(model_name, present))
        _add_to_report(report, dg, f"{task}: {name}{suffix}")
        curve = plot.createCurve()
        curve.setId(f"curve_{dg[3:]}")
        curve.setName(f"{name}{suffix}")
        curve.setType("points")
        curve.setXDataReference(time_dg)
        curve.setYDataReference(dg)
        curve.setStyle(_style(doc, colour, style))


def _task(doc: libsedml.SedDocument, ident: str, name: str, model: libsedml.SedModel,
          sim: libsedml.SedUniformTimeCourse) -> str:
    task = doc.createTask()
    task.setId(ident)
    task.setName(name)
    task.setModelReference(model.getId())
    task.setSimulationReference(sim.getId())
    return ident


def _repeat(doc: libsedml.SedDocument, ident: str, name: str, task: str,
            model: libsedml.SedModel, kind: str, target_id: str, values) -> str:
    """A repeated task running ``task`` once per value of a parameter or initial amount
    (vector range, model reset before each run)."""
    repeated = doc.createRepeatedTask()
    repeated.setId(ident)
    repeated.setName(name)
    repeated.setResetModel(True)
    vector = repeated.createVectorRange()
    vector.setId(f"range_{ident}")
    vector.setValues([float(v) for v in values])
    repeated.setRangeId(vector.getId())
    change = repeated.createTaskChange()
    change.setModelReference(model.getId())
    change.setTarget(parameter_target(target_id) if kind == "parameter"
                     else species_target(target_id) + "/@initialAmount")
    change.setRange(vector.getId())
    change.setMath(libsedml.parseL3Formula(vector.getId()))
    sub = repeated.createSubTask()
    sub.setTask(task)
    sub.setOrder(1)
    return ident


#: Values of the first axis in a grid's slice (the full grids are sweeps, not SED-ML work).
SLICE_VALUES = 10


def _grid_slice(doc: libsedml.SedDocument, grid, report: libsedml.SedReport, plot_id: str,
                solver: SolverSettings) -> None:
    """A repeated task over the first axis of ``grid`` (SLICE_VALUES values, the other axes at
    their middle values) on the grid's own time course, with a plot of L."""
    from ..experiments.scenario import Axis

    first, *others = grid.axes
    fixed = {a.parameter: float(a.values()[len(a.values()) // 2]) for a in others}
    ident = sid(grid.name)
    model = _model(doc, f"model_grid_{ident}", f"grid {grid.name}, the other axes at " + ", ".join(
        f"{k} = {v:.3g}" for k, v in fixed.items()), model_file(grid.model),
        dict(grid.base) | fixed, {})
    sim = _time_course(doc, f"timecourse_grid_{ident}", grid.t_end, solver)
    task = _task(doc, f"task_grid_{ident}", f"grid {grid.name}: one point (the subtask of "
                 "its scan)", model, sim)
    values = Axis(first.parameter, first.lo, first.hi, SLICE_VALUES, first.scale).values()
    repeated = _repeat(doc, f"repeat_grid_{ident}",
                       f"grid {grid.name}: {first.parameter} over {SLICE_VALUES} values", task,
                       model, "parameter", first.parameter, values)
    time_dg = _data_generator(doc, f"grid_{ident}_time", "time", repeated, None)
    L_dg = _data_generator(doc, f"grid_{ident}_L", f"leukemic cells over {first.parameter}",
                           repeated, "L")
    _add_to_report(report, time_dg, f"grid {grid.name}: time")
    _add_to_report(report, L_dg, f"grid {grid.name}: L for each {first.parameter}")
    plot = doc.createPlot2D()
    plot.setId(plot_id)
    plot.setName(f"{grid.name}: L for {SLICE_VALUES} values of {first.parameter}")
    x_axis = plot.createXAxis()
    x_axis.setType("linear")
    y_axis = plot.createYAxis()
    y_axis.setType("log10")
    y_axis.setMin(Y_FLOOR)
    curve = plot.createCurve()
    curve.setId(f"{plot_id}_L")
    curve.setType("points")
    curve.setXDataReference(time_dg)
    curve.setYDataReference(L_dg)
    curve.setStyle(_style(doc, GREY, "-"))


def _time_course(doc: libsedml.SedDocument, ident: str, t_end: float,
                 solver: SolverSettings) -> libsedml.SedUniformTimeCourse:
    """A time course from 0 to ``t_end`` every OUTPUT_STEP, by CVODE with ``solver``'s
    tolerances."""
    sim = doc.createUniformTimeCourse()
    sim.setId(ident)
    sim.setName(f"{t_end:g} days, every {OUTPUT_STEP:g} day")
    sim.setInitialTime(0.0)
    sim.setOutputStartTime(0.0)
    sim.setOutputEndTime(t_end)
    sim.setNumberOfSteps(int(round(t_end / OUTPUT_STEP)))
    algorithm = sim.createAlgorithm()
    algorithm.setKisaoID(CVODE)
    for kisao, value in solver.kisao().items():
        parameter = algorithm.createAlgorithmParameter()
        parameter.setKisaoID(kisao)
        parameter.setValue(value)
    return sim


def _written(run: RunSpec) -> RunSpec:
    """``run`` as its model element states it: with a dose schedule, its parameters and
    initial amounts include the slots' values and the day-0 doses (the element's file is
    the variant of the schedule's shape)."""
    if not run.doses:
        return run
    parameters, initial = dosed_values(run.model, run.parameters, run.initial, run.doses)
    return replace(run, parameters=parameters, initial=initial)


def _model(doc: libsedml.SedDocument, ident: str, name: str, source: str,
           parameters, initial) -> libsedml.SedModel:
    """A model element: the model file ``source`` with parameter values and initial amounts
    changed."""
    element = doc.createModel()
    element.setId(ident)
    element.setName(name)
    element.setLanguage(SBML_LANGUAGE)
    element.setSource(source)
    for pid, value in sorted(parameters.items()):
        change = element.createChangeAttribute()
        change.setTarget(parameter_target(pid))
        change.setNewValue(repr(float(value)))
    for species, value in sorted(initial.items()):
        change = element.createChangeAttribute()
        change.setTarget(species_target(species) + "/@initialAmount")
        change.setNewValue(repr(float(value)))
    return element


def _data_generator(doc: libsedml.SedDocument, ident: str, name: str, task: str,
                    quantity_id: str | None) -> str:
    """A data generator of one variable: time (``None``), a species (as an amount) or an
    observable of the model."""
    dg = doc.createDataGenerator()
    dg.setId(f"dg_{ident}")
    dg.setName(name)
    var = dg.createVariable()
    var.setId(f"v_{ident}")
    var.setTaskReference(task)
    if quantity_id is None:
        var.setSymbol(TIME)
    elif any(quantity_id in species for species in MODELS.values()):
        var.setTarget(species_target(quantity_id))
        var.setTerm(AMOUNT)
    else:
        var.setTarget(parameter_target(quantity_id)[: -len("/@value")])
    dg.setMath(libsedml.parseL3Formula(var.getId()))
    return dg.getId()


def _add_to_report(report: libsedml.SedReport, dg: str, label: str) -> None:
    ds = report.createDataSet()
    ds.setId(f"ds_{dg[3:]}")
    ds.setLabel(label)
    ds.setDataReference(dg)


def _style(doc: libsedml.SedDocument, colour: str, line: str) -> str:
    ident = f"style_{_COLOURS[colour][:6]}_{_LINES[line]}"
    if doc.getStyle(ident) is None:
        style = doc.createStyle()
        style.setId(ident)
        line_style = style.createLineStyle()
        line_style.setColor(_COLOURS[colour])
        line_style.setType(_LINES[line])
        line_style.setThickness(2.0)
    return ident


@dataclass(frozen=True)
class View:
    """What a tool that imports one task at a time opens to show plot ``plot``: top-level
    task ``task`` (a repeated task or not) on model ``model``, over ``t_end`` days in
    ``steps`` steps. pycart's plots each draw from one task; a plot drawing from several
    (other SED-ML) has a view per task."""

    plot: str
    task: str
    model: str
    repeated: bool
    t_end: float
    steps: int
    title: str = ""  # the plot's name


def plot_views(sedml: str) -> list[View]:
    """The views of every plot of a SED-ML document, in plot order."""
    doc = libsedml.readSedMLFromString(sedml)
    views = []
    for output in doc.getListOfOutputs():
        if output.getTypeCode() != libsedml.SEDML_OUTPUT_PLOT2D:
            continue
        tasks: list[str] = []
        for curve in output.getListOfCurves():
            dg = _found(doc.getDataGenerator(curve.getYDataReference()), "data generator",
                        curve.getYDataReference(), output.getId())
            for var in dg.getListOfVariables():
                if var.getTaskReference() not in tasks:
                    tasks.append(var.getTaskReference())
        for ident in tasks:
            task = _found(doc.getTask(ident), "task", ident, output.getId())
            repeated = task.getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK
            if repeated and task.getNumSubTasks() == 0:
                raise PycartError(f"SED-ML: repeated task {ident} has no sub-task")
            plain = (_found(doc.getTask(task.getSubTask(0).getTask()), "task",
                            task.getSubTask(0).getTask(), ident) if repeated else task)
            sim = _found(doc.getSimulation(plain.getSimulationReference()), "simulation",
                         plain.getSimulationReference(), plain.getId())
            if sim.getTypeCode() != libsedml.SEDML_SIMULATION_UNIFORMTIMECOURSE:
                raise PycartError(f"SED-ML: simulation {sim.getId()} is not a uniform time "
                                  "course")
            views.append(View(output.getId(), ident, plain.getModelReference(), repeated,
                              sim.getOutputEndTime(), sim.getNumberOfSteps(),
                              output.getName()))
    return views


def _found(element, kind: str, ident: str, where: str):
    """``element``, or :class:`PycartError` naming the reference that resolves to nothing."""
    if element is None:
        raise PycartError(f"SED-ML: {where} refers to {kind} {ident!r}, which does not exist")
    return element


def copasi_guide(sedml: str, solver: SolverSettings | None = None) -> str:
    """How to open each plot in COPASI, whose import takes one task and model at a time."""
    solver = solver or SolverSettings()
    views = plot_views(sedml)
    parts = []
    for v in views:
        what = f"{v.plot}: task {v.task} on {v.model}"
        if v.repeated:
            what += f" (a scan; Time-Course {v.t_end:g} days in {v.steps} steps)"
        parts.append(what)
    note = (" COPASI does not import the time course of a chosen scan: set it as given, with "
            f"relative tolerance {solver.relative_tolerance:g} and absolute tolerance "
            f"{solver.absolute_tolerance:g}." if any(v.repeated for v in views)
            else "")
    return ("In COPASI, import one plot at a time, choosing " + "; ".join(parts) + "." + note
            + " pycart's exports/copasi/ holds the same plots one per archive, which COPASI "
            "opens complete.")


def single_plot_sedml(sedml: str, plot_id: str) -> str:
    """The part of a SED-ML document that plot ``plot_id`` needs: the plot, its data
    generators (in a report of their own), its task and subtask, their model and time
    course. A tool that imports one task per SED-ML file (COPASI) opens it complete."""
    doc = libsedml.readSedMLFromString(sedml)
    plot = doc.getOutput(plot_id)
    if plot is None or plot.getTypeCode() != libsedml.SEDML_OUTPUT_PLOT2D:
        raise PycartError(f"no plot {plot_id!r} in the SED-ML")
    dgs = {ref for curve in plot.getListOfCurves()
           for ref in (curve.getXDataReference(), curve.getYDataReference())}
    tasks = {doc.getDataGenerator(d).getVariable(i).getTaskReference()
             for d in dgs for i in range(doc.getDataGenerator(d).getNumVariables())}
    for ident in list(tasks):
        task = doc.getTask(ident)
        if task.getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK:
            tasks.update(task.getSubTask(i).getTask() for i in range(task.getNumSubTasks()))
    plain = [doc.getTask(t) for t in tasks
             if doc.getTask(t).getTypeCode() == libsedml.SEDML_TASK]
    models = {t.getModelReference() for t in plain}
    sims = {t.getSimulationReference() for t in plain}
    for listing, keep in ((doc.getListOfOutputs(), {plot_id}),
                          (doc.getListOfDataGenerators(), dgs), (doc.getListOfTasks(), tasks),
                          (doc.getListOfModels(), models), (doc.getListOfSimulations(), sims)):
        for ident in [listing.get(i).getId() for i in range(listing.size())]:
            if ident not in keep:
                listing.remove(ident)
    report = doc.createReport()
    report.setId("report")
    report.setName(f"the data of {plot.getName()}")
    for curve in plot.getListOfCurves():
        for ref in (curve.getXDataReference(), curve.getYDataReference()):
            if report.getDataSetByDataReference(ref) is None:
                _add_to_report(report, ref, doc.getDataGenerator(ref).getName())
    return libsedml.writeSedMLToString(doc)
