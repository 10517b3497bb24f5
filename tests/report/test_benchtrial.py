"""``pycart bench --trial``: issue 22's virtual trial timed as its own process, with a
libRoadRunner baseline measured in the same run."""

from __future__ import annotations

import pytest

from pycart.cli import main


def test_bench_trial_option_asks_for_the_trial(monkeypatch):
    import pycart.report.bench as bench

    asked = {}
    monkeypatch.setattr(bench, "run_benchmark", lambda **kw: asked.update(kw) or 0)
    assert main(["bench", "--quick", "--trial", "--workers", "2"]) == 0
    assert asked == {"workers": 2, "quick": True, "million": False, "fit": False,
                     "trial": True}


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
