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
import queue
import signal
import subprocess
import sys
import time
import venv
import zipfile
from collections.abc import Sequence
from contextlib import suppress
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
    return run_archives(tool, [(archive, out)], timeout)[0]


def run_archives(tool: str, jobs: Sequence[tuple[Path, Path]], timeout: float = 900.0
                 ) -> list[RunnerResult]:
    """Run each ``(archive, out)`` of ``jobs`` through ``tool``'s BioSimulators runner, in
    one process of the tool's environment (``runbatch.py``: the runner's own application
    called once per archive, its start-up paid once). An archive that takes longer than
    ``timeout`` seconds, or on which the process dies, is a failed run; the archives after
    it run in a new process."""
    if tool not in RUNNERS:
        raise PycartError(f"no BioSimulators runner for {tool!r} (allowed: "
                          f"{', '.join(RUNNERS)})")
    env = tool_env(tool)
    results: list[RunnerResult] = []
    while len(results) < len(jobs):
        results += _batch(tool, env, list(jobs[len(results):]), timeout)
    return results


def run_dealt(tool: str, archives: Sequence[Path], work: Path, jobs: int = 2,
              timeout: float = 900.0) -> list[RunnerResult]:
    """Every archive through ``tool``'s runner, ``jobs`` processes at once (the archives
    dealt to them in turn), archive ``a``'s reports in ``work/<a's folder>/<a's stem>/out``;
    the results in the order of ``archives``."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = max(1, min(jobs, len(archives)))
    hands = [[(a, work / a.parent.name / a.stem / "out") for a in archives[k::jobs]]
             for k in range(jobs)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        dealt = list(pool.map(lambda hand: run_archives(tool, hand, timeout), hands))
    return [dealt[i % jobs][i // jobs] for i in range(len(archives))]


def compare_archive(archive: Path, reports: Path, folder: Path) -> Comparison:
    """A runner's ``reports`` (reports.h5) of ``archive`` against pycart's run of its
    SED-ML (the archive extracted into ``folder``)."""
    return compare_reports(reports, *pycart_reference(archive, folder))


def pycart_reference(archive: Path, folder: Path) -> tuple[str, str, dict[str, np.ndarray]]:
    """What :func:`compare_reports` compares a runner's reports of ``archive`` with: its
    SED-ML's file name and text, and pycart's values (:func:`reference_values`, the
    archive extracted into ``folder``); one computation serves every runner."""
    name, reference = reference_values(archive, folder)
    with zipfile.ZipFile(archive) as z:
        return name, z.read(name).decode(), reference


def _batch(tool: str, env: Path, jobs: list[tuple[Path, Path]], timeout: float
           ) -> list[RunnerResult]:
    """The archives of ``jobs`` one process runs: all of them, or those before the one it
    stalled or died on, that one a failed run (at least one result)."""
    import tempfile
    import threading

    # no figures (VIZ_FORMATS, biosimulators-utils' name; they are never compared): a
    # third of a runner's time went to matplotlib's PDFs of every plot
    environ = dict(os.environ, REPORT_FORMATS="h5", VIZ_FORMATS="",
                   PATH=f"{env / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    request = json.dumps({"tool": tool, "jobs": [[str(a), str(o)] for a, o in jobs]})
    lines: queue.Queue[str | None] = queue.Queue()
    out: list[RunnerResult] = []
    with tempfile.TemporaryFile() as errors:
        # its own session: the runner and every process it starts are one group, killed
        # together, so that no child of a dead runner keeps the pipe open (the output never
        # ended, and each archive after it waited out its timeout)
        proc = subprocess.Popen([str(env / "bin" / "python"),
                                 str(Path(__file__).with_name("runbatch.py"))],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                                env=environ, text=True, encoding="utf-8", errors="replace",
                                start_new_session=True)
        reader = threading.Thread(target=_read_lines, args=(proc, request, lines), daemon=True)
        reader.start()
        started = time.monotonic()
        while len(out) < len(jobs):
            archive, folder = jobs[len(out)]
            line, text = _next_line(proc, lines, timeout)
            if line is None:  # stalled, or the process ended (a crash) before this archive
                _kill_group(proc)
                errors.seek(0)
                text = text or (f"the runner's process ended (status {proc.wait()}): "
                                + errors.read().decode("utf-8", "replace")[-1800:])
                out.append(_result(tool, archive, folder, False, time.monotonic() - started,
                                   text))
                break
            item = json.loads(line)
            out.append(_result(tool, archive, folder, item["ok"], item["seconds"], item["log"]))
            started = time.monotonic()
        _kill_group(proc)
        proc.wait()
        reader.join(timeout=10.0)  # the pipe's end is read: it may be closed
        if proc.stdout is not None:
            proc.stdout.close()
    return out


def _next_line(proc: subprocess.Popen, lines: queue.Queue, timeout: float
               ) -> tuple[str | None, str]:
    """The runner's next line of output, or None and why: a stall (``timeout`` s without a
    line) or the end of its output. The process is looked at every second: once
    it has ended, its group is killed (a child of it may hold the pipe open) and what it
    wrote before is read for at most 5 s more, not the whole timeout."""
    deadline = time.monotonic() + timeout
    while (wait := deadline - time.monotonic()) > 0:
        try:
            return lines.get(timeout=min(1.0, wait)), ""
        except queue.Empty:
            if proc.poll() is not None:
                _kill_group(proc)
                deadline = min(deadline, time.monotonic() + 5.0)
    if proc.poll() is not None:  # ended, its pipe still open: a child out of its group
        return None, ""
    return None, f"timed out after {timeout:g} s"


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the runner's process group (the runner and every process it started), if any
    of it is left."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _read_lines(proc: subprocess.Popen, request: str, lines: queue.Queue) -> None:
    """Send ``request`` to ``proc``, then put each line of its output on ``lines``, and
    None at its end."""
    if proc.stdin is None or proc.stdout is None:
        raise ValueError("the runner's process was started without pipes")
    with suppress(BrokenPipeError):  # a process that died at once: told by its status
        proc.stdin.write(request)
        proc.stdin.close()
    for line in proc.stdout:
        lines.put(line)
    lines.put(None)


def _result(tool: str, archive: Path, out: Path, ok: bool, seconds: float,
            text: str) -> RunnerResult:
    h5 = out / "reports.h5"
    return RunnerResult(tool, archive.name, ok, seconds, h5 if h5.exists() else None,
                        text[-2000:])


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


#: PySCeS's largest CVODE step (days) near an event while a dose is on. PySCeS hands CVODE
#: 0/1 trigger values, which CVODE can locate only at a step's end (or at an output time
#: inside the step), and its event assignments read the species where CVODE last
#: evaluated the rates (the step's end): a dose comes up to a step late, or adds to a value
#: up to a step later. Measured against pycart with every step of the run so bounded:
#: cart_bm at 1e-3 days 1.2e-4 (day 60), 5.6e-4 (on relapse), at 1e-4 days up to 3.6e-5
#: over the models and the schedule (docs/compatibility.md). Bounded only within
#: PYSCES_DOSE_WINDOW of each event (probe.py): at 1e-4 days up to 5.3e-5 (models) and
#: 8.8e-5 (schedule), too near the checks' 1e-4; at 1e-5 days up to 6.1e-6 and 3.7e-6.
PYSCES_DOSE_MAX_STEP = 1e-5
#: Days either side of each event PySCeS fires within which its step is so bounded (the
#: events found by PySCeS's own runs, probe.py): bounding all 180 days took a minute a run
#: at 1e-4 days, these windows a few seconds at 1e-5.
PYSCES_DOSE_WINDOW = 0.1


def dose_max_step(tool: str, parameters: dict[str, float]) -> float:
    """The largest step ``tool`` must be held to near an event with ``parameters``:
    PySCeS's :data:`PYSCES_DOSE_MAX_STEP` when a dose is on (a parameter whose name holds
    ``dose`` is above 0), otherwise none (0)."""
    doses = any("dose" in key and value > 0 for key, value in parameters.items())
    return PYSCES_DOSE_MAX_STEP if tool == "pysces" and doses else 0.0


def simulate_directly(tool: str, sbml: Path, parameters: dict[str, float],
                      times: list[float], work: Path, timeout: float = 3600.0
                      ) -> dict[str, np.ndarray]:
    """Species amounts of ``sbml`` with ``parameters`` at ``times``, simulated by ``tool``
    (tellurium, amici or pysces, in its own environment; COPASI is basico in pycart's).
    PySCeS runs with :func:`dose_max_step` within :data:`PYSCES_DOSE_WINDOW` of each
    event; AMICI's compiled model is kept under the tools' root (``amici-models/<hash of
    the SBML>``), built once, so ``work`` is unused."""
    import hashlib

    from filelock import FileLock

    env = tool_env("tellurium" if tool == "tellurium" else tool)
    if tool == "amici":
        digest = hashlib.sha256(sbml.read_bytes()).hexdigest()[:16]
        work = envs_root() / "amici-models" / digest
    work.mkdir(parents=True, exist_ok=True)
    request = {"tool": tool, "sbml": str(sbml), "parameters": parameters,
               "times": list(times), "work": str(work),
               "max_step": dose_max_step(tool, parameters), "window": PYSCES_DOSE_WINDOW}
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
