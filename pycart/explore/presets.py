"""Presets: every single patient of the paper's scenarios (Figures 2-8, S1, S2, S4) and of
the scenarios beyond the paper, as values of the explorer's form."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import MappingProxyType

from ..experiments.paper import SCENARIOS
from .fields import defaults, text

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

    def form(self) -> dict[str, str | bool]:
        """The form's inputs for this preset: the model's defaults with the run's values over
        them, numbers as text and switches as true/false."""
        from .fields import all_fields

        switches = {f.key for f in all_fields() if f.switch}
        return {key: (bool(v) if key in switches else text(v)) for key, v in self.values.items()}


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
            out[key] = Preset(key, name, scenario.title, run.label, run.model, values)
    return MappingProxyType(out)


def choices() -> dict[str, dict[str, str]]:
    """The presets for a grouped select: {scenario heading: {key: run label}}."""
    groups: dict[str, dict[str, str]] = {}
    for preset in presets().values():
        groups.setdefault(f"{preset.scenario}: {preset.title}", {})[preset.key] = preset.label
    return groups
