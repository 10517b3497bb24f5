"""The package's layers, read from the source with ``ast``: no module imports from a higher
layer, and no modules import each other in a circle.

Layers, lowest first: core <- scale <- experiments <- analysis <- exchange <- report <-
explore <- cli.
Every import counts: module level and inside functions, absolute (``import pycart.x``,
``from pycart import x``) and relative (``from . import y``, ``from ..scale.sweep import
Sweep``), those under ``if TYPE_CHECKING:`` too (a type named across layers is a dependency
all the same). ``pycart/__init__.py`` (the public API), ``pycart/__main__.py``
and ``pycart/_version.py`` stand above the layers: they may import any layer, and no layer
may import the package's ``__init__`` (``pycart.__version__`` comes from ``_version``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pycart"
LAYERS = ("core", "scale", "experiments", "analysis", "exchange", "report", "explore", "cli")
#: Modules outside the layers: the package's own files. _version is a leaf every layer may
#: read; the other two are the top.
LEAVES = {"pycart._version"}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module
    path: Path
    line: int

    def __str__(self) -> str:
        shown = self.path.relative_to(PACKAGE.parent) if self.path.is_relative_to(
            PACKAGE.parent) else self.path
        return f"{shown}:{self.line}: {self.source} imports {self.target}"


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> list[Import]:
    """The package modules ``name`` imports: ``from a.b import c`` imports ``a.b.c`` when
    that is a module, else ``a.b`` (the parent packages' ``__init__`` files, which Python
    runs first, are not counted: each is a module of the graph with its own imports)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # import pycart.scale.sweep.x -> the module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.append(Import(name, target, path, node.lineno))
    return found


def layer(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def all_imports() -> list[Import]:
    known = modules()
    return [i for name, path in known.items() for i in imports(name, path, known)]


def upward(found: list[Import]) -> list[Import]:
    """Imports from a higher layer, or of the package's top from inside a layer."""
    bad = []
    for i in found:
        low, high = layer(i.source), layer(i.target)
        if low is None:
            continue  # the package's own files may import any layer
        if high is None and i.target not in LEAVES or high is not None and high > low:
            bad.append(i)
    return bad


def cycles(found: list[Import]) -> list[list[Import]]:
    """Each circle of imports (one per strongly connected group), as the imports that
    close it."""
    graph: dict[str, dict[str, Import]] = {}
    for i in found:
        graph.setdefault(i.source, {}).setdefault(i.target, i)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [[graph[a][b] for a in g for b in graph.get(a, {}) if b in g] for g in groups]


def test_no_module_imports_from_a_higher_layer():
    bad = upward(all_imports())
    assert not bad, "imports from a higher layer:\n" + "\n".join(map(str, bad))


def test_no_modules_import_each_other_in_a_circle():
    found = cycles(all_imports())
    assert not found, "import cycles:\n" + "\n\n".join(
        "\n".join(map(str, group)) for group in found)


def test_every_layer_exists():
    assert {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()} == set(LAYERS)


# ---- the checker itself, on code written to break the rules -------------------------------

def _write(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    known = {}
    for name, text in files.items():
        parts = name.split(".")
        path = tmp_path.joinpath(*parts[:-1], parts[-1] + ".py") if not text.startswith("#pkg") \
            else tmp_path.joinpath(*parts, "__init__.py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        known[name] = path
    return known


@pytest.mark.parametrize("text, target", [
    ("import pycart.cli.main\n", "pycart.cli.main"),
    ("from pycart.cli import main\n", "pycart.cli.main"),
    ("from ..cli import main\n", "pycart.cli.main"),
    ("from ..cli.main import run\n", "pycart.cli.main"),
    ("def f():\n    from ..cli.main import run\n", "pycart.cli.main"),
    ("if True:\n    from ..cli import main\n", "pycart.cli.main"),
    ("from .. import cli\n", "pycart.cli"),
    ("from pycart import __version__\n", "pycart"),
])
def test_the_checker_sees_every_form_of_import(tmp_path, text, target):
    known = _write(tmp_path, {"pycart": "#pkg\n", "pycart.cli": "#pkg\n",
                              "pycart.cli.main": "", "pycart.core": "#pkg\n",
                              "pycart.core.x": text})
    found = imports("pycart.core.x", known["pycart.core.x"], known)
    assert [i.target for i in found] == [target]
    assert upward(found) and str(upward(found)[0]).endswith(f"pycart.core.x imports {target}")
    assert f":{found[0].line}:" in str(found[0])


def test_the_checker_counts_type_checking_imports(tmp_path):
    text = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..cli import main\n"
    known = _write(tmp_path, {"pycart": "#pkg\n", "pycart.cli": "#pkg\n", "pycart.cli.main": "",
                              "pycart.core": "#pkg\n", "pycart.core.x": text})
    found = imports("pycart.core.x", known["pycart.core.x"], known)
    assert [i.target for i in found] == ["pycart.cli.main"] and upward(found)


def test_the_checker_finds_a_cycle_through_a_function_level_import(tmp_path):
    known = _write(tmp_path, {"pycart": "#pkg\n", "pycart.core": "#pkg\n",
                              "pycart.core.a": "from .b import f\n",
                              "pycart.core.b": "def f():\n    from . import a\n",
                              "pycart.core.c": "from . import a\n"})
    found = [i for n, p in known.items() for i in imports(n, p, known)]
    (group,) = cycles(found)
    assert sorted(str(i).split(": ", 1)[1] for i in group) == [
        "pycart.core.a imports pycart.core.b", "pycart.core.b imports pycart.core.a"]


# ---- the public API: what import pycart gives -----------------------------------------------

def _commented(name: str) -> bool:
    """Whether the constant ``name`` is documented where it is set (a ``#:`` comment on the
    line before ``NAME = ...``, the form Sphinx reads)."""
    for path in PACKAGE.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        for k, line in enumerate(lines):
            if k and line.startswith((f"{name} =", f"{name}: ")) and \
                    lines[k - 1].startswith("#:"):
                return True
    return False


def test_every_public_name_is_importable_and_documented():
    import pycart

    undocumented = []
    for name in pycart.__all__:
        value = getattr(pycart, name)  # importable (lazily loaded names included)
        if name == "__version__":
            assert isinstance(value, str)
        elif callable(value):
            doc = (value.__doc__ or "").strip()
            if not doc or doc.startswith(f"{value.__name__}("):  # a dataclass's own signature
                undocumented.append(name)
        elif not _commented(name):
            undocumented.append(name)
    assert not undocumented, f"no docstring: {undocumented}"
    assert len(set(pycart.__all__)) == len(pycart.__all__)
    assert set(pycart.__all__) <= set(dir(pycart))


def test_import_pycart_loads_no_heavy_optional_library():
    """Sweeps, sensitivity and fits are loaded on first use: ``import pycart`` stays as quick
    as it was (dask, numba, scipy's optimisers and matplotlib load when a task needs them)."""
    import subprocess
    import sys

    heavy = ("dask", "distributed", "numba", "scipy", "SALib", "matplotlib", "asyncio")
    code = f"import sys, pycart; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout


def test_the_lazy_names_are_the_modules_own():
    import pycart
    from pycart.analysis.calibrate import calibrate
    from pycart.experiments.cohort import preset
    from pycart.scale.engines import make_engine
    from pycart.scale.sweep import Sweep

    assert (pycart.calibrate, pycart.cohort_preset, pycart.make_engine, pycart.Sweep) == (
        calibrate, preset, make_engine, Sweep)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        pycart.nothing  # noqa: B018
