"""Compile the hand-edited Antimony models to SBML, the equations document and the
generated right-hand side of the fast path (``models/<model>_rhs.py``).

``pycart build`` is the one command that writes every file derived from ``models/*.ant``;
``tests/exchange/test_build.py`` proves the committed copies are what it writes.
"""

from __future__ import annotations

from pathlib import Path

import antimony
import libsbml

from ..core.errors import PycartError
from ..core.files import write_text_atomically
from ..core.resources import models_dir
from .codegen import fast_path_obstacle, rhs_source
from .curation import curate
from .validation import check_sbml


def compile_antimony(text: str, source: str = "<antimony>") -> dict[str, str]:
    """Compile every model of an Antimony text to curated SBML L3V2, by model id.

    Modules whose names start with an underscore are building blocks and are not compiled
    on their own. Antimony's global state is cleared first. Unit definitions are rewritten
    with scale 0 (a day is ``86400 second``, which tools then show as "d"), numbers in event
    math get units, unused unit definitions are dropped, and each result must pass libsbml's
    checks with no error.
    """
    antimony.clearPreviousLoads()
    try:
        if antimony.loadAntimonyString(text) < 0:
            raise PycartError(f"{source}: {' '.join(antimony.getLastError().split())}")
        names = [n for n in antimony.getModuleNames() if not n.startswith("_")]
        raw = {name: antimony.getSBMLString(name) for name in names}
    finally:
        antimony.clearPreviousLoads()
    out = {}
    for name, sbml in raw.items():
        doc = libsbml.readSBMLFromString(sbml)
        _unscale_units(doc.getModel())
        _unit_event_numbers(doc.getModel())
        model = doc.getModel()
        curate(doc, [*ode_lines(model), "", *(f"{r.getId()} = "
                     f"{libsbml.formulaToL3String(r.getKineticLaw().getMath())}"
                     for r in model.getListOfReactions()),
                     "", *(f"{r.getVariable()} := {libsbml.formulaToL3String(r.getMath())}"
                           for r in model.getListOfRules() if r.isAssignment())])
        text_out = _drop_unused_units(libsbml.writeSBMLToString(doc))
        errors = [i for i in check_sbml(text_out, f"{source}:{name}") if i.level == "error"]
        if errors:
            raise PycartError(f"{source}: model {name} has {len(errors)} SBML error(s), "
                              f"first: {errors[0].message}")
        out[name] = text_out
    return out


def _drop_unused_units(sbml: str) -> str:
    """Remove unit definitions nothing refers to (module flattening leaves copies behind)."""
    doc = libsbml.readSBMLFromString(sbml)
    model = doc.getModel()
    unused = [ud.getId() for ud in model.getListOfUnitDefinitions()
              if sbml.count(f'"{ud.getId()}"') == 1]
    for uid in unused:
        model.removeUnitDefinition(uid)
    return libsbml.writeSBMLToString(doc) if unused else sbml


def _unscale_units(model: libsbml.Model) -> None:
    for ud in model.getListOfUnitDefinitions():
        for unit in ud.getListOfUnits():
            if unit.getScale() != 0:
                value = unit.getMultiplier() * 10.0 ** unit.getScale()
                unit.setMultiplier(float(f"{value:.12g}"))
                unit.setScale(0)


def _unit_event_numbers(model: libsbml.Model) -> None:
    """Give the bare numbers of event math the units of what they meet.

    A number compared with, or added to, a species or parameter takes its units; one assigned
    to a variable takes the variable's. A priority stays a bare number (PySCeS reads it as an
    integer). (Antimony can write numbers with units, but mangles base unit names inside
    modules.)
    """
    time_units = model.getTimeUnits()

    def units_of(node: libsbml.ASTNode) -> str:
        if node.getType() == libsbml.AST_NAME_TIME:
            return time_units
        if node.isName():
            element = model.getElementBySId(node.getName())
            if isinstance(element, libsbml.Species):
                return element.getSubstanceUnits() or model.getSubstanceUnits()
            if isinstance(element, (libsbml.Parameter, libsbml.Compartment)):
                return element.getUnits()
        return ""

    def visit(node: libsbml.ASTNode, default: str) -> None:
        children = [node.getChild(i) for i in range(node.getNumChildren())]
        known = next((u for u in map(units_of, children) if u), default)
        for child in children:
            if child.isNumber() and not child.isSetUnits() and known:
                child.setUnits(known)
            visit(child, known if node.isRelational() or node.getType() in (
                libsbml.AST_PLUS, libsbml.AST_MINUS) else "")

    for event in model.getListOfEvents():
        visit(event.getTrigger().getMath(), "")
        for assignment in event.getListOfEventAssignments():
            math = assignment.getMath()
            target = units_of(libsbml.parseL3Formula(assignment.getVariable()))
            if math.isNumber():
                math.setUnits(target)
            else:
                visit(math, target)


def ode_lines(model: libsbml.Model) -> list[str]:
    """One line per species: its rate of change as the sum of the processes it takes part in;
    then one per rate rule (a variable that is not a species, such as a stimulation history)."""
    lines = []
    for species in model.getListOfSpecies():
        terms = []
        for rxn in model.getListOfReactions():
            for sign, refs in (("+", rxn.getListOfProducts()), ("-", rxn.getListOfReactants())):
                for ref in refs:
                    if ref.getSpecies() == species.getId():
                        stoich = ref.getStoichiometry()
                        coef = "" if stoich == 1 else f"{stoich:g}*"
                        terms.append(f"{sign} {coef}{rxn.getId()}")
        rhs = " ".join(terms).lstrip("+ ") or "0"
        lines.append(f"d{species.getId()}/dt = {rhs}")
    for rule in model.getListOfRules():  # variables that are not species: rate rules
        if rule.isRate():
            lines.append(f"d{rule.getVariable()}/dt = {libsbml.formulaToL3String(rule.getMath())}")
    return lines


def equations_markdown(sbml: str) -> str:
    """Render the ODEs, rules and parameters of an SBML model as a Markdown document."""
    model = libsbml.readSBMLFromString(sbml).getModel()
    lines = [
        f"# Equations of `{model.getId()}`",
        "",
        "Generated by `pycart build` from the SBML; do not edit. Cell counts are amounts;",
        "time is in days.",
        "",
        "## Differential equations",
        "",
        "```",
        *ode_lines(model),
    ]
    lines += ["```", "", "## Processes (rates in cells/day)", "", "| process | rate |", "|---|---|"]
    for rxn in model.getListOfReactions():
        law = libsbml.formulaToL3String(rxn.getKineticLaw().getMath())
        lines.append(f"| `{rxn.getId()}` | `{law}` |")
    lines += ["", "## Assignment rules", "", "| variable | definition | meaning |", "|---|---|---|"]
    for rule in model.getListOfRules():
        if not rule.isAssignment():
            continue
        var = rule.getVariable()
        name = model.getParameter(var).getName() if model.getParameter(var) else ""
        lines.append(f"| `{var}` | `{libsbml.formulaToL3String(rule.getMath())}` | {name} |")
    if model.getNumEvents():
        lines += ["", "## Events (doses; 0 = off)", "",
                  "| event | trigger | priority | assignments |", "|---|---|---|---|"]
        for ev in model.getListOfEvents():
            trig = libsbml.formulaToL3String(ev.getTrigger().getMath())
            prio = (libsbml.formulaToL3String(ev.getPriority().getMath())
                    if ev.isSetPriority() else "")
            assign = "; ".join(f"{a.getVariable()} = {libsbml.formulaToL3String(a.getMath())}"
                               for a in ev.getListOfEventAssignments())
            lines.append(f"| `{ev.getId()}` | `{trig}` | {prio} | `{assign}` |")
    lines += ["", "## Species (initial amounts: Figure 3)", "", "| id | initial amount | meaning |",
              "|---|---|---|"]
    for s in model.getListOfSpecies():
        lines.append(f"| `{s.getId()}` | {s.getInitialAmount():g} cells | {s.getName()} |")
    lines += ["", "## Parameters", "", "| id | value | unit | meaning |", "|---|---|---|---|"]
    for p in model.getListOfParameters():
        if p.getConstant():
            lines.append(f"| `{p.getId()}` | {p.getValue():.15g} | {p.getUnits()} "
                         f"| {p.getName()} |")
    return "\n".join(lines) + "\n"


def derived_files(root: Path) -> dict[Path, str]:
    """Every file derived from ``models/*.ant`` under ``root``, with the text it should hold."""
    sources = sorted(models_dir(root).glob("*.ant"))
    if not sources:
        raise PycartError(f"no models/*.ant under {Path(root).resolve()} "
                          "(run 'pycart build' from a pycart checkout, or pass --root)")
    out: dict[Path, str] = {}
    for src in sources:
        for name, sbml in compile_antimony(src.read_text(encoding="utf-8"), src.name).items():
            out[src.parent / f"{name}.xml"] = sbml
            out[src.parent / f"{name}.md"] = equations_markdown(sbml)
            if fast_path_obstacle(sbml) is None:  # every curated model has one (rate rules too)
                out[src.parent / f"{name}_rhs.py"] = rhs_source(sbml, f"models/{name}.xml")
    return out


def stale_files(root: Path) -> list[Path]:
    """Derived files that are missing or differ from what ``pycart build`` would write."""
    return [p for p, text in derived_files(root).items()
            if not p.exists() or p.read_text(encoding="utf-8") != text]


def build(root: Path) -> list[Path]:
    """Write every derived file under ``root``; return the paths written."""
    written = []
    for path, text in derived_files(root).items():
        write_text_atomically(path, text)
        written.append(path)
    return written
