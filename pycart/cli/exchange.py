"""``pycart export``, ``validate``, ``copasi`` and ``build``: the model in the field's formats."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import PycartError
from .common import EXIT_FAILED


def register(sub) -> None:
    """Add this module's commands to the subparsers ``sub``."""
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
    from ..exchange.export import export

    for path in export(args.out):
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
    from ..exchange.copasi import write_copasi_files

    if not Path(args.archive).is_file():
        raise PycartError(f"{args.archive}: no such archive (allowed: a .omex file)")
    for path in write_copasi_files(args.archive, args.out, args.plot):
        print(f"wrote {path}")
    return 0


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
