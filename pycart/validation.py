"""Checks that a file is what the standards call valid; issues as a list, never raised."""

from __future__ import annotations

from dataclasses import dataclass

import libsbml


@dataclass(frozen=True)
class Issue:
    """One finding: ``level`` is 'error' or 'warning'."""

    level: str
    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.source}: {self.message}"


def check_sbml(text: str, source: str = "<sbml>") -> list[Issue]:
    """Run libsbml's full consistency checks (units and modelling practice included)."""
    doc = libsbml.readSBMLFromString(text)
    issues = _collect(doc, source)
    if any(i.level == "error" for i in issues):
        return issues
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, True)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_MODELING_PRACTICE, True)
    doc.checkConsistency()
    return _collect(doc, source)


def _collect(doc: libsbml.SBMLDocument, source: str) -> list[Issue]:
    out = []
    for n in range(doc.getNumErrors()):
        err = doc.getError(n)
        if err.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            level = "error"
        elif err.getSeverity() == libsbml.LIBSBML_SEV_WARNING:
            level = "warning"
        else:
            continue
        msg = " ".join(err.getMessage().split())
        out.append(Issue(level, source, f"[{err.getErrorId()}] {msg}"))
    return out
