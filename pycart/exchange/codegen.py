"""The right-hand side of a model as Python source, generated from its SBML.

``pycart build`` writes ``models/<model>_rhs.py`` with :func:`rhs_source`: the reactions'
kinetic laws (libsbml's math trees, translated node by node), the assignment rules they need
in dependency order, and every species' rate of change as the sum of its reactions times
their stoichiometry. It is plain Python that numba compiles (``pycart.scale.fast``); nobody
writes the equations by hand, and a test compares it with libRoadRunner's rates of change.
"""

from __future__ import annotations

import hashlib
import keyword

import libsbml

from ..core.errors import PycartError

#: Names the generated function uses itself; a model id equal to one cannot be generated.
RESERVED = frozenset({"t", "y", "p", "dy", "math", "time"})

_FUNCTIONS = {"exp": "math.exp", "ln": "math.log", "abs": "abs"}


def expression(node: libsbml.ASTNode, where: str) -> str:
    """Python source of one libsbml math tree (numbers, names, time, + - * / ^, exp, ln,
    abs); :class:`PycartError` names anything else.

    Nodes are read through libsbml's predicates (``isOperator``, ``isName``...), not
    ``getType``: with libsedml loaded in the same process, ``getType`` can return an
    unconverted SWIG object instead of the type code."""
    kids = [expression(node.getChild(i), where) for i in range(node.getNumChildren())]
    op = node.getCharacter() if node.isOperator() else ""
    if node.isName() and not kids:
        return "t" if node.getName() == "time" else node.getName()
    if node.isInteger():
        return repr(float(node.getInteger()))
    if node.isReal() or node.isRational():
        return repr(float(node.getReal()))
    if op in ("+", "*") and kids:
        return "(" + f" {op} ".join(kids) + ")"
    if op == "-" and len(kids) in (1, 2):
        return f"(-{kids[0]})" if len(kids) == 1 else f"({kids[0]} - {kids[1]})"
    if op in ("/", "^") and len(kids) == 2:
        return f"({kids[0]} {'/' if op == '/' else '**'} {kids[1]})"
    if node.isFunction() and node.getName() in ("pow", "power") and len(kids) == 2:
        return f"({kids[0]} ** {kids[1]})"
    if node.isFunction() and node.getName() in _FUNCTIONS and len(kids) == 1:
        return f"{_FUNCTIONS[node.getName()]}({kids[0]})"
    raise PycartError(f"{where}: the fast path cannot translate "
                      f"{libsbml.formulaToL3String(node)!r}")


def _names(node: libsbml.ASTNode) -> set[str]:
    found = {node.getName()} if node.isName() and not node.getNumChildren() else set()
    for i in range(node.getNumChildren()):
        found |= _names(node.getChild(i))
    return found


def _rules_in_order(model: libsbml.Model, needed: set[str],
                    states: frozenset[str] = frozenset()) -> list[libsbml.Rule]:
    """The assignment rules ``needed`` depends on, each after those it uses (``states``:
    rate-rule variables integrated as state variables)."""
    rules = {r.getVariable(): r for r in model.getListOfRules() if r.isAssignment()}
    # other rules (the doses' clock) are fine as long as no rate of change reads them
    others = {r.getVariable() for r in model.getListOfRules()
              if not r.isAssignment()} - states
    ordered: list[libsbml.Rule] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in others:
            raise PycartError(f"rule for {name}: only assignment rules are supported")
        if name not in rules or rules[name] in ordered:
            return
        if name in visiting:
            raise PycartError(f"assignment rules depend on each other in a cycle at {name}")
        visiting.add(name)
        for dep in sorted(_names(rules[name].getMath())):
            visit(dep)
        ordered.append(rules[name])

    for name in sorted(needed):
        visit(name)
    return ordered


def _dose_name(node: libsbml.ASTNode) -> str | None:
    """The name of ``node``, or of the first factor of a product (a dose armed by 0/1 flags,
    ``dose * fell_below * (one - given)``, adds nothing while ``dose`` is 0)."""
    while node.isOperator() and node.getCharacter() == "*" and node.getNumChildren():
        node = node.getChild(0)
    return node.getName() if node.isName() and not node.getNumChildren() else None


def dose_parameters(model: libsbml.Model) -> tuple[tuple[str, ...], bool]:
    """The parameters whose non-zero value lets an event change a species (``S = S + dose``),
    and whether every event that changes a species has that form."""
    species = {s.getId() for s in model.getListOfSpecies()}
    doses: list[str] = []
    simple = True
    for event in model.getListOfEvents():
        for a in event.getListOfEventAssignments():
            if a.getVariable() not in species:
                continue
            math = a.getMath()
            names = [_dose_name(math.getChild(i)) for i in range(math.getNumChildren())]
            if (math.isOperator() and math.getCharacter() == "+" and len(names) == 2
                    and names[0] == a.getVariable() and names[1] and names[1] not in species):
                doses.append(names[1])
            else:
                simple = False
    return tuple(dict.fromkeys(doses)), simple


def _check_supported(model: libsbml.Model) -> None:
    if model.getNumInitialAssignments() or model.getNumFunctionDefinitions():
        raise PycartError(f"{model.getId()}: the fast path supports neither initial "
                          "assignments nor function definitions")
    for s in model.getListOfSpecies():
        if not s.getHasOnlySubstanceUnits() or s.getBoundaryCondition():
            raise PycartError(f"species {s.getId()}: the fast path needs amounts "
                              "(hasOnlySubstanceUnits) and no boundary condition")
    for r in model.getListOfReactions():
        if r.getKineticLaw().getNumLocalParameters():
            raise PycartError(f"reaction {r.getId()}: local parameters are not supported")


def _read_by_rates(model: libsbml.Model) -> set[str]:
    """Every name the species' rates of change read, through assignment rules and the rate
    rules they read too."""
    assigned = {r.getVariable(): r for r in model.getListOfRules()
                if r.isAssignment() or r.isRate()}
    todo = set()
    for r in model.getListOfReactions():
        todo |= _names(r.getKineticLaw().getMath())
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            if name in assigned:
                todo |= _names(assigned[name].getMath())
    return seen


def state_rules(model: libsbml.Model) -> list[libsbml.Rule]:
    """The rate rules the species' rates read (a state variable that is not a species, as
    cart_bm_ext's stimulation history X): integrated with the species, after them. The
    doses' clock, read only by events, is not one (the integrator has the time)."""
    read = _read_by_rates(model)
    return [r for r in model.getListOfRules() if r.isRate() and r.getVariable() in read]


def fast_path_obstacle(sbml: str) -> str | None:
    """Why no right-hand side is generated for this model (None: one is): a rule other than
    an assignment or a rate rule that the rates read."""
    model = libsbml.readSBMLFromString(sbml).getModel()
    read = _read_by_rates(model)
    odd = [r.getVariable() for r in model.getListOfRules()
           if not (r.isAssignment() or r.isRate()) and r.getVariable() in read]
    if odd:
        return f"{model.getId()} has algebraic rules ({', '.join(odd)})"
    return None


def rhs_source(sbml: str, source: str) -> str:
    """The generated module for one model: ``rhs(t, y, p, dy)`` writes the rates of change
    of the state, ``SPECIES`` (cells/day) then the ``RATE_RULES`` variables, into ``dy``,
    with ``p`` the values of ``PARAMETERS``."""
    model = libsbml.readSBMLFromString(sbml).getModel()
    _check_supported(model)
    species = [s.getId() for s in model.getListOfSpecies()]
    ruled = {r.getVariable() for r in model.getListOfRules()}
    params = [c.getId() for c in model.getListOfCompartments()] + [
        p.getId() for p in model.getListOfParameters() if p.getId() not in ruled]
    for ident in (*species, *params, *ruled, *(r.getId() for r in model.getListOfReactions())):
        if ident in RESERVED or keyword.iskeyword(ident):
            raise PycartError(f"id {ident!r} clashes with a name of the generated code")
    reactions = list(model.getListOfReactions())
    laws = {r.getId(): r.getKineticLaw().getMath() for r in reactions}
    states = state_rules(model)
    rated = [r.getVariable() for r in states]
    used = set().union(*(_names(m) for m in (*laws.values(), *(r.getMath() for r in states))))
    rules = _rules_in_order(model, used, frozenset(rated))
    used |= set().union(*(_names(r.getMath()) for r in rules))
    lines = _header(model, sbml, source, species, params, rated)
    lines += [f"    {s} = y[{i}]" for i, s in enumerate((*species, *rated)) if s in used]
    lines += [f"    {name} = p[{i}]" for i, name in enumerate(params) if name in used]
    lines += [f"    {r.getVariable()} = {expression(r.getMath(), r.getVariable())}"
              for r in rules]
    lines += [f"    {rid} = {expression(law, rid)}" for rid, law in laws.items()]
    lines += [f"    dy[{i}] = {_rate(s, reactions)}" for i, s in enumerate(species)]
    lines += [f"    dy[{len(species) + i}] = {expression(r.getMath(), r.getVariable())}"
              for i, r in enumerate(states)]
    lines += ["    return None", ""]
    return "\n".join(lines)


def _header(model: libsbml.Model, sbml: str, source: str, species: list[str],
            params: list[str], rated: list[str]) -> list[str]:
    """The generated module's constants and the first lines of ``rhs``."""
    doses, simple = dose_parameters(model)
    digest = hashlib.sha256(sbml.encode()).hexdigest()
    return [
        f'"""Rates of change of {model.getId()}, generated by `pycart build` from {source}; '
        'do not edit."""',
        "",
        "import math  # noqa: F401 (used when the model's math needs it)",
        "",
        f"MODEL = {model.getId()!r}",
        f"SBML_SHA256 = {digest!r}",
        f"SPECIES = {tuple(species)!r}",
        "#: Variables of rate rules the rates read, integrated after SPECIES.",
        f"RATE_RULES = {tuple(rated)!r}",
        f"PARAMETERS = {tuple(params)!r}",
        "#: Parameters whose non-zero value lets a dose event add to a species.",
        f"DOSE_PARAMETERS = {doses!r}",
        "#: Whether every event that changes a species adds one of DOSE_PARAMETERS to it.",
        f"EVENTS_ARE_DOSES = {simple!r}",
        "",
        "",
        "def rhs(t, y, p, dy):",
        '    """d/dt of SPECIES then RATE_RULES at time t (days), state y and parameters p, '
        'into dy."""',
    ]


def _rate(species: str, reactions: list[libsbml.Reaction]) -> str:
    """The rate of change of ``species``: its reactions times their stoichiometry."""
    terms = []
    for r in reactions:
        for sign, refs in (("+", r.getListOfProducts()), ("-", r.getListOfReactants())):
            for ref in refs:
                if ref.getSpecies() == species:
                    if not ref.getConstant():
                        raise PycartError(f"{r.getId()}: variable stoichiometry")
                    stoich = ref.getStoichiometry()
                    terms.append(f"{sign} " + (r.getId() if stoich == 1
                                               else f"{stoich!r} * {r.getId()}"))
    return " ".join(terms).lstrip("+ ") if terms else "0.0"
