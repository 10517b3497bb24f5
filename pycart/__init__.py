"""pycart: the bone-marrow model of CAR T-cell therapy in B-cell childhood ALL.

Martinez-Rubio et al., Int. J. Mol. Sci. 2021, 22(12):6371, doi:10.3390/ijms22126371,
written once in Antimony, compiled to SBML and simulated with libRoadRunner.
"""

from __future__ import annotations

from importlib import import_module
from types import MappingProxyType
from typing import TYPE_CHECKING

from ._version import __version__
from .core.errors import PycartError, SimulationError
from .core.homeostasis import homeostasis
from .core.metrics import Summary, summarize
from .core.model import Model, Run, SolverSettings, simulate
from .core.names import MODELS, PARAMETERS, SPECIES, SWITCHES
from .core.schedule import Dose
from .experiments.paper import SCENARIOS, paper_scenario
from .experiments.results import write_result
from .experiments.scenario import (
                       Axis,
                       Grid,
                       Panel,
                       RunSpec,
                       Scenario,
                       ScenarioResult,
                       run_scenario,
)
from .experiments.userfile import load_scenario

if TYPE_CHECKING:  # what __getattr__ below gives, for type checkers and editors
    from .analysis.calibrate import FitSettings, calibrate
    from .analysis.data import read_measurements
    from .analysis.fit import FitResult
    from .analysis.sensitivity import Design, SensitivityResult, SweepModel, sensitivity
    from .experiments.cohort import preset as cohort_preset
    from .scale.engines import Engine, make_engine
    from .scale.fast import simulate_points
    from .scale.points import points_sweep, read_points
    from .scale.runner import SweepReport, run_sweep
    from .scale.sweep import Dimension, Sweep

#: Names loaded on first use: (module, name there). Sweeps, sensitivity and fits load the
#: scale and analysis layers (fits scipy's optimisers too, most of a second), which
#: ``import pycart`` should not cost whoever only simulates.
_LAZY = MappingProxyType({
    **{name: (".scale.sweep", name) for name in ("Sweep", "Dimension")},
    **{name: (".scale.runner", name) for name in ("run_sweep", "SweepReport")},
    **{name: (".scale.engines", name) for name in ("Engine", "make_engine")},
    **{name: (".scale.points", name) for name in ("points_sweep", "read_points")},
    "simulate_points": (".scale.fast", "simulate_points"),
    "cohort_preset": (".experiments.cohort", "preset"),
    **{name: (".analysis.sensitivity", name)
       for name in ("Design", "SweepModel", "sensitivity", "SensitivityResult")},
    **{name: (".analysis.calibrate", name) for name in ("calibrate", "FitSettings")},
    "FitResult": (".analysis.fit", "FitResult"),
    "read_measurements": (".analysis.data", "read_measurements"),
})


def export_scenario(scenario: Scenario, out: str = "exports") -> list:
    """Write ``scenario`` as a COMBINE archive ``out/<name>.omex`` with one archive per plot
    in ``out/copasi/`` (see :func:`pycart.exchange.export.export_scenario`)."""
    from .exchange.export import export_scenario as export

    return export(scenario, out)


def __getattr__(name: str) -> object:
    """The names of :data:`_LAZY`, imported when first asked for."""
    if name not in _LAZY:
        raise AttributeError(f"module 'pycart' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    return getattr(import_module(module, __name__), attribute)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "Model", "Run", "SolverSettings", "Summary", "PycartError", "SimulationError",
    "MODELS", "PARAMETERS", "SPECIES", "SWITCHES", "homeostasis", "simulate", "summarize",
    "Dose",
    "Scenario", "RunSpec", "Grid", "Axis", "Panel", "ScenarioResult", "SCENARIOS",
    "paper_scenario", "load_scenario", "run_scenario", "write_result", "export_scenario",
    # many simulations: sweeps, cohorts and the engines they run on
    "Sweep", "Dimension", "run_sweep", "SweepReport", "cohort_preset", "points_sweep",
    "read_points", "simulate_points", "Engine", "make_engine",
    # sensitivity analysis and fits
    "Design", "SweepModel", "sensitivity", "SensitivityResult",
    "calibrate", "FitSettings", "FitResult", "read_measurements",
    "__version__",
]
