"""endpoints.csv carries every row issue 22 names, in plain words and with the named role:
the shipped targets (one row of endpoints.csv each) checked against the issue's list. Cheap:
no simulation; the rows a run writes are the targets' (tests/analysis/test_trial.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pycart.analysis.targets import load_targets
from pycart.analysis.trial import endpoints_table

#: Issue 22's rows: the trials' targets (calibrated) and the predictions (the four the issue
#: names, the CD19-negative share by burden being two rows, and the share over all
#: relapses), by the names endpoints.csv gives them.
CALIBRATED = ("remission within 3 months",
              "relapse-free survival of responders at 12 months",
              "CD19-negative share of relapses with persisting B-cell aplasia",
              "median Tmax of blood CAR T (days)", "between-patient variance of log Tmax",
              "median fold expansion (Stein 2019)",
              "between-patient variance of log fold expansion",
              "Cmax ratio, responders to non-responders")
PREDICTED = ("remission by day 28, real-world population",
             "hazard ratio of relapse, B-cell recovery within 6 months vs persisting aplasia",
             "CD19-negative share of relapses",
             "CD19-negative share of relapses, high burden",
             "CD19-negative share of relapses, low burden",
             "relapse-free survival of responders at 12 months, second infusion at day 90")


def test_endpoints_csv_has_every_row_the_issue_names_with_its_role():
    targets = load_targets()
    point = {k: t.value if math.isfinite(t.value) else 0.5 for k, t in targets.items()}
    draws = pd.DataFrame([point] * 20)
    table = endpoints_table(targets, point, draws)
    assert len(table) == len(targets)  # one row per target
    role = dict(zip(table["endpoint"], table["role"], strict=True))
    assert {name: role.get(name) for name in CALIBRATED} == dict.fromkeys(CALIBRATED,
                                                                          "calibrated")
    assert {name: role.get(name) for name in PREDICTED} == dict.fromkeys(PREDICTED, "predicted")
    # every row says where its number comes from, or what it would be compared with
    assert (table["source"].str.len() > 30).all()
    # every calibrated row has its target's value to be met
    calibrated = table[table["role"] == "calibrated"]
    assert np.isfinite(calibrated["target"].to_numpy(dtype=float)).all()


def test_overall_cd19_negative_share_is_a_prediction_without_a_target_number():
    """The share over all relapses is reported, never calibrated on: its only number
    (ELIANA's 14/19) is unconfirmed, so the row has no target and says what it would be
    compared with."""
    overall = load_targets()["cd19neg"]
    assert overall.endpoint == "CD19-negative share of relapses"
    assert overall.role == "predicted" and math.isnan(overall.value)
    assert overall.source.startswith("to compare with:")
    assert "14 of 19" in overall.source and "unconfirmed" in overall.source


def test_overall_cd19_negative_share_by_hand():
    """The share over all relapses, weighted: relapses of weights 0.1 (CD19-), 0.2 (CD19+),
    0.3 (CD19-, high burden) give (0.1 + 0.3) / 0.6; a patient without relapse does not
    count, whatever its CD19 column says. It is the burden rows' relapses pooled."""
    from pycart.analysis.trial import Arms, _predictions
    from pycart.core import columns as col

    table = pd.DataFrame({
        col.RELAPSE_EVENT: [True, True, True, False, False],
        col.RELAPSE_CD19_NEGATIVE: [True, False, True, True, None],
        col.REMISSION_3M: [True, True, True, True, False],
        col.REMISSION_DAY28: [True, True, True, True, False],
        col.RFS_TIME: [100.0, 200.0, 300.0, 400.0, 0.0],
        col.BCELL_RECOVERY_DAY: [50.0, 400.0, 400.0, 400.0, np.nan]})
    patients = pd.DataFrame({"blasts": [0.01, 0.01, 0.5, 0.01, 0.5],
                             "weight": [20.0, 30.0, 40.0, 60.0, 70.0]})
    w = np.array([0.1, 0.2, 0.3, 0.25, 0.15])
    got = _predictions(Arms(patients, table, table, True), w)
    assert got["cd19neg"] == pytest.approx(0.4 / 0.6, rel=1e-12)
    assert got["cd19neg_high"] == 1.0 and got["cd19neg_low"] == pytest.approx(1 / 3)
