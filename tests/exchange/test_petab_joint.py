"""The PEtab problem of a joint fit (issue 21): shared parameters once in the parameter table,
each patient's own ones mapped by its condition, clinical observables with their scale
factor and noise models, petablint clean; pyPESTO's likelihood on it is the one computed by
hand from the model's trajectories; censored rows are refused unless left out on request."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import pypesto_problem

from pycart.analysis.data import check_measurements
from pycart.analysis.joint import make_joint
from pycart.analysis.observation import Observable
from pycart.core.errors import PycartError
from pycart.core.observe import MARROW_CELLS
from pycart.core.variants import variant_sbml
from pycart.exchange.petab import dose_slots, lint, runs, write_tables
from pycart.exchange.petabjoint import joint_tables

BURDENS = {"A": 2e11, "B": 5e10}
DAYS = (3, 7, 14, 28)
#: A point of the parameter vector (log10), away from the data on purpose: every term counts.
POINT = {"h": 9.0, "rhoA": math.log10(0.8), "alpha": math.log10(3e-10), "tauA__A": 1.0,
         "tauA__B": 0.8, "sigma_MRD": -0.5, "sigma_blood": 3.5, "blood_scale__A": -5.0,
         "blood_scale__B": -4.5}


def _data(lloq: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [{"time": t, "observable": obs, "value": scale * rng.uniform(1, 10),
             "patient": p} for p in BURDENS for t in DAYS
            for obs, scale in (("CT", 1e8), ("MRD", 1e-3), ("blood", 1e3))]
    frame = pd.DataFrame(rows)
    if lloq:  # MRD by flow cytometry: negative under 1e-4, written empty
        frame["lloq"] = np.where(frame["observable"] == "MRD", "1e-4", "")
        frame["value"] = frame["value"].astype(object)
        frame.loc[(frame["observable"] == "MRD") & (frame["time"] >= 14), "value"] = ""
    return check_measurements(frame, allowed=["CT", "MRD", "blood"])


def _problem(data: pd.DataFrame, blood_noise: str = "normal"):
    observables = (Observable("CT", "CT", "lognormal", 0.15),
                   Observable("MRD", "MRD", "lognormal"),
                   Observable("blood", "blood_CART", blood_noise, None, "per-patient"))
    return make_joint(data, ["h", "rhoA", "alpha", "tauA"], ["h", "rhoA", "alpha"],
                      observables, {}, {p: ({}, {"L": v}, ()) for p, v in BURDENS.items()})


def _write(problem, folder):
    return write_tables(joint_tables([problem]),
                        variant_sbml(problem.model, dose_slots(runs([problem]))), folder)


def test_shared_parameters_once_patients_own_by_condition(tmp_path):
    problem = _problem(_data())
    written = _write(problem, tmp_path / "petab")
    assert lint(written[0]) == []  # PEtab's linter, clean
    params = pd.read_csv(tmp_path / "petab" / "parameters.tsv", sep="\t")
    assert list(params["parameterId"]) == list(POINT)
    conditions = pd.read_csv(tmp_path / "petab" / "conditions.tsv", sep="\t",
                             index_col="conditionId")
    assert "h" not in conditions  # shared: estimated as the model's own parameter
    assert conditions.loc["c_A", "tauA"] == "tauA__A" and conditions.loc["c_B", "L"] == 5e10
    observables = pd.read_csv(tmp_path / "petab" / "observables.tsv", sep="\t",
                              index_col="observableId")
    assert observables.loc["obs_MRD", "observableFormula"] == f"(L) / ({MARROW_CELLS:g} + L)"
    assert observables.loc["obs_blood", "observableFormula"] == \
        "observableParameter1_obs_blood * (CA + CM)"
    assert observables.loc["obs_MRD", "observableTransformation"] == "log"
    measurements = pd.read_csv(tmp_path / "petab" / "measurements.tsv", sep="\t")
    blood = measurements[measurements["observableId"] == "obs_blood"]
    assert set(blood["observableParameters"]) == {"blood_scale__A", "blood_scale__B"}
    ct = measurements[measurements["observableId"] == "obs_CT"]
    assert (ct["noiseParameters"].astype(float) == 0.15).all()  # the observable's fixed sigma


def _hand_nll(data: pd.DataFrame, x: dict[str, float], proportional: bool = False) -> float:
    """PEtab's likelihood computed here from the model's trajectories (pycart.Model)."""
    import pycart

    v = {k: 10.0 ** x[k] for k in x}
    total = 0.0
    for patient, rows in data.groupby("patient"):
        traj = pycart.Model().simulate(
            {"h": v["h"], "rhoA": v["rhoA"], "alpha": v["alpha"],
             "tauA": v[f"tauA__{patient}"]}, {"L": BURDENS[patient]}, t_end=28,
            points=29).set_index("time")
        for _, row in rows.iterrows():
            s, y = traj.loc[row["time"]], row["value"]
            if row["observable"] == "blood":
                sim = v[f"blood_scale__{patient}"] * (s["CA"] + s["CM"])
                sd = v["sigma_blood"] * (sim if proportional else 1.0)
                total += 0.5 * math.log(2 * math.pi * sd**2) + 0.5 * ((sim - y) / sd) ** 2
                continue
            sim, sd = ((s["CA"] + s["CM"], 0.15) if row["observable"] == "CT" else
                       (s["L"] / (MARROW_CELLS + s["L"]), v["sigma_MRD"]))
            total += (0.5 * math.log(2 * math.pi * sd**2) + math.log(y)
                      + 0.5 * ((math.log(sim) - math.log(y)) / sd) ** 2)
    return total


def test_pypesto_computes_the_joint_likelihood_by_hand(tmp_path):
    """pyPESTO's RoadRunner objective on the joint problem (shared h, rhoA, alpha; tauA and
    the blood scale per patient; a fixed, an estimated and a scaled observable) gives the
    likelihood computed by hand, to the solvers' tolerance."""
    pytest.importorskip("pypesto")
    data = _data()
    written = _write(_problem(data), tmp_path / "petab")
    pp = pypesto_problem(written[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pp.objective(np.array([POINT[n] for n in pp.x_names]))
    assert theirs == pytest.approx(_hand_nll(data, POINT), rel=1e-7)


def test_proportional_noise_formula_is_the_likelihoods(tmp_path):
    """The proportional noise formula, evaluated symbolically at the simulated states with
    its measurement's noise parameters, gives sd = sigma * simulated value (pyPESTO's
    RoadRunner objective evaluates a noise formula once per condition, so it is not used
    here)."""
    import sympy

    data = _data()
    tables = joint_tables([_problem(data, "proportional")])
    obs = tables["observables"].set_index("observableId").loc["obs_blood"]
    row = tables["measurements"].query("observableId == 'obs_blood'").iloc[0]
    sigma_id, scale_id = row["noiseParameters"].split(";")
    assert (sigma_id, scale_id) == ("sigma_blood", "blood_scale__A")
    formula = sympy.sympify(obs["noiseFormula"])
    cells = {"CA": 3e9, "CM": 1e8}
    sd = float(formula.subs({"noiseParameter1_obs_blood": 0.2,
                             "noiseParameter2_obs_blood": 1e-5, **cells}))
    assert sd == pytest.approx(0.2 * 1e-5 * 3.1e9, rel=1e-12)


def test_censored_rows_are_refused_or_left_out_on_request(tmp_path):
    data = _data(lloq=True)
    problem = _problem(data)
    with pytest.raises(PycartError) as refused:
        joint_tables([problem])
    message = str(refused.value)
    assert "\n" not in message and message.startswith("data: 4 left-censored rows (A MRD "
                                                      "day 14, A MRD day 28, B MRD day 14 "
                                                      "and 1 more)")
    assert "--drop-censored" in message
    kept = joint_tables([problem], drop_censored=True)["measurements"]
    assert len(kept) == len(data) - 4
    assert not ((kept["observableId"] == "obs_MRD") & (kept["time"] >= 14)).any()


TRUTH = {"h": 1e9, "rhoA": 0.9, "alpha": 3e-10}
SCENARIO = ('name = "two"\n[[runs]]\nlabel = "A"\ninitial = { L = 2e11 }\n'
            '[[runs]]\nlabel = "B"\ninitial = { L = 5e10 }\n')
OBSERVABLES = ('[CT]\nnoise = "lognormal"\nsigma = "estimate"\n'
               '[MRD]\nnoise = "lognormal"\nsigma = 0.15\n'
               '[blood]\ndefinition = "blood_CART"\nnoise = "normal"\nsigma = "estimate"\n'
               'scale = "per-patient"\n')


def _files(tmp_path, lloq: float | None = None):
    """Two patients' data from the independent solver (blood copies: CT times 1e-5, with
    normal noise), their scenario and observables; the command line's problem options."""
    from pycart.analysis.synthetic import independent

    data = independent(TRUTH, {"A": {"L": 2e11}, "B": {"L": 5e10}}, ("CT", "MRD"), seed=3)
    ct = data[data["observable"] == "CT"]
    blood = ct.assign(observable="blood", value=ct["value"] * 1e-5)
    data = pd.concat([data, blood], ignore_index=True)
    if lloq is not None:  # MRD under the limit: written empty, with the limit
        mrd = data["observable"] == "MRD"
        data["lloq"] = np.where(mrd, lloq, np.nan)
        data.loc[mrd & (data["value"] < lloq), "value"] = np.nan
    data.to_csv(tmp_path / "data.csv", index=False)
    (tmp_path / "patients.toml").write_text(SCENARIO, encoding="utf-8")
    (tmp_path / "obs.toml").write_text(OBSERVABLES, encoding="utf-8")
    return [str(tmp_path / "data.csv"), "--scenario", str(tmp_path / "patients.toml"),
            "--observables", str(tmp_path / "obs.toml"), "--estimate", "h,rhoA,alpha",
            "--shared", "h,rhoA,alpha"]


def test_pycart_petab_writes_the_joint_problem_pypesto_computes_pycarts_nll(tmp_path,
                                                                             capsys):
    """``pycart petab --shared`` on two patients with an estimated sigma, a fixed one and a
    per-patient blood scale: petablint clean, and pyPESTO's nll is pycart's joint nll
    (JointObjective) at two points."""
    pytest.importorskip("pypesto")
    from pycart.analysis.calibrate import problems_for
    from pycart.cli import _parser, main
    from pycart.cli.fit import read_data, settings

    argv = ["petab", *_files(tmp_path), "--out", str(tmp_path / "petab")]
    assert main(argv) == 0
    assert "petablint: no errors" in capsys.readouterr().out
    params = pd.read_csv(tmp_path / "petab" / "parameters.tsv", sep="\t")
    assert list(params["parameterId"]) == ["h", "rhoA", "alpha", "sigma_CT", "sigma_blood",
                                           "blood_scale__A", "blood_scale__B"]
    args = _parser().parse_args(argv)
    data = read_data(args)
    (problem,) = problems_for(data, settings(args, data))
    objective = problem.make_objective()
    pp = pypesto_problem(tmp_path / "petab" / "problem.yaml")
    assert list(pp.x_names) == list(problem.estimate)
    for shift in (0.0, 0.1):
        x = np.log10([*TRUTH.values(), 0.15, 1e6, 1e-5, 2e-5]) + shift
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = pp.objective(x)
        assert theirs == pytest.approx(objective.nll(x), rel=1e-7)


def test_pycart_petab_refuses_censored_rows_unless_dropped(tmp_path, capsys):
    from pycart.cli import main

    argv = ["petab", *_files(tmp_path, lloq=1e-4), "--out", str(tmp_path / "petab")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "left-censored rows (A MRD day" in err, err
    assert not (tmp_path / "petab").exists()  # refused before any work
    assert main([*argv, "--drop-censored"]) == 0
    err = capsys.readouterr().err
    dropped = int(err.split("warning: ")[1].split()[0])
    data = pd.read_csv(tmp_path / "data.csv")
    assert dropped == data["value"].isna().sum() > 0
    measurements = pd.read_csv(tmp_path / "petab" / "measurements.tsv", sep="\t")
    assert len(measurements) == len(data) - dropped


@pytest.mark.heavy
def test_docs_pypesto_reaches_pycarts_joint_optimum(root, tmp_path, monkeypatch, capsys):
    """docs/fitting.md's "PEtab and pyPESTO" example as written: pycart fit --shared prints
    the joint nll shown, pycart petab writes the problem, and the pyPESTO block reaches that
    optimum within 0.1 in nll (and prints what the page shows, within 0.1)."""
    pytest.importorskip("pypesto")
    import re
    import shlex
    import shutil

    from pycart.cli import main

    text = (root / "docs" / "fitting.md").read_text(encoding="utf-8")
    section = text[text.index("## PEtab and pyPESTO"):]
    blocks = re.findall(r"^```([a-z]*)\n(.*?)^```", section, flags=re.S | re.M)
    shell = [b for lang, b in blocks if b.startswith("$ pycart ")]
    code, shown = next(b for lang, b in blocks if lang == "python"), \
        next(b for lang, b in blocks if b.startswith("nll "))
    monkeypatch.chdir(tmp_path)
    shutil.copytree(root / "docs" / "calibration", tmp_path / "docs" / "calibration")
    printed = []
    for block in shell:
        command, *expected = block.strip().splitlines()
        assert main(shlex.split(command)[2:]) == 0
        printed.append(capsys.readouterr().out)
    joint_nll = float(re.search(r"joint: nll ([\d.]+)", printed[0]).group(1))
    assert joint_nll == pytest.approx(float(re.search(r"joint: nll ([\d.]+)", shell[0])
                                            .group(1)), abs=1e-3)
    assert printed[1].splitlines() == shell[1].strip().splitlines()[1:]
    exec(compile(code, "fitting.md (example)", "exec"), {"__name__": "__docs__"})
    theirs = float(capsys.readouterr().out.split()[1].rstrip(";"))
    assert theirs == pytest.approx(joint_nll, abs=0.1)
    assert theirs == pytest.approx(float(shown.split()[1].rstrip(";")), abs=0.1)


def test_without_shared_each_patients_problem_is_its_own_block(tmp_path, capsys):
    """--observables without --shared: each patient fitted alone, so every entry of the
    PEtab problem is the patient's own (sigma_CT__A, ...); pyPESTO's nll is the sum of the
    patients' pycart nlls."""
    pytest.importorskip("pypesto")
    from pycart.analysis.calibrate import problems_for
    from pycart.cli import _parser, main
    from pycart.cli.fit import read_data, settings

    options = _files(tmp_path)[:-2]  # no --shared
    argv = ["petab", *options, "--out", str(tmp_path / "petab")]
    assert main(argv) == 0
    args = _parser().parse_args(argv)
    data = read_data(args)
    problems = problems_for(data, settings(args, data))
    assert [p.patient for p in problems] == ["A", "B"]
    pp = pypesto_problem(tmp_path / "petab" / "problem.yaml")
    assert {"h__A", "h__B", "sigma_CT__A", "sigma_CT__B", "blood_scale__A",
            "blood_scale__B"} <= set(pp.x_names)
    own = {"h": 1e9, "rhoA": 0.9, "alpha": 3e-10, "sigma_CT": 0.15, "sigma_blood": 1e6,
           "blood_scale": 1e-5}
    x = {n: math.log10(own[n.split("__")[0]]) for n in pp.x_names}
    ours = sum(p.make_objective().nll(np.array([x[e if "__" in e else f"{e}__{p.patient}"]
                                                for e in p.estimate])) for p in problems)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pp.objective(np.array([x[n] for n in pp.x_names]))
    assert theirs == pytest.approx(ours, rel=1e-7)
