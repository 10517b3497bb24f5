"""Run the Python examples of the docs while the site builds; a failing example fails the build.

Chosen over myst-nb (a Jupyter kernel, nbclient and a cache: heavy, and the examples print
nothing the build must keep) and over Sphinx's doctest builder (a second build of every page and
``{testcode}`` fences that GitHub shows as unknown blocks): the examples stay plain ```python
fences, readable on GitHub, and run in the same ``sphinx-build`` that builds the HTML.
Each page's examples run in order, in one fresh temporary folder per page (so their files land
nowhere near the repository), with ``models/`` of the checkout reachable as ``models``.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import traceback
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _python_blocks(doctree: nodes.document) -> list[nodes.literal_block]:
    return [node for node in doctree.findall(nodes.literal_block)
            if node.get("language") == "python"]


def _skipped(app: Sphinx, docname: str, code: str) -> bool:
    """Blocks named in ``pycart_examples_not_run`` (docname, first line) are shown only."""
    first = code.strip().splitlines()[0] if code.strip() else ""
    return (docname, first) in app.config.pycart_examples_not_run


def run_examples(app: Sphinx, doctree: nodes.document) -> None:
    """Execute the page's ``python`` blocks; report a failure as a warning (-W: an error)."""
    docname = app.env.docname
    blocks = [b for b in _python_blocks(doctree) if not _skipped(app, docname, b.astext())]
    if not blocks:
        return
    repo = Path(app.srcdir).parent
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="pycart-docs-") as work:
        os.symlink(repo / "models", Path(work) / "models")
        os.chdir(work)
        try:
            for block in blocks:
                _run(block, docname)
        finally:
            os.chdir(here)


def _run(block: nodes.literal_block, docname: str) -> None:
    code = block.astext()
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, f"{docname}.md (example)", "exec"), {"__name__": "__docs__"})
    except Exception:  # noqa: BLE001 - any failure of an example is a build warning
        logger.warning("example failed:\n%s", traceback.format_exc(limit=-3), location=block)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("pycart_examples_not_run", set(), "env")
    app.connect("doctree-read", run_examples)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
