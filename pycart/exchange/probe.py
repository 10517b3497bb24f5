"""Simulate an SBML model directly in another tool; run by that tool's own Python.

Reads a JSON request on stdin (tool: tellurium, amici or pysces; sbml; parameters; times;
work folder; PySCeS's largest step near an event, max_step, 0 for none, and how near,
window, in days) and prints one JSON line: time and each species' amounts at the times,
plus the dose records. Imports nothing of pycart
(the tool's environment does not have it). Tolerances: relative 1e-10, absolute 1e-14
cells (per species where the tool scales). AMICI compiles a model into the work folder
once (a stamp file marks a complete build) and reuses it.
"""

import json
import sys
from typing import Any

import numpy as np

RTOL, ATOL, STEPS = 1e-10, 1e-14, 200_000
#: PySCeS runs before every event it fires lies in a bounded window (then it gives up).
PASSES = 8


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
    times = np.asarray(request["times"], dtype=float)
    max_step = float(request.get("max_step") or 0.0)
    steps = STEPS if max_step == 0 else int(np.diff(times, prepend=0.0).max() / max_step) + STEPS
    model.__settings__.update(cvode_abstol=ATOL, cvode_reltol=RTOL, cvode_mxstep=steps)
    _pysces_events(model, times, max_step, float(request.get("window") or 0.0))
    t = model.data_sim.getTime()
    species = list(model.data_sim.getSpecies(lbls=True)[1][1:])
    y = model.data_sim.getSpecies()[:, 1:]
    rows = [int(np.flatnonzero(np.isclose(t, day))[-1]) for day in times]  # after any dose
    out = {"time": times.tolist(), **{s: y[rows, k].tolist() for k, s in enumerate(species)}}
    return out | {p: [float(getattr(model, p))] for p in dir(model)
                  if p.endswith("given_day") and not p.startswith("_")}


def _pysces_events(model: Any, times: np.ndarray, max_step: float, window: float) -> None:
    """Simulate ``model`` at ``times``, its CVODE steps bounded to ``max_step`` days within
    ``window`` days of every event it fires (``max_step`` 0: never bounded). PySCeS finds an
    event only at the end of a CVODE step and reads the species for its assignments where
    CVODE last evaluated the rates (the step's end), so a long step over an event moves it;
    bounding every step of a 180-day run costs minutes. The windows come from PySCeS's own
    runs: first unbounded, then bounded around the events found, again until every event
    of a run lies in a window (:func:`_missed`); each run from the same start."""
    from pysces import PyscesModel

    model.sim_time = times
    if max_step == 0:
        model.Simulate(userinit=1)
        return
    cvode, windows = PyscesModel.CVode, list[tuple[float, float]]()
    start = {p: getattr(model, p) for p in model.parameters}  # events change some (records)
    for _ in range(PASSES):
        PyscesModel.CVode = _windowed(cvode, windows, max_step)
        for key, value in start.items():
            setattr(model, key, value)
        model.sim_time = times
        model.Simulate(userinit=1)
        missed = _missed(model._problem.event_times, windows, max_step)
        if not missed:
            return
        windows = _merged(windows + [(max(0.0, e - window), e + window) for e in missed])
    raise SystemExit(f"PySCeS: events outside the bounded windows after {PASSES} runs")


def _missed(events: list[float], windows: list[tuple[float, float]], max_step: float
            ) -> list[float]:
    """The event times of ``events`` not inside a window: each must lie ten bounded steps
    past its window's start (or in a window from time 0), so that the step that found it
    and the one before lay wholly in the window; an event found at a window's start came
    from the unbounded step before it."""
    return [e for e in events
            if not any(a + 10 * max_step <= e <= b or a == 0 < e <= b for a, b in windows)]


def _merged(windows: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Windows ``(start, end)``, those that overlap joined, in order."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _windowed(cvode: Any, windows: list[tuple[float, float]], max_step: float) -> Any:
    """Assimulo's ``cvode`` class with a ``simulate`` that runs from one window edge to the
    next (the edges stop times, restarts), the step bounded to ``max_step`` inside
    ``windows`` and not outside. The edges are left out of the solution unless asked for
    or an event's, so that PySCeS reads it as one run."""

    class Windowed(cvode):
        def simulate(self, tfinal, ncp=0, ncp_list=None):
            wanted = np.asarray(ncp_list, dtype=float)
            edges = sorted({e for w in windows for e in w if self.t < e < tfinal} | {tfinal})
            t_all: list[float] = []
            y_all: list[np.ndarray] = []
            failures = 0
            for end in edges:
                self.maxh = max_step if any(a < end <= b for a, b in windows) else 0.0
                inside = wanted[(wanted > self.t) & (wanted <= end)]
                t, y = cvode.simulate(self, end, 0, inside if inside.size else [end])
                failures += self.statistics["nnfails"]  # counted afresh each call
                keep = [k for k, ti in enumerate(t) if (k > 0 or not t_all) and (
                    ti != end or ti in wanted or ti in self.problem.event_times)]
                t_all += [t[k] for k in keep]
                y_all += [y[k] for k in keep]
            self.statistics["nnfails"] = failures
            return t_all, np.asarray(y_all)

    return Windowed


def main() -> None:
    request = json.loads(sys.stdin.read())
    tool = {"tellurium": _tellurium, "amici": _amici, "pysces": _pysces}[request["tool"]]
    result = tool(request)
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
