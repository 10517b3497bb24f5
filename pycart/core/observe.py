"""Clinical observation models: what a trial measures, computed from the model's marrow.

The model counts cells in the bone marrow; the clinic measures something else:

- **Leukaemic blasts** as a share of the marrow's nucleated cells (morphology: complete
  remission is under 5% blasts; minimal residual disease by flow cytometry is negative under
  1e-4, by sequencing under about 1e-6). Here the share is ``leukaemia / (MARROW_CELLS +
  leukaemia)``: the normal marrow's nucleated cells, :data:`MARROW_CELLS`, plus the leukaemic
  cells (L, and Ln where the model has the CD19-negative clone). The normal marrow is held at
  its homeostatic size (the model does not follow myeloid or erythroid cells).
- **CAR T cells in peripheral blood** as CAR transgene copies per µg of genomic DNA (qPCR;
  Mueller et al. 2018, Stein et al. 2019): taken proportional to the marrow's CAR T cells
  (exhausted cells included: qPCR counts the transgene in every cell that carries it), with a
  scale factor in copies/µg per marrow cell that a fit estimates or a trial calibrates.
- **B-cell aplasia**: CD19+ B cells (B1 + B2 + B3) under :data:`APLASIA_FRACTION` of their
  homeostatic number, :data:`HOMEOSTATIC_CD19_B`.

Each observable is also written as a formula over the model's ids (:func:`formula`), the form
PEtab's observable table and an SBML assignment rule take.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .errors import PycartError
from .names import B_CELLS, CAR_T, LEUKEMIA, MODELS

#: Nucleated cells of the normal marrow, in cells. Martinez-Rubio et al. (2021, section 4)
#: set the leukaemia's carrying capacity Lmax = 1e12 cells at "approximately twice" the
#: marrow's normal homeostatic capacity, from Nombela-Arrieta and Manz (2017, Blood Adv
#: 1:407); half of it is taken here. [derived from the paper's own reading]
MARROW_CELLS = 5e11
#: Complete remission: marrow blasts under 5% of nucleated cells (ELIANA; Maude et al. 2018).
REMISSION_BLASTS = 0.05
#: MRD-negative by flow cytometry: under 1e-4 (ELIANA; Maude et al. 2018).
MRD_FLOW = 1e-4
#: MRD-negative by next-generation sequencing: under about 1e-6 (Pulsipher et al. 2022).
MRD_NGS = 1e-6
#: CD19+ B-lineage cells (B1 + B2 + B3) of the paper's marrow at homeostasis, in cells: the
#: steady state of eqs. (1a)-(1d) with Table 1's values (pycart.core.homeostasis; the paper
#: quotes about 3e10).
HOMEOSTATIC_CD19_B = 3.17e10
#: B-cell aplasia: CD19+ B cells under 1% of their homeostatic number. [choice: blood
#: aplasia is read clinically as CD19+ cells under about 1% of lymphocytes]
APLASIA_FRACTION = 0.01

#: The observable ids: the blast share of the marrow and CAR T copies in blood.
MRD = "MRD"
BLOOD_CAR_T = "blood_CART"
#: The scale factor's id (copies/µg DNA per marrow CAR T cell) in formulas.
BLOOD_SCALE = "blood_scale"


@dataclass(frozen=True)
class Clinical:
    """One clinical observable: its id, what it is and its unit."""

    id: str
    description: str
    unit: str


#: The clinical observables every model has.
CLINICAL: dict[str, Clinical] = {
    MRD: Clinical(MRD, "leukaemic blasts as a share of the marrow's nucleated cells "
                  "(L [+ Ln]) / (MARROW_CELLS + L [+ Ln])", "fraction"),
    BLOOD_CAR_T: Clinical(BLOOD_CAR_T, "CAR T cells in peripheral blood, proportional to the "
                          "marrow's CAR T cells (exhausted included) with the scale factor "
                          f"{BLOOD_SCALE}", "copies/µg DNA"),
}


def leukaemia_ids(model: str) -> tuple[str, ...]:
    """The leukaemic species of ``model`` (L, and Ln where it has the CD19-negative clone)."""
    return tuple(s for s in LEUKEMIA if s in _species(model))


def car_t_ids(model: str) -> tuple[str, ...]:
    """The CAR T species of ``model`` (every product, exhausted cells included)."""
    return tuple(s for s in CAR_T if s in _species(model))


def cd19_b_ids(model: str) -> tuple[str, ...]:
    """The CD19+ B-lineage species of ``model`` (B1, B2, B3: B0 is CD19-negative)."""
    return tuple(s for s in B_CELLS[1:] if s in _species(model))


def blast_fraction(leukaemia: np.ndarray | float) -> np.ndarray:
    """The blasts' share of the marrow's nucleated cells for ``leukaemia`` cells."""
    cells = np.maximum(np.asarray(leukaemia, dtype=float), 0.0)
    return cells / (MARROW_CELLS + cells)


def blood_car_t(car_t: np.ndarray | float, scale: float) -> np.ndarray:
    """CAR transgene copies per µg DNA in blood for ``car_t`` marrow CAR T cells."""
    if not (np.isfinite(scale) and scale > 0):
        raise PycartError(f"{BLOOD_SCALE} = {scale!r}: must be finite and > 0 "
                          "(copies/µg DNA per marrow CAR T cell)")
    return scale * np.maximum(np.asarray(car_t, dtype=float), 0.0)


def aplastic(cd19_b: np.ndarray | float) -> np.ndarray:
    """Whether ``cd19_b`` CD19+ B cells (B1 + B2 + B3) mean B-cell aplasia."""
    return np.asarray(cd19_b, dtype=float) < APLASIA_FRACTION * HOMEOSTATIC_CD19_B


def observe(model: str, values: Mapping[str, np.ndarray], scale: float | None = None
            ) -> dict[str, np.ndarray]:
    """The clinical observables from simulated amounts ``values`` (species id -> array):
    MRD always, blood CAR T when a ``scale`` is given."""
    out = {MRD: blast_fraction(_total(values, leukaemia_ids(model)))}
    if scale is not None:
        out[BLOOD_CAR_T] = blood_car_t(_total(values, car_t_ids(model)), scale)
    return out


def formula(model: str, observable: str) -> str:
    """``observable`` as a formula over ``model``'s ids (PEtab's observableFormula)."""
    if observable == MRD:
        cells = " + ".join(leukaemia_ids(model))
        return f"({cells}) / ({MARROW_CELLS:g} + {cells})"
    if observable == BLOOD_CAR_T:
        return f"{BLOOD_SCALE} * ({' + '.join(car_t_ids(model))})"
    raise PycartError(f"unknown clinical observable {observable!r} (allowed: "
                      f"{', '.join(CLINICAL)})")


def _species(model: str) -> tuple[str, ...]:
    if model not in MODELS:
        raise PycartError(f"unknown model {model!r} (allowed: {', '.join(MODELS)})")
    return MODELS[model]


def _total(values: Mapping[str, np.ndarray], ids: tuple[str, ...]) -> np.ndarray:
    missing = [i for i in ids if i not in values]
    if missing:
        raise PycartError(f"the simulation lacks {missing[0]} (needed: {', '.join(ids)})")
    return np.sum([np.asarray(values[i], dtype=float) for i in ids], axis=0)
