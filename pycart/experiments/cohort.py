"""Virtual cohorts: the paper's designs as sweeps (their statistics: pycart.analysis.summary).

Each preset is a grid of the paper's scenarios compiled by :meth:`Grid.sweep
<pycart.experiments.scenario.Grid.sweep>`, so a cohort, the scenario's grid and the
reproduction report compute the same points the same way: one horizon, one answer.
"""

from __future__ import annotations

from ..core.errors import PycartError
from ..scale.sweep import Sweep
from .paper import fig6, fig7


def presets() -> dict[str, Sweep]:
    """The cohort designs by name: Figure 7's 4000 patients (10 rho_A linear x 20 alpha log x
    20 h log, over 60 days) with h over the text's 5e8-5e10 (``fig7``) or the caption's
    5e9-5e11 (``fig7-caption``), and Figure 6's heatmaps (200 x 200, the third attribute
    fixed; ``fig6-alpha-h``, ``fig6-alpha-rhoA``, ``fig6-h-rhoA``)."""
    grids = {g.name: g for g in fig7().grids}
    return {"fig7": grids["text"].sweep(), "fig7-caption": grids["caption"].sweep(),
            **{f"fig6-{g.name}": g.sweep() for g in fig6().grids}}


#: The presets, built once at import (sweeps are frozen).
PRESETS: dict[str, Sweep] = presets()


def preset(name: str) -> Sweep:
    """A cohort design by name; :class:`PycartError` lists the names otherwise."""
    if name not in PRESETS:
        raise PycartError(f"unknown preset {name!r} (allowed: {', '.join(PRESETS)})")
    return PRESETS[name]
