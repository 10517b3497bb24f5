"""Run many COMBINE archives through one BioSimulators runner in ONE process; run by the
runner's own Python (its environment does not have pycart, so this imports nothing of it).

The runner's command line is started once per archive by a plain loop, but each start
imports the tool, libSBML, libSED-ML and their numerics again (about 2 s; a small
archive such as fig3 runs in about 4.5 s from the command line), so this calls the runner's
own command-line application in a loop instead: the same code path (but for its log,
below), the same arguments (``-i ARCHIVE -o OUT``), the same success rule (the application
ends without an error).

Two of the runner's outputs that nothing reads are not made (:func:`_unlogged`): its
``log.yml``, which it rewrites whole after every task and output (a tenth of its CPU), and
the capture of C-level output into that log by a forked relay process per archive, SED-ML
file, task and report (a third of its CPU, mostly the forks); that output comes here
instead, in each archive's output. Measured (one process, its start-up included):
exports/'s 16 archives through biosimulators-tellurium 195 s of CPU with both, 117 s
without; fig3, fig8 and ext_fig8-plot1_1 through biosimulators-copasi 12.5 s and 7.8 s.

Reads a JSON request on stdin, ``{"tool": ..., "jobs": [[archive, out], ...]}``, and
prints one JSON line per archive as it finishes: its index, whether it succeeded, its
seconds and the end of its output (the runner's and the simulator's own, C libraries'
included: file descriptors 1 and 2 go to a file while an archive runs).

The runners' output capture (biosimulators-utils' ``capturer``) leaves file descriptors
open on pseudo-terminals, one or more per task (about 2,200 on ext_fig8.omex): this raises
its limit of open files to the hard limit (the soft one is often 1024: the runner then
fails that archive, "Too many open files"), and closes what an archive left open on a
pseudo-terminal before the next one, so that a batch needs no more than its largest archive.
"""

import importlib
import json
import os
import resource
import sys
import tempfile
import time
from typing import Any


def _one(app_class, archive, out):
    """Run one archive; return (succeeded, the end of the output)."""
    with tempfile.TemporaryFile() as log:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = [os.dup(1), os.dup(2)]
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            with app_class(argv=["-i", archive, "-o", out]) as app:
                app.run()
            ok, note = True, ""
        except SystemExit as exc:  # the application's way to say the archive failed
            ok, note = exc.code in (None, 0), f"\n{exc.code}"
        except Exception as exc:  # the runner's own error: this archive failed, not the rest
            ok, note = False, f"\n{type(exc).__name__}: {exc}"
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
        log.seek(0)
        text = log.read().decode("utf-8", "replace") + note
    return ok, text[-2000:]


def _unlogged():
    """No ``log.yml`` (biosimulators-utils' LOG_PATH empty: its log is kept, not written) and
    no capture of C-level output into it (without ``capturer`` biosimulators-utils captures
    Python's output only, and the C libraries' goes to file descriptors 1 and 2, which
    :func:`_one` keeps); the runner's results and its success rule are unchanged. Called
    once the runner is imported (it imports biosimulators-utils' log module)."""
    os.environ["LOG_PATH"] = ""
    log_utils: Any = sys.modules.get("biosimulators_utils.log.utils")
    if log_utils is not None:
        log_utils.capturer = None


def _terminals():
    """The file descriptors this process holds open on a pseudo-terminal (none known
    without /proc)."""
    found = set()
    names = os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else []
    for name in names:
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("/dev/pts/"):
                found.add(int(name))
        except OSError:  # the listing's own descriptor, closed since
            continue
    return found


def _more_files():
    """The soft limit of open files raised to the hard one (to the kernel's default
    ceiling, 2**20, if the hard one is unlimited)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):  # above this kernel's ceiling: the limit as it was
            pass


def main():
    request = json.loads(sys.stdin.read())
    app_class = importlib.import_module(f"biosimulators_{request['tool']}.__main__").App
    _unlogged()
    _more_files()
    for index, (archive, out) in enumerate(request["jobs"]):
        started = time.monotonic()
        before = _terminals()
        ok, text = _one(app_class, archive, out)
        for fd in _terminals() - before:  # what the runner's capture left open
            os.close(fd)
        line = {"index": index, "ok": ok, "seconds": time.monotonic() - started, "log": text}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
