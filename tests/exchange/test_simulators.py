"""pycart's archives and models in the common simulators, each in its own environment
(created on first use under ~/.cache/pycart-envs, then reused): the BioSimulators runners
reproduce every report data set of every archive, and the SBML models loaded directly in
tellurium and PySCeS (COPASI's basico: tests/exchange/test_copasi.py) give pycart's numbers with the
doses off and with a reinfusion on (on day 60, and on relapse). AMICI (a slow install and
a compile per model, kept after) runs with PYCART_AMICI=1 (README, "Other simulators")."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import pycart
from pycart.exchange.simulators import compare_reports, pycart_reference, run_dealt
from pycart.report.compatibility import CASES, DAYS, DIRECT_MODELS

ROOT = Path(__file__).resolve().parents[2]
ARCHIVES = sorted((ROOT / "exports").glob("*.omex")) + sorted(
    (ROOT / "exports" / "copasi").glob("*.omex"))


@pytest.mark.heavy
@pytest.mark.timeout(1800)  # ~280 s in CI, plus ~2 min to create the environment when fresh
@pytest.mark.parametrize("tool", ["tellurium", "copasi"])
def test_runner_reproduces_every_archive(tool, tmp_path, pycart_values):
    """Every data set of every report within 1e-3 relative of pycart wherever pycart's
    value exceeds one cell; no run reports success with a short or NaN result (two
    processes of the runner at a time, each running its share of the archives: the
    machine is shared, and a runner's start-up is paid once per process)."""
    problems = _replay(tool, ARCHIVES, tmp_path, pycart_values)
    assert not problems, "\n".join(problems)


Values = Callable[[Path], tuple[str, str, dict]]


@pytest.fixture(scope="module")
def pycart_values(tmp_path_factory) -> Values:
    """pycart's reference of an archive (simulators.pycart_reference), computed once for
    every runner compared with it (the same archives for each tool)."""
    known: dict[Path, tuple[str, str, dict]] = {}

    def values(archive: Path) -> tuple[str, str, dict]:
        if archive not in known:
            known[archive] = pycart_reference(archive, tmp_path_factory.mktemp("pycart"))
        return known[archive]

    return values


def _replay(tool: str, archives: list[Path], work: Path, pycart_values: Values) -> list[str]:
    """Each archive through the runner (two processes, the archives dealt to them), every
    data set compared with pycart's: the problems, one line each."""
    results = run_dealt(tool, archives, work)
    assert [r.archive for r in results] == [a.name for a in archives]
    problems = []
    for archive, result in zip(archives, results, strict=True):
        label = f"{archive.parent.name}/{archive.name}"
        if not result.succeeded or result.reports is None:
            problems.append(f"{label}: the runner failed: {result.log[-300:]}")
            continue
        if (result.reports.parent / "plots.zip").exists():  # a third of its time, unread
            problems.append(f"{label}: the runner drew its plots (VIZ_FORMATS not empty)")
        if (result.reports.parent / "log.yml").exists():  # a tenth of its time, unread
            problems.append(f"{label}: the runner wrote its log (runbatch._unlogged)")
        found = compare_reports(result.reports, *pycart_values(archive))
        problems += [f"{label}: {p}" for p in found.problems]
        if found.largest > 1e-3:
            problems.append(f"{label}: largest relative difference {found.largest:.3g}")
    return problems


def _agree(tool: str, model: str, case: str, theirs: dict) -> None:
    pycart_model = pycart.Model(model)
    frame = pycart_model.simulate(CASES[case], t_end=180.0, points=1801)
    rows = [int(round(d * 10)) for d in DAYS]
    for species in pycart_model.species:
        mine = frame[species].to_numpy()[rows]
        got = np.asarray(theirs[species])
        mask = mine > 1e-6
        np.testing.assert_allclose(got[mask], mine[mask], rtol=1e-4,
                                   err_msg=f"{tool} {model} {case} {species}")


def _direct(tool: str, tmp_path: Path) -> None:
    """Every model (compatibility.DIRECT_MODELS), every case; two simulations at a time
    (each in its own process and folder)."""
    from pycart.exchange.simulators import simulate_directly

    def one(item):
        model, case = item
        work = tmp_path / model / case.replace(" ", "_")
        theirs = simulate_directly(tool, ROOT / "models" / f"{model}.xml", CASES[case],
                                   DAYS, work)
        _agree(tool, model, case, theirs)
        if case == "reinfusion on day 60" and "reinf_given_day" in theirs:
            assert theirs["reinf_given_day"][0] == pytest.approx(60.0)
        if case == "doses off":  # no event fired: no dose recorded
            assert all(v[0] == 0 for k, v in theirs.items() if k.endswith("given_day"))

    items = [(model, case) for model in DIRECT_MODELS for case in CASES]
    with ThreadPoolExecutor(max_workers=1 if tool == "amici" else 2) as pool:
        list(pool.map(one, items))


@pytest.mark.heavy
@pytest.mark.timeout(1800)  # PySCeS: ~70 s of CPU, plus its environment when fresh
@pytest.mark.parametrize("tool", ["tellurium", "pysces"])
def test_models_load_directly_with_pycart_numbers(tool, tmp_path):
    """1e-4 relative at the paper's days (amounts above 1e-6 cells), doses off and on;
    PySCeS with doses held to steps of 1e-5 days near each event (simulators.dose_max_step,
    probe.py)."""
    _direct(tool, tmp_path)


@pytest.mark.heavy
@pytest.mark.skipif(os.environ.get("PYCART_AMICI") != "1",
                    reason="AMICI: a separate command (README), PYCART_AMICI=1")
@pytest.mark.timeout(3600)  # its environment alone takes ~20 min to create, then a compile
def test_models_load_in_amici_with_pycart_numbers(tmp_path):
    _direct("amici", tmp_path)


@pytest.mark.heavy
@pytest.mark.timeout(900)  # ~25 s per archive, plus the environment when fresh
@pytest.mark.parametrize("tool", ["tellurium", "copasi"])
def test_runner_replays_a_dose_schedule(tool, tmp_path, pycart_values):
    """The compatibility schedule case (CA on days 0, 2 and 7, CA2 on days 10 and 21, a
    re-challenge of L on day 40, 180 days of cart_bm2): its archive and its one-plot
    archive through the runner, every data set within 1e-3 of pycart (whose runner
    replays the variant's run within 1e-6: tests/exchange/test_schedule_archives.py)."""
    from pycart.exchange.export import export_scenario
    from pycart.report.compatibility import schedule_scenario

    written = export_scenario(schedule_scenario(), tmp_path / "archives")
    assert [p.name for p in written] == ["schedule.omex", "schedule-plot1.omex"]
    problems = _replay(tool, list(written), tmp_path / "runs", pycart_values)
    assert not problems, "\n".join(problems)


@pytest.mark.heavy
@pytest.mark.timeout(1800)  # PySCeS: ~10 s of CPU, plus its environment when fresh
@pytest.mark.parametrize("tool", [
    "tellurium", "pysces",
    pytest.param("amici", marks=pytest.mark.skipif(
        os.environ.get("PYCART_AMICI") != "1", reason="AMICI: PYCART_AMICI=1"))])
def test_a_dose_schedule_loads_directly_with_pycart_numbers(tool):
    """The schedule case's variant, its values written in, loaded in the tool: every
    species above 1e-6 cells within 1e-4 of pycart at compatibility.DAYS."""
    from pycart.report.compatibility import schedule_direct_rows

    (row,) = schedule_direct_rows((tool,)).itertuples()
    assert row.ran, row.problems
    assert row.largest <= 1e-4
