"""The virtual trial's targets as data: a TOML file of clinical endpoints, each with its value,
interval, source and role (calibrated: the population is weighted to it; predicted: computed
after calibration and never tuned to). The shipped file, ``trialdata/eliana.toml``, holds
ELIANA's and Stein et al. 2019's targets (see its comments and docs/trial.md).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.errors import PycartError
from ..experiments.userfile import _keys, _read

#: How a target is compared with the simulated population.
COMPARES = ("rate", "survival", "share", "median", "variance of log", "ratio")
ROLES = ("calibrated", "predicted")
#: The targets a calibration needs (trial.py computes exactly these); predictions are optional.
CALIBRATED_IDS = ("remission", "rfs12", "cd19neg_aplasia", "tmax", "tmax_var", "fold",
                  "fold_var", "cmax", "cmax_var", "cmax_ratio")
PREDICTED_IDS = ("real_world", "hr_bcell", "cd19neg", "cd19neg_high", "cd19neg_low", "reinfusion")
_KEYS = {"id", "endpoint", "value", "lower", "upper", "compare", "role", "source", "note",
         "groups"}
_REQUIRED = {"id", "endpoint", "value", "lower", "upper", "compare", "role", "source"}
#: The shipped targets' file name inside the package.
DEFAULT_TARGETS = "eliana.toml"


@dataclass(frozen=True)
class Target:
    """One clinical target: a plain-words endpoint, its value and interval (NaN where a
    prediction has no published number), how it is compared, its role and its source."""

    id: str
    endpoint: str
    value: float
    lower: float
    upper: float
    compare: str
    role: str
    source: str
    note: str = ""
    groups: tuple[int, int] | None = None


def default_targets_path() -> Path:
    """The shipped ELIANA/Stein 2019 targets' file."""
    return Path(str(resources.files("pycart.analysis").joinpath("trialdata", DEFAULT_TARGETS)))


def load_targets(path: str | Path | None = None) -> dict[str, Target]:
    """The targets of ``path`` (the shipped ELIANA targets by default), by id; a bad file
    raises :class:`PycartError` with one line naming the file and what is wrong."""
    path = default_targets_path() if path is None else Path(path)
    data = read_toml(path)
    try:
        return _targets(data)
    except PycartError as exc:
        raise PycartError(f"{path}: {exc}") from None


def read_toml(path: Path) -> dict[str, object]:
    """The tables of a TOML file (a page of text: at most userfile's size); one line on a
    missing, unreadable or invalid file."""
    try:
        return tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError as exc:
        raise PycartError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise PycartError(f"{path}: not valid TOML (nested too deeply)") from None


def _targets(data: dict[str, object]) -> dict[str, Target]:
    if set(data) != {"target"} or not isinstance(data["target"], list):
        raise PycartError("expected only [[target]] tables (allowed key: target)")
    out: dict[str, Target] = {}
    for k, table in enumerate(data["target"]):
        target = _target(k, table)
        if target.id in out:
            raise PycartError(f"target {target.id!r} is given twice (allowed: each id once)")
        out[target.id] = target
    missing = [i for i in CALIBRATED_IDS if i not in out or out[i].role != "calibrated"]
    if missing:
        raise PycartError(f"no calibrated target {missing[0]!r} (needed: "
                          f"{', '.join(CALIBRATED_IDS)})")
    unknown = [i for i in out if i not in CALIBRATED_IDS + PREDICTED_IDS]
    if unknown:
        raise PycartError(f"unknown target {unknown[0]!r} (allowed: "
                          f"{', '.join(CALIBRATED_IDS + PREDICTED_IDS)})")
    return out


def _target(k: int, table: Any) -> Target:
    where = f"target {k + 1}"
    table = _keys(where, table, _KEYS, _REQUIRED)
    for key in ("id", "endpoint", "compare", "role", "source", "note"):
        if key in table and not (isinstance(table[key], str) and table[key].strip()):
            raise PycartError(f"{where}: {key} must be non-empty text")
    if table["compare"] not in COMPARES:
        raise PycartError(f"{where}: compare {table['compare']!r} (allowed: "
                          f"{', '.join(COMPARES)})")
    if table["role"] not in ROLES:
        raise PycartError(f"{where}: role {table['role']!r} (allowed: {', '.join(ROLES)})")
    value, lower, upper = (_number(where, key, table[key]) for key in ("value", "lower", "upper"))
    if table["role"] == "calibrated" and not all(map(math.isfinite, (value, lower, upper))):
        raise PycartError(f"{where}: a calibrated target needs a finite value, lower and upper")
    if math.isfinite(lower) and math.isfinite(upper) and not lower <= value <= upper:
        raise PycartError(f"{where}: value {value:g} outside [{lower:g}, {upper:g}] "
                          "(allowed: lower <= value <= upper)")
    if table["compare"] in ("rate", "survival", "share") and not _unit(value, lower, upper):
        raise PycartError(f"{where}: a {table['compare']} lies in [0, 1]")
    return Target(table["id"], table["endpoint"], value, lower, upper, table["compare"],
                  table["role"], table["source"], table.get("note", ""),
                  _groups(where, table.get("groups")))


def _number(where: str, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PycartError(f"{where}: {key} must be a number (nan where none is published)")
    return float(value)


def _unit(*values: float) -> bool:
    return all(not math.isfinite(v) or 0.0 <= v <= 1.0 for v in values)


def _groups(where: str, groups: object) -> tuple[int, int] | None:
    if groups is None:
        return None
    if not (isinstance(groups, list) and len(groups) == 2
            and all(isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= 10_000
                    for g in groups)):
        raise PycartError(f"{where}: groups must be two group sizes from 1 to 10000")
    return int(groups[0]), int(groups[1])
