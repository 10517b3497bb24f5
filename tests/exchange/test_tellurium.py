"""tellurium, a declared dependency, imports in the installed environment and runs the
committed SBML to pycart's numbers when given pycart's tolerances. As written, the SBML's
clock (the doses' record of the day) is a rate rule, one more state in CVODE's error norm
than in pycart (which reads it as time), so the steps differ: 4e-8 relative (measured), at
the level of the relative tolerance, 1e-10 per step."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import pycart
from pycart.core.resources import sbml_text


def test_tellurium_runs_the_sbml_like_pycart(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportWarning)  # its optional rrplugins
        warnings.simplefilter("ignore", DeprecationWarning)
        import tellurium as te

    rr = te.loadSBMLModel(sbml_text())
    pycart.SolverSettings().apply(rr)
    result = rr.simulate(times=np.linspace(0, 60, 7), selections=["time", *pycart.SPECIES])
    ours = model.simulate(t_end=60, points=7)
    np.testing.assert_allclose(np.asarray(result), ours.to_numpy(), rtol=1e-7)
    assert np.asarray(result)[3, 5] == pytest.approx(4.53e-3, rel=5e-3)  # L at day 30
