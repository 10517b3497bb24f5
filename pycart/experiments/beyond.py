"""Beyond the paper (issue 14): T-cell exhaustion and a CD19-negative clone, as named scenarios.

The paper's discussion lists what its model cannot do: relapse from month 3 on (the model
reaches a steady state), CD19-negative relapse, and the large responder/non-responder
differences in expansion seen in patients. ``cart_bm_ext`` (``models/cart_bm.ant``) adds the
remedies it proposes as two modules, each behind a switch that is off by default: exhaustion
(``exhaustion = 1``) and a CD19-negative clone (``escape = 1``). The module parameters' values
are the model's own (calibrated in ``pycart.analysis.ext_calibration``, or illustrative), so every
scenario here only turns switches on; the clinical targets they are measured against are in
``pycart.analysis.outcomes``.

The paper's numbers come from :mod:`pycart.experiments.values`, so
:mod:`pycart.experiments.paper` can list these scenarios beside its own.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core import columns as col
from .scenario import Axis, Grid, Panel, RunSpec, Scenario
from .values import (
    FIG7_ALPHA,
    FIG7_H_TEXT,
    HIGH_DOSE,
    IMPROVED,
    NR_PATIENTS,
    PATIENTS,
    RELAPSE_THRESHOLD,
    RHOA_RANGE,
    STANDARD_DOSE,
)

EXT = "cart_bm_ext"
#: The two-product model with the same modules (Figure 8C's improved second product).
EXT2 = "cart_bm2_ext"

#: The model variants: the paper's model (both switches off), each module, and both.
VARIANTS: dict[str, dict[str, float]] = {
    "base": {},
    "exhaustion": {"exhaustion": 1.0},
    "escape": {"escape": 1.0},
    "both": {"exhaustion": 1.0, "escape": 1.0},
}

#: The variants Figure 8's reinfusions are run under.
FIG8_VARIANTS = ("base", "exhaustion", "escape")

#: Horizon of the extended scenarios: twelve months, the landmark of ELIANA's relapse-free
#: survival (Laetsch et al. 2023).
HORIZON = 365.0
#: Day after which a relapse counts as late (the paper: its model cannot relapse "from the
#: third month on").
LATE_DAY = 90.0

#: The documented parameter sets. Late relapse after a response with exhaustion on: patient
#: P1, a point of the ext_fig7 cohort's design (rho_A 0.8, alpha 1.26e-10, h 1.26e9 there;
#: rounded here), chosen as a responder that stays in remission in the paper's model and
#: relapses after day 90 with exhaustion (the paper's own responders R1-R3 stay in remission
#: for a year with the calibrated values). CD19-negative relapse with the escape clone on:
#: Figure 3's product (patient R1).
LATE_RELAPSE_PATIENT = "P1"
EXTRA_PATIENTS = {"P1": {"alpha": 1e-10, "h": 1.25e9, "rhoA": 0.8}}
ESCAPE_PATIENT = "R1"

#: The Figure 7 cohort under the variants, at reduced resolution by default (4 rho_A x 6 alpha
#: x 6 h = 144 patients per variant, the size the calibration fits, over 365 days);
#: ``ext_fig7(full=True)`` runs the paper's 10 x 20 x 20. h spans the text's range, 5e8-5e10.
COHORT_SIZE = (4, 6, 6)
COHORT_SIZE_FULL = (10, 20, 20)
#: Days the cohort tables keep every species at (response, late relapse, twelve months).
COHORT_DAYS = (30.0, LATE_DAY, HORIZON)

SERIES = ("L", "Ln", "C", "CE", "B+")


def _patient(name: str) -> dict[str, float]:
    return dict(EXTRA_PATIENTS.get(name) or PATIENTS[name])


def ext_relapse() -> Scenario:
    """Late relapse after an initial response, with exhaustion on."""
    p = _patient(LATE_RELAPSE_PATIENT)
    runs = (RunSpec(f"{LATE_RELAPSE_PATIENT}-base", p, model=EXT),
            RunSpec(f"{LATE_RELAPSE_PATIENT}-exhaustion", p | VARIANTS["exhaustion"], model=EXT))
    return Scenario(
        "ext_relapse", "Beyond the paper: late relapse after a response (exhaustion)",
        f"Patient {LATE_RELAPSE_PATIENT} (alpha {p['alpha']:g}, h {p['h']:g}, rho_A "
        f"{p['rhoA']:g}) over twelve months in cart_bm_ext: the paper's model (switches off) "
        "keeps the leukaemia controlled; with exhaustion on, sustained stimulation exhausts "
        "the product and the CD19+ leukaemia relapses after month 3.",
        t_end=HORIZON, runs=runs,
        panels=tuple(Panel(r.label, runs=(r.label,), series=SERIES) for r in runs)
        + (Panel("L: base (solid) vs exhaustion (dashed)", runs=tuple(r.label for r in runs),
                 series=("L", "C")),),
        layout=(1, 3),
        choices=("Patient: pycart.experiments.beyond.EXTRA_PATIENTS (a point of the ext_fig7 "
                 "cohort); module values: models/cart_bm.ant (calibrated, "
                 "pycart.analysis.ext_calibration).",))


def ext_escape() -> Scenario:
    """CD19-negative relapse under CAR T pressure, with the escape clone on."""
    p = _patient(ESCAPE_PATIENT)
    runs = tuple(RunSpec(f"{ESCAPE_PATIENT}-{v}", p | VARIANTS[v], model=EXT)
                 for v in ("base", "escape", "both"))
    untreated = RunSpec("untreated-escape", p | VARIANTS["escape"], {"CA": 0.0}, model=EXT)
    return Scenario(
        "ext_escape", "Beyond the paper: CD19-negative relapse under CAR T pressure",
        f"Figure 3's product (patient {ESCAPE_PATIENT}) over twelve months in cart_bm_ext: "
        "without the clone (switches off), with the CD19-negative clone (escape), with both "
        "modules; and the untreated marrow with the clone, where CD19+ cells keep the niche.",
        t_end=HORIZON, runs=(*runs, untreated),
        panels=tuple(Panel(r.label, runs=(r.label,), series=SERIES)
                     for r in (*runs, untreated)),
        layout=(2, 2),
        choices=("Patient: pycart.experiments.beyond.ESCAPE_PATIENT; antigen-loss rate muL and "
                 "the clone's growth rate rhoLn: models/cart_bm.ant (calibrated).",))


def cohort_axes(full: bool = False) -> tuple[Axis, ...]:
    """Figure 7's three axes (rho_A linear, alpha and h log; h over the text's range)."""
    n_rho, n_alpha, n_h = COHORT_SIZE_FULL if full else COHORT_SIZE
    return (Axis("rhoA", *RHOA_RANGE, n_rho, "linear"), Axis("alpha", *FIG7_ALPHA, n_alpha),
            Axis("h", *FIG7_H_TEXT, n_h))


def ext_fig7(full: bool = False) -> Scenario:
    """The Figure 7 cohort under each variant over twelve months."""
    axes = cohort_axes(full)
    grids = tuple(Grid(v, axes, base, t_end=HORIZON, days=COHORT_DAYS, metrics=True, model=EXT,
                       relapse=True)
                  for v, base in VARIANTS.items())
    size = " x ".join(str(a.n) for a in axes)
    panels = tuple(Panel(f"{metric}: {g.name}", kind="boxplot", grid=g.name, series=(metric,))
                   for metric in (col.FOLD_EXPANSION, col.T_PEAK) for g in grids)
    return Scenario(
        "ext_fig7", "Beyond the paper: the Figure 7 cohort under exhaustion and CD19 escape",
        f"Figure 7's virtual patients ({size}: rho_A, alpha, h over the text's 5e8-5e10) over "
        "twelve months under each variant of cart_bm_ext; fold expansion and time to peak of "
        "responders against non-responders (Wilcoxon rank-sum). The grid tables keep the "
        "relapse day and the CD19-negative share at relapse; pycart.analysis.outcomes turns "
        "them into the responder share, the share relapsing after day 90 and the "
        "CD19-negative share of relapses.",
        t_end=HORIZON, grids=grids, panels=panels, layout=(2, 4),
        choices=(f"Reduced resolution by default ({size}); ext_fig7(full=True) runs 10 x 20 x "
                 "20.", "Peak, time to peak and fold expansion are over the twelve months."))


def ext_fig8() -> Scenario:
    """Figure 8's reinfusions (the same product, 5e8 and 5e9 cells; an improved second
    product, 5e8 cells) under the variants."""
    rule = {"relapse_threshold": RELAPSE_THRESHOLD}
    strategies = {"A": ({"relapse_dose": STANDARD_DOSE}, EXT, False),
                  "B": ({"relapse_dose": HIGH_DOSE}, EXT, False),
                  "C": ({"relapse_dose2": STANDARD_DOSE}, EXT2, True)}
    runs = []
    for variant in FIG8_VARIANTS:
        for n in NR_PATIENTS:
            for tag, (dose, model, improved) in strategies.items():
                product = IMPROVED[n] if improved else {}
                runs.append(RunSpec(f"{n}-{tag}-{variant}", PATIENTS[n] | product | rule
                                    | VARIANTS[variant] | dose, model=model))
    panels = tuple(Panel(f"{n}-{tag}: base / exhaustion / escape",
                         runs=tuple(f"{n}-{tag}-{v}" for v in FIG8_VARIANTS),
                         series=("L", "Ln", "C")) for tag in strategies for n in NR_PATIENTS)
    return Scenario(
        "ext_fig8", "Beyond the paper: Figure 8's reinfusions under exhaustion and CD19 escape",
        "For NR1-NR3, a second dose when L regrows to 1e8 cells (day 30 if it never fell "
        "below): 5e8 cells of the same product (A), 5e9 cells (B), or 5e8 cells of Figure "
        "8C's improved product (C, in cart_bm2_ext, the two-product model with the modules); "
        "in the paper's model (switches off), with exhaustion, and with the CD19-negative "
        "clone; over twelve months.",
        t_end=HORIZON, runs=tuple(runs), panels=panels, layout=(3, 3),
        choices=("Improved products: pycart.experiments.paper.IMPROVED (Figure 8C's); the "
                 "second product is exhausted by the same terms as the first, with its own "
                 "stimulation history.",))


#: The scenarios beyond the paper, by name.
BEYOND_SCENARIOS: dict[str, Callable[[], Scenario]] = {
    "ext_relapse": ext_relapse, "ext_escape": ext_escape, "ext_fig7": ext_fig7,
    "ext_fig8": ext_fig8,
}
