"""Dose regimens (issue 20): named scenarios that compare dose schedules of one patient.

A regimen is a dose schedule (:mod:`pycart.core.schedule`) on a run; its metrics compare
across regimens because the fold expansion is taken against the CAR T dose given up to the
peak (:data:`pycart.core.columns.FOLD_EXPANSION`).
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.schedule import Dose
from .scenario import Panel, RunSpec, Scenario
from .values import FIG3

#: The fractionated regimen: three fractions of 1e7 CAR T cells on days 0, 2 and 7, the
#: split-dose scheme of adult B-ALL trials (10%, 30%, 60% there; equal fractions here, so
#: the total, 3e7, is the single dose it is compared with).
FRACTION_CELLS = 1e7
FRACTION_DAYS: tuple[float, ...] = (0.0, 2.0, 7.0)
SINGLE_DOSE = FRACTION_CELLS * len(FRACTION_DAYS)


def fractionated() -> Scenario:
    """Figure 3's patient with its CAR T dose given at once or in three fractions."""
    runs = (RunSpec("one-dose", FIG3, doses=(Dose(0.0, SINGLE_DOSE),)),
            RunSpec("three-fractions", FIG3,
                    doses=tuple(Dose(day, FRACTION_CELLS) for day in FRACTION_DAYS)))
    return Scenario(
        "fractionated", "CAR T in three fractions against one dose",
        "Figure 3's patient (alpha = 3e-10, h = 1e9) given 3e7 CAR T cells on day 0, or the "
        "same cells as three fractions of 1e7 on days 0, 2 and 7 (red lines: the doses). "
        "Fold expansion is log10 of the peak over the CAR T cells given up to it.",
        runs=runs,
        panels=(Panel("A: marrow and CAR T, both regimens", runs=("one-dose", "three-fractions"),
                      series=("B+", "L", "C"), t_max=60.0),
                Panel("B: one dose of 3e7", kind="expansion", runs=("one-dose",), t_max=60.0),
                Panel("C: three fractions of 1e7", kind="expansion", runs=("three-fractions",),
                      t_max=60.0)),
        layout=(1, 3),
        choices=("Fractions: pycart.experiments.regimens.FRACTION_CELLS on FRACTION_DAYS (the "
                 "issue's example; equal fractions so both regimens give 3e7 cells).",))


#: The regimen scenarios, by name.
REGIMEN_SCENARIOS: dict[str, Callable[[], Scenario]] = {"fractionated": fractionated}
