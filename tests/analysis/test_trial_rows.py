"""endpoints.csv carries every row issue 22 names, in plain words and with the named role:
the shipped targets (one row of endpoints.csv each) checked against the issue's list. Cheap:
no simulation; the rows a run writes are the targets' (tests/analysis/test_trial.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pycart.analysis.targets import load_targets
from pycart.analysis.trial import endpoints_table

#: Issue 22's rows: the trials' targets (calibrated) and the four predictions (five rows:
#: the CD19-negative share by burden is two), by the names endpoints.csv gives them.
CALIBRATED = ("remission within 3 months",
              "relapse-free survival of responders at 12 months",
              "CD19-negative share of relapses with persisting B-cell aplasia",
              "median Tmax of blood CAR T (days)", "between-patient variance of log Tmax",
              "median fold expansion (Stein 2019)",
              "between-patient variance of log fold expansion",
              "Cmax ratio, responders to non-responders")
PREDICTED = ("remission by day 28, real-world population",
             "hazard ratio of relapse, B-cell recovery within 6 months vs persisting aplasia",
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
