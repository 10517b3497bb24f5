"""The virtual trial's targets and priors as data: the shipped files parse, every target and
prior says where it comes from, and a bad file gets one line naming what is wrong."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pycart.analysis.population import PATIENT, draw, leukaemia_cells, load_priors, total_dose
from pycart.analysis.targets import CALIBRATED_IDS, PREDICTED_IDS, load_targets
from pycart.core.errors import PycartError
from pycart.core.observe import blast_fraction
from pycart.experiments.values import ALPHA_RANGE, H_RANGE, RHOA_RANGE


def test_shipped_targets_have_sources_and_roles():
    targets = load_targets()
    assert set(targets) == set(CALIBRATED_IDS + PREDICTED_IDS)
    for t in targets.values():
        assert len(t.source) > 30 and t.endpoint
        assert t.role == ("calibrated" if t.id in CALIBRATED_IDS else "predicted")
    assert (targets["remission"].value, targets["remission"].lower,
            targets["remission"].upper) == (0.81, 0.71, 0.89)
    assert targets["cmax_ratio"].groups == (62, 8)
    assert "unconfirmed" in targets["rfs12"].note  # the CI was not found by search


def test_derived_intervals_follow_from_stein_omegas():
    """Tmax's and the variances' intervals are computed, not copied: check the arithmetic."""
    from scipy.stats import chi2

    t = load_targets()
    se = 1.2533 * math.sqrt(0.38 / 90)
    assert t["tmax"].lower == pytest.approx(9.3 * math.exp(-1.96 * se), abs=0.05)
    assert t["tmax_var"].upper == pytest.approx(0.38 * chi2.ppf(0.975, 89) / 89, abs=0.005)
    # Pulsipher 2022's 23/25: the exact binomial interval
    from scipy.stats import beta
    assert t["cd19neg_aplasia"].lower == pytest.approx(beta.ppf(0.025, 23, 3), abs=0.005)


BAD = [
    ("target = 3\n", "expected only"),
    ("[[target]\n", "not valid TOML"),
    ("[[target]]\nid = 'remission'\n", "missing key"),
]


@pytest.mark.parametrize("text, says", BAD)
def test_bad_targets_one_line(tmp_path: Path, text: str, says: str):
    path = tmp_path / "t.toml"
    path.write_text(text)
    with pytest.raises(PycartError, match=says) as info:
        load_targets(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("old, new, says", [
    ('value = 0.81', 'value = 0.95', "outside"),
    ('role = "calibrated"', 'role = "tuned"', "role 'tuned'"),
    ('compare = "rate"', 'compare = "mode"', "compare 'mode'"),
    ('value = 0.81', 'value = "high"', "must be a number"),
    ('value = 0.81', 'value = true', "must be a number"),
    ('lower = 0.71', 'lower = nan', "finite value"),
    ('id = "rfs12"', 'id = "remission"', "given twice"),
])
def test_edited_targets_refused(tmp_path: Path, old: str, new: str, says: str):
    from pycart.analysis.targets import default_targets_path

    _refused(tmp_path, default_targets_path(), (old, new), says, load_targets)


def _refused(tmp_path: Path, shipped: Path, edit: tuple[str, str], says: str, load) -> None:
    """The shipped file with one edit is refused with one line saying ``says``."""
    text = shipped.read_text()
    assert edit[0] in text
    path = tmp_path / "edited.toml"
    path.write_text(text.replace(*edit, 1))
    with pytest.raises(PycartError, match=says) as info:
        load(path)
    assert "\n" not in str(info.value)


def test_missing_and_unreadable_files(tmp_path: Path):
    with pytest.raises(PycartError, match="no such file"):
        load_targets(tmp_path / "none.toml")
    with pytest.raises(PycartError, match="not a regular file"):
        load_targets(tmp_path)
    (tmp_path / "b.toml").write_bytes(b"\xff\xfe")
    with pytest.raises(PycartError, match="not UTF-8"):
        load_targets(tmp_path / "b.toml")


def test_priors_cite_or_say_choice_and_match_table1():
    priors = load_priors()
    for p in priors.priors:
        assert p.source.startswith("[choice]") or "et al." in p.source, p.parameter
    by = {p.parameter: p for p in priors.priors}
    assert (by["alpha"].lower, by["alpha"].upper) == ALPHA_RANGE
    assert (by["h"].lower, by["h"].upper) == H_RANGE
    assert (by["rhoA"].lower, by["rhoA"].upper) == RHOA_RANGE
    assert all(name in by for name in PATIENT)
    assert 0 < priors.homing <= 1


def test_draw_stays_in_bounds_and_maps_to_cells():
    priors = load_priors()
    patients = draw(priors, 256, seed=1)
    for p in priors.priors:
        x = patients[p.parameter].to_numpy()
        assert (x >= p.lower * (1 - 1e-12)).all() and (x <= p.upper * (1 + 1e-12)).all()
    # ELIANA's median dose 3.1e6/kg: the truncated log-normal keeps it as the median
    assert np.median(patients["dose_per_kg"]) == pytest.approx(3.1e6, rel=0.1)
    # the blast share round-trips through observe's marrow
    b = patients["blasts"].to_numpy()
    assert np.allclose(blast_fraction(leukaemia_cells(b)), b, rtol=1e-12)
    dose = total_dose(patients)
    heavy = patients["weight"].to_numpy() > 50
    assert (dose[heavy] >= 1e7).all() and (dose[heavy] <= 2.5e8).all()
    light = ~heavy
    assert np.allclose(dose[light], (patients["dose_per_kg"] * patients["weight"])[light])


@pytest.mark.parametrize("old, new, says", [
    ('distribution = "uniform"', 'distribution = "cauchy"', "distribution 'cauchy'"),
    ('lower = 3e-11', 'lower = 3e-8', "bounds"),
    ('value = 0.5', 'value = 2.0', "homing"),
    ('models = ["escape", "both"]', 'models = ["all"]', "models"),
])
def test_bad_priors_refused(tmp_path: Path, old: str, new: str, says: str):
    from pycart.analysis.population import default_priors_path

    _refused(tmp_path, default_priors_path(), (old, new), says, load_priors)
