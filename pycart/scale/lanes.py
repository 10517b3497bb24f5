"""The fast path's batch loop: :data:`LANES` points integrated side by side by DOP853.

One point's step is a chain of dependent operations (12 stages, each a right-hand side of
the one before): its latency, not the CPU's arithmetic, bounds a point at a time (about
0.7 µs per step for cart_bm). Here each of :data:`LANES` lanes integrates its own point with
its own step sizes, and every round takes one trial step on all lanes at once
(``rk_lanes`` and ``error_lanes``, written by :func:`pycart.scale.stages.lane_source`): the
lanes' chains overlap and the compiler uses vector instructions. What follows a trial step
(accept or reject, scipy's step control; events, doses, the peak, the outputs) is done lane
by lane with the one-point functions of :mod:`pycart.scale.dop853`; a lane whose point is
finished takes the next one. Each lane does the operations of the one-point integrator in
the same order, so every point gets the same bits as integrated alone.

Like :mod:`pycart.scale.dop853`, this is plain Python in the subset numba compiles;
:mod:`pycart.scale.kernel` compiles it after the integrator and before the generated
functions it calls (``rhs``, ``rk_lanes``, ``error_lanes``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .dop853 import (
    EPS,
    ERROR_EXPONENT,
    EVENT_RTOL,
    FALL_ON,
    GIVEN_DAY,
    MAX_FACTOR,
    MIN_FACTOR,
    OK,
    R_DOSE,
    R_THRESHOLD,
    R_WATCHED,
    REGROWTH_ON,
    SAFETY,
    STEP_TOO_SMALL,
    TOO_MANY_STEPS,
    _apply_timed,
    _bad,
    _bad_amount,
    _fire,
    _first_crossing,
    _next_timed,
    _sum_at,
    _trigger_pair,
    _triggers,
    initial_step,
    peak_in_step,
    rhs,
    rk_step,
)

#: The lane functions, written by :func:`pycart.scale.stages.lane_source` into the kernel's
#: text after this module's (None until then, as :data:`pycart.scale.dop853.rhs`).
rk_lanes: Callable[..., None]
error_lanes: Callable[..., None]
rhs_invariants: Callable[..., None]
rk_lanes = error_lanes = rhs_invariants = None  # type: ignore[assignment]
#: The powers in the model's right-hand side: of the state (rows of the lanes' scratch for
#: them) and of parameters alone (rows after the parameters, set once per point by
#: ``rhs_invariants``); written with the lane functions.
POWERS = INVARIANTS = 0

#: Functions numba inlines where they are called (the kernel reads this): those run for
#: every lane and trial step. A call to a compiled function takes and gives back a
#: reference count of each array it is passed, atomically: about 55 ns for a call with ten
#: arrays against 4 ns inlined (5 December 2026), which was a quarter of the kernel's time.
INLINE = ("_prepare", "_control", "_plain", "_lane_triggers")

#: Points integrated side by side. A trial step's stage sums and right-hand sides cost, per
#: lane, 393, 235 and 196 ns of CPU with 8, 16 and 32 lanes against 407 ns for one point
#: alone (cart_bm, a two-core AVX-512 EPYC, 5 December 2026). 32: a Sobol patient of 30 days
#: takes 27.7 µs of CPU against 30.4 µs with 16 (three alternating runs of 16,000 patients
#: each, loaded machine), with the same bits; lanes left idle while a chunk's last points
#: finish cost less than that (64 lanes: 196 ns per lane, no better).
LANES = 32

#: Columns of a lane's state (``S``; prefixed: the kernel is one module, with dop853's names):
#: its point (-1: idle), day, trial step size, the size
#: of the step being tried, the day it stops at, the smallest step allowed, whether the
#: step was rejected, whether a new step begins, steps taken, next output, the summed CAR T
#: rate, relative tolerance, the day the step being tried ends.
(S_POINT, S_DAY, S_H_ABS, S_STEP, S_T_STOP, S_MIN_STEP, S_REJECTED, S_FRESH, S_STEPS, S_OUTPUT,
 S_G, S_RTOL, S_T_NEW) = range(13)
S_FIELDS = 13
#: Values of ``S_FRESH``: a step being retried; a new step, whose stop day is sought again
#: (after a dose, an output, an event: :func:`_accepted`); a new step after a plain one
#: (:func:`_plain`), whose stop day is the last one's: nothing due was reached and no dose
#: changed, so :func:`pycart.scale.dop853._next_timed` would find the same day.
RETRY, NEW_STOP, SAME_STOP = 0.0, 1.0, 2.0


def solve_batch(P, Y0, times, car, want_peak, rtol, atol, max_steps, D, R, out, peaks,
                status, reached, given):
    """Integrate every row of ``P`` (parameters), ``Y0`` (initial amounts), ``D``
    (scheduled doses) and ``R`` (doses on relapse) from day 0 through ``times``: states
    into ``out[i]`` (after the doses due then), ``peaks[i]`` (found, day, CAR T total: with
    ``want_peak`` the first downward zero crossing of the summed ``car`` rates after day 0,
    else the horizon), the days of the doses on relapse into ``given[i]`` (0: not given),
    status (:mod:`pycart.scale.dop853`'s codes) and day reached per row; a row with a dose
    on relapse armed at :data:`EVENT_RTOL` at most. Returns the total number of steps."""
    n, m = Y0.shape[1], P.shape[1]
    lanes = min(LANES, P.shape[0]) if P.shape[0] > 0 else 1
    S = np.zeros((lanes, S_FIELDS))
    S[:, S_POINT] = -1.0
    # LANES columns even where fewer lanes run: the lanes' right-hand side reads its rows a
    # constant LANES apart (pycart.scale.stages.rhs_lanes_source)
    Y, F, YN = np.zeros((n, LANES)), np.zeros((n, LANES)), np.zeros((n, LANES))
    PL = np.ones((m + INVARIANTS, LANES))
    K = np.zeros((13, n, LANES))
    work, PW = np.zeros((n, LANES)), np.zeros(max(POWERS, 1) * LANES)
    T, H, TT, TOL = np.zeros(lanes), np.zeros(lanes), np.zeros(lanes), np.zeros(lanes)
    err5, err3, err = np.zeros(lanes), np.zeros(lanes), np.zeros(lanes)
    flags = np.zeros((lanes, R.shape[1], 5))
    cross = np.full((lanes, R.shape[1], 2), 2.0)
    scratch = (np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty((13, n)),
               np.empty((3, n)), np.empty((7, n)))
    # The next point to start, steps taken: typed int64, not literal zeros, so that numba
    # compiles _refill and _accepted once (a literal argument is a second
    # specialisation, compiled again with everything they call).
    nxt, total = np.int64(0), np.int64(0)
    for w in range(lanes):
        nxt = _refill(w, nxt, S, P, Y0, times, car, rtol, atol, max_steps, R, out, peaks,
                      status, reached, given, Y, F, PL, flags, cross, scratch)
    while True:
        active = False
        for w in range(lanes):
            if S[w, S_POINT] < 0.0:
                H[w] = 0.0  # an idle lane computes on, harmlessly
                continue
            while S[w, S_POINT] >= 0.0 and not _prepare(S, w, D, R, flags, times):
                _finish(S, w, np.int64(STEP_TOO_SMALL), S[w, S_DAY], R, flags, car, Y, status,
                        reached, given, peaks)
                nxt = _refill(w, nxt, S, P, Y0, times, car, rtol, atol, max_steps, R, out,
                              peaks, status, reached, given, Y, F, PL, flags, cross, scratch)
            active = active or S[w, S_POINT] >= 0.0
            T[w], H[w], TOL[w] = S[w, S_DAY], S[w, S_STEP], S[w, S_RTOL]
        if not active:
            return total
        rk_lanes(T, Y, F, H, PL, K, YN, TT, work, PW)
        error_lanes(K, H, Y, YN, TOL, atol, err5, err3, err)
        for w in range(lanes):
            if S[w, S_POINT] < 0.0 or not _control(S, w, err[w]):
                continue
            if _plain(w, S, Y, F, YN, K, R, flags, cross, car, want_peak, peaks, max_steps):
                total += 1
            else:
                nxt, total = _accepted(w, nxt, S, P, Y0, times, car, want_peak, rtol, atol,
                                       max_steps, D, R, out, peaks, status, reached, given,
                                       Y, F, YN, PL, K, flags, cross, scratch, total)


def _prepare(S, w, D, R, flags, times):
    """The size of lane ``w``'s next trial step (scipy's control: toward the next day a
    dose or an output is due, at least ten spacings of doubles at the current day);
    False where the step size collapsed."""
    t = S[w, S_DAY]
    if S[w, S_FRESH] != RETRY:
        if S[w, S_FRESH] == NEW_STOP:
            i = int(S[w, S_POINT])
            S[w, S_T_STOP] = _next_timed(t, D[i], R[i], flags[w], times[int(S[w, S_OUTPUT])])
        S[w, S_MIN_STEP] = 10.0 * max(abs(t) * EPS, 5e-324)
        S[w, S_H_ABS] = max(S[w, S_H_ABS], S[w, S_MIN_STEP])
        S[w, S_REJECTED] = 0.0
        S[w, S_FRESH] = RETRY
    if S[w, S_H_ABS] < S[w, S_MIN_STEP]:
        return False
    t_new = min(t + S[w, S_H_ABS], S[w, S_T_STOP])
    S[w, S_T_NEW] = t_new
    S[w, S_STEP] = t_new - t
    S[w, S_H_ABS] = S[w, S_STEP]
    return True


def _control(S, w, err):
    """Accept lane ``w``'s trial step with error estimate ``err`` (True), or shrink the
    step (False); set the next trial size (scipy's control)."""
    if not math.isfinite(err):
        S[w, S_H_ABS] *= MIN_FACTOR
        S[w, S_REJECTED] = 1.0
        return False
    if err < 1.0:
        factor = MAX_FACTOR if err == 0.0 else min(MAX_FACTOR, SAFETY * err ** ERROR_EXPONENT)
        S[w, S_H_ABS] *= min(1.0, factor) if S[w, S_REJECTED] == 1.0 else factor
        return True
    S[w, S_H_ABS] *= max(MIN_FACTOR, SAFETY * err ** ERROR_EXPONENT)
    S[w, S_REJECTED] = 1.0
    return False


def _plain(w, S, Y, F, YN, K, R, flags, cross, car, want_peak, peaks, max_steps):
    """Lane ``w``'s accepted step where nothing happens in it (no relapse trigger turns,
    no dose or output is due at its end, no peak, a good new state, steps left): advance
    the lane in place and return True, as :func:`_accepted` would; else change nothing and
    return False. The common case, without :func:`_accepted`'s copies, and reading the
    lane's arrays in place: a view of an array (``R[i]``) costs a reference count taken
    and given back, atomically, which was a quarter of the kernel's time."""
    i = int(S[w, S_POINT])
    if S[w, S_T_NEW] == S[w, S_T_STOP] or S[w, S_STEPS] + 1.0 >= max_steps:
        return False
    for j in range(YN.shape[0]):
        if _bad_amount(YN[j, w]) != OK:
            return False
    g_new = 0.0
    for c in range(car.size):  # _sum_at's order
        g_new += K[12, car[c], w]
    if want_peak and peaks[i, 0] == 0.0 and S[w, S_G] >= 0.0 and g_new < 0.0:
        return False
    for j in range(R.shape[1]):  # does a relapse trigger turn? (as _turns)
        fall, regrowth = _lane_triggers(YN, w, R, i, j)
        if fall > flags[w, j, FALL_ON] or regrowth > flags[w, j, REGROWTH_ON]:
            return False
    for j in range(R.shape[1]):  # what _fire does where nothing turns
        flags[w, j, FALL_ON], flags[w, j, REGROWTH_ON] = _lane_triggers(YN, w, R, i, j)
        cross[w, j, 0], cross[w, j, 1] = 2.0, 2.0
    for j in range(YN.shape[0]):
        Y[j, w] = YN[j, w]
        F[j, w] = K[12, j, w]
    S[w, S_G], S[w, S_DAY], S[w, S_FRESH] = g_new, S[w, S_T_NEW], SAME_STOP
    S[w, S_STEPS] += 1.0
    return True


def _lane_triggers(YN, w, R, i, j):
    """:func:`pycart.scale.dop853._triggers` of point ``i``'s relapse rule ``j`` in lane
    ``w``'s new state, read in place."""
    return _trigger_pair(YN[int(R[i, j, R_WATCHED]), w], R[i, j, R_THRESHOLD], R[i, j, R_DOSE])


def _turns(y_new, relapse, flags):
    """Whether a relapse trigger turns true at ``y_new`` (only then is the step's dense
    output needed)."""
    for i in range(relapse.shape[0]):
        fall, regrowth = _triggers(y_new, relapse, i)
        if fall > flags[i, FALL_ON] or regrowth > flags[i, REGROWTH_ON]:
            return True
    return False


def _cut(w, t, h, t_new, y, f, y_new, p, K, Kw, extra, dense, relapse, flags, cross):
    """Lane ``w``'s accepted step from ``(t, y)`` of size ``h``, cut at the first relapse
    trigger crossing in it (redone as a step of the method to that day, into ``Kw`` and
    ``y_new``). Returns (the crossing's step fraction or 2.0, step size, new day, whether
    ``Kw`` holds the step's stages)."""
    cross[:] = 2.0
    if not _turns(y_new, relapse, flags):
        return 2.0, h, t_new, False
    _lane_stages(K, w, Kw)
    first = _first_crossing(t, y, y_new, h, p, Kw, extra, dense, relapse, flags, cross)
    if first < 1.0:
        h = first * h
        t_new = t + h
        rk_step(t, y, f, h, p, Kw, y_new)
    return first, h, t_new, True


def _lane_stages(K, w, Kw):
    """Lane ``w``'s stages into the one-point layout ``Kw``."""
    for s in range(13):
        for j in range(Kw.shape[1]):
            Kw[s, j] = K[s, j, w]


def _refill(w, nxt, S, P, Y0, times, car, rtol, atol, max_steps, R, out, peaks, status,
            reached, given, Y, F, PL, flags, cross, scratch):
    """Start the next points in lane ``w`` until one needs steps (or none is left: the lane
    idles); return the next point not started."""
    S[w, S_POINT] = -1.0
    while nxt < P.shape[0]:
        nxt += 1
        if _start(w, nxt - 1, S, P, Y0, times, car, rtol, atol, max_steps, R, out, peaks,
                  status, reached, given, Y, F, PL, flags, cross, scratch):
            break
    return nxt


def _start(w, i, S, P, Y0, times, car, rtol, atol, max_steps, R, out, peaks, status, reached,
           given, Y, F, PL, flags, cross, scratch):
    """Point ``i`` at day 0 in lane ``w``: its outputs at day 0, its relapse triggers
    (none fires at day 0, as libRoadRunner's events), its starting step. False where it is
    finished at once (a bad initial state, no output after day 0, no step allowed)."""
    y, f, y_new, work = scratch[0], scratch[1], scratch[2], scratch[3]
    p, relapse = P[i], R[i]
    tol = rtol
    for j in range(relapse.shape[0]):
        if relapse[j, R_THRESHOLD] > 0.0 and relapse[j, R_DOSE] > 0.0:
            tol = min(rtol, EVENT_RTOL)
    y[:] = Y0[i]
    flags[w] = 0.0
    for j in range(relapse.shape[0]):
        flags[w, j, FALL_ON], flags[w, j, REGROWTH_ON] = _triggers(y, relapse, j)
    rhs(0.0, y, p, f)
    k = 0
    while k < times.size and times[k] <= 0.0:
        out[i, k, :] = y
        k += 1
    peaks[i, 0], peaks[i, 1], peaks[i, 2] = 0.0, times[-1], 0.0
    S[w, S_POINT] = i
    Y[:, w] = y
    st = _bad(y)
    if st != OK or k == times.size or max_steps <= 0:
        _finish(S, w, st if st != OK or k == times.size else TOO_MANY_STEPS, 0.0, R, flags,
                car, Y, status, reached, given, peaks)
        return False
    S[w, S_G] = _sum_at(f, car)
    cross[w] = 2.0
    S[w, S_H_ABS] = initial_step(0.0, y, f, times[-1], p, tol, atol, work, y_new)
    S[w, S_DAY], S[w, S_STEPS], S[w, S_OUTPUT] = 0.0, 0.0, k
    S[w, S_FRESH], S[w, S_RTOL] = NEW_STOP, tol
    F[:, w] = f
    PL[:p.size, w] = p
    rhs_invariants(PL.reshape(PL.size), w)
    return True


def _finish(S, w, st, day, R, flags, car, Y, status, reached, given, peaks):
    """Lane ``w``'s point ends with status ``st`` at ``day`` (its last state in ``Y``):
    its results written, the lane idle."""
    i = int(S[w, S_POINT])
    for j in range(R.shape[1]):
        given[i, j] = flags[w, j, GIVEN_DAY]
    if st == OK and peaks[i, 0] == 0.0:
        total = 0.0
        for c in car:
            total += Y[c, w]
        peaks[i, 2] = total
    status[i] = st
    reached[i] = day
    S[w, S_POINT] = -1.0


def _accepted(w, nxt, S, P, Y0, times, car, want_peak, rtol, atol, max_steps, D, R, out,
              peaks, status, reached, given, Y, F, YN, PL, K, flags, cross, scratch, total):
    """Lane ``w``'s trial step was accepted: cut it at the first relapse trigger crossing
    in it (:func:`_cut`), check the new state, find the peak in it, give the doses due,
    write the output due; finish the point (and start the next) where it is done. Returns
    (next point not started, total steps)."""
    i = int(S[w, S_POINT])
    p, relapse, fl, cr = P[i], R[i], flags[w], cross[w]
    y, f, y_new, work, Kw, extra, dense = scratch
    for j in range(y.size):
        y[j], f[j], y_new[j] = Y[j, w], F[j, w], YN[j, w]
    t = S[w, S_DAY]
    first, h, t_new, have_stages = _cut(w, t, S[w, S_STEP], S[w, S_T_NEW], y, f, y_new, p, K,
                                        Kw, extra, dense, relapse, fl, cr)
    S[w, S_STEPS] += 1.0
    total += 1
    st = _bad(y_new)
    if st != OK:
        _finish(S, w, st, t_new, R, flags, car, Y, status, reached, given, peaks)
        return _refill(w, nxt, S, P, Y0, times, car, rtol, atol, max_steps, R, out, peaks,
                       status, reached, given, Y, F, PL, flags, cross, scratch), total
    for j in range(y.size):  # the rates at the step's end (the peak's search may redo it)
        work[j] = Kw[12, j] if have_stages else K[12, j, w]
    g, g_new = S[w, S_G], _sum_at(work, car)
    if want_peak and peaks[i, 0] == 0.0 and g >= 0.0 and g_new < 0.0:
        if not have_stages:
            _lane_stages(K, w, Kw)
        peaks[i, 0] = 1.0
        peaks[i, 1], peaks[i, 2] = peak_in_step(t, y, f, h, p, Kw, y_new, car, g, g_new,
                                                extra, dense)
    y[:] = y_new
    f[:] = work
    t = t_new
    dosed = _fire(t, y, relapse, fl, cr, first)
    if t == S[w, S_T_STOP] and _apply_timed(t, y, D[i], relapse, fl):
        _fire(t, y, relapse, fl, cr, 2.0)  # what the new amounts trigger at once
        dosed = True
    if dosed:
        rhs(t, y, p, f)
        g_new = _sum_at(f, car)
        if want_peak and peaks[i, 0] == 0.0 and g >= 0.0 and g_new < 0.0:
            peaks[i, 0], peaks[i, 1], peaks[i, 2] = 1.0, t, _sum_at(y, car)
        S[w, S_H_ABS] = initial_step(t, y, f, times[-1], p, S[w, S_RTOL], atol, work, y_new)
    S[w, S_G], S[w, S_DAY], S[w, S_FRESH] = g_new, t, NEW_STOP
    Y[:, w] = y
    F[:, w] = f
    k = int(S[w, S_OUTPUT])
    if t == times[k]:
        out[i, k, :] = y
        k += 1
        S[w, S_OUTPUT] = k
    if k < times.size and S[w, S_STEPS] < max_steps:
        return nxt, total
    _finish(S, w, OK if k == times.size else TOO_MANY_STEPS, t, R, flags, car, Y, status,
            reached, given, peaks)
    return _refill(w, nxt, S, P, Y0, times, car, rtol, atol, max_steps, R, out, peaks, status,
                   reached, given, Y, F, PL, flags, cross, scratch), total
