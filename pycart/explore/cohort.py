"""The explorer's cohort: patients on a grid over two attributes, the page's values fixed
for the rest, integrated on the compiled fast path (:func:`pycart.scale.fast.simulate_points`)
and judged on day 30; the responder map is the figures' heatmap of L30.

The page's dose schedule comes along (the fast path runs doses), up to day 30, where the
response is judged; the paper's dose rules are left out (their reinfusions come after day 30,
on relapse): the page says so beside the result.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.errors import PycartError
from ..core.inputs import check_count
from ..core.names import RESPONSE_DAY
from ..core.schedule import PRODUCTS, Dose
from ..experiments.values import ALPHA_RANGE, FIG4_DOSE, H_RANGE, L0_RANGE, RHOA_RANGE
from .fields import SECTIONS, Request, text

#: The attributes a cohort can span, with the paper's ranges and scales: Table 1's alpha,
#: h and rho_A (Figure 6's axes), Figure 4's tumour burdens and CAR T doses.
ATTRIBUTES: dict[str, tuple[str, float, float, str]] = {
    "alpha": ("α, killing capacity", *ALPHA_RANGE, "log"),
    "h": ("h, activation threshold", *H_RANGE, "log"),
    "rhoA": ("ρ_A, proliferation", *RHOA_RANGE, "linear"),
    "L": ("L(0), leukaemic burden", *L0_RANGE, "log"),
    "CA": ("C_A(0), CAR T dose", min(FIG4_DOSE), max(FIG4_DOSE), "log"),
}
#: Patients per axis at most: 100 x 100 = 10,000 patients on the fast path; 20 x 20 for a
#: model it cannot run (the extended models' rate rule), which libRoadRunner integrates at
#: about a hundred patients a second.
MAX_PER_AXIS = 100
MAX_PER_AXIS_SLOW = 20
#: Chunks the cohort is computed in (the progress bar moves once per chunk).
CHUNKS = 10
#: The parameters a cohort sets to 0: every dose rule of the page.
DOSES = tuple(f.ident for s in SECTIONS if s.title == "Doses" for f in s.fields)


@dataclass(frozen=True)
class Cohort:
    """A cohort's table (the two attributes, L30, responder, status), its share of
    responders, and the seconds it took."""

    x: str
    y: str
    table: pd.DataFrame
    seconds: float

    @property
    def responders(self) -> float:
        """The share of responders (L30 < 1 cell)."""
        return float(self.table[col.RESPONDER].mean())


def axis_values(name: str, lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` values of attribute ``name`` from ``lo`` to ``hi`` on its scale: those of a
    sweep's grid (``pycart sweep --param``), to the last bit."""
    from ..scale.sweep import Dimension

    return Dimension(name, lo, hi, n, ATTRIBUTES[name][3]).grid()


def check_design(x: str, y: str, n: object, ranges: dict[str, tuple[float, float]],
                 model: str = "cart_bm", doses: Sequence[Dose] = ()) -> int:
    """The number of patients per axis; :class:`PycartError` for the same attribute twice,
    an unknown one, a bad count (more than the model's path allows), an empty range, or
    an initial amount the schedule's day-0 doses already give."""
    from ..scale.kernel import fast_obstacle

    for name in (x, y):
        if name not in ATTRIBUTES:
            raise PycartError(f"unknown attribute {name!r} (allowed: {', '.join(ATTRIBUTES)})")
        if name in PRODUCTS and any(d.species == name and d.day == 0 for d in doses):
            raise PycartError(f"{name}(0) is the schedule's day-0 {name} dose: remove that "
                              f"dose to vary {name}(0)")
    if x == y:
        raise PycartError(f"the two attributes must differ (both are {x})")
    slow = fast_obstacle(model)
    count = check_count(n, "patients per axis" + (f" of {model} (no fast path)" if slow else ""),
                        2, MAX_PER_AXIS_SLOW if slow else MAX_PER_AXIS)
    for name in (x, y):
        lo, hi = ranges[name]
        if not 0 < lo < hi:
            raise PycartError(f"{name} from {text(lo)} to {text(hi)} (allowed: 0 < low < high)")
    return count


def run_cohort(request: Request, x: str, y: str, n: int,
               ranges: dict[str, tuple[float, float]],
               progress: Callable[[int, int], None] | None = None) -> Cohort:
    """Every patient of the ``n`` x ``n`` grid over ``x`` and ``y`` (the request's values for
    everything else and its dose schedule up to day 30; the paper's dose rules off), to day
    30 on the fast path."""
    from ..scale.fast import simulate_points

    doses = response_doses(request)
    n = check_design(x, y, n, ranges, request.model, doses)
    began = time.perf_counter()
    xs, ys = np.meshgrid(axis_values(x, *ranges[x], n), axis_values(y, *ranges[y], n),
                         indexing="ij")
    points = pd.DataFrame({x: xs.ravel(), y: ys.ravel()})
    parameters = {k: v for k, v in request.parameters.items() if k not in (x, y)}
    parameters |= {d: 0.0 for d in DOSES if d in parameters}
    initial = {k: v for k, v in request.initial.items() if k not in (x, y)}
    parts = []
    chunks = np.array_split(np.arange(len(points)), min(CHUNKS, len(points)))
    for k, rows in enumerate(chunks):
        part = simulate_points(points.iloc[rows].reset_index(drop=True), model=request.model,
                               parameters=parameters, initial=initial, t_end=RESPONSE_DAY,
                               peak=False, solver="auto", doses=doses)
        parts.append(part)
        if progress:
            progress(k + 1, len(chunks))
    table = pd.concat(parts, ignore_index=True).rename(columns={f"init_{x}": x, f"init_{y}": y})
    return Cohort(x, y, table, time.perf_counter() - began)


def response_doses(request: Request) -> tuple[Dose, ...]:
    """The doses of the request's schedule up to day 30: those that can change the
    response (a cohort runs to day 30)."""
    return tuple(d for d in request.doses if d.day <= RESPONSE_DAY)


def responder_map(cohort: Cohort) -> bytes:
    """The responder map as PNG: log10 L30 over the two attributes, the one-cell contour
    in orange (the figures' heatmap)."""
    import matplotlib.pyplot as plt

    from ..experiments.figures import draw_heatmap

    fig, ax = plt.subplots(figsize=(6.4, 4.8), layout="constrained")
    try:
        scales = (ATTRIBUTES[cohort.x][3], ATTRIBUTES[cohort.y][3])
        draw_heatmap(ax, cohort.table, cohort.x, cohort.y, col.L30, scales)
        ax.set_title(f"{len(cohort.table):,} patients: {100 * cohort.responders:.1f}% "
                     "responders (L30 < 1 cell)", fontsize=10)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=96, metadata={"Software": None})
    finally:
        plt.close(fig)
    return buffer.getvalue()
