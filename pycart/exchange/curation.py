"""Model-level curation written into every compiled model: who encoded it and when, what it
is about (MIRIAM annotations with identifiers.org URIs), and notes with the equations, the
readings of the printed equations and the citation.

Element-level annotations (Cell Ontology terms, SBO terms) live in the Antimony source.
"""

from __future__ import annotations

import html

import libsbml

#: The encoders, and the dates this encoding was created and last changed (W3CDTF, UTC).
CREATORS = ({"given": "pycart", "family": "developers", "organisation": "pycart project"},)
CREATED = "2026-11-29T00:00:00Z"
MODIFIED = "2026-11-29T00:00:00Z"

DOI = "10.3390/ijms22126371"
#: PubMed id of the paper, as a literature table pairs it with the DOI (not looked up in
#: PubMed itself: the build machine has no network); the DOI is the authoritative reference.
PMID = "34198713"
CITATION = ("Martinez-Rubio A, Chulian S, Blazquez Goni C, Ramirez Orellana M, Perez Martinez "
            "A, Navarro-Zapata A, Ferreras C, Perez-Garcia VM, Rosa M. A Mathematical "
            "Description of the Bone Marrow Dynamics during CAR T-Cell Therapy in B-Cell "
            "Childhood Acute Lymphoblastic Leukemia. Int J Mol Sci 2021, 22(12):6371. "
            f"doi:{DOI}")

#: (qualifier kind, qualifier, URI) for the model.
MODEL_TERMS = (
    ("model", libsbml.BQM_IS_DESCRIBED_BY, f"http://identifiers.org/doi/{DOI}"),
    ("model", libsbml.BQM_IS_DESCRIBED_BY, f"http://identifiers.org/pubmed/{PMID}"),
    ("biology", libsbml.BQB_HAS_TAXON, "http://identifiers.org/taxonomy/9606"),
    ("biology", libsbml.BQB_HAS_PROPERTY, "http://identifiers.org/DOID:9952"),
    ("biology", libsbml.BQB_HAS_PROPERTY, "http://identifiers.org/DOID:0080638"),
)

READINGS = (
    "s_H in (2a)-(2c) is the s_B of (1f).",
    "The activation function F (2h) counts CD19+ cells only, (B1+B2+B3+L)/(h+B1+B2+B3+L): "
    "B0 is CD19-negative and CAR T cells act only on CD19+ cells. Taken literally (B0 in the "
    "sum), B0 regrows unopposed and CAR T cells grow without bound. Parameter B0_in_F = 1 "
    "restores the printed form.",
    "The effector-to-memory loss in (2f) is (1-F) gammaAM CA, mass-balanced with the gain in "
    "(2g). Taken literally, (1-F) gammaMA CA drains effector cells 330 times faster than they "
    "feed memory, and Figure 3 shows no response. Parameter CA_loss_gammaMA = 1 restores the "
    "printed form.",
    "Table 1's rho_C is rhoA, its alpha_AM and alpha_MA are gammaAM and gammaMA (per day).",
)


def curate(doc: libsbml.SBMLDocument, ode_lines: list[str]) -> None:
    """Write the model history, the model's annotations and its notes (with ``ode_lines``,
    the equations) into ``doc``."""
    model = doc.getModel()
    history = libsbml.ModelHistory()
    for person in CREATORS:
        creator = libsbml.ModelCreator()
        creator.setGivenName(person["given"])
        creator.setFamilyName(person["family"])
        creator.setOrganisation(person["organisation"])
        history.addCreator(creator)
    history.setCreatedDate(libsbml.Date(CREATED))
    history.setModifiedDate(libsbml.Date(MODIFIED))
    _check(model.setModelHistory(history), "model history")
    for kind, qualifier, uri in MODEL_TERMS:
        term = libsbml.CVTerm(libsbml.MODEL_QUALIFIER if kind == "model"
                              else libsbml.BIOLOGICAL_QUALIFIER)
        if kind == "model":
            term.setModelQualifierType(qualifier)
        else:
            term.setBiologicalQualifierType(qualifier)
        term.addResource(uri)
        _check(model.addCVTerm(term), f"annotation {uri}")
    _check(model.setNotes(_notes(model, ode_lines)), "notes")


def _notes(model: libsbml.Model, ode_lines: list[str]) -> str:
    two = model.getSpecies("CA2") is not None
    what = ("The bone marrow of a child with B-cell acute lymphoblastic leukaemia after CAR T "
            "infusion: four B-cell maturation stages (B0 pro-B, B1 pre-BI, B2 pre-BII, B3 "
            "immature), the leukaemic clone L, and effector (CA) and memory (CM) CAR T cells. "
            "Cells are counted (amounts, item); time is in days.")
    if two:
        what += (" This variant adds a second CAR T product (CA2, CM2; alpha2, h2, rhoA2) on "
                 "the same antigen, for the paper's Figures 8C and S2.")
    if model.getSpecies("CE") is not None:
        what += (" Beyond the paper: this variant adds two modules, each behind a 0/1 switch "
                 "that is off by default (both off: the paper's model). exhaustion = 1: "
                 "effector cells become exhausted CAR T cells CE (no proliferation, no "
                 "killing, lifetime tauE), by inactivation per CD19+ cell engaged, "
                 "eA*antigen*CA/(gC+CA) (Leon-Triana et al. 2021, Cancers 13:703, "
                 "BIOMD0000001014), and under sustained stimulation, kE*CA*X^nE/(XE^nE+X^nE) "
                 "with the stimulation history dX/dt = F - X/tauX (after Kareva and Gevertz's "
                 "cumulative-stimulation threshold model). escape = 1: a CD19-negative "
                 "leukaemic clone Ln, sharing the niche with L in the logistic term (Kara et "
                 "al. 2024, npj Syst Biol Appl 10:105), not killed by CAR T cells and not in "
                 "F, arising from L at rate muL and/or from an initial amount. Values marked "
                 "calibrated in models/cart_bm.ant were fitted by pycart to clinical targets; "
                 "illustrative values are choices, not data.")
    if model.getSpecies("CE2") is not None:
        what += (" The second product has the exhaustion module too: its effectors CA2 become "
                 "exhausted cells CE2 by the same terms, with its own stimulation history X2 "
                 "(dX2/dt = F2 - X2/tauX) and the same parameters; the CD19-negative clone "
                 "escapes both products.")
    doses = ("Doses are events, each off at 0: a scheduled reinfusion (reinf_day, reinf_dose), "
             "a reinfusion when L regrows past relapse_threshold after falling below it or on "
             "relapse_fallback_day without response (relapse_dose), and a B-cell infusion into "
             "B3 by the same rule (binf_threshold, binf_dose). Each records its day in "
             "*_given_day.")
    items = "".join(f"<li>{html.escape(r)}</li>" for r in READINGS)
    odes = html.escape("\n".join(ode_lines))
    return (
        '<body xmlns="http://www.w3.org/1999/xhtml">'
        f"<p>{html.escape(what)}</p>"
        "<p>How the printed equations are read:</p>"
        f"<ul>{items}</ul>"
        f"<p>{html.escape(doses)}</p>"
        f"<pre>{odes}</pre>"
        f"<p>{html.escape(CITATION)}</p>"
        "<p>Encoded with pycart (Antimony source models/cart_bm.ant).</p>"
        "</body>")


def _check(status: int, what: str) -> None:
    if status != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise RuntimeError(f"curation: could not set the {what} (libsbml status {status})")
