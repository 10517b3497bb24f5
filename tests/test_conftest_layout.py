"""The order of the long tests on two workers, and the kernels compiled in the background
(tests/conftest.py)."""

import pytest
from conftest import long_first_layout


def test_long_tests_open_both_halves_of_the_list():
    """worksteal deals the first half to one worker and the second to the other: the
    longest opens the first half, the other long ones the second, and the test right after
    the longest (which no worker can steal) is a short one."""
    costs = [0, 0, 1800, 0, 3600, 0, 0, 1200, 0, 0, 0, 0]
    order = long_first_layout(costs)
    assert sorted(order) == list(range(len(costs)))
    assert order[0] == 4 and costs[order[1]] == 0
    assert order[len(costs) // 2:][:2] == [2, 7]
    assert [i for i in order if costs[i] == 0] == [0, 1, 3, 5, 6, 8, 9, 10, 11]
    assert long_first_layout([0, 0, 0]) == [0, 1, 2]
    assert long_first_layout([5]) == [0]


def test_long_tests_are_dealt_to_the_half_with_less():
    """Four long tests (50, 40, 30, 20 s) in ten: 50 and 20 in the first half (after one
    short test), 40 and 30 opening the second: 70 s each."""
    costs = [0, 50, 0, 40, 0, 30, 0, 20, 0, 0]
    assert long_first_layout(costs) == [1, 0, 7, 2, 4, 3, 5, 6, 8, 9]


def test_kernel_shares_balance_the_workers():
    """The four kernels' compile times (45, 55, 60, 70 s) dealt to two workers: 115 s each;
    one worker takes all; every index once."""
    from conftest import kernel_shares

    assert kernel_shares([45, 55, 60, 70], 2) == [[0, 3], [1, 2]]
    assert kernel_shares([45, 55, 60, 70], 1) == [[0, 1, 2, 3]]
    assert kernel_shares([5], 2) == [[0], []]


def test_the_default_suite_compiles_cart_bms_kernel_only_and_a_heavy_run_every_one():
    import conftest

    other = conftest.ROOT / "tests" / "core" / "test_model.py"
    assert conftest.kernels_to_compile([other, conftest.FAST_TESTS], False) == ["cart_bm"]
    assert conftest.kernels_to_compile([conftest.ROOT / "tests"], False) == ["cart_bm"]
    assert conftest.kernels_to_compile([conftest.ROOT / "tests"], True) == [
        "cart_bm", "cart_bm2", "cart_bm_ext", "cart_bm2_ext"]
    assert conftest.kernels_to_compile([other], True) == []


def test_a_default_test_loading_another_kernel_fails(monkeypatch):
    """kernel_guard: a default-suite test that loads another model's kernel than cart_bm's
    fails, naming it; a heavy one may (stand-in kernel modules and load count)."""
    import sys
    from types import ModuleType, SimpleNamespace

    import conftest
    import pytest

    loads = [0]
    monkeypatch.setattr(conftest, "_kernel_loads", lambda: loads[0])
    config = SimpleNamespace(stash={})  # the session's: what was loaded before

    def run(model, heavy=False):
        request = SimpleNamespace(keywords={"heavy": True} if heavy else {}, config=config,
                                  node=SimpleNamespace(nodeid="t"))
        guard = conftest.kernel_guard.__wrapped__(request)
        next(guard)
        loads[0] += 1
        monkeypatch.setitem(sys.modules, f"pycart_fastpath_{model}_{'0' * 16}", ModuleType("k"))
        next(guard, None)

    run("cart_bm")
    run("cart_bm2", heavy=True)
    with pytest.raises(AssertionError, match="t loads the fast path's kernel of cart_bm2_ext"):
        run("cart_bm2_ext")


def test_the_missing_kernels_compile_in_the_background_from_the_start(monkeypatch,
                                                                    tmp_path):
    """The controller of a run with the fast path's tests starts compilers for the kernels
    not in the cache (two at most, each its share), and ends them with the run; a worker,
    a run without those tests or a warm cache starts none (stand-ins record the
    processes: no kernel is compiled here)."""
    import subprocess
    import sys
    from types import SimpleNamespace

    import conftest

    from pycart.scale import kernel

    started: list[list[str]] = []

    class Compiler:
        def __init__(self, command, **kwargs):
            started.append(command[3:])
            self.ended = False

        def terminate(self):
            self.ended = True

        def wait(self):
            return 0

    monkeypatch.setattr(conftest.subprocess, "Popen", Compiler)
    monkeypatch.setattr(kernel, "compile_note", lambda m: "" if m == "cart_bm2" else "compiling")

    def config(args, markexpr="not heavy", **worker):
        made = SimpleNamespace(
            args=args, stash=pytest.Stash(),
            option=SimpleNamespace(markexpr=markexpr, collectonly=False, help=False),
            invocation_params=SimpleNamespace(dir=conftest.ROOT))
        if worker:
            made.workerinput = worker
        return made

    default = config(["tests"])
    conftest.pytest_configure(default)
    assert started == [["cart_bm"]]
    conftest.pytest_unconfigure(default)
    assert all(p.ended for p in default.stash[conftest.COMPILERS])
    started.clear()
    conftest.pytest_configure(config(["tests/scale/test_fast.py::test_x"], "heavy"))
    assert started == [["cart_bm2_ext"], ["cart_bm", "cart_bm_ext"]]  # cart_bm2 is cached
    started.clear()
    conftest.pytest_configure(config(["tests"], workerid="gw0", workercount=2))
    conftest.pytest_configure(config(["tests/core"], ""))
    listing = config(["tests"])
    listing.option.collectonly = True
    conftest.pytest_configure(listing)
    monkeypatch.setattr(kernel, "compile_note", lambda m: "")
    conftest.pytest_configure(config(["tests"], ""))
    assert started == []
    monkeypatch.undo()
    run = subprocess.run([sys.executable, "-c", conftest.COMPILE], cwd=conftest.ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr  # the compilers' code runs (here on no model)


def test_the_slow_tests_named_exist_and_use_no_module_fixture():
    """Every name of conftest.SLOW is a test function of its file (a renamed test would
    silently lose its place), taking none of its file's module-scoped fixtures (moved away
    from the other tests of its file, it would have that fixture made twice)."""
    import ast

    from conftest import ROOT, SLOW

    for nodeid in SLOW:
        path, name = nodeid.split("::")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        module_fixtures = {n for n, f in functions.items() for d in f.decorator_list
                           if isinstance(d, ast.Call) and any(
                               k.arg == "scope" and ast.literal_eval(k.value) == "module"
                               for k in d.keywords)}
        test = functions[name.split("[")[0]]
        assert not {a.arg for a in test.args.args} & module_fixtures, nodeid


def test_the_heavy_tests_named_exist():
    """Every name of conftest.HEAVY is a test function of its file (a renamed test would
    silently lose its place at the front of CI's heavy run)."""
    import ast

    from conftest import HEAVY, ROOT

    for nodeid in HEAVY:
        path, name = nodeid.split("::")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        assert name.split("[")[0] in {n.name for n in ast.walk(tree)
                                      if isinstance(n, ast.FunctionDef)}, nodeid


def test_timeouts_are_not_costs():
    """A test's timeout is a ceiling, not its length: the trial's heavy tests carry 3600 s
    and take under a minute, so they must not be dealt as the longest."""
    from types import SimpleNamespace

    import conftest

    item = SimpleNamespace(nodeid="tests/analysis/test_trial_heavy.py::test_x",
                           get_closest_marker=lambda name: SimpleNamespace(args=(3600,)))
    assert conftest.cost(item) == 0.0
    first = SimpleNamespace(nodeid=next(iter(conftest.HEAVY)))
    assert conftest.cost(first) == max(conftest.HEAVY.values())
