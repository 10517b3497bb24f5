"""Where the model files live, in a checkout and in an installed package.

``models/`` of the repository is installed as the package ``pycart.models`` (see
``pyproject.toml``), so the same files are found either way.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

#: Id of the paper's single-product model (``models/cart_bm.ant``, ``models/cart_bm.xml``).
MODEL_NAME = "cart_bm"


def _model_files() -> Traversable:
    try:
        return resources.files("pycart.models")
    except ModuleNotFoundError:  # the source tree of a checkout imported directly
        return Path(__file__).resolve().parents[2] / "models"


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
    """Parameter values and initial amounts as written in the committed SBML of ``name``."""
    import libsbml

    model = libsbml.readSBMLFromString(sbml_text(name)).getModel()
    params = {p.getId(): p.getValue() for p in model.getListOfParameters() if p.getConstant()}
    initial = {s.getId(): s.getInitialAmount() for s in model.getListOfSpecies()}
    return params, initial
