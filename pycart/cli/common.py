"""What every command shares: exit codes, one-line parser errors, NAME=VALUE options."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
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


def numbers(values: dict[str, str]) -> dict[str, float]:
    out = {}
    for name, value in values.items():
        try:
            out[name] = float(value)
        except ValueError:
            raise PycartError(f"{name}: {value!r} is not a number") from None
    return out
