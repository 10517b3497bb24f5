"""One patient in the explorer: the run a :class:`~pycart.explore.fields.Request` asks for,
what the page shows of it (curves, metrics) and what it offers to download (the trajectory,
the run as a scenario file, its COMBINE archive, the figure), each made by the project's own
functions so that ``pycart simulate``, ``pycart run`` and the archive give the same numbers.
"""

from __future__ import annotations

import io
import math
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.model import Model, Run, output_times, schedule_record
from ..core.names import DEFAULT_MODEL, DOSE_RECORDS, TIME
from ..core.output import spreadsheet_safe
from ..experiments.scenario import Panel, RunSpec, Scenario, ScenarioResult
from .doses import SPECIES_WORDS
from .fields import Request, text

#: The run's label in its scenario file, archive and figure.
LABEL = "patient"
#: The scenario's name (``pycart run`` writes into a folder of this name).
NAME = "explorer"
#: The series the page draws, in the order of the paper's Figure 3 (those a model has).
SERIES_KEYS = ("B0", "B1", "B2", "B3", "L", "Ln", "CA", "CM", "CE")
#: Points per curve the page draws at most (the downloads keep every point): 600 over a
#: 180-day run is one every 0.3 days, finer than the screen shows, and a quarter of the data
#: to send and draw.
PLOT_POINTS = 600
#: Significant digits of the plotted values (the hover text shows three).
PLOT_DIGITS = 4
#: Plotly's names of matplotlib's line styles.
DASH = {"-": "solid", "--": "dash", ":": "dot", "-.": "dashdot"}


class Simulators:
    """One :class:`~pycart.core.model.Model` per model name, loaded on first use and shared
    by the page's sessions; one run at a time each (a RoadRunner is not thread-safe)."""

    def __init__(self) -> None:
        self._models: dict[str, Model] = {}
        self._lock = threading.Lock()

    def _model(self, name: str) -> Model:
        if name not in self._models:
            self._models[name] = Model(name)
        return self._models[name]

    def preview(self, request: Request) -> Preview:
        """The trajectory alone, on the output grid: what the plot needs, in a fraction of
        the run's time (the run adds the metrics' 0.01-day grid: ten times the points)."""
        with self._lock:
            model = self._model(request.model)
            times = output_times(request.t_end, request.points)
            values = model.integrate(times, request.parameters, request.initial, request.doses)
        n = len(model.species)
        frame = pd.DataFrame(np.column_stack([times, values[:, :n]]),
                             columns=[TIME, *model.species])
        doses = {r: (float(d) if d > 0 else None)
                 for r, d in zip(model.records, values[-1, n:], strict=True)}
        return Preview(request, frame, doses | schedule_record(request.doses))

    def run(self, request: Request) -> Outcome:
        """Simulate ``request``; :class:`~pycart.core.errors.SimulationError` where the solver
        fails."""
        with self._lock:
            began = time.perf_counter()
            run = self._model(request.model).run(request.parameters, request.initial,
                                                 request.t_end, request.points, request.doses)
            return Outcome(request, run, time.perf_counter() - began)


@dataclass(frozen=True)
class Preview:
    """A request's trajectory and dose days, for the plot, before its metrics."""

    request: Request
    trajectory: pd.DataFrame
    doses: dict[str, float | None]


@dataclass(frozen=True)
class Outcome:
    """A request, its run and the seconds the run took."""

    request: Request
    run: Run
    seconds: float

    @property
    def trajectory(self) -> pd.DataFrame:
        """The run's trajectory (as a :class:`Preview` has it)."""
        return self.run.trajectory

    @property
    def doses(self) -> dict[str, float | None]:
        """The day each dose was given (None: not given)."""
        return self.run.doses


def scenario(request: Request) -> Scenario:
    """The request as a one-run scenario: what ``pycart run`` reads from the page's TOML file
    and what the archive and the figure show."""
    values = {**request.changed_parameters, **{f"{k}(0)": v for k, v in
                                               request.changed_initial.items()}}
    said = ", ".join(f"{k} = {text(v)}" for k, v in values.items()) or "the model's defaults"
    if request.doses:
        said += "; doses " + "; ".join(f"day {text(d.day)}: {text(d.cells)} {d.species}"
                                       for d in request.doses)
    spec = RunSpec(LABEL, dict(request.changed_parameters), dict(request.changed_initial),
                   request.model, request.doses)
    return Scenario(NAME, "One patient from the pycart explorer",
                    f"Model {request.model} over {text(request.t_end)} days with {said}.",
                    request.t_end, (spec,),
                    panels=(Panel(LABEL, runs=(LABEL,), series=series_keys(request.model)),))


def series_keys(model: str) -> tuple[str, ...]:
    """The series of :data:`SERIES_KEYS` that ``model`` has."""
    from ..core.names import MODELS

    have = set(MODELS[model])
    return tuple(k for k in SERIES_KEYS if k not in ("Ln", "CE") or k in have)


def plot_data(outcome: Preview | Outcome, log_axis: bool = True) -> dict[str, object]:
    """The curves for the page's plot (Plotly traces), in the figures' colours and line
    styles, with the dose days and the y range of the figures' log axis."""
    from ..experiments.figures import drawn_series, lowest_of_interest, y_bottom

    frame = outcome.trajectory
    stride = max(1, math.ceil((len(frame) - 1) / PLOT_POINTS))
    frame = frame.iloc[sorted({*range(0, len(frame), stride), len(frame) - 1})]
    traces, lows = [], []
    for key in series_keys(outcome.request.model):
        for name, colour, style, columns in drawn_series(key, frame.columns):
            present = [c for c in columns if c in frame.columns]
            if not present:
                continue
            y = frame[present].sum(axis=1).to_numpy()
            lows.append(lowest_of_interest(y))
            traces.append({"name": name, "color": colour, "dash": DASH[style], "y": y})
    bottom = y_bottom(lows)
    top = max(1.0, *(float(np.nanmax(t["y"])) for t in traces))
    for t in traces:  # under the axis where a population dies out, as in the figures
        t["y"] = rounded(np.maximum(t["y"], bottom / 10) if log_axis else t["y"])
    doses = sorted(d for d in outcome.doses.values() if d is not None)
    return {"time": frame[TIME].tolist(), "traces": traces, "doses": doses, "log": log_axis,
            "range": [math.log10(bottom), math.log10(top * 10)] if log_axis else None}


def rounded(values: np.ndarray, digits: int = PLOT_DIGITS) -> list[float]:
    """``values`` to ``digits`` significant digits (what a plot can show; less to send)."""
    return [float(f"{v:.{digits}g}") for v in values.tolist()]


def metrics(outcome: Outcome) -> list[tuple[str, str]]:
    """The run's headline metrics as (what, value) rows."""
    s = outcome.run.summary
    cells = lambda v: "n/a" if v is None else f"{v:.3g} cells"  # noqa: E731
    day = lambda v: "none" if v is None else f"day {v:.1f}"  # noqa: E731
    response = ("n/a (horizon before day 30)" if s.responder is None
                else "responder (L30 < 1 cell)" if s.responder else "non-responder")
    rows = [("L at day 30", cells(s.L30)), ("response", response),
            ("CAR T peak", cells(s.C_peak)), ("day of the peak", day(s.t_peak)),
            ("CAR T given up to the peak", cells(s.car_t_dose)),
            ("fold expansion log₁₀(C_peak / CAR T given)",
             "n/a" if s.fold_expansion is None else f"{s.fold_expansion:.2f}"),
            ("relapse (L back above 1e8)", day(s.relapse_day)),
            ("L at the end", cells(s.L_end))]
    rows += [(f"dose given: {DOSE_RECORDS[name]}", day(d))
             for name, d in outcome.run.doses.items() if d is not None and name in DOSE_RECORDS]
    rows += [(f"dose {k}: {text(d.cells)} {SPECIES_WORDS[d.species]} ({d.species})",
              f"day {text(d.day)}")
             for k, d in enumerate(sorted(outcome.request.doses, key=lambda d: d.day), start=1)]
    return rows


def trajectory_csv(outcome: Outcome) -> bytes:
    """The trajectory as ``pycart simulate`` writes it (CSV, amounts in cells)."""
    return spreadsheet_safe(outcome.run.trajectory).to_csv(index=False).encode()


def scenario_toml(request: Request) -> str:
    """The request as a scenario file: ``pycart run explorer.toml`` gives the same run."""
    from ..experiments.describe import to_toml

    return to_toml(scenario(request))


def figure(outcome: Outcome, kind: str = "png", log_axis: bool = True) -> bytes:
    """The project's figure of the run (what ``pycart run`` draws), as PNG or SVG."""
    import matplotlib.pyplot as plt

    from ..experiments.figures import DEFAULT_DPI, scenario_figure

    fig = scenario_figure(ScenarioResult(scenario(outcome.request), {LABEL: outcome.run}, {}))
    try:
        if not log_axis:
            for ax in fig.axes:
                ax.set_yscale("linear")
                ax.set_ylim(bottom=0)
        buffer = io.BytesIO()
        metadata = {"Software": None} if kind == "png" else {"Date": None, "Creator": None}
        fig.savefig(buffer, format=kind, dpi=DEFAULT_DPI, metadata=metadata)
    finally:
        plt.close(fig)
    return buffer.getvalue()


def archive(request: Request) -> bytes:
    """The run's COMBINE archive (SBML, SED-ML, metadata), as ``pycart export`` writes one;
    built in a temporary folder that is removed."""
    from ..exchange.export import export_scenario

    with tempfile.TemporaryDirectory(prefix="pycart-explore-") as folder:
        written = export_scenario(scenario(request), folder)
        return Path(written[0]).read_bytes()


def reproduce(request: Request) -> str:
    """How to get this run outside the page: Python, and the command line."""
    params = ", ".join(f"{k!r}: {text(v)}" for k, v in request.changed_parameters.items())
    initial = ", ".join(f"{k!r}: {text(v)}" for k, v in request.changed_initial.items())
    model = "" if request.model == DEFAULT_MODEL else repr(request.model)
    doses = ", ".join(f"({text(d.day)}, {text(d.cells)}, {d.species!r})" for d in request.doses)
    lines = ["# Python", "import pycart", "",
             (f"run = pycart.Model({model}).run({{{params}}}, {{{initial}}}, "
              f"t_end={text(request.t_end)}, points={request.points}"
              + (f", doses=[{doses}])" if request.doses else ")")),
             "print(*run.summary.lines(), sep='\\n')",
             "run.trajectory.to_csv('trajectory.csv', index=False)", "",
             "# command line: the scenario file this page downloads", "pycart run explorer.toml"]
    if request.model == DEFAULT_MODEL:
        options = [f"--set {k}={text(v)}" for k, v in request.changed_parameters.items()]
        options += [f"--init {k}={text(v)}" for k, v in request.changed_initial.items()]
        options += [f"--dose {text(d.day)}:{text(d.cells)}" + (f":{d.species}" if d.species != "CA"
                                                               else "") for d in request.doses]
        lines += ["", "# or the trajectory alone",
                  " ".join(["pycart simulate", *options, f"--t-end {text(request.t_end)}",
                            f"--points {request.points}", "--out trajectory.csv"])]
    return "\n".join(lines)


def citation() -> str:
    """What to cite: the paper, and pycart with its version."""
    from .._version import __version__
    from ..exchange.curation import CITATION

    return (f"The model: {CITATION}\n\nThe software: pycart {__version__}, the model in "
            "Antimony/SBML simulated with libRoadRunner (CITATION.cff in the repository).")
