"""The "Beyond the paper" section of the reproduction report: for each limitation the paper
states, the paper's model and each variant of cart_bm_ext (cart_bm2_ext for Figure 8C) side
by side: on Figure 7's grid, what each module does (no clinical target: a grid is not a
population; the report's "Virtual trial" section compares the variants with the trials), on
the documented patients and Figure 8's reinfusions, the behaviour each module shows. Every
number is computed from the scenario results handed in (run in the same ``pycart
reproduce`` run).
"""

from __future__ import annotations

import math

from ..analysis.outcomes import CohortOutcomes, cohort_outcomes
from ..core import columns as col
from ..experiments.beyond import (
    ESCAPE_PATIENT,
    LATE_DAY,
    LATE_RELAPSE_PATIENT,
    VARIANTS,
)
from ..experiments.scenario import ScenarioResult

#: The variants in the order of the table's columns.
COLUMNS = tuple(VARIANTS)


def _g(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}g}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


#: The cohort rows' clinical target: none, since a grid is not a population.
NOT_COMPARED = "none here: see Virtual trial"
#: A module moves a cohort measure when it changes it by more than this share of the paper's
#: model's value (a share of 0 moves with any change): the grid's 144 patients make smaller
#: differences noise of the design, not an effect.
MOVED = 0.05


def _effect(name: str, outcomes: dict[str, CohortOutcomes]) -> str:
    """What the modules do to the cohort's ``name``: the variants that move it by more than
    :data:`MOVED` of the paper's model's value, up ("raised") or down ("lowered")."""
    def value(v: str) -> float | None:
        x = getattr(outcomes[v], name)
        return None if x is None or math.isnan(x) else float(x)

    base, moved = value("base"), {"raised": list[str](), "lowered": list[str]()}
    for v in COLUMNS[1:]:
        x = value(v)
        if x is not None and base is not None and abs(x - base) > MOVED * abs(base):
            moved["raised" if x > base else "lowered"].append(v)
    return "; ".join(f"{k} by {', '.join(vs)}" for k, vs in moved.items() if vs) or \
        "the same with every module"


def _later_and_lower(o: CohortOutcomes) -> bool:
    """Whether the cohort's non-responders peak later and lower than its responders."""
    t_r, t_nr, fold_r, fold_nr = (math.nan if v is None else v for v in (
        o.median_t_peak_R, o.median_t_peak_NR, o.median_fold_R, o.median_fold_NR))
    return t_nr > t_r and fold_nr < fold_r  # False where a median is undefined (NaN)


def beyond_rows(fig7: ScenarioResult, relapse: ScenarioResult, escape: ScenarioResult,
                fig8: ScenarioResult) -> list[dict[str, str]]:
    """The section's rows (one per limitation or measure)."""
    out = {v: cohort_outcomes(fig7.grids[v]) for v in COLUMNS}
    n = out["base"].patients
    rows: list[dict[str, str]] = []

    def row(limitation: str, measure: str, fmt, name: str) -> None:
        """A measure of the grid: each variant's value and what the modules do to it."""
        rows.append({"limitation (paper)": limitation, "measure": measure,
                     **{v: fmt(getattr(out[v], name)) for v in COLUMNS},
                     "clinical target": NOT_COMPARED, "verdict": _effect(name, out)})

    row("No relapse from month 3 on (the model reaches a steady state)",
        f"responders relapsing after day {LATE_DAY:g} and by day 365 (cohort, {n} patients)",
        _pct, "late_relapse_share")
    row("", "responders relapsing by 12 months", _pct, "relapse_by_12m_share")
    rows.append(_patient_row(relapse, LATE_RELAPSE_PATIENT, "exhaustion"))
    row("No CD19-negative relapse (antigen escape)", "CD19-negative share of relapses "
        "(Ln > 50% of leukemic cells at relapse)", _pct, "cd19neg_share_of_relapses")
    rows.append(_patient_row(escape, ESCAPE_PATIENT, "escape"))
    # The grid's values against the trials (a grid as a population, the marrow's CAR T peak
    # against blood copies) are not like-for-like: the report's "Virtual trial" section
    # compares the variants on the trials' endpoints (pycart.report.trialsection).
    later = [v for v in COLUMNS if _later_and_lower(out[v])]
    rows.append({"limitation (paper)": "R/NR differences in expansion smaller than in "
                 "patients", "measure": "median time to peak R vs NR (days; "
                 "Wilcoxon p) / fold expansion R vs NR (log10; p)",
                 **{v: f"{_g(out[v].median_t_peak_R)} vs {_g(out[v].median_t_peak_NR)} "
                       f"(p {_g(out[v].p_t_peak, 2)}); {_g(out[v].median_fold_R)} vs "
                       f"{_g(out[v].median_fold_NR)} (p {_g(out[v].p_fold, 2)})" for v in COLUMNS},
                 "clinical target": NOT_COMPARED,
                 "verdict": f"NR peak later and lower with {', '.join(later) or 'no variant'}"})
    for name, measure, fmt in (
            ("early_decline_rate", "CAR T decline, peak to day 30 (1/day, responders)", _g),
            ("late_decline_rate", "CAR T decline, day 90 to 365 (1/day, responders)", _g)):
        row("Kinetics and response (not a limitation the paper states)", measure, fmt, name)
    rows.append(_fig8_row(fig8))
    return rows


def _patient_row(result: ScenarioResult, patient: str, variant: str) -> dict[str, str]:
    """The documented parameter set: the patient in the paper's model and with one module."""
    cells = {}
    for v in COLUMNS:
        label = f"{patient}-{v}"
        if label not in result.runs:
            cells[v] = ""
            continue
        s = result.runs[label].summary
        kind = ""
        if s.cd19neg_share_at_relapse is not None:
            kind = " CD19-" if s.cd19neg_share_at_relapse > 0.5 else " CD19+"
        cells[v] = (f"L30 {_g(s.L30)}; " + (f"relapse{kind} on day {s.relapse_day:.0f}"
                                           if s.relapse_day is not None else "no relapse"))
    s = result.runs[f"{patient}-{variant}"].summary
    if variant == "exhaustion":
        ok = bool(s.responder) and s.relapse_day is not None and s.relapse_day > LATE_DAY
        claim = "response, then relapse after day 90"
    else:
        ok = (bool(s.responder) and s.relapse_day is not None
              and (s.cd19neg_share_at_relapse or 0) > 0.5)
        claim = "response, then a relapse dominated by CD19-negative cells"
    return {"limitation (paper)": "", "measure": f"documented patient {patient} "
            f"({result.scenario.name})", **cells, "clinical target": claim,
            "verdict": f"{'shown' if ok else 'not shown'} with {variant} on"}


def _fig8_row(fig8: ScenarioResult) -> dict[str, str]:
    m = fig8.metrics().set_index("run")
    cells = {}
    for v in COLUMNS:
        done = [r for r in m.index if r.endswith(f"-{v}")]
        if not done:
            cells[v] = "not run"
            continue
        controlled = [r.rsplit("-", 1)[0] for r in done if m.loc[r, col.L_END] < 1]
        cells[v] = (f"controlled at day 365: {', '.join(controlled) or 'none'} "
                    f"(of {len(done)})")
    return {"limitation (paper)": "Figure 8's reinfusions (the paper's remedy for NR)",
            "measure": "NR1-NR3, 5e8 (A) or 5e9 (B) cells of the same product, or 5e8 cells "
                       "of Figure 8C's improved product (C, cart_bm2_ext), on regrowth to 1e8",
            **cells,
            "clinical target": "reinfusion of the same product rarely rescues a non-response",
            "verdict": "shown for comparison"}
