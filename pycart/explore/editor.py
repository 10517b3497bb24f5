"""The dose schedule editor's part of the server: how many rows are in use, adding and
removing a row, a preset's schedule, the species each row offers for the chosen model, and
the rows' values for the form (:func:`pycart.explore.doses.read_page` reads them).

Rows the server fills (add, remove, a preset) are read as the server set them until the page
sends the same values back, so the form never sees a row half-updated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.errors import PycartError
from ..core.inputs import parse_number
from ..core.schedule import MAX_DOSES, check_schedule
from .doses import WHOLE, new_row, row_keys, species_choices


class Editor:
    """One session's editor: ``count`` rows in use (a reactive value), ``pending`` values
    the server set and the page has not yet sent back."""

    def __init__(self, input: Any, session: Any) -> None:
        from shiny import reactive

        self.input, self.session = input, session
        self.count = reactive.value(0)
        self.pending: dict[str, str] = {}

    def value(self, key: str) -> str:
        """An input of a row as the form reads it (the server's value while it is pending)."""
        sent = str(self.input[key]())
        if key in self.pending and self.pending[key] != sent:
            return self.pending[key]
        self.pending.pop(key, None)
        return sent

    def values(self) -> dict[str, object]:
        """The rows in use, by input id, and ``dose_count``."""
        n = self.count()
        out: dict[str, object] = {"dose_count": n}
        for k in range(n):
            for key in row_keys(k):
                out[key] = self.value(key)
        return out

    def rows(self) -> list[dict[str, str]]:
        """The rows in use as (day, cells, species) text, as the form reads them."""
        from shiny import reactive

        with reactive.isolate():
            return [dict(zip(("day", "cells", "species"), map(self.value, row_keys(k)),
                             strict=True)) for k in range(self.count())]

    def fill(self, rows: Sequence[Mapping[str, str]], model: str) -> None:
        """Put ``rows`` in the editor (the rows after them unused)."""
        from shiny import ui

        for k, row in enumerate(rows):
            day, cells, species = row_keys(k)
            for key, value in ((day, row["day"]), (cells, row["cells"])):
                self.pending[key] = value
                ui.update_text(key, value=value)
            self.pending[species] = row["species"]
            ui.update_select(species, choices=species_choices(model, row["species"]),
                             selected=row["species"])
        self.count.set(len(rows))

    async def add(self, t_end: float, model: str) -> None:
        """Append a row (:func:`~pycart.explore.doses.new_row`), or say why not."""
        rows = self.rows()
        if len(rows) >= MAX_DOSES:
            try:  # check_schedule's own words for one dose too many
                check_schedule([(0.0, 1.0)] * (MAX_DOSES + 1), model, t_end)
            except PycartError as exc:
                await self.session.send_custom_message("pycart-errors", {WHOLE: str(exc)})
            return
        self.fill([*rows, new_row(rows, t_end)], model)

    def remove(self, k: int, model: str) -> None:
        """Remove row ``k``: the rows after it move up."""
        rows = self.rows()
        if k < len(rows):
            self.fill(rows[:k] + rows[k + 1:], model)

    def offer(self, model: str) -> None:
        """Each row's species for ``model`` (a row's species the model lacks stays, marked)."""
        from shiny import ui

        for k, row in enumerate(self.rows()):
            key = row_keys(k)[2]
            ui.update_select(key, choices=species_choices(model, row["species"]),
                             selected=row["species"])


def wire(editor: Editor, input: Any, session: Any) -> None:
    """The editor's effects: add, remove, the species on a change of model, the rows shown."""
    from shiny import reactive

    @reactive.effect
    @reactive.event(input.dose_add, ignore_init=True)
    async def _add() -> None:
        try:  # a new row's day stays within the horizon (0 while the horizon is bad)
            t_end = max(0.0, parse_number(str(input.t_end())))
        except ValueError:
            t_end = 0.0
        await editor.add(t_end, str(input.model()))

    for k in range(MAX_DOSES):
        def remover(k: int = k) -> None:
            @reactive.effect
            @reactive.event(input[f"dose_remove_{k}"], ignore_init=True)
            def _remove() -> None:
                editor.remove(k, str(input.model()))
        remover()

    @reactive.effect
    @reactive.event(input.model, ignore_init=True)
    def _offer() -> None:
        editor.offer(str(input.model()))

    @reactive.effect
    async def _show() -> None:
        await session.send_custom_message("pycart-doses", {"count": editor.count()})
