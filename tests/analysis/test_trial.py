"""The virtual trial's machinery: the maximum-entropy weights (against hand calculations),
endpoints.csv's columns and verdicts, a small run on the fast path (outputs, weights, resume,
lock) and the command line's one-line refusals before any work."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pycart.analysis.population import draw, load_priors
from pycart.analysis.targets import load_targets
from pycart.analysis.trial import COLUMNS, endpoints_table
from pycart.analysis.trialrun import simulate_arm
from pycart.analysis.trialsim import KEEP
from pycart.analysis.virtualtrial import TrialSettings, run_trial
from pycart.analysis.vpop import effective_size, tilt, weighted_quantile
from pycart.cli import main
from pycart.core import columns as col
from pycart.scale.engines import SerialEngine
from pycart.scale.store import lock_path, locked


def test_tilt_is_the_exponential_family_that_meets_a_mean():
    """With a tight tolerance the weights meet E_w[g] = 0, and they are exp(λ g) normalised:
    for g in {-1, +3} (equal counts) the mean-zero weighting puts 3/4 on -1: λ = ln(3)/4."""
    g = np.array([[-1.0], [3.0]] * 50)
    w = tilt(g, np.array([1e-9]))
    assert w.sum() == pytest.approx(1.0)
    assert float(w @ g[:, 0]) == pytest.approx(0.0, abs=1e-6)
    assert w[0] / w[1] == pytest.approx(3.0, rel=1e-6)


def test_tilt_with_a_loose_tolerance_stays_near_uniform():
    g = np.linspace(-1, 3, 101)[:, None]
    w = tilt(g, np.array([1e3]))
    assert effective_size(w) == pytest.approx(101, rel=1e-3)


def test_weighted_quantile_by_hand():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert weighted_quantile(x, np.array([0.1, 0.1, 0.1, 0.7]), 0.5) == 4.0
    assert weighted_quantile(x, np.full(4, 0.25), 0.5) == 2.0
    assert math.isnan(weighted_quantile(np.array([np.nan]), np.array([1.0]), 0.5))


def test_endpoints_table_columns_and_verdicts():
    targets = load_targets()
    point = {k: t.value if math.isfinite(t.value) else 0.5 for k, t in targets.items()}
    point["remission"] = 0.95  # outside 71-89%
    draws = pd.DataFrame([point] * 20)
    draws["cmax_ratio"] = np.linspace(1.0, 3.0, 20)
    table = endpoints_table(targets, point, draws)
    assert tuple(table.columns) == COLUMNS
    met = dict(zip(table["endpoint"], table["met"], strict=True))
    assert met["remission within 3 months"] is False
    assert met["Cmax ratio, responders to non-responders"] is True  # 1.74 in 1.1-2.9
    assert met["median Tmax of blood CAR T (days)"] is True
    assert met["hazard ratio of relapse, B-cell recovery within 6 months vs persisting "
               "aplasia"] is None  # no published number: no verdict
    assert set(table["role"]) == {"calibrated", "predicted"}


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    """A 24-patient run of the base model (its endpoints.csv, population, figures)."""
    import io

    out = tmp_path_factory.mktemp("trial") / "run"
    stream = io.StringIO()
    run_trial(None, out, TrialSettings(24, seed=3, variant="base", compare=("base",)),
              SerialEngine(), stream=stream)
    # the progress it printed, kept beside the run (not in it: its outputs are checked)
    (out.parent / "progress.txt").write_text(stream.getvalue(), encoding="utf-8")
    return out


def test_small_run_writes_every_output(small_run: Path):
    names = {p.name for p in small_run.iterdir()}
    assert names == {"population.parquet", "endpoints.csv", "variants.csv", "rfs.png",
                     "kinetics.png", "feasibility.csv", "checks.csv"}  # the checks' sims gone
    table = pd.read_csv(small_run / "endpoints.csv")
    assert tuple(table.columns) == COLUMNS
    assert len(table) == 16 and table["source"].str.len().min() > 30
    population = pd.read_parquet(small_run / "population.parquet")
    assert len(population) == 24
    assert population["prevalence_weight"].sum() == pytest.approx(1.0)
    assert (population["prevalence_weight"] >= 0).all()
    # regression: the prevalence weights were written over the patients' body weights
    assert population["weight"].between(14.0, 140.0).all()
    # the blood scale meets Stein's median Cmax exactly: computed, not assumed
    cmax = population["cmax_blood"] * population["blood_scale"]
    assert weighted_quantile(cmax.to_numpy(), population["prevalence_weight"].to_numpy(), 0.5) == \
        pytest.approx(24000.0)
    mode = 0o666 & ~_umask()
    assert all((p.stat().st_mode & 0o777) == mode for p in small_run.iterdir())


def test_small_run_says_its_progress(small_run: Path):
    """The terminal's progress (a stream that is not a terminal: one line each): each arm
    simulated with its count, the calibration and its bootstrap re-calibrations, the
    calibration's outcome as endpoints.csv counts it, the check's simulation, and the end."""
    lines = (small_run.parent / "progress.txt").read_text(encoding="utf-8").splitlines()
    table = pd.read_csv(small_run / "endpoints.csv")
    weights = pd.read_parquet(small_run / "population.parquet")["prevalence_weight"]
    met = int(table["met"].astype(str).eq("True").sum())
    said = [line.split(" in ")[0] for line in lines if not line.startswith("simulating ")]
    assert said == [
        "simulated base: 24 patients", "simulated base+reinfusion: 24 patients",
        "calibrating base and 20 bootstrap re-calibrations",
        f"calibrated base: effective size {effective_size(weights.to_numpy()):,.0f} of 24; "
        f"{met} of 16 rows met",
        *[line for line in lines if line.startswith("check-seed: ")],
        f"wrote {small_run}: 24 plausible patients x 1 variants"]
    assert "check-seed: 24/24 patients" in lines  # the check's simulation, to its end
    for arm in ("base", "base+reinfusion"):  # chunk by chunk, each arm to its last patient
        counts = [line for line in lines if line.startswith(f"simulating {arm}: ")]
        assert counts and counts[-1] == f"simulating {arm}: 24/24 patients"
    assert all(line.endswith(" s") for line in lines if line.startswith(("simulated", "wrote")))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_report_is_written_from_the_run(small_run: Path):
    from pycart.report.trial import trial_markdown

    text = trial_markdown(small_run, "pycart trial --patients 24 --seed 3 --variant base")
    table = pd.read_csv(small_run / "endpoints.csv")
    for r in table.itertuples():
        assert r.endpoint in text
    assert "**met**" in text or "**not met**" in text
    assert "| endpoint | target | base |" in text  # the variants side by side
    assert "![Relapse-free survival of responders](rfs.png)" in text
    # the checks of this run: another seed on every calibrated endpoint (no clone in base:
    # no seeding check), as a table in the report
    checks = pd.read_csv(small_run / "checks.csv")
    calibrated = table[table["role"] == "calibrated"]
    assert list(checks["endpoint"]) == list(calibrated["endpoint"])
    assert set(checks["check"]) == {"another seed"}
    assert np.allclose(checks["difference"], (checks["other"] - checks["value"]).abs(),
                       equal_nan=True)
    assert np.allclose(checks["limit"].iloc[:2], (calibrated["upper"] - calibrated["lower"])
                       .iloc[:2])
    assert "## Checks computed in this run" in text and "| another seed |" in text
    # the patients whose Tmax is the Cmax window's last day, counted from the population
    population = pd.read_parquet(small_run / "population.parquet")
    end = population["tmax"] >= 28.0
    assert (f"Tmax at the window's end: {int(end.sum())} of 24 plausible patients "
            f"({population['prevalence_weight'][end].sum():.1%} by weight") in text
    feas = pd.read_csv(small_run / "feasibility.csv")
    assert set(feas["endpoint"]) == set(calibrated["endpoint"]) - {  # the blood scale meets
        "median Cmax of blood CAR T (copies/ug DNA)",  # the median exactly; base: no clone
        "CD19-negative share of relapses with persisting B-cell aplasia"}
    missed = calibrated[calibrated["met"].astype(str) != "True"]
    for endpoint in missed["endpoint"]:  # each missed target's line quotes its reach
        line = next(t for t in text.splitlines() if t.startswith(f"- {endpoint}:"))
        assert ("served alone" in line and "moves most with" in line
                or line.endswith("this variant has no CD19-negative clone"))


def test_tmax_figure_shows_the_window_end_apart():
    # 3 of 8 patients (weights 0.1 + 0.2 + 0.05 = 35%) have their Tmax on day 28: a hatched
    # bar right of day 28 whose area (density per unit of ln x) is their share, the others'
    # histogram the rest
    from pycart.analysis.trial import Arms
    from pycart.analysis.trialplots import kinetics_figure

    tmax = np.array([28.0, 9.0, 28.0, 12.5, 7.0, 28.0, 15.0, 10.0])
    w = np.array([0.1, 0.15, 0.2, 0.1, 0.1, 0.05, 0.2, 0.1])
    table = pd.DataFrame({col.TMAX: tmax, col.FOLDX: np.geomspace(10, 1e4, 8),
                          col.CMAX_BLOOD: np.geomspace(1e3, 1e5, 8),
                          col.REMISSION_3M: np.arange(8) % 3 > 0})
    ax = kinetics_figure(Arms(table, table, table, False), w, 1.0, load_targets()).axes[0]
    bars = {p.get_label(): p.get_data()[:2] for p in ax.patches}  # heights, edges
    heights, edges = bars["at the window's end (day 28): 35.0%"]
    assert edges[0] > 28.0 and heights.sum() * np.diff(np.log(edges)).sum() == \
        pytest.approx(0.35, rel=1e-12)
    heights, edges = bars["virtual population"]
    assert edges[-1] < 28.0 and heights @ np.diff(np.log(edges)) == pytest.approx(0.65,
                                                                                  rel=1e-12)


def test_resume_reuses_saved_chunks_and_refuses_foreign_ones(tmp_path: Path, monkeypatch):
    priors = load_priors()
    patients = draw(priors, 6, seed=0)
    first = simulate_arm("base", patients, priors, 0, tmp_path, SerialEngine())
    # what an arm keeps in memory: one row of drawn values and endpoints per patient, never
    # trajectories (the 100,000-patient trial holds eight such tables)
    assert list(first.columns) == [col.POINT, *patients.columns, *KEEP]
    assert len(first) == len(patients)
    import pycart.analysis.trialrun as trialrun

    def fail(*args, **kwargs):
        raise AssertionError("simulated again")

    monkeypatch.setattr(trialrun, "simulate_seedings", fail)
    again = simulate_arm("base", patients, priors, 0, tmp_path, SerialEngine())
    pd.testing.assert_frame_equal(first, again)
    from pycart.core.errors import PycartError

    with pytest.raises(PycartError, match="different sweep"):  # another seed: never mixed
        simulate_arm("base", patients, priors, 1, tmp_path, SerialEngine())


def test_second_run_on_a_locked_folder_is_refused(tmp_path: Path, capsys):
    with locked(tmp_path / "population.parquet", lock_path(tmp_path / "population.parquet")):
        code = main(["trial", "--patients", "4", "--out", str(tmp_path), "--engine",
                     "serial"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pycart" in err


@pytest.mark.parametrize("args, says", [
    (["--patients", "0"], "--patients '0' is not allowed"),
    (["--patients", "-3"], "--patients"),
    (["--patients", "ten"], "not a whole number"),
    (["--patients", "1e9"], "--patients"),
    (["--patients", "5", "--bootstrap", "3"], "--bootstrap"),
    (["--patients", "5", "--seed", "-1"], "--seed"),
])
def test_bad_numbers_one_line(tmp_path: Path, capsys, args: list[str], says: str):
    code = main(["trial", *args, "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and says in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_bad_files_one_line(tmp_path: Path, capsys):
    bad = tmp_path / "t.toml"
    bad.write_text("[[target]\n")
    (tmp_path / "file").write_text("x")
    for args, says in ((["trial", str(bad), "--patients", "4", "--out", str(tmp_path / "o")],
                        "not valid TOML"),
                       (["trial", "--patients", "4", "--out", str(tmp_path / "file")],
                        "is a file"),
                       (["trial", "--patients", "4", "--out", str(tmp_path / "a" / "b")],
                        "not an existing folder")):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert says in err and err.count("\n") == 1


def test_compare_none_no_checks_runs_the_chosen_variant_alone(tmp_path: Path, monkeypatch,
                                                              capsys):
    """Issue 22's accepted population alone: the chosen variant's two arms, no other
    variant, no check; every endpoint row, and the report says what was not run."""
    import pycart.analysis.virtualtrial as virtualtrial

    arms: list[str] = []

    def recorded(arm, *args, **kwargs):
        arms.append(arm)
        return simulate_arm(arm, *args, **kwargs)

    monkeypatch.setattr(virtualtrial, "simulate_arm", recorded)
    out = tmp_path / "run"
    code = main(["trial", "--patients", "16", "--seed", "2", "--variant", "base",
                 "--compare", "none", "--no-checks", "--engine", "serial", "--out", str(out)])
    assert code == 0 and arms == ["base", "base+reinfusion"]
    table = pd.read_csv(out / "endpoints.csv")
    assert tuple(table.columns) == COLUMNS and len(table) == 16
    assert len(pd.read_parquet(out / "population.parquet")) == 16
    assert set(pd.read_csv(out / "variants.csv")["variant"]) == {"base"}
    checks = pd.read_csv(out / "checks.csv")
    assert checks.empty and tuple(checks.columns) == ("check", "endpoint", "value", "other",
                                                     "difference", "limit", "passed", "note")
    text = (out / "trial.md").read_text(encoding="utf-8")
    assert ("Generated by `pycart trial --patients 16 --seed 2 --variant base --bootstrap 20 "
            "--compare none --no-checks`") in text
    assert "Not run: this run was asked not to check itself (`--no-checks`)." in text
    assert "The comparison was not run" in text and "| endpoint | target | base |" in text


@pytest.mark.parametrize("value", ["nope", "base,nope", ",", "all,none"])
def test_bad_compare_one_line(tmp_path: Path, capsys, value: str):
    code = main(["trial", "--patients", "4", "--compare", value, "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "--compare" in err and "allowed: all, none" in err
    assert err.count("\n") == 1 and not (tmp_path / "o").exists()


def test_another_seeding_is_seeded_on_the_runs_first_run(tmp_path: Path, monkeypatch):
    """simulate_arm's ``also`` saves the other stream's chunks in the store the check reads:
    the check then integrates nothing, and reads what a run of that stream alone writes."""
    import pycart.analysis.trialrun as trialrun

    priors = load_priors()
    patients = draw(priors, 6, seed=0)
    simulate_arm("base", patients, priors, 0, tmp_path, SerialEngine(),
                 also=(1, tmp_path / "check-seeding"))
    (tmp_path / "alone").mkdir()
    alone = simulate_arm("base", patients, priors, 1, tmp_path / "alone", SerialEngine())

    def fail(*args, **kwargs):
        raise AssertionError("simulated again")

    monkeypatch.setattr(trialrun, "simulate_seedings", fail)
    again = simulate_arm("base", patients, priors, 1, tmp_path / "check-seeding",
                         SerialEngine())
    pd.testing.assert_frame_equal(again, alone, check_exact=True)
