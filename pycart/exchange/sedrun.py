"""Run the SED-ML that pycart writes, in libRoadRunner: an independent reading of the archive.

It supports what pycart's SED-ML uses (models with attribute changes on parameter values and
initial amounts, uniform time courses with CVODE and its tolerances, tasks, repeated tasks
over vector ranges with set-value changes, data generators with arithmetic over variables)
and refuses anything else by name, rather than guess.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import libsbml
import libsedml
import numpy as np
import roadrunner

from ..core.errors import PycartError

_TARGET = re.compile(r"/sbml:sbml/sbml:model/sbml:listOf(Parameters|Species)/"
                     r"sbml:(parameter|species)\[@id='([A-Za-z_][A-Za-z0-9_]*)'\](/@(\w+))?$")


def _target(xpath: str) -> tuple[str, str, str | None]:
    match = _TARGET.match(xpath)
    if not match:
        raise PycartError(f"unsupported SED-ML target {xpath!r}")
    return match.group(2), match.group(3), match.group(5)


def run_sedml(path: str | Path) -> dict[str, np.ndarray]:
    """Execute a SED-ML file (models resolved next to it); return each data generator's
    values (one row per repeat for repeated tasks)."""
    path = Path(path)
    doc = libsedml.readSedMLFromFile(str(path))
    errors = [doc.getError(i) for i in range(doc.getNumErrors())
              if doc.getError(i).getSeverity() >= libsedml.LIBSEDML_SEV_ERROR]
    if errors:
        raise PycartError(f"{path.name}: {errors[0].getMessage().strip()}")
    models = {m.getId(): _model_sbml(doc, m, path.parent) for m in doc.getListOfModels()}
    sims = {s.getId(): s for s in doc.getListOfSimulations()}
    results: dict[str, dict[str, np.ndarray]] = {}
    tasks = {t.getId(): t for t in doc.getListOfTasks()}
    for task in doc.getListOfTasks():
        if task.getTypeCode() == libsedml.SEDML_TASK:
            results[task.getId()] = _task(models[task.getModelReference()],
                                          sims[task.getSimulationReference()])
    for task in doc.getListOfTasks():
        if task.getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK:
            results[task.getId()] = _repeated(task, tasks, models, sims)
        elif task.getTypeCode() != libsedml.SEDML_TASK:
            raise PycartError(f"unsupported SED-ML task type of {task.getId()}")
    return {dg.getId(): _evaluate(dg, results) for dg in doc.getListOfDataGenerators()}


def _model_sbml(doc: libsedml.SedDocument, model: libsedml.SedModel, folder: Path) -> str:
    source = model.getSource()
    if source.startswith("#"):
        raise PycartError(f"unsupported model reference {source!r}")
    sbml = libsbml.readSBMLFromFile(str(folder / source))
    if sbml.getNumErrors(libsbml.LIBSBML_SEV_ERROR):
        raise PycartError(f"{source}: not readable SBML")
    m = sbml.getModel()
    for change in model.getListOfChanges():
        if change.getTypeCode() != libsedml.SEDML_CHANGE_ATTRIBUTE:
            raise PycartError(f"unsupported SED-ML change in model {model.getId()}")
        kind, ident, attribute = _target(change.getTarget())
        value = float(change.getNewValue())
        if kind == "parameter" and attribute == "value":
            m.getParameter(ident).setValue(value)
        elif kind == "species" and attribute == "initialAmount":
            m.getSpecies(ident).setInitialAmount(value)
        else:
            raise PycartError(f"unsupported change of {kind} {ident} @{attribute}")
    return libsbml.writeSBMLToString(sbml)


def _configured(sbml: str, sim: libsedml.SedUniformTimeCourse) -> roadrunner.RoadRunner:
    rr = roadrunner.RoadRunner(sbml)
    algorithm = sim.getAlgorithm()
    if algorithm.getKisaoID() != "KISAO:0000019":
        raise PycartError(f"unsupported algorithm {algorithm.getKisaoID()} (only CVODE)")
    integrator = rr.integrator
    for p in algorithm.getListOfAlgorithmParameters():
        kisao, value = p.getKisaoID(), p.getValue()
        if kisao == "KISAO:0000209":
            integrator.relative_tolerance = float(value)
        elif kisao == "KISAO:0000211":
            n = len(integrator.getAbsoluteToleranceVector())
            integrator.absolute_tolerance = [float(value)] * n
        elif kisao == "KISAO:0000415":
            integrator.maximum_num_steps = int(float(value))
        else:
            raise PycartError(f"unsupported algorithm parameter {kisao}")
    return rr


def _times(sim: libsedml.SedUniformTimeCourse) -> np.ndarray:
    if sim.getTypeCode() != libsedml.SEDML_SIMULATION_UNIFORMTIMECOURSE:
        raise PycartError(f"unsupported simulation {sim.getId()}")
    if sim.getInitialTime() != 0 or sim.getOutputStartTime() != 0:
        raise PycartError("only time courses from 0 are supported")
    return np.linspace(0.0, sim.getOutputEndTime(), sim.getNumberOfSteps() + 1)


def _simulate(rr: roadrunner.RoadRunner, times: np.ndarray, species: list[str]) -> dict:
    """``species`` (any selectable ids) at ``times``, with time."""
    result = np.asarray(rr.simulate(times=times, selections=["time", *species]))
    return {"time": result[:, 0], **{s: result[:, k + 1] for k, s in enumerate(species)}}


def _outputs(rr: roadrunner.RoadRunner) -> list[str]:
    """Species and assignment-rule quantities: what a data generator may refer to."""
    return [*rr.model.getFloatingSpeciesIds(), *rr.getAssignmentRuleIds()]


def _task(sbml: str, sim) -> dict[str, np.ndarray]:
    rr = _configured(sbml, sim)
    return _simulate(rr, _times(sim), _outputs(rr))


def _repeated(task, tasks, models, sims) -> dict[str, np.ndarray]:
    if task.getNumSubTasks() != 1:
        raise PycartError(f"{task.getId()}: only one subtask is supported")
    sub = tasks[task.getSubTask(0).getTask()]
    rr = _configured(models[sub.getModelReference()], sims[sub.getSimulationReference()])
    times = _times(sims[sub.getSimulationReference()])
    species = _outputs(rr)
    master = task.getRange(task.getRangeId())
    if master.getTypeCode() != libsedml.SEDML_RANGE_VECTORRANGE:
        raise PycartError(f"{task.getId()}: only vector ranges are supported")
    rows: dict[str, list[np.ndarray]] = {}
    for value in master.getValues():
        rr.resetAll()
        for change in task.getListOfTaskChanges():
            kind, ident, _ = _target(change.getTarget())
            if libsedml.formulaToL3String(change.getMath()) != master.getId():
                raise PycartError(f"{task.getId()}: only changes to the range value")
            rr.setValue(ident, float(value))
        for key, values in _simulate(rr, times, species).items():
            rows.setdefault(key, []).append(values)
    return {key: np.array(values) for key, values in rows.items()}


def _evaluate(dg: libsedml.SedDataGenerator, results: dict) -> np.ndarray:
    env = {}
    for var in dg.getListOfVariables():
        table = results[var.getTaskReference()]
        if var.isSetSymbol():
            if var.getSymbol() != "urn:sedml:symbol:time":
                raise PycartError(f"unsupported symbol {var.getSymbol()}")
            env[var.getId()] = table["time"]
        else:
            kind, ident, attribute = _target(var.getTarget())
            if attribute is not None or ident not in table:
                raise PycartError(f"unsupported variable target {var.getTarget()}")
            env[var.getId()] = table[ident]
    return _arithmetic(ast.parse(libsedml.formulaToL3String(dg.getMath()), mode="eval").body,
                       env)


def _arithmetic(node: ast.AST, env: dict[str, np.ndarray]):
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        a, b = _arithmetic(node.left, env), _arithmetic(node.right, env)
        return {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
                ast.Div: np.divide}[type(node.op)](a, b)
    raise PycartError(f"unsupported data generator math {ast.dump(node)[:60]}")
