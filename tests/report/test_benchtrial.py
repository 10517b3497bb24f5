"""``pycart bench --trial``: issue 22's virtual trial timed as its own process, with a
libRoadRunner baseline measured in the same run (the flag's dispatch: test_benchfit.py)."""

from __future__ import annotations

import pytest


@pytest.mark.heavy
@pytest.mark.timeout(1800)
def test_quick_trial_bench_prints_every_figure(tmp_path):
    from pycart.report.bench import tree_rss
    from pycart.report.benchtrial import QUICK_PATIENTS, trial_bench

    lines: list[str] = []
    trial_bench(tmp_path, 2, True, lines.append, tree_rss)
    text = "\n".join(lines)
    assert f"{QUICK_PATIENTS} plausible patients" in text
    for stage in ("simulated both:", "simulated base+reinfusion:", "calibrated escape:"):
        assert stage in text
    figures = next(line for line in lines if line.startswith(f"  {QUICK_PATIENTS} patients in"))
    for word in ("s wall", "s CPU", "MB", "plausible patients/s", "simulations/s"):
        assert word in figures
    share = float(text.split("effective size reached ")[1].split("(")[1].split("%")[0])
    assert share >= 10.0  # the weights' floor: a tenth of the plausible patients
    assert "libRoadRunner integrates one patient" in text and "extrapolated" in text
    assert "no verdict (quick" in text
