"""``pycart reproduce``: the reproduction report."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import PycartError
from .common import add_figure_options, figure_options


def register(sub) -> None:
    """Add this module's commands to the subparsers ``sub``."""
    repro = sub.add_parser(
        "reproduce", help="every claim of the paper beside what the model gives",
        description="Run every experiment and write the reproduction report (Markdown, and "
                    "HTML with the figures inline) with its figures into --out.")
    repro.add_argument("--out", default="docs", metavar="DIR", help="output folder (default docs)")
    repro.add_argument("--full", action="store_true",
                       help="Figure S3 at the paper's 200 x 200 (longer than the default run)")
    repro.add_argument("--workers", metavar="N", help="worker processes (default: all cores)")
    add_figure_options(repro, default_dpi=90, formats_help=(
        "also write every figure in this format beside its PNG (default png only; the report "
        "shows the PNGs)"))
    repro.set_defaults(func=_reproduce)


def _reproduce(args: argparse.Namespace) -> int:
    from ..core.inputs import check_count
    from ..report.reproduce import reproduce
    from ..scale.sweep import check_workers

    workers = None if args.workers is None else check_workers(
        check_count(args.workers, "--workers", 1))
    kind, dpi = figure_options(args)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise PycartError(f"output {str(out)!r} is a file (allowed: a folder)")
    reproduce(out, args.full, workers, say=lambda text: print(text, flush=True),
              figure_format=kind, dpi=dpi)
    return 0
