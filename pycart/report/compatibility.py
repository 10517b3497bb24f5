"""``pycart compatibility``: which simulators reproduce which archives and models.

Runs every archive of an export folder through the BioSimulators runners and the SBML
models directly through other tools (each in its own environment, see
:mod:`pycart.exchange.simulators`), compares with pycart, and writes
``docs/compatibility.md``: tool x archive, whether it ran, the largest relative difference
from pycart where pycart's value exceeds one cell, and what to set by hand.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.schedule import Dose
from ..exchange.simulators import (
    RUNNERS,
    compare_archive,
    run_dealt,
)
from ..experiments.scenario import Scenario

#: The runners' output capture (biosimulators-utils' capturer) leaves files open, task
#: after task (measured on ext_fig8.omex: over 2,000 in either runner; with `ulimit -n 1024`
#: biosimulators-tellurium failed it); runbatch.py raises the limit and closes them.
_FILES = ("; for the runner's own command line, allow 4096 open files (`ulimit -n 4096`): "
          "its output capture leaves files open task after task, over 2,000 on "
          "ext_fig8.omex, beyond the common limit of 1024, at which biosimulators-tellurium "
          "fails that archive (Too many open files)")
#: What to set by hand, per runner, where the archive cannot carry it (measured; see
#: docs/compatibility.md and docs/exchange.md, "Other simulators").
BY_HAND = {
    "tellurium": "nothing: the absolute tolerance is written so that libRoadRunner's "
                 "scaling by initial amounts leaves every species at most 1e-14 cells"
                 + _FILES,
    "copasi": "the runner applies none of the archive's algorithm parameters (it refuses "
              "every value as a string) and runs LSODA at COPASI's defaults, relative "
              "1e-6, absolute 1e-12: for pycart's precision set Relative Tolerance 1e-10, "
              "Absolute Tolerance 1e-14, Max Internal Steps 200000" + _FILES,
    "amici": "the runner applies algorithm parameters only under AMICI's own KiSAO id "
             "(CVODES, KISAO:0000496) and runs at its defaults, relative 1e-8, absolute "
             "1e-16, 10000 steps: for pycart's precision set relative 1e-10, absolute "
             "1e-14, 200000 steps",
}
#: What to set by hand, per tool loading the SBML models directly (measured; docs/exchange.md).
DIRECT_BY_HAND = {
    "copasi": "the time course's method (LSODA) parameters: Relative Tolerance 1e-10, "
              "Absolute Tolerance 1e-14, Max Internal Steps 200000 (COPASI's defaults, "
              "1e-6 and 1e-12, are looser than pycart's); species read as amounts "
              "(particle numbers: the substance unit is the item)",
    "tellurium": "the integrator's tolerances: relative 1e-10, absolute 1e-14 as a vector "
                 "(one value per state: the species, the doses' clock and the stimulation "
                 "histories X, X2 of the _ext models; a single value is multiplied by each "
                 "species' initial amount), 200000 steps",
    "amici": "the solver's tolerances: relative 1e-10, absolute 1e-14, 200000 steps "
             "(AMICI renames the parameters h and k to amici_h and amici_k, and makes each "
             "parameter an event assigns, such as a dose record, a state). The doses' "
             "`clock` is a rate rule (clock' = 1): AMICI's event-update code cannot read an "
             "assignment rule such as clock := time",
    "pysces": "CVODE (mode_integrator = 'CVODE', with Assimulo installed: PySCeS ignores "
              "every event under LSODA) and __settings__ cvode_reltol 1e-10, cvode_abstol "
              "1e-14; with any dose on, also a bounded step near the doses: PySCeS finds an "
              "event only at the end of a CVODE step and reads the species for its "
              "assignments there, so a dose is up to a step late (on relapse) or added to a "
              "value up to a step old (on a day); measured at the default unbounded step: "
              "up to 1.9e-2 off; bounded to 1e-3 days: up to 5.6e-4. By hand, cvode_hmax = "
              "1e-4 (days) for the whole run, cvode_mxstep raised to match (the longest "
              "output interval / 1e-4 and more): up to 3.6e-5, about a minute a run. This "
              "table: the step bounded to 1e-5 days within 0.1 day of every event PySCeS "
              "fires (its CVODE run from one window's edge to the next, the windows found by "
              "PySCeS's own runs: pycart/exchange/probe.py), a few seconds a run",
}
#: Direct loads: the doses compared.
CASES = {
    "doses off": {},
    "reinfusion on day 60": {"reinf_day": 60.0, "reinf_dose": 1e8},
    "reinfusion on relapse": {"alpha": 3e-10, "h": 1e10, "rhoA": 0.55,
                              "relapse_threshold": 1e8, "relapse_dose": 5e8},
}
DAYS = (0.0, 10.0, 20.0, 30.0, 60.0, 90.0, 120.0, 180.0)
#: The dose schedule case (archives and direct loads): two CAR T products in four doses
#: after the first (a fractionated first product, days 0, 2 and 7; a second product on
#: days 10 and 21) and a leukaemia re-challenge on day 40, on the two-product model.
SCHEDULE_CASE = "schedule: CA days 0, 2, 7; CA2 days 10, 21; L day 40"
SCHEDULE_MODEL = "cart_bm2"
SCHEDULE_PARAMETERS = {"alpha": 3e-10, "h": 1e9}
SCHEDULE = (Dose(0.0, 1e7), Dose(2.0, 1e7), Dose(7.0, 1e7), Dose(10.0, 5e7, "CA2"),
            Dose(21.0, 5e7, "CA2"), Dose(40.0, 1e6, "L"))
#: The tools loading the SBML directly: COPASI in pycart's own environment (python-copasi),
#: the others each in its own (pycart.exchange.simulators.tool_env).
DIRECT_TOOLS = ("tellurium", "copasi", "pysces", "amici")
#: The models loaded directly: the paper's, the two-product model and both with the
#: exhaustion and CD19-negative modules (their switches off, as committed).
DIRECT_MODELS = ("cart_bm", "cart_bm2", "cart_bm_ext", "cart_bm2_ext")


def archive_rows(folder: Path, tools: tuple[str, ...] = ("tellurium", "copasi"),
                 jobs: int = 2, say: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """Every archive under ``folder`` (and ``folder/copasi``) through each runner (``jobs``
    processes of a runner at once, each running its share of the archives)."""
    archives = sorted(folder.glob("*.omex")) + sorted((folder / "copasi").glob("*.omex"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for tool in tools:
            work = Path(tmp) / tool
            results = run_dealt(tool, archives, work, jobs)
            for archive, result in zip(archives, results, strict=True):
                label = archive.relative_to(folder).as_posix()
                row = {"tool": f"biosimulators-{tool}", "archive": label,
                       "reported": "succeeded" if result.succeeded else "failed",
                       "seconds": round(result.seconds, 1)}
                if result.reports is None:
                    # the end of the runner's output says why (a crash: its status)
                    say(f"{tool} {label}: no reports: {result.log.strip()[-300:]}")
                    rows.append(row | {"complete": False, "largest": np.nan,
                                       "problems": "no reports"})
                    continue
                found = compare_archive(archive, result.reports,
                                        work / archive.parent.name / archive.stem / "files")
                say(f"{tool} {label}: {found.largest:.2g}")
                rows.append(row | {"complete": not found.problems, "largest": found.largest,
                                   "problems": "; ".join(found.problems[:3])})
    return pd.DataFrame(rows)


def direct_rows(tools: tuple[str, ...] = ("tellurium", "pysces"),
                say: Callable[[str], None] = lambda _: None, jobs: int = 2,
                models: tuple[str, ...] = DIRECT_MODELS) -> pd.DataFrame:
    """The SBML ``models`` loaded directly in each tool, against pycart at ``DAYS``
    (``jobs`` simulations at once, each in its own process and folder; COPASI's in this
    one)."""
    from ..core.model import Model
    from ..core.resources import sbml_text

    lock = threading.Lock()  # COPASI runs in this process: one time course at a time
    items = [(tool, model, case) for tool in tools for model in models for case in CASES]
    with tempfile.TemporaryDirectory() as tmp:
        for model in models:  # the committed SBML, as a user gets it
            (Path(tmp) / f"{model}.xml").write_text(sbml_text(model), encoding="utf-8")

        def one(item) -> dict:
            tool, model, case = item
            row = {"tool": tool, "model": model, "case": case}
            work = Path(tmp) / "work" / tool / model / case.replace(" ", "_")
            try:
                theirs = _theirs(tool, Path(tmp) / f"{model}.xml", CASES[case], work, lock)
            except Exception as exc:  # a tool's failure is a result here
                say(f"{tool} {model} {case}: failed")
                return row | {"ran": False, "largest": np.nan, "problems": str(exc)[:300]}
            largest = _largest(Model(model), CASES[case], theirs)
            say(f"{tool} {model} {case}: {largest:.2g}")
            return row | {"ran": True, "largest": largest, "problems": ""}

        with ThreadPoolExecutor(max_workers=max(1, min(jobs, 2))) as pool:
            return pd.DataFrame(list(pool.map(one, items)))


def _theirs(tool: str, sbml: Path, parameters: dict[str, float], work: Path,
            lock: threading.Lock) -> dict[str, np.ndarray]:
    """``tool``'s amounts of ``sbml`` with ``parameters`` at ``DAYS``: COPASI in this
    process (under ``lock``), the others in their own environments."""
    if tool != "copasi":
        from ..exchange.simulators import simulate_directly

        return simulate_directly(tool, sbml, parameters, list(DAYS), work)
    from ..exchange.copasisbml import copasi_time_course
    from ..exchange.sbml import with_values

    text = with_values(sbml.read_text(encoding="utf-8"), parameters)
    with lock:
        return copasi_time_course(text, DAYS)


def _largest(model, parameters: dict, theirs: dict) -> float:
    """The largest relative difference of any species above 1e-6 cells at ``DAYS``."""
    frame = model.simulate(parameters, t_end=180.0, points=1801)
    picked = [int(round(d * 10)) for d in DAYS]
    largest = 0.0
    for s in model.species:
        # the second product's species stay 0 without its doses
        largest = max(largest, _relative(np.asarray(theirs[s]), frame[s].to_numpy()[picked]))
    return largest


def schedule_scenario() -> Scenario:
    """The dose schedule case as a scenario of one run over DAYS' span: its archive."""
    from ..experiments.scenario import Panel, RunSpec

    run = RunSpec("schedule", SCHEDULE_PARAMETERS, model=SCHEDULE_MODEL, doses=SCHEDULE)
    return Scenario("schedule", SCHEDULE_CASE, "A dose schedule of two CAR T products "
                    "(CA on days 0, 2 and 7, 1e7 cells each; CA2 on days 10 and 21, 5e7 "
                    "cells each) and a leukaemia re-challenge (1e6 cells on day 40), "
                    "Figure 3's patient on the two-product model.", t_end=DAYS[-1],
                    runs=(run,), panels=(Panel(SCHEDULE_CASE, runs=("schedule",),
                                                                      series=("L", "C1", "C2")),))


def schedule_archive_rows(tools: tuple[str, ...] = ("tellurium", "copasi"), jobs: int = 2,
                          say: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """The schedule case's archives (exported here, as ``pycart export`` writes a
    scenario) through each runner, as :func:`archive_rows`."""
    from ..exchange.export import export_scenario

    with tempfile.TemporaryDirectory() as tmp:
        export_scenario(schedule_scenario(), tmp)
        return archive_rows(Path(tmp), tools, jobs, say)


def schedule_direct_rows(tools: tuple[str, ...] = ("tellurium", "pysces"),
                         say: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """The schedule case's model variant, its values written in, loaded directly in each
    tool, against pycart at ``DAYS`` (species above 1e-6 cells)."""
    from ..core.names import MODELS
    from ..core.schedule import slot_values
    from ..exchange.schedules import simulate_schedule, variant_file_text
    species = list(MODELS[SCHEDULE_MODEL])
    mine = simulate_schedule(SCHEDULE_MODEL, SCHEDULE_PARAMETERS, {}, SCHEDULE, DAYS, species)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sbml = Path(tmp) / "schedule.xml"
        sbml.write_text(variant_file_text(SCHEDULE_MODEL, SCHEDULE_PARAMETERS, {}, SCHEDULE),
                        encoding="utf-8")
        for tool in tools:  # the slots' values again: PySCeS bounds its step with a dose on
            row = {"tool": tool, "model": SCHEDULE_MODEL, "case": SCHEDULE_CASE}
            try:
                theirs = _theirs(tool, sbml, slot_values(SCHEDULE), Path(tmp) / tool,
                                 threading.Lock())
            except Exception as exc:  # a tool's failure is a result here
                rows.append(row | {"ran": False, "largest": np.nan, "problems": str(exc)[:300]})
                continue
            largest = max(_relative(np.asarray(theirs[s]), mine[:, k])
                          for k, s in enumerate(species))
            say(f"{tool} {SCHEDULE_CASE}: {largest:.2g}")
            rows.append(row | {"ran": True, "largest": largest, "problems": ""})
    return pd.DataFrame(rows)


def _relative(got: np.ndarray, mine: np.ndarray) -> float:
    """The largest relative difference where ``mine`` exceeds 1e-6 cells (0: nowhere)."""
    mask = mine > 1e-6
    if not mask.any():  # a species that stays 0
        return 0.0
    return float(np.max(np.abs(got[mask] - mine[mask]) / mine[mask]))


def joined(*tables: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``tables`` in order (empty ones left out: a tool list of none)."""
    full = [t for t in tables if not t.empty]
    return pd.concat(full, ignore_index=True) if full else pd.DataFrame()


def markdown(archives: pd.DataFrame, direct: pd.DataFrame, command: str) -> str:
    """The compatibility table as Markdown."""
    lines = ["# Which simulators reproduce pycart's archives and models", "",
             f"Generated by `{command}`. Largest difference: the largest relative difference "
             "from pycart of any report data set, wherever pycart's value exceeds one cell "
             "(archives; pycart's own SED-ML runner is the reference), or of any species "
             "above 1e-6 cells at days " + ", ".join(f"{d:g}" for d in DAYS) +
             " (models). Pass: within 1e-3 (archives) or 1e-4 (models), complete, no NaN.",
             ""]
    if not archives.empty:
        lines += ["## Archives through the BioSimulators runners", "",
                  "| tool | archive | runner reported | complete | largest difference | "
                  "verdict | seconds |", "|---|---|---|---|---|---|---|"]
        for r in archives.itertuples():
            ok = r.reported == "succeeded" and r.complete and r.largest <= 1e-3
            lines.append(f"| {r.tool} | {r.archive} | {r.reported} | "
                         f"{'yes' if r.complete else 'no: ' + r.problems} | {r.largest:.2g} | "
                         f"{'reproduces' if ok else 'does not reproduce'} | {r.seconds:g} |")
        lines += ["", "What to set by hand:", ""]
        for tool in sorted(set(archives["tool"])):
            lines.append(f"- {tool}: {BY_HAND[tool.removeprefix('biosimulators-')]}.")
        lines.append("")
    if not direct.empty:
        lines += ["## The SBML models loaded directly", "",
                  "| tool | model | doses | ran | largest difference | verdict |",
                  "|---|---|---|---|---|---|"]
        for r in direct.itertuples():
            ok = r.ran and r.largest <= 1e-4
            ran = "yes" if r.ran else f"no: {r.problems}"
            lines.append(f"| {r.tool} | {r.model} | {r.case} | {ran} | {r.largest:.2g} | "
                         f"{'reproduces' if ok else 'does not reproduce'} |")
        lines += ["", "What to set by hand:", ""]
        for tool in sorted(set(direct["tool"])):
            lines.append(f"- {tool}: {DIRECT_BY_HAND[tool]}.")
        lines.append("")
    return "\n".join(lines)


__all__ = ["DIRECT_TOOLS", "RUNNERS", "archive_rows", "direct_rows", "joined", "markdown",
           "schedule_archive_rows", "schedule_direct_rows", "schedule_scenario"]
