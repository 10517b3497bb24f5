"""The ``pycart`` command line: one module per group of commands, assembled here.

Bad input gets one line on stderr (what was wrong, what is allowed) and exit status 2; a
solver failure gets one line and status 1; never a traceback, never a partial output file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._version import __version__
from ..core.errors import PycartError, SimulationError
from . import analysis, exchange, explore, fit, report, scenarios, simulate, sweeps, trial
from .common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, Parser

COMMANDS = (simulate, scenarios, sweeps, analysis, trial, fit, exchange, report, explore)


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="pycart", description=(
        "Bone-marrow model of CAR T-cell therapy in B-cell childhood ALL "
        "(Martinez-Rubio et al., Int. J. Mol. Sci. 2021, 22:6371)."))
    parser.add_argument("--version", action="version", version=f"pycart {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    for stream in (sys.stdout, sys.stderr):  # a user's label must not crash an ASCII terminal
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(_joined_doses(sys.argv[1:] if argv is None else argv))
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


def _joined_doses(argv: Sequence[str]) -> list[str]:
    """``--dose VALUE`` as ``--dose=VALUE``: argparse reads a value starting with "-" (a
    negative day, ``-1:1e7``) as an option and would say only "expected one argument";
    joined, the value reaches the schedule's check, which says what is wrong with it."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] == "--dose" and arg.startswith("-") \
                and not arg.startswith("--"):
            out[-1] = f"--dose={arg}"
        else:
            out.append(arg)
    return out


def _quiet_solver_log() -> None:
    """libRoadRunner logs solver errors to stderr; pycart reports them in its own line."""
    import roadrunner

    roadrunner.Logger.setLevel(roadrunner.Logger.LOG_FATAL)


if __name__ == "__main__":
    sys.exit(main())
