"""Edits of the committed SBML for other tools: the same model with other values."""

from __future__ import annotations

from collections.abc import Mapping

import libsbml

from ..core.errors import PycartError


def with_values(sbml: str, parameters: Mapping[str, float] | None = None,
                initial: Mapping[str, float] | None = None) -> str:
    """Return ``sbml`` with parameter values and initial amounts replaced (validated ids)."""
    doc = libsbml.readSBMLFromString(sbml)
    model = doc.getModel()
    for pid, value in (parameters or {}).items():
        p = model.getParameter(pid)
        if p is None or not p.getConstant():
            raise PycartError(f"unknown parameter {pid!r} for model {model.getId()}")
        p.setValue(float(value))
    for sid, value in (initial or {}).items():
        s = model.getSpecies(sid)
        if s is None:
            raise PycartError(f"unknown species {sid!r} for model {model.getId()}")
        s.setInitialAmount(float(value))
    return libsbml.writeSBMLToString(doc)
