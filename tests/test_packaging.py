"""The installed package holds every subpackage: CI installs pycart (not editable) and runs the
tests against that copy, so a folder missing from pyproject.toml fails only on a fresh machine."""

from __future__ import annotations

import tomllib


def test_every_subpackage_is_installed(root):
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts)
             for p in (root / "pycart").rglob("__init__.py")}
    assert found <= listed, f"missing from pyproject.toml packages: {sorted(found - listed)}"
    assert "pycart.models" in listed
