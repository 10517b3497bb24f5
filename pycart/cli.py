"""The ``pycart`` command line: ``pycart simulate`` and ``pycart build``.

Bad input gets one line on stderr (what was wrong, what is allowed) and exit status 2; a
solver failure gets one line and status 1; never a traceback, never a partial output file.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .core.errors import PycartError, SimulationError
from .core.names import PARAMETERS, SPECIES

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

    sweep = sub.add_parser(
        "sweep", help="sweep parameters or initial amounts (grid or sampled), in parallel",
        description="Simulate every point of a grid (--param) or of a sample (--range with "
                    "--sample), on every local core by default, and write one row per point: "
                    "L30, response, the first CAR T peak (t_peak, C_peak, fold_expansion) and "
                    "species at --days. Finished chunks are kept in OUT.parts/; the same "
                    "command run again resumes.")
    sweep.add_argument("--param", action="append", metavar="NAME=LO:HI:N[:log|linear]",
                       help="a grid dimension over a parameter or initial amount (repeatable)")
    sweep.add_argument("--range", action="append", metavar="NAME=LO:HI[:log|linear]",
                       help="a sampled dimension (repeatable; with --sample)")
    sweep.add_argument("--sample", choices=("lhs", "sobol"), help="Latin hypercube or Sobol")
    sweep.add_argument("--samples", metavar="N", help="number of sampled points")
    sweep.add_argument("--seed", default="0", metavar="S", help="sampling seed (default 0)")
    sweep.add_argument("--model", default="cart_bm", help="cart_bm (default) or cart_bm2")
    sweep.add_argument("--set", action="append", metavar="NAME=VALUE", dest="parameters",
                       help="a fixed parameter (repeatable)")
    sweep.add_argument("--init", action="append", metavar="SPECIES=VALUE", dest="initial",
                       help="a fixed initial amount (repeatable)")
    sweep.add_argument("--t-end", default="30", metavar="DAYS", help="horizon (default 30)")
    sweep.add_argument("--days", metavar="D1,D2", help="days at which to report --species")
    sweep.add_argument("--species", default="L", metavar="S1,S2",
                       help="species reported at --days (default L)")
    sweep.add_argument("--no-peak", action="store_true", help="skip the CAR T peak (faster)")
    sweep.add_argument("--out", default="sweep.parquet", metavar="FILE",
                       help="result table, .parquet or .csv (default sweep.parquet)")
    _engine_options(sweep)
    sweep.set_defaults(func=_sweep)

    cohort = sub.add_parser(
        "cohort", help="a virtual cohort: Figure 7's 4000 patients, or Figure 6's heatmaps",
        description="Run a cohort design (default fig7: 10 rho_A x 20 alpha x 20 h) and print "
                    "the responder share, R vs NR medians of the time to peak and the fold "
                    "expansion and their Wilcoxon rank-sum p-values; the fig6-* presets "
                    "(200 x 200) also draw the heatmap next to --out.")
    cohort.add_argument("--preset", default="fig7", metavar="NAME",
                        help="fig7 (default), fig7-caption, fig6-alpha-h, fig6-alpha-rhoA, "
                             "fig6-h-rhoA")
    cohort.add_argument("--out", metavar="FILE", help="result table (default PRESET.parquet)")
    _engine_options(cohort)
    cohort.set_defaults(func=_cohort)

    bench = sub.add_parser(
        "bench", help="measure speed, accuracy and memory against a naive loop",
        description="Time the naive loop (tellurium, one RoadRunner, a Python loop) against "
                    "pycart serial and parallel on Figure 7's cohort, check L30 against the "
                    "independent solver, and time Figure 6 at 200 x 200 with its peak memory.")
    bench.add_argument("--workers", metavar="N", help="worker processes (default: all cores)")
    bench.add_argument("--quick", action="store_true",
                       help="smaller samples (for a smoke test; the targets need the full run)")
    bench.add_argument("--million", action="store_true",
                       help="also run a 1,000,000-patient Sobol cohort and measure its memory")
    bench.set_defaults(func=_bench)

    export = sub.add_parser(
        "export", help="write a COMBINE archive per scenario of the paper",
        description="Write exports/<scenario>.omex for every scenario of the paper: the SBML, "
                    "the SED-ML (CVODE with pycart's tolerances, the time courses, a repeated "
                    "task per grid, plots like the paper's panels), OMEX metadata, manifest; "
                    "exports/copasi/<scenario>-<plot>.omex, one plot per archive (COPASI opens "
                    "each complete); exports/biomodels/, a BioModels submission.")
    export.add_argument("--out", default="exports", metavar="DIR",
                        help="output folder (default exports)")
    export.set_defaults(func=_export)

    validate = sub.add_parser(
        "validate", help="check the SBML and the archives as a curator would",
        description="Run every check on a model (.xml), an archive (.omex) or a checkout "
                    "(its models/*.xml and exports/*.omex; default: the current folder) and "
                    "print each issue (level, file, message); exit 1 on any error.")
    validate.add_argument("path", nargs="?", default=".", metavar="PATH")
    validate.set_defaults(func=_validate)

    cps = sub.add_parser(
        "copasi", help="COPASI files of an archive's plots, ready to run",
        description="Import each plot of ARCHIVE with COPASI's own archive import (the plot's "
                    "task, model and plot, as COPASI's import dialog asks), set the time course "
                    "COPASI 4.48 does not import for a repeated task, and save a COPASI file "
                    "per plot into --out: open it in COPASI and run its Time-Course or Scan.")
    cps.add_argument("archive", metavar="ARCHIVE", help="a COMBINE archive (.omex)")
    cps.add_argument("--plot", action="append", metavar="PLOT",
                     help="only this plot (plot1, plot2, ...; repeatable)")
    cps.add_argument("--out", default="copasi", metavar="DIR",
                     help="output folder (default copasi)")
    cps.set_defaults(func=_copasi)

    repro = sub.add_parser(
        "reproduce", help="every claim of the paper beside what the model gives",
        description="Run every experiment and write the reproduction report (Markdown, and "
                    "HTML with the figures inline) with its figures into --out.")
    repro.add_argument("--out", default="docs", metavar="DIR", help="output folder (default docs)")
    repro.add_argument("--full", action="store_true",
                       help="Figure S3 at the paper's 200 x 200 (longer than the default run)")
    repro.add_argument("--workers", metavar="N", help="worker processes (default: all cores)")
    repro.set_defaults(func=_reproduce)

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
    from .core.homeostasis import homeostasis
    from .core.inputs import check_horizon, check_initial, check_parameters, check_points
    from .core.model import Model
    from .core.output import check_output_path, write_table

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
    from .experiments.paper import SCENARIOS

    for name, make in SCENARIOS.items():
        scenario = make()
        size = len(scenario.runs) + sum(len(g.points()) for g in scenario.grids)
        print(f"{name:7s} {scenario.title} ({size} simulations)")
    return 0


def _run(args: argparse.Namespace) -> int:
    from .core.inputs import check_resolution
    from .experiments.paper import paper_scenario
    from .experiments.scenario import Interrupted, progress_printer, run_scenario, write_result
    from .experiments.userfile import load_scenario

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


def _engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=("processes", "serial", "dask"), default=None,
                        help="processes on local cores (default), serial, or dask")
    parser.add_argument("--workers", metavar="N", help="worker processes (default: all cores)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="a dask.distributed scheduler, e.g. tcp://host:8786 (implies "
                             "--engine dask; without it dask starts a LocalCluster)")
    parser.add_argument("--chunk-size", default="2000", metavar="N",
                        help="points per chunk (default 2000)")


def _engine(args: argparse.Namespace):
    from .core.inputs import check_resolution
    from .scale.sweep import DaskEngine, ProcessEngine, SerialEngine

    workers = None if args.workers is None else check_resolution(args.workers)
    kind = args.engine or ("dask" if args.scheduler else "processes")
    if args.scheduler and kind != "dask":
        raise PycartError("--scheduler needs --engine dask")
    if kind == "serial":
        return SerialEngine()
    if kind == "dask":
        return DaskEngine(args.scheduler, workers)
    return ProcessEngine(workers)


def _dimension(item: str, grid: bool):
    from .scale.sweep import Dimension

    option = "--param" if grid else "--range"
    shape = "NAME=LO:HI:N[:log|linear]" if grid else "NAME=LO:HI[:log|linear]"
    name, sep, spec = item.partition("=")
    fields = spec.split(":")
    scale = "log"
    if fields and fields[-1] in ("log", "linear", "lin"):
        scale = "linear" if fields.pop() in ("linear", "lin") else "log"
    if not sep or not name.strip() or len(fields) != (3 if grid else 2):
        raise PycartError(f"{option} {item!r}: expected {shape}")
    try:
        lo, hi = float(fields[0]), float(fields[1])
        n = int(fields[2]) if grid else 0
    except ValueError:
        raise PycartError(f"{option} {item!r}: expected {shape} with numbers") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise PycartError(f"{option} {item!r}: LO and HI must be finite")
    return Dimension(name.strip(), lo, hi, n, scale)


def _sweep_of(args: argparse.Namespace):
    from .core.inputs import check_horizon, check_resolution
    from .scale.sweep import Sweep

    grid = [_dimension(p, True) for p in args.param or []]
    sampled = [_dimension(r, False) for r in args.range or []]
    if grid and sampled:
        raise PycartError("give either --param (a grid) or --range (a sample), not both")
    if sampled and not args.sample:
        raise PycartError("--range needs --sample lhs|sobol and --samples N")
    if args.sample and not sampled:
        raise PycartError("--sample needs at least one --range")
    try:
        seed = int(args.seed)
    except ValueError:
        raise PycartError(f"seed {args.seed!r} is not a whole number") from None
    days = ()
    if args.days:
        try:
            days = tuple(float(d) for d in args.days.split(","))
        except ValueError:
            raise PycartError(f"--days {args.days!r}: expected days like 30,60") from None
    return Sweep(
        tuple(grid or sampled), args.model, args.sample or "grid",
        check_resolution(args.samples) if args.sample else 0, seed,
        _numbers(_assignments(args.parameters, "--set")),
        _numbers(_assignments(args.initial, "--init")),
        check_horizon(args.t_end), days, tuple(s.strip() for s in args.species.split(",")),
        not args.no_peak)


def _numbers(values: dict[str, str]) -> dict[str, float]:
    out = {}
    for name, value in values.items():
        try:
            out[name] = float(value)
        except ValueError:
            raise PycartError(f"{name}: {value!r} is not a number") from None
    return out


def _execute(sweep, out: str, args: argparse.Namespace):
    from .core.inputs import check_resolution
    from .core.output import check_output_path
    from .scale.sweep import parts_dir, progress_bar, run_sweep

    sweep.validate()
    path = check_output_path(out)
    chunk = check_resolution(args.chunk_size)
    engine = _engine(args)
    try:
        report = run_sweep(sweep, path, engine, chunk, progress_bar(path.name))
    except KeyboardInterrupt:
        sys.stderr.write(f"\npycart {args.command}: interrupted; finished chunks are kept in "
                         f"{parts_dir(path)}; run the same command to resume\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
    resumed = f", {report.resumed} resumed from an earlier run" if report.resumed else ""
    print(f"wrote {report.out}: {report.points} points ({report.computed} computed in "
          f"{report.seconds:.1f} s{resumed}); {report.failed} failed")
    return report


def _sweep(args: argparse.Namespace) -> int:
    _execute(_sweep_of(args), args.out, args)
    return 0


def _cohort(args: argparse.Namespace) -> int:
    import pandas as pd

    from .scale.cohort import preset, statistics

    sweep = preset(args.preset)
    report = _execute(sweep, args.out or f"{args.preset}.parquet", args)
    table = (pd.read_parquet(report.out) if report.out.suffix == ".parquet"
             else pd.read_csv(report.out))
    if sweep.peak:
        for line in statistics(table).lines():
            print(line)
    else:
        share = table.loc[table["status"] == "ok", "responder"].mean()
        print(f"responders (L30 < 1 cell): {100 * share:.1f}% of {len(table)} points")
        _heatmap_png(table, sweep, report.out.with_suffix(".png"), args.preset)
    return 0


def _heatmap_png(table, sweep, path: Path, title: str) -> None:
    import matplotlib.pyplot as plt

    from .experiments.figures import draw_heatmap

    x, y = sweep.dimensions
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    draw_heatmap(ax, table, x.name, y.name, "L30", (x.scale, y.scale))
    ax.set_title(f"{title}: log10 L30")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"wrote {path}")


def _bench(args: argparse.Namespace) -> int:
    from .scale.bench import run_benchmark
    from .core.inputs import check_resolution

    workers = None if args.workers is None else check_resolution(args.workers)
    return run_benchmark(workers=workers, quick=args.quick, million=args.million)


def _export(args: argparse.Namespace) -> int:
    from .exchange.export import export

    for path in export(args.out):
        print(f"wrote {path}")
    return 0


def _copasi(args: argparse.Namespace) -> int:
    from .exchange.copasi import write_copasi_files

    if not Path(args.archive).is_file():
        raise PycartError(f"{args.archive}: no such archive (allowed: a .omex file)")
    for path in write_copasi_files(args.archive, args.out, args.plot):
        print(f"wrote {path}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .exchange.validation import check_path

    path = Path(args.path)
    if not path.exists():
        raise PycartError(f"{args.path}: no such file or folder")
    issues = check_path(path)
    for issue in issues:
        print(f"{issue.level}\t{issue.source}\t{issue.message}")
    errors = sum(i.level == "error" for i in issues)
    print(f"{errors} errors, {len(issues) - errors} warnings")
    return EXIT_FAILED if errors else 0


def _reproduce(args: argparse.Namespace) -> int:
    from .core.inputs import check_resolution
    from .report.reproduce import reproduce

    workers = None if args.workers is None else check_resolution(args.workers)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise PycartError(f"output {str(out)!r} is a file (allowed: a folder)")
    reproduce(out, args.full, workers, say=lambda text: print(text, flush=True))
    return 0


def _build(args: argparse.Namespace) -> int:
    from .exchange.build import build, stale_files

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
    for stream in (sys.stdout, sys.stderr):  # a user's label must not crash an ASCII terminal
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
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
