"""The installed package holds every subpackage: CI installs pycart (not editable) and runs the
tests against that copy, so a folder missing from pyproject.toml fails only on a fresh machine."""

from __future__ import annotations

import tomllib

import pytest


def test_every_subpackage_is_installed(root):
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts)
             for p in (root / "pycart").rglob("__init__.py")}
    assert found <= listed, f"missing from pyproject.toml packages: {sorted(found - listed)}"
    assert "pycart.models" in listed


# --- release hygiene (issue #19): one version, citation, changelog ---

PAPER_DOI = "10.3390/ijms22126371"


def _citation(root) -> dict:
    import yaml

    return yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))


def test_version_is_written_once(root, capsys):
    """pyproject reads the version from pycart/_version.py; the package, ``pycart --version``
    and CITATION.cff say the same."""
    import pycart
    from pycart._version import __version__
    from pycart.cli import main

    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in config["project"] and "version" in config["project"]["dynamic"]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "pycart._version.__version__"}
    assert pycart.__version__ == __version__
    assert str(_citation(root)["version"]) == __version__
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"pycart {__version__}\n"


def test_citation_cff(root):
    """CITATION.cff holds CFF 1.2.0's required keys, the software's licence as pyproject says,
    and the paper as the preferred citation (authors as published in Int. J. Mol. Sci.)."""
    cff = _citation(root)
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert cff["message"].strip() and cff["title"].startswith("pycart")
    assert cff["authors"] == [{"name": "pycart developers"}]
    assert cff["license"] == config["project"]["license"] == "MIT"
    paper = cff["preferred-citation"]
    assert paper["type"] == "article" and paper["doi"] == PAPER_DOI
    assert (paper["year"], paper["volume"], paper["issue"], str(paper["start"])) == (
        2021, 22, 12, "6371")
    assert paper["journal"] == "International Journal of Molecular Sciences"
    assert [a["family-names"] for a in paper["authors"]] == [
        "Martínez-Rubio", "Chulián", "Blázquez Goñi", "Ramírez Orellana", "Pérez Martínez",
        "Navarro-Zapata", "Ferreras", "Pérez-García", "Rosa"]
    assert all(a["given-names"].strip() for a in paper["authors"])


def test_changelog_has_the_version(root):
    """CHANGELOG.md keeps an Unreleased section and one for the package's version."""
    from pycart import __version__

    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## [Unreleased]\n" in text
    assert f"\n## [{__version__}] - " in text

