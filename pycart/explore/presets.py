"""Presets: every single patient of the paper's scenarios (Figures 2-8, S1, S2, S4), of the
scenarios beyond the paper and of the example dose schedules (``fractionated``), as values
of the explorer's form and rows of its dose schedule editor."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import MappingProxyType

from ..core.schedule import Dose
from ..experiments.paper import SCENARIOS
from .doses import dosed_products, rows_of
from .fields import OPTIONAL, defaults, text

#: The preset the page opens with: Figure 3, the paper's case of disease control.
FIRST = "fig3/fig3"
#: The model that has every input of the page (both products, both modules).
EVERY_INPUT = "cart_bm2_ext"


@dataclass(frozen=True)
class Preset:
    """One run of a named scenario: ``key`` is ``scenario/label``."""

    key: str
    scenario: str
    title: str
    label: str
    model: str
    values: dict[str, float]
    doses: tuple[Dose, ...] = ()

    def form(self) -> dict[str, str | bool]:
        """The form's inputs for this preset: the model's defaults with the run's values over
        them, numbers as text and switches as true/false; an optional input the run leaves
        to its dose schedule (C_A(0) of a schedule dosing CA) empty."""
        from .fields import all_fields

        switches = {f.key for f in all_fields() if f.switch}
        return {key: ("" if key in self.unset() else bool(v) if key in switches else text(v))
                for key, v in self.values.items()}

    def unset(self) -> set[str]:
        """The optional inputs the run does not set: its schedule decides them."""
        return {f"i_{s}" for s in dosed_products(self.doses)} & OPTIONAL

    def rows(self) -> list[dict[str, str]]:
        """The dose schedule editor's rows for this preset."""
        return rows_of(self.doses)


@functools.lru_cache(maxsize=1)
def presets() -> MappingProxyType:
    """Every preset by key, in the scenarios' order (those with runs; grids are cohorts);
    made once per process, read-only."""
    out = {}
    for name, make in SCENARIOS.items():
        scenario = make()
        for run in scenario.runs:
            # every input, those of other models too: a preset leaves nothing of the last one
            values = defaults(EVERY_INPUT) | defaults(run.model)
            values |= {f"p_{k}": float(v) for k, v in run.parameters.items()}
            values |= {f"i_{k}": float(v) for k, v in run.initial.items() if f"i_{k}" in values}
            values["t_end"] = float(scenario.t_end)
            key = f"{name}/{run.label}"
            out[key] = Preset(key, name, scenario.title, run.label, run.model, values,
                              tuple(run.doses))
    return MappingProxyType(out)


def choices() -> dict[str, dict[str, str]]:
    """The presets for a grouped select: {scenario heading: {key: run label}}."""
    groups: dict[str, dict[str, str]] = {}
    for preset in presets().values():
        groups.setdefault(f"{preset.scenario}: {preset.title}", {})[preset.key] = preset.label
    return groups
