"""Other simulators, each in a virtual environment of its own: the BioSimulators command-line
runners (biosimulators-tellurium, -copasi, -amici) run pycart's archives, and AMICI and
PySCeS load its SBML models directly.

Their pins clash with pycart's and with each other's, so each tool is installed with pip
into ``<root>/<tool>`` (root: ``$PYCART_ENVS`` or ``~/.cache/pycart-envs``), once; a
complete environment carries a stamp naming what was installed, and is reused. The
runners need ``setuptools<81`` (their kisao dependency imports pkg_resources); AMICI needs
SWIG (the ``swig`` wheel) and a C++ compiler; PySCeS needs Assimulo for events.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.errors import PycartError

#: What each environment holds (pip requirements), pinned to the versions measured.
TOOLS: dict[str, tuple[str, ...]] = {
    "tellurium": ("setuptools<81", "biosimulators-tellurium==0.1.44"),
    "copasi": ("setuptools<81", "biosimulators-copasi==0.2.23"),
    "amici": ("setuptools<81", "biosimulators-amici==0.1.30", "amici==0.34.2", "swig"),
    "pysces": ("setuptools<81", "pysces==1.2.3", "python-libsbml", "assimulo-testing==3.9.0b2"),
}
#: The BioSimulators runners among them.
RUNNERS = ("tellurium", "copasi", "amici")
_STAMP = ".pycart-complete"


def envs_root() -> Path:
    """Where the tools' environments live."""
    return Path(os.environ.get("PYCART_ENVS") or Path.home() / ".cache" / "pycart-envs")


def tool_env(tool: str, root: Path | None = None) -> Path:
    """The environment of ``tool``, created (pip install) unless a complete one is there.
    Two processes asking at once: one creates it, the other waits (a file lock)."""
    from filelock import FileLock

    if tool not in TOOLS:
        raise PycartError(f"unknown tool {tool!r} (allowed: {', '.join(TOOLS)})")
    root = root or envs_root()
    root.mkdir(parents=True, exist_ok=True)
    env = root / tool
    wanted = "\n".join(TOOLS[tool])
    with FileLock(str(root / f"{tool}.lock")):
        stamp = env / _STAMP
        if stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
            return env
        started = time.monotonic()
        print(f"creating the {tool} environment in {env} (pip install "
              f"{' '.join(TOOLS[tool])})", file=sys.stderr, flush=True)
        venv.EnvBuilder(clear=True, with_pip=True).create(env)
        done = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "-q",
                               *TOOLS[tool]], capture_output=True, text=True)
        if done.returncode != 0:
            raise PycartError(f"pip could not install {tool}: {done.stderr.strip()[-400:]}")
        stamp.write_text(wanted, encoding="utf-8")
        print(f"created the {tool} environment in {time.monotonic() - started:.0f} s",
              file=sys.stderr, flush=True)
    return env


@dataclass(frozen=True)
class RunnerResult:
    """One archive through one BioSimulators runner."""

    tool: str
    archive: str
    succeeded: bool  # what the runner reported (exit status 0)
    seconds: float
    reports: Path | None  # reports.h5, if written
    log: str  # the end of its output


def run_archive(tool: str, archive: Path, out: Path, timeout: float = 900.0) -> RunnerResult:
    """Run ``archive`` through ``tool``'s BioSimulators runner into folder ``out``."""
    if tool not in RUNNERS:
        raise PycartError(f"no BioSimulators runner for {tool!r} (allowed: "
                          f"{', '.join(RUNNERS)})")
    env = tool_env(tool)
    exe = env / "bin" / f"biosimulators-{tool}"
    environ = dict(os.environ, REPORT_FORMATS="h5", PLOT_FORMATS="",
                   PATH=f"{env / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    started = time.monotonic()
    try:
        done = subprocess.run([str(exe), "-i", str(archive), "-o", str(out)], env=environ,
                              capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=timeout)
        ok, text = done.returncode == 0, done.stdout + done.stderr
    except subprocess.TimeoutExpired:
        ok, text = False, f"timed out after {timeout:g} s"
    h5 = out / "reports.h5"
    return RunnerResult(tool, archive.name, ok, time.monotonic() - started,
                        h5 if h5.exists() else None, text[-2000:])


def reference_values(archive: Path, folder: Path) -> tuple[str, dict[str, np.ndarray]]:
    """pycart's values of every data generator of ``archive``'s SED-ML (pycart's runner,
    libRoadRunner with a per-species absolute tolerance), and the SED-ML's file name."""
    from .sedrun import run_sedml

    with zipfile.ZipFile(archive) as z:
        z.extractall(folder)
        name = next(n for n in z.namelist() if n.endswith(".sedml"))
    return name, run_sedml(folder / name)


@dataclass(frozen=True)
class Comparison:
    """A runner's reports against pycart's: the largest relative difference where pycart's
    value exceeds one cell, and what went wrong (empty: nothing)."""

    largest: float
    problems: tuple[str, ...]


def compare_reports(h5: Path, sedml_name: str, sedml_text: str,
                    reference: dict[str, np.ndarray], floor: float = 1.0) -> Comparison:
    """Every data set of every report in ``h5`` against pycart's ``reference`` values."""
    import h5py
    import libsedml

    doc = libsedml.readSedMLFromString(sedml_text)
    problems, largest = [], 0.0
    with h5py.File(h5, "r") as f:
        for output in doc.getListOfOutputs():
            if output.getTypeCode() != libsedml.SEDML_OUTPUT_REPORT:
                continue
            key = f"{sedml_name}/{output.getId()}"
            if key not in f:
                problems.append(f"no report {output.getId()}")
                continue
            table = f[key]
            ids = [str(i) for i in table.attrs["sedmlDataSetIds"]]
            for ds in output.getListOfDataSets():
                expected = np.asarray(reference[ds.getDataReference()], dtype=float)
                if ds.getId() not in ids:
                    problems.append(f"{ds.getId()}: missing")
                    continue
                got = unpadded(np.asarray(table[ids.index(ds.getId())], dtype=float),
                               expected.shape)
                if got.shape != expected.shape:
                    problems.append(f"{ds.getId()}: shape {got.shape}, expected "
                                    f"{expected.shape} (stopped early?)")
                    continue
                if np.isnan(got).any():
                    problems.append(f"{ds.getId()}: {int(np.isnan(got).sum())} NaN")
                mask = np.abs(expected) > floor
                if mask.any():
                    rel = np.abs(got[mask] - expected[mask]) / np.abs(expected[mask])
                    largest = max(largest, float(np.nanmax(rel)))
    return Comparison(largest, tuple(problems))


def unpadded(got: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A data set of a BioSimulators report without the report's padding: a task's values
    are ``(points,)``, a repeated task's ``(repeats, subtasks, points)``, and a report
    mixing them pads every data set with NaN to their common shape. ``shape``: the
    expected ``(points,)`` or ``(repeats, points)``."""
    if len(shape) == 1:
        return got[(slice(0, shape[0]),) + (0,) * (got.ndim - 1)]
    if got.ndim == 2:
        return got[:shape[0], :shape[1]]
    return got[(slice(0, shape[0]), 0, slice(0, shape[1])) + (0,) * (got.ndim - 3)]


def probe_script() -> Path:
    """The script a tool's own Python runs to simulate an SBML model directly."""
    return Path(__file__).with_name("probe.py")


#: PySCeS's largest CVODE step (days) while a dose is on. PySCeS hands CVODE 0/1 trigger
#: values, which CVODE can locate only at a step's end (or at an output time inside the
#: step), and its event assignments read the species where CVODE last evaluated the rates
#: (the step's end): a dose comes up to a step late, or adds to a value up to a step
#: later. Measured against pycart (cart_bm) at 1e-3 days: 1.2e-4 (day 60), 5.6e-4 (on
#: relapse); at 1e-4 days: 4.2e-7 and 1.3e-5 (docs/exchange.md, docs/compatibility.md).
PYSCES_DOSE_MAX_STEP = 1e-4


def dose_max_step(tool: str, parameters: dict[str, float]) -> float:
    """The largest step ``tool`` must be held to with ``parameters``: PySCeS's
    :data:`PYSCES_DOSE_MAX_STEP` when a dose is on (a parameter whose name holds ``dose``
    is above 0), otherwise none (0)."""
    doses = any("dose" in key and value > 0 for key, value in parameters.items())
    return PYSCES_DOSE_MAX_STEP if tool == "pysces" and doses else 0.0


def simulate_directly(tool: str, sbml: Path, parameters: dict[str, float],
                      times: list[float], work: Path, timeout: float = 3600.0
                      ) -> dict[str, np.ndarray]:
    """Species amounts of ``sbml`` with ``parameters`` at ``times``, simulated by ``tool``
    (tellurium, amici or pysces, in its own environment; COPASI is basico in pycart's).
    PySCeS runs with :func:`dose_max_step`; AMICI's compiled model is kept under the
    tools' root (``amici-models/<hash of the SBML>``), built once, so ``work`` is unused."""
    import hashlib

    from filelock import FileLock

    env = tool_env("tellurium" if tool == "tellurium" else tool)
    if tool == "amici":
        digest = hashlib.sha256(sbml.read_bytes()).hexdigest()[:16]
        work = envs_root() / "amici-models" / digest
    work.mkdir(parents=True, exist_ok=True)
    request = {"tool": tool, "sbml": str(sbml), "parameters": parameters,
               "times": list(times), "work": str(work),
               "max_step": dose_max_step(tool, parameters)}
    environ = dict(os.environ, PATH=f"{env / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    with FileLock(str(work / ".lock")):  # one AMICI build of a model at a time
        done = subprocess.run([str(env / "bin" / "python"), str(probe_script())],
                              input=json.dumps(request), env=environ, capture_output=True,
                              text=True, encoding="utf-8", errors="replace",
                              timeout=timeout, cwd=work)
    if done.returncode != 0:
        raise PycartError(f"{tool} could not simulate {sbml.name}: "
                          f"{first_error(done.stderr + done.stdout)}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def first_error(log: str) -> str:
    """The first compiler error of a tool's output (AMICI compiles each model), without its
    folders; else the end of the output."""
    import re

    errors = [line.strip() for line in log.splitlines() if ": error:" in line]
    if errors:
        return re.sub(r"\S*/", "", errors[0])[:400]
    return log.strip()[-600:]
