"""Plausible ranges of every parameter for analyses (sensitivity, sweeps), each with its
source or marked as pycart's choice: the one definition docs/sensitivity.md's table is generated
from (:func:`markdown`) and checked against.

The paper (Martinez-Rubio et al. 2021) gives ranges only for the product's attributes
(Table 1: alpha, h, rho_C) and spans of initial states (Figure 4); every other parameter has
one value in Table 1 or in the extended model, and its range here is a choice: that value
divided and multiplied by :data:`CHOICE_FACTOR`, log-uniform.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.names import PARAMETERS
from ..experiments.values import (
    ALPHA_RANGE,
    FIG4_DOSE,
    H_RANGE,
    HIGH_DOSE,
    L0_RANGE,
    RHOA_RANGE,
    STANDARD_DOSE,
)

#: A choice around a single value: from value / 2 to value * 2 (a factor 4 in all, two
#: doublings: wide enough to rank a parameter, narrow enough to stay near the value the
#: paper or the extended model's sources give).
CHOICE_FACTOR = 2.0

_CHOICE = f"pycart's choice: the model's value ÷ and × {CHOICE_FACTOR:g}"


@dataclass(frozen=True)
class PlausibleRange:
    """A factor's range for analyses: ``lo``-``hi`` on ``scale`` ("log" or "linear"), and
    where it comes from (``choice``: pycart's, not a source's)."""

    lo: float
    hi: float
    scale: str
    source: str
    choice: bool = False

    def option(self, name: str) -> str:
        """The range as a ``--range`` value, e.g. ``alpha=3e-11:3e-09``."""
        tail = ":linear" if self.scale == "linear" else ""
        return f"{name}={self.lo:g}:{self.hi:g}{tail}"


def _around(value: float, note: str = "") -> PlausibleRange:
    source = f"{_CHOICE} ({note})" if note else _CHOICE
    return PlausibleRange(value / CHOICE_FACTOR, value * CHOICE_FACTOR, "log", source, True)


_TABLE1 = "Table 1 of Martinez-Rubio et al. (2021)"
_SECOND = "as the first product's (Table 1)"

#: Every parameter (and the initial amounts analyses vary) that a range suits.
RANGES: dict[str, PlausibleRange] = {
    "alpha": PlausibleRange(*ALPHA_RANGE, "log", _TABLE1),
    "h": PlausibleRange(*H_RANGE, "log", _TABLE1),
    "rhoA": PlausibleRange(*RHOA_RANGE, "linear", f"{_TABLE1} (ρ_C), as in Figure 6"),
    "tauA": _around(6.5, "Table 1 gives 6.5 days and no range; a fit to Stein et al. 2019 "
                         "gives 8.1-10.6 days, docs/calibration.md"),
    "rho0": _around(0.0866433975699932, "ln 2 / 8 days"),
    "rho1": _around(0.693147180559945, "ln 2 / 1 day"),
    "rho2": _around(0.462098120373297, "ln 2 / 1.5 days"),
    "gamma0": _around(0.02),
    "gamma1": _around(0.168),
    "gamma2": _around(0.144),
    "gamma3": _around(0.288),
    "k": _around(1e-10),
    "rhoL": _around(0.693147180559945, "Table 1's rho1"),
    "Lmax": _around(1e12),
    "gammaL": _around(0.000288, "0.001 gamma3"),
    "gammaAM": _around(0.001),
    "gammaMA": _around(0.33),
    "tauM": _around(300.0),
    "alpha2": PlausibleRange(*ALPHA_RANGE, "log", _SECOND),
    "h2": PlausibleRange(*H_RANGE, "log", _SECOND),
    "rhoA2": PlausibleRange(*RHOA_RANGE, "linear", _SECOND),
    "init_L": PlausibleRange(*L0_RANGE, "log", "the paper's tumour burdens (Figure 4)"),
    "init_CA": PlausibleRange(min(FIG4_DOSE), max(FIG4_DOSE), "log",
                              "the paper's CAR T doses (Figure 4)"),
    "reinf_dose": PlausibleRange(STANDARD_DOSE, HIGH_DOSE, "log",
                                 "the paper's reinfusion doses (Figure 8)"),
    "relapse_dose": PlausibleRange(STANDARD_DOSE, HIGH_DOSE, "log",
                                   "the paper's reinfusion doses (Figure 8)"),
    "reinf_dose2": PlausibleRange(STANDARD_DOSE, HIGH_DOSE, "log",
                                  "the paper's reinfusion doses (Figure 8)"),
    "relapse_dose2": PlausibleRange(STANDARD_DOSE, HIGH_DOSE, "log",
                                    "the paper's reinfusion doses (Figure 8)"),
    "eA": _around(1e-4, "Leon-Triana et al. 2021's form"),
    "gC": _around(2e9, "Leon-Triana et al. 2021"),
    "kE": _around(1.0),
    "XE": _around(34.7),
    "nE": _around(8.0),
    "tauX": _around(180.0),
    "tauE": _around(20.0),
    "muL": _around(1e-15),
    "rhoLn": _around(0.123),
}

_PROTOCOL = "a protocol setting (0 = off), not a factor: fix it with --set"

#: The parameters no range suits, and why.
NOT_FACTORS: dict[str, str] = {
    **{name: "a switch (0 or 1), not a factor: compare its settings with --set NAME=0 and "
             "--set NAME=1" for name, spec in PARAMETERS.items() if spec.switch},
    **{name: _PROTOCOL for name in ("reinf_day", "relapse_threshold", "relapse_fallback_day",
                                    "binf_threshold", "binf_dose", "binf_fallback_day",
                                    "reinf_day2")},
}


def markdown() -> str:
    """docs/sensitivity.md's table: every parameter, its ``--range``, its source (or why it is not
    a factor), in :data:`PARAMETERS` order, then the initial amounts."""
    lines = ["| parameter | plausible range (`--range`) | source |", "|---|---|---|"]
    for name in [*PARAMETERS, *(n for n in RANGES if n not in PARAMETERS)]:
        if name in RANGES:
            found = RANGES[name]
            source = f"**{found.source}**" if found.choice else found.source
            lines.append(f"| `{name}` | `{found.option(name)}` | {source} |")
        else:
            lines.append(f"| `{name}` | none | {NOT_FACTORS[name]} |")
    return "\n".join(lines) + "\n"
