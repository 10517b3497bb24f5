"""``pycart export``, ``validate``, ``copasi`` and ``build``: the model in the field's formats."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import PycartError
from .common import EXIT_FAILED, scenario_of


def register(sub) -> None:
    """Add this module's commands to the subparsers ``sub``."""
    export = sub.add_parser(
        "export", help="write COMBINE archives: the paper's scenarios, or your own",
        description="Without SCENARIO: write exports/<scenario>.omex for every scenario of the "
                    "paper: the SBML, the SED-ML (CVODE with pycart's tolerances, the time "
                    "courses, a repeated task per grid, plots like the paper's panels), OMEX "
                    "metadata, manifest; exports/copasi/<scenario>-<plot>.omex, one plot per "
                    "archive (COPASI opens each complete); exports/biomodels/, a BioModels "
                    "submission. With SCENARIO (a .toml file or a paper scenario's name): "
                    "write that scenario's archive, --out/<name>.omex, and its one-plot "
                    "archives, --out/copasi/<name>-<plot>.omex.")
    export.add_argument("scenario", nargs="?", metavar="SCENARIO",
                        help="a scenario file (.toml) or name (default: every paper scenario)")
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
        "copasi", help="COPASI files of an archive's or a scenario's plots, ready to run",
        description="Import each plot of SOURCE (an archive, or a scenario file or name, "
                    "exported first) with COPASI's own archive import (the plot's task, model "
                    "and plot, as COPASI's import dialog asks), set the time course COPASI "
                    "4.48 does not import for a repeated task, and save a COPASI file per plot "
                    "into --out: open it in COPASI and run its Time-Course or Scan.")
    cps.add_argument("archive", metavar="SOURCE",
                     help="a COMBINE archive (.omex), a scenario file (.toml) or a scenario name")
    cps.add_argument("--plot", action="append", metavar="PLOT",
                     help="only this plot (plot1, plot2, ...; repeatable)")
    cps.add_argument("--out", default="copasi", metavar="DIR",
                     help="output folder (default copasi)")
    cps.set_defaults(func=_copasi)
    build = sub.add_parser(
        "build", help="regenerate the SBML and equations from models/*.ant",
        description="Compile every models/*.ant of a checkout to SBML (models/*.xml) and an "
                    "equations document (models/*.md).")
    build.add_argument("--root", default=".", metavar="DIR",
                       help="the pycart checkout (default: the current folder)")
    build.add_argument("--check", action="store_true",
                       help="write nothing; exit 1 if a derived file is not current")
    build.set_defaults(func=_build)


def _export(args: argparse.Namespace) -> int:
    from ..exchange.export import export, export_scenario

    if args.scenario is None:
        written = export(args.out)
    else:
        written = export_scenario(scenario_of(args.scenario), args.out)
    for path in written:
        print(f"wrote {path}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from ..exchange.validation import check_path

    path = Path(args.path)
    if not path.exists():
        raise PycartError(f"{args.path}: no such file or folder")
    issues = check_path(path)
    for issue in issues:
        print(f"{issue.level}\t{issue.source}\t{issue.message}")
    errors = sum(i.level == "error" for i in issues)
    print(f"{errors} errors, {len(issues) - errors} warnings")
    return EXIT_FAILED if errors else 0


def _copasi(args: argparse.Namespace) -> int:
    import tempfile

    from ..exchange.copasi import write_copasi_files
    from ..exchange.export import export_scenario, file_stem

    source = args.archive
    if source.endswith(".omex"):
        if not Path(source).is_file():
            raise PycartError(f"{source}: no such archive (allowed: a .omex file)")
        written = write_copasi_files(source, args.out, args.plot)
    else:
        scenario = scenario_of(source)
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise PycartError(f"output {str(out)!r} is a file (allowed: a folder)")
        _check_plots(scenario, args.plot)
        with tempfile.TemporaryDirectory(prefix="pycart-copasi-") as tmp:
            export_scenario(scenario, tmp)
            archive = Path(tmp) / f"{file_stem(scenario.name)}.omex"
            written = write_copasi_files(archive, out, args.plot)
    for path in written:
        print(f"wrote {path}")
    return 0


def _check_plots(scenario, plots: list[str] | None) -> None:
    """Refuse a --plot the scenario does not have, before any work."""
    from ..exchange.export import exported_scenario
    from ..exchange.sedml import plot_views, scenario_sedml

    if not plots:
        return
    views = plot_views(scenario_sedml(exported_scenario(scenario)))
    known = sorted({v.plot for v in views}, key=lambda p: (len(p), p))
    unknown = [p for p in plots if p not in known]
    if unknown:
        raise PycartError(f"{scenario.name} has no plot {unknown[0]!r} (allowed: "
                          f"{', '.join(known)})")


def _build(args: argparse.Namespace) -> int:
    from ..exchange.build import build, stale_files

    root = Path(args.root)
    if args.check:
        stale = stale_files(root)
        for path in stale:
            print(f"not current: {path} (run 'pycart build')")
        return EXIT_FAILED if stale else 0
    for path in build(root):
        print(f"wrote {path}")
    return 0
