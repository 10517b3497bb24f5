"""``pycart fit`` and ``pycart petab``: calibration to measurements, and the same problem in
PEtab for other tools."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.errors import PycartError
from .common import EXIT_INTERRUPTED, assignments, terminate_as_interrupt
from .sweeps import engine_for, engine_options


def register(sub) -> None:
    """Add this module's commands to the subparsers ``sub``."""
    fit = sub.add_parser(
        "fit", help="estimate parameters from measurements (multistart, profile likelihood)",
        description="Fit the model to a long table "
                    "time,observable,value[,sigma][,patient][,lloq] "
                    "(CSV or Parquet): multistart local optimisation in log10-parameter space "
                    "from a Sobol or Latin-hypercube design, then the profile likelihood of "
                    "each estimate (95% intervals), on local worker processes (default), in "
                    "this process or on a dask cluster (--engine). Each patient is fitted "
                    "separately, or jointly with --shared: the names given there are "
                    "estimated once for every patient, the other estimated names once per "
                    "patient (each patient a run of --scenario labelled with its name). "
                    "Rows with an lloq column are left-censored where the value is empty or "
                    "below it. " + _observables_help() + ". Writes estimates.csv, starts.csv, "
                    "profiles.csv, "
                    "patients.csv, fit.png and profiles.png to --out; finished starts and "
                    "profiles are kept in OUT/.fit-parts/, and the same command run again "
                    "resumes (a damaged saved piece is reported and computed again); a "
                    "second fit on the same --out meanwhile is refused.")
    _problem_options(fit)
    fit.add_argument("--starts", default="20", metavar="N", help="number of starts (default 20)")
    fit.add_argument("--sampling", choices=("sobol", "lhs"), default="sobol",
                     help="design of the starts (default sobol)")
    fit.add_argument("--seed", default="0", metavar="S", help="design seed (default 0)")
    engine_options(fit, points=False)
    fit.add_argument("--no-profiles", action="store_true", help="skip the profiles")
    fit.add_argument("--out", default="fit", metavar="DIR", help="output folder (default fit)")
    fit.set_defaults(func=_fit)
    petab = sub.add_parser(
        "petab", help="write the fit problem in PEtab (for pyPESTO, AMICI, COPASI...)",
        description="Write a PEtab v1 problem (YAML, SBML, conditions, measurements, "
                    "observables and parameters tables) for the same data and settings as "
                    "pycart fit, and check it with PEtab's linter. With --shared, the joint "
                    "problem: shared parameters once in the parameter table, each patient's "
                    "own ones (NAME__PATIENT) set by its condition. PEtab v1 has no censored "
                    "likelihood: data with censored rows (an lloq) are refused unless "
                    "--drop-censored leaves those rows out.")
    _problem_options(petab)
    petab.add_argument("--drop-censored", action="store_true",
                       help="leave left-censored rows out (the PEtab likelihood then is not "
                            "pycart fit's; a warning says how many)")
    petab.add_argument("--out", default="petab", metavar="DIR",
                       help="output folder (default petab)")
    petab.set_defaults(func=_petab)
    register_report(sub)


def _problem_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", metavar="DATA",
                        help="measurements, .csv or .parquet (at most 1,000,000 rows and "
                             "64 MiB)")
    parser.add_argument("--estimate", required=True, metavar="NAME[,NAME...]",
                        help="parameters to estimate, e.g. h,rhoA")
    parser.add_argument("--bounds", action="append", metavar="NAME=LO:HI",
                        help="search bounds of an estimated parameter (repeatable)")
    parser.add_argument("--noise", choices=("lognormal", "normal"), default="lognormal",
                        help="measurement noise (default lognormal; sigma is then the sd of "
                             "the natural log, 0.1 for 10%%)")
    parser.add_argument("--set", action="append", metavar="NAME=VALUE", dest="parameters",
                        help="a fixed parameter (repeatable)")
    parser.add_argument("--init", action="append", metavar="SPECIES=VALUE", dest="initial",
                        help="an initial amount (repeatable)")
    parser.add_argument("--shared", metavar="NAME[,NAME...]",
                        help="estimated names shared by every patient (a joint fit; a "
                             "subset of --estimate)")
    parser.add_argument("--observables", metavar="OBS.toml",
                        help="the observation model: one table [ID] per observable with "
                             "definition, noise, sigma (a number or \"estimate\") and, for "
                             "blood_CART, scale (shared or per-patient)")
    parser.add_argument("--scenario", metavar="FILE.toml",
                        help="doses and settings from a scenario: its one run, or a run per "
                             "patient labelled with the patient's name")
    parser.add_argument("--model", metavar="MODEL",
                        help="the model fitted (default: the scenario's, else cart_bm): "
                             "cart_bm, cart_bm2, cart_bm_ext or cart_bm2_ext")


def _observables_help() -> str:
    from ..analysis.observation import help_text

    return help_text()  # a description, which argparse does not %-format


def _whole(text: str, option: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if value < low:
        raise PycartError(f"{option} {text!r} (allowed: a whole number >= {low})")
    return value


def _scenario(args: argparse.Namespace):
    if not args.scenario:
        return None
    from ..experiments.userfile import load_scenario

    return load_scenario(args.scenario)


def fit_model(args: argparse.Namespace) -> str:
    """The model a command line fits: ``--model``, else the scenario's runs' one model, else
    cart_bm; a ``--model`` the scenario's runs do not use is refused."""
    from ..core.names import DEFAULT_MODEL, MODELS

    chosen = getattr(args, "model", None)
    if chosen is not None and chosen not in MODELS:
        raise PycartError(f"--model {chosen!r} (allowed: {', '.join(MODELS)})")
    scenario = _scenario(args)
    used = sorted({r.model for r in scenario.runs}) if scenario is not None else []
    if chosen is not None and used and used != [chosen]:
        raise PycartError(f"--model {chosen} but the scenario's runs use {', '.join(used)} "
                          "(allowed: the scenario's model, or no --model)")
    return chosen or (used[0] if len(used) == 1 else DEFAULT_MODEL)


def settings(args: argparse.Namespace, data):
    """The validated :class:`FitSettings` of a command line (before any work)."""
    from ..analysis.calibrate import FitSettings, problems_for, scenario_overrides
    from ..analysis.data import PATIENT

    names = tuple(n.strip() for n in args.estimate.split(",") if n.strip())
    given = getattr(args, "shared", None)  # a Namespace built by hand may lack it
    shared = tuple(n.strip() for n in (given or "").split(",") if n.strip())
    model, per = fit_model(args), dict[str, tuple[dict, dict, tuple]]()
    if given is not None and not shared:
        raise PycartError("--shared is empty (allowed: some of --estimate, comma-separated)")
    if args.scenario:
        model, per = scenario_overrides(_scenario(args),
                                        [str(p) for p in dict.fromkeys(data[PATIENT])],
                                        exact=bool(shared))
    out = FitSettings(
        names, assignments(args.bounds, "--bounds"), args.noise,
        _whole(getattr(args, "starts", "1"), "--starts", 1),
        _whole(getattr(args, "seed", "0"), "--seed", 0), getattr(args, "sampling", "sobol"),
        assignments(args.parameters, "--set"), assignments(args.initial, "--init"), model,
        not getattr(args, "no_profiles", False), per, shared, observation_model(args))
    problems_for(data, out)  # every check, before any work
    return out


def observation_model(args: argparse.Namespace):
    """The observables of ``--observables`` (None without it), checked for the model."""
    if not getattr(args, "observables", None):
        return None
    from ..analysis.observation import read_observables

    return read_observables(args.observables, fit_model(args))


def read_data(args: argparse.Namespace):
    """The measurements of a command line, their observables those of ``--observables``
    where given (else the model's ids)."""
    from ..analysis.data import read_measurements

    observables = observation_model(args)
    return read_measurements(args.data, fit_model(args),
                             None if observables is None else [o.id for o in observables])


def _fit(args: argparse.Namespace) -> int:
    from ..analysis.calibrate import calibrate

    data = read_data(args)
    fit_settings = settings(args, data)
    result = _on_engine(args, lambda engine: calibrate(data, fit_settings, args.out, engine),
                        Path(args.out) / ".fit-parts")
    if result is None:
        return EXIT_INTERRUPTED
    print(summary(result.estimates, result.patients))
    for name in ("estimates.csv", "starts.csv", "profiles.csv", "patients.csv", "fit.png",
                 "profiles.png"):
        print(f"wrote {Path(args.out) / name}")
    return 0


def _on_engine(args: argparse.Namespace, work, parts: Path):
    """``work(engine)`` on the engine the options ask for (checked first), closed on every
    path (aborted on an error); None, with one line saying where the finished work is kept,
    when interrupted (Ctrl-C, SIGTERM, SIGHUP: the engine's workers are ended at once)."""
    try:
        with terminate_as_interrupt(), engine_for(args) as engine:
            return work(engine)
    except KeyboardInterrupt:
        sys.stderr.write(f"pycart {args.command}: interrupted; finished starts and profiles "
                         f"are kept in {parts}; run the same command to resume\n")
        return None


def summary(estimates, patients) -> str:
    """The estimates as a short text table, one line per patient and parameter."""
    lines = []
    together = "joint_nll" in patients and (estimates["patient"] == "").any()
    if together:
        p = patients.iloc[0]
        lines.append(f"joint: nll {p['joint_nll']:.4f} from {patients['measurements'].sum()} "
                     f"measurements; {p['starts_at_best']} of {p['starts']} starts reached it"
                     + _moved(p))
        lines += _estimate_lines(estimates[estimates["patient"] == ""], "shared")
    for _, p in patients.iterrows():
        lines.append(f"{p['patient']}: nll {p['nll']:.4f} from {p['measurements']} "
                     f"measurements; {p['starts_at_best']} of {p['starts']} starts reached it"
                     + ("" if together else _moved(p)))
        lines += _estimate_lines(estimates[estimates["patient"] == p["patient"]], "")
    return "\n".join(lines)


def _moved(p) -> str:
    """How often the fit's optimum moved to a better one its profiles found (patients.csv's
    optimum_moves), from which nll; empty when it did not."""
    moves = int(p.get("optimum_moves", 0))
    return (f"; the optimum moved {moves} time{'s' * (moves > 1)} (profiles found better), "
            f"from nll {p['first_optimum_nll']:.4f}") if moves else ""


def _estimate_lines(rows, note: str) -> list[str]:
    return [f"  {e['parameter']:<8} {e['estimate']:.4g}   95% [{e['lower']:.4g}, "
            f"{e['upper']:.4g}]   {e['identifiable']}{'   ' + note if note else ''}"
            for _, e in rows.iterrows()]


def _petab(args: argparse.Namespace) -> int:
    from ..exchange.petab import write_petab

    data = read_data(args)
    fit_settings = settings(args, data)
    written = write_petab(data, fit_settings, args.out, args.drop_censored)
    if args.drop_censored:
        _say_dropped(data)
    for path in written:
        print(f"wrote {path}")
    print("petablint: no errors")
    return 0


def _say_dropped(data) -> None:
    """A warning line with the number of left-censored rows ``--drop-censored`` left out."""
    from ..analysis.data import censored_rows

    dropped = int(censored_rows(data).sum())
    if dropped:
        sys.stderr.write(f"pycart petab: warning: {dropped} left-censored rows left out; the "
                         "PEtab likelihood is not pycart fit's (PEtab v1 has no censoring)\n")


def register_report(sub) -> None:
    """``pycart calibration``: the calibration report."""
    report = sub.add_parser(
        "calibration", help="regenerate docs/calibration.md (worked examples of pycart fit)",
        description="Fit synthetic data from three known products and the typical-patient "
                    "tisagenlecleucel curve of Stein et al. 2019, and write calibration.md "
                    "with its data and figures (a few minutes on two cores).")
    report.add_argument("--out", default="docs", metavar="DIR", help="folder (default docs)")
    engine_options(report, points=False)
    report.set_defaults(func=_calibration)


def _calibration(args: argparse.Namespace) -> int:
    from ..report.calibration import write_calibration

    report = _on_engine(args, lambda engine: write_calibration(args.out, engine),
                        Path(args.out) / "calibration" / "*-fit" / ".fit-parts")
    if report is None:
        return EXIT_INTERRUPTED
    print(f"wrote {report}")
    return 0
