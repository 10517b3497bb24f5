"""Simulate an SBML model directly in another tool; run by that tool's own Python.

Reads a JSON request on stdin (tool: tellurium, amici or pysces; sbml; parameters; times;
work folder; PySCeS's largest step, max_step, 0 for none) and prints one JSON line: time
and each species' amounts at the times, plus the dose records. Imports nothing of pycart
(the tool's environment does not have it). Tolerances: relative 1e-10, absolute 1e-14
cells (per species where the tool scales). AMICI compiles a model into the work folder
once (a stamp file marks a complete build) and reuses it.
"""

import json
import sys

import numpy as np

RTOL, ATOL, STEPS = 1e-10, 1e-14, 200_000


def _tellurium(request):
    import roadrunner

    rr = roadrunner.RoadRunner(request["sbml"])
    for key, value in request["parameters"].items():
        rr[key] = value
    rr.integrator.relative_tolerance = RTOL
    rr.integrator.absolute_tolerance = [ATOL] * len(rr.integrator.getAbsoluteToleranceVector())
    rr.integrator.maximum_num_steps = STEPS
    species = list(rr.model.getFloatingSpeciesIds())
    out = np.asarray(rr.simulate(times=request["times"], selections=["time", *species]))
    result = {"time": out[:, 0].tolist(), **{s: out[:, k + 1].tolist()
                                             for k, s in enumerate(species)}}
    return result | {p: [rr[p]] for p in rr.model.getGlobalParameterIds()
                     if p.endswith("given_day")}


def _amici(request):
    import os
    import shutil

    import amici
    from amici.sbml_import import SbmlImporter

    name = "pycart_" + os.path.basename(request["sbml"]).removesuffix(".xml")
    folder = os.path.join(request["work"], name)
    stamp = os.path.join(folder, ".pycart-complete")
    if not os.path.exists(stamp):  # none, or a build that was interrupted
        shutil.rmtree(folder, ignore_errors=True)
        SbmlImporter(request["sbml"]).sbml2amici(name, folder, verbose=False)
        with open(stamp, "w", encoding="utf-8") as f:
            f.write(name)
    model = amici.import_model_module(name, folder).getModel()
    ids = list(model.getParameterIds())
    values = dict(zip(ids, model.getParameters(), strict=True))
    for key, value in request["parameters"].items():
        renamed = key if key in values else f"amici_{key}"  # AMICI renames h, k
        if renamed not in values:
            raise SystemExit(f"AMICI has no parameter {key}")
        values[renamed] = value
    model.setParameters([values[i] for i in ids])
    model.setTimepoints(request["times"])
    solver = model.getSolver()
    solver.setRelativeTolerance(RTOL)
    solver.setAbsoluteTolerance(ATOL)
    solver.setMaxSteps(STEPS)
    data = amici.runAmiciSimulation(model, solver)
    if data.status != 0:
        raise SystemExit(f"AMICI status {data.status}")
    states = list(model.getStateIds())
    x = np.asarray(data.x)
    out = {"time": list(request["times"]), **{s: x[:, k].tolist() for k, s in enumerate(states)}}
    # a dose record assigned by an event is a state in AMICI: its value at the end, as the
    # other tools report it
    return out | {s: [x[-1, k]] for k, s in enumerate(states) if s.endswith("given_day")}


def _pysces(request):
    import os

    import pysces

    folder = request["work"]
    pysces.interface.convertSBML2PSC(sbmlfile=os.path.basename(request["sbml"]),
                                     sbmldir=os.path.dirname(request["sbml"]),
                                     pscfile="model.psc", pscdir=folder)
    model = pysces.model("model.psc", dir=folder)
    for key, value in request["parameters"].items():
        setattr(model, key, value)
    model.mode_integrator = "CVODE"
    # PySCeS finds an event only at the end of a CVODE step (or at an output time inside
    # one) and reads the species for its assignments where CVODE last evaluated the rates
    # (the step's end): with doses, bound the step (max_step days) so both are that close.
    max_step = float(request.get("max_step") or 0.0)
    intervals = np.diff(np.concatenate([[0.0], request["times"]]))
    steps = STEPS if max_step == 0 else max(STEPS, int(intervals.max() / max_step) + STEPS)
    model.__settings__.update(cvode_abstol=ATOL, cvode_reltol=RTOL, cvode_mxstep=steps,
                              cvode_hmax=max_step)
    times = np.asarray(request["times"], dtype=float)
    model.sim_time = times
    model.Simulate(userinit=1)
    t = model.data_sim.getTime()
    species = list(model.data_sim.getSpecies(lbls=True)[1][1:])
    y = model.data_sim.getSpecies()[:, 1:]
    rows = [int(np.flatnonzero(np.isclose(t, day))[-1]) for day in times]  # after any dose
    out = {"time": times.tolist(), **{s: y[rows, k].tolist() for k, s in enumerate(species)}}
    return out | {p: [float(getattr(model, p))] for p in dir(model)
                  if p.endswith("given_day") and not p.startswith("_")}


def main() -> None:
    request = json.loads(sys.stdin.read())
    tool = {"tellurium": _tellurium, "amici": _amici, "pysces": _pysces}[request["tool"]]
    result = tool(request)
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
