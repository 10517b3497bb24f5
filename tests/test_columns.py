"""Result columns are named once, in pycart/core/columns.py: no other module spells them."""

from __future__ import annotations

import ast
from pathlib import Path

from pycart.core import columns as col

PACKAGE = Path(__file__).resolve().parents[1] / "pycart"

#: Every column name pycart/core/columns.py defines, and the names they replaced (issue 19:
#: the grids' car_t_peak and car_t_peak_day are the sweeps' C_peak and t_peak).
NAMES = {col.POINT, col.STATUS, col.MESSAGE, col.L30, col.RESPONDER, col.C_PEAK, col.T_PEAK,
         col.FOLD_EXPANSION, col.PEAK_REACHED, col.RELAPSE_DAY, col.CD19NEG_SHARE, col.L_END,
         "car_t_peak", "car_t_peak_day"}

#: Modules allowed to spell them: the columns module, and the integrator, whose text numba
#: compiles on its own (it imports nothing of pycart; its "ok" is a status text, not a column).
ALLOWED = {"core/columns.py", "scale/dop853.py"}


def _literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and node.value in NAMES]


def test_no_module_outside_columns_spells_a_result_column():
    found = [hit for path in sorted(PACKAGE.rglob("*.py"))
             if str(path.relative_to(PACKAGE)) not in ALLOWED
             and "__fastpath__" not in path.parts
             for hit in _literals(path)]
    assert not found, "use pycart.core.columns instead of:\n" + "\n".join(found)


def test_the_check_finds_a_literal(tmp_path):
    probe = PACKAGE / "core" / "columns.py"
    text = probe.read_text(encoding="utf-8")
    assert "L30 = \"L30\"" in text  # the one place the name is spelled
    fake = tmp_path / "fake.py"
    fake.write_text('table["L30"]\nf"{row[\'t_peak\']}"\nx = "L30 is a column"\n')
    hits = [node.value for node in ast.walk(ast.parse(fake.read_text()))
            if isinstance(node, ast.Constant) and node.value in NAMES]
    assert hits == ["L30", "t_peak"]


def test_at_day_names_a_species_at_a_day():
    assert col.at_day("L", 30.0) == "L@30" and col.at_day("CA", 7.5) == "CA@7.5"
    assert col.input_column("L", ("L", "CA")) == "init_L"
    assert col.input_column("alpha", ("L", "CA")) == "alpha"
