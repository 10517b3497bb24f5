"""Dormand and Prince's explicit Runge-Kutta method of order 8 with error estimators of orders
5 and 3 ("DOP853"), written for numba, for the fast path of sweeps (``pycart.scale.fast``).

Method and coefficients: E. Hairer, S. P. Norsett, G. Wanner, *Solving Ordinary Differential
Equations I: Nonstiff Problems*, 2nd ed., Springer 1993, Sec. II.5 and II.10, and Hairer's
Fortran code DOP853 (the coefficients below are those of that code, as scipy.integrate
carries them; a test checks them against scipy's copy). Step-size control and the starting
step follow scipy's ``DOP853`` (safety 0.9, step ratio within [0.2, 10], no increase right
after a rejection), so a test can compare the two step by step. This module has the method's
parts for one point; :mod:`pycart.scale.lanes` steps many points with them.

What the fast path adds for sweeps: steps land exactly on the output days; the first CAR T
peak (the total CAR T count stops growing: the sum of its rates crosses zero downward) is
root-found inside the step with the method itself; every failure (too many steps, a step
size collapse, a non-finite or a negative amount) stops the run with a status code, so the
caller recomputes the point with libRoadRunner instead of returning a doubtful number.

The functions are plain Python, written in the subset numba compiles. They call the global
``rhs(t, y, p, dy)`` (rates of change of state ``y`` with parameters ``p`` into ``dy``):
``pycart.scale.kernel`` compiles this module's text followed by the batch loop and a
model's generated right-hand side, which defines it. (numba cannot cache code that receives
a function as an argument, hence a global.)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

#: Nodes c_i of the 12 stages.
C = np.array([
    0.0, 0.05260015195876773, 0.0789002279381516, 0.1183503419072274, 0.2816496580927726,
    0.3333333333333333, 0.25, 0.3076923076923077, 0.6512820512820513, 0.6, 0.8571428571428571,
    1.0
])
#: Rows 1..11 of the Runge-Kutta matrix a_ij (the part left of the diagonal).
_A_ROWS = (
    (0.05260015195876773,),
    (0.0197250569845379, 0.0591751709536137),
    (0.02958758547680685, 0.0, 0.08876275643042054),
    (0.2413651341592667, 0.0, -0.8845494793282861, 0.924834003261792),
    (0.037037037037037035, 0.0, 0.0, 0.17082860872947386, 0.12546768756682242),
    (0.037109375, 0.0, 0.0, 0.17025221101954405, 0.06021653898045596, -0.017578125),
    (0.03709200011850479, 0.0, 0.0, 0.17038392571223998, 0.10726203044637328,
     -0.015319437748624402, 0.008273789163814023),
    (0.6241109587160757, 0.0, 0.0, -3.3608926294469414, -0.868219346841726,
     27.59209969944671, 20.154067550477894, -43.48988418106996),
    (0.47766253643826434, 0.0, 0.0, -2.4881146199716677, -0.590290826836843,
     21.230051448181193, 15.279233632882423, -33.28821096898486, -0.020331201708508627),
    (-0.9371424300859873, 0.0, 0.0, 5.186372428844064, 1.0914373489967295,
     -8.149787010746927, -18.52006565999696, 22.739487099350505, 2.4936055526796523,
     -3.0467644718982196),
    (2.273310147516538, 0.0, 0.0, -10.53449546673725, -2.0008720582248625, -17.9589318631188,
     27.94888452941996, -2.8589982771350235, -8.87285693353063, 12.360567175794303,
     0.6433927460157636),
)
#: Weights b_i of the 8th-order solution.
B = np.array([
    0.054293734116568765, 0.0, 0.0, 0.0, 0.0, 4.450312892752409, 1.8915178993145003,
    -5.801203960010585, 0.3111643669578199, -0.1521609496625161, 0.20136540080403034,
    0.04471061572777259
])
#: Error estimator: the 5th-order embedded difference (13 stages, the last is f at the
#: new point).
E5 = np.array([
    0.01312004499419488, 0.0, 0.0, 0.0, 0.0, -1.2251564463762044, -0.4957589496572502,
    1.6643771824549864, -0.35032884874997366, 0.3341791187130175, 0.08192320648511571,
    -0.022355307863886294, 0.0
])
#: Error estimator: the 3rd-order embedded difference.
E3 = np.array([
    -0.18980075407240762, 0.0, 0.0, 0.0, 0.0, 4.450312892752409, 1.8915178993145003,
    -5.801203960010585, -0.4226823213237919, -0.1521609496625161, 0.20136540080403034,
    0.02265179219836082, 0.0
])

#: The right-hand side, defined by the text compiled after this module (see above); typed
#: for the checker as what it will be, rhs(t, y, p, dy), and None until then.
rhs: Callable[[float, np.ndarray, np.ndarray, np.ndarray], None]
rhs = None  # type: ignore[assignment]

#: Dense output (Hairer et al., Sec. II.6; Hairer's DOP853, scipy's copy): the nodes and the
#: rows of the Runge-Kutta matrix of the 3 extra stages (columns: the 13 stages of a step,
#: then the extra stages before it), and the 4 rows of its coefficients D.
C_EXTRA = np.array([0.1, 0.2, 0.7777777777777778])
A_EXTRA = np.array((
    (0.056167502283047954, 0.0, 0.0, 0.0, 0.0, 0.0, 0.25350021021662483, -0.2462390374708025,
     -0.12419142326381637, 0.15329179827876568, 0.00820105229563469, 0.007567897660545699,
     -0.008298, 0.0, 0.0, 0.0),
    (0.03183464816350214, 0.0, 0.0, 0.0, 0.0, 0.028300909672366776, 0.053541988307438566,
     -0.05492374857139099, 0.0, 0.0, -0.00010834732869724932, 0.0003825710908356584,
     -0.00034046500868740456, 0.1413124436746325, 0.0, 0.0),
    (-0.42889630158379194, 0.0, 0.0, 0.0, 0.0, -4.697621415361164, 7.683421196062599,
     4.06898981839711, 0.3567271874552811, 0.0, 0.0, 0.0, -0.0013990241651590145,
     2.9475147891527724, -9.15095847217987, 0.0),
))
D = np.array((
    (-8.428938276109013, 0.0, 0.0, 0.0, 0.0, 0.5667149535193777, -3.0689499459498917,
     2.38466765651207, 2.117034582445028, -0.871391583777973, 2.2404374302607883,
     0.6315787787694688, -0.08899033645133331, 18.148505520854727, -9.194632392478356,
     -4.436036387594894),
    (10.427508642579134, 0.0, 0.0, 0.0, 0.0, 242.28349177525817, 165.20045171727028,
     -374.5467547226902, -22.113666853125306, 7.733432668472264, -30.674084731089398,
     -9.332130526430229, 15.697238121770845, -31.139403219565178, -9.35292435884448,
     35.81684148639408),
    (19.985053242002433, 0.0, 0.0, 0.0, 0.0, -387.0373087493518, -189.17813819516758,
     527.8081592054236, -11.57390253995963, 6.8812326946963, -1.0006050966910838,
     0.7777137798053443, -2.778205752353508, -60.19669523126412, 84.32040550667716,
     11.99229113618279),
    (-25.69393346270375, 0.0, 0.0, 0.0, 0.0, -154.18974869023643, -231.5293791760455,
     357.6391179106141, 93.40532418362432, -37.45832313645163, 104.0996495089623, 29.8402934266605,
     -43.53345659001114, 96.32455395918828, -39.17726167561544, -149.72683625798564),
))

A = np.zeros((12, 12))
for _i, _row in enumerate(_A_ROWS, start=1):
    A[_i, :_i] = _row

SAFETY = 0.9
MIN_FACTOR = 0.2
MAX_FACTOR = 10.0
ERROR_EXPONENT = -1.0 / 8.0
#: The spacing of doubles near 1 (a step below ten spacings at t is a collapse).
EPS = 2.220446049250313e-16

#: Status codes of a point (:func:`pycart.scale.lanes.solve_batch`).
OK, TOO_MANY_STEPS, STEP_TOO_SMALL, NOT_FINITE, NEGATIVE = 0, 1, 2, 3, 4
STATUS_TEXT = ("ok", "too many steps", "step size collapse", "a non-finite value",
               "a negative amount")

#: An amount below this (cells) is a failure, not round-off (pycart.core.model.NEGATIVE_ROUNDOFF).
NEGATIVE_LIMIT = -1e-9


def rk_step(t, y, f, h, p, K, y_new):
    """One step of size ``h`` from ``(t, y)`` with ``f = rhs(t, y)``: the 12 stages into
    ``K[0..11]``, the 8th-order solution into ``y_new`` and ``rhs(t + h, y_new)`` into
    ``K[12]``."""
    n = y.size
    work = K[12]
    K[0, :] = f
    for s in range(1, 12):
        for j in range(n):
            acc = 0.0
            for m in range(s):
                acc += A[s, m] * K[m, j]
            work[j] = y[j] + h * acc
        rhs(t + C[s] * h, work, p, K[s])
    for j in range(n):
        acc = 0.0
        for m in range(12):
            acc += B[m] * K[m, j]
        y_new[j] = y[j] + h * acc
    rhs(t + h, y_new, p, K[12])


def error_norm(K, h, y, y_new, rtol, atol):
    """Hairer's DOP853 error estimate, scaled by ``atol + rtol * max(|y|, |y_new|)``."""
    n = y.size
    err5 = 0.0
    err3 = 0.0
    for j in range(n):
        scale = atol[j] + rtol * max(abs(y[j]), abs(y_new[j]))
        e5 = 0.0
        e3 = 0.0
        for m in range(13):
            e5 += E5[m] * K[m, j]
            e3 += E3[m] * K[m, j]
        err5 += (e5 / scale) ** 2
        err3 += (e3 / scale) ** 2
    if err5 == 0.0 and err3 == 0.0:
        return 0.0
    return abs(h) * err5 / math.sqrt((err5 + 0.01 * err3) * n)


def _rms(v, scale):
    total = 0.0
    for j in range(v.size):
        total += (v[j] / scale[j]) ** 2
    return math.sqrt(total / v.size)


def initial_step(t0, y0, f0, t_bound, p, rtol, atol, work, f1):
    """The starting step of Hairer et al., Sec. II.4 (as scipy's ``select_initial_step``)."""
    scale = np.empty(y0.size)
    for j in range(y0.size):
        scale[j] = atol[j] + abs(y0[j]) * rtol
    d0 = _rms(y0, scale)
    d1 = _rms(f0, scale)
    h0 = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
    h0 = min(h0, t_bound - t0)
    for j in range(y0.size):
        work[j] = y0[j] + h0 * f0[j]
    rhs(t0 + h0, work, p, f1)
    for j in range(y0.size):
        work[j] = f1[j] - f0[j]
    d2 = _rms(work, scale) / h0
    if d1 <= 1e-15 and d2 <= 1e-15:
        h1 = max(1e-6, h0 * 1e-3)
    else:
        h1 = (0.01 / max(d1, d2)) ** (1.0 / 8.0)
    return min(100 * h0, h1, t_bound - t0)


def _sum_at(v, index):
    total = 0.0
    for i in index:
        total += v[i]
    return total


def _bad(y):
    """OK, or why ``y`` cannot be accepted."""
    for j in range(y.size):
        st = _bad_amount(y[j])
        if st != OK:
            return st
    return OK


def _bad_amount(x):
    """OK, or why the amount ``x`` cannot be accepted."""
    if not math.isfinite(x):
        return NOT_FINITE
    if x < NEGATIVE_LIMIT:
        return NEGATIVE
    return OK


def peak_in_step(t, y, f, h, p, K, work, car, g0, g1, extra, dense):
    """Where, within the accepted step from ``(t, y)`` of size ``h`` (stages in ``K``, the new
    state in ``work``), the total of the ``car`` species peaks: the sum of their rates crosses
    zero downward (``g0 >= 0 > g1``). The root of the derivative of the method's 7th-order
    dense output (Hairer et al., Sec. II.6; as scipy's ``Dop853DenseOutput``), by the
    Illinois variant of regula falsi on the step fraction; where the dense output does not
    bracket a root, on trial steps of the method itself. Returns (day, total)."""
    n = y.size
    dense_output(t, y, work, h, p, K, extra, dense)
    coeffs = np.zeros(7)
    for r in range(7):
        coeffs[r] = _sum_at(dense[r], car)
    total = _sum_at(y, car)
    d0 = _dense_total(coeffs, 0.0)[1]
    d1 = _dense_total(coeffs, 1.0)[1]
    if not (d0 >= 0.0 > d1):
        return _peak_by_steps(t, y, f, h, p, K, work[:n].copy(), car, g0, g1)
    a, da, b, db = 0.0, d0, 1.0, d1
    side = 0
    for _ in range(100):
        if b - a <= 4e-16:
            break
        s = (a * db - b * da) / (db - da)
        if not a < s < b:
            s = 0.5 * (a + b)
        ds = _dense_total(coeffs, s)[1]
        if ds < 0.0:
            b, db = s, ds
            if side == -1:
                da *= 0.5
            side = -1
        else:
            a, da = s, ds
            if side == 1:
                db *= 0.5
            side = 1
    return t + b * h, total + _dense_total(coeffs, b)[0]


def dense_output(t, y, y_new, h, p, K, extra, dense):
    """The coefficients of DOP853's dense output over the step from ``(t, y)`` to
    ``y_new`` (``K``: its 13 stages): 3 more stages into ``extra``, 7 rows into ``dense``."""
    n = y.size
    work = np.empty(n)
    for s in range(3):
        for j in range(n):
            acc = 0.0
            for m in range(13):
                acc += A_EXTRA[s, m] * K[m, j]
            for m in range(s):
                acc += A_EXTRA[s, 13 + m] * extra[m, j]
            work[j] = y[j] + h * acc
        rhs(t + C_EXTRA[s] * h, work, p, extra[s])
    for j in range(n):
        delta = y_new[j] - y[j]
        dense[0, j] = delta
        dense[1, j] = h * K[0, j] - delta
        dense[2, j] = 2.0 * delta - h * (K[12, j] + K[0, j])
        for r in range(4):
            acc = 0.0
            for m in range(13):
                acc += D[r, m] * K[m, j]
            for m in range(3):
                acc += D[r, 13 + m] * extra[m, j]
            dense[3 + r, j] = h * acc


def _dense_total(coeffs, x):
    """The dense output's increment at step fraction ``x`` and its derivative in ``x``
    (the nested form of scipy's ``Dop853DenseOutput``, differentiated along)."""
    v = 0.0
    d = 0.0
    for i in range(7):
        v += coeffs[6 - i]
        if i % 2 == 0:
            d = d * x + v
            v = v * x
        else:
            d = d * (1.0 - x) - v
            v = v * (1.0 - x)
    return v, d


def _peak_by_steps(t, y, f, h, p, K, work, car, g0, g1):
    """The peak within a step by trial steps of the method (Illinois on the step size):
    the dense output's fallback."""
    a, ga, b, gb = 0.0, g0, h, g1
    side = 0
    for _ in range(80):
        if b - a <= 4e-16 * (abs(t) + abs(h)):
            break
        s = (a * gb - b * ga) / (gb - ga)
        if not a < s < b:
            s = 0.5 * (a + b)
        rk_step(t, y, f, s, p, K, work)
        gs = _sum_at(K[12], car)
        if gs < 0.0:
            b, gb = s, gs
            if side == -1:
                ga *= 0.5
            side = -1
        else:
            a, ga = s, gs
            if side == 1:
                gb *= 0.5
            side = 1
    rk_step(t, y, f, b, p, K, work)
    return t + b, _sum_at(work, car)


#: Columns of a point's ``doses`` rows (a scheduled dose) and ``relapse`` rows (a dose on
#: relapse), and of the run state of the latter (``flags``).
DAY, CELLS, TARGET = 0, 1, 2
R_TARGET, R_WATCHED, R_THRESHOLD, R_DOSE, R_FALLBACK = 0, 1, 2, 3, 4
FELL, GIVEN, GIVEN_DAY, FALL_ON, REGROWTH_ON = 0, 1, 2, 3, 4
#: The day of a dose on relapse is located on the dense output to this many days.
EVENT_DAY_TOL = 1e-12
#: The relative tolerance of a point with a dose on relapse armed: the day L crosses the
#: threshold is off by about L's relative error over its growth rate (~0.5/day), and at the
#: sweeps' 1e-8 L carries ~1e-6 after falling 14 orders of magnitude and regrowing (2e-6 day
#: measured against libRoadRunner at 1e-10 on cart_bm_ext); 1e-10 keeps the day within 1e-7.
EVENT_RTOL = 1e-10


def _next_timed(t, doses, relapse, flags, t_stop):
    """The first day after ``t``, up to ``t_stop``, on which a scheduled dose or a relapse
    rule's fallback dose is due (each armed as the SBML triggers are: positive values)."""
    nxt = t_stop
    for i in range(doses.shape[0]):
        day = doses[i, DAY]
        if day > t and doses[i, CELLS] > 0.0 and day < nxt:
            nxt = day
    for i in range(relapse.shape[0]):
        day = relapse[i, R_FALLBACK]
        if (day > t and day < nxt and relapse[i, R_THRESHOLD] > 0.0 and relapse[i, R_DOSE] > 0.0
                and flags[i, GIVEN] == 0.0 and flags[i, FELL] == 0.0):
            nxt = day
    return nxt


def _apply_timed(t, y, doses, relapse, flags):
    """Give the doses due on day ``t`` (``_dose_at``, and ``no_response`` of the relapse
    rules: the dose where L never fell below the threshold); return whether any was."""
    changed = False
    for i in range(doses.shape[0]):
        if doses[i, DAY] == t and doses[i, CELLS] > 0.0:
            y[int(doses[i, TARGET])] += doses[i, CELLS]
            changed = True
    for i in range(relapse.shape[0]):
        if (relapse[i, R_FALLBACK] == t and relapse[i, R_THRESHOLD] > 0.0
                and relapse[i, R_DOSE] > 0.0 and flags[i, GIVEN] == 0.0
                and flags[i, FELL] == 0.0):
            y[int(relapse[i, R_TARGET])] += relapse[i, R_DOSE]
            flags[i, GIVEN], flags[i, GIVEN_DAY] = 1.0, t
            changed = True
    return changed


def _triggers(y, relapse, i):
    """The ``fall`` and ``regrowth`` triggers of relapse rule ``i`` in state ``y`` (1.0: true)."""
    return _trigger_pair(y[int(relapse[i, R_WATCHED])], relapse[i, R_THRESHOLD],
                         relapse[i, R_DOSE])


def _trigger_pair(watched, threshold, dose):
    """The ``fall`` and ``regrowth`` triggers of a relapse rule with ``threshold`` and
    ``dose`` where its watched amount is ``watched`` (1.0: true)."""
    return (1.0 if watched < threshold else 0.0,
            1.0 if watched * dose > threshold * dose else 0.0)


def _crossing(y, h, dense, j, threshold):
    """The step fraction where component ``j`` of the dense output crosses ``threshold``
    (its value at the step's end is on the far side), by the Illinois variant of regula
    falsi, to :data:`EVENT_DAY_TOL` days; the fraction returned is on the far side."""
    coeffs = np.empty(7)
    for r in range(7):
        coeffs[r] = dense[r, j]
    a, b = 0.0, 1.0
    ga = y[j] - threshold
    gb = y[j] + _dense_total(coeffs, 1.0)[0] - threshold
    falling = gb < 0.0
    side = 0
    for _ in range(200):
        if (b - a) * abs(h) <= EVENT_DAY_TOL:
            break
        s = (a * gb - b * ga) / (gb - ga) if gb != ga else 0.5 * (a + b)
        if not a < s < b:
            s = 0.5 * (a + b)
        gs = y[j] + _dense_total(coeffs, s)[0] - threshold
        if (gs >= 0.0) if falling else (gs <= 0.0):  # still on the near side
            a, ga = s, gs
            if side == 1:
                gb *= 0.5
            side = 1
        else:
            b, gb = s, gs
            if side == -1:
                ga *= 0.5
            side = -1
    return b


def _first_crossing(t, y, y_new, h, p, K, extra, dense, relapse, flags, cross):
    """The step fraction of the first relapse trigger turning true within the step (2.0:
    none), located on the step's dense output (computed only when one turns); each rule's
    fall and regrowth crossings into the columns of ``cross`` (2.0: none)."""
    first = 2.0
    computed = False
    for i in range(relapse.shape[0]):
        cross[i, 0], cross[i, 1] = 2.0, 2.0
        fall, regrowth = _triggers(y_new, relapse, i)
        if fall > flags[i, FALL_ON] or regrowth > flags[i, REGROWTH_ON]:
            if not computed:
                dense_output(t, y, y_new, h, p, K, extra, dense)
                computed = True
            x = _crossing(y, h, dense, int(relapse[i, R_WATCHED]), relapse[i, R_THRESHOLD])
            cross[i, 0 if fall > flags[i, FALL_ON] else 1] = x
            first = min(first, x)
    return first


def _fire(t, y, relapse, flags, cross, first):
    """Fire the relapse triggers that turned true at day ``t``: ``fall`` sets the flag;
    ``regrowth`` after a fall gives the dose once and records the day, the SBML semantics
    of ``_dose_on_relapse``. At the end of a step cut at the crossing ``first`` (< 1), the
    triggers crossing there read true whatever the round-off of the cut step's end (and
    rules watching one threshold fire together, as in libRoadRunner). Returns whether a
    dose was given."""
    changed = False
    for i in range(relapse.shape[0]):
        fall, regrowth = _triggers(y, relapse, i)
        if first < 1.0 and cross[i, 0] <= first:
            fall = 1.0
        if first < 1.0 and cross[i, 1] <= first:
            regrowth = 1.0
        if fall > flags[i, FALL_ON]:
            flags[i, FELL] = 1.0
        if regrowth > flags[i, REGROWTH_ON] and flags[i, FELL] == 1.0 and flags[i, GIVEN] == 0.0:
            y[int(relapse[i, R_TARGET])] += relapse[i, R_DOSE]
            flags[i, GIVEN], flags[i, GIVEN_DAY] = 1.0, t
            changed = True
        flags[i, FALL_ON], flags[i, REGROWTH_ON] = fall, regrowth
    return changed
