"""``pycart bench --trial``: issue 22's target (the accepted population alone: one variant,
its two arms, calibration and bootstrap) timed as its own process, the documented run's cost
beside it, with a libRoadRunner baseline measured in the same run (the flag's dispatch:
test_benchfit.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def test_the_accepted_population_is_read_from_the_prevalence_weights(tmp_path):
    """Regression: the bench read the column ``weight`` (body weights, 14-140 kg: an
    effective size near every patient) for the accepted population."""
    from pycart.report.benchtrial import accepted

    prevalence = np.array([0.5, 0.25, 0.125, 0.125])  # Kish: 1 / sum(w^2) = 1 / 0.34375
    pd.DataFrame({"weight": [20.0, 30.0, 40.0, 50.0], "prevalence_weight": prevalence}
                 ).to_parquet(tmp_path / "population.parquet")
    assert accepted(tmp_path / "population.parquet") == pytest.approx(1 / 0.34375, rel=1e-12)


@pytest.mark.heavy
@pytest.mark.timeout(1800)
def test_quick_trial_bench_prints_every_figure(tmp_path):
    from pycart.report.bench import tree_rss
    from pycart.report.benchtrial import QUICK_FULL_PATIENTS, QUICK_PATIENTS, trial_bench

    lines: list[str] = []
    trial_bench(tmp_path, 2, True, lines.append, tree_rss)
    text = "\n".join(lines)
    assert f"{QUICK_PATIENTS} plausible patients" in text
    assert "'pycart trial --compare none --no-checks'" in text
    for stage in ("simulated both:", "simulated both+reinfusion:", "calibrated both:"):
        assert stage in text
    assert "simulated escape" not in text  # the target's run: the selected variant alone
    figures = next(line for line in lines if line.startswith(f"  {QUICK_PATIENTS} patients in"))
    for word in ("s wall", "s CPU", "MB", "plausible patients/s", "simulations/s"):
        assert word in figures
    share = float(text.split("effective size reached ")[1].split("(")[1].split("%")[0])
    assert share >= 10.0  # the weights' floor: a tenth of the plausible patients
    assert "libRoadRunner integrates one patient" in text and "extrapolated" in text
    assert "no verdict (quick" in text
    assert f"measured at {QUICK_FULL_PATIENTS} plausible patients" in text
    ratio = float(text.split("; ratio ")[1].split()[0])
    assert ratio > 1.0  # 4 variants and the checks: more work than one variant (at 32
    # patients the start-up of processes and kernels, the same in both, is most of it)
    assert "estimated from the target's run by that ratio, not run" in text
