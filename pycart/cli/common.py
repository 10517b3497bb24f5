"""What every command shares: exit codes, one-line parser errors, NAME=VALUE options, the
figure options (--format, --dpi)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import NoReturn

from ..core.errors import PycartError

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, not a usage block."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        sys.exit(EXIT_USAGE)


def assignments(items: Sequence[str] | None, option: str) -> dict[str, str]:
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


def add_dose_option(parser: argparse.ArgumentParser, what: str = "the run") -> None:
    """Add ``--dose DAY:CELLS[:SPECIES]`` (repeatable) to a command; read it back with
    :func:`doses_of`."""
    parser.add_argument("--dose", action="append", metavar="DAY:CELLS[:SPECIES]",
                        dest="doses", default=[],
                        help=f"a dose of {what}'s schedule (repeatable): cells of SPECIES "
                             "(CA, the default; CA2; B3; L; Ln) on DAY, e.g. --dose 0:1e7 "
                             "--dose 2:1e7 --dose 21:5e6:B3; a day-0 dose of a CAR T product "
                             "is its initial amount")


def doses_of(args: argparse.Namespace, model: str, t_end: float,
             initial: Mapping[str, float]) -> tuple:
    """The checked schedule of ``--dose`` for ``model`` over ``t_end`` days, with the
    initial amounts the user set (a product set and dosed on day 0 is refused): one line,
    before any work."""
    from ..core.schedule import check_schedule, initial_amounts

    schedule = check_schedule(args.doses, model, t_end)
    initial_amounts(schedule, {}, explicit=initial)
    return schedule


def numbers(values: dict[str, str]) -> dict[str, float]:
    from ..core.inputs import parse_number

    out = {}
    for name, value in values.items():
        try:
            out[name] = parse_number(value)
        except ValueError:
            raise PycartError(f"{name}: {value!r} is not a number") from None
    return out


def add_figure_options(parser: argparse.ArgumentParser, default_dpi: int | None = None,
                       formats_help: str = "") -> None:
    """Add ``--format png|svg|pdf`` and ``--dpi N`` to a command that draws; read them back
    with :func:`figure_options`."""
    from ..experiments.labels import DEFAULT_DPI, DPI_RANGE, FIGURE_FORMATS

    dpi = default_dpi or DEFAULT_DPI
    parser.add_argument("--format", dest="figure_format", choices=FIGURE_FORMATS,
                        default="png", help=formats_help or "figure file format (default png; "
                                                            "svg and pdf are vector graphics)")
    parser.add_argument("--dpi", dest="figure_dpi", default=str(dpi), metavar="N",
                        help=f"figure resolution in dots per inch (default {dpi}; "
                             f"{DPI_RANGE[0]} to {DPI_RANGE[1]})")


def figure_options(args: argparse.Namespace) -> tuple[str, int]:
    """The checked ``(format, dpi)`` of a command with :func:`add_figure_options`;
    :class:`PycartError` on a bad ``--dpi``."""
    from ..experiments.labels import DPI_RANGE

    lo, hi = DPI_RANGE
    try:
        dpi = int(args.figure_dpi)
    except ValueError:
        raise PycartError(f"--dpi {args.figure_dpi!r} is not a whole number "
                          f"(allowed: {lo} to {hi})") from None
    if not lo <= dpi <= hi:
        raise PycartError(f"--dpi {dpi} is out of range (allowed: {lo} to {hi})")
    return args.figure_format, dpi


def scenario_of(source: str):
    """The scenario a command names: a ``.toml`` file or one of the paper's names."""
    from ..experiments.paper import paper_scenario
    from ..experiments.userfile import load_scenario

    return load_scenario(source) if source.endswith(".toml") else paper_scenario(source)


def _interrupt(signum, frame) -> NoReturn:
    raise KeyboardInterrupt


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP (a ``kill``, a closed terminal, a batch system's
    time limit) end the work like Ctrl-C: finished work is kept, workers are stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kinds = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    before = {k: signal.signal(k, _interrupt) for k in kinds}
    try:
        yield
    finally:
        for kind, handler in before.items():
            signal.signal(kind, handler)
