"""The fast path: the generated right-hand side against libRoadRunner, the DOP853 integrator
against scipy and CVODE, the sweep outputs against the roadrunner path, doses routed,
failures recomputed and marked, identical results on every engine, the Python API."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import libsbml
import numpy as np
import pandas as pd
import pytest
import roadrunner

import pycart
from pycart.cli import main
from pycart.core.names import MODELS, SWITCHES, model_parameters
from pycart.core.resources import rhs_text, sbml_text
from pycart.exchange.codegen import expression, fast_path_obstacle, rhs_source
from pycart.experiments.cohort import PRESETS
from pycart.scale import fast
from pycart.scale.engines import ProcessEngine, SerialEngine
from pycart.scale.kernel import kernel_source, load_kernel
from pycart.scale.runner import run_sweep
from pycart.scale.sweep import Dimension, PointSimulator, Sweep

SMALL = Sweep((Dimension("rhoA", 0.4, 1.0, 3, "linear"), Dimension("alpha", 5e-11, 5e-9, 4),
               Dimension("h", 5e8, 5e10, 5)), t_end=60, days=(10.0, 45.0, 60.0),
              species=("L", "CA", "CM", "B1"))


def _python_rhs(model: str):
    """The generated module run as plain Python (no numba)."""
    namespace: dict = {}
    exec(rhs_text(model), namespace)
    return namespace


#: The models with a generated right-hand side (cart_bm_ext and cart_bm2_ext have rate rules:
#: none).
#: A kernel call's dose arguments for one point without doses: scheduled, on relapse.
NO_DOSES = (np.zeros((1, 0, 3)), np.zeros((1, 0, 5)))
FAST_MODELS = [m for m in MODELS if fast_path_obstacle(sbml_text(m)) is None]


#: The states each model's kernel integrates: the species, then the variables of rate rules
#: (the clock is no state).
STATES = {"cart_bm": MODELS["cart_bm"], "cart_bm2": MODELS["cart_bm2"],
          "cart_bm_ext": (*MODELS["cart_bm_ext"], "X"),
          "cart_bm2_ext": (*MODELS["cart_bm2_ext"], "X", "X2")}
#: The one kernel the default suite compiles (a first run compiles each in ~30 s of CPU):
#: the other models' compiled code is checked by heavy tests; their generated code, which
#: is the kernel's text, by the default suite as plain Python.
DEFAULT_KERNEL = "cart_bm"
ON_THEIR_KERNELS = [m if m == DEFAULT_KERNEL else pytest.param(m, marks=pytest.mark.heavy)
                    for m in MODELS]


def test_every_model_has_a_fast_path_rate_rules_integrated_as_states():
    assert FAST_MODELS == list(MODELS)
    for model in FAST_MODELS:
        generated = _python_rhs(model)
        assert (*generated["SPECIES"], *generated["RATE_RULES"]) == STATES[model]


@pytest.mark.parametrize("model", ON_THEIR_KERNELS)
def test_a_kernel_integrates_the_species_and_the_rate_rules(model):
    assert load_kernel(model).states == STATES[model]


@pytest.mark.parametrize("model", FAST_MODELS)
@pytest.mark.parametrize("switches", list(itertools.product((0.0, 1.0), repeat=2)))
def test_generated_rhs_equals_roadrunner_rates(model, switches):
    """At random states and parameters, for every model and every switch: 1e-12 relative,
    the generated module as plain Python, and compiled in cart_bm's kernel (the other
    kernels: the heavy test below)."""
    generated = _python_rhs(model)
    compiled = (load_kernel(model).rhs,) if model == DEFAULT_KERNEL else ()
    _agrees_with_roadrunner(model, switches, generated, (generated["rhs"], *compiled))


@pytest.mark.heavy
@pytest.mark.parametrize("model", [m for m in FAST_MODELS if m != DEFAULT_KERNEL])
def test_a_compiled_kernels_rhs_equals_roadrunner_rates(model):
    for switches in itertools.product((0.0, 1.0), repeat=2):
        _agrees_with_roadrunner(model, switches, _python_rhs(model), (load_kernel(model).rhs,))


def _agrees_with_roadrunner(model, switches, generated, functions):
    """Each right-hand side of ``functions`` gives libRoadRunner's rates of ``model`` with
    ``switches`` at 25 random states and parameter sets, within 1e-12 relative."""
    from pycart.scale.kernel import _defaults

    states = STATES[model]  # the species, then rate rules' variables (X: days)
    p0, _ = _defaults(model, generated["PARAMETERS"], states)
    rr = roadrunner.RoadRunner(sbml_text(model))
    assert tuple(rr.model.getFloatingSpeciesIds()) == generated["SPECIES"] == MODELS[model]
    rng = np.random.default_rng(13)
    for _ in range(25):
        rr.resetAll()
        values = dict(zip(generated["PARAMETERS"], p0, strict=True))
        for name in model_parameters(model):
            values[name] = values[name] * 10 ** rng.uniform(-1, 1)
        values |= dict(zip(SWITCHES, switches, strict=True))
        y = 10 ** rng.uniform(-3, 12, len(states)) * (rng.random(len(states)) > 0.1)
        y[len(MODELS[model]):] = rng.uniform(0, 60, len(states) - len(MODELS[model]))
        for name, value in values.items():
            if name != "BM":
                rr.setValue(name, float(value))
        for name, value in zip(states, y, strict=True):
            rr.setValue(name, float(value))
        rates = rr.getRatesOfChangeNamedArray()  # the states and the doses' clock
        theirs = np.array([rates[0][rates.colnames.index(f"{s}'")] for s in states])
        p = np.array([values[n] for n in generated["PARAMETERS"]])
        for rhs in functions:
            ours = np.empty(len(y))
            rhs(0.0, y, p, ours)
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-300)


def test_generated_code_is_current_and_names_its_sbml():
    for model in FAST_MODELS:
        assert rhs_text(model) == rhs_source(sbml_text(model), f"models/{model}.xml")
        assert _python_rhs(model)["DOSE_PARAMETERS"]  # the doses are read from the events
    assert load_kernel(DEFAULT_KERNEL).dose_parameters == _python_rhs(DEFAULT_KERNEL)[
        "DOSE_PARAMETERS"]


def test_math_the_fast_path_cannot_translate_is_refused_at_build():
    with pytest.raises(pycart.PycartError, match="cannot translate"):
        expression(libsbml.parseL3Formula("piecewise(1, x > 0, 2)"), "r1")
    assert expression(libsbml.parseL3Formula("exp(-a) ^ 2 / b - time"), "r") == (
        "(((math.exp((-a)) ** 2.0) / b) - t)")


def test_dop853_coefficients_are_hairers_as_scipy_carries_them():
    from scipy.integrate._ivp import dop853_coefficients as c

    from pycart.scale import dop853

    np.testing.assert_array_equal(dop853.A, c.A[:12, :12])
    np.testing.assert_array_equal(dop853.C, c.C[:12])
    for name in ("B", "E3", "E5"):
        np.testing.assert_array_equal(getattr(dop853, name), getattr(c, name))
    np.testing.assert_array_equal(dop853.C_EXTRA, c.C[13:16])
    np.testing.assert_array_equal(dop853.A_EXTRA, c.A[13:16, :16])
    np.testing.assert_array_equal(dop853.D, c.D)
    from pycart.core.model import NEGATIVE_ROUNDOFF

    assert dop853.NEGATIVE_LIMIT == -NEGATIVE_ROUNDOFF  # the one round-off rule


def test_dop853_follows_scipy_step_by_step():
    """Same method, same step control: the compiled integrator and scipy's DOP853 take the
    same number of steps on Figure 3 over 30 days and agree within the tolerance both were
    asked for (rtol 1e-9). They cannot agree to a fixed number of ulps on every CPU: the
    stage sums are taken in another order, and numba may contract them into fused
    multiply-adds where the CPU has them (AVX-512, FMA3, ARM), which rounds differently; the
    error estimate is a difference of nearly equal stage sums, so those roundings move each
    step size a little, and L, falling over 14 orders of magnitude, carries the change
    (1.7e-10 relative seen on an AVX-512 CPU with FMA). What the method promises is
    a local error under rtol per step, so that is the bound held here."""
    from scipy.integrate import solve_ivp

    kernel = load_kernel("cart_bm")
    p = kernel.p0.copy()
    dy = np.empty(7)

    def f(t, y):
        kernel.rhs(t, y, p, dy)
        return dy.copy()

    atol = np.full(7, 1e-14)
    ref = solve_ivp(f, (0, 30), kernel.y0, method="DOP853", rtol=1e-9, atol=atol)
    out = np.empty((1, 2, 7))
    status = np.empty(1, dtype=np.int64)
    steps = kernel.batch(p[None], kernel.y0[None], np.array([0.0, 30.0]),
                         np.array([5, 6]), False, 1e-9, atol, 10_000, *NO_DOSES, out,
                         np.empty((1, 3)), status, np.empty(1), np.zeros((1, 0)))
    assert status[0] == 0 and steps == len(ref.t) - 1
    np.testing.assert_allclose(out[0, 1], ref.y[:, -1], rtol=1e-9)


def test_the_peak_from_the_dense_output_matches_an_event_located_by_scipy():
    """The first CAR T peak of Figure 7 patients (the root of the dense output's derivative)
    against scipy's DOP853 at rtol 1e-12 with the summed CAR T rates as a terminal event:
    the day within 1e-7 days, the size within 1e-9 relative."""
    from scipy.integrate import solve_ivp

    kernel = load_kernel("cart_bm")
    cohort = dataclasses.replace(PRESETS["fig7"], solver="fast")
    simulator = fast.FastSimulator(cohort)
    points = cohort.points()[::400]
    P, Y0, _ = simulator.inputs(points)
    _, peaks, status, _, _ = simulator.integrate(P, Y0)
    assert (status == 0).all() and (peaks[:, 0] == 1).all()
    dy = np.empty(7)
    for p, y0, (_, day, size) in zip(P, Y0, peaks, strict=True):
        def f(t, y, p=p):
            kernel.rhs(t, y, p, dy)
            return dy.copy()

        def falling(t, y, p=p):
            return f(t, y)[5:].sum()

        falling.terminal, falling.direction = True, -1
        ref = solve_ivp(f, (1e-9, 30), y0, method="DOP853", rtol=1e-12, atol=1e-16,
                        events=falling)
        assert abs(day - ref.t_events[0][0]) < 1e-7
        assert abs(size - ref.y_events[0][0][5:].sum()) < 1e-9 * size


def test_the_dense_output_peak_and_its_fallback_by_trial_steps_agree():
    """Within one step across Figure 3's peak, of a size the integrator accepts at its
    tolerance (0.1 days): the root of the dense output's derivative and the root found by
    trial steps of the method (the fallback where the dense output does not bracket one)
    agree with the peak of a run at rtol 1e-12, to 1e-8 days and 1e-10 relative."""
    kernel = load_kernel("cart_bm")
    g = kernel.batch.py_func.__globals__  # the compiled module's functions
    p, car, atol = kernel.p0.copy(), np.array([5, 6]), np.full(7, 1e-16)

    def run(days, want_peak):
        out, peaks = np.empty((1, 2, 7)), np.empty((1, 3))
        kernel.batch(p[None], kernel.y0[None], np.array([0.0, days]), car, want_peak, 1e-12,
                     atol, 10_000, *NO_DOSES, out, peaks, np.empty(1, dtype=np.int64),
                     np.empty(1), np.zeros((1, 0)))
        return out[0, 1], peaks[0]

    _, (_, day, size) = run(30.0, True)
    h = 0.1
    t0 = day - 0.37 * h
    y = run(t0, False)[0]
    f, K, y_new = np.empty(7), np.empty((13, 7)), np.empty(7)
    kernel.rhs(t0, y, p, f)
    g["rk_step"](t0, y, f, h, p, K, y_new)
    assert g["error_norm"](K, h, y, y_new, fast.FAST_RTOL, np.full(7, fast.FAST_ATOL)) < 1
    g0, g1 = f[5:].sum(), K[12, 5:].sum()
    dense = g["peak_in_step"](t0, y, f, h, p, K.copy(), y_new, car, g0, g1,
                              np.empty((3, 7)), np.empty((7, 7)))
    steps = g["_peak_by_steps"](t0, y, f, h, p, K.copy(), y_new.copy(), car, g0, g1)
    for found in (dense, steps):
        assert abs(found[0] - day) < 1e-8 and abs(found[1] - size) < 1e-10 * size


def test_fast_path_matches_roadrunner_on_every_output():
    """CVODE (the roadrunner path, rtol 1e-10) and the fast path on a 60-point grid: every
    column, to the accuracy of the roadrunner path."""
    ours = fast.FastSimulator(SMALL).evaluate(0, SMALL.points())
    theirs = PointSimulator(SMALL).evaluate(0, SMALL.points())
    assert list(ours.columns) == list(theirs.columns) and (ours["status"] == "ok").all()
    assert (ours["message"] == "").all()
    for column in ours.columns[4:-2]:
        if ours[column].dtype == bool:
            assert (ours[column] == theirs[column]).all(), column
        else:
            a, b = ours[column].to_numpy(), theirs[column].to_numpy()
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6, err_msg=column)
    assert ours["peak_reached"].all()


def test_rates_falling_from_day_0_are_no_peak_as_in_roadrunner():
    """The peak event has initialValue=false: libRoadRunner does not fire it at day 0 when
    CAR T decline from the start, and neither does the fast path; no CAR T at all: no peak."""
    points = pd.DataFrame({"h": [1e13, 1e9], "CA": [5e7, 0.0]})
    a = fast.simulate_points(points, t_end=40)
    b = fast.simulate_points(points, t_end=40, solver="roadrunner")
    assert list(a["peak_reached"]) == list(b["peak_reached"]) == [False, False]
    np.testing.assert_allclose(a["C_peak"], b["C_peak"], rtol=1e-6)
    assert a["t_peak"].tolist() == [40.0, 40.0] and np.isnan(a["fold_expansion"].iloc[1])


def test_a_dose_runs_on_the_fast_path_and_matches_roadrunner():
    points = pd.DataFrame({"reinf_dose": [0.0, 1e9], "h": [1e10, 1e10]})
    table = fast.simulate_points(points, parameters={"reinf_day": 20}, t_end=60, days=(60,),
                                 species=("L", "CA"))
    direct = pycart.Model().simulate({"reinf_day": 20, "reinf_dose": 1e9, "h": 1e10},
                                     t_end=60, points=61)
    assert table["message"].tolist() == ["", ""]
    assert table["CA@60"].iloc[1] == pytest.approx(direct["CA"].iloc[60], rel=1e-6)
    assert table["CA@60"].iloc[1] != pytest.approx(table["CA@60"].iloc[0], rel=1e-3)


def test_solver_fast_runs_doses_and_refuses_only_what_it_cannot_run(tmp_path, monkeypatch,
                                                                    capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", "--param", "h=1e9:1e10:2", "--set", "reinf_dose=1e9",
                 "--set", "reinf_day=10", "--solver", "fast", "--engine", "serial",
                 "--out", "s.parquet"]) == 0
    table = pd.read_parquet(tmp_path / "s.parquet")
    assert (table["message"] == "").all() and (table["status"] == "ok").all()
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(["sweep", "--param", "h=1e9:1e10:2", "--solver", "gpu"])
    assert info.value.code == 2 and "invalid choice: 'gpu'" in capsys.readouterr().err


def test_a_forced_failure_is_recomputed_with_roadrunner_bdf_and_marked(monkeypatch):
    monkeypatch.setattr(fast, "FAST_MAX_STEPS", 20)
    sweep = dataclasses.replace(SMALL, dimensions=SMALL.dimensions[:1])
    table = fast.FastSimulator(sweep).evaluate(0, sweep.points())
    theirs = PointSimulator(sweep).evaluate(0, sweep.points())
    assert (table["status"] == "ok").all()
    assert table["message"].str.match(
        r"fast path stopped at day [0-9.]+ \(too many steps\); recomputed with roadrunner BDF"
    ).all()
    np.testing.assert_allclose(table["L30"], theirs["L30"], rtol=1e-5)


def test_the_stiff_printed_f_is_handed_to_roadrunner():
    """Printed F (B0 in the antigen): CAR T reach ~1e26 cells and the explicit method gives
    up; the point is recomputed with BDF, never returned from the fast path."""
    table = fast.simulate_points(pd.DataFrame({"B0_in_F": [1.0]}), t_end=180, days=(180,))
    assert table["status"].iloc[0] == "ok"
    assert "recomputed with roadrunner BDF" in table["message"].iloc[0]
    direct = pycart.Model().simulate({"B0_in_F": 1}, t_end=180, points=2)
    assert table["L@180"].iloc[0] == pytest.approx(direct["L"].iloc[1], rel=1e-3, abs=1e-12)


@pytest.mark.heavy
def test_identical_results_on_serial_processes_and_dask_with_routed_and_failed_points(
        tmp_path):
    """A sweep whose points take every road (fast, a dose, the stiff printed F recomputed
    with BDF) gives the same table on every engine."""
    pytest.importorskip("distributed")
    from pycart.scale.engines import DaskEngine

    sweep = Sweep((Dimension("B0_in_F", 0, 1, 2, "linear"),
                   Dimension("reinf_dose", 0, 1e9, 2, "linear"), Dimension("h", 1e9, 1e10, 3)),
                  parameters={"reinf_day": 20}, t_end=180, days=(180.0,))
    tables = []
    for name, engine in (("serial", SerialEngine()), ("processes", ProcessEngine(2)),
                         ("dask", DaskEngine(workers=2))):
        with engine:
            report = run_sweep(sweep, tmp_path / f"{name}.parquet", engine, chunk_size=5)
        assert report.failed == 0
        tables.append(pd.read_parquet(report.out))
    for other in tables[1:]:
        pd.testing.assert_frame_equal(tables[0], other)
    notes = tables[0]["message"]
    recomputed = notes.str.contains("recomputed with roadrunner BDF")
    assert recomputed.sum() >= 1 and (notes == "").sum() + recomputed.sum() == 12


def test_the_solver_is_part_of_what_identifies_saved_work():
    keys = {dataclasses.replace(SMALL, solver=s).key() for s in ("auto", "fast", "roadrunner")}
    assert len(keys) == 3


def test_python_api_takes_a_matrix_and_returns_a_table():
    rng = np.random.default_rng(1)
    matrix = np.column_stack([rng.uniform(0.4, 1.0, 50), 10 ** rng.uniform(-10.3, -8.3, 50)])
    table = fast.simulate_points(matrix, ["rhoA", "alpha"], parameters={"h": 5e9})
    assert len(table) == 50 and (table["status"] == "ok").all()
    np.testing.assert_array_equal(table[["rhoA", "alpha"]].to_numpy(), matrix)
    same = fast.simulate_points(pd.DataFrame(matrix, columns=["rhoA", "alpha"]),
                                parameters={"h": 5e9})
    pd.testing.assert_frame_equal(table, same)


@pytest.mark.parametrize("points, names, message", [
    (np.array([[np.nan]]), ["alpha"], "alpha"),
    (np.array([[1.0]]), ["nope"], "unknown parameter or species 'nope'"),
    (np.ones((2, 2)), ["alpha"], "one column per name"),
    (np.ones((0, 1)), ["alpha"], "non-empty"),
    (np.ones((1, 1)), None, "names of the columns"),
    (np.array([[0.5]]), ["B0_in_F"], "is a switch"),
])
def test_python_api_refuses_bad_points(points, names, message):
    with pytest.raises(pycart.PycartError, match=message):
        fast.simulate_points(points, names)


def test_kernel_source_changes_with_the_model_text():
    """The cached kernel is named by a digest of its whole source: another model text is
    another file, so stale machine code is never loaded."""
    assert kernel_source("cart_bm") != kernel_source("cart_bm2")
    assert rhs_text("cart_bm") in kernel_source("cart_bm")


@pytest.mark.heavy
def test_figure7_on_the_fast_path_against_the_independent_solver():
    """Figure 7's 4000 patients: every L30 within 1e-6 of the independent solver (scipy LSODA,
    rtol 1e-12) where it exceeds 1e-6 cells, identical responder calls, nothing handed on."""
    from concurrent.futures import ProcessPoolExecutor

    from pycart.experiments.cohort import PRESETS
    from pycart.report.bench import _reference_L30

    cohort = dataclasses.replace(PRESETS["fig7"], solver="fast")
    points = cohort.points()
    table = fast.FastSimulator(cohort).evaluate(0, points)
    assert (table["status"] == "ok").all() and (table["message"] == "").all()
    with ProcessPoolExecutor(2) as pool:
        ref = np.array(list(pool.map(_reference_L30, map(tuple, points), chunksize=50)))
    ours = table["L30"].to_numpy()
    mask = ref > 1e-6
    assert mask.sum() > 3000
    assert np.max(np.abs(ours[mask] - ref[mask]) / ref[mask]) < 1e-6
    assert ((ours < 1) == (ref < 1)).all()


def test_the_cache_folder_is_pycart_cache_dir_or_the_users_and_a_compile_is_announced(
        monkeypatch, tmp_path):
    import platformdirs

    from pycart.scale.kernel import cache_dir, compile_note

    monkeypatch.setenv("PYCART_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path / "fastpath"
    assert compile_note("cart_bm_ext") == ("compiling the fast path for cart_bm_ext (first run "
                                           "on this machine, ~60 s)...")
    monkeypatch.delenv("PYCART_CACHE_DIR")
    assert cache_dir() == Path(platformdirs.user_cache_dir("pycart")) / "fastpath"


@pytest.mark.heavy
def test_kernels_are_cached_in_the_cache_folder_never_in_a_read_only_package(tmp_path):
    """A fresh process with the package folder read-only (a copy of the package, so the
    shared one is untouched) and an empty cache folder: the kernel is compiled and kept in
    the cache folder, with the umask's modes, and computes the same numbers as this
    process's; nothing is written into the package. With a cache folder it cannot make (a
    path through a file: mode bits do not stop root), it compiles in memory."""
    import os
    import shutil
    import stat
    import subprocess
    import sys

    package = tmp_path / "site"
    shutil.copytree(Path(pycart.__file__).parent, package / "pycart", symlinks=False,
                    ignore=shutil.ignore_patterns("__pycache__", "__fastpath__", "exports"))
    for folder, _, _ in os.walk(package):
        os.chmod(folder, 0o555)
    code = ("import numpy as np; from pycart.scale.kernel import load_kernel, compile_note; "
            "note = compile_note('cart_bm'); k = load_kernel('cart_bm'); dy = np.empty(7); "
            "k.rhs(0.0, k.y0, k.p0, dy); print(k.cached, bool(note), repr(dy.tolist()))")
    kernel = load_kernel("cart_bm")
    dy = np.empty(7)
    kernel.rhs(0.0, kernel.y0, kernel.p0, dy)
    (tmp_path / "a-file").write_text("")
    try:
        for cache, expected in ((tmp_path / "cache", "False True"),
                                (tmp_path / "cache", "True False"),
                                (tmp_path / "a-file" / "cache", "False True")):
            env = dict(os.environ, PYTHONPATH=str(package), PYCART_CACHE_DIR=str(cache))
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True, timeout=600, env=env, cwd=tmp_path)
            cached, noted, rates = done.stdout.split(maxsplit=2)
            assert f"{cached} {noted}" == expected and eval(rates) == dy.tolist()
    finally:
        for folder, _, _ in os.walk(package):
            os.chmod(folder, 0o755)
    assert list(package.rglob("*fastpath*")) == []
    kept = list((tmp_path / "cache" / "fastpath").glob("pycart_fastpath_cart_bm_*.py"))
    assert len(kept) == 1
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o666 & ~umask


def test_fast_path_chunks_are_larger_by_default():
    """Saving a chunk costs about as much as computing 2000 points on the fast path, so its
    default chunks are larger, while every worker still gets several."""
    from pycart.cli.sweeps import _chunk_size

    million = Sweep((Dimension("rhoA", 0.4, 1.0, 0, "linear"),), sampling="sobol",
                    samples=1_000_000)
    assert _chunk_size(million, 2) == 20_000
    assert _chunk_size(dataclasses.replace(million, solver="roadrunner"), 2) == 2000
    assert _chunk_size(dataclasses.replace(million, samples=40_000), 2) == 5000
    assert _chunk_size(SMALL, 2) == 2000


def test_a_point_both_paths_fail_on_is_failed_with_both_reasons(monkeypatch):
    """Never a number from either: status failed, L30 empty, the message names both."""
    from pycart.core.errors import SimulationError

    def broken(self, point):
        raise SimulationError("the solver failed: CV_CONV_FAILURE (test)")

    monkeypatch.setattr(fast, "FAST_MAX_STEPS", 20)
    monkeypatch.setattr(fast.VariantSimulator, "_simulate", broken)
    sweep = dataclasses.replace(SMALL, dimensions=SMALL.dimensions[:1])
    table = fast.FastSimulator(sweep).evaluate(0, sweep.points())
    assert (table["status"] == "failed").all() and table["L30"].isna().all()
    assert table["message"].str.match(
        r"fast path stopped at day [0-9.]+ \(too many steps\); recomputed with roadrunner BDF: "
        r"the solver failed: CV_CONV_FAILURE \(test\)$").all()


def test_the_progress_line_says_a_compile_is_under_way_instead_of_nan_s_left(monkeypatch,
                                                                             tmp_path):
    import io

    from pycart.scale.runner import progress_bar

    monkeypatch.setenv("PYCART_CACHE_DIR", str(tmp_path))  # an empty cache: a compile ahead
    waiting = fast.compile_waiting("cart_bm_ext", "auto")
    assert waiting.startswith("compiling the fast path for cart_bm_ext (first run")
    assert fast.compile_waiting("cart_bm_ext", "roadrunner") == ""
    stream = io.StringIO()
    show = progress_bar("out.parquet", stream, waiting)
    show(0, 4096)
    assert stream.getvalue().endswith(f"0/4096 points, {waiting} ") and "nan" not in (
        stream.getvalue())
    stream = io.StringIO()
    progress_bar("out.parquet", stream)(0, 10)  # nothing to announce: as before
    assert stream.getvalue().endswith("0/10 points, 0/s, nan s left ")


@pytest.mark.heavy  # cart_bm_ext's kernel, compiled for this test alone in the default suite
def test_pycart_sweep_runs_an_extended_model_on_the_fast_path(tmp_path, monkeypatch):
    """cart_bm_ext with exhaustion and escape on and a reinfusion, `--solver fast`: every
    point from the fast path, as libRoadRunner gives it."""
    monkeypatch.chdir(tmp_path)
    args = ["sweep", "--model", "cart_bm_ext", "--param", "h=1e9:1e10:2", "--set",
            "exhaustion=1", "--set", "escape=1", "--set", "reinf_day=10", "--set",
            "reinf_dose=1e8", "--t-end", "90", "--engine", "serial"]
    assert main([*args, "--solver", "fast", "--out", "fast.csv"]) == 0
    assert main([*args, "--solver", "roadrunner", "--out", "rr.csv"]) == 0
    ours, theirs = pd.read_csv("fast.csv", keep_default_na=False), pd.read_csv("rr.csv")
    assert (ours["message"] == "").all() and (ours["status"] == "ok").all()
    np.testing.assert_allclose(ours["L30"], theirs["L30"], rtol=1e-6)
    np.testing.assert_allclose(ours["C_peak"], theirs["C_peak"], rtol=1e-6)


def test_the_written_out_stage_sums_are_the_loops_up_to_the_order_of_additions():
    """In plain Python (no compile): a step from random states and sizes gives the same new
    state within 4e-15 relative, and the same error estimate within 1e-6 relative wherever
    it decides anything (above 1e-3); below, both are round-off under 1e-8."""
    from pycart.scale.kernel import _defaults
    from pycart.scale.stages import stage_source

    text = (Path(fast.__file__).with_name("dop853.py").read_text(encoding="utf-8"))
    loop, written = {}, {}
    exec(compile(text + "\n\n" + rhs_text("cart_bm"), "loops", "exec"), loop)
    exec(compile(text + "\n\n" + stage_source() + "\n\n" + rhs_text("cart_bm"), "written",
                 "exec"), written)
    assert written["rk_step"] is not loop["rk_step"]
    p, y0 = _defaults("cart_bm", loop["PARAMETERS"], loop["SPECIES"])
    rng = np.random.default_rng(7)
    for _ in range(20):
        y, h = y0 * 10 ** rng.uniform(-1, 1, 7), 10 ** rng.uniform(-3, 0.3)
        f = np.empty(7)
        loop["rhs"](0.0, y, p, f)
        results = []
        for ns in (loop, written):
            K, y_new = np.empty((13, 7)), np.empty(7)
            ns["rk_step"](0.0, y, f, h, p, K, y_new)
            results.append((y_new, ns["error_norm"](K, h, y, y_new, 1e-8, np.full(7, 1e-14))))
        (a, ea), (b, eb) = results
        np.testing.assert_allclose(b, a, rtol=4e-15)
        assert abs(eb - ea) <= (1e-6 * ea if ea > 1e-3 else 1e-8)
