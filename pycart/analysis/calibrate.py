"""A whole calibration: every patient's multistart fit and profiles, written to a folder.

Each finished start and profile side is saved at once under ``OUT/.fit-parts/`` (keyed by
the problem's fingerprint), so a run that is interrupted or killed and started again
computes only what is missing; the tables and figures are written last, each atomically, and
the saved parts are removed. A run holds ``OUT/.fit.lock`` (removed as it ends), so a second
run on the same folder is refused instead of deleting the first one's saved parts.
"""

from __future__ import annotations

import json
import math
import shutil
import stat
import sys
from collections.abc import Callable, Mapping
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.errors import PycartError, SimulationError
from ..core.files import write_text_atomically
from ..core.names import DEFAULT_MODEL
from ..core.output import write_table
from ..scale.engines import Engine, ProcessEngine
from .data import PATIENT
from .fit import (
    FitProblem,
    FitResult,
    design,
    make_problem,
    start_task,
    start_tasks,
    starts_table,
)
from .fitparts import MAX_BYTES, Damaged, check_side, check_start, side_name, start_index
from .polish import polish
from .profile import THRESHOLD, interval, profile_table, profile_task

PARTS = ".fit-parts"
#: The lock a run holds on its output folder (removed when it ends).
LOCK = ".fit.lock"


@dataclass(frozen=True)
class FitSettings:
    """What ``pycart fit`` was asked: the names to estimate, bounds as ``LO:HI`` text, the
    noise model, the design, fixed values, and per-patient overrides (from a scenario)."""

    estimate: tuple[str, ...]
    bounds: Mapping[str, str] = field(default_factory=dict)
    noise: str = "lognormal"
    starts: int = 20
    seed: int = 0
    sampling: str = "sobol"
    parameters: Mapping[str, object] = field(default_factory=dict)
    initial: Mapping[str, object] = field(default_factory=dict)
    model: str = DEFAULT_MODEL
    profiles: bool = True
    #: per patient: parameters, initial amounts and the dose schedule (a scenario's run)
    per_patient: Mapping[str, tuple[dict, dict, tuple]] = field(default_factory=dict)
    #: restart near the best optima until none improves (:mod:`pycart.analysis.polish`)
    polish: bool = False


def problems_for(data: pd.DataFrame, settings: FitSettings) -> list[FitProblem]:
    """One validated problem per patient (checked before any work)."""
    if not 1 <= settings.starts <= 100_000:
        raise PycartError(f"--starts {settings.starts} (allowed: a whole number 1..100000)")
    out = []
    for patient, rows in data.groupby(PATIENT, sort=False):
        params, init, doses = settings.per_patient.get(str(patient), ({}, {}, ()))
        out.append(make_problem(rows, settings.estimate, settings.bounds, settings.noise,
                                {**params, **settings.parameters},
                                {**init, **settings.initial}, settings.model, str(patient),
                                doses))
    return out


def calibrate(data: pd.DataFrame, settings: FitSettings, out: str | Path,
              engine: Engine | None = None, log: Callable[[str], None] | None = None
              ) -> FitResult:
    """Fit every patient of ``data``, profile the estimates, and write ``estimates.csv``,
    ``starts.csv``, ``profiles.csv``, ``patients.csv``, ``fit.png`` and ``profiles.png`` to
    ``out``. The starts of every patient, then the profiles, run on ``engine`` (a sweep
    engine of :mod:`pycart.scale.engines`); a given engine is its owner's to close (``with
    make_engine(...) as engine:`` aborts it if the run fails or is interrupted); without
    one, the work runs on every local core, the workers closed (or aborted) on every path.
    Raises :class:`SimulationError` (and writes no estimates) when every start of a
    patient fails."""
    from ..scale.store import locked

    with ExitStack() as hold:  # the lock: a second run would delete this one's saved parts
        if engine is None:
            engine = hold.enter_context(ProcessEngine())
        problems = problems_for(data, settings)
        folder = _folder(out)
        hold.enter_context(locked(folder, folder / LOCK))
        fits = _fit_all(problems, settings, folder, engine,
                        log or (lambda text: print(text, file=sys.stderr)))
        result = _tables(problems, fits)
        _write(result, folder)
        shutil.rmtree(folder / PARTS, ignore_errors=True)
    return result


def _folder(out: str | Path) -> Path:
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise PycartError(f"--out {str(folder)!r} is a file (allowed: a folder)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PycartError(f"--out {str(folder)!r} cannot be created ({exc.strerror})") from None
    return folder


class _Store:
    """Finished pieces of one problem's work, one JSON file each."""

    def __init__(self, folder: Path, key: str) -> None:
        self.path = folder / PARTS / key
        self.path.mkdir(parents=True, exist_ok=True)

    def load(self, prefix: str, check: Callable[[str, object], dict | None],
             say: Callable[[str], None]) -> dict[str, dict]:
        """The saved pieces ``prefix-*.json`` that ``check(stem, value)`` accepts (it returns
        None for a valid piece this run does not use, which is left alone). A damaged piece
        (``check`` raises :class:`Damaged`, or the file is not JSON) is reported in one line
        and removed, to be computed again; so are temporary files a killed run left."""
        for stale in self.path.glob(".*.part"):
            stale.unlink(missing_ok=True)
        out = {}
        for item in sorted(self.path.glob(f"{prefix}-*.json")):
            try:
                value = check(item.stem, _read(item))
            except Damaged as exc:
                say(f"fit: saved {item} is damaged ({exc}); it is computed again")
                _remove(item)
                continue
            if value is not None:
                out[item.stem] = value
        return out

    def save(self, name: str, value: dict) -> None:
        write_text_atomically(self.path / f"{name}.json", json.dumps(value, default=float))


def _read(item: Path) -> object:
    try:
        found = item.lstat()  # a link, a pipe or a device could be endless: not read
        if not stat.S_ISREG(found.st_mode):
            raise Damaged("not a regular file")
        if found.st_size > MAX_BYTES:
            raise Damaged(f"larger than {MAX_BYTES} bytes")
        text = item.read_bytes()
    except OSError as exc:
        raise Damaged(exc.strerror or "unreadable") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # cut short, not UTF-8, nested without end
        raise Damaged("not JSON") from None


def _remove(item: Path) -> None:
    with suppress(OSError):  # what cannot be removed is reported again by the next run
        if item.is_dir() and not item.is_symlink():
            shutil.rmtree(item)  # inside this fit's own store
        else:
            item.unlink()


def _saved_starts(problem: FitProblem, store: _Store, settings: FitSettings,
                  say: Callable[[str], None]) -> dict[int, dict]:
    """The valid saved starts of ``problem``'s design, by index."""
    points = design(problem, settings.starts, settings.seed, settings.sampling)

    def check(stem: str, row: object) -> dict | None:
        index = start_index(stem)
        return check_start(problem, index, points[index], row) if index < len(points) \
            else None  # a start of a larger run: not this one's

    return {row["start"]: row for row in store.load("start", check, say).values()}


def _fit_all(problems: list[FitProblem], settings: FitSettings, folder: Path, engine: Engine,
             say: Callable[[str], None]) -> list[dict]:
    """Every patient's starts in one stream of tasks on ``engine`` (workers stay busy when a
    patient has fewer starts than there are workers), then every profile side in another;
    each finished piece is saved at once and not computed again by a later run."""
    stores = {p.patient: _Store(folder, p.key()) for p in problems}
    done = {p.patient: _saved_starts(p, stores[p.patient], settings, say) for p in problems}
    tasks = []
    for problem in problems:
        if done[problem.patient]:
            say(f"fit {problem.patient}: {len(done[problem.patient])} starts kept from an "
                "earlier run")
        tasks += start_tasks(problem, settings.starts, settings.seed, settings.sampling,
                             done[problem.patient])
    for row in engine.run(start_task, tasks):
        patient = row["patient"]
        stores[patient].save(f"start-{row['start']}", row)
        done[patient][row["start"]] = row
        say(f"fit {patient}: start {len(done[patient])}/{settings.starts} done "
            f"(nll {row['nll']:.6g})")
    fits = {}
    for problem in problems:
        if settings.polish:  # its fits are not saved: a rerun repeats them (same seed)
            done[problem.patient] = polish(problem, done[problem.patient], engine,
                                           settings.seed)
        starts = starts_table(done[problem.patient].values())
        best = starts.iloc[0]
        if not (best[col.STATUS] == col.OK and math.isfinite(best["nll"])):
            raise SimulationError(f"patient {problem.patient}: every one of the "
                                  f"{settings.starts} starts failed (last: "
                                  f"{starts.iloc[-1][col.MESSAGE]}); no estimates written")
        fits[problem.patient] = {"starts": starts, "nll": float(best["nll"]), "sides": [],
                                 "x_hat": np.log10([float(best[n]) for n in problem.estimate])}
    if settings.profiles:
        _profiles(problems, stores, fits, engine, say)
    return [fits[p.patient] for p in problems]


def _profiles(problems: list[FitProblem], stores: dict[str, _Store], fits: dict[str, dict],
              engine: Engine, say: Callable[[str], None]) -> None:
    """Both sides of every estimate's profile, every patient's in one stream of tasks; the
    sides go into ``fits[patient]["sides"]``."""
    tasks, by_patient = [], {p.patient: p for p in problems}
    for problem in problems:
        fit = fits[problem.patient]
        kept = stores[problem.patient].load("profile", partial(
            check_side, problem, x_hat=fit["x_hat"], nll=fit["nll"]), say)
        fit["sides"] = list(kept.values())
        if kept:
            say(f"fit {problem.patient}: {len(kept)} profile sides kept from an earlier run")
        tasks += [(problem, problem.key(), i, d, fit["x_hat"], fit["nll"])
                  for i in range(len(problem.estimate)) for d in (-1, 1)
                  if side_name(i, d) not in kept]
    for side in engine.run(profile_task, tasks):
        patient = side["patient"]
        problem = by_patient[patient]
        stores[patient].save(side_name(problem.estimate.index(side["parameter"]),
                                        side["direction"]), side)
        fits[patient]["sides"].append(side)
        say(f"fit {patient}: profile of {side['parameter']} "
            f"({'down' if side['direction'] < 0 else 'up'}) done, {len(side['points'])} points")


def _tables(problems: list[FitProblem], fits: list[dict]) -> FitResult:
    estimates, profiles, patients = [], [], []
    for problem, fit in zip(problems, fits, strict=True):
        lowest = min([fit["nll"], *(f for s in fit["sides"] for _, f in s["points"])])
        if lowest < fit["nll"] - 1e-3:
            sys.stderr.write(f"pycart fit: warning: a profile of {problem.patient} found a "
                             f"better optimum (nll {lowest:.6g} < {fit['nll']:.6g}); use more "
                             "--starts\n")
        for i, name in enumerate(problem.estimate):
            sides = {s["direction"]: s for s in fit["sides"] if s["parameter"] == name}
            row: dict[str, object] = {"patient": problem.patient, "parameter": name}
            if len(sides) == 2:
                row |= _widened(interval(sides, fit["x_hat"][i], lowest, problem.bounds[i]),
                                fit["starts"], name, lowest)
            else:
                row |= {"estimate": 10.0 ** fit["x_hat"][i], "lower": math.nan,
                        "upper": math.nan, "identifiable": "not profiled"}
            estimates.append(row | {"search_lower": problem.bounds[i][0],
                                    "search_upper": problem.bounds[i][1]})
        profiles.append(profile_table(fit["sides"], lowest))
        ok = fit["starts"][col.STATUS] == col.OK
        near = np.sum(np.abs(fit["starts"]["nll"][ok] - fit["nll"]) < 1e-3)
        patients.append({"patient": problem.patient, "measurements": len(problem.data),
                         "nll": fit["nll"], "starts": len(fit["starts"]),
                         "failed_starts": int((~ok).sum()), "starts_at_best": int(near),
                         **{n: 10.0 ** v
                            for n, v in zip(problem.estimate, fit["x_hat"], strict=True)}})
    starts = pd.concat([f["starts"] for f in fits], ignore_index=True)
    return FitResult(problems, pd.DataFrame(estimates), starts, pd.concat(profiles,
                     ignore_index=True), pd.DataFrame(patients))


def _widened(row: dict, starts: pd.DataFrame, name: str, lowest: float) -> dict:
    """The interval stretched over every start's optimum whose nll is within the threshold:
    the profile there is at most that nll, so the value is in the 95% set, though a profile
    walked from the best optimum may not reach another basin."""
    near = starts[(starts[col.STATUS] == col.OK) & (starts["nll"] - lowest <= THRESHOLD)][name]
    if near.empty or (near.min() >= row["lower"] and near.max() <= row["upper"]):
        return row
    row = dict(row, lower=min(row["lower"], near.min()), upper=max(row["upper"], near.max()))
    note = "interval widened to other optima within the threshold: the profile is multimodal"
    row["identifiable"] = f"yes ({note})" if row["identifiable"] == "yes" else \
        f"{row['identifiable'][:-1]}; {note})"
    return row


def _write(result: FitResult, folder: Path) -> None:
    from .fitplots import fit_figure, profile_figure

    write_table(result.starts, folder / "starts.csv")
    write_table(result.profiles, folder / "profiles.csv")
    write_table(result.patients, folder / "patients.csv")
    fit_figure(result, folder / "fit.png")
    profile_figure(result, folder / "profiles.png")
    write_table(result.estimates, folder / "estimates.csv")


def scenario_overrides(scenario, patients: list[str]) -> tuple[str, dict]:
    """The model and each patient's parameters, initial amounts and dose schedule from a
    scenario: a run per patient by label, or the scenario's one run for every patient."""
    runs = {r.label: r for r in scenario.runs}
    if runs and all(p in runs for p in patients):
        chosen = {p: runs[p] for p in patients}
    elif len(scenario.runs) == 1:
        chosen = {p: scenario.runs[0] for p in patients}
    else:
        raise PycartError(f"scenario {scenario.name!r} has {len(scenario.runs)} runs (allowed: "
                          "one run, or one run per patient labelled with the patient's name)")
    models = {r.model for r in chosen.values()}
    if len(models) != 1:
        raise PycartError(f"scenario {scenario.name!r}: the patients' runs use different "
                          "models (allowed: one model)")
    per = {p: (dict(r.parameters), dict(r.initial), r.doses) for p, r in chosen.items()}
    return models.pop(), per
