"""pycart's archives and models in the common simulators, each in its own environment
(created on first use under ~/.cache/pycart-envs, then reused): the BioSimulators runners
reproduce every report data set of every archive, and the SBML models loaded directly in
tellurium and PySCeS (COPASI's basico: tests/test_copasi.py) give pycart's numbers with the
doses off and with a reinfusion on. AMICI (a slow install and a compile per model) runs
with PYCART_AMICI=1 (README, "Other simulators")."""

from __future__ import annotations

import os
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import pycart
from pycart.exchange.simulators import compare_reports, reference_values, run_archive

ROOT = Path(__file__).resolve().parents[1]
ARCHIVES = sorted((ROOT / "exports").glob("*.omex")) + sorted(
    (ROOT / "exports" / "copasi").glob("*.omex"))
DAYS = [0.0, 10.0, 20.0, 30.0, 60.0, 90.0, 120.0, 180.0]
#: Doses off; a scheduled reinfusion on day 60; a reinfusion on relapse (Figure 8's rule).
CASES = {
    "doses off": {},
    "reinfusion on day 60": {"reinf_day": 60.0, "reinf_dose": 1e8},
    "reinfusion on relapse": {"alpha": 3e-10, "h": 1e10, "rhoA": 0.55,
                              "relapse_threshold": 1e8, "relapse_dose": 5e8},
}


def _one(tool: str, archive: Path, work: Path) -> list[str]:
    result = run_archive(tool, archive, work / "out")
    label = f"{archive.parent.name}/{archive.name}"
    if not result.succeeded or result.reports is None:
        return [f"{label}: the runner failed: {result.log[-300:]}"]
    name, reference = reference_values(archive, work / "files")
    with zipfile.ZipFile(archive) as z:
        text = z.read(name).decode()
    found = compare_reports(result.reports, name, text, reference)
    out = [f"{label}: {p}" for p in found.problems]
    if found.largest > 1e-3:
        out.append(f"{label}: largest relative difference {found.largest:.3g}")
    return out


@pytest.mark.heavy
@pytest.mark.parametrize("tool", ["tellurium", "copasi"])
def test_runner_reproduces_every_archive(tool, tmp_path):
    """Every data set of every report within 1e-3 relative of pycart wherever pycart's
    value exceeds one cell; no run reports success with a short or NaN result (two
    archives at a time: the machine is shared)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = pool.map(lambda a: _one(tool, a, tmp_path / a.parent.name / a.stem), ARCHIVES)
        problems = [p for ps in found for p in ps]
    assert not problems, "\n".join(problems)


#: PySCeS places an event by its own stepping, not by root finding: right after the day-60
#: dose CA is 2.8e-3 below pycart's; measured largest differences 7.3e-3 (dose on day 60)
#: and 1.9e-2 (dose on relapse); without doses it agrees to 1e-4. Its dosed runs are held
#: to 5e-2 here and marked "does not reproduce" in docs/compatibility.md (README).
LOOSER = {("pysces", "reinfusion on day 60"): 5e-2, ("pysces", "reinfusion on relapse"): 5e-2}


def _agree(tool: str, model: str, case: str, theirs: dict) -> None:
    rtol = LOOSER.get((tool, case), 1e-4)
    pycart_model = pycart.Model(model)
    frame = pycart_model.simulate(CASES[case], t_end=180.0, points=1801)
    rows = [int(round(d * 10)) for d in DAYS]
    for species in pycart_model.species:
        mine = frame[species].to_numpy()[rows]
        got = np.asarray(theirs[species])
        mask = mine > 1e-6
        np.testing.assert_allclose(got[mask], mine[mask], rtol=rtol,
                                   err_msg=f"{tool} {model} {case} {species}")


def _direct(tool: str, tmp_path: Path) -> None:
    from pycart.exchange.simulators import simulate_directly

    for model in ("cart_bm", "cart_bm2"):
        for case, parameters in CASES.items():
            theirs = simulate_directly(tool, ROOT / "models" / f"{model}.xml", parameters,
                                       DAYS, tmp_path / model)
            _agree(tool, model, case, theirs)
            if case == "reinfusion on day 60" and "reinf_given_day" in theirs:
                assert theirs["reinf_given_day"][0] == pytest.approx(60.0)
            if case == "doses off":  # no event fired: no dose recorded
                assert all(v[0] == 0 for k, v in theirs.items() if k.endswith("given_day"))


@pytest.mark.heavy
@pytest.mark.parametrize("tool", ["tellurium", "pysces"])
def test_models_load_directly_with_pycart_numbers(tool, tmp_path):
    """1e-4 relative at the paper's days (amounts above 1e-6 cells), doses off and on
    (PySCeS with doses: 5e-2, see LOOSER)."""
    _direct(tool, tmp_path)


@pytest.mark.heavy
@pytest.mark.skipif(os.environ.get("PYCART_AMICI") != "1",
                    reason="AMICI: a separate command (README), PYCART_AMICI=1")
def test_models_load_in_amici_with_pycart_numbers(tmp_path):
    _direct("amici", tmp_path)
