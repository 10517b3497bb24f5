"""One evaluation path (issue 19): every grid is a sweep; Figure 7's scenario, its cohort
preset and the reproduction report compute the same numbers."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from pycart.core import columns as col
from pycart.core.names import MODELS
from pycart.experiments.cohort import PRESETS
from pycart.experiments.paper import SCENARIOS, fig6, fig7, paper_scenario
from pycart.experiments.scenario import run_scenario
from pycart.experiments.values import FIG7_HORIZON
from pycart.report.reproduce import Report, _grids
from pycart.scale.engines import SerialEngine
from pycart.scale.runner import run_sweep


def _mesh(grid, resolution):
    """The grid's points built independently of the sweep: numpy's logspace/linspace per
    axis, the first axis slowest."""
    values = []
    for a in grid.axes:
        n = min(a.n, resolution)
        values.append(np.logspace(math.log10(a.lo), math.log10(a.hi), n) if a.scale == "log"
                      else np.linspace(a.lo, a.hi, n))
    return np.column_stack([m.ravel() for m in np.meshgrid(*values, indexing="ij")])


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_grid_compiles_to_a_sweep_with_the_same_points(name):
    for grid in paper_scenario(name).grids:
        sweep = grid.sweep(3)
        sweep.validate()
        assert (sweep.model, sweep.t_end, sweep.days) == (grid.model, grid.t_end, grid.days)
        assert dict(sweep.parameters) == dict(grid.base)
        assert sweep.species == MODELS[grid.model] and sweep.peak == grid.metrics
        assert [d.name for d in sweep.dimensions] == [a.parameter for a in grid.axes]
        np.testing.assert_allclose(sweep.points(), _mesh(grid, 3), rtol=1e-14)
        assert np.array_equal(grid.points(3).to_numpy(), sweep.points())


def test_the_cohort_presets_are_the_papers_grids():
    text, caption = fig7().grids
    assert PRESETS["fig7"] == text.sweep() and PRESETS["fig7-caption"] == caption.sweep()
    assert PRESETS["fig7"].t_end == FIG7_HORIZON == 60.0 and PRESETS["fig7"].size == 4000
    for grid in fig6().grids:
        assert PRESETS[f"fig6-{grid.name}"] == grid.sweep()
        assert PRESETS[f"fig6-{grid.name}"].size == 200 * 200


def test_fig7_scenario_preset_and_report_agree_on_every_peak(tmp_path):
    """At 2 x 2 x 2 points: the scenario's grid, the preset run as a cohort and the
    report's table give every point's peak, its day and L30 to 1e-9 (one computation)."""
    scenario = run_scenario(paper_scenario("fig7"), 2).grids["text"]
    preset = PRESETS["fig7"]
    small = dataclasses.replace(preset, dimensions=tuple(
        dataclasses.replace(d, n=2) for d in preset.dimensions))
    run_sweep(small, tmp_path / "fig7.parquet", SerialEngine())
    cohort = pd.read_parquet(tmp_path / "fig7.parquet")
    report = _grids("fig7", SerialEngine(), tmp_path, Report(), 2).grids["text"]
    assert len(scenario) == 8 and (scenario[col.STATUS] == col.OK).all()
    assert scenario[col.PEAK_REACHED].all()
    for table in (cohort, report):
        assert list(table.columns) == list(scenario.columns)
        for column in ("rhoA", "alpha", "h", col.C_PEAK, col.T_PEAK, col.FOLD_EXPANSION,
                       col.L30):
            np.testing.assert_allclose(table[column].to_numpy(float),
                                       scenario[column].to_numpy(float), rtol=1e-9, atol=0)


def test_the_benchmark_keeps_the_workload_its_targets_name():
    """pycart bench's rate targets are for Figure 7's patients over 30 days (L30 and the
    peak): the preset's 60 days must not double its work unseen."""
    from pycart.report.bench import bench_cohort

    cohort = bench_cohort()
    assert (cohort.t_end, cohort.days, cohort.peak) == (30.0, (), True)
    assert np.array_equal(cohort.points(), PRESETS["fig7"].points())
