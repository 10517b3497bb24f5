"""A scenario made visible: every run's parameters and initial amounts, the grids, the
choices; and the scenario as a TOML file that :func:`~pycart.experiments.userfile.load_scenario`
reads back to the same scenario.
"""

from __future__ import annotations

import json
import math

import pandas as pd

from ..core import columns as col
from ..core.names import MODELS, PARAMETERS, model_parameters
from ..core.resources import default_values
from ..core.schedule import Dose, initial_amounts
from .scenario import Grid, Panel, RunSpec, Scenario


def run_table(scenario: Scenario, every: bool = False) -> pd.DataFrame:
    """One column per run, one row per parameter (``parameter``) or initial amount
    (``initial``, cells): the values each run uses. Rows are the ids some run sets (with the
    model's default where another run leaves it), or with ``every`` all of them."""
    rows: dict[tuple[str, str], dict[str, float]] = {}
    defaults = {m: default_values(m) for m in {r.model for r in scenario.runs}}
    for kind in ("parameter", "initial"):
        ids = _ids(scenario.runs, kind, every)
        for ident in ids:
            row = {}
            for run in scenario.runs:
                value = _value(run, kind, ident, defaults[run.model])
                if value is not None:
                    row[run.label] = value
            rows[(kind, ident)] = row
    index = pd.MultiIndex.from_tuples(list(rows), names=["kind", "id"])
    table = pd.DataFrame(list(rows.values()), index=index,
                         columns=[r.label for r in scenario.runs])
    models = pd.DataFrame([[r.model for r in scenario.runs]], columns=table.columns,
                          index=pd.MultiIndex.from_tuples([("model", "")], names=["kind", "id"]))
    return pd.concat([models, table.astype(object)])


def _ids(runs: tuple[RunSpec, ...], kind: str, every: bool) -> list[str]:
    models = {r.model for r in runs}
    if kind == "initial":  # a patient's state: always every species of the runs' models
        return _every("initial", models)
    if every:
        return _every("parameter", models)
    used = {k for r in runs for k in r.parameters}
    return [k for k in PARAMETERS if k in used]


def _every(kind: str, models: set[str]) -> list[str]:
    """Every parameter or species of ``models``, in the order of pycart.core.names."""
    if kind == "parameter":
        return [p for p in PARAMETERS if any(p in model_parameters(m) for m in models)]
    out: list[str] = []
    for m in MODELS:
        if m in models:
            out += [s for s in MODELS[m] if s not in out]
    return out


def _value(run: RunSpec, kind: str, ident: str,
           defaults: tuple[dict[str, float], dict[str, float]]) -> float | None:
    """The value ``run`` uses (its own, or its model's default from ``defaults``, the
    model's parameters and initial amounts, a dose schedule's day-0 doses included); None
    if its model lacks it."""
    own = run.parameters if kind == "parameter" else {
        **run.initial, **initial_amounts(run.doses, defaults[1] | dict(run.initial),
                                         explicit=run.initial)}
    if ident in own:
        return float(own[ident])
    return defaults[0 if kind == "parameter" else 1].get(ident)


def describe(scenario: Scenario, every: bool = False) -> str:
    """The scenario as text: heading, description, horizon, the runs' values, the grids and
    the choices the scenario makes."""
    lines = [scenario.heading]
    if scenario.description:
        lines.append(scenario.description)
    lines.append(f"horizon: {scenario.t_end:g} days")
    if scenario.runs:
        lines += ["", f"runs ({len(scenario.runs)}): parameters and initial amounts (cells); "
                  + ("every value" if every else "every other parameter is the model's "
                     "default (--all lists them)") + "; '-': not in the run's model"]
        table = run_table(scenario, every)
        table.index = [f"{kind} {ident}".strip() if kind != "model" else "model"
                       for kind, ident in table.index]
        shown = table.map(lambda v: v if isinstance(v, str) else
                          ("-" if v is None or (isinstance(v, float) and math.isnan(v))
                           else short(v)))
        lines += shown.to_string().splitlines()
        lines += [f"doses of {r.label}: " + "; ".join(
            f"day {d.day:g}: {short(d.cells)} {d.species}" for d in r.doses)
            for r in scenario.runs if r.doses]
    if scenario.grids:
        lines += ["", "grids:", *(f"  {grid_line(g)}" for g in scenario.grids)]
    if scenario.choices:
        lines += ["", "choices:", *(f"  - {c}" for c in scenario.choices)]
    return "\n".join(lines)


def short(value: float) -> str:
    """A value in six significant digits, exponents without padding: ``1e9``, ``0.55``."""
    text = f"{value:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def grid_line(grid: Grid) -> str:
    """One line for a grid: its axes, what it holds fixed, its horizon and outputs."""
    axes = " x ".join(f"{a.parameter} {short(a.lo)}..{short(a.hi)} ({a.n}, {a.scale})"
                      for a in grid.axes)
    fixed = ", ".join(f"{k} = {short(v)}" for k, v in sorted(grid.base.items()))
    days = ", ".join(f"{d:g}" for d in grid.days)
    return (f"{grid.name} ({grid.model}): {axes}; fixed: {fixed or 'model defaults'}; "
            f"{grid.t_end:g} days; species at day {days}"
            + ("; CAR T peak and fold expansion" if grid.metrics else "")
            + ("; relapse day" if grid.relapse else ""))


# ---- TOML ---------------------------------------------------------------------------------

def to_toml(scenario: Scenario) -> str:
    """The scenario as a TOML scenario file: every run with all the values it sets, every
    grid and panel; the choices as comments. Loading it gives the same scenario."""
    out = ["# A pycart scenario: run it with 'pycart run FILE.toml'. Values not given are the",
           "# model's defaults ('pycart show NAME --all' lists them).",
           *(f"# {line}" for c in scenario.choices for line in _wrap(c)),
           f"name = {_string(scenario.name)}"]
    if scenario.title:
        out.append(f"title = {_string(scenario.title)}")
    if scenario.description:
        out.append(f"description = {_string(scenario.description)}")
    out.append(f"t_end = {_number(scenario.t_end)}")
    if scenario.layout:
        out.append(f"layout = [{scenario.layout[0]}, {scenario.layout[1]}]")
    for run in scenario.runs:
        out += ["", "[[runs]]", f"label = {_string(run.label)}", f"model = {_string(run.model)}",
                f"parameters = {_table(run.parameters)}", f"initial = {_table(run.initial)}"]
        if run.doses:
            out += ["doses = [", *(f"  {_dose(d)}," for d in run.doses), "]"]
    for grid in scenario.grids:
        out += ["", "[[grids]]", f"name = {_string(grid.name)}",
                f"model = {_string(grid.model)}", "axes = ["]
        out += [f"  {{ parameter = {_string(a.parameter)}, lo = {_number(a.lo)}, "
                f"hi = {_number(a.hi)}, n = {a.n}, scale = {_string(a.scale)} }},"
                for a in grid.axes]
        out += ["]", f"base = {_table(grid.base)}", f"t_end = {_number(grid.t_end)}",
                f"days = [{', '.join(_number(d) for d in grid.days)}]",
                f"metrics = {'true' if grid.metrics else 'false'}",
                f"relapse = {'true' if grid.relapse else 'false'}"]
    for panel in scenario.panels:
        out += ["", "[[panels]]", *_panel(panel)]
    return "\n".join(out) + "\n"


def _panel(panel: Panel) -> list[str]:
    lines = [f"title = {_string(panel.title)}", f"kind = {_string(panel.kind)}"]
    for key in ("runs", "series", "marks"):
        values = getattr(panel, key)
        if values and (key != "series" or tuple(values) != ("L", "C")):
            lines.append(f"{key} = [{', '.join(_string(v) for v in values)}]")
    if panel.t_max is not None:
        lines.append(f"t_max = {_number(panel.t_max)}")
    if panel.grid is not None:
        lines.append(f"grid = {_string(panel.grid)}")
    if panel.value != col.L30:
        lines.append(f"value = {_string(panel.value)}")
    return lines


def _wrap(text: str, width: int = 95) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL escaped as TOML requires)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _number(value: float) -> str:
    """A TOML number a person reads at a glance (``1e9``, ``3e-10``, ``0.55``, ``30``) that
    reads back as exactly ``value``."""
    value = float(value)
    if value == int(value) and abs(value) < 1e4:
        return str(int(value))
    if 1e-3 <= abs(value) < 1e4:
        return repr(value)
    for digits in range(17):
        text = f"{value:.{digits}e}"
        if float(text) == value:
            break
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{int(exponent)}"


def _dose(dose: Dose) -> str:
    """A dose as a TOML inline table (the species only where it is not the default CA)."""
    species = "" if dose.species == "CA" else f", species = {_string(dose.species)}"
    return f"{{ day = {_number(dose.day)}, cells = {_number(dose.cells)}{species} }}"


def _table(values) -> str:
    items = ", ".join(f"{k} = {_number(v)}" for k, v in values.items())
    return f"{{ {items} }}" if items else "{}"
