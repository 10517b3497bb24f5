"""The columns of pycart's result tables, each named once (as PEtab's ``C`` module names
its columns): sweeps, cohorts, a scenario's grids and its metrics share these names.

Every module reads and writes these constants; ``tests/test_columns.py`` keeps their
spellings out of every other module. Cell counts are amounts (cells), days are days since
the first infusion (day 0).
"""

from __future__ import annotations

from collections.abc import Sequence

#: The point's number in its sweep (0, 1, ...), the row order of the table.
POINT = "point"
#: "ok", or "failed" where the solver could not give a trustworthy result.
STATUS = "status"
#: Why a point failed, or how it was computed where that is worth saying ("" otherwise).
MESSAGE = "message"
#: The values of :data:`STATUS`.
OK = "ok"
FAILED = "failed"

#: Every leukemic cell (L, and Ln in the extended models) at day 30, in cells.
L30 = "L30"
#: Whether L30 < 1 cell (the paper's response).
RESPONDER = "responder"
#: The paper's C_peak, in cells: the total CAR T count C (CA + CM, every product and
#: exhausted cells included) at its first peak in a sweep or grid point (root-found; C at the
#: horizon where C still grows there), at its highest in a run's metrics (``Summary``).
C_PEAK = "C_peak"
#: The day of :data:`C_PEAK` (the paper's t_peak), in days.
T_PEAK = "t_peak"
#: log10(C_peak / D), in orders of magnitude, where D is the total CAR T dose given up to
#: the peak: C at day 0 plus the scheduled doses of a dose schedule on days up to t_peak
#: (conditional doses, on relapse, are not counted); without a schedule D = C_0, the
#: paper's log(C_peak / C_0). Empty where D is 0.
FOLD_EXPANSION = "fold_expansion"
#: D of :data:`FOLD_EXPANSION`: the CAR T cells given up to the peak (a run's metrics).
CAR_T_DOSE = "car_t_dose"
#: Whether C stopped growing before the horizon (False: C_peak is C at the horizon).
PEAK_REACHED = "peak_reached"
#: The first day every leukemic cell together regrows past 1e8 cells after falling below
#: (empty: no relapse), in days.
RELAPSE_DAY = "relapse_day"
#: Ln / (L + Ln) at the relapse (empty without relapse; extended models only), a fraction.
CD19NEG_SHARE = "cd19neg_share_at_relapse"
#: Every leukemic cell at the end of a run, in cells (a scenario's metrics table).
L_END = "L_end"

#: A virtual trial's endpoints, one row per patient (:mod:`pycart.analysis.endpoints`), as
#: the trials define them through the clinical observation models of :mod:`pycart.core.observe`
#: (blasts: a share of the marrow's nucleated cells; CAR T: copies/µg DNA in blood). Days are
#: days since the infusion (day 0); empty (NaN) where the event did not happen in follow-up.
#: Complete remission at day 28: marrow blasts under 5% (bool).
REMISSION_DAY28 = "remission_day28"
#: The first day blasts fall under 5% and stay there at least 28 days (ELIANA: a remission
#: maintained for at least 28 days), log-interpolated between samples; NaN if none.
REMISSION_DAY = "remission_day"
#: Remission within 3 months, ELIANA's primary endpoint (bool).
REMISSION_3M = "remission_3m"
#: MRD-negative at day 28: blasts under 1e-4, flow cytometry's limit (bool).
MRD_NEGATIVE_DAY28 = "mrd_negative_day28"
#: Morphologic relapse: the first day after remission blasts are back at 5% or more. Not
#: :data:`RELAPSE_DAY`, which is the sweeps' regrowth past 1e8 cells (an MRD-level relapse).
MORPHOLOGIC_RELAPSE_DAY = "morphologic_relapse_day"
#: Whether a morphologic relapse happened within follow-up (bool).
RELAPSE_EVENT = "relapse_event"
#: Relapse-free survival time of a patient in remission within 3 months: days from remission
#: to relapse or to censoring at the end of follow-up (NaN for the others).
RFS_TIME = "rfs_time"
#: Whether the CD19-negative clone Ln is most of the leukaemic cells on the relapse day
#: (nullable bool: NA without relapse; False in models without Ln).
RELAPSE_CD19_NEGATIVE = "relapse_cd19_negative"
#: Days of B-cell aplasia from day 0: the B-cell recovery day, or the follow-up where aplasia
#: persists; 0 where CD19+ B cells never fell under the aplasia threshold.
APLASIA_DAYS = "aplasia_days"
#: The first day CD19+ B cells are back at the aplasia threshold after falling under it (0
#: where they never fell under it, NaN where aplasia persists through follow-up).
BCELL_RECOVERY_DAY = "bcell_recovery_day"
#: Peak CAR T transgene copies/µg DNA in blood over days 0-28 (Stein et al. 2019's Cmax).
CMAX_BLOOD = "cmax_blood"
#: The day of :data:`CMAX_BLOOD` (Tmax), in days.
TMAX = "tmax"
#: Stein et al. 2019's fold expansion foldx, a ratio (not the log10 of
#: :data:`FOLD_EXPANSION`): Cmax over the day-0 level of the log-linear expansion phase.
FOLDX = "foldx"
#: A trial's endpoint columns, in order.
TRIAL_ENDPOINTS: tuple[str, ...] = (
    REMISSION_DAY28, REMISSION_DAY, REMISSION_3M, MRD_NEGATIVE_DAY28, MORPHOLOGIC_RELAPSE_DAY,
    RELAPSE_EVENT, RFS_TIME, RELAPSE_CD19_NEGATIVE, APLASIA_DAYS, BCELL_RECOVERY_DAY,
    CMAX_BLOOD, TMAX, FOLDX)

#: The CD19-negative clone seeded stochastically (:mod:`pycart.analysis.seeding`), per
#: patient: the day its first surviving clone reaches the handoff size, where the ODE takes
#: over (NaN: none within the horizon), the cells dosed as Ln on that day (the handoff size,
#: or 0), and the number of antigen-loss events.
LN_SEED_DAY = "ln_seed_day"
LN_SEED_CELLS = "ln_seed_cells"
LOSS_EVENTS = "antigen_loss_events"

#: The metrics one point can report, in the order of a table's columns.
METRICS: tuple[str, ...] = (L30, RESPONDER, T_PEAK, C_PEAK, FOLD_EXPANSION, PEAK_REACHED,
                            RELAPSE_DAY, CD19NEG_SHARE)

#: In a result table, an initial amount that varies is named ``init_<species>`` (``init_L``),
#: so it cannot be read as a result (``L30``, ``L@60``).
INITIAL_PREFIX = "init_"


def input_column(name: str, species: Sequence[str]) -> str:
    """The result-table column of a varying quantity: a parameter by its id, an initial
    amount as ``init_<species>``."""
    return f"{INITIAL_PREFIX}{name}" if name in species else name


def scheduled_dose_day(k: int) -> str:
    """The column of the day (days) of the ``k``-th dose (from 1, in time order) of a run's
    dose schedule: ``scheduled_dose_day(2)`` is ``"dose2_day"``."""
    return f"dose{k}_day"


def at_day(species: str, day: float) -> str:
    """The column of ``species``' amount (cells) at ``day``: ``at_day("L", 30)`` is
    ``"L@30"``."""
    return f"{species}@{day:g}"
