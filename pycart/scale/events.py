"""The dose events of a model, read from its SBML, in the form the fast path runs them.

The curated models (and the schedule variants of :mod:`pycart.core.variants`) have two
kinds of dose events, written by the building blocks of models/cart_bm.ant:

- ``_dose_at``: ``S = S + cells`` when ``time * day * cells >= day * day * cells``, i.e. on
  day ``day`` (off unless day > 0 and cells > 0);
- ``_dose_on_relapse``: three events sharing flags: ``fall`` (L drops below the threshold),
  ``regrowth`` (L grows past it after a fall: the dose, recorded in ``given_day``) and
  ``no_response`` (on the fallback day, if L never fell: the dose).

:func:`dose_events` recognises them and returns their species and parameters; a model with
any other event is not run by the fast path (its points go to libRoadRunner).
"""

from __future__ import annotations

from dataclasses import dataclass

import libsbml


@dataclass(frozen=True)
class Scheduled:
    """A ``_dose_at`` event: ``cells`` (parameter) of ``species`` on day ``day`` (parameter)."""

    species: str
    day: str
    cells: str


@dataclass(frozen=True)
class OnRelapse:
    """A ``_dose_on_relapse`` rule: ``dose`` (parameter) of ``species`` when ``watched``
    regrows past ``threshold`` after falling below it, or on ``fallback_day`` without a
    fall; the day it was given is recorded in ``record``."""

    species: str
    watched: str
    threshold: str
    dose: str
    fallback_day: str
    record: str


@dataclass(frozen=True)
class DoseEvents:
    """Every dose event of a model; ``understood`` is False where an event has another form."""

    scheduled: tuple[Scheduled, ...]
    on_relapse: tuple[OnRelapse, ...]
    understood: bool


def _name(node: libsbml.ASTNode) -> str:
    return node.getName() if node.isName() and not node.getNumChildren() else ""


def _factors(node: libsbml.ASTNode) -> list[str]:
    """Names of a product's factors, nested products flattened ('' for anything but a
    name); ``[name]`` for a name."""
    if node.isOperator() and node.getCharacter() == "*":
        return [f for i in range(node.getNumChildren()) for f in _factors(node.getChild(i))]
    return [_name(node)]


def _dose_of(event: libsbml.Event, species: set[str]) -> tuple[str, str, dict[str, str]]:
    """(species, first factor of what is added to it, other assignments' targets by their
    math's shape) of ``event``; ('', '', {}) when it adds to no species."""
    target, dose, others = "", "", {}
    for a in event.getListOfEventAssignments():
        math = a.getMath()
        if a.getVariable() in species:
            if not (math.isOperator() and math.getCharacter() == "+"
                    and math.getNumChildren() == 2 and _name(math.getChild(0)) == a.getVariable()):
                return "?", "", {}
            added = math.getChild(1)
            while added.isOperator() and added.getCharacter() == "*":
                added = added.getChild(0)
            target, dose = a.getVariable(), _name(added)
        else:
            others[a.getVariable()] = libsbml.formulaToL3String(math)
    return target, dose, others


def dose_events(sbml: str) -> DoseEvents:
    """The dose events of the model in ``sbml``."""
    model = libsbml.readSBMLFromString(sbml).getModel()
    species = {s.getId() for s in model.getListOfSpecies()}
    scheduled: list[Scheduled] = []
    regrowth: dict[str, tuple[str, str, str, str]] = {}
    fallback: dict[str, tuple[str, str]] = {}
    understood = True
    for event in model.getListOfEvents():
        trigger = event.getTrigger().getMath()
        target, dose, others = _dose_of(event, species)
        left = _factors(trigger.getChild(0)) if trigger.getNumChildren() == 2 else []
        right = _factors(trigger.getChild(1)) if trigger.getNumChildren() == 2 else []
        records = [v for v in others if v.endswith("given_day")]
        if target == "" and set(others.values()) <= {"one"} and len(others) == 1:
            continue  # a fall event: the fast path tracks the crossing itself
        if target in ("", "?") or not dose:
            understood = False
        elif len(left) == 3 and left[0] == "time" and left[1:] == [right[0], dose]:
            scheduled.append(Scheduled(target, left[1], dose))
        elif len(left) == 2 and left[1] == dose and len(right) == 2 and records:
            regrowth[dose] = (target, left[0], right[0], records[0])
        elif len(left) == 4 and left[0] == "time" and left[3] == dose:
            fallback[dose] = (target, left[1])
        else:
            understood = False
    on_relapse = []
    for dose, (target, watched, threshold, record) in regrowth.items():
        if fallback.get(dose, ("", ""))[0] != target:
            understood = False
            continue
        on_relapse.append(OnRelapse(target, watched, threshold, dose, fallback[dose][1],
                                    record))
    understood = understood and len(fallback) == len(on_relapse)
    return DoseEvents(tuple(scheduled), tuple(on_relapse), understood)
