"""What a release holds. The installed package holds every subpackage: CI installs pycart (not
editable) and runs the tests against that copy, so a folder missing from pyproject.toml fails
only on a fresh machine. The version is written once; CITATION.cff and CHANGELOG.md agree with
it; the wheel carries the models and the committed archives, the sdist the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

import pycart
from pycart._version import __version__
from pycart.cli import main
from pycart.core.errors import PycartError
from pycart.core.resources import archive, exports_files


def test_every_subpackage_is_installed(root):
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts)
             for p in (root / "pycart").rglob("__init__.py")}
    assert found <= listed, f"missing from pyproject.toml packages: {sorted(found - listed)}"
    assert "pycart.models" in listed


# --- release hygiene (issue #19): one version, citation, changelog, what the wheel holds ---

PAPER_DOI = "10.3390/ijms22126371"


def _citation(root: Path) -> dict:
    return yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))


def test_version_is_written_once(root, capsys):
    """pyproject reads the version from pycart/_version.py; the package, ``pycart --version``
    and CITATION.cff say the same."""
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


@pytest.mark.heavy
def test_citation_cff_validates(root, tmp_path):
    """cffconvert validates CITATION.cff against CFF 1.2.0's schema. It pins jsonschema 3,
    which pycart's environment cannot hold, so it gets a throwaway one (from PyPI)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "cffconvert"],
                   check=True, timeout=600)
    done = subprocess.run([str(venv / "bin" / "cffconvert"), "--validate", "-i",
                           str(root / "CITATION.cff")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid according to schema version 1.2.0" in done.stdout


def test_changelog_has_the_version(root):
    """CHANGELOG.md keeps an Unreleased section and one for the package's version."""
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## [Unreleased]\n" in text
    assert f"\n## [{__version__}] - " in text


def test_every_export_is_package_data(root):
    """Each committed file under exports/ matches the package data of pycart.exports (or its
    copasi/, biomodels/), so the wheel carries all of them."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    data = config["tool"]["setuptools"]["package-data"]
    assert config["tool"]["setuptools"]["package-dir"]["pycart.exports"] == "exports"
    files = [p for p in (root / "exports").rglob("*") if p.is_file()]
    assert len(files) > 15
    for path in files:
        package = ".".join(("pycart", *path.parent.relative_to(root).parts))
        assert any(fnmatch(path.name, g) for g in data.get(package, ())), path


def test_archive_accessor(root):
    """pycart.core.resources.archive gives the committed archives; other names are refused in
    one line that says what is allowed."""
    assert archive("fig3").read_bytes() == (root / "exports" / "fig3.omex").read_bytes()
    assert archive("copasi/fig8-plot9").read_bytes()[:2] == b"PK"
    assert (exports_files() / "biomodels" / "cart_bm.cps").is_file()
    for bad in ("fig99", "../models/cart_bm", "biomodels/cart_bm", "copasi/", ".hidden", ""):
        with pytest.raises(PycartError) as refused:
            archive(bad)
        assert "allowed:" in str(refused.value) and "\n" not in str(refused.value)


_BUILD = """
import sys
from setuptools import build_meta
kind, out = sys.argv[1], sys.argv[2]
print((build_meta.build_sdist if kind == "sdist" else build_meta.build_wheel)(out))
"""


def _build(kind: str, source: Path, out: Path) -> Path:
    """Build ``kind`` (sdist or wheel) from the folder ``source`` into ``out`` with the
    environment's setuptools (no download: the heavy suite may run offline)."""
    done = subprocess.run([sys.executable, "-c", _BUILD, kind, str(out)], cwd=source,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return Path(out) / done.stdout.strip().splitlines()[-1]


def _source_copy(root: Path, into: Path) -> Path:
    """The checkout without what a build or a run leaves in it."""
    return shutil.copytree(root, into, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache"))


@pytest.mark.heavy
def test_sdist_and_wheel(root, tmp_path):
    """The sdist holds the tests, README, docs and exports; the wheel built from it (as
    ``python -m build`` does) holds every model file and every committed archive, with the
    version of pycart/_version.py; installed, it finds them."""
    sdist = _build("sdist", _source_copy(root, tmp_path / "src"), tmp_path / "dist")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
        tar.extractall(tmp_path / "unpacked", filter="data")
    expected = {"README.md", "CHANGELOG.md", "CITATION.cff", "LICENSE", "pyproject.toml",
                ".ci/run", "tests/conftest.py", "docs/calibration.md", "exports/fig3.omex",
                "docs/conf.py", "docs/index.md", "docs/_ext/pycart_examples.py"}
    expected |= {str(p.relative_to(root)) for p in (root / "tests").rglob("*.py")}
    assert expected <= names, sorted(expected - names)

    wheel = _build("wheel", tmp_path / "unpacked" / f"pycart-{__version__}", tmp_path / "dist")
    assert wheel.name == f"pycart-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        metadata = whl.read(f"pycart-{__version__}.dist-info/METADATA").decode()
        whl.extractall(tmp_path / "installed")
    committed = {f"pycart/{p.relative_to(root)}" for p in (root / "exports").rglob("*")
                 if p.is_file()}
    models = {f"pycart/models/{p.name}" for p in (root / "models").iterdir()
              if p.suffix in (".ant", ".xml", ".md") or p.name.endswith("_rhs.py")}
    assert models and committed <= names and models <= names, sorted(
        (committed | models) - names)
    page = {f"pycart/explore/www/{p.name}" for p in (root / "pycart/explore/www").iterdir()}
    assert page and page <= names, sorted(page - names)  # the explorer's script and styles
    assert f"\nVersion: {__version__}\n" in metadata and "\nLicense-Expression: MIT\n" in metadata

    probe = ("from pycart.core.resources import archive, sbml_text; import pycart; "
             "print(pycart.__file__, len(archive('copasi/fig8-plot9').read_bytes()), "
             "len(sbml_text('cart_bm2_ext')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(tmp_path / "installed")})
    assert done.returncode == 0, done.stderr[-3000:]
    where, size, sbml = done.stdout.split()
    assert where.startswith(str(tmp_path / "installed"))
    assert int(size) == (root / "exports" / "copasi" / "fig8-plot9.omex").stat().st_size
    assert int(sbml) == len((root / "models" / "cart_bm2_ext.xml").read_text(encoding="utf-8"))
