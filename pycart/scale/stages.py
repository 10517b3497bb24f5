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
from .lanes import LANES


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
    lines = ["def rk_lanes(t, y, f, h, p, K, y_new, tt, work, pw):",
             '    """rk_step on the first ``t.size`` lanes: K is (13, n, LANES); ``pw``: the '
             'right-hand side\'s powers (POWERS rows of LANES)."""',
             "    n, lanes = y.shape[0], t.size",
             "    K[0] = f",
             "    pf, kf = p.reshape(p.size), K.reshape(K.size)",
             "    wf, nf = work.reshape(work.size), y_new.reshape(y_new.size)"]
    for s in range(1, 12):
        lines += ["    for j in range(n):",
                  "        for w in range(lanes):",
                  f"            work[j, w] = y[j, w] + h[w] * "
                  f"{_combination(dop853.A[s, :s], 'j, w')}",
                  "    for w in range(lanes):",
                  f"        tt[w] = t[w] + C[{s}] * h[w]",
                  f"    rhs_lanes(tt, wf, pf, kf, {s} * n * {LANES}, pw)"]
    lines += ["    for j in range(n):",
              "        for w in range(lanes):",
              f"            y_new[j, w] = y[j, w] + h[w] * {_combination(dop853.B, 'j, w')}",
              "    for w in range(lanes):",
              "        tt[w] = t[w] + h[w]",
              f"    rhs_lanes(tt, nf, pf, kf, 12 * n * {LANES}, pw)",
              "",
              "",
              "def error_lanes(K, h, y, y_new, rtol, atol, err5, err3, err):",
              '    """error_norm of every lane into ``err``."""',
              "    n, lanes = y.shape[0], h.size",
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
    """``y[i]``, ``p[i]`` to ``y[i * LANES + lane]``, ``dy[i]`` to
    ``dy[at + i * LANES + lane]``, ``t`` to ``t[lane]``: the lanes' arrays flattened, rows
    :data:`~pycart.scale.lanes.LANES` apart."""

    def __init__(self, lane: str, at: str) -> None:
        self.lane, self.at = lane, at

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in ("y", "p", "dy"):
            row = node.slice
            if not (isinstance(row, ast.Constant) and isinstance(row.value, int)):
                raise ValueError(f"generated rhs: {ast.unparse(node)} is not a fixed index")
            first = f"{self.at} + " if node.value.id == "dy" else ""
            index = ast.parse(f"{first}{row.value * LANES} + {self.lane}", mode="eval").body
            return ast.Subscript(node.value, index, node.ctx)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id == "t":
            return ast.Subscript(node, ast.Name(self.lane, ast.Load()), node.ctx)
        return node


def rhs_lanes_source(rhs_text: str) -> str:
    """Source of ``POWERS``, ``INVARIANTS``, ``rhs_lanes(t, y, p, dy, at, pw)`` and
    ``rhs_invariants(p, lane)``: the generated ``rhs`` of ``rhs_text`` with its body in a
    loop over the first ``t.size`` lanes, ``y``, ``p`` and ``dy`` flat (C order) arrays of
    :data:`~pycart.scale.lanes.LANES` columns, the rates written from ``dy[at]`` on. Flat,
    with the rows a constant apart, so that the compiler can tell the rows read from the
    rows written with a few run-time checks and use vector instructions (with the arrays'
    strides read at run time it needed hundreds and did not: 350 against 140 ns for 32
    lanes of cart_bm, the same bits). Its powers are calls, one lane at a time (no vector
    power here): those of parameters alone (``XE ** nE``) are computed once per point by
    ``rhs_invariants`` into the ``INVARIANTS`` rows after the parameters in ``p``, not at
    every stage, the others (``X ** nE``) once each, in a loop of their own, into ``pw``
    (``POWERS`` rows)."""
    module = ast.parse(rhs_text)
    rhs = next(node for node in module.body
               if isinstance(node, ast.FunctionDef) and node.name == "rhs")
    parameters = next(ast.literal_eval(node.value) for node in module.body
                      if isinstance(node, ast.Assign) and ast.unparse(node.targets[0])
                      == "PARAMETERS")
    names = {node.id for node in ast.walk(rhs) if isinstance(node, ast.Name)}
    lane, at, pw = _fresh("lane", names), _fresh("at", names), _fresh("pw", names)
    body = [_ToLanes(lane, at).visit(statement) for statement in rhs.body
            if not isinstance(statement, ast.Return) and not (
                isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))]
    powers = _Powers(lane, pw, _fixed(body, lane), len(parameters))
    found = [powers.take(statement) for statement in body]
    loops = [ast.For(ast.Name(lane, ast.Store()), ast.parse("range(t.size)", mode="eval").body,
                     statements, [])
             for statements in (_power_loop(body, [f[0] for f in found]), body)]
    function = ast.parse(f"def rhs_lanes(t, y, p, dy, {at}, {pw}): pass").body[0]
    # at >= 0, as the compiler then knows: a negative index would count from the end, and
    # that choice, made per lane, kept it from vectorising (780 ns for 32 lanes of cart_bm)
    function.body = [ast.parse(f"{at} = max({at}, 0)").body[0],  # type: ignore[attr-defined]
                     *[loop for loop in loops if loop.body]]
    once = ast.parse(f"def rhs_invariants(p, {lane}): pass").body[0]
    once.body = _power_loop(body, [f[1] for f in found]) or once.body  # type: ignore[attr-defined]
    counts = f"POWERS = {len(powers.slots[0])}\nINVARIANTS = {len(powers.slots[1])}"
    return ast.unparse(ast.fix_missing_locations(ast.Module(
        [*ast.parse(counts).body, function, once], []))) + "\n"


def _fixed(body: list[ast.stmt], lane: str) -> set[str]:
    """The names ``body`` assigns from parameters alone (the same for every step)."""
    fixed = {"p", lane}
    for statement in body:
        if (isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name)
                and {n.id for n in ast.walk(statement.value) if isinstance(n, ast.Name)}
                <= fixed):
            fixed.add(statement.targets[0].id)
    return fixed


class _Powers(ast.NodeTransformer):
    """Each ``a ** b`` of a statement to ``pw[k * LANES + lane]`` or, where ``a`` and ``b``
    are ``fixed``, to ``p[(parameters + k) * LANES + lane]``; its store ``... = a ** b``
    kept (innermost first) for the loop of powers or ``rhs_invariants``. The same power
    twice (``X ** nE`` of a Hill term) is computed once (the same call: the same bits)."""

    def __init__(self, lane: str, pw: str, fixed: set[str], parameters: int) -> None:
        self.lane, self.pw, self.fixed, self.parameters = lane, pw, fixed, parameters
        self.stores: tuple[list[ast.stmt], list[ast.stmt]] = ([], [])
        self.slots: tuple[dict[str, str], dict[str, str]] = ({}, {})

    def take(self, statement: ast.stmt) -> tuple[list[ast.stmt], list[ast.stmt]]:
        """Replace the powers of ``statement`` in place; return their stores (per step,
        per point)."""
        before = [len(stores) for stores in self.stores]
        self.visit(statement)
        return self.stores[0][before[0]:], self.stores[1][before[1]:]

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.op, ast.Pow):
            return node
        once = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} <= self.fixed
        slots, key = self.slots[once], ast.dump(node)
        if key not in slots:
            slot = (f"p[{(self.parameters + len(slots)) * LANES} + {self.lane}]" if once
                    else f"{self.pw}[{len(slots) * LANES} + {self.lane}]")
            slots[key] = slot
            self.stores[once].append(ast.Assign([ast.parse(slot, mode="eval").body], node))
        return ast.parse(slots[key], mode="eval").body


def _power_loop(body: list[ast.stmt], found: list[list[ast.stmt]]) -> list[ast.stmt]:
    """The body of the loop of powers: each statement's power stores (``found``) and the
    assignments they read, in the order of ``body``."""
    needed = {n.id for stores in found for store in stores
              for n in ast.walk(store.value) if isinstance(n, ast.Name)}  # type: ignore[attr-defined]
    keep = [False] * len(body)
    for i in reversed(range(len(body))):
        target = body[i].targets[0] if isinstance(body[i], ast.Assign) else None  # type: ignore[attr-defined]
        if isinstance(target, ast.Name) and target.id in needed:
            keep[i] = True
            needed |= {n.id for n in ast.walk(body[i].value) if isinstance(n, ast.Name)}  # type: ignore[attr-defined]
    loop: list[ast.stmt] = []
    for statement, stores, kept in zip(body, found, keep, strict=True):
        loop += stores
        loop += [statement] if kept else []
    return loop


def _fresh(name: str, taken: set[str]) -> str:
    """``name``, or with underscores added until no model id has it."""
    while name in taken:
        name += "_"
    return name
