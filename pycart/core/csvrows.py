"""Reading CSV files row by row, refusing a ragged row: pandas would shift a row with one
field too many into an index (every value of the table then lands in the wrong column) and
fill a short row with missing values, without a word."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from .errors import PycartError


def checked_rows(handle: Iterable[str], where: str, skipinitialspace: bool = False
                 ) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header of the CSV text ``handle`` (empty if there is none) and its rows with the
    line each ends on, blank lines left out. A row with more or fewer fields than the header
    raises :class:`PycartError` naming ``where`` and the line."""
    reader = csv.reader(handle, skipinitialspace=skipinitialspace)
    header = next(reader, None) or []

    def rows() -> Iterator[tuple[int, list[str]]]:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # a blank line
            if len(row) != len(header):
                raise PycartError(
                    f"{where}: line {reader.line_num} has {len(row)} fields but the header "
                    f"has {len(header)} (allowed: one field per column: "
                    f"{','.join(h.strip() for h in header)})")
            yield reader.line_num, row

    return header, rows()
