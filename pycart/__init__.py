"""pycart: the bone-marrow model of CAR T-cell therapy in B-cell childhood ALL.

Martinez-Rubio et al., Int. J. Mol. Sci. 2021, 22(12):6371, doi:10.3390/ijms22126371,
written once in Antimony, compiled to SBML and simulated with libRoadRunner.
"""

from __future__ import annotations

from ._version import __version__
from .core.errors import PycartError, SimulationError
from .core.homeostasis import homeostasis
from .core.metrics import Summary, summarize
from .core.model import Model, Run, SolverSettings, simulate
from .core.names import MODELS, PARAMETERS, SPECIES, SWITCHES
from .experiments.paper import SCENARIOS, paper_scenario
from .experiments.scenario import (
                       Axis,
                       Grid,
                       Panel,
                       RunSpec,
                       Scenario,
                       ScenarioResult,
                       run_scenario,
)
from .experiments.results import write_result
from .experiments.userfile import load_scenario


def export_scenario(scenario: Scenario, out: str = "exports") -> list:
    """Write ``scenario`` as a COMBINE archive ``out/<name>.omex`` with one archive per plot
    in ``out/copasi/`` (see :func:`pycart.exchange.export.export_scenario`)."""
    from .exchange.export import export_scenario as export

    return export(scenario, out)


__all__ = [
    "Model", "Run", "SolverSettings", "Summary", "PycartError", "SimulationError",
    "MODELS", "PARAMETERS", "SPECIES", "SWITCHES", "homeostasis", "simulate", "summarize",
    "Scenario", "RunSpec", "Grid", "Axis", "Panel", "ScenarioResult", "SCENARIOS",
    "paper_scenario", "load_scenario", "run_scenario", "write_result", "export_scenario",
    "__version__",
]
