"""A fit whose profile finds a better optimum moves to it (pycart.analysis.calibrate): on a
landscape of two basins where the one design start ends in the shallow one and the profile
walks over the low barrier into the deep one. The likelihood is a stand-in (a function of
one log10 parameter, nll = f(x)), so the test costs no simulation and every number is known
by hand."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import pycart.analysis.calibrate as calibration
from pycart.analysis.calibrate import FitSettings, calibrate
from pycart.analysis.fit import FitProblem, design
from pycart.cli.fit import summary
from pycart.core.output import write_table
from pycart.scale.engines import SerialEngine

#: The basins (log10 of the parameter, on bounds [1, 10]): the shallow one (nll 9) holds the
#: design's one start (Sobol, seed 0: 0.8506), the deep one (nll 5) is 0.4 away; between
#: them the nll rises to about 9.9, less than the threshold 1.92 above the shallow optimum,
#: so its profile walks over into the deep basin.
SHALLOW, DEEP, WIDTH = 0.8, 0.4, 0.1


def landscape(x: float) -> float:
    """The nll: 10 less a Gaussian dip of depth 1 at SHALLOW and one of depth 5 at DEEP."""
    return 10.0 - math.exp(-((x - SHALLOW) / WIDTH) ** 2) \
        - 5.0 * math.exp(-((x - DEEP) / WIDTH) ** 2)


class Landscape:
    """The likelihood's interface as local_fit and the profiles use it: one residual
    sqrt(2 f), so that least squares minimises f; no noise sd estimated."""

    groups: list = []
    names: list = []

    def __init__(self, problem: FitProblem) -> None:
        self.problem = problem

    def nll(self, x: np.ndarray) -> float:
        return landscape(float(x[0]))

    def raw_residuals(self, x: np.ndarray) -> np.ndarray:
        return np.array([math.sqrt(2.0 * self.nll(x))])

    def raw_residuals_many(self, xs: np.ndarray) -> np.ndarray:
        return np.array([self.raw_residuals(x) for x in xs])

    def sigmas(self, raw: np.ndarray) -> np.ndarray:
        return np.ones_like(raw)


@dataclass(frozen=True)
class TwoBasins(FitProblem):
    def make_objective(self) -> Landscape:  # type: ignore[override]
        return Landscape(self)

    def key(self) -> str:
        return "two-basins"


PROBLEM = TwoBasins(pd.DataFrame({"time": [1.0], "observable": ["CT"], "value": [1.0]}),
                    ("h",), ((1.0, 10.0),))
SETTINGS = FitSettings(("h",), starts=1)


@pytest.fixture
def toy(monkeypatch):
    """calibrate on the two basins; its tables written, its figures (which simulate the
    model) not."""
    monkeypatch.setattr(calibration, "problems_for", lambda data, settings: [PROBLEM])

    def tables(result, folder):
        for name in ("starts", "profiles", "patients", "estimates"):
            write_table(getattr(result, name), folder / f"{name}.csv")
    monkeypatch.setattr(calibration, "_write", tables)

    def run(out):
        return calibrate(PROBLEM.data, SETTINGS, out, SerialEngine(), log=lambda _: None)
    return run


def test_a_profile_that_finds_a_better_optimum_moves_the_fit_there(toy, tmp_path, capsys):
    assert abs(design(PROBLEM, 1)[0][0] - 0.8506) < 1e-3  # the start is in the shallow basin
    result = toy(tmp_path)
    patient = result.patients.iloc[0]
    # the optimum moved once, from the shallow basin (nll 9) to the deep one (nll 5)
    assert patient["optimum_moves"] == 1
    assert patient["first_optimum_nll"] == pytest.approx(9.0, abs=1e-3)
    assert patient["nll"] == pytest.approx(5.0, abs=1e-6)
    row = result.estimates.iloc[0]
    assert math.log10(row["estimate"]) == pytest.approx(DEEP, abs=1e-3)
    # the profile is the deep optimum's: it crosses the threshold where 5 (1 - dip) = 1.92
    half = WIDTH * math.sqrt(-math.log(1 - calibration.THRESHOLD / 5))
    assert math.log10(row["lower"]) == pytest.approx(DEEP - half, abs=1e-3)
    assert math.log10(row["upper"]) == pytest.approx(DEEP + half, abs=1e-3)
    assert row["identifiable"] == "yes"
    assert result.profiles["nll"].min() == pytest.approx(5.0, abs=1e-6)
    # the starts table says which local fit came from the profile
    sources = dict(zip(result.starts["start"], result.starts["source"], strict=True))
    assert sources == {0: "design", 1: "profile of h"}
    assert result.starts.iloc[0]["start"] == 1
    assert "warning" not in capsys.readouterr().err
    # and pycart fit's printed summary says it
    assert "2 starts reached it; the optimum moved 1 time (profiles found better), from " \
        "nll 9.0000" in summary(result.estimates, result.patients)


def test_a_better_optimum_left_after_the_last_move_is_said(toy, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(calibration, "MOVES", 0)
    result = toy(tmp_path)
    assert result.patients.iloc[0]["optimum_moves"] == 0
    assert result.patients.iloc[0]["nll"] == pytest.approx(9.0, abs=1e-3)
    verdict = result.estimates.iloc[0]["identifiable"]
    assert re.search(r"a profile found nll 5\.\d+ below the optimum's 9 after 0 moves: not "
                     "the maximum-likelihood estimate", verdict)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "found a better optimum" in err and "moved 0 times" in err


def test_a_resumed_fit_never_mixes_the_sides_of_two_optima(toy, tmp_path, monkeypatch):
    """Interrupted in the second optimum's profiles: the first optimum's two sides and the
    second's one are kept apart; run again, only the missing side is walked, and the tables
    are a fresh run's."""
    real, calls = calibration.profile_task, []

    def interrupted(*args):
        if len(calls) == 3:
            raise KeyboardInterrupt
        calls.append(args)
        return real(*args)

    with monkeypatch.context() as patch:
        patch.setattr(calibration, "profile_task", interrupted)
        with pytest.raises(KeyboardInterrupt):
            toy(tmp_path)
    store = tmp_path / calibration.PARTS / PROBLEM.key()
    kept = sorted(len(list(d.glob("profile-*.json"))) for d in store.glob("optimum-*"))
    assert kept == [1, 2]
    again: list = []
    monkeypatch.setattr(calibration, "profile_task",
                        lambda *args: again.append(args) or real(*args))
    resumed = toy(tmp_path)
    assert len(again) == 1 and again[0][4] == pytest.approx([DEEP], abs=1e-3)
    fresh = toy(tmp_path / "fresh")
    for name in ("estimates", "patients", "profiles", "starts"):
        pd.testing.assert_frame_equal(getattr(resumed, name), getattr(fresh, name))


def test_a_profile_walk_stops_at_a_better_point():
    """The rest of a walk past a better point would be dropped with its side (the fit
    moves): the side ends at its first point more than 0.001 below the optimum, unfilled;
    the other side walks to its bound and is filled as before."""
    from pycart.analysis.profile import MIN_POINTS, profile_task

    down = profile_task(PROBLEM, PROBLEM.key(), 0, -1, np.array([SHALLOW]), 9.0)
    nlls = [nll for _, nll in down["points"]]
    assert nlls[-1] < 9.0 - 1e-3 and min(nlls[:-1]) >= 9.0 - 1e-3
    assert len(nlls) < MIN_POINTS and down["points"][-1][0] > DEEP - WIDTH
    up = profile_task(PROBLEM, PROBLEM.key(), 0, 1, np.array([SHALLOW]), 9.0)
    assert len(up["points"]) >= MIN_POINTS and up["points"][-1][0] == pytest.approx(1.0)
