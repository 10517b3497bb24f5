"""The fast path's lanes (pycart.scale.lanes): many points stepped side by side give every
point the bits it gets alone, and the lanes' right-hand side is the model's, bit for bit."""

from __future__ import annotations

import ast
import math
import platform
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pycart.core.names import MODELS
from pycart.core.resources import rhs_text
from pycart.experiments.cohort import PRESETS
from pycart.scale import dop853, lanes
from pycart.scale.fast import FAST_ATOL, FAST_RTOL, FastSimulator
from pycart.scale.kernel import OPTIONS, _defaults
from pycart.scale.stages import rhs_lanes_source


@pytest.mark.parametrize("model", list(MODELS))
def test_the_lanes_right_hand_side_is_the_models_bit_for_bit(model):
    """In plain Python: five lanes of LANES columns at random states and parameters, the
    rates written after another stage's, each lane's rates equal to the one-point rhs's
    exactly (same operations, same order), the lanes left idle untouched."""
    namespace: dict = {}
    exec(rhs_text(model) + "\n\n" + rhs_lanes_source(rhs_text(model)), namespace)
    states = (*namespace["SPECIES"], *namespace["RATE_RULES"])
    p0, y0 = _defaults(model, namespace["PARAMETERS"], states)
    rng = np.random.default_rng(3)
    Y = y0[:, None] * 10 ** rng.uniform(-2, 2, (len(y0), 5)) + rng.uniform(0, 1, (len(y0), 5))
    P = p0[:, None] * 10 ** rng.uniform(-0.5, 0.5, (len(p0), 5))
    t = rng.uniform(0, 60, 5)
    wide = (np.zeros((len(y0), lanes.LANES)),
            np.ones((len(p0) + namespace["INVARIANTS"], lanes.LANES)))
    wide[0][:, :5], wide[1][:len(p0), :5] = Y, P
    for w in range(5):
        namespace["rhs_invariants"](wide[1].ravel(), w)
    K = np.full((2, len(y0), lanes.LANES), -1.0)
    powers = np.zeros(max(namespace["POWERS"], 1) * lanes.LANES)
    namespace["rhs_lanes"](t, wide[0].ravel(), wide[1].ravel(), K.ravel(), K[0].size, powers)
    assert (K[0] == -1.0).all() and (K[1, :, 5:] == -1.0).all()
    ours = K[1]
    for w in range(5):
        alone = np.empty(len(y0))
        namespace["rhs"](t[w], Y[:, w].copy(), P[:, w].copy(), alone)
        np.testing.assert_array_equal(ours[:, w], alone)


def _module_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def test_the_lanes_names_leave_the_integrators_alone():
    """The kernel is one module: a name of lanes.py that dop853.py defines too would replace
    it (a lane column once named DAY moved every scheduled dose)."""
    assert not _module_names(Path(lanes.__file__)) & _module_names(Path(dop853.__file__))


def _batch(sim: FastSimulator, P, Y0, max_steps: int, want_peak: bool = True):
    k = sim.kernel
    D, R = sim.events(P)
    n = len(P)
    out = np.zeros((n, len(sim.times), len(k.states)))
    peaks, status = np.zeros((n, 3)), np.zeros(n, dtype=np.int64)
    reached, given = np.zeros(n), np.zeros((n, len(sim.on_relapse)))
    steps = k.batch(np.ascontiguousarray(P[:, :len(k.parameters)]), np.ascontiguousarray(Y0),
                    sim.times, sim.car, want_peak, FAST_RTOL, np.full(len(k.states), FAST_ATOL),
                    max_steps, D, R, out, peaks, status, reached, given)
    return steps, out, peaks, status, reached, given


@pytest.mark.parametrize("max_steps", [20_000, 40])
def test_every_point_gets_in_a_batch_the_bits_it_gets_alone(max_steps):
    """cart_bm with doses on relapse armed for half the points and a dose schedule, 37
    points (more than the lanes, not a multiple of them; lanes refill as points finish, at
    ``max_steps`` 40 every point with too many steps): results and step counts equal, bit
    for bit, to each point integrated alone (one lane)."""
    sweep = replace(PRESETS["fig7"], model="cart_bm", t_end=90.0, days=(10.0, 45.0),
                    doses=())
    sim = FastSimulator(sweep, doses=((0.0, 1e7), (2.0, 1e7), (20.0, 1e6, "L")))
    points = sweep.points()[::97][:37]
    P, Y0, _ = sim.inputs(points)
    armed = np.arange(len(P)) % 2 == 0
    P[armed, sim.names.index("relapse_threshold")] = 1e8
    P[armed, sim.names.index("relapse_dose")] = 5e8
    P[armed, sim.names.index("relapse_fallback_day")] = 30.0
    together = _batch(sim, P, Y0, max_steps)
    alone = [_batch(sim, P[i:i + 1], Y0[i:i + 1], max_steps) for i in range(len(P))]
    assert together[0] == sum(a[0] for a in alone)
    for j in range(1, 6):
        np.testing.assert_array_equal(together[j], np.concatenate([a[j] for a in alone]))
    assert len(P) > lanes.LANES
    if max_steps == 20_000:
        assert (together[3] == 0).all() and (together[5][armed] > 0).any()  # relapse doses
    else:
        assert (together[3] == dop853.TOO_MANY_STEPS).all()


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"),
                    reason="reads x86-64 machine code")
def test_the_lanes_right_hand_side_is_compiled_to_vector_instructions(model="cart_bm_ext"):
    """The lanes' right-hand side, compiled alone as the kernel compiles it, divides with
    packed instructions (``divpd``): it did not when the compiler read the arrays' strides
    at run time, nor with a write offset that might be negative (scalar ``divsd`` only, 350
    against 140 ns for 32 lanes of cart_bm). cart_bm_ext's, with its powers."""

    import numba

    namespace: dict = {"math": math}
    exec(rhs_lanes_source(rhs_text(model)), namespace)
    compiled = numba.njit(**OPTIONS)(namespace["rhs_lanes"])
    rows = np.ones(64 * lanes.LANES)  # more rows than any model's states or parameters
    compiled(np.zeros(lanes.LANES), rows, rows.copy(), np.zeros(rows.size), 0,
             np.zeros(max(namespace["POWERS"], 1) * lanes.LANES))
    (machine_code,) = compiled.inspect_asm().values()
    assert re.search(r"\bv?divpd\b", machine_code)
