"""SED-ML (Level 1 Version 4) for a scenario: what to simulate, how, and what to plot.

Each run of a scenario becomes a model (the committed SBML with the run's parameter values
and initial amounts as changes) and a task on one uniform time course, integrated by CVODE
with pycart's tolerances as algorithm parameters. Each time-course panel becomes a plot
with a log y axis, its curves in the paper's colours; a report lists every data set.
Outputs are cell counts, marked as amounts (KISAO:0000836).
"""

from __future__ import annotations

import libsedml

from .figures import BLUE, BROWN, GREY, ORANGE, SERIES
from .model import SolverSettings
from .names import MODELS
from .scenario import OUTPUT_STEP, Scenario

SBML_LANGUAGE = "urn:sedml:language:sbml.level-3.version-2"
CVODE = "KISAO:0000019"
AMOUNT = "KISAO:0000836"
TIME = "urn:sedml:symbol:time"
_COLOURS = {GREY: "6e6e6eff", ORANGE: "f28e1cff", BLUE: "1f5fa8ff", BROWN: "8c3b0cff"}
_LINES = {"-": "solid", "--": "dash", ":": "dot", "-.": "dashDot"}


def model_file(name: str) -> str:
    """The file name of a model inside an archive."""
    return f"{name}.xml"


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
    """The SED-ML document of a scenario's runs and time-course panels."""
    solver = solver or SolverSettings()
    doc = libsedml.SedDocument(1, 4)
    doc.getNamespaces().add("http://www.sbml.org/sbml/level3/version2/core", "sbml")
    species_of: dict[str, list[str]] = {}
    if scenario.runs:
        sim = _time_course(doc, "timecourse", scenario.t_end, solver)
    for run in scenario.runs:
        model = _model(doc, f"model_{sid(run.label)}", run.label, run.model, run.parameters,
                       run.initial)
        task = doc.createTask()
        task.setId(f"task_{sid(run.label)}")
        task.setName(run.label)
        task.setModelReference(model.getId())
        task.setSimulationReference(sim.getId())
        species_of[run.label] = list(MODELS[run.model])
    report = doc.createReport()
    report.setId("report")
    report.setName("every data set")
    if scenario.runs:
        time_dg = _data_generator(doc, "time", "time", f"task_{sid(scenario.runs[0].label)}",
                                  [None])
        _add_to_report(report, time_dg, "time")
    made: dict[tuple[str, str], str] = {}
    n_plot = 0
    for panel in scenario.panels:
        if panel.kind != "timecourse":
            continue
        n_plot += 1
        plot = doc.createPlot2D()
        plot.setId(f"plot{n_plot}")
        plot.setName(panel.title)
        plot.setLegend(True)
        x_axis = plot.createXAxis()
        x_axis.setType("linear")
        x_axis.setName("time (days)")
        if panel.t_max is not None:
            x_axis.setMin(0.0)
            x_axis.setMax(float(panel.t_max))
        y_axis = plot.createYAxis()
        y_axis.setType("log10")
        y_axis.setName("cells")
        y_axis.setMin(1e-4)
        for k, label in enumerate(panel.runs):
            for key in panel.series:
                name, colour, style, columns = SERIES[key]
                present = [c for c in columns if c in species_of[label]]
                if not present:
                    continue
                if (label, key) not in made:
                    dg = _data_generator(doc, f"{sid(label)}_{sid(key)}", f"{name} ({label})",
                                         f"task_{sid(label)}", present)
                    made[(label, key)] = dg
                    _add_to_report(report, dg, f"{label}: {name}")
                curve = plot.createCurve()
                curve.setId(f"plot{n_plot}_{sid(label)}_{sid(key)}")
                curve.setName(f"{name} ({label})" if len(panel.runs) > 1 else name)
                curve.setType("points")
                curve.setXDataReference(time_dg)
                curve.setYDataReference(made[(label, key)])
                curve.setStyle(_style(doc, colour, style if len(panel.runs) == 1 else
                                      ("-", "--", ":", "-.")[k % 4]))
    for grid in scenario.grids:
        n_plot += 1
        _grid_slice(doc, grid, report, f"plot{n_plot}", solver)
    return libsedml.writeSedMLToString(doc)


#: Values of the first axis in a grid's slice (the full grids are sweeps, not SED-ML work).
SLICE_VALUES = 10


def _grid_slice(doc: libsedml.SedDocument, grid, report: libsedml.SedReport, plot_id: str,
                solver: SolverSettings) -> None:
    """A repeated task over the first axis of ``grid`` (SLICE_VALUES values, the other axes at
    their middle values) on the grid's own time course, with a plot of L."""
    from .scenario import Axis

    first, *others = grid.axes
    fixed = {a.parameter: float(a.values()[len(a.values()) // 2]) for a in others}
    ident = sid(grid.name)
    model = _model(doc, f"model_grid_{ident}", f"grid {grid.name}, the other axes at " + ", ".join(
        f"{k} = {v:.3g}" for k, v in fixed.items()), grid.model, dict(grid.base) | fixed, {})
    sim = _time_course(doc, f"timecourse_grid_{ident}", grid.t_end, solver)
    task = doc.createTask()
    task.setId(f"task_grid_{ident}")
    task.setModelReference(model.getId())
    task.setSimulationReference(sim.getId())
    repeated = doc.createRepeatedTask()
    repeated.setId(f"repeat_grid_{ident}")
    repeated.setName(f"{first.parameter} over {SLICE_VALUES} values")
    repeated.setResetModel(True)
    values = Axis(first.parameter, first.lo, first.hi, SLICE_VALUES, first.scale).values()
    vector = repeated.createVectorRange()
    vector.setId(f"range_{ident}")
    vector.setValues([float(v) for v in values])
    repeated.setRangeId(vector.getId())
    change = repeated.createTaskChange()
    change.setModelReference(model.getId())
    change.setTarget(parameter_target(first.parameter))
    change.setRange(vector.getId())
    change.setMath(libsedml.parseL3Formula(vector.getId()))
    sub = repeated.createSubTask()
    sub.setTask(task.getId())
    sub.setOrder(1)
    time_dg = _data_generator(doc, f"grid_{ident}_time", "time", repeated.getId(), [None])
    L_dg = _data_generator(doc, f"grid_{ident}_L", f"leukemic cells over {first.parameter}",
                           repeated.getId(), ["L"])
    _add_to_report(report, time_dg, f"grid {grid.name}: time")
    _add_to_report(report, L_dg, f"grid {grid.name}: L for each {first.parameter}")
    plot = doc.createPlot2D()
    plot.setId(plot_id)
    plot.setName(f"{grid.name}: L for {SLICE_VALUES} values of {first.parameter}")
    x_axis = plot.createXAxis()
    x_axis.setType("linear")
    y_axis = plot.createYAxis()
    y_axis.setType("log10")
    y_axis.setMin(1e-4)
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


def _model(doc: libsedml.SedDocument, ident: str, name: str, model: str,
           parameters, initial) -> libsedml.SedModel:
    """A model element: the model file with parameter values and initial amounts changed."""
    element = doc.createModel()
    element.setId(ident)
    element.setName(name)
    element.setLanguage(SBML_LANGUAGE)
    element.setSource(model_file(model))
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
                    species: list[str | None]) -> str:
    dg = doc.createDataGenerator()
    dg.setId(f"dg_{ident}")
    dg.setName(name)
    terms = []
    for s in species:
        var = dg.createVariable()
        var.setTaskReference(task)
        if s is None:
            var.setId(f"v_{ident}")
            var.setSymbol(TIME)
        else:
            var.setId(f"v_{ident}_{s}")
            var.setTarget(species_target(s))
            var.setTerm(AMOUNT)
        terms.append(var.getId())
    dg.setMath(libsedml.parseL3Formula(" + ".join(terms)))
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
