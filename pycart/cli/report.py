"""``pycart reproduce``: the reproduction report; ``pycart compatibility``: which simulators
reproduce which archives."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import PycartError
from ..core.files import write_text_atomically
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
    register_compatibility(sub)


def _reproduce(args: argparse.Namespace) -> int:
    from ..core.inputs import check_count
    from ..report.reproduce import reproduce
    from ..scale.engines import check_workers

    workers = None if args.workers is None else check_workers(
        check_count(args.workers, "--workers", 1))
    kind, dpi = figure_options(args)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise PycartError(f"output {str(out)!r} is a file (allowed: a folder)")
    reproduce(out, args.full, workers, say=lambda text: print(text, flush=True),
              figure_format=kind, dpi=dpi)
    return 0


def register_compatibility(sub) -> None:
    """``pycart compatibility``: the simulators x archives table."""
    comp = sub.add_parser(
        "compatibility", help="which simulators reproduce which archives and models",
        description="Run every archive of --exports through the BioSimulators runners and "
                    "the SBML models directly through other tools (each in its own "
                    "environment under ~/.cache/pycart-envs, created on first use; COPASI "
                    "in pycart's own), compare with pycart, and write the table (Markdown) "
                    "to --out. With no options: the whole table of docs/compatibility.md.")
    comp.add_argument("--exports", default="exports", metavar="DIR",
                      help="folder of archives (default exports; its copasi/ too)")
    comp.add_argument("--out", default="docs/compatibility.md", metavar="FILE",
                      help="the table (default docs/compatibility.md)")
    comp.add_argument("--runners", default="tellurium,copasi", metavar="LIST",
                      help="BioSimulators runners: tellurium, copasi, amici, or none "
                           "(default tellurium,copasi)")
    comp.add_argument("--direct", default="tellurium,copasi,pysces,amici", metavar="LIST",
                      help="tools loading the models directly: tellurium, copasi (in "
                           "pycart's own environment), pysces, amici, or none (default all "
                           "four: with --runners' default, the whole table; AMICI builds "
                           "from source on first use, about 20 minutes)")
    comp.add_argument("--jobs", default="2", metavar="N", help="archives at once: 1 or 2")
    comp.set_defaults(func=_compatibility)


def _tools(text: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    if text.strip() == "none":
        return ()
    tools = tuple(t.strip() for t in text.split(",") if t.strip())
    bad = [t for t in tools if t not in allowed]
    if bad or not tools or len(set(tools)) < len(tools):  # a tool twice: its rows twice
        raise PycartError(f"{what} {text!r} (allowed: a comma list of "
                          f"{', '.join(allowed)}, each once, or none)")
    return tools


def _compatibility(args: argparse.Namespace) -> int:
    import sys

    from ..report.compatibility import (
        DIRECT_TOOLS,
        archive_rows,
        direct_rows,
        joined,
        markdown,
        schedule_archive_rows,
        schedule_direct_rows,
    )

    runners = _tools(args.runners, ("tellurium", "copasi", "amici"), "--runners")
    direct = _tools(args.direct, DIRECT_TOOLS, "--direct")
    if args.jobs not in ("1", "2"):
        raise PycartError(f"--jobs {args.jobs!r} (allowed: 1 or 2; the machine is shared)")
    folder, out = Path(args.exports), Path(args.out)
    if not folder.is_dir() or not any(folder.glob("*.omex")):
        raise PycartError(f"--exports {str(folder)!r} holds no .omex archive")
    if out.is_dir():
        raise PycartError(f"--out {str(out)!r} is a folder (allowed: a file)")
    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    archives = joined(archive_rows(folder, runners, int(args.jobs), say),
                      schedule_archive_rows(runners, int(args.jobs), say))
    models = joined(direct_rows(direct, say, int(args.jobs)), schedule_direct_rows(direct, say))
    command = "pycart compatibility " + " ".join(
        f"--{k} {v}" for k, v in (("runners", args.runners), ("direct", args.direct)))
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(out, markdown(archives, models, command))
    print(f"wrote {out}")
    return 0
