"""Writing a scenario's result: its tables and its figure."""

from __future__ import annotations

import os
from pathlib import Path

from .scenario import ScenarioResult, file_name


def write_result(result: ScenarioResult, out: str | os.PathLike[str],
                 figure_format: str = "png", dpi: int | None = None) -> list[Path]:
    """Write every trajectory (``<run>.csv``), the run metrics (``metrics.csv``), every grid
    (``grid_<name>.csv``) and the figure (``<scenario>.<figure_format>``: png, svg or pdf, at
    ``dpi`` dots per inch) into folder ``out``."""
    from ..core.output import write_table
    from .figures import DEFAULT_DPI, save_figure, scenario_figure

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for label, run in result.runs.items():
        written.append(write_table(run.trajectory, folder / f"{file_name(label)}.csv"))
    if result.runs or result.failed:
        written.append(write_table(result.metrics(), folder / "metrics.csv"))
    for name, table in result.grids.items():
        written.append(write_table(table, folder / f"grid_{file_name(name)}.csv"))
    if result.scenario.panels and result.complete and not result.failures:
        path = folder / f"{file_name(result.scenario.name)}.{figure_format}"
        written.append(save_figure(scenario_figure(result), path, dpi or DEFAULT_DPI))
    return written
