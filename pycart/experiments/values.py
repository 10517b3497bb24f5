"""The paper's numbers (Figures 2-8, S1-S4), and a choice, with its reason, wherever the
paper gives none: every number the named scenarios use is set here, once."""

from __future__ import annotations

from ..core.names import B_CELLS

# ---- the paper's own numbers ------------------------------------------------------------
#: Figure 3's initial state (also Figures 4-8): Fig. 3 caption.
FIG3_INITIAL = {"B0": 1e6, "B1": 3e7, "B2": 2e8, "B3": 9e7, "L": 2e11, "CA": 5e7, "CM": 0.0}
#: Product attributes of Figures 2-5 (captions).
FIG2 = {"alpha": 3e-10, "h": 5e8}
FIG3 = {"alpha": 3e-10, "h": 1e9}
FIG5 = {"alpha": 3e-10, "h": 5e8}
#: Table 1's ranges, used for the Figure 6 heatmaps (200 values each; log for alpha and h).
ALPHA_RANGE = (3e-11, 3e-9)
H_RANGE = (1e8, 1e11)
RHOA_RANGE = (0.4, 1.0)
#: Figure 7's design: 10 rho_C linear, 20 alpha log, 20 h log. The text gives h in
#: 5e8-5e10 and the caption 5e9-5e11; both are run.
FIG7_ALPHA = (5e-11, 5e-9)
FIG7_H_TEXT = (5e8, 5e10)
FIG7_H_CAPTION = (5e9, 5e11)
#: Figure 7's horizon, over which C_peak and t_peak are taken. The paper does not say; its
#: Figure 7A shows 60 days. Over 60 days every patient of both designs reaches the first
#: peak (the latest, a non-responder, on day 30.7), over 30 days two do not, and their peak
#: would be C at day 30 (1.6% lower, 0.7 day earlier): the scenario, the cohort presets and
#: the report all take 60 days.
FIG7_HORIZON = 60.0
#: The reinfusion protocol of Figures 8 and S3: a dose when L regrows to 1e8 cells, or at
#: day 30 when L never fell below it; 5e8 cells (8A, 8C) or 5e9 cells (8B).
RELAPSE_THRESHOLD = 1e8
STANDARD_DOSE = 5e8
HIGH_DOSE = 5e9

# ---- choices where the paper gives no number --------------------------------------------
#: The parameter held fixed in each Figure 6 heatmap (the caption says "Table 1"): Table 1's
#: rho_C = 0.9 for (alpha, h); Figure 3's h = 1e9 for (alpha, rho_C); Figure 3's
#: alpha = 3e-10 for (h, rho_C).
FIG6_FIXED = {"alpha-h": {"rhoA": 0.9}, "alpha-rhoA": {"h": 1e9}, "h-rhoA": {"alpha": 3e-10}}

#: Figure 6B's responding (R) and non-responding (NR) examples, one pair per heatmap, and the
#: patients of Figure 8. The paper marks them on its heatmaps without numbers. The NR
#: patients were picked on the heatmaps to fit what the paper says of them: each lies where
#: Figure 8C's improved product points (NR1 differs from its improved product in h and
#: rho_C, NR2 in h and alpha, NR3 in alpha and rho_C), their CAR T expand by one to three
#: orders of magnitude, and they relapse in the first to third month. The R patients are
#: responders on the same heatmaps (R1 is Figure 3).
PATIENTS = {
    "R1": {"alpha": 3e-10, "h": 1e9, "rhoA": 0.9},     # (h, rho_C) heatmap
    "NR1": {"alpha": 3e-10, "h": 1e10, "rhoA": 0.55},  # (h, rho_C) heatmap
    "R2": {"alpha": 1e-10, "h": 5e8, "rhoA": 0.9},     # (alpha, h) heatmap
    "NR2": {"alpha": 3e-9, "h": 3e10, "rhoA": 0.9},    # (alpha, h) heatmap
    "R3": {"alpha": 1e-9, "h": 1e9, "rhoA": 0.9},      # (alpha, rho_C) heatmap
    "NR3": {"alpha": 1e-10, "h": 1e9, "rhoA": 0.5},    # (alpha, rho_C) heatmap
}
#: Figure 8C's improved products (caption), as the second product's attributes; what the
#: caption does not change is the patient's own product.
IMPROVED = {
    "NR1": {"h2": 5e8, "rhoA2": 0.9, "alpha2": 3e-10},
    "NR2": {"h2": 5e8, "alpha2": 6e-10, "rhoA2": 0.9},
    "NR3": {"alpha2": 5e-8, "rhoA2": 0.7, "h2": 1e9},
}
#: Figure 4's three initial states per panel, in decreasing order: tumour burden across the
#: paper's 1e10-1e12; B-cell burden 10x, 1x and 0.1x Figure 3's; CAR T dose across the
#: paper's 1e7-1e8 (the text compares doses an order of magnitude apart).
FIG4_L = (1e12, 2e11, 1e10)
#: The initial leukaemia as a factor of a sensitivity analysis over Figure 7's ranges (where
#: the paper fixes L(0) = 2e11): Figure 4's span of tumour burdens, log-uniform.
L0_RANGE = (min(FIG4_L), max(FIG4_L))
FIG4_B_SCALE = (10.0, 1.0, 0.1)
FIG4_DOSE = (1e8, 5e7, 1e7)
#: Figure 5's three values per attribute, in decreasing order, spanning Table 1's ranges
#: around Figure 5's alpha = 3e-10 and h = 5e8.
FIG5_ALPHA = (3e-9, 3e-10, 3e-11)
FIG5_H = (5e10, 5e9, 5e8)
FIG5_RHOA = (1.0, 0.7, 0.4)
#: Figure S1: "low CD19 burden" is the low end of the paper's tumour burden, L0 = 1e10, and
#: B cells at a tenth of Figure 3's; the activation threshold takes decade steps from Table
#: 1's upper end, h = 1e11, down to Figure 3's h = 1e9.
S1_LOW_BURDEN = {"L": 1e10, **{b: FIG3_INITIAL[b] * 0.1 for b in B_CELLS}}
S1_H = (1e11, 1e10, 1e9)
#: Figure S3's outcome: the heatmaps show L at day 180 (six months, the paper's horizon for
#: the long runs), since the reinfusions come after day 30.
S3_DAY = 180.0
#: Figure S4: B cells infused when L regrows to 1e8 cells (the reinfusion rule), 5e8 cells
#: (the standard CAR T reinfusion dose, so both interventions compare at equal cell
#: numbers), into the immature compartment B3 (CD19+ cells that no longer proliferate, as
#: infused mature B cells would be).
B_INFUSION_DOSE = 5e8

NR_PATIENTS = ("NR1", "NR2", "NR3")
LONG = 180.0  # six months

DYNAMICS = ("CA", "CM", "L", "B0", "B+")  # the series of Figures 6B and 8
