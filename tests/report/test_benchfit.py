"""``pycart bench --fit``: a two-patient, three-parameter joint fit timed in one process and
on the workers, in the same run."""

from __future__ import annotations

import pytest

from pycart.cli import main


@pytest.mark.parametrize("flag", ["fit", "trial"])
def test_bench_option_asks_for_its_part(monkeypatch, flag):
    """--fit asks for the joint fit, --trial for the virtual trial (pycart.report.benchtrial)."""
    import pycart.report.bench as bench

    asked = {}
    monkeypatch.setattr(bench, "run_benchmark", lambda **kw: asked.update(kw) or 0)
    assert main(["bench", "--quick", f"--{flag}", "--workers", "1"]) == 0
    assert asked == {"workers": 1, "quick": True, "million": False, "fit": flag == "fit",
                     "trial": flag == "trial"}


@pytest.mark.heavy
def test_joint_fit_bench_prints_both_times_and_the_same_optimum(tmp_path):
    from pycart.report.benchfit import joint_fit_bench

    lines: list[str] = []
    joint_fit_bench(tmp_path, 2, True, lines.append)
    text = "\n".join(lines)
    assert "h, rhoA, alpha shared; 4 starts" in text
    assert "one process" in text and "2 workers" in text and text.count(", CPU ") == 2
    within = float(text.split("the same optimum within ")[1].split()[0])
    assert within < 1e-6, text  # the same starts, the same local fits
