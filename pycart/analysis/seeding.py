"""The CD19-negative clone seeded stochastically, so that no relapse grows from a fraction of
a cell.

With the escape module on, the ODE's antigen-loss term muL * L makes a CD19-negative clone
Ln of, typically, a thousandth of a cell, which then grows deterministically into a relapse
that almost no real patient would have (issue 22). Here the first cells of the clone are
counted as cells:

1. **Antigen-loss events** form a Poisson process with intensity ``loss_rate * L(t)`` on the
   CD19+ clone L of a first deterministic run with the loss term off. L spans 14 orders of
   magnitude, so its integral between samples is taken log-linearly (L exponential between
   samples: the logarithmic mean times the step) rather than by the trapezoid rule, which
   overstates a step's integral by about ln(ratio)/2 where L changes by a large ratio between
   samples (4.6 times for a 10^4-fold fall); event times are drawn by inverting that
   cumulative intensity exactly (:func:`loss_events`).
2. **Each event starts a clone of one cell**, a linear birth-death process (Kendall 1948):
   each cell divides at rate ``birth`` and leaves at rate ``death``, simulated exactly by
   its jump chain with exponential waiting times, vectorised over clones, until the clone
   dies out or reaches ``handoff`` cells. A rate that varies in time is taken constant on
   each sampling interval; the waiting time is redrawn at each sample day (exact for such
   piecewise-constant rates: the process is memoryless). From one cell a clone reaches N
   cells before dying out with probability (1 - d/b) / (1 - (d/b)^N), near 1 - d/b.
3. **The ODE takes over** at the day the first clone reaches ``handoff`` cells: the caller
   gives ``handoff`` cells of Ln as a dose on that day (the dose slot ``dose_Ln_1_day`` /
   ``dose_Ln_1_cells`` of :mod:`pycart.core.schedule`), with muL = 0.

In the model, Ln divides at sL * rhoLn * (1 - (L + Ln) / Lmax) and leaves at gammaL
(models/cart_bm.ant): the caller passes that birth rate from the first run (per patient, or
per patient and sample). The clone's own share of the niche is negligible below ``handoff``
cells (at most 1e3 of Lmax = 1e12). Neglected, and said so: loss events after the handoff
(the clone is then at least ``handoff`` cells and growing, later single cells add little),
and the cells of other surviving clones at the handoff (they are at most a few more).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from ..core import columns as col
from ..core.errors import PycartError

#: The largest handoff size: the jump chain takes about handoff steps per surviving clone.
MAX_HANDOFF = 1e5
#: The most antigen-loss events one call simulates (memory: a few arrays of this length).
MAX_EVENTS = 5_000_000


def seed_cd19_negative(times: np.ndarray, leukaemia: np.ndarray, rng: np.random.Generator, *,
                       loss_rate: float, birth: float | np.ndarray, death: float,
                       handoff: float = 100.0) -> pd.DataFrame:
    """Per patient (rows of ``leukaemia``: the CD19+ clone L, cells, patients x len(times),
    from a run with the loss term off): the day the first CD19-negative clone reaches
    ``handoff`` cells (column :data:`~pycart.core.columns.LN_SEED_DAY`, NaN if none by the
    last sample), the cells to dose then (:data:`~pycart.core.columns.LN_SEED_CELLS`:
    ``handoff``, or 0) and the number of antigen-loss events
    (:data:`~pycart.core.columns.LOSS_EVENTS`). ``loss_rate`` is per CD19+ cell per day
    (the model's muL), ``birth`` and ``death`` per cell per day: ``birth`` a number, one per
    patient or one per patient and sample (the rate on the interval after each sample)."""
    times, leukaemia = _checked(times, leukaemia, loss_rate, death, handoff)
    rates = _birth_grid(birth, leukaemia.shape)
    patient, start = loss_events(times, leukaemia, rng, loss_rate)
    hit = clone_handoff_days(times, rates, start, rng, death=death, handoff=handoff,
                             rows=patient)
    first = np.full(len(leukaemia), np.inf)
    np.minimum.at(first, patient, hit)
    day = np.where(np.isfinite(first), first, np.nan)
    return pd.DataFrame({col.LN_SEED_DAY: day,
                         col.LN_SEED_CELLS: np.where(np.isnan(day), 0.0, float(handoff)),
                         col.LOSS_EVENTS: np.bincount(patient, minlength=len(leukaemia))})


def loss_events(times: np.ndarray, leukaemia: np.ndarray, rng: np.random.Generator,
                loss_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """The antigen-loss events of a Poisson process with intensity ``loss_rate * L(t)``, L
    exponential between samples: (patient index, day) of each event, by patient then day."""
    cumulative = loss_rate * cumulative_cells(times, leukaemia)
    counts = rng.poisson(cumulative[:, -1])
    if counts.sum() > MAX_EVENTS:
        raise PycartError(f"{int(counts.sum())} antigen-loss events (more than {MAX_EVENTS}):"
                          " at this loss rate the clone is not rare, the ODE's loss term holds")
    patient = np.repeat(np.arange(len(leukaemia)), counts)
    # given their number, the events are uniform in the cumulative intensity
    target = rng.random(patient.size) * cumulative[patient, -1]
    order = np.lexsort((target, patient))
    patient, target = patient[order], target[order]
    k = np.empty(patient.size, dtype=int)
    ends = np.cumsum(counts)
    for p in np.flatnonzero(counts):
        span = slice(ends[p] - counts[p], ends[p])
        k[span] = np.searchsorted(cumulative[p], target[span], side="right") - 1
    k = np.clip(k, 0, len(times) - 2)
    left = leukaemia[patient, k] * loss_rate
    right = leukaemia[patient, k + 1] * loss_rate
    step = times[k + 1] - times[k]
    return patient, times[k] + _invert(target - cumulative[patient, k], left, right, step)


def cumulative_cells(times: np.ndarray, leukaemia: np.ndarray) -> np.ndarray:
    """The integral of L from day 0 to each sample (cell-days, patients x times), L taken
    exponential between samples: each step's integral is the logarithmic mean of its ends
    times its length (their mean where one end is 0)."""
    a, b = leukaemia[:, :-1], leukaemia[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.log(b / a)
        mean = np.where(np.abs(ratio) > 1e-9, (b - a) / ratio, 0.5 * (a + b))
    mean = np.where((a > 0) & (b > 0), mean, 0.5 * (a + b))
    steps = mean * np.diff(times)
    return np.concatenate([np.zeros((len(leukaemia), 1)), np.cumsum(steps, axis=1)], axis=1)


def _invert(x: np.ndarray, left: np.ndarray, right: np.ndarray, step: np.ndarray) -> np.ndarray:
    """The time s into a step at which the integral of r(t) = left * exp(g t), g such that
    r(step) = right, reaches x: s = ln(1 + g x / left) / g (x / left where g = 0; linear
    where an end is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.log(right / left) / step
        exp_s = np.log1p(g * x / left) / g
        flat = x / left
        slope = (right - left) / step  # the linear fallback: left s + slope s^2 / 2 = x
        lin = np.where(np.abs(slope) > 0, (np.sqrt(left ** 2 + 2 * slope * x) - left) / slope,
                       flat)
    positive = (left > 0) & (right > 0)
    s = np.where(positive & (np.abs(g * step) > 1e-9), exp_s, np.where(positive, flat, lin))
    return np.clip(s, 0.0, step)


def clone_handoff_days(times: np.ndarray, birth: np.ndarray, start: np.ndarray,
                       rng: np.random.Generator, *, death: float, handoff: float,
                       rows: np.ndarray | None = None) -> np.ndarray:
    """The day each clone, one cell at day ``start`` (per clone), reaches ``handoff`` cells
    as a linear birth-death process with ``birth`` (clones x len(times): the rate on the
    interval after each sample; with ``rows``, the row of ``birth`` of each clone) and
    ``death``: inf where it dies out or has not reached ``handoff`` by the last sample.
    Simulated exactly by the jump chain, all clones at once."""
    if handoff <= 1:
        return np.where(start < times[-1], start.astype(float), np.inf)
    t = start.astype(float)
    k = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
    hit = np.full(start.size, np.inf)
    live = np.flatnonzero(t < times[-1])
    if live.size:
        row = live if rows is None else np.asarray(rows)[live]
        _jump_chain()(np.ascontiguousarray(times, dtype=float),
                      np.ascontiguousarray(birth, dtype=float), row.astype(np.int64),
                      t[live], k[live].astype(np.int64), np.ones(live.size),
                      live.astype(np.int64), rng, float(death), float(handoff), hit)
    return hit


@functools.cache
def _jump_chain() -> Callable[..., None]:
    """:func:`_chain` compiled by numba, once per process: its machine code kept in the fast
    path's cache folder like a kernel's (compiling it costs about 5 s of CPU, a cached load a
    fraction of a second), in memory where that folder is not writable. It draws from the
    Generator it is given (numba shares its state), in numpy's order."""
    import hashlib
    import inspect
    import sys

    import numba

    from ..scale.kernel import OPTIONS, cache_writable, one_compiler, source_module

    text = "import numpy as np\n\n\n" + inspect.getsource(_chain)
    key = text + numba.__version__ + sys.version
    name = f"pycart_jumpchain_{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    cache = cache_writable()
    with one_compiler(name, cache):
        module = source_module(name, text, cache, "<pycart jump chain>")
        chain = numba.njit(cache=cache, **OPTIONS)(module._chain)
        # compiled (or loaded) under the lock, on one clone that dies at once, with its own
        # Generator: the callers' streams are untouched
        one = np.zeros(1, dtype=np.int64)
        chain(np.array([0.0, 1.0]), np.zeros((1, 2)), one, np.zeros(1), one.copy(),
              np.ones(1), one.copy(), np.random.default_rng(0), 1.0, 2.0, np.zeros(1))
    return chain


def _chain(times: np.ndarray, birth: np.ndarray, row: np.ndarray, t: np.ndarray,
           k: np.ndarray, n: np.ndarray, clone: np.ndarray, rng: np.random.Generator,
           death: float, handoff: float, hit: np.ndarray) -> None:
    """The jump chain of the live clones (their row of ``birth``, day ``t``, sample interval
    ``k``, cells ``n``, index ``clone`` into ``hit``), stepped together: each step draws a
    waiting time for every live clone in order, then the direction of each jump in order,
    the draws the vectorised numpy chain made (so a seed gives the same clones as before);
    a loop per clone does in one pass what took a dozen whole-array passes. Most clones of a
    trial never jump (rates ~1e-4 per day) and only cross samples, where the waiting time is
    redrawn. Writes the day each clone reaches ``handoff`` cells into ``hit``."""
    last = len(times) - 1
    m = t.size
    jumped = np.empty(m, np.int64)
    while m > 0:
        nj = 0
        for i in range(m):
            rate = birth[row[i], k[i]] + death
            rate *= n[i]
            moved = t[i] + rng.exponential(1.0) / rate
            edge = times[k[i] + 1]
            if moved >= edge:  # no jump before the next sample: redrawn there
                k[i] += 1
                t[i] = edge
            else:  # NaN (a rate of 0 and a wait of 0) jumps, as in numpy's ~(moved >= edge)
                jumped[nj] = i
                nj += 1
                t[i] = moved
        for j in range(nj):
            i = jumped[j]
            b = birth[row[i], k[i]]
            n[i] += 1.0 if rng.random() * (b + death) < b else -1.0
            if n[i] >= handoff:
                hit[clone[i]] = t[i]
        kept = 0
        for i in range(m):
            if k[i] < last and 0.0 < n[i] < handoff:
                t[kept], k[kept], n[kept] = t[i], k[i], n[i]
                row[kept], clone[kept] = row[i], clone[i]
                kept += 1
        m = kept


def ln_birth_rate(parameters: Mapping[str, float | np.ndarray], b_cells: np.ndarray,
                  leukaemia: np.ndarray) -> np.ndarray:
    """The per-cell division rate of a small CD19-negative clone, sL * rhoLn * (1 - L / Lmax)
    with sL = 1 / (1 + k (B0 + B1 + B2 + B3)) (models/cart_bm.ant, eq. 1g), from the B cells
    ``b_cells`` (B0 + B1 + B2 + B3) and the CD19+ clone ``leukaemia`` (cells, patients x
    samples) of the first run; ``parameters`` holds k, rhoLn and Lmax (numbers, or one per
    patient)."""
    k, rho, lmax = (np.asarray(parameters[p], dtype=float) for p in ("k", "rhoLn", "Lmax"))
    k, rho, lmax = (v[:, None] if v.ndim == 1 else v for v in (k, rho, lmax))
    niche = np.clip(1.0 - np.asarray(leukaemia, dtype=float) / lmax, 0.0, 1.0)
    return rho * niche / (1.0 + k * np.asarray(b_cells, dtype=float))


def _birth_grid(birth: float | np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    rates = np.asarray(birth, dtype=float)
    if rates.ndim == 1 and rates.size == shape[0]:
        rates = rates[:, None]
    try:
        rates = np.broadcast_to(rates, shape)
    except ValueError:
        raise PycartError(f"birth: shape {rates.shape}, expected a number, one per patient "
                          f"({shape[0]}) or (patients, samples) {shape}") from None
    if not np.all(np.isfinite(rates)) or np.any(rates < 0):
        raise PycartError("birth rates must be finite and >= 0 (per cell per day)")
    return rates


def _checked(times: np.ndarray, leukaemia: np.ndarray, loss_rate: float, death: float,
             handoff: float) -> tuple[np.ndarray, np.ndarray]:
    times = np.asarray(times, dtype=float)
    leukaemia = np.asarray(leukaemia, dtype=float)
    if times.ndim != 1 or times.size < 2 or np.any(np.diff(times) <= 0):
        raise PycartError("times must be one increasing sequence of at least 2 days")
    if leukaemia.ndim != 2 or leukaemia.shape[1] != times.size:
        raise PycartError(f"leukaemia: shape {leukaemia.shape}, expected (patients, "
                          f"{times.size})")
    if not np.all(np.isfinite(leukaemia)):
        raise PycartError("leukaemia must be finite cell counts")
    for name, value in (("loss_rate", loss_rate), ("death", death)):
        if not (np.isfinite(value) and value >= 0):
            raise PycartError(f"{name} = {value!r}: must be finite and >= 0 (per cell per day)")
    if not (1 <= handoff <= MAX_HANDOFF and float(handoff).is_integer()):
        raise PycartError(f"handoff = {handoff!r}: must be a whole number of cells from 1 to "
                          f"{MAX_HANDOFF:g}")
    return times, np.maximum(leukaemia, 0.0)
