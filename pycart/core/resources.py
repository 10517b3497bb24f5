"""Where the model files and the committed archives live, in a checkout and in an installed
package.

``models/`` of the repository is installed as the package ``pycart.models`` and ``exports/``
as ``pycart.exports`` (see ``pyproject.toml``), so the same files are found either way.
"""

from __future__ import annotations

import functools
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import PycartError

#: Id of the paper's single-product model (``models/cart_bm.ant``, ``models/cart_bm.xml``).
MODEL_NAME = "cart_bm"


def _package_files(package: str, folder: str) -> Traversable:
    try:
        return resources.files(package)
    except ModuleNotFoundError:  # the source tree of a checkout imported directly
        return Path(__file__).resolve().parents[2] / folder


def _model_files() -> Traversable:
    return _package_files("pycart.models", "models")


def exports_files() -> Traversable:
    """The committed exports: ``<scenario>.omex``, ``copasi/<scenario>-<plot>.omex`` and
    ``biomodels/`` (what ``pycart export`` wrote when the package was built)."""
    return _package_files("pycart.exports", "exports")


def archive(name: str) -> Traversable:
    """The committed COMBINE archive ``name`` (``fig3`` or ``copasi/fig3-plot1``), readable
    with ``.read_bytes()`` or ``importlib.resources.as_file``."""
    folder, _, stem = name.rpartition("/")
    if folder not in ("", "copasi") or not stem or stem.startswith("."):
        raise PycartError(f"archive {name!r} (allowed: a scenario name, or copasi/<name>)")
    files = exports_files() / folder if folder else exports_files()
    found = files / f"{stem}.omex"
    if not found.is_file():
        known = sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".omex"))
        raise PycartError(f"no committed archive {name!r} (allowed: {', '.join(known)})")
    return found


def sbml_text(name: str = MODEL_NAME) -> str:
    """Return the committed SBML of model ``name``."""
    return _model_files().joinpath(f"{name}.xml").read_text(encoding="utf-8")


def rhs_text(name: str = MODEL_NAME) -> str:
    """Return the generated right-hand side of model ``name`` (``models/<name>_rhs.py``,
    written by ``pycart build``) as Python source."""
    return _model_files().joinpath(f"{name}_rhs.py").read_text(encoding="utf-8")


def models_dir(root: Path) -> Path:
    """The ``models/`` folder of a checkout rooted at ``root``."""
    return Path(root) / "models"


def default_values(name: str = MODEL_NAME) -> tuple[dict[str, float], dict[str, float]]:
    """Parameter values and initial amounts as written in the committed SBML of ``name``
    (new dicts at each call: the caller may change them)."""
    params, initial = _sbml_values(sbml_text(name))
    return dict(params), dict(initial)


@functools.lru_cache(maxsize=8)
def _sbml_values(text: str) -> tuple[tuple[tuple[str, float], ...], ...]:
    """:func:`default_values` of the SBML ``text``, parsed once per process and text (the
    key is the text, so a model rebuilt in the process is parsed again): the virtual trial
    builds a fast-path simulator per chunk and dose schedule, and parsing cart_bm_ext's SBML
    cost 17 ms each time, about 3% of its CPU."""
    import libsbml

    model = libsbml.readSBMLFromString(text).getModel()
    params = tuple((p.getId(), p.getValue()) for p in model.getListOfParameters()
                   if p.getConstant())
    initial = tuple((s.getId(), s.getInitialAmount()) for s in model.getListOfSpecies())
    return params, initial
