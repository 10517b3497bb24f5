"""``pycart sensitivity``, ``pycart summarize`` and ``pycart plot``: analyses of many runs."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from ..core.errors import PycartError
from .common import (
    EXIT_INTERRUPTED,
    add_figure_options,
    assignments,
    figure_options,
    numbers,
    terminate_as_interrupt,
)
from .sweeps import dimension, engine_for, engine_options


def register(sub) -> None:
    """Add this module's commands to the subparsers ``sub``."""
    _register_sensitivity(sub)
    summarize = sub.add_parser(
        "summarize", help="summarise a result table: responders, medians, quartiles, tests",
        description="Print the share of responders and, for every output of a sweep or grid "
                    "table (L30, t_peak, C_peak, fold_expansion, species at days) and then "
                    "every varied input (parameters, init_ amounts; kind 'input'), the "
                    "median and quartiles; with --by, per group, and the Wilcoxon rank-sum "
                    "p-value between two groups (Kruskal-Wallis for more; a p-value below "
                    "1e-300 is printed from its logarithm, e.g. 2.5e-412). Failed points "
                    "are left out. A CSV row with more or fewer fields than the header is "
                    "refused.")
    summarize.add_argument("table", metavar="TABLE", help="a result table, .csv or .parquet")
    summarize.add_argument("--by", metavar="COLUMN",
                           help="group by this column, e.g. responder (R and NR)")
    summarize.add_argument("--out", metavar="FILE", help="also write the summary (.csv or "
                                                         ".parquet)")
    summarize.set_defaults(func=_summarize)
    plot = sub.add_parser(
        "plot", help="plot a result table: a heatmap for a grid, a scatter for a sample",
        description="Draw --y against --x of a sweep or grid table: a heatmap of --color "
                    "where (x, y) form a grid (the median where several points share a "
                    "cell), a scatter otherwise; log axes where a range is logarithmic; "
                    "leukaemia in greys, CAR T in oranges, B cells in blues.")
    plot.add_argument("table", metavar="TABLE", help="a result table, .csv or .parquet")
    plot.add_argument("--x", required=True, metavar="NAME", help="column on the x axis")
    plot.add_argument("--y", required=True, metavar="NAME", help="column on the y axis")
    plot.add_argument("--color", metavar="OUTPUT",
                      help="column giving the colour, e.g. L30, responder, fold_expansion")
    for axis in ("x", "y"):
        plot.add_argument(f"--{axis}scale", choices=("auto", "log", "linear"), default="auto",
                          help=f"{axis} axis scale (default auto: log where the range is)")
    plot.add_argument("--out", required=True, metavar="FILE",
                      help="the figure (.png, .svg or .pdf)")
    add_figure_options(plot)
    plot.set_defaults(func=_plot)


def _register_sensitivity(sub) -> None:
    from ..analysis.sensitivity import SAMPLE_ADVICE

    sens = sub.add_parser(
        "sensitivity", help="global sensitivity analysis (Sobol' or Morris, from SALib)",
        description="Sample the --range factors with SALib (Saltelli's scheme for Sobol' "
                    "indices, N (k + 2) runs for k factors; Morris trajectories, N (k + 1) "
                    "runs), run the model on the sweep engine (resumable: runs kept in "
                    "OUT.runs.parquet, e.g. s.csv.runs.parquet), and write the indices with "
                    "95% confidence intervals (Sobol': parameter,S1,S1_conf,ST,ST_conf; "
                    "Morris: parameter,mu_star,mu_star_conf,sigma,mu) and a bar chart "
                    "OUT.png (or OUT.svg, OUT.pdf).")
    sens.add_argument("--range", action="append", metavar="NAME=LO:HI[:log|linear]",
                      help="a factor: a parameter or an initial amount (L or init_L); log "
                           "(default) samples uniformly in log10 (repeatable, at least 2)")
    sens.add_argument("--method", choices=("sobol", "morris"), default="sobol",
                      help="sobol (default) or morris")
    sens.add_argument("--samples", metavar="N",
                      help=f"the sample size: {SAMPLE_ADVICE.replace('%', '%%')}")
    sens.add_argument("--output", default="log10_L30", metavar="NAME",
                      help="log10_L30 (default), L30, responder, t_peak, C_peak, "
                           "log10_C_peak, fold_expansion, or a species at a day (CA@60, "
                           "log10_L@90)")
    sens.add_argument("--seed", default="0", metavar="S", help="design seed (default 0)")
    sens.add_argument("--model", default="cart_bm",
                      help="cart_bm (default), cart_bm2, cart_bm_ext or cart_bm2_ext")
    sens.add_argument("--set", action="append", metavar="NAME=VALUE", dest="parameters",
                      help="a fixed parameter (repeatable)")
    sens.add_argument("--init", action="append", metavar="SPECIES=VALUE", dest="initial",
                      help="a fixed initial amount (repeatable)")
    sens.add_argument("--t-end", metavar="DAYS",
                      help="horizon (default: day 30, or the output's day)")
    sens.add_argument("--out", default="sensitivity.csv", metavar="FILE",
                      help="the indices table, .csv or .parquet (default sensitivity.csv)")
    add_figure_options(sens)
    engine_options(sens)
    sens.set_defaults(func=_sensitivity)


def _figure_path(out: str, args: argparse.Namespace) -> tuple[Path, int]:
    """The figure's path (the --out extension, or --format appended) and dpi; checked
    writable before any work."""
    from ..experiments.labels import FIGURE_FORMATS

    kind, dpi = figure_options(args)
    path = Path(out)
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FIGURE_FORMATS and kind not in ("png", suffix):
        raise PycartError(f"--out {out!r} and --format {kind} disagree (allowed: the same)")
    if suffix not in FIGURE_FORMATS:
        if suffix:
            raise PycartError(f"figure {out!r}: unsupported extension (allowed: "
                              f"{', '.join('.' + f for f in FIGURE_FORMATS)})")
        path = path.with_name(f"{path.name}.{kind}")
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not parent.is_dir() or not os.access(parent, os.W_OK):
        raise PycartError(f"figure {str(path)!r} cannot be written there (allowed: a file "
                          "in an existing, writable folder)")
    return path, dpi


def _sensitivity(args: argparse.Namespace) -> int:
    from ..analysis.plots import indices_figure
    from ..analysis.sensitivity import (
        SAMPLES,
        Design,
        SweepModel,
        factor_name,
        sensitivity,
    )
    from ..core.columns import input_column
    from ..core.inputs import check_count, check_horizon
    from ..core.names import MODELS
    from ..core.output import check_output_path, write_table
    from ..experiments.figures import save_figure
    from ..scale.fast import compile_waiting
    from ..scale.runner import progress_bar
    from ..scale.sweep import CHUNK_SIZE, MAX_CHUNK_SIZE, MAX_SEED

    factors = []
    for item in args.range or []:
        d = dimension(item, grid=False)
        name = input_column(factor_name(d.name, args.model), MODELS.get(args.model, ()))
        factors.append(type(d)(name, d.lo, d.hi, 0, d.scale))
    samples = SAMPLES[args.method] if args.samples is None else args.samples
    design = Design(tuple(factors), args.method, check_count(samples, "--samples", 2),
                    check_count(args.seed, "--seed", 0, MAX_SEED))
    design.validate()
    out = check_output_path(args.out)
    # Named after OUT's whole name: X.csv and X.parquet are two analyses, and neither may
    # replace the other's runs or chart.
    chart, dpi = _figure_path(f"{out}.{args.figure_format}", args)
    runs = out.with_name(f"{out.name}.runs.parquet")
    model = SweepModel(design, args.output, runs, None, args.model,
                       numbers(assignments(args.parameters, "--set")),
                       numbers(assignments(args.initial, "--init")),
                       None if args.t_end is None else check_horizon(args.t_end),
                       check_count(CHUNK_SIZE if args.chunk_size is None else args.chunk_size,
                                   "--chunk-size", 1, MAX_CHUNK_SIZE),
                       progress_bar(runs.name, waiting=compile_waiting(args.model, args.solver)),
                       args.solver)
    with engine_for(args) as engine:  # closed on every path (aborted when interrupted)
        model.engine = engine
        for note in design.notes():
            sys.stderr.write(f"pycart sensitivity: warning: {note}\n")
        try:
            with terminate_as_interrupt(), warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # the notes above
                result = sensitivity(design, model)
        except KeyboardInterrupt:
            sys.stderr.write(f"\npycart sensitivity: interrupted; finished runs are kept in "
                             f"{runs}.parts; run the same command to resume\n")
            raise SystemExit(EXIT_INTERRUPTED) from None
    write_table(result.indices, out)
    save_figure(indices_figure(result.indices, design.method, args.output), chart, dpi)
    key = "ST" if design.method == "sobol" else "mu_star"
    print(f"wrote {out} and {chart}; {design.runs} runs of {args.output} in {runs}")
    print(result.indices.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"ranking by {key}: {' > '.join(result.ranking())}")
    return 0


def _summarize(args: argparse.Namespace) -> int:
    from ..analysis.summary import format_summary, read_table, responder_line, summarize
    from ..core.output import check_output_path, write_table

    out = None if args.out is None else check_output_path(args.out)
    table = read_table(args.table)
    summary = summarize(table, args.by)
    print(responder_line(table))
    if summary.empty:
        print("no output columns to summarise")
    else:
        print(format_summary(summary))
    if out is not None:
        write_table(summary, out)
        print(f"wrote {out}")
    return 0


def _plot(args: argparse.Namespace) -> int:
    from ..analysis.plots import plot_table
    from ..analysis.summary import read_table
    from ..experiments.figures import save_figure

    path, dpi = _figure_path(args.out, args)
    table = read_table(args.table)
    x_scale, y_scale = (None if s == "auto" else s for s in (args.xscale, args.yscale))
    figure = plot_table(table, args.x, args.y, args.color, (x_scale, y_scale),
                        note=lambda text: print(f"pycart plot: {text}", file=sys.stderr))
    save_figure(figure, path, dpi)
    print(f"wrote {path}")
    return 0
