"""DOP853's stage sums written out with the method's constants, for the compiled kernel.

:func:`pycart.scale.dop853.rk_step` and ``error_norm`` sum each stage as a loop over the
coefficients: one chain of dependent multiply-adds per component, whose latency bounds a
step (the right-hand side's 12 evaluations are a fifth of it). :func:`stage_source` writes
the same two functions with the non-zero coefficients as literals and each sum as a
balanced tree of additions (shorter chains; the zeros of the Butcher table skipped). The
kernel compiles this text after the integrator's, so these definitions replace the loops;
the sums differ from the loops' only by the order of the additions (a test holds them
within a few ulps of each other, and the accuracy tests hold the whole method).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import dop853


def _tree(terms: Sequence[str]) -> str:
    """``terms`` added as a balanced tree (source text)."""
    if len(terms) == 1:
        return terms[0]
    mid = (len(terms) + 1) // 2
    return f"({_tree(terms[:mid])} + {_tree(terms[mid:])})"


def _combination(coefficients: np.ndarray) -> str:
    """The sum over stages m of ``coefficients[m] * K[m, j]``, zeros left out."""
    return _tree([f"{float(c)!r} * K[{m}, j]" for m, c in enumerate(coefficients) if c != 0.0])


def stage_source() -> str:
    """Source of ``rk_step`` and ``error_norm`` (the signatures and results of
    :mod:`pycart.scale.dop853`'s) with the stage sums written out."""
    lines = ["def rk_step(t, y, f, h, p, K, y_new):",
             '    """DOP853 step (see the loop version above), stage sums written out."""',
             "    n = y.size",
             "    work = K[12]",
             "    K[0, :] = f"]
    for s in range(1, 12):
        lines += ["    for j in range(n):",
                  f"        work[j] = y[j] + h * {_combination(dop853.A[s, :s])}",
                  f"    rhs(t + C[{s}] * h, work, p, K[{s}])"]
    lines += ["    for j in range(n):",
              f"        y_new[j] = y[j] + h * {_combination(dop853.B)}",
              "    rhs(t + h, y_new, p, K[12])",
              "",
              "",
              "def error_norm(K, h, y, y_new, rtol, atol):",
              '    """The error estimate (see the loop version above), sums written out."""',
              "    n = y.size",
              "    err5 = 0.0",
              "    err3 = 0.0",
              "    for j in range(n):",
              "        scale = atol[j] + rtol * max(abs(y[j]), abs(y_new[j]))",
              f"        e5 = {_combination(dop853.E5)}",
              f"        e3 = {_combination(dop853.E3)}",
              "        err5 += (e5 / scale) ** 2",
              "        err3 += (e3 / scale) ** 2",
              "    if err5 == 0.0 and err3 == 0.0:",
              "        return 0.0",
              "    return abs(h) * err5 / math.sqrt((err5 + 0.01 * err3) * n)",
              ""]
    return "\n".join(lines)
