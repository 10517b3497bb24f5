"""User scenarios from TOML files, with the same definitions as the paper's.

A file holds ``name`` and optionally ``title``, ``description``, ``t_end``, ``model``,
``layout`` (``[rows, columns]`` of the figure),
shared ``parameters`` and ``initial`` amounts, a list of ``[[runs]]`` (each ``label``, and
``parameters``, ``initial``, ``model`` over the shared ones, and ``doses``, a dose schedule:
``doses = [{ day = 0, cells = 1e7 }, { day = 21, cells = 5e6, species = "B3" }]``),
``[[grids]]`` and ``[[panels]]``. Every key is checked; an error names the key, what was
wrong and what is allowed.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Set
from pathlib import Path
from typing import TypeVar, cast

from ..core import columns as col
from ..core.errors import PycartError
from ..core.names import DEFAULT_MODEL
from ..core.schedule import Dose, parse_doses
from .scenario import Axis, Grid, Panel, RunSpec, Scenario

TOP = {"name", "title", "description", "t_end", "model", "parameters", "initial", "runs",
       "grids", "panels", "layout"}
RUN = {"label", "parameters", "initial", "model", "doses"}
GRID = {"name", "axes", "base", "t_end", "days", "metrics", "model", "relapse"}
AXIS = {"parameter", "lo", "hi", "n", "scale"}
PANEL = {"title", "kind", "runs", "series", "t_max", "grid", "value", "marks"}

T = TypeVar("T")


#: The largest scenario file read (bytes): a scenario is a page of text, not a data set.
MAX_FILE_BYTES = 1_000_000


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; :class:`PycartError` says what is wrong."""
    path = Path(path)
    try:
        data = tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError as exc:
        raise PycartError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise PycartError(f"{path}: not valid TOML (nested too deeply)") from None
    try:
        scenario = _scenario(data)
        scenario.validate()
    except PycartError as exc:
        raise PycartError(f"{path}: {exc}") from None
    return scenario


def _read(path: Path) -> str:
    """The text of a regular file of at most :data:`MAX_FILE_BYTES` in UTF-8 (a FIFO, a
    device or a folder is refused before it is opened, so nothing blocks)."""
    import stat

    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise PycartError(f"{path}: not a regular file (allowed: a .toml file)")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise PycartError(f"{path}: no such file") from None
    except OSError as exc:
        raise PycartError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise PycartError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes (allowed: a scenario "
                          "file up to that size)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PycartError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _keys(where: str, table: object, allowed: Set[str],
          required: Set[str] = frozenset()) -> dict[str, object]:
    if not isinstance(table, Mapping):
        raise PycartError(f"{where} must be a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise PycartError(f"{where}: unknown key {unknown[0]!r} "
                          f"(allowed: {', '.join(sorted(allowed))})")
    missing = sorted(required - set(table))
    if missing:
        raise PycartError(f"{where}: missing key {missing[0]!r}")
    return dict(table)


def _typed(where: str, value: object, kind: type[T] | tuple[type[T], ...], what: str) -> T:
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise PycartError(f"{where}: {value!r} is not {what}")
    if not isinstance(value, kind):
        raise PycartError(f"{where}: {value!r} is not {what}")
    return value


def _float(where: str, value: object, what: str) -> float:
    """A finite number (TOML also has inf, nan and integers beyond any float)."""
    number = _typed(where, value, (int, float), what)
    try:
        number = float(number)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise PycartError(f"{where}: {value!r} is not finite (allowed: {what})")
    return number


def _numbers(where: str, value: object) -> dict[str, float]:
    table = _typed(where, value, dict, "a table of id = number")
    # the values are checked (numbers, finite, the model's ids) by Scenario.validate
    return cast(dict[str, float], dict(table))


def _scenario(data: dict[str, object]) -> Scenario:
    top = _keys("the file", data, TOP, {"name"})
    name = _typed("name", top["name"], str, "a text")
    model = _typed("model", top.get("model", DEFAULT_MODEL), str, "a model id")
    shared_p = _numbers("parameters", top.get("parameters", {}))
    shared_i = _numbers("initial", top.get("initial", {}))
    runs = []
    for k, run in enumerate(_typed("runs", top.get("runs", []), list, "a list of [[runs]]")):
        where = f"runs[{k}]"
        run = _keys(where, run, RUN, {"label"})
        runs.append(RunSpec(
            _typed(f"{where}.label", run["label"], str, "a text"),
            shared_p | _numbers(f"{where}.parameters", run.get("parameters", {})),
            shared_i | _numbers(f"{where}.initial", run.get("initial", {})),
            _typed(f"{where}.model", run.get("model", model), str, "a model id"),
            _doses(f"{where}.doses", run.get("doses", []))))
    grids = tuple(_grid(f"grids[{k}]", g, model, shared_p) for k, g in
                  enumerate(_typed("grids", top.get("grids", []), list, "a list of [[grids]]")))
    if not runs and not grids:
        raise PycartError("no [[runs]] and no [[grids]]: nothing to simulate")
    panels = tuple(_panel(f"panels[{k}]", p) for k, p in
                   enumerate(_typed("panels", top.get("panels", []), list, "a list of [[panels]]")))
    if not panels and runs:
        labels = tuple(r.label for r in runs)
        panels = ((Panel(name, runs=labels),) if len(labels) <= 4 else
                  tuple(Panel(label, runs=(label,)) for label in labels))
    t_end = _float("t_end", top.get("t_end", 180.0), "a number of days")
    return Scenario(name, _typed("title", top.get("title", ""), str, "a text"),
                    _typed("description", top.get("description", ""), str, "a text"),
                    float(t_end), tuple(runs), grids, panels, _layout(top.get("layout"), panels))


def _doses(where: str, value: object) -> tuple[Dose, ...]:
    """A run's ``doses``: a list of ``{ day, cells[, species] }`` tables (checked against
    the run's model and horizon by :meth:`Scenario.validate`)."""
    items = _typed(where, value, list, "a list of { day = ..., cells = ... } tables")
    try:
        return parse_doses(items)
    except PycartError as exc:
        raise PycartError(f"{where}: {exc}") from None


def _layout(value: object, panels: tuple[Panel, ...]) -> tuple[int, int] | None:
    """``layout = [rows, columns]`` of the figure, room for every panel."""
    if value is None:
        return None
    what = "[rows, columns], two whole numbers >= 1"
    shape = _typed("layout", value, list, what)
    if len(shape) != 2 or any(isinstance(v, bool) or not isinstance(v, int) or v < 1
                              for v in shape):
        raise PycartError(f"layout: {value!r} is not {what}")
    if shape[0] * shape[1] < len(panels):
        raise PycartError(f"layout: {shape[0]} x {shape[1]} has no room for "
                          f"{len(panels)} panels")
    return (shape[0], shape[1])


def _grid(where: str, data: object, model: str, shared: dict[str, float]) -> Grid:
    grid = _keys(where, data, GRID, {"name", "axes"})
    axes = []
    for k, axis in enumerate(_typed(f"{where}.axes", grid["axes"], list, "a list of axes")):
        w = f"{where}.axes[{k}]"
        axis = _keys(w, axis, AXIS, {"parameter", "lo", "hi", "n"})
        scale = _typed(f"{w}.scale", axis.get("scale", "log"), str, "'log' or 'linear'")
        if scale not in ("log", "linear"):
            raise PycartError(f"{w}.scale: {scale!r} is not allowed (allowed: log, linear)")
        lo = _float(f"{w}.lo", axis["lo"], "a number")
        hi = _float(f"{w}.hi", axis["hi"], "a number")
        n = _typed(f"{w}.n", axis["n"], int, "a whole number")
        if n < 1 or (scale == "log" and (lo <= 0 or hi <= 0)):
            raise PycartError(f"{w}: needs n >= 1, and lo, hi > 0 on a log scale")
        axes.append(Axis(_typed(f"{w}.parameter", axis["parameter"], str, "a parameter id"),
                         float(lo), float(hi), n, scale))
    days = tuple(_float(f"{where}.days", d, "a day")
                 for d in _typed(f"{where}.days", grid.get("days", [30]), list, "a list of days"))
    return Grid(_typed(f"{where}.name", grid["name"], str, "a text"), tuple(axes),
                shared | _numbers(f"{where}.base", grid.get("base", {})),
                _float(f"{where}.t_end", grid.get("t_end", 30), "a number of days"),
                days, _typed(f"{where}.metrics", grid.get("metrics", False), bool, "true or false"),
                _typed(f"{where}.model", grid.get("model", model), str, "a model id"),
                _typed(f"{where}.relapse", grid.get("relapse", False), bool, "true or false"))


def _panel(where: str, data: object) -> Panel:
    panel = _keys(where, data, PANEL, {"title"})
    strings = {k: _texts(f"{where}.{k}", panel.get(k, [])) for k in ("runs", "series", "marks")}
    t_max, grid = panel.get("t_max"), panel.get("grid")
    return Panel(_typed(f"{where}.title", panel["title"], str, "a text"),
                 _typed(f"{where}.kind", panel.get("kind", "timecourse"), str, "a panel kind"),
                 strings["runs"], strings["series"] or ("L", "C"),
                 None if t_max is None else _float(f"{where}.t_max", t_max, "days"),
                 None if grid is None else _typed(f"{where}.grid", grid, str, "a grid name"),
                 _typed(f"{where}.value", panel.get("value", col.L30), str, "a column name"),
                 strings["marks"])


def _texts(where: str, value: object) -> tuple[str, ...]:
    """A list of texts (run labels, series, marks), each checked: a list or a number in it
    would otherwise reach the scenario's checks, which look texts up in sets."""
    return tuple(_typed(where, v, str, "a list of texts")
                 for v in _typed(where, value, list, "a list of texts"))
