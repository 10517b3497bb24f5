"""What figures print for an id: parameters by the paper's symbols (Greek letters in
mathtext), doses and switches in words with their units, initial amounts as ``X(0)``, and
numbers as powers of ten; no code id reaches a title, a subtitle or a legend. And the series
a figure can draw, with their colours (what a scenario's panels are checked against)."""

from __future__ import annotations

import re

from ..core import columns as col
from ..core.names import MODELS, PARAMETERS

#: File formats a figure is written in, and the default and allowed resolutions (dots/inch).
#: Here, not in pycart.experiments.figures, so that the command line's parser offers them
#: without importing matplotlib (1.7 s of every command's start, a sweep's included).
FIGURE_FORMATS = ("png", "svg", "pdf")
DEFAULT_DPI = 150
DPI_RANGE = (20, 1200)

#: Symbols the paper (or the model's documentation) gives to ids :func:`greek` cannot
#: spell: subscripts, and the letters that are not Greek names in the id.
SYMBOLS: dict[str, str] = {
    "h": "$h$", "h2": "$h_2$", "k": "$k$", "Lmax": "$L_{max}$",
    "eA": "$e_A$", "gC": "$g_C$", "kE": "$k_E$", "XE": "$X_E$", "nE": "$n_E$",
    "muL": "$\\mu_L$",
    "B0": "$B_0$", "B1": "$B_1$", "B2": "$B_2$", "B3": "$B_3$", "L": "$L$", "Ln": "$L_n$",
    "CA": "$C_A$", "CM": "$C_M$", "CA2": "$C_{A2}$", "CM2": "$C_{M2}$",
    "CE": "$C_E$", "CE2": "$C_{E2}$",
}

#: Doses and their rules in words, with units: the text for a value (``{}``) and the text
#: when the value is 0, which turns the rule off (the model's convention).
DOSE_WORDS: dict[str, tuple[str, str]] = {
    "reinf_day": ("CAR T reinfusion on day {}", "no scheduled reinfusion"),
    "reinf_dose": ("scheduled reinfusion of {} CAR T cells", "no scheduled reinfusion"),
    "relapse_threshold": ("reinfusion when $L$ regrows to {} cells", "no reinfusion on relapse"),
    "relapse_dose": ("{} CAR T cells on relapse", "no reinfusion on relapse"),
    "relapse_fallback_day": ("on day {} without response", "no reinfusion without response"),
    "binf_threshold": ("B-cell infusion when $L$ regrows to {} cells", "no B-cell infusion"),
    "binf_dose": ("{} B cells on relapse", "no B-cell infusion"),
    "binf_fallback_day": ("B cells on day {} without response",
                          "no B-cell infusion without response"),
    "reinf_day2": ("product 2 infused on day {}", "no scheduled product 2"),
    "reinf_dose2": ("scheduled infusion of {} product 2 cells", "no scheduled product 2"),
    "relapse_dose2": ("{} product 2 cells on relapse", "no product 2 on relapse"),
}

#: Switches in words: (when on, when off).
SWITCH_WORDS: dict[str, tuple[str, str]] = {
    "B0_in_F": ("pro-B cells as antigen in F (as printed)", "F without pro-B cells"),
    "CA_loss_gammaMA": ("$\\gamma_{MA}$ in the loss of $C_A$ (as printed)",
                        "$\\gamma_{AM}$ in the loss of $C_A$"),
    "exhaustion": ("exhaustion on", "exhaustion off"),
    "escape": ("CD19- clone on", "CD19- clone off"),
}

#: Metrics (grid columns, panel titles) in words.
METRIC_WORDS: dict[str, str] = {
    col.FOLD_EXPANSION: "fold expansion", col.T_PEAK: "time to CAR T peak",
    col.C_PEAK: "CAR T peak", col.RELAPSE_DAY: "relapse day",
}

#: Observables a calibration's data may name (sums and shares kept in the models) in words.
OBSERVABLE_WORDS: dict[str, str] = {
    "CT": "total CAR T", "CT_all": "total CAR T (exhausted included)",
    "C1": "CAR T, product 1", "C2": "CAR T, product 2",
    "CA_all": "activated CAR T, both products", "CM_all": "memory CAR T, both products",
    "Bpos": "CD19+ B cells", "L_all": "leukaemic cells (CD19+ and CD19-)",
    "Lshare": "leukaemic share of B-lineage cells",
}

#: Parameter ids whose first letters are a Greek letter in the paper.
_GREEK = re.compile(r"(?<![A-Za-z\\$])(alpha|rho|gamma|tau)(?:_?([A-Z0-9][A-Za-z0-9]*))?"
                    r"(?![a-z])")

_UNITS = {"1/day": "day$^{-1}$", "1/(cell*day)": "cell$^{-1}$ day$^{-1}$", "cell": "cells",
          "1/cell": "cell$^{-1}$", "day": "days", "dimensionless": ""}


def greek(text: str) -> str:
    """``text`` with the paper's Greek parameter names in mathtext: ``alpha`` as α,
    ``rhoA`` and ``rho_A`` as ρ_A, ``gammaAM`` as γ_AM, ``tauM`` as τ_M."""
    def sub(match: re.Match) -> str:
        letter, index = match.group(1), match.group(2)
        return f"$\\{letter}_{{{index}}}$" if index else f"$\\{letter}$"

    text = _GREEK.sub(sub, text)
    text = re.sub(r"(?<![\w$])log10(?![\w$])", r"$\\log_{10}$", text)
    return re.sub(r"(?<![\w$\\])h(2?)(?![\w$])",
                  lambda m: f"$h_{m.group(1)}$" if m.group(1) else "$h$", text)


def words(text: str) -> str:
    """``text`` (a panel title) with metric ids in words and parameter ids as symbols."""
    text = re.sub(r"\b(" + "|".join(METRIC_WORDS) + r")\b",
                  lambda m: METRIC_WORDS[m.group(1)], text)
    return greek(text)


def symbol(name: str) -> str:
    """A parameter or species id as a symbol: Greek letters and subscripts in mathtext."""
    return SYMBOLS.get(name) or greek(name)


def quantity_label(name: str) -> str:
    """A measured quantity (a species or an observable of :data:`OBSERVABLE_WORDS`) as a
    reader names it: a sum or share in words, a species by its symbol."""
    return OBSERVABLE_WORDS.get(name) or symbol(name)


def fixed_item(name: str, value: float) -> str:
    """One value a figure holds fixed, as a reader says it: ``α = 3·10⁻¹⁰``, a dose or a
    rule in words with its unit, a switch on or off, an initial amount as ``C_A(0) = 0``."""
    if name in SWITCH_WORDS:
        return SWITCH_WORDS[name][0 if value else 1]
    if name in DOSE_WORDS:
        given, off = DOSE_WORDS[name]
        return given.format(math_number(value)) if value else off
    if name in MODELS["cart_bm2_ext"]:
        return f"{symbol(name)}(0) = {math_number(value)}"
    return f"{symbol(name)} = {math_number(value)}"


#: Characters a line of held-fixed values takes at most, a mathtext command counted as one
#: (a panel 4.6 inches wide holds about 55 at the title's size, exponents drawn wide).
LINE_LENGTH = 55


def fixed_text(values) -> str:
    """The values held fixed (:func:`fixed_item`), wrapped to lines of at most
    :data:`LINE_LENGTH` visible characters; a rule named twice (a dose and its threshold
    both off) once."""
    items = dict.fromkeys(fixed_item(k, v) for k, v in values.items())
    lines, line = [], ""
    for item in items:
        longer = f"{line}, {item}" if line else item
        if line and _width(longer) > LINE_LENGTH:
            lines.append(line)
            line = item
        else:
            line = longer
    return "\n".join([*lines, line]) if line else ""


def _width(text: str) -> int:
    """Characters ``text`` shows: a mathtext command as one, markup as none."""
    return len(re.sub(r"[${}^_]", "", re.sub(r"\\[a-zA-Z]+", "x", text)))


def run_label(label: str) -> str:
    """A run's label for a legend: ``id=value`` as :func:`fixed_item` says it, other numbers
    after ``=`` in mathtext (``alpha=3e-09`` as α = 3·10⁻⁹), Greek names."""
    number = r"([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)(?![\w.])"

    def known(match: re.Match) -> str:
        name, value = match.group(1), float(match.group(2))
        if name in PARAMETERS or name in MODELS["cart_bm2_ext"]:
            return fixed_item(name, value)
        return f"{greek(name)} = {math_number(value)}"

    label = re.sub(r"(?<![\w$])([A-Za-z]\w*)=" + number, known, label)
    return greek(re.sub(r"=" + number, lambda m: f" = {math_number(float(m.group(1)))}",
                        label))


def axis_label(name: str) -> str:
    """An axis label for a parameter or initial amount: its symbol and unit."""
    if name in PARAMETERS:
        unit = _UNITS.get(PARAMETERS[name].unit, PARAMETERS[name].unit)
    elif name in MODELS["cart_bm2_ext"]:
        unit = "cells at day 0"
    else:
        return greek(name)
    return f"{symbol(name)} ({unit})" if unit else symbol(name)


def math_number(value: float) -> str:
    """``value`` in mathtext: ``3e-10`` as 3·10⁻¹⁰, ``1e9`` as 10⁹, ``0.55`` as is."""
    value = float(value)
    if value == 0 or 1e-2 <= abs(value) < 1e4:
        return f"{value:g}"
    mantissa, exponent = f"{value:.3g}".split("e") if "e" in f"{value:.3g}" else (
        f"{value:.3g}", "0")
    power = f"10^{{{int(exponent)}}}"
    return f"${power}$" if mantissa == "1" else f"${mantissa}\\cdot{power}$"


# ---- how the figures draw each series ------------------------------------------------------

#: The kinds of panel a figure draws (:data:`pycart.experiments.figures.DRAW` holds the
#: drawing function of each, in this order).
PANEL_KINDS = ("timecourse", "expansion", "proportions", "heatmap", "boxplot", "share")

BLUE, GREY, ORANGE, BROWN, RED = "#1f5fa8", "#6e6e6e", "#f28e1c", "#8c3b0c", "#d62728"
LIGHT_BLUE, LIGHT_GREY = "#9ecae1", "#ababab"

#: How each series is drawn: (label, colour, line style, columns summed).
SERIES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "L": ("leukemic cells", GREY, "-", ("L",)),
    "C": ("total CAR T", ORANGE, "-", ("CA", "CM", "CA2", "CM2", "CE", "CE2")),
    "CA": ("activated CAR T", ORANGE, "-", ("CA", "CA2")),
    "CM": ("memory CAR T", ORANGE, ":", ("CM", "CM2")),
    "C1": ("original product", ORANGE, "-", ("CA", "CM")),
    "C2": ("new product", BROWN, "-", ("CA2", "CM2")),
    "B0": ("pro-B (CD19-)", BLUE, "-", ("B0",)),
    "B1": ("pre-BI", BLUE, "--", ("B1",)),
    "B2": ("pre-BII", BLUE, "-.", ("B2",)),
    "B3": ("immature B", BLUE, ":", ("B3",)),
    "B+": ("CD19+ B cells", BLUE, ":", ("B1", "B2", "B3")),
    "CE": ("exhausted CAR T", BROWN, "--", ("CE",)),
    "Ln": ("CD19- leukemic cells", GREY, "--", ("Ln",)),
}
