"""``pycart simulate``: one run of the model, its trajectory and summary."""

from __future__ import annotations

import argparse

from ..core.names import PARAMETERS, SPECIES
from .common import add_dose_option, assignments, doses_of


def register(sub) -> None:
    """Add this module's commands to the subparsers ``sub``."""
    sim = sub.add_parser(
        "simulate", help="simulate the model and write the trajectory",
        description="Simulate the model (default: Figure 3, alpha=3e-10, h=1e9, 180 days), "
                    "write the amounts of every cell population as CSV or Parquet, and print "
                    "L at day 30, the response and the CAR T peak.")
    sim.add_argument("--set", action="append", metavar="NAME=VALUE", dest="parameters",
                     help=f"set a parameter (repeatable); one of: {', '.join(PARAMETERS)}")
    sim.add_argument("--init", action="append", metavar="SPECIES=VALUE", dest="initial",
                     help="set an initial amount in cells (repeatable); one of: "
                          f"{', '.join(SPECIES)}")
    sim.add_argument("--b-homeostasis", metavar="FRACTION",
                     help="start B0..B3 at this fraction of the homeostatic B-cell state "
                          "(e.g. 0.01 after lymphodepletion); --init overrides single species")
    sim.add_argument("--t-end", default="180", metavar="DAYS", help="horizon in days (default 180)")
    sim.add_argument("--points", metavar="N",
                     help="output points, both ends included (default: one a day)")
    add_dose_option(sim)
    sim.add_argument("--out", default="simulation.csv", metavar="FILE",
                     help="output table, .csv or .parquet (default simulation.csv)")
    sim.set_defaults(func=_simulate)


def _simulate(args: argparse.Namespace) -> int:
    from ..core.homeostasis import homeostasis
    from ..core.inputs import (
        check_horizon,
        check_initial,
        check_parameters,
        check_points,
    )
    from ..core.model import Model
    from ..core.output import check_output_path, write_table

    parameters = check_parameters(assignments(args.parameters, "--set"))
    initial = check_initial(assignments(args.initial, "--init"))
    if args.b_homeostasis is not None:
        initial = dict(homeostasis(parameters, args.b_homeostasis)) | initial
    t_end = check_horizon(args.t_end)
    points = None if args.points is None else check_points(args.points)
    doses = doses_of(args, "cart_bm", t_end, initial)
    out = check_output_path(args.out)
    run = Model().run(parameters, initial, t_end, points, doses)
    write_table(run.trajectory, out)
    print(f"wrote {out} ({len(run.trajectory)} points over {t_end:g} days)")
    for line in run.summary.lines():
        print(line)
    if doses and run.summary.fold_expansion is not None:
        print(f"fold expansion: {run.summary.fold_expansion:.4g} (log10 of the peak over the "
              f"{run.summary.car_t_dose:.4g} CAR T cells given up to it)")
    return 0
