"""DOP853's stage sums written out with the method's constants, for the compiled kernel.

:func:`pycart.scale.dop853.rk_step` and ``error_norm`` sum each stage as a loop over the
coefficients: one chain of dependent multiply-adds per component, whose latency bounds a
step (the right-hand side's 12 evaluations are a fifth of it). :func:`stage_source` writes
the same two functions with the non-zero coefficients as literals and each sum as a
balanced tree of additions (shorter chains; the zeros of the Butcher table skipped). The
kernel compiles this text after the integrator's, so these definitions replace the loops;
the sums differ from the loops' only by the order of the additions (a test holds them
within a few ulps of each other, and the accuracy tests hold the whole method).

:func:`lane_source` writes the same sums, and the model's right-hand side, for many points
side by side (:mod:`pycart.scale.lanes`): the last index of every array is the lane, the
innermost loop runs over the lanes, so one point's chain of dependent operations overlaps
the others' and the compiler can use the CPU's vector instructions. Each lane does the
operations of the one-point functions in the same order, so it gives the same bits.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

import numpy as np

from . import dop853


def _tree(terms: Sequence[str]) -> str:
    """``terms`` added as a balanced tree (source text)."""
    if len(terms) == 1:
        return terms[0]
    mid = (len(terms) + 1) // 2
    return f"({_tree(terms[:mid])} + {_tree(terms[mid:])})"


def _combination(coefficients: np.ndarray, index: str = "j") -> str:
    """The sum over stages m of ``coefficients[m] * K[m, <index>]``, zeros left out."""
    return _tree([f"{float(c)!r} * K[{m}, {index}]" for m, c in enumerate(coefficients)
                  if c != 0.0])


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


def lane_source(rhs_text: str) -> str:
    """Source of ``rhs_lanes``, ``rk_lanes`` and ``error_lanes``: ``rhs`` (the model's,
    from ``rhs_text``), ``rk_step`` and ``error_norm`` for many points at once, each
    array's last index the lane (``t``, ``h``, ``rtol``: one value per lane)."""
    lines = ["def rk_lanes(t, y, f, h, p, K, y_new, tt, work):",
             '    """rk_step on every lane: K is (13, n, lanes)."""',
             "    n, lanes = y.shape",
             "    K[0] = f"]
    for s in range(1, 12):
        lines += ["    for j in range(n):",
                  "        for w in range(lanes):",
                  f"            work[j, w] = y[j, w] + h[w] * "
                  f"{_combination(dop853.A[s, :s], 'j, w')}",
                  "    for w in range(lanes):",
                  f"        tt[w] = t[w] + C[{s}] * h[w]",
                  f"    rhs_lanes(tt, work, p, K[{s}])"]
    lines += ["    for j in range(n):",
              "        for w in range(lanes):",
              f"            y_new[j, w] = y[j, w] + h[w] * {_combination(dop853.B, 'j, w')}",
              "    for w in range(lanes):",
              "        tt[w] = t[w] + h[w]",
              "    rhs_lanes(tt, y_new, p, K[12])",
              "",
              "",
              "def error_lanes(K, h, y, y_new, rtol, atol, err5, err3, err):",
              '    """error_norm of every lane into ``err``."""',
              "    n, lanes = y.shape",
              "    err5[:] = 0.0",
              "    err3[:] = 0.0",
              "    for j in range(n):",
              "        for w in range(lanes):",
              "            scale = atol[j] + rtol[w] * max(abs(y[j, w]), abs(y_new[j, w]))",
              f"            e5 = {_combination(dop853.E5, 'j, w')}",
              f"            e3 = {_combination(dop853.E3, 'j, w')}",
              "            err5[w] += (e5 / scale) ** 2",
              "            err3[w] += (e3 / scale) ** 2",
              "    for w in range(lanes):",
              "        if err5[w] == 0.0 and err3[w] == 0.0:",
              "            err[w] = 0.0",
              "        else:",
              "            err[w] = (abs(h[w]) * err5[w]",
              "                      / math.sqrt((err5[w] + 0.01 * err3[w]) * n))",
              "", ""]
    return "\n".join(lines) + rhs_lanes_source(rhs_text)


class _ToLanes(ast.NodeTransformer):
    """``y[i]``, ``p[i]``, ``dy[i]`` to ``[i, lane]`` and ``t`` to ``t[lane]``."""

    def __init__(self, lane: str) -> None:
        self.lane = lane

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in ("y", "p", "dy"):
            index = ast.Tuple([node.slice, ast.Name(self.lane, ast.Load())], ast.Load())
            return ast.Subscript(node.value, index, node.ctx)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id == "t":
            return ast.Subscript(node, ast.Name(self.lane, ast.Load()), node.ctx)
        return node


def rhs_lanes_source(rhs_text: str) -> str:
    """Source of ``rhs_lanes(t, y, p, dy)``: the generated ``rhs`` of ``rhs_text`` with its
    body in a loop over the lanes (the arrays' last index)."""
    rhs = next(node for node in ast.parse(rhs_text).body
               if isinstance(node, ast.FunctionDef) and node.name == "rhs")
    names = {node.id for node in ast.walk(rhs) if isinstance(node, ast.Name)}
    lane = "lane"
    while lane in names:  # a model id of that name: another loop variable
        lane += "_"
    body = [_ToLanes(lane).visit(statement) for statement in rhs.body
            if not isinstance(statement, ast.Return) and not (
                isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))]
    loop = ast.For(ast.Name(lane, ast.Store()),
                   ast.parse("range(y.shape[1])", mode="eval").body, body, [])
    function = ast.FunctionDef("rhs_lanes", rhs.args, [loop], [], None)
    return ast.unparse(ast.fix_missing_locations(ast.Module([function], []))) + "\n"
