"""Sphinx configuration of pycart's documentation (MyST Markdown; the API from docstrings)."""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))  # the checkout's pycart, whether or not it is installed
os.environ.setdefault("MPLBACKEND", "Agg")  # examples that draw need no display

from pycart import __version__  # noqa: E402

project = "pycart"
author = "pycart developers"
copyright = "pycart developers, MIT licence"
version = release = __version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "pycart_examples"]
source_suffix = {".md": "markdown"}
# Generated pages and their data stay where their generators write them; not pages of their own.
exclude_patterns = ["_build", "reproduction.html", "calibration/**", "figures/**", "_ext"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
html_theme = "alabaster"
html_static_path: list[str] = []

# Shown, not run while the site builds; each with the test that runs the same.
pycart_examples_not_run = {
    # pyPESTO (the fit extra) on the PEtab problem the command above writes: 2.5 minutes of random
    # starts; tests/test_fit.py::test_pypesto_reaches_the_optimum_of_pycart_fit (heavy) runs it.
    ("fitting", "import numpy as np"),
    # pyPESTO on the joint problem: a minute of Powell starts; tests/exchange/
    # test_petab_joint.py::test_docs_pypesto_reaches_pycarts_joint_optimum (heavy) runs it.
    ("fitting", "# pyPESTO on the joint problem that pycart petab wrote to petab-two/"),
}
