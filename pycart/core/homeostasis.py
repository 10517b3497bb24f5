"""The homeostatic B-cell state: the steady state of eqs. (1a)-(1d), without leukaemia.

At a steady state with B0 > 0, (1a) forces s_B = gamma0 / rho0; the total B-cell count then
follows from (1f), S = (1/s_B - 1)/k, and (1b)-(1d) give each stage as a multiple of the one
before it. The paper quotes a total of about 3e10 cells (section 2.4); its Figure 3 starts
from roughly 1% of this state.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .errors import PycartError
from .inputs import check_parameters
from .names import B_CELLS
from .resources import default_values


def homeostasis(parameters: Mapping[str, object] | None = None,
                fraction: float = 1.0) -> pd.Series:
    """Homeostatic amounts of B0..B3 (cells), times ``fraction`` (e.g. 0.01 after
    lymphodepletion). Raises :class:`PycartError` where no positive steady state exists."""
    p = default_values()[0] | check_parameters(parameters)
    try:
        fraction = float(fraction)
    except (TypeError, ValueError):
        raise PycartError(f"fraction {fraction!r} is not a number "
                          "(allowed: a number > 0)") from None
    if not fraction > 0 or fraction == float("inf"):
        raise PycartError(f"fraction {fraction!r} is not allowed (allowed: a finite number > 0)")
    if not (p["rho0"] > p["gamma0"] > 0 and p["k"] > 0):
        raise PycartError("no homeostatic B-cell state: it needs rho0 > gamma0 > 0 and k > 0")
    s = p["gamma0"] / p["rho0"]
    net1 = p["gamma1"] - s * p["rho1"]
    net2 = p["gamma2"] - s * p["rho2"]
    if net1 <= 0 or net2 <= 0 or p["gamma3"] <= 0:
        raise PycartError("no homeostatic B-cell state: it needs gamma1 > s*rho1, "
                          "gamma2 > s*rho2 and gamma3 > 0, with s = gamma0/rho0")
    ratios = [1.0, p["gamma0"] / net1, p["gamma1"] / net2, p["gamma2"] / p["gamma3"]]
    shares = [ratios[0]]
    for r in ratios[1:]:
        shares.append(shares[-1] * r)
    total = (1.0 / s - 1.0) / p["k"]
    b0 = total / sum(shares)
    return pd.Series([fraction * b0 * x for x in shares], index=list(B_CELLS), name="amount")
