"""COPASI files as issue #24 found them: ``pycart copasi`` replaces a link in its output
folder instead of writing through it."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from pycart.cli import main

with warnings.catch_warnings():  # COPASI's SWIG bindings warn on import
    warnings.simplefilter("ignore")
    COPASI = pytest.importorskip("COPASI")

ROOT = Path(__file__).resolve().parents[1]


def test_copasi_replaces_a_link_in_its_output_folder(tmp_path, capsys):
    """A link already in --out, named like the file pycart copasi writes and pointing
    outside: the outside file is untouched and the link becomes pycart's regular file."""
    outside = tmp_path / "precious.txt"
    outside.write_text("not pycart's\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "fig5-plot1.cps").symlink_to(outside)
    args = ["copasi", str(ROOT / "exports" / "fig5.omex"), "--plot", "plot1", "--out", str(out)]
    assert main(args) == 0, capsys.readouterr().err
    assert outside.read_text(encoding="utf-8") == "not pycart's\n"
    written = out / "fig5-plot1.cps"
    assert not written.is_symlink() and written.is_file()
    assert written.read_text(encoding="utf-8").rstrip().endswith("</COPASI>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "precious.txt"]
    assert [p.name for p in out.iterdir()] == ["fig5-plot1.cps"]
