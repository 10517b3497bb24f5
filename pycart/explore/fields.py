"""The explorer's inputs: every value a user can set, with its words, unit, the paper's value
(the model's default) and the range the page accepts; and the reading of a filled-in form
into a :class:`Request`, with one message per bad field.

The ranges are the model's own (a rate is >= 0, a lifetime > 0, a switch 0 or 1) with upper
ends a page can promise an answer for in a fraction of a second: no human marrow holds more
than 1e14 cells (the body has ~3e13), no rate here exceeds 100 per day (a lifetime under a
quarter of an hour), and a run spans at most ten years (longer: ``pycart run``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..core.inputs import parse_number
from ..core.names import (
    DEFAULT_MODEL,
    EXTENDED_MODELS,
    MODELS,
    PARAMETERS,
    TWO_PRODUCT_MODELS,
    model_parameters,
)
from ..core.resources import default_values
from ..core.schedule import Dose

#: The longest run the page offers (days): ten years.
MAX_T_END = 3650.0
#: The default horizon: Figure 3's six months.
T_END = 180.0
#: Output spacing (days) of the page's trajectory: that of ``pycart run`` (scenarios).
STEP = 0.1
#: The largest amount of cells the page accepts anywhere.
MAX_CELLS = 1e14
#: Inputs that may be left empty: not set, so the model's value, or a dose schedule that
#: doses the product on day 0, decides (a product set and dosed on day 0 is ambiguous).
OPTIONAL = frozenset({"i_CA"})
#: Upper ends by unit (the lower end is 0, open where the model requires > 0).
UNIT_MAX = {"1/day": 100.0, "1/(cell*day)": 1e-6, "cell": MAX_CELLS, "1/cell": 1e-3,
            "day": MAX_T_END, "dimensionless": 100.0}
#: Units as the page prints them.
UNIT_TEXT = {"1/day": "per day", "1/(cell*day)": "per cell per day", "cell": "cells",
             "1/cell": "per cell", "day": "days", "dimensionless": ""}


@dataclass(frozen=True)
class Field:
    """One input: a parameter (``kind`` "parameter"), an initial amount ("initial") or the
    horizon ("horizon"); ``ident`` is the model's id, ``key`` the page's input id."""

    ident: str
    label: str
    kind: str = "parameter"
    models: tuple[str, ...] = tuple(MODELS)

    @property
    def key(self) -> str:
        """The input's id in the page (ids of parameters and species may coincide)."""
        return {"parameter": "p_", "initial": "i_"}.get(self.kind, "") + self.ident

    @property
    def unit(self) -> str:
        """The unit of the model (the model's ParameterSpec), cells for an amount."""
        if self.kind == "parameter":
            return PARAMETERS[self.ident].unit
        return "cell" if self.kind == "initial" else "day"

    @property
    def switch(self) -> bool:
        """Whether the input is a 0/1 switch (a check box)."""
        return self.kind == "parameter" and PARAMETERS[self.ident].switch

    def bounds(self) -> tuple[float, float, bool]:
        """(lowest, highest, whether the lowest is excluded)."""
        if self.kind == "horizon":
            return 0.0, MAX_T_END, True
        if self.kind == "initial":
            return 0.0, MAX_CELLS, False
        spec = PARAMETERS[self.ident]
        return 0.0, UNIT_MAX[spec.unit], spec.positive

    def allowed(self) -> str:
        """The range in words, with the unit."""
        lo, hi, open_low = self.bounds()
        unit = f" {UNIT_TEXT[self.unit]}" if UNIT_TEXT[self.unit] else ""
        return (f"> {text(lo)} and <= {text(hi)}{unit}" if open_low
                else f"{text(lo)} to {text(hi)}{unit}")


@dataclass(frozen=True)
class Section:
    """A group of inputs under one heading."""

    title: str
    fields: tuple[Field, ...]
    note: str = ""


def _p(ident: str, label: str, models: tuple[str, ...] = tuple(MODELS)) -> Field:
    return Field(ident, label, "parameter", models)


_TWO = TWO_PRODUCT_MODELS
_EXT = EXTENDED_MODELS

#: The page's inputs by section, in the page's order. Labels use the paper's symbols.
SECTIONS: tuple[Section, ...] = (
    Section("Product", (
        _p("alpha", "α, killing capacity"), _p("h", "h, activation threshold"),
        _p("rhoA", "ρ_A, proliferation of activated cells"),
        _p("tauA", "τ_A, lifetime of activated cells"),
        _p("gammaAM", "γ_AM, activated to memory"), _p("gammaMA", "γ_MA, memory to activated"),
        _p("tauM", "τ_M, lifetime of memory cells"),
        Field("CA", "C_A(0), CAR T dose on day 0 (empty: the schedule's)", "initial"),
        _p("alpha2", "α₂, killing capacity of product 2", _TWO),
        _p("h2", "h₂, activation threshold of product 2", _TWO),
        _p("rhoA2", "ρ_A2, proliferation of product 2", _TWO))),
    Section("Patient", (
        Field("L", "L(0), leukaemic burden", "initial"),
        Field("B0", "B₀(0), pro-B cells", "initial"),
        Field("B1", "B₁(0), pre-BI cells", "initial"),
        Field("B2", "B₂(0), pre-BII cells", "initial"),
        Field("B3", "B₃(0), immature B cells", "initial"),
        Field("CM", "C_M(0), memory CAR T cells", "initial"),
        _p("rhoL", "ρ_L, leukaemic proliferation"), _p("Lmax", "L_max, leukaemic capacity"),
        _p("gammaL", "γ_L, leukaemic exit to blood"))),
    Section("Marrow (Table 1)", (
        _p("rho0", "ρ₀, pro-B proliferation"), _p("rho1", "ρ₁, pre-BI proliferation"),
        _p("rho2", "ρ₂, pre-BII proliferation"), _p("gamma0", "γ₀, pro-B to pre-BI"),
        _p("gamma1", "γ₁, pre-BI to pre-BII"), _p("gamma2", "γ₂, pre-BII to immature"),
        _p("gamma3", "γ₃, immature exit to blood"), _p("k", "k, feedback intensity"))),
    Section("Model", (
        _p("B0_in_F", "pro-B cells as antigen in F, as printed (2h)"),
        _p("CA_loss_gammaMA", "γ_MA in the loss of C_A, as printed (2f)"),
        _p("exhaustion", "module: CAR T exhaustion", _EXT),
        _p("eA", "e_A, exhaustion rate", _EXT), _p("gC", "g_C, exhaustion half-saturation", _EXT),
        _p("kE", "k_E, exhaustion clock rate", _EXT), _p("XE", "X_E, exhaustion onset", _EXT),
        _p("nE", "n_E, exhaustion steepness", _EXT), _p("tauX", "τ_X, exposure memory", _EXT),
        _p("tauE", "τ_E, lifetime of exhausted cells", _EXT),
        _p("escape", "module: CD19-negative clone", _EXT),
        _p("muL", "μ_L, antigen-loss rate", _EXT),
        _p("rhoLn", "ρ_Ln, CD19-negative proliferation", _EXT))),
    Section("Doses", (
        _p("reinf_day", "day of a scheduled reinfusion (0: none)"),
        _p("reinf_dose", "CAR T cells reinfused on that day"),
        _p("relapse_threshold", "reinfuse when L regrows to (0: never)"),
        _p("relapse_dose", "CAR T cells reinfused on relapse"),
        _p("relapse_fallback_day", "reinfusion day without response"),
        _p("binf_threshold", "infuse B cells when L regrows to (0: never)"),
        _p("binf_dose", "B cells infused on relapse"),
        _p("binf_fallback_day", "B-cell infusion day without response (0: none)"),
        _p("reinf_day2", "day product 2 is infused (0: none)", _TWO),
        _p("reinf_dose2", "product 2 cells infused on that day", _TWO),
        _p("relapse_dose2", "product 2 cells on relapse", _TWO)),
        note="The paper's dose rules (a scheduled reinfusion, doses on relapse), given "
             "beside the dose schedule above."),
    Section("Horizon", (Field("t_end", "horizon", "horizon"),)),
)


def all_fields() -> tuple[Field, ...]:
    """Every input of :data:`SECTIONS`, in order."""
    return tuple(f for s in SECTIONS for f in s.fields)


def defaults(model: str = DEFAULT_MODEL) -> dict[str, float]:
    """The model's values of every input it has, by input id (the paper's values)."""
    return dict(_defaults(model))


@functools.lru_cache(maxsize=len(MODELS))
def _defaults(model: str) -> MappingProxyType:
    """:func:`defaults`, read from the model's SBML once per process (every preset and
    every form reads them)."""
    params, initial = default_values(model)
    out = {}
    for f in all_fields():
        if model not in f.models:
            continue
        out[f.key] = T_END if f.kind == "horizon" else (
            params[f.ident] if f.kind == "parameter" else initial[f.ident])
    return MappingProxyType(out)


def text(value: float) -> str:
    """A value as the page shows it: short (``3e-10``, ``1e9``, ``0.9``) and read back as
    exactly ``value`` (the paper's rho0 keeps all its digits)."""
    short = f"{value:g}"
    shown = short if float(short) == value else repr(float(value))
    mantissa, e, exponent = shown.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else shown


@dataclass(frozen=True)
class Request:
    """One run asked for: the model, every parameter and initial amount (the page's
    values), the horizon; ``changed`` holds those that differ from the model's defaults."""

    model: str
    parameters: dict[str, float]
    initial: dict[str, float]
    t_end: float
    changed_parameters: dict[str, float] = field(default_factory=dict)
    changed_initial: dict[str, float] = field(default_factory=dict)
    #: the dose schedule of the editor (:func:`pycart.explore.doses.read_page`)
    doses: tuple[Dose, ...] = ()

    @property
    def points(self) -> int:
        """Output points: one every :data:`STEP` days, both ends included (two at least)."""
        return max(2, round(self.t_end / STEP) + 1)


def check_value(f: Field, raw: object) -> tuple[float | None, str]:
    """``raw`` (text typed, or a check box's true/false) as the number ``f`` takes, or None
    and one line saying what is wrong and what is allowed."""
    if f.switch:
        if isinstance(raw, bool):
            return float(raw), ""
        return None, f"{f.ident}: {raw!r} is not on or off (allowed: 0 or 1)"
    try:
        value = parse_number(str(raw))
    except ValueError:
        return None, f"{str(raw).strip()[:40]!r} is not a number (allowed: {f.allowed()})"
    lo, hi, open_low = f.bounds()
    if not math.isfinite(value) or value > hi or value < lo or (open_low and value == lo):
        shown = text(value) if math.isfinite(value) else raw
        return None, f"{shown} is out of range (allowed: {f.allowed()})"
    return value, ""


def read_form(values: Mapping[str, object]) -> tuple[Request | None, dict[str, str]]:
    """The :class:`Request` a form describes (``values`` by input id, with ``model``), or
    None and the message of each bad input by its id. Inputs the model lacks are ignored;
    one missing from ``values`` takes the model's default (one of :data:`OPTIONAL`, missing
    or empty, is left out of the request: the model or the dose schedule decides it)."""
    model = str(values.get("model", DEFAULT_MODEL))
    if model not in MODELS:
        return None, {"model": f"unknown model {model!r} (allowed: {', '.join(MODELS)})"}
    base = defaults(model)
    errors: dict[str, str] = {}
    read: dict[str, float] = {}
    for f in all_fields():
        if model not in f.models:
            continue
        raw = values.get(f.key)
        if f.key in OPTIONAL and (raw is None or not str(raw).strip()):
            continue  # not set: the model's value or the schedule's day-0 doses
        value, message = (base[f.key], "") if raw is None else check_value(f, raw)
        if value is None:
            errors[f.key] = message
        else:
            read[f.key] = value
    errors = check_doses(read) | errors  # every problem at once, a value's own first
    if errors:
        return None, errors
    by_kind = {kind: {f.ident: read[f.key] for f in all_fields()
                      if f.kind == kind and f.key in read} for kind in ("parameter", "initial")}
    params = {k: v for k, v in by_kind["parameter"].items() if k in model_parameters(model)}
    changed_p = {k: v for k, v in params.items() if v != base[f"p_{k}"]}
    changed_i = {k: v for k, v in by_kind["initial"].items() if v != base[f"i_{k}"]}
    return Request(model, params, by_kind["initial"], read["t_end"], changed_p, changed_i), {}


#: Scheduled doses: (day, cells) of the first and of the second product.
SCHEDULED = (("p_reinf_day", "p_reinf_dose"), ("p_reinf_day2", "p_reinf_dose2"))
#: Doses on relapse: (cells, the L at which they are given).
ON_RELAPSE = (("p_relapse_dose", "p_relapse_threshold"), ("p_relapse_dose2", "p_relapse_threshold"),
              ("p_binf_dose", "p_binf_threshold"))


def check_doses(read: Mapping[str, float]) -> dict[str, str]:
    """The doses the model would never give, by the input to fix (``read``: the values read
    well, by input id): a scheduled dose without
    a day, or on a day past the horizon; a day without a dose; a dose on relapse without
    the L that triggers it. (A trigger without a dose is a rule turned off, as in Figure
    S4's runs without the B-cell infusion.)"""
    errors = {}
    horizon = read.get("t_end", MAX_T_END)  # (a bad horizon has its own message)
    for day, dose in SCHEDULED:
        if day not in read or dose not in read:  # not in the model, or a bad value
            continue
        if read[dose] > 0 and read[day] == 0:
            errors[day] = (f"{text(read[dose])} cells need a day (allowed: a day > 0 and <= "
                           f"the horizon, {text(horizon)})")
        elif read[day] > horizon:
            errors[day] = (f"day {text(read[day])} is after the horizon (allowed: a day <= "
                           f"{text(horizon)}, or 0 for none)")
        elif read[day] > 0 and read[dose] == 0:
            errors[dose] = (f"day {text(read[day])} has no dose (allowed: cells > 0, or day 0 "
                            "for none)")
    for dose, trigger in ON_RELAPSE:
        if dose in read and trigger in read and read[dose] > 0 and read[trigger] == 0:
            errors.setdefault(trigger, f"{text(read[dose])} cells on relapse need the L that "
                                       "triggers them (allowed: cells > 0)")
    return errors
