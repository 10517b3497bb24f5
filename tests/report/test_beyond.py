"""Beyond the paper (issue 14): the documented parameter sets, the cohort outcomes, the
calibration and the report section."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pycart.analysis.ext_calibration import (
    FITTED,
    FREE,
    calibration_report,
    cohort,
    loss,
)
from pycart.analysis.outcomes import TARGETS, against_targets, cohort_outcomes
from pycart.experiments.beyond import (
    BEYOND_SCENARIOS,
    ESCAPE_PATIENT,
    LATE_DAY,
    LATE_RELAPSE_PATIENT,
    VARIANTS,
)
from pycart.experiments.paper import SCENARIOS, paper_scenario
from pycart.experiments.scenario import run_scenario


@pytest.fixture(scope="module")
def relapse():
    return run_scenario(paper_scenario("ext_relapse"))


@pytest.fixture(scope="module")
def escape():
    return run_scenario(paper_scenario("ext_escape"))


def test_scenarios_are_listed_with_the_papers():
    assert set(BEYOND_SCENARIOS) <= set(SCENARIOS)
    assert list(SCENARIOS)[: 11] == ["fig2", "fig3", "fig4", "fig5", "fig6", "fig7", "fig8",
                                     "figS1", "figS2", "figS3", "figS4"]
    for make in BEYOND_SCENARIOS.values():
        scenario = make()
        assert all(r.model in ("cart_bm_ext", "cart_bm2_ext") for r in scenario.runs)
        assert all(g.model == "cart_bm_ext" for g in scenario.grids)


def test_figure_8_under_the_variants_includes_the_improved_product():
    """Figure 8's three strategies (A, B, and C, the improved second product in the
    two-product model with the modules) for each NR patient under each variant."""
    from pycart.experiments.beyond import FIG8_VARIANTS
    from pycart.experiments.paper import IMPROVED, NR_PATIENTS

    runs = {r.label: r for r in paper_scenario("ext_fig8").runs}
    assert len(runs) == 3 * len(NR_PATIENTS) * len(FIG8_VARIANTS)
    for n in NR_PATIENTS:
        for v in FIG8_VARIANTS:
            c = runs[f"{n}-C-{v}"]
            assert c.model == "cart_bm2_ext" and c.parameters["relapse_dose2"] == 5e8
            assert IMPROVED[n].items() <= dict(c.parameters).items()
            assert VARIANTS[v].items() <= dict(c.parameters).items()
            assert runs[f"{n}-A-{v}"].model == runs[f"{n}-B-{v}"].model == "cart_bm_ext"


def test_improved_product_under_the_variants_runs_as_figure_8c(tmp_path):
    """NR1-C with every switch off is Figure 8C's NR1-C (cart_bm2): same trajectories."""
    from pycart.experiments.scenario import Scenario

    fig8 = paper_scenario("fig8")
    ext = paper_scenario("ext_fig8")
    paper_run = next(r for r in fig8.runs if r.label == "NR1-C")
    ext_run = next(r for r in ext.runs if r.label == "NR1-C-base")
    assert dict(ext_run.parameters) == dict(paper_run.parameters)
    one = run_scenario(Scenario("c", "c", "c", t_end=180, runs=(paper_run,)))
    two = run_scenario(Scenario("c", "c", "c", t_end=180, runs=(ext_run,)))
    a = one.runs["NR1-C"].trajectory
    b = two.runs["NR1-C-base"].trajectory
    for s in ("L", "CA", "CA2", "CM2"):  # the wiring (test_ext: the equations, to 1e-10)
        np.testing.assert_allclose(b[s].to_numpy(), a[s].to_numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=s)
    days = one.runs["NR1-C"].doses
    assert days["relapse2_given_day"] is not None
    for record, day in two.runs["NR1-C-base"].doses.items():
        assert day == (None if days[record] is None else pytest.approx(days[record], rel=1e-8))


def test_exhaustion_gives_a_response_then_a_relapse_after_day_90(relapse):
    """The documented parameter set: R2 responds in the paper's model and stays in remission;
    with exhaustion on it responds, the product is exhausted, and the CD19+ leukaemia
    relapses after month 3."""
    base = relapse.runs[f"{LATE_RELAPSE_PATIENT}-base"]
    ext = relapse.runs[f"{LATE_RELAPSE_PATIENT}-exhaustion"]
    assert base.summary.responder and base.summary.relapse_day is None
    assert ext.summary.responder
    assert ext.summary.relapse_day > LATE_DAY
    t = ext.trajectory.set_index("time")
    day = ext.summary.relapse_day
    assert t["CE"].max() > 1e9  # the product went through the exhausted compartment
    active = t["CA"] + t["CM"]
    assert active.loc[day - 10: day].max() < 1e-3 * active.max()  # and is gone at relapse
    assert (t["Ln"] == 0).all()


def test_escape_clone_gives_a_cd19_negative_relapse(escape):
    """Figure 3's product: a response of all leukemic cells, then a relapse of CD19-negative
    cells, which CAR T cells cannot see; untreated, CD19+ cells keep the niche."""
    run = escape.runs[f"{ESCAPE_PATIENT}-escape"]
    s = run.summary
    assert s.responder and s.relapse_day is not None
    assert s.cd19neg_share_at_relapse > 0.5
    end = run.trajectory.iloc[-1]
    assert end["Ln"] > 1e3 * max(end["L"], 1.0)
    base = escape.runs[f"{ESCAPE_PATIENT}-base"].summary
    assert base.relapse_day is None and base.cd19neg_share_at_relapse is None
    untreated = escape.runs["untreated-escape"].trajectory.iloc[-1]
    assert untreated["L"] > 1e3 * untreated["Ln"]


def _table() -> pd.DataFrame:
    """Six patients: four responders (two relapse: one CD19- on day 120, one CD19+ on day
    60), two non-responders."""
    return pd.DataFrame({
        "responder": [True, True, True, True, False, False],
        "relapse_day": [120.0, 60.0, None, None, 20.0, None],
        "cd19neg_share_at_relapse": [0.9, 0.1, None, None, 0.0, None],
        "C_peak": [1e10, 1e10, 4e10, 4e10, 1e9, 4e9],
        "t_peak": [8.0, 9.0, 10.0, 11.0, 20.0, 30.0],
        "fold_expansion": [2.3, 2.3, 2.9, 2.9, 1.3, 1.9],
        "CA@30": [1e9] * 6, "CM@30": [0.0] * 6, "CE@30": [0.0] * 6,
        "CA@90": [1e8] * 6, "CM@90": [0.0] * 6, "CE@90": [0.0] * 6,
        "CA@365": [1e7] * 6, "CM@365": [0.0] * 6, "CE@365": [0.0] * 6,
    })


def test_cohort_outcomes_by_hand():
    o = cohort_outcomes(_table())
    assert o.patients == 6 and o.responder_share == pytest.approx(4 / 6)
    assert o.relapse_by_12m_share == 0.5 and o.late_relapse_share == 0.25
    assert o.cd19neg_share_of_relapses == 0.5
    assert o.cmax_ratio_R_NR == pytest.approx(2e10 / 2e9)
    assert o.median_t_peak_R == 9.5 and o.median_t_peak_NR == 25.0
    assert o.late_decline_rate == pytest.approx(math.log(10) / 275)
    assert o.early_decline_rate == pytest.approx(np.median(
        [math.log(10) / 22, math.log(10) / 21, math.log(40) / 20, math.log(40) / 19]))
    table = against_targets(o)
    assert list(table["target"]) == list(TARGETS)
    assert table.set_index("target").loc["cd19neg_share_of_relapses", "met"] == False  # noqa: E712


def test_every_target_cites_its_source():
    for t in TARGETS.values():
        assert t.low <= t.value <= t.high and len(t.source) > 40, t.name


def test_calibration_loss_and_report_on_a_small_cohort():
    fit = calibration_report(size=(2, 2, 2))
    assert set(fit.parameters) == set(FREE)
    assert np.isfinite(loss(fit.outcomes)) and loss(fit.outcomes) >= 0
    assert set(FITTED) <= set(fit.targets["target"])
    table = cohort(fit.parameters, (2, 2, 2), variant="base")
    assert len(table) == 8 and (table["cd19neg_share_at_relapse"].isna()
                                | (table["cd19neg_share_at_relapse"] == 0)).all()


@pytest.mark.heavy
def test_report_section_has_every_variant_and_a_verdict(relapse, escape):
    from pycart.report.beyond import beyond_rows

    fig7 = run_scenario(paper_scenario("ext_fig7"), resolution=2)
    fig8 = run_scenario(paper_scenario("ext_fig8"))
    rows = beyond_rows(fig7, relapse, escape, fig8)
    for row in rows:
        assert set(VARIANTS) <= set(row) and row["verdict"] and row["clinical target"]
    text = " ".join(str(v) for row in rows for v in row.values())
    assert "shown with exhaustion on" in text and "shown with escape on" in text


def test_report_writes_the_section(tmp_path):
    from pycart.report.reproduce import Claim, Report, write_report

    (tmp_path / "figures").mkdir()
    row = {"limitation (paper)": "No CD19-negative relapse", "measure": "share", "base": "0%",
           "exhaustion": "0%", "escape": "80%", "both": "70%", "clinical target": "0.8 (x)",
           "verdict": "met by escape, both"}
    report = Report([Claim("w", "c", "1", "1", "agrees")], [{"equations": "r"}],
                    [{"run": "r"}], [], beyond=[row])
    write_report(report, tmp_path)
    md = (tmp_path / "reproduction.md").read_text(encoding="utf-8")
    assert "## Beyond the paper" in md
    assert ("| No CD19-negative relapse | share | 0% | 0% | 80% | 70% | 0.8 (x) "
            "| met by escape, both |") in md
    assert "Beyond the paper" in (tmp_path / "reproduction.html").read_text(encoding="utf-8")


def _readme_runs(root) -> dict[str, list[str]]:
    """docs/beyond.md's block of `pycart run` examples beyond the paper: command -> output."""
    import re

    text = (root / "docs" / "beyond.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.S | re.M)
                 if b.startswith("$ pycart run ext_relapse"))
    out: dict[str, list[str]] = {}
    for line in block.strip().splitlines():
        if line.startswith("$ "):
            command = line[2:]
            out[command] = []
        else:
            out[command].append(line)
    return out


@pytest.mark.parametrize("name", ["ext_relapse", pytest.param("ext_fig7", marks=pytest.mark.heavy)])
def test_readme_shows_what_pycart_run_prints(root, tmp_path, monkeypatch, capsys, name):
    from pycart.cli import main

    monkeypatch.chdir(tmp_path)
    shown = _readme_runs(root)[f"pycart run {name}"]
    capsys.readouterr()
    assert main(["run", name]) == 0
    assert capsys.readouterr().out.strip().splitlines() == shown
    if name == "ext_fig7":
        table = pd.read_csv(tmp_path / name / "outcomes.csv")
        assert list(table["grid"]) == list(VARIANTS)
