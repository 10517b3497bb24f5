"""Virtual cohorts: the paper's designs as sweeps (their statistics: pycart.analysis.summary)."""

from __future__ import annotations

from ..core.errors import PycartError
from ..scale.sweep import Dimension, Sweep
from .values import (
    ALPHA_RANGE,
    FIG6_FIXED,
    FIG7_ALPHA,
    FIG7_H_CAPTION,
    FIG7_H_TEXT,
    H_RANGE,
    RHOA_RANGE,
)

#: Figure 7's design (10 rho_A linear x 20 alpha log x 20 h log) and Figure 6's heatmaps
#: (200 x 200, the third attribute fixed). fig7 takes h over the text's 5e8-5e10,
#: fig7-caption over the caption's 5e9-5e11.
_AXES = {"alpha": Dimension("alpha", *ALPHA_RANGE, 200), "h": Dimension("h", *H_RANGE, 200),
         "rhoA": Dimension("rhoA", *RHOA_RANGE, 200, "linear")}
PRESETS: dict[str, Sweep] = {
    "fig7": Sweep((Dimension("rhoA", *RHOA_RANGE, 10, "linear"),
                   Dimension("alpha", *FIG7_ALPHA, 20), Dimension("h", *FIG7_H_TEXT, 20))),
    "fig7-caption": Sweep((Dimension("rhoA", *RHOA_RANGE, 10, "linear"),
                           Dimension("alpha", *FIG7_ALPHA, 20),
                           Dimension("h", *FIG7_H_CAPTION, 20))),
    **{f"fig6-{pair}": Sweep(tuple(_AXES[a] for a in pair.split("-")),
                             parameters=FIG6_FIXED[pair], peak=False)
       for pair in FIG6_FIXED},
}


def preset(name: str) -> Sweep:
    """A cohort design by name; :class:`PycartError` lists the names otherwise."""
    if name not in PRESETS:
        raise PycartError(f"unknown preset {name!r} (allowed: {', '.join(PRESETS)})")
    return PRESETS[name]
