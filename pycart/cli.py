"""The ``pycart`` command line: ``pycart simulate`` and ``pycart build``.

Bad input gets one line on stderr (what was wrong, what is allowed) and exit status 2; a
solver failure gets one line and status 1; never a traceback, never a partial output file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .errors import PycartError, SimulationError
from .names import PARAMETERS, SPECIES

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, not a usage block."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        sys.exit(EXIT_USAGE)


def _assignments(items: Sequence[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise PycartError(f"{option} {item!r}: expected NAME=VALUE")
        if name in out:
            raise PycartError(f"{option} {name} is given twice (allowed: once each)")
        out[name] = value
    return out


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pycart", description=(
        "Bone-marrow model of CAR T-cell therapy in B-cell childhood ALL "
        "(Martinez-Rubio et al., Int. J. Mol. Sci. 2021, 22:6371)."))
    parser.add_argument("--version", action="version", version=f"pycart {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    sim = sub.add_parser(
        "simulate", help="simulate the model and write the trajectory",
        description="Simulate the model (default: Figure 3, alpha=3e-10, h=1e9, 180 days), "
                    "write the amounts of every cell population as CSV or Parquet, and print "
                    "L at day 30, the response and the CAR T peak.")
    sim.add_argument("--set", action="append", metavar="NAME=VALUE", dest="parameters",
                     help=f"set a parameter (repeatable); one of: {', '.join(PARAMETERS)}")
    sim.add_argument("--init", action="append", metavar="SPECIES=VALUE", dest="initial",
                     help=f"set an initial amount in cells (repeatable); one of: {', '.join(SPECIES)}")
    sim.add_argument("--b-homeostasis", metavar="FRACTION",
                     help="start B0..B3 at this fraction of the homeostatic B-cell state "
                          "(e.g. 0.01 after lymphodepletion); --init overrides single species")
    sim.add_argument("--t-end", default="180", metavar="DAYS", help="horizon in days (default 180)")
    sim.add_argument("--points", metavar="N",
                     help="output points, both ends included (default: one a day)")
    sim.add_argument("--out", default="simulation.csv", metavar="FILE",
                     help="output table, .csv or .parquet (default simulation.csv)")
    sim.set_defaults(func=_simulate)

    sub.add_parser("scenarios", help="list the paper's scenarios",
                   description="List the named scenarios of the paper (Figures 2-8, S1-S4)."
                   ).set_defaults(func=_scenarios)

    run = sub.add_parser(
        "run", help="run a scenario: trajectories, metrics and figure",
        description="Run one of the paper's scenarios by name (see 'pycart scenarios') or a "
                    "scenario file (.toml), and write every trajectory as CSV, the metrics "
                    "(metrics.csv), grid tables (grid_*.csv) and the figure (NAME.png).")
    run.add_argument("scenario", metavar="NAME|FILE", help="a scenario name or a .toml file")
    run.add_argument("--out", metavar="DIR", help="output folder (default: ./NAME)")
    run.add_argument("--resolution", metavar="N",
                     help="values per grid axis (default: the scenario's, e.g. 200 for fig6)")
    run.set_defaults(func=_run)

    build = sub.add_parser(
        "build", help="regenerate the SBML and equations from models/*.ant",
        description="Compile every models/*.ant of a checkout to SBML (models/*.xml) and an "
                    "equations document (models/*.md).")
    build.add_argument("--root", default=".", metavar="DIR",
                       help="the pycart checkout (default: the current folder)")
    build.add_argument("--check", action="store_true",
                       help="write nothing; exit 1 if a derived file is not current")
    build.set_defaults(func=_build)
    return parser


def _simulate(args: argparse.Namespace) -> int:
    from .homeostasis import homeostasis
    from .inputs import check_horizon, check_initial, check_parameters, check_points
    from .model import Model
    from .output import check_output_path, write_table

    parameters = check_parameters(_assignments(args.parameters, "--set"))
    initial = check_initial(_assignments(args.initial, "--init"))
    if args.b_homeostasis is not None:
        initial = dict(homeostasis(parameters, args.b_homeostasis)) | initial
    t_end = check_horizon(args.t_end)
    points = None if args.points is None else check_points(args.points)
    out = check_output_path(args.out)
    run = Model().run(parameters, initial, t_end, points)
    write_table(run.trajectory, out)
    print(f"wrote {out} ({len(run.trajectory)} points over {t_end:g} days)")
    for line in run.summary.lines():
        print(line)
    return 0


def _scenarios(args: argparse.Namespace) -> int:
    from .paper import SCENARIOS

    for name, make in SCENARIOS.items():
        scenario = make()
        size = len(scenario.runs) + sum(len(g.points()) for g in scenario.grids)
        print(f"{name:7s} {scenario.title} ({size} simulations)")
    return 0


def _run(args: argparse.Namespace) -> int:
    from .inputs import check_resolution
    from .paper import paper_scenario
    from .scenario import Interrupted, progress_printer, run_scenario, write_result
    from .userfile import load_scenario

    source = args.scenario
    scenario = (load_scenario(source) if source.endswith(".toml") else paper_scenario(source))
    resolution = None if args.resolution is None else check_resolution(args.resolution)
    out = Path(args.out or scenario.name)
    if out.exists() and not out.is_dir():
        raise PycartError(f"output {str(out)!r} is a file (allowed: a folder)")
    if not out.exists() and not out.parent.is_dir():
        raise PycartError(f"output {str(out)!r}: {str(out.parent)!r} is not an existing folder")
    try:
        result = run_scenario(scenario, resolution, progress=progress_printer(scenario.name))
    except Interrupted as stop:
        written = write_result(stop.result, out)
        sys.stderr.write(f"\npycart run: interrupted; kept what was computed: {stop.done} of "
                         f"{stop.total} simulations in {len(written)} files in {out}\n")
        return EXIT_INTERRUPTED
    written = write_result(result, out)
    print(f"{scenario.name}: wrote {len(written)} files to {out}")
    if result.runs:
        table = result.metrics()[["run", "L30", "responder", "car_t_peak_day", "fold_expansion",
                                  "relapse_day", "L_end"]]
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    for name, grid in result.grids.items():
        if "responder" in grid:
            print(f"grid {name}: {len(grid)} points, responders {100 * grid['responder'].mean():.1f}%")
    return 0


def _build(args: argparse.Namespace) -> int:
    from .build import build, stale_files

    root = Path(args.root)
    if args.check:
        stale = stale_files(root)
        for path in stale:
            print(f"not current: {path} (run 'pycart build')")
        return EXIT_FAILED if stale else 0
    for path in build(root):
        print(f"wrote {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        _quiet_solver_log()
        return int(args.func(args))
    except PycartError as exc:
        sys.stderr.write(f"pycart {args.command}: error: {exc}\n")
        return EXIT_USAGE
    except SimulationError as exc:
        sys.stderr.write(f"pycart {args.command}: simulation failed: {exc}\n")
        return EXIT_FAILED
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"pycart {args.command}: error: {exc.strerror or exc}{where}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write(f"pycart {args.command}: interrupted\n")
        return EXIT_INTERRUPTED


def _quiet_solver_log() -> None:
    """libRoadRunner logs solver errors to stderr; pycart reports them in its own line."""
    import roadrunner

    roadrunner.Logger.setLevel(roadrunner.Logger.LOG_FATAL)


if __name__ == "__main__":
    sys.exit(main())
