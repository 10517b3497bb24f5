"""``pycart export``: a COMBINE archive per scenario of the paper.

``exports/<scenario>.omex`` holds the SBML of the models the scenario uses, its SED-ML
(``<scenario>.sedml``), OMEX metadata and a manifest. The text of every archive member is a
function of the committed model files and pycart's scenario definitions only, so the
committed archives can be checked against what this command writes.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import PycartError
from .omex import write_archive
from .paper import SCENARIOS
from .resources import sbml_text
from .sedml import model_file, scenario_sedml


def archive_members(name: str) -> dict[str, bytes]:
    """The files of scenario ``name``'s archive (without manifest and metadata)."""
    scenario = SCENARIOS[name]()
    models = {r.model for r in scenario.runs} | {g.model for g in scenario.grids}
    files = {model_file(m): sbml_text(m).encode() for m in sorted(models)}
    files[f"{name}.sedml"] = scenario_sedml(scenario).encode()
    return files


def export(out: str | os.PathLike[str] = "exports") -> list[Path]:
    """Write one archive per scenario into ``out``; return the paths."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise PycartError(f"output {str(folder)!r} is a file (allowed: a folder)")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in SCENARIOS.items():
        scenario = make()
        written.append(write_archive(
            folder / f"{name}.omex", archive_members(name), f"{name}.sedml",
            f"Martinez-Rubio et al. 2021, {name}: {scenario.title}", scenario.description))
    return written
