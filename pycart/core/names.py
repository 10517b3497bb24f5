"""Every id the package uses: species, parameters, switches and result columns.

The ids are those of the SBML model (``models/cart_bm.ant``) and of the paper's notation, so a
reader of Martinez-Rubio et al. (2021) finds them at once.
"""

from __future__ import annotations

from dataclasses import dataclass

#: State variables, in the order of the paper's equations (2a)-(2g). Cell counts (amounts).
SPECIES: tuple[str, ...] = ("B0", "B1", "B2", "B3", "L", "CA", "CM")

#: State variables of the two-product model: the paper's, then the second product's.
SPECIES2: tuple[str, ...] = (*SPECIES, "CA2", "CM2")

#: State variables of the extended model (beyond the paper): the paper's, then exhausted CAR T
#: cells and the CD19-negative leukemic clone.
SPECIES_EXT: tuple[str, ...] = (*SPECIES, "CE", "Ln")

#: State variables of the extended two-product model (Figure 8C beyond the paper): the
#: two-product model's, then the exhausted cells of the original product, the CD19-negative
#: clone and the exhausted cells of the second product.
SPECIES2_EXT: tuple[str, ...] = (*SPECIES2, "CE", "Ln", "CE2")

#: The compiled models: the paper's, the same marrow with a second CAR T product, the
#: paper's model with the exhaustion and CD19-negative clone modules (switches off by
#: default), and the two-product model with the same modules.
MODELS: dict[str, tuple[str, ...]] = {"cart_bm": SPECIES, "cart_bm2": SPECIES2,
                                      "cart_bm_ext": SPECIES_EXT, "cart_bm2_ext": SPECIES2_EXT}

#: The models with a second CAR T product, and the models with the modules beyond the paper.
TWO_PRODUCT_MODELS: tuple[str, ...] = ("cart_bm2", "cart_bm2_ext")
EXTENDED_MODELS: tuple[str, ...] = ("cart_bm_ext", "cart_bm2_ext")
DEFAULT_MODEL = "cart_bm"

#: Records the dose events keep: the day each dose was given (0 until it is given).
DOSE_RECORDS: dict[str, str] = {
    "reinf_given_day": "scheduled CAR T reinfusion",
    "relapse_given_day": "CAR T reinfusion on relapse",
    "binf_given_day": "B-cell infusion on relapse",
    "reinf2_given_day": "scheduled infusion of the second product",
    "relapse2_given_day": "second product on relapse",
}

#: CAR T compartments, whose sum is "total CAR T" (exhausted cells CE included: qPCR counts
#: transgene copies whether a cell is exhausted or not).
CAR_T: tuple[str, ...] = ("CA", "CM", "CA2", "CM2", "CE", "CE2")

#: Leukemic compartments: the CD19+ clone of the paper and the CD19-negative clone of cart_bm_ext.
LEUKEMIA: tuple[str, ...] = ("L", "Ln")

#: B-cell maturation stages (eqs. 1a-1d).
B_CELLS: tuple[str, ...] = ("B0", "B1", "B2", "B3")

#: Sums the figures plot, kept in each model as an assignment rule (its id: the species
#: summed), so a tool that plots one variable per curve (COPASI) shows the same totals.
OBSERVABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "cart_bm": {"CT": ("CA", "CM"), "Bpos": ("B1", "B2", "B3")},
    "cart_bm2": {"CT": ("CA", "CM", "CA2", "CM2"), "C1": ("CA", "CM"), "C2": ("CA2", "CM2"),
                 "CA_all": ("CA", "CA2"), "CM_all": ("CM", "CM2"), "Bpos": ("B1", "B2", "B3")},
    "cart_bm_ext": {"CT": ("CA", "CM"), "Bpos": ("B1", "B2", "B3"),
                    "CT_all": ("CA", "CM", "CE"), "L_all": LEUKEMIA},
    "cart_bm2_ext": {"CT": ("CA", "CM", "CA2", "CM2"), "C1": ("CA", "CM"),
                     "C2": ("CA2", "CM2"), "CA_all": ("CA", "CA2"), "CM_all": ("CM", "CM2"),
                     "Bpos": ("B1", "B2", "B3"), "CT_all": ("CA", "CM", "CA2", "CM2", "CE", "CE2"),
                     "L_all": LEUKEMIA},
}

#: Observables for calibration that are not sums (assignment rules in both models): what
#: clinical data measure besides counts.
SHARES: dict[str, str] = {
    "Lshare": "leukaemic share of B-lineage marrow cells, L / (B0 + B1 + B2 + B3 + L)",
}


def quantity(model: str, species: tuple[str, ...]) -> str:
    """The one SBML id holding the sum of ``species`` in ``model`` (a species or an
    observable); :class:`KeyError` if the model keeps no such sum."""
    if len(species) == 1:
        return species[0]
    for ident, summed in OBSERVABLES[model].items():
        if set(summed) == set(species):
            return ident
    raise KeyError(f"{model} has no observable for {' + '.join(species)}")

#: Column holding time, in days, in every result table.
TIME = "time"

#: Columns of a trajectory table.
TRAJECTORY_COLUMNS: tuple[str, ...] = (TIME, *SPECIES)

#: Day at which response is judged, and the threshold: a responder has L(30) < 1 cell.
RESPONSE_DAY = 30.0
RESPONSE_THRESHOLD = 1.0


@dataclass(frozen=True)
class ParameterSpec:
    """What a model parameter may take: ``positive`` excludes zero, ``switch`` allows 0 or 1."""

    unit: str
    positive: bool = False
    switch: bool = False

    def allowed(self) -> str:
        """Human-readable description of the allowed values."""
        if self.switch:
            return "0 or 1"
        bound = "> 0" if self.positive else ">= 0"
        return f"a finite number {bound}, in {self.unit}"


#: Parameters a user may set, with their units: Table 1, the switches for the printed forms,
#: the doses, and the second product's attributes. A model accepts those it has.
PARAMETERS: dict[str, ParameterSpec] = {
    "rho0": ParameterSpec("1/day"),
    "rho1": ParameterSpec("1/day"),
    "rho2": ParameterSpec("1/day"),
    "gamma0": ParameterSpec("1/day"),
    "gamma1": ParameterSpec("1/day"),
    "gamma2": ParameterSpec("1/day"),
    "gamma3": ParameterSpec("1/day"),
    "k": ParameterSpec("1/cell"),
    "rhoL": ParameterSpec("1/day"),
    "Lmax": ParameterSpec("cell", positive=True),
    "gammaL": ParameterSpec("1/day"),
    "alpha": ParameterSpec("1/(cell*day)"),
    "rhoA": ParameterSpec("1/day"),
    "tauA": ParameterSpec("day", positive=True),
    "gammaAM": ParameterSpec("1/day"),
    "gammaMA": ParameterSpec("1/day"),
    "tauM": ParameterSpec("day", positive=True),
    "h": ParameterSpec("cell", positive=True),
    "B0_in_F": ParameterSpec("dimensionless", switch=True),
    "CA_loss_gammaMA": ParameterSpec("dimensionless", switch=True),
    # doses (0 = off)
    "reinf_day": ParameterSpec("day"),
    "reinf_dose": ParameterSpec("cell"),
    "relapse_threshold": ParameterSpec("cell"),
    "relapse_dose": ParameterSpec("cell"),
    "relapse_fallback_day": ParameterSpec("day"),
    "binf_threshold": ParameterSpec("cell"),
    "binf_dose": ParameterSpec("cell"),
    "binf_fallback_day": ParameterSpec("day"),
    # the second product (cart_bm2 and cart_bm2_ext only)
    "alpha2": ParameterSpec("1/(cell*day)"),
    "rhoA2": ParameterSpec("1/day"),
    "h2": ParameterSpec("cell", positive=True),
    "reinf_day2": ParameterSpec("day"),
    "reinf_dose2": ParameterSpec("cell"),
    "relapse_dose2": ParameterSpec("cell"),
    # beyond the paper (cart_bm_ext and cart_bm2_ext only): exhaustion, the CD19-negative clone
    "exhaustion": ParameterSpec("dimensionless", switch=True),
    "eA": ParameterSpec("1/day"),
    "gC": ParameterSpec("cell", positive=True),
    "kE": ParameterSpec("1/day"),
    "XE": ParameterSpec("day", positive=True),
    "nE": ParameterSpec("dimensionless", positive=True),
    "tauX": ParameterSpec("day", positive=True),
    "tauE": ParameterSpec("day", positive=True),
    "escape": ParameterSpec("dimensionless", switch=True),
    "muL": ParameterSpec("1/day"),
    "rhoLn": ParameterSpec("1/day"),
}

#: Parameters only the two-product model has.
SECOND_PRODUCT_PARAMETERS: tuple[str, ...] = (
    "alpha2", "rhoA2", "h2", "reinf_day2", "reinf_dose2", "relapse_dose2")

#: Parameters only the extended model has (its modules' switches and their parameters).
EXTENSION_PARAMETERS: tuple[str, ...] = (
    "exhaustion", "eA", "gC", "kE", "XE", "nE", "tauX", "tauE", "escape", "muL", "rhoLn")

#: The extended model's module switches (0 = off: the paper's model).
MODULE_SWITCHES: tuple[str, ...] = ("exhaustion", "escape")


def model_parameters(model: str = DEFAULT_MODEL) -> tuple[str, ...]:
    """The settable parameters model ``model`` has (the second product's only in the
    two-product models, the modules' only in the extended models)."""
    return tuple(p for p in PARAMETERS
                 if (model in TWO_PRODUCT_MODELS or p not in SECOND_PRODUCT_PARAMETERS)
                 and (model in EXTENDED_MODELS or p not in EXTENSION_PARAMETERS))


#: The switch parameters that restore the paper's printed forms (default 0 = the reading).
SWITCHES: tuple[str, ...] = tuple(p for p, s in PARAMETERS.items()
                                  if s.switch and p not in MODULE_SWITCHES)
