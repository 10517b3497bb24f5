"""A whole calibration: every patient's multistart fit and profiles, written to a folder.

Each finished start and profile side is saved at once under ``OUT/.fit-parts/`` (keyed by
the problem's fingerprint), so a run that is interrupted or killed and started again
computes only what is missing; the tables and figures are written last, each atomically, and
the saved parts are removed. A run holds ``OUT/.fit.lock`` (removed as it ends), so a second
run on the same folder is refused instead of deleting the first one's saved parts.
"""

from __future__ import annotations

import hashlib
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
from ..core.files import remove_leftovers, write_text_atomically
from ..core.names import DEFAULT_MODEL
from ..core.output import write_table
from ..scale.engines import Engine, ProcessEngine
from .data import LLOQ, OBSERVABLE, PATIENT
from .fit import (
    FitProblem,
    FitResult,
    design,
    make_problem,
    objective_for,
    start_task,
    start_tasks,
    starts_table,
)
from .fitparts import MAX_BYTES, Damaged, check_side, check_start, side_name, start_index
from .joint import JointProblem, entry_ids, make_joint
from .observation import Observable, default_observables
from .polish import IMPROVEMENT, polish
from .profile import THRESHOLD, interval, profile_table, profile_task

PARTS = ".fit-parts"
#: The lock a run holds on its output folder (removed when it ends).
LOCK = ".fit.lock"
#: Most moves of a fit's optimum: when a profile finds a point lower than the optimum by
#: more than the polish's tolerance (:data:`pycart.analysis.polish.IMPROVEMENT`), the local
#: fit is restarted from it and every profile walked again from the better optimum.
MOVES = 3


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
    #: estimated names shared by every patient (a joint fit; empty: each patient alone)
    shared: tuple[str, ...] = ()
    #: the observation model (None: each observable a model id with ``noise``)
    observables: tuple[Observable, ...] | None = None
    #: restart near the best optima until none improves (:mod:`pycart.analysis.polish`)
    polish: bool = False

    def joint(self, data: pd.DataFrame) -> bool:
        """Whether the fit needs the joint machinery: shared names, an observation model
        or censored data (otherwise each patient is fitted as before)."""
        return bool(self.shared) or self.observables is not None or LLOQ in data


def problems_for(data: pd.DataFrame, settings: FitSettings) -> list[FitProblem]:
    """One validated problem per patient, or one joint problem for all of them when some
    names are shared (checked before any work)."""
    if not 1 <= settings.starts <= 100_000:
        raise PycartError(f"--starts {settings.starts} (allowed: a whole number 1..100000)")
    if settings.joint(data):
        return _joint_problems(data, settings)
    out = []
    for patient, rows in data.groupby(PATIENT, sort=False):
        params, init, doses = settings.per_patient.get(str(patient), ({}, {}, ()))
        out.append(make_problem(rows, settings.estimate, settings.bounds, settings.noise,
                                {**params, **settings.parameters},
                                {**init, **settings.initial}, settings.model, str(patient),
                                doses))
    return out


def _joint_problems(data: pd.DataFrame, settings: FitSettings) -> list:
    """The joint problem of every patient (shared names), or one per patient."""
    observables = settings.observables or default_observables(
        data[OBSERVABLE], settings.noise, settings.model)
    fixed = {n: v for n, v in settings.parameters.items()}
    runs = {p: ({**params, **fixed}, {**init, **settings.initial}, doses)
            for p, (params, init, doses) in settings.per_patient.items()}
    for patient in dict.fromkeys(data[PATIENT]):
        runs.setdefault(str(patient), (dict(fixed), dict(settings.initial), ()))
    if settings.shared:
        return [make_joint(data, settings.estimate, settings.shared, observables,
                           settings.bounds, runs, settings.model)]
    return [make_joint(rows, settings.estimate, (), observables, settings.bounds, runs,
                       settings.model, str(patient))
            for patient, rows in data.groupby(PATIENT, sort=False)]


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

    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.mkdir(parents=True, exist_ok=True)

    def of_optimum(self, fit: dict) -> _Store:
        """The store of the profile sides walked from ``fit``'s optimum: a side belongs to
        one optimum, so a resumed run whose optimum moved never mixes two optima's."""
        text = json.dumps([np.asarray(fit["x_hat"], dtype=float).tolist(), fit["nll"]])
        return _Store(self.path / f"optimum-{hashlib.sha256(text.encode()).hexdigest()[:16]}")

    def load(self, prefix: str, check: Callable[[str, object], dict | None],
             say: Callable[[str], None]) -> dict[str, dict]:
        """The saved pieces ``prefix-*.json`` that ``check(stem, value)`` accepts (it returns
        None for a valid piece this run does not use, which is left alone). A damaged piece
        (``check`` raises :class:`Damaged`, or the file is not JSON) is reported in one line
        and removed, to be computed again; so are temporary files a killed run left."""
        remove_leftovers(self.path)
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
    stores = {p.patient: _Store(folder / PARTS / p.key()) for p in problems}
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
        fits[problem.patient] = _optimum(problem, done[problem.patient], settings.starts, [])
    if settings.profiles:
        _profile_and_move(problems, stores, fits, engine, say)
    return [fits[p.patient] for p in problems]


def _optimum(problem: FitProblem, rows: dict[int, dict], design_starts: int,
             moves: list[dict]) -> dict:
    """A fit at the best of ``rows`` (design, polish and restarts from profiles, named in
    the starts table's ``source`` column); ``moves`` says how its optimum got there."""
    starts = starts_table(rows.values())
    restarted = {m["start"]: f"profile of {m['profile']}" for m in moves}
    starts["source"] = [restarted.get(int(s), "design" if s < design_starts else "polish")
                        for s in starts["start"]]
    best = starts.iloc[0]
    if not (best[col.STATUS] == col.OK and math.isfinite(best["nll"])):
        raise SimulationError(f"patient {problem.patient}: every one of the "
                              f"{design_starts} starts failed (last: "
                              f"{starts.iloc[-1][col.MESSAGE]}); no estimates written")
    return {"rows": dict(rows), "starts": starts, "nll": float(best["nll"]), "sides": [],
            "x_hat": np.log10([float(best[n]) for n in problem.estimate]),
            "design_starts": design_starts, "moves": moves}


def _profile_and_move(problems: list[FitProblem], stores: dict[str, _Store],
                      fits: dict[str, dict], engine: Engine, say: Callable[[str], None]
                      ) -> None:
    """Every profile; then, up to :data:`MOVES` times, each fit whose profiles found a
    better point moves to the optimum a local fit restarted there reaches, and is profiled
    again (a better point left after the last move is noted in the estimates)."""
    todo = problems
    for moved in range(MOVES + 1):
        _profiles(todo, stores, fits, engine, say)
        todo = [p for p in todo if _lowest_point(fits[p.patient])[0] is not None]
        if not todo or moved == MOVES:
            return
        _move(todo, fits, engine, say)


def _lowest_point(fit: dict) -> tuple[dict | None, int]:
    """The profile side and the index of its point with the lowest nll, if that is below
    the optimum by more than :data:`IMPROVEMENT` (else None)."""
    found, at, lowest = None, 0, fit["nll"] - IMPROVEMENT
    for side in fit["sides"]:
        for i, (_, nll) in enumerate(side["points"]):
            if nll < lowest:
                found, at, lowest = side, i, nll
    return found, at


def _move(problems: list[FitProblem], fits: dict[str, dict], engine: Engine,
          say: Callable[[str], None]) -> None:
    """Restart each problem's local fit (the polish's, :func:`start_task`) from its
    profiles' lowest point, in one stream of tasks; the fit moves to the better optimum,
    its profiles discarded."""
    by_patient = {p.patient: p for p in problems}
    tasks, found = [], {}
    for problem in problems:
        fit = fits[problem.patient]
        side, at = _lowest_point(fit)
        assert side is not None  # only problems whose profiles found a better point
        found[problem.patient] = (side["parameter"], side["points"][at][1])
        tasks.append((problem, problem.key(), max(fit["rows"]) + 1,
                      np.asarray(side["xs"][at], dtype=float)))
    for row in engine.run(start_task, tasks):
        patient = row["patient"]
        fit, (parameter, nll) = fits[patient], found[patient]
        move = {"start": int(row["start"]), "profile": parameter, "point_nll": nll,
                "from_nll": fit["nll"], "from": (10.0 ** fit["x_hat"]).tolist()}
        fits[patient] = _optimum(by_patient[patient], fit["rows"] | {row["start"]: row},
                                 fit["design_starts"], [*fit["moves"], move])
        move |= {"to_nll": fits[patient]["nll"], "to": (10.0 ** fits[patient]["x_hat"]).tolist()}
        say(f"fit {patient}: the profile of {parameter} found nll {nll:.6g} below the "
            f"optimum {move['from_nll']:.6g}; the optimum moved to nll {move['to_nll']:.6g}")


def _profiles(problems: list[FitProblem], stores: dict[str, _Store], fits: dict[str, dict],
              engine: Engine, say: Callable[[str], None]) -> None:
    """Both sides of every estimate's profile, every patient's in one stream of tasks; the
    sides go into ``fits[patient]["sides"]``."""
    tasks, by_patient = [], {p.patient: p for p in problems}
    for problem in problems:
        fit = fits[problem.patient]
        kept = stores[problem.patient].of_optimum(fit).load("profile", partial(
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
        stores[patient].of_optimum(fits[patient]).save(side_name(
            problem.estimate.index(side["parameter"]), side["direction"]), side)
        fits[patient]["sides"].append(side)
        say(f"fit {patient}: profile of {side['parameter']} "
            f"({'down' if side['direction'] < 0 else 'up'}) done, {len(side['points'])} points")


def _tables(problems: list, fits: list[dict]) -> FitResult:
    estimates, profiles, patients = [], [], []
    for problem, fit in zip(problems, fits, strict=True):
        lowest = min([fit["nll"], *(f for s in fit["sides"] for _, f in s["points"])])
        better = _still_better(problem, fit, lowest)
        ids = entry_ids(problem)
        for i, label in enumerate(problem.estimate):
            sides = {s["direction"]: s for s in fit["sides"] if s["parameter"] == label}
            row: dict[str, object] = {"patient": ids[i][0], "parameter": ids[i][1]}
            if len(sides) == 2:
                row |= _widened(interval(sides, fit["x_hat"][i], lowest, problem.bounds[i]),
                                fit["starts"], label, lowest)
                row = _noted(row, better) if better else row
            else:
                row |= {"estimate": 10.0 ** fit["x_hat"][i], "lower": math.nan,
                        "upper": math.nan, "identifiable": "not profiled"}
            estimates.append(row | {"search_lower": problem.bounds[i][0],
                                    "search_upper": problem.bounds[i][1]})
        profiles.append(_relabel(profile_table(fit["sides"], lowest), problem))
        patients += _patient_rows(problem, fit)
    starts = pd.concat([f["starts"] for f in fits], ignore_index=True)
    return FitResult(problems, pd.DataFrame(estimates), starts, pd.concat(profiles,
                     ignore_index=True), pd.DataFrame(patients), fits)


def _still_better(problem: FitProblem | JointProblem, fit: dict, lowest: float) -> str:
    """The estimates' note (and a warning line) when a profile still found a better point
    after the optimum's last move; else empty."""
    if lowest >= fit["nll"] - IMPROVEMENT:
        return ""
    sys.stderr.write(f"pycart fit: warning: a profile of {problem.patient} found a better "
                     f"optimum (nll {lowest:.6g} < {fit['nll']:.6g}) after the optimum moved "
                     f"{len(fit['moves'])} times (the most: {MOVES}); use more --starts\n")
    return (f"a profile found nll {lowest:.6g} below the optimum's {fit['nll']:.6g} after "
            f"{len(fit['moves'])} moves: not the maximum-likelihood estimate")


def _relabel(table: pd.DataFrame, problem: FitProblem | JointProblem) -> pd.DataFrame:
    """A profile table with each entry's patient and parameter name (not its label)."""
    if isinstance(problem, FitProblem) or table.empty:
        return table
    ids = dict(zip(problem.estimate, entry_ids(problem), strict=True))
    table = table.copy()
    table["patient"] = [ids[p][0] for p in table["parameter"]]
    table["parameter"] = [ids[p][1] for p in table["parameter"]]
    return table.sort_values(["patient", "parameter", "value"]).reset_index(drop=True)


def _patient_rows(problem: FitProblem | JointProblem, fit: dict) -> list[dict]:
    """patients.csv's rows of one problem: each patient's measurements, nll (its share of
    a joint one), the starts and the estimates that apply to it."""
    starts = fit["starts"]
    ok = starts[col.STATUS] == col.OK
    common = {"starts": len(starts), "failed_starts": int((~ok).sum()),
              "starts_at_best": int(np.sum(np.abs(starts["nll"][ok] - fit["nll"]) < 1e-3)),
              "optimum_moves": len(fit["moves"]),
              "first_optimum_nll": fit["moves"][0]["from_nll"] if fit["moves"] else fit["nll"]}
    values = {label: 10.0 ** v for label, v in zip(problem.estimate, fit["x_hat"],
                                                    strict=True)}
    if isinstance(problem, FitProblem):
        return [{"patient": problem.patient, "measurements": len(problem.data),
                 "nll": fit["nll"], **common, **values,
                 **noise_levels(problem, fit["x_hat"])}]
    shares = problem.make_objective().patient_nll(fit["x_hat"])
    rows = []
    for run, share in zip(problem.runs, shares, strict=True):
        own = {name: values[e.label] for e, (who, name) in zip(
            problem.entries, entry_ids(problem), strict=True) if who in ("", run.patient)}
        rows.append({"patient": run.patient, "measurements": int(
            (problem.data[PATIENT] == run.patient).sum()), "nll": share,
            "joint_nll": fit["nll"], **common, **own})
    return rows


def noise_levels(problem: FitProblem, x_hat: np.ndarray) -> dict[str, float]:
    """The noise sd estimated for each observable whose data give none (``sigma_<id>``, on
    the natural-log scale for log-normal noise): its maximum-likelihood value at the optimum
    ``x_hat``, the root mean square of the residuals. A point estimate: a fit with an
    observation model (``--observables``) estimates it as an entry, with its profile."""
    objective = objective_for(problem, problem.key())
    sigma = objective.sigmas(objective.raw_residuals(np.asarray(x_hat, dtype=float)))
    return {f"sigma_{name}": float(sigma[rows[0]])
            for name, rows in zip(objective.names, objective.groups, strict=True) if len(rows)}


def _widened(row: dict, starts: pd.DataFrame, name: str, lowest: float) -> dict:
    """The interval stretched over every start's optimum whose nll is within the threshold:
    the profile there is at most that nll, so the value is in the 95% set, though a profile
    walked from the best optimum may not reach another basin."""
    near = starts[(starts[col.STATUS] == col.OK) & (starts["nll"] - lowest <= THRESHOLD)][name]
    if near.empty or (near.min() >= row["lower"] and near.max() <= row["upper"]):
        return row
    row = dict(row, lower=min(row["lower"], near.min()), upper=max(row["upper"], near.max()))
    return _noted(row, "interval widened to other optima within the threshold: the profile "
                  "is multimodal")


def _noted(row: dict, note: str) -> dict:
    """``row`` with ``note`` added in its identifiable verdict's parentheses."""
    verdict = row["identifiable"]
    return dict(row, identifiable=f"{verdict} ({note})" if verdict == "yes" else
                f"{verdict[:-1]}; {note})")


def _write(result: FitResult, folder: Path) -> None:
    from .fitplots import fit_figure, profile_figure

    write_table(result.starts, folder / "starts.csv")
    write_table(result.profiles, folder / "profiles.csv")
    write_table(result.patients, folder / "patients.csv")
    fit_figure(result, folder / "fit.png")
    profile_figure(result, folder / "profiles.png")
    write_table(result.estimates, folder / "estimates.csv")


def scenario_overrides(scenario, patients: list[str], exact: bool = False
                       ) -> tuple[str, dict]:
    """The model and each patient's parameters, initial amounts and dose schedule from a
    scenario: a run per patient by label, or the scenario's one run for every patient.
    ``exact`` (a joint fit): with several runs, each patient needs its run and each run its
    patient."""
    runs = {r.label: r for r in scenario.runs}
    if exact and len(scenario.runs) > 1:
        lonely = [p for p in patients if p not in runs]
        if lonely:
            raise PycartError(f"data patient {lonely[0]!r} has no run in scenario "
                              f"{scenario.name!r} (allowed: runs labelled "
                              f"{', '.join(runs)})")
        unused = [r for r in runs if r not in patients]
        if unused:
            raise PycartError(f"scenario {scenario.name!r}: run {unused[0]!r} has no data "
                              f"(allowed: one run per data patient: {', '.join(patients)})")
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
