"""``pycart scenarios`` and ``pycart run``: the paper's experiments and users' TOML files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core import columns as col
from ..core.errors import PycartError
from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    add_figure_options,
    figure_options,
    terminate_as_interrupt,
)
from .sweeps import engine_for, engine_options


def register(sub) -> None:
    """Add this module's commands to the subparsers ``sub``."""
    sub.add_parser("scenarios", help="list the paper's scenarios",
                   description="List the named scenarios of the paper (Figures 2-8, S1-S4)."
                   ).set_defaults(func=_scenarios)
    run = sub.add_parser(
        "run", help="run a scenario: trajectories, metrics and figure",
        description="Run one of the paper's scenarios by name (see 'pycart scenarios') or a "
                    "scenario file (.toml), and write every trajectory as CSV, the metrics "
                    "(metrics.csv), grid tables (grid_*.csv) and the figure (NAME.png, .svg "
                    "or .pdf).")
    run.add_argument("scenario", metavar="NAME|FILE", help="a scenario name or a .toml file")
    run.add_argument("--out", metavar="DIR", help="output folder (default: ./NAME)")
    run.add_argument("--resolution", metavar="N",
                     help="at most N values per grid axis: caps each axis of the scenario's "
                          "grids (fig6 has 200) at N, for a quicker, coarser run; never "
                          "refines a grid (an axis with fewer values keeps them); runs are "
                          "not affected (default: the scenario's own grids)")
    add_figure_options(run)
    engine_options(run, points=False)
    run.set_defaults(func=_run)
    show = sub.add_parser(
        "show", help="print a scenario's runs with every value they use, or as a TOML file",
        description="Print every run of a scenario (one of the paper's, by name, or a .toml "
                    "file) with its model, the parameters it sets and its initial amounts "
                    "(cells), then its grids (axes and the values held fixed) and the choices "
                    "it makes where the paper gives no number. With --toml, print the scenario "
                    "as a scenario file instead: save it, edit it, 'pycart run' it.")
    show.add_argument("scenario", metavar="NAME|FILE", help="a scenario name or a .toml file")
    show.add_argument("--toml", action="store_true", help="print it as a TOML scenario file")
    show.add_argument("--all", action="store_true", dest="every",
                      help="list every parameter of the model, not only those the runs set")
    show.set_defaults(func=_show)


def _scenarios(args: argparse.Namespace) -> int:
    from ..experiments.paper import SCENARIOS

    for name, make in SCENARIOS.items():
        scenario = make()
        size = len(scenario.runs) + sum(len(g.points()) for g in scenario.grids)
        print(f"{name:7s} {scenario.title} ({size} simulations)")
    return 0


def _show(args: argparse.Namespace) -> int:
    from ..experiments.describe import describe, to_toml
    from .common import scenario_of

    scenario = scenario_of(args.scenario)
    if args.toml and args.every:
        raise PycartError("--all lists values in the table; --toml writes the values the runs "
                          "set (give one of them)")
    print(to_toml(scenario) if args.toml else describe(scenario, args.every), end="\n"
          if not args.toml else "")
    return 0


def _run(args: argparse.Namespace) -> int:
    from ..core.inputs import check_resolution
    from ..experiments.paper import paper_scenario
    from ..experiments.results import write_result
    from ..experiments.scenario import Interrupted, file_name, progress_printer, run_scenario
    from ..experiments.userfile import load_scenario
    from ..scale.sweep import CHUNK_SIZE

    source = args.scenario
    scenario = (load_scenario(source) if source.endswith(".toml") else paper_scenario(source))
    resolution = None if args.resolution is None else check_resolution(args.resolution)
    kind, dpi = figure_options(args)
    scenario.validate()
    out = Path(args.out or file_name(scenario.name))  # a name is a label, never a path
    _check_folder(out)
    if args.engine is None and args.workers is None and args.scheduler is None and \
            max((g.sweep(resolution).size for g in scenario.grids), default=0) <= CHUNK_SIZE:
        args.engine = "serial"  # one chunk a grid: worker processes would only cost time
    try:
        with terminate_as_interrupt(), engine_for(args) as engine:
            result = run_scenario(scenario, resolution, progress=progress_printer(scenario.name),
                                  engine=engine, folder=out)
    except Interrupted as stop:
        written = write_result(stop.result, out, kind, dpi)
        sys.stderr.write(f"\npycart run: interrupted; kept what was computed: {stop.done} of "
                         f"{stop.total} simulations in {len(written)} files in {out} (run "
                         "it again with the same --out to resume the grid it was on)\n")
        return EXIT_INTERRUPTED
    written = write_result(result, out, kind, dpi)
    print(f"{scenario.name}: wrote {len(written)} files to {out}")
    for line in result.failures:
        sys.stderr.write(f"pycart run: {line}\n")
    if result.runs or result.failed:
        table = result.metrics().reindex(columns=[
            "run", col.L30, col.RESPONDER, col.T_PEAK, col.FOLD_EXPANSION, col.RELAPSE_DAY,
            col.L_END, *([col.STATUS] if result.failed else [])])
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    for name, grid in result.grids.items():
        if col.RESPONDER in grid:
            print(f"grid {name}: {len(grid)} points, "
                  f"responders {100 * grid[col.RESPONDER].mean():.1f}%")
    _outcomes(result, out)
    if result.failures:
        sys.stderr.write("pycart run: the figure is not drawn while a run or grid point "
                         "fails; the tables mark the failures (status, message)\n")
        return EXIT_FAILED
    return 0


def _check_folder(out: Path) -> None:
    """The output folder exists or can be made, and takes files: checked before any work."""
    import tempfile

    if out.exists() and not out.is_dir():
        raise PycartError(f"output {str(out)!r} is a file (allowed: a folder)")
    if not out.exists() and not out.parent.is_dir():
        raise PycartError(f"output {str(out)!r}: {str(out.parent)!r} is not an existing folder")
    made = not out.exists()
    try:
        out.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".pycart.", suffix=".probe"):
            pass
    except OSError as exc:
        if made and out.is_dir():
            out.rmdir()
        raise PycartError(f"output {str(out)!r} is not writable ({exc.strerror})") from None


def _outcomes(result, out: Path) -> None:
    """For cohorts followed past day 90 with a CD19-negative clone in the model (the
    scenarios beyond the paper): the clinical outcomes of each grid, printed and written to
    outcomes.csv."""
    import pandas as pd

    from ..analysis.outcomes import cohort_outcomes
    from ..core.output import write_table

    rows = []
    for name, grid in result.grids.items():
        if col.CD19NEG_SHARE in grid and len(grid):
            rows.append({"grid": name, **cohort_outcomes(grid).as_dict()})
    if not rows:
        return
    table = pd.DataFrame(rows)
    write_table(table, out / "outcomes.csv")
    pct = lambda v: "n/a" if v is None or v != v else f"{100 * v:.0f}%"  # noqa: E731
    for row in rows:
        print(f"outcomes {row['grid']}: responders {pct(row['responder_share'])}, relapsing "
              f"by day 365 {pct(row['relapse_by_12m_share'])} (after day 90: "
              f"{pct(row['late_relapse_share'])}), CD19-negative relapses "
              f"{pct(row['cd19neg_share_of_relapses'])}, Cmax R/NR "
              f"{row['cmax_ratio_R_NR'] or float('nan'):.2f}")
