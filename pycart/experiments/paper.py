"""The paper's experiments (Figures 2-8, S1-S4) as named scenarios.

Every number the paper leaves open is chosen once, with the reason beside it, in
:mod:`pycart.experiments.values` (imported here under the same names); the scenarios below
only refer to these names.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core import columns as col
from ..core.errors import PycartError
from ..core.names import B_CELLS
from .beyond import BEYOND_SCENARIOS
from .regimens import REGIMEN_SCENARIOS
from .scenario import Axis, Grid, Panel, RunSpec, Scenario
from .values import (
    ALPHA_RANGE,
    B_INFUSION_DOSE,
    DYNAMICS,
    FIG2,
    FIG3,
    FIG3_INITIAL,
    FIG4_B_SCALE,
    FIG4_DOSE,
    FIG4_L,
    FIG5,
    FIG5_ALPHA,
    FIG5_H,
    FIG5_RHOA,
    FIG6_FIXED,
    FIG7_ALPHA,
    FIG7_H_CAPTION,
    FIG7_H_TEXT,
    FIG7_HORIZON,
    H_RANGE,
    HIGH_DOSE,
    IMPROVED,
    NR_PATIENTS,
    PATIENTS,
    RELAPSE_THRESHOLD,
    RHOA_RANGE,
    S1_H,
    S1_LOW_BURDEN,
    S3_DAY,
    STANDARD_DOSE,
)


def fig2() -> Scenario:
    return Scenario(
        "fig2", "Dynamics without B-cell production (blood-like)",
        "Only L and CAR T cells (eqs. 2e-2g): no B cells, alpha = 3e-10, h = 5e8; the first "
        "month (A) and nine months (B).",
        t_end=270.0,
        runs=(RunSpec("no-B-cells", FIG2, {b: 0.0 for b in B_CELLS}),),
        panels=(Panel("A: first month", runs=("no-B-cells",), series=("L", "C", "CM"), t_max=30),
                Panel("B: nine months", runs=("no-B-cells",), series=("L", "C", "CM"))),
        layout=(1, 2))


def fig3() -> Scenario:
    return Scenario(
        "fig3", "Successful control of the disease in bone marrow",
        "The full model over six months with alpha = 3e-10, h = 1e9 (A), and the B-cell subset "
        "proportions at homeostasis and after therapy, at day 180 (B).",
        runs=(RunSpec("fig3", FIG3),),
        panels=(Panel("A: dynamics", runs=("fig3",),
                      series=("B0", "B1", "B2", "B3", "L", "CA", "CM")),
                Panel("B: B-cell subsets", kind="proportions", runs=("fig3",))),
        layout=(1, 2))


def _threes(runs: list[RunSpec], *titles: str) -> tuple[Panel, ...]:
    """One panel per title, each with the next three runs (solid, dashed, dotted)."""
    return tuple(Panel(title, runs=tuple(r.label for r in runs[3 * k: 3 * k + 3]))
                 for k, title in enumerate(titles))


def fig4() -> Scenario:
    b = sum(FIG3_INITIAL[x] for x in B_CELLS)
    runs = [RunSpec(f"L0={v:.0e}", FIG3, {"L": v}) for v in FIG4_L]
    runs += [RunSpec(f"B={s * b:.1e}", FIG3, {x: FIG3_INITIAL[x] * s for x in B_CELLS})
             for s in FIG4_B_SCALE]
    runs += [RunSpec(f"CA0={v:.0e}", FIG3, {"CA": v}) for v in FIG4_DOSE]
    return Scenario(
        "fig4", "Initial tumour load, B-cell level and CAR T dose",
        "L and total CAR T for three initial tumour burdens (A), B-cell burdens (B) and CAR T "
        "doses (C), in decreasing order solid, dashed, dotted; alpha = 3e-10, h = 1e9.",
        t_end=60.0, runs=tuple(runs),
        panels=_threes(runs, "A: tumour burden", "B: B-cell burden", "C: CAR T dose"),
        layout=(1, 3),
        choices=("Initial values per panel: pycart.experiments.paper.FIG4_L, FIG4_B_SCALE, "
                 "FIG4_DOSE.",))


def fig5() -> Scenario:
    runs = [RunSpec(f"alpha={v:.0e}", FIG5 | {"alpha": v}) for v in FIG5_ALPHA]
    runs += [RunSpec(f"h={v:.0e}", FIG5 | {"h": v}) for v in FIG5_H]
    runs += [RunSpec(f"rhoA={v:g}", FIG5 | {"rhoA": v}) for v in FIG5_RHOA]
    return Scenario(
        "fig5", "CAR T product attributes",
        "L and total CAR T over 30 days for three killing capacities (A), activation "
        "thresholds (B) and proliferation rates (C), in decreasing order solid, dashed, "
        "dotted; otherwise alpha = 3e-10, h = 5e8.",
        t_end=30.0, runs=tuple(runs),
        panels=_threes(runs, "A: killing capacity alpha", "B: activation threshold h",
                       "C: proliferation rate rho_A"),
        layout=(1, 3),
        choices=("Values per panel: pycart.experiments.paper.FIG5_ALPHA, FIG5_H, FIG5_RHOA.",))


def _fig6_grids(base: dict[str, float], t_end: float, days: tuple[float, ...],
                suffix: str = "") -> tuple[Grid, ...]:
    alpha = Axis("alpha", *ALPHA_RANGE, 200)
    h = Axis("h", *H_RANGE, 200)
    rho = Axis("rhoA", *RHOA_RANGE, 200, "linear")
    pairs = {"alpha-h": (alpha, h), "alpha-rhoA": (alpha, rho), "h-rhoA": (h, rho)}
    return tuple(Grid(name + suffix, axes, base | FIG6_FIXED[name], t_end, days)
                 for name, axes in pairs.items())


def _patients(extra: dict[str, float] | None = None, names=tuple(PATIENTS)) -> tuple[RunSpec, ...]:
    return tuple(RunSpec(n, PATIENTS[n] | (extra or {})) for n in names)


def fig6() -> Scenario:
    grids = _fig6_grids({}, 30.0, (30.0,))
    marks = {"alpha-h": ("R2", "NR2"), "alpha-rhoA": ("R3", "NR3"), "h-rhoA": ("R1", "NR1")}
    panels = tuple(Panel(f"A: log10 L30 over {g.name}", kind="heatmap", grid=g.name,
                         value=col.L30, marks=marks[g.name]) for g in grids)
    panels += tuple(Panel(f"B: {n}", runs=(n,), series=DYNAMICS) for n in PATIENTS)
    return Scenario(
        "fig6", "Responding and non-responding patients over the product attributes",
        "L at day 30 over (alpha, h), (alpha, rho_A) and (h, rho_A), 200 x 200 each, the "
        "third attribute fixed (A); three responding and three non-responding patients over "
        "six months (B).",
        runs=_patients(), grids=grids, panels=panels, layout=(3, 3),
        choices=("Fixed attribute per heatmap: pycart.experiments.paper.FIG6_FIXED.",
                 "The R and NR patients: pycart.experiments.paper.PATIENTS."))


def fig7() -> Scenario:
    axes = (Axis("rhoA", *RHOA_RANGE, 10, "linear"), Axis("alpha", *FIG7_ALPHA, 20))
    grids = (Grid("text", (*axes, Axis("h", *FIG7_H_TEXT, 20)), t_end=FIG7_HORIZON,
                  metrics=True),
             Grid("caption", (*axes, Axis("h", *FIG7_H_CAPTION, 20)), t_end=FIG7_HORIZON,
                  metrics=True))
    return Scenario(
        "fig7", "Expansion of responders and non-responders: 4000 virtual patients",
        "10 rho_A x 20 alpha x 20 h; time to peak and fold expansion log10(C_peak/C_0) of "
        "responders against non-responders (Wilcoxon rank-sum), for h over the text's "
        "5e8-5e10 and the caption's 5e9-5e11.",
        t_end=FIG7_HORIZON, runs=(RunSpec("typical", FIG3),), grids=grids,
        panels=(Panel("A: a typical expansion", kind="expansion", runs=("typical",), t_max=60),
                Panel("B: time to peak (h 5e8-5e10)", kind="boxplot", grid="text",
                      series=(col.T_PEAK,)),
                Panel("B: fold expansion (h 5e8-5e10)", kind="boxplot", grid="text",
                      series=(col.FOLD_EXPANSION,)),
                Panel("responders (h 5e9-5e11)", kind="boxplot", grid="caption",
                      series=(col.FOLD_EXPANSION,))),
        layout=(1, 4),
        choices=("Peak and fold expansion are taken over the first 60 days, where every "
                 "patient's first peak is reached (pycart.experiments.values.FIG7_HORIZON); "
                 "the cohort presets fig7 and fig7-caption are these grids.",))


def _strategies() -> tuple[RunSpec, ...]:
    runs = []
    rule = {"relapse_threshold": RELAPSE_THRESHOLD}
    for n in NR_PATIENTS:
        runs.append(RunSpec(f"{n}-A", PATIENTS[n] | rule | {"relapse_dose": STANDARD_DOSE}))
        runs.append(RunSpec(f"{n}-B", PATIENTS[n] | rule | {"relapse_dose": HIGH_DOSE}))
        runs.append(RunSpec(f"{n}-C", PATIENTS[n] | IMPROVED[n] | rule
                            | {"relapse_dose2": STANDARD_DOSE}, model="cart_bm2"))
    return tuple(runs)


def fig8() -> Scenario:
    runs = _strategies()
    panels = tuple(Panel(f"{s}: {n}", runs=(f"{n}-{s}",), series=DYNAMICS)
                   for s in "ABC" for n in NR_PATIENTS)
    return Scenario(
        "fig8", "A second infusion for the non-responding patients",
        "For NR1-NR3, a second dose when L regrows to 1e8 cells (day 30 if it never fell "
        "below): 5e8 cells of the original product (A), 5e9 cells (B), 5e8 cells of an "
        "improved product (C, the two-product model).",
        runs=runs, panels=panels, layout=(3, 3),
        choices=("The NR patients: pycart.experiments.paper.PATIENTS; improved products: "
                 "IMPROVED.",))


def figS1() -> Scenario:
    runs = [RunSpec(f"{burden}-h={h:.0e}", FIG3 | {"h": h}, init)
            for burden, init in (("Fig3-burden", {}), ("low-burden", S1_LOW_BURDEN))
            for h in S1_H]
    return Scenario(
        "figS1", "Low CD19 burden with a high activation threshold",
        "L and total CAR T for Figure 3's burden and a low CD19 burden, each with activation "
        "thresholds from high to Figure 3's, in decreasing order solid, dashed, dotted.",
        runs=tuple(runs),
        panels=(Panel("Figure 3's CD19 burden", runs=tuple(r.label for r in runs[:3])),
                Panel("low CD19 burden", runs=tuple(r.label for r in runs[3:]))),
        layout=(1, 2),
        choices=("Low burden and high h: pycart.experiments.paper.S1_LOW_BURDEN, S1_H.",))


def figS2() -> Scenario:
    runs = tuple(r for r in _strategies() if r.label.endswith("-C"))
    return Scenario(
        "figS2", "Share of the improved product after the second infusion",
        "The improved product's share of all CAR T cells after it is infused on relapse "
        "(Figure 8C).",
        runs=runs,
        panels=(Panel("share of the new product", kind="share", runs=tuple(r.label for r in runs)),
                *(Panel(r.label, runs=(r.label,), series=("C1", "C2", "L")) for r in runs)),
        layout=(1, 4))


def figS3() -> Scenario:
    protocol = {"relapse_threshold": RELAPSE_THRESHOLD, "relapse_dose": STANDARD_DOSE}
    grids = _fig6_grids(protocol, S3_DAY, (30.0, S3_DAY), suffix="-reinfusion")
    return Scenario(
        "figS3", "Figure 6's heatmaps under the reinfusion protocol",
        "L at day 180 over Figure 6's three attribute pairs when 5e8 CAR T cells of the same "
        "product are reinfused as L regrows to 1e8 (day 30 without response).",
        grids=grids,
        panels=tuple(Panel(f"log10 L180 over {g.name}", kind="heatmap", grid=g.name,
                           value=col.at_day("L", S3_DAY)) for g in grids),
        layout=(1, 3),
        choices=("Outcome day: pycart.experiments.paper.S3_DAY.",))


def figS4() -> Scenario:
    runs = []
    for n in NR_PATIENTS:
        # "none" is the same rule with a dose of 0 cells (the dose events are off at dose 0),
        # so the pair differs in the dose alone: one parameter scan in SED-ML and COPASI
        rule = PATIENTS[n] | {"binf_threshold": RELAPSE_THRESHOLD}
        runs.append(RunSpec(f"{n}-none", rule | {"binf_dose": 0.0}))
        runs.append(RunSpec(f"{n}-B-infusion", rule | {"binf_dose": B_INFUSION_DOSE}))
    return Scenario(
        "figS4", "B-cell infusion upon relapse",
        "NR1-NR3 without and with an infusion of B cells when L regrows to 1e8 cells.",
        runs=tuple(runs),
        panels=tuple(Panel(n, runs=(f"{n}-B-infusion",), series=DYNAMICS)
                     for n in NR_PATIENTS)
        + tuple(Panel(f"{n}: L and CAR T, without (solid) / with (dashed)",
                      runs=(f"{n}-none", f"{n}-B-infusion")) for n in NR_PATIENTS),
        layout=(2, 3),
        choices=("Dose, compartment and trigger: pycart.experiments.paper.B_INFUSION_DOSE.",))


#: The named scenarios: the paper's, in the paper's order, then those beyond the paper
#: (pycart.experiments.beyond: exhaustion and a CD19-negative clone, issue 14), then dose
#: regimens (pycart.experiments.regimens, issue 20).
SCENARIOS: dict[str, Callable[[], Scenario]] = {
    "fig2": fig2, "fig3": fig3, "fig4": fig4, "fig5": fig5, "fig6": fig6, "fig7": fig7,
    "fig8": fig8, "figS1": figS1, "figS2": figS2, "figS3": figS3, "figS4": figS4,
    **BEYOND_SCENARIOS, **REGIMEN_SCENARIOS,
}


def paper_scenario(name: str) -> Scenario:
    """The paper's scenario ``name``; :class:`PycartError` lists the names otherwise."""
    if name not in SCENARIOS:
        raise PycartError(f"unknown scenario {name!r} (allowed: {', '.join(SCENARIOS)}, "
                          "or a .toml file)")
    return SCENARIOS[name]()
