"""``pycart sweep``, ``pycart cohort`` and ``pycart bench``: many simulations."""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import columns as col
from ..core.errors import PycartError
from .common import (
    EXIT_INTERRUPTED,
    add_dose_option,
    add_figure_options,
    assignments,
    figure_options,
    numbers,
    terminate_as_interrupt,
)

if TYPE_CHECKING:
    from ..scale.engines import Engine


def register(sub) -> None:
    """Add this module's commands to the subparsers ``sub``."""
    sweep = sub.add_parser(
        "sweep", help="sweep parameters or initial amounts (grid or sampled), in parallel",
        description="Simulate every point of a grid (--param), of a sample (--range with "
                    "--sample) or of a list (--points), on every local core by default, and "
                    "write one row per point: its inputs (an initial amount as init_<species>, "
                    "e.g. init_L), L30, response, the first CAR T peak (t_peak, C_peak, "
                    "fold_expansion) and species at --days (e.g. L@60). Finished chunks are "
                    "kept in OUT.parts/; the same command run again resumes.")
    sweep.add_argument("--param", action="append", metavar="NAME=LO:HI:N[:log|linear]",
                       help="a grid dimension over a parameter or initial amount (repeatable)")
    sweep.add_argument("--range", action="append", metavar="NAME=LO:HI[:log|linear]",
                       help="a sampled dimension (repeatable; with --sample)")
    sweep.add_argument("--points", metavar="FILE",
                       help="a point list, .csv or .parquet: one column per parameter or "
                            "initial amount (L or init_L), one row per point")
    sweep.add_argument("--sample", choices=("lhs", "sobol"), help="Latin hypercube or Sobol")
    sweep.add_argument("--samples", metavar="N", help="number of sampled points")
    sweep.add_argument("--seed", default="0", metavar="S", help="sampling seed (default 0)")
    sweep.add_argument("--model", default="cart_bm",
                       help="cart_bm (default), cart_bm2, cart_bm_ext or cart_bm2_ext")
    sweep.add_argument("--set", action="append", metavar="NAME=VALUE", dest="parameters",
                       help="a fixed parameter (repeatable)")
    sweep.add_argument("--init", action="append", metavar="SPECIES=VALUE", dest="initial",
                       help="a fixed initial amount (repeatable)")
    sweep.add_argument("--t-end", default="30", metavar="DAYS", help="horizon (default 30)")
    sweep.add_argument("--days", metavar="D1,D2", help="days at which to report --species")
    sweep.add_argument("--species", default="L", metavar="S1,S2",
                       help="species reported at --days (default L)")
    sweep.add_argument("--no-peak", action="store_true", help="skip the CAR T peak (faster)")
    add_dose_option(sweep, "every point")
    sweep.add_argument("--out", default="sweep.parquet", metavar="FILE",
                       help="result table, .parquet or .csv (default sweep.parquet)")
    engine_options(sweep)
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
    add_dose_option(cohort, "every patient")
    engine_options(cohort)
    add_figure_options(cohort)
    cohort.set_defaults(func=_cohort)
    _register_bench(sub)


def _register_bench(sub) -> None:
    bench = sub.add_parser(
        "bench", help="measure speed, accuracy and memory against a naive loop",
        description="Time the naive loop (tellurium, one RoadRunner, a Python loop) against "
                    "pycart serial and parallel on Figure 7's cohort, check L30 against the "
                    "independent solver, and time Figure 6 at 200 x 200 with its peak memory.")
    bench.add_argument("--workers", metavar="N", help="worker processes (default: all cores)")
    bench.add_argument("--quick", action="store_true",
                       help="smaller samples (for a smoke test; the targets need the full run)")
    bench.add_argument("--million", action="store_true",
                       help="also run the 1,048,576-patient Sobol cohort (30 days) and the "
                            "1,000,000-patient cart_bm_ext year with two doses: wall and CPU "
                            "time, memory, against a libRoadRunner loop extrapolated")
    bench.add_argument("--fit", action="store_true",
                       help="also time a two-patient, three-parameter joint fit (h, rhoA, "
                            "alpha shared) in one process and on the workers")
    bench.add_argument("--trial", action="store_true",
                       help="also time a virtual trial of 10,000 accepted patients (100,000 "
                            "plausible, 400 days, 20 bootstrap re-calibrations) against "
                            "libRoadRunner on a sample; with --quick, 64 plausible patients")
    bench.set_defaults(func=_bench)


def engine_options(parser: argparse.ArgumentParser, points: bool = True) -> None:
    """Add --engine, --workers and --scheduler to a command, and --chunk-size and --solver
    where it runs sweep points (``points``)."""
    if points:
        parser.add_argument("--solver", choices=("auto", "fast", "roadrunner"), default="auto",
                            help="auto (default): the compiled fast path (doses included), "
                                 "libRoadRunner where it stops; fast: refuse "
                                 "a sweep it cannot run; roadrunner: libRoadRunner only")
    parser.add_argument("--engine", choices=("processes", "serial", "dask"), default=None,
                        help="processes on local cores (default), serial, or dask")
    parser.add_argument("--workers", metavar="N", help="worker processes (default: all cores)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="a dask.distributed scheduler, tcp://HOST:PORT or "
                             "tls://HOST:PORT (implies --engine dask; without it pycart starts "
                             "a local cluster only this run can use). The scheduler is trusted "
                             "to run code as you: give only clusters you control")
    parser.add_argument("--tls-ca-file", metavar="FILE",
                        help="a tls:// scheduler's CA certificate (PEM; default: dask's "
                             "configuration distributed.comm.tls.ca-file)")
    parser.add_argument("--tls-cert", metavar="FILE",
                        help="this client's certificate for a tls:// scheduler (PEM, may "
                             "hold the key too; default: distributed.comm.tls.client.cert)")
    parser.add_argument("--tls-key", metavar="FILE",
                        help="the key of --tls-cert (PEM; default: "
                             "distributed.comm.tls.client.key)")
    if points:
        parser.add_argument("--chunk-size", default=None, metavar="N",
                            help="points per chunk (default 2000 on roadrunner; on the fast "
                                 "path up to 20000, a quarter of each worker's share)")


def engine_for(args: argparse.Namespace) -> Engine:
    """The engine the options of ``args`` ask for, checked first (see
    :func:`pycart.scale.engines.make_engine`)."""
    from ..core.inputs import check_count
    from ..scale.engines import make_engine

    workers = None if args.workers is None else check_count(args.workers, "--workers", 1)
    return make_engine(args.engine, workers, args.scheduler, args.tls_ca_file, args.tls_cert,
                       args.tls_key)


def dimension(item: str, grid: bool):
    """One --param (grid) or --range (sampled) option as a sweep dimension."""
    from ..core.inputs import parse_number, parse_whole
    from ..scale.sweep import Dimension

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
        lo, hi = parse_number(fields[0]), parse_number(fields[1])
        n = parse_whole(fields[2]) if grid else 0
    except ValueError:
        raise PycartError(f"{option} {item!r}: expected {shape} with numbers") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise PycartError(f"{option} {item!r}: LO and HI must be finite")
    return Dimension(name.strip(), lo, hi, n, scale)


def _sweep_of(args: argparse.Namespace):
    from ..core.inputs import check_count, check_horizon, parse_number
    from ..scale.sweep import MAX_SAMPLES, MAX_SEED, Sweep

    grid = [dimension(p, True) for p in args.param or []]
    sampled = [dimension(r, False) for r in args.range or []]
    if sum(map(bool, (grid, sampled, args.points))) > 1:
        raise PycartError("give one of --param (a grid), --range (a sample) or --points (a "
                          "list), not several")
    if sampled and not args.sample:
        raise PycartError("--range needs --sample lhs|sobol and --samples N")
    if args.sample and not sampled:
        raise PycartError("--sample needs at least one --range")
    seed = check_count(args.seed, "--seed", 0, MAX_SEED)
    days: tuple[float, ...] = ()
    if args.days:
        try:
            days = tuple(parse_number(d) for d in args.days.split(","))
        except ValueError:
            raise PycartError(f"--days {args.days!r}: expected days like 30,60") from None
    settings = dict(parameters=numbers(assignments(args.parameters, "--set")),
                    initial=numbers(assignments(args.initial, "--init")),
                    t_end=check_horizon(args.t_end), days=days,
                    species=tuple(s.strip() for s in args.species.split(",")),
                    peak=not args.no_peak, solver=args.solver, doses=_doses(args))
    if args.points:
        from ..scale.points import points_sweep, read_points

        return points_sweep(read_points(args.points), args.model, **settings)
    return Sweep(tuple(grid or sampled), args.model, args.sample or "grid",
                 check_count(args.samples, "--samples", 1, MAX_SAMPLES) if args.sample else 0,
                 seed, **settings)


def _doses(args: argparse.Namespace) -> tuple:
    """The ``--dose`` options as doses, parsed (the sweep checks them against its model and
    horizon, before any work)."""
    from ..core.schedule import parse_doses

    return parse_doses(args.doses)


def _chunk_size(sweep, workers: int) -> int:
    """Points per chunk: 2000 on libRoadRunner; on the fast path, where a chunk of 2000 takes
    a tenth of a second and saving it costs as much, larger chunks (up to 20000) that still
    give every worker four."""
    from ..scale.sweep import CHUNK_SIZE

    if sweep.solver == "roadrunner":
        return CHUNK_SIZE
    return max(CHUNK_SIZE, min(FAST_CHUNK_SIZE, -(-sweep.size // (4 * workers))))


#: Largest default chunk of the fast path.
FAST_CHUNK_SIZE = 20_000


def _execute(sweep, out: str, args: argparse.Namespace):
    from ..core.inputs import check_count
    from ..core.output import check_output_path
    from ..scale.fast import compile_waiting
    from ..scale.runner import progress_bar, run_sweep
    from ..scale.store import parts_dir
    from ..scale.sweep import MAX_CHUNK_SIZE

    sweep.validate()
    path = check_output_path(out)
    chunk = (check_count(args.chunk_size, "--chunk-size", 1, MAX_CHUNK_SIZE)
             if args.chunk_size is not None else None)
    try:
        with terminate_as_interrupt(), engine_for(args) as engine:
            chunk = chunk or _chunk_size(sweep, engine.workers)
            report = run_sweep(sweep, path, engine, chunk,
                               progress_bar(path.name, waiting=compile_waiting(sweep.model,
                                                                               sweep.solver)))
    except KeyboardInterrupt:
        sys.stderr.write(f"\npycart {args.command}: interrupted; finished chunks are kept in "
                         f"{parts_dir(path)}; run the same command to resume\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
    resumed = f", {report.resumed} resumed from an earlier run" if report.resumed else ""
    damaged = (f"; {report.discarded} damaged or foreign saved chunks were computed again"
               if report.discarded else "")
    print(f"wrote {report.out}: {report.points} points ({report.computed} computed in "
          f"{report.seconds:.1f} s{resumed}); {report.failed} failed{damaged}")
    return report


def _sweep(args: argparse.Namespace) -> int:
    _execute(_sweep_of(args), args.out, args)
    return 0


def _cohort(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..analysis.summary import statistics
    from ..experiments.cohort import preset

    sweep = dataclasses.replace(preset(args.preset), solver=args.solver, doses=_doses(args))
    kind, dpi = figure_options(args)
    report = _execute(sweep, args.out or f"{args.preset}.parquet", args)
    table = (pd.read_parquet(report.out) if report.out.suffix == ".parquet"
             else pd.read_csv(report.out))
    if sweep.peak:
        for line in statistics(table).lines():
            print(line)
    else:
        share = table.loc[table[col.STATUS] == col.OK, col.RESPONDER].mean()
        print(f"responders (L30 < 1 cell): {100 * share:.1f}% of {len(table)} points")
        _heatmap(table, sweep, report.out.with_suffix(f".{kind}"), dpi)
    return 0


def _heatmap(table, sweep, path: Path, dpi: int) -> None:
    import matplotlib.pyplot as plt

    from ..analysis.plots import short_label
    from ..experiments.figures import draw_heatmap, fixed_text, save_figure

    x, y = sweep.dimensions
    x_column, y_column = sweep.columns()[1:3]
    fig, ax = plt.subplots(figsize=(5.5, 4.4), layout="constrained")
    draw_heatmap(ax, table, x_column, y_column, col.L30, (x.scale, y.scale))
    fixed = fixed_text(dict(sweep.parameters) | dict(sweep.initial))
    # what is shown, in symbols; the preset's name is the file's, not a title
    shown = f"$\\log_{{10}}$ L30 over {short_label(x_column)} and {short_label(y_column)}"
    ax.set_title(shown + (f"\n{fixed}" if fixed else ""), fontsize=10)
    save_figure(fig, path, dpi)
    print(f"wrote {path}")


def _bench(args: argparse.Namespace) -> int:
    from ..core.inputs import check_count
    from ..report.bench import run_benchmark
    from ..scale.engines import check_workers

    workers = None if args.workers is None else check_workers(
        check_count(args.workers, "--workers", 1))
    return run_benchmark(workers=workers, quick=args.quick, million=args.million,
                         fit=args.fit, trial=args.trial)
