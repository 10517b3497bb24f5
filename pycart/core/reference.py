"""An independent solver: equations (2a)-(2h) written again from the paper in numpy and
integrated with scipy's LSODA at tight tolerances. It shares no code with the SBML path
(Antimony, libRoadRunner); the tests and the benchmark check pycart's numbers against it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.integrate import solve_ivp

#: scipy's solve_ivp methods.
Method = Literal["RK23", "RK45", "DOP853", "Radau", "BDF", "LSODA"]

#: Table 1 (with Figure 3's alpha and h), written out again from the paper.
TABLE1 = {
    "rho0": math.log(2) / 8, "rho1": math.log(2) / 1, "rho2": math.log(2) / 1.5,
    "gamma0": 0.02, "gamma1": 0.168, "gamma2": 0.144, "gamma3": 0.288, "k": 1e-10,
    "rhoL": math.log(2) / 1, "Lmax": 1e12, "gammaL": 0.001 * 0.288, "alpha": 3e-10,
    "rhoA": 0.9, "tauA": 6.5, "gammaAM": 0.001, "gammaMA": 0.33, "tauM": 300.0, "h": 1e9,
    "B0_in_F": 0.0, "CA_loss_gammaMA": 0.0,
}
FIG3_INITIAL = {"B0": 1e6, "B1": 3e7, "B2": 2e8, "B3": 9e7, "L": 2e11, "CA": 5e7, "CM": 0.0}
ORDER = ("B0", "B1", "B2", "B3", "L", "CA", "CM")
ORDER2 = (*ORDER, "CA2", "CM2")


def rhs(p: dict[str, float]):
    """Right-hand side of eqs. (2a)-(2g) with the readings (switches select the printed forms).

    With 9 state variables, a second product (CA2, CM2; alpha2, h2, rhoA2) acts on the same
    antigen, as in Figure 8C.
    """

    def product(F: float, ca: float, cm: float, rho: float) -> tuple[float, float]:
        loss = p["gammaMA"] if p["CA_loss_gammaMA"] else p["gammaAM"]
        return (F * (rho * ca + p["gammaMA"] * cm) - ca / p["tauA"] - (1 - F) * loss * ca,
                (1 - F) * p["gammaAM"] * ca - cm / p["tauM"] - F * p["gammaMA"] * cm)

    def f(_t: float, y: np.ndarray) -> np.ndarray:
        b0, b1, b2, b3, L, ca, cm = y[:7]
        ca2, cm2 = y[7:] if len(y) == 9 else (0.0, 0.0)
        s_b = 1.0 / (1.0 + p["k"] * (b0 + b1 + b2 + b3 + L))
        s_l = 1.0 / (1.0 + p["k"] * (b0 + b1 + b2 + b3))
        antigen = b1 + b2 + b3 + L + p["B0_in_F"] * b0
        kill = p["alpha"] * ca + p.get("alpha2", 0.0) * ca2
        dy = [
            s_b * p["rho0"] * b0 - p["gamma0"] * b0,
            s_b * p["rho1"] * b1 + p["gamma0"] * b0 - p["gamma1"] * b1 - kill * b1,
            s_b * p["rho2"] * b2 + p["gamma1"] * b1 - p["gamma2"] * b2 - kill * b2,
            p["gamma2"] * b2 - p["gamma3"] * b3 - kill * b3,
            s_l * p["rhoL"] * L * (1 - L / p["Lmax"]) - p["gammaL"] * L - kill * L,
            *product(antigen / (p["h"] + antigen), ca, cm, p["rhoA"]),
        ]
        if len(y) == 9:
            dy += product(antigen / (p["h2"] + antigen), ca2, cm2, p["rhoA2"])
        return np.array(dy)

    return f


def solve(parameters: dict[str, float] | None = None, initial: dict[str, float] | None = None,
          times: np.ndarray | None = None, method: Method = "LSODA",
          rtol: float = 1e-12) -> np.ndarray:
    """Amounts at ``times`` (rows) for each species of ORDER (columns)."""
    p = TABLE1 | (parameters or {})
    y0 = np.array([(FIG3_INITIAL | (initial or {}))[s] for s in ORDER], dtype=float)
    times = np.asarray(times if times is not None else np.linspace(0, 180, 181), dtype=float)
    sol = solve_ivp(rhs(p), (times[0], times[-1]), y0, method=method, t_eval=times,
                    rtol=rtol, atol=1e-30)
    if not sol.success:
        raise RuntimeError(sol.message)
    return sol.y.T


def peak_total_car_t(parameters: dict[str, float] | None = None,
                     initial: dict[str, float] | None = None,
                     t_end: float = 180.0) -> tuple[float, float]:
    """(peak of CA + CM, its day), located by maximising the dense solution."""
    from scipy.optimize import minimize_scalar

    p = TABLE1 | (parameters or {})
    y0 = np.array([(FIG3_INITIAL | (initial or {}))[s] for s in ORDER], dtype=float)
    sol = solve_ivp(rhs(p), (0.0, t_end), y0, method="LSODA", dense_output=True,
                    rtol=1e-12, atol=1e-30)
    dense = sol.sol
    assert dense is not None  # dense_output=True
    grid = np.linspace(0.0, t_end, int(t_end * 100) + 1)
    total = dense(grid)[5] + dense(grid)[6]
    i = int(np.argmax(total))
    if i in (0, len(grid) - 1):
        return float(total[i]), float(grid[i])

    def minus_total(t: float) -> float:
        return -float(dense(t)[5] + dense(t)[6])

    res = minimize_scalar(minus_total, bounds=(grid[i - 1], grid[i + 1]), method="bounded",
                          options={"xatol": 1e-9})
    return float(-res.fun), float(res.x)


def solve_with_doses(parameters: dict[str, float] | None = None,
                     initial: dict[str, float] | None = None,
                     times: np.ndarray | None = None,
                     doses: list[tuple[str, float | str, float]] | None = None,
                     threshold: float = 0.0) -> tuple[np.ndarray, list[float]]:
    """Integrate piecewise, adding each dose by hand: ``doses`` is a list of
    (species, when, amount) where ``when`` is a day, or "relapse" (L regrows past
    ``threshold`` after falling below it, else the day-30 fallback). Doses are applied in
    order, one segment each. Returns amounts at ``times`` and the days doses were given."""
    p = TABLE1 | (parameters or {})
    order = ORDER2 if any(s.endswith("2") for s, _, _ in doses or []) or "h2" in p else ORDER
    y = np.array([(FIG3_INITIAL | {"CA2": 0.0, "CM2": 0.0} | (initial or {}))[s]
                  for s in order], dtype=float)
    times = np.asarray(times, dtype=float)
    out = np.empty((len(times), len(order)))
    t0, given = 0.0, []
    f = rhs(p)
    pending = list(doses or [])
    fell_below = False
    while True:
        target = times[-1]
        events: list[_Crossing] = []
        if pending and pending[0][1] == "relapse":
            events = [_Crossing(threshold, -1, not fell_below)]
            if fell_below:
                events = [_Crossing(threshold, 1, True)]
            elif t0 < 30.0:
                target = min(target, 30.0)
        elif pending:
            target = min(target, float(pending[0][1]))
        sol = solve_ivp(f, (t0, target), y, method="LSODA", rtol=1e-12, atol=1e-12,
                        dense_output=True, events=events or None)
        t_end = sol.t[-1]
        inside = (times >= t0) & (times <= t_end)
        if inside.any():
            assert sol.sol is not None  # dense_output=True
            out[inside] = sol.sol(times[inside]).T
        y = sol.y[:, -1].copy()
        t0 = t_end
        if t_end >= times[-1]:
            break
        species, when, amount = pending[0]
        if when == "relapse" and not fell_below and sol.status == 1:
            fell_below = True  # crossed below: keep going until it regrows
            continue
        pending.pop(0)
        y[order.index(species)] += amount
        given.append(t_end)
    return out, given


@dataclass(frozen=True)
class _Crossing:
    """L crossing ``threshold`` downwards (direction -1) or upwards (1), as a solve_ivp event
    (scipy reads ``direction`` and ``terminal`` from the callable)."""

    threshold: float
    direction: int
    terminal: bool

    def __call__(self, t: float, y: np.ndarray) -> float:
        return float(y[4] - self.threshold)
