"""The first compile of a fast-path kernel: each of its functions compiled once."""

from __future__ import annotations

import subprocess
import sys

import pytest

#: In a fresh process (the callees' signatures are seen only where they were compiled):
#: compile cart_bm's kernel in memory and list its functions with more than one signature.
CODE = """
import numba
from pycart.scale.kernel import load_kernel
k = load_kernel("cart_bm", False)
names = k.batch.py_func.__globals__
print([(n, len(f.signatures)) for n, f in sorted(names.items())
       if isinstance(f, numba.core.registry.CPUDispatcher) and len(f.signatures) > 1])
"""


@pytest.mark.heavy
def test_every_function_of_a_kernel_is_compiled_once():
    """A literal argument (the batch loop's first ``nxt = 0``, a status constant) made numba
    compile _refill, _accepted and _finish twice, with all they call: a fifth of the first
    compile's time."""
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                          check=True, timeout=900)
    assert done.stdout.strip() == "[]"


def test_checking_a_fast_sweep_loads_no_kernel(monkeypatch):
    """``--solver fast``'s check reads the model's events from the SBML: the main process
    of a sweep does not load (or, on a first run, silently compile) a kernel its workers
    load anyway (about 1.4 s of CPU for a sweep of cart_bm)."""
    from pycart.core.errors import PycartError
    from pycart.scale import kernel
    from pycart.scale.sweep import Dimension, Sweep

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was loaded")

    monkeypatch.setattr(kernel, "load_kernel", refuse)
    for model in ("cart_bm", "cart_bm_ext"):
        kernel.check_fast(model, {}, [("h", 1e8, 1e10)])
        Sweep((Dimension("h", 1e8, 1e10, 3),), model, solver="fast").validate()
    monkeypatch.setattr(kernel, "dose_events", lambda text: type("E", (), {"understood": False}))
    with pytest.raises(PycartError, match="events other than the dose events"):
        kernel.check_fast("cart_bm", {}, [])
