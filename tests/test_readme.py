"""The README and the docs stay true: the two commands, the Python examples, the outputs they
show, and every pycart command they show parses with the command line of today."""

from __future__ import annotations

import re
import shlex
import subprocess
from itertools import pairwise

import pytest

from pycart.cli import main

SCENARIOS = "docs/scenarios.md"


def blocks(root, page: str = "README.md") -> list[str]:
    """The fenced blocks of a page (``README.md`` or ``docs/NAME.md``), without their fences."""
    text = (root / page).read_text(encoding="utf-8")
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.S | re.M)


def test_first_block_is_the_two_commands(root):
    lines = blocks(root)[0].strip().splitlines()
    assert len(lines) == 2
    install_and_run, install_and_test = lines
    assert "pip install ." in install_and_run and install_and_run.endswith("pycart simulate")
    assert "pip install '.[test]'" in install_and_test and install_and_test.endswith("pytest")


def test_ci_runs_the_readme_test_command(root):
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    assert "README.md" in ci and "sed -n 2p" in ci


def test_python_examples_run(root, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    codes = [b for b in blocks(root, "docs/python.md") if "import pycart" in b]
    assert len(codes) == 2
    for code in codes:
        exec(compile(code, "docs/python.md", "exec"), {})
    assert (tmp_path / "mine-out" / "metrics.csv").exists()


def test_toml_example_runs(root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = next(b for b in blocks(root, SCENARIOS) if b.startswith('name = "dose-study"'))
    (tmp_path / "dose-study.toml").write_text(text)
    assert main(["run", "dose-study.toml"]) == 0
    assert (tmp_path / "dose-study" / "dose-study.png").exists()
    assert len(list((tmp_path / "dose-study").glob("*.csv"))) == 5


def test_shown_output_is_what_pycart_prints(root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shown = next(b for b in blocks(root, "docs/simulate.md")
                 if b.startswith("$ pycart simulate --t-end 60"))
    command, *expected = shown.strip().splitlines()
    assert main(shlex.split(command)[2:]) == 0
    assert capsys.readouterr().out.strip().splitlines() == expected


@pytest.mark.parametrize(("page", "marker"), [
    ("docs/simulate.md", "$ pycart simulate --set rhoA=0.4"),
    ("docs/model.md", "pycart simulate --set B0_in_F=1")])
def test_shown_commands_run(root, tmp_path, monkeypatch, capsys, page, marker):
    monkeypatch.chdir(tmp_path)
    shown = next(b for b in blocks(root, page) if b.lstrip("$ ").startswith(marker.lstrip("$ ")))
    args = shlex.split(shown.strip().lstrip("$ "))
    assert main(args[1:]) == 0


def test_numbers_quoted_for_the_printed_forms(model):
    """docs/model.md: literal F gives ~1.2e26 CAR T on day 180; literal loss, L30 = 3.65e9."""
    literal_f = model.simulate({"B0_in_F": 1}, t_end=180, points=2).iloc[-1]
    assert f"{literal_f['CA'] + literal_f['CM']:.2g}" == "1.2e+26"
    literal_loss = model.run({"CA_loss_gammaMA": 1}, t_end=30).summary
    assert f"{literal_loss.L30:.3g}" == "3.65e+09" and not literal_loss.responder


def _shown(root, first: str, page: str = "docs/scenarios.md") -> list[str]:
    """The lines of the page's block that starts with ``first``."""
    return next(b for b in blocks(root, page) if b.startswith(first)).strip().splitlines()


def test_export_of_a_user_scenario_prints_what_is_shown(root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = next(b for b in blocks(root, SCENARIOS) if b.startswith('name = "dose-study"'))
    (tmp_path / "dose-study.toml").write_text(text)
    lines = _shown(root, "$ pycart export dose-study.toml")
    commands = [k for k, line in enumerate(lines) if line.startswith("$ ")] + [len(lines)]
    for start, end in pairwise(commands):
        capsys.readouterr()
        assert main(shlex.split(lines[start])[2:]) == 0
        assert capsys.readouterr().out.strip().splitlines() == lines[start + 1:end]


def test_basico_example_prints_what_is_shown(root, monkeypatch, capsys):
    """The basico block of docs/exchange.md (SBML ids as column names), from the checkout."""
    import warnings

    pytest.importorskip("basico")
    monkeypatch.chdir(root)
    shown = blocks(root, "docs/exchange.md")
    code = next(b for b in shown if b.startswith("import basico"))
    expected = next(b for b in shown if b.lstrip().startswith("L        CA")
                    or b.startswith("             L"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "docs/exchange.md", "exec"), {})
    assert capsys.readouterr().out.strip("\n") == expected.strip("\n")


def test_show_prints_what_is_shown(root, capsys):
    lines = _shown(root, "$ pycart show fig6")
    assert main(shlex.split(lines[0])[2:]) == 0
    assert capsys.readouterr().out.rstrip("\n").splitlines() == lines[1:]


def test_show_toml_example_runs(root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    show, run = _shown(root, "$ pycart show fig5 --toml")
    command, target = show.split(" > ")
    assert main(shlex.split(command)[2:]) == 0
    (tmp_path / target).write_text(capsys.readouterr().out)
    assert main(shlex.split(run)[2:]) == 0
    assert (tmp_path / "my-fig5" / "fig5.png").exists()


def _pages(root) -> list[str]:
    """README.md and every Markdown page of the docs site (generated reports included)."""
    return ["README.md", *sorted(f"docs/{p.name}" for p in (root / "docs").glob("*.md"))]


def _shown_commands(block: str) -> list[str]:
    """The pycart command lines of a shell block, each joined over its ``\\`` continuations:
    its ``$ pycart ...`` lines where it has prompts (the other lines are output), else its
    ``pycart ...`` lines; synopses (``[--option]``, ``...``) are not commands."""
    lines = [line.strip() for line in block.replace("\\\n", " ").splitlines()]
    if any(line.startswith("$ ") for line in lines):
        lines = [line[2:] for line in lines if line.startswith("$ ")]
    commands = [" ".join(line.split(" #")[0].split()) for line in lines]
    return [c for c in commands if c.startswith("pycart ")
            and not any(mark in c for mark in ("[", "...", "|"))]


def _arguments(command: str) -> list[str]:
    """The arguments of a shown command, up to a redirection or the next command."""
    words = shlex.split(command, comments=True)[1:]
    ends = [k for k, word in enumerate(words) if word in (">", ">>", "&&", ";")]
    return words[:ends[0]] if ends else words


def _tour(root) -> list[str]:
    """The commands of the README's tour table."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## A short tour")[1].split("\n## ")[0]
    return re.findall(r"`(pycart [^`]*)`", tour)


def test_every_shown_command_parses(root, capsys):
    """Every pycart command a page shows (in a code block, or in the README's tour) is one the
    command line of today accepts: a renamed command or option fails here."""
    from pycart.cli import _parser

    parser = _parser()
    shown = [(page, c) for page in _pages(root) for b in blocks(root, page)
             for c in _shown_commands(b)]
    shown += [("README.md", c) for c in _tour(root)]
    assert len(shown) > 40
    for page, command in shown:
        try:
            parser.parse_args(_arguments(command))
        except SystemExit:
            pytest.fail(f"{page}: {command!r} does not parse: {capsys.readouterr().err}")


def test_readme_is_a_short_entry_to_the_docs(root):
    """Under 300 lines, linking every page of the docs; every relative link of the README and
    the docs pages reaches a file of the checkout (so they work on GitHub too)."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 300
    for page in _pages(root)[1:]:
        assert f"]({page})" in readme, page
    for page in _pages(root):
        text = (root / page).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if "://" in target or target.startswith(("#", "mailto:")):
                continue
            path = (root / page).parent / target.split("#")[0]
            assert path.exists(), f"{page}: link to {target} reaches nothing"


def test_readme_api_table_names_what_exists(root):
    """The README's "to do X, call Y" table names calls that exist in pycart today."""
    import pycart

    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API: to do X, call Y")[1].split("\n## ")[0]
    names = set(re.findall(r"`pycart\.([A-Za-z_]+)", section))
    assert {"Model", "simulate", "run_scenario"} <= names
    for name in names:
        assert name in pycart.__all__, name


def test_examples_use_pycart_names_and_documented_modules(root):
    """No example of the README or the docs reaches into an undocumented module or a private
    name: a name ``import pycart`` gives is taken from ``pycart`` (one obvious way), anything
    else from a module that the API reference (docs/api.md) documents."""
    import pycart

    api = (root / "docs" / "api.md").read_text(encoding="utf-8")
    documented = {"pycart", *re.findall(r"automodule:: (pycart[\w.]*)", api)}
    imports = [(page, module, names) for page in _pages(root) for b in blocks(root, page)
               for module, names in re.findall(r"^\s*from (pycart[\w.]*) import ([^\n]+)", b,
                                               flags=re.M)]
    imports += [(page, module, "") for page in _pages(root) for b in blocks(root, page)
                for module in re.findall(r"^\s*import (pycart\.[\w.]+)", b, flags=re.M)]
    assert len(imports) >= 5
    for page, module, names in imports:
        assert module in documented, f"{page}: {module} is not in docs/api.md"
        for name in (n.strip() for n in names.strip("()").split(",") if n.strip()):
            assert not name.startswith("_"), f"{page}: private {module}.{name}"
            assert module == "pycart" or name not in pycart.__all__, \
                f"{page}: use pycart.{name}, not {module}.{name}"


def _sphinx(source, out) -> subprocess.CompletedProcess[str]:
    import os
    import sys

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           "html", str(source), str(out)], capture_output=True, text=True,
                          env=env, timeout=600, check=False)


@pytest.mark.heavy
def test_docs_site_builds_with_warnings_as_errors(root, tmp_path):
    """The site builds from docs/ (examples run, API from the docstrings) with no warning, and
    leaves nothing in the checkout."""
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    before = sorted(p for p in (root / "docs").rglob("*") if "__pycache__" not in p.parts)
    done = _sphinx(root / "docs", tmp_path / "html")
    assert done.returncode == 0, done.stderr
    assert sorted(p for p in (root / "docs").rglob("*") if "__pycache__" not in p.parts) == before
    api = (tmp_path / "html" / "api.html").read_text(encoding="utf-8")
    assert 'id="pycart.Model"' in api and 'id="pycart.scale.' in api
    assert (tmp_path / "html" / "reproduction.html").exists()


@pytest.mark.heavy
def test_a_failing_docs_example_fails_the_build(root, tmp_path):
    """The examples are run, not only shown: a page whose example raises does not build."""
    import shutil

    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    source = tmp_path / "docs"
    shutil.copytree(root / "docs" / "_ext", source / "_ext")
    (source / "conf.py").write_text(
        "import sys\nfrom pathlib import Path\n"
        "sys.path.insert(0, str(Path(__file__).parent / '_ext'))\n"
        "extensions = ['myst_parser', 'pycart_examples']\n", encoding="utf-8")
    (tmp_path / "models").mkdir()
    (source / "index.md").write_text("# Page\n\n```python\nassert 1 + 1 == 3, 'arithmetic'\n```\n",
                                     encoding="utf-8")
    done = _sphinx(source, tmp_path / "html")
    assert done.returncode != 0 and "example failed" in done.stderr and "arithmetic" in done.stderr


# Every pycart command the README or a docs page shows is run by a test: by the heavy test below,
# by the test named (which also checks what the page says it prints), or, for the few too long or
# needing what a test cannot have, not at all, with the reason and the test that checks the same.
ELSEWHERE = {
    "pycart fit docs/joint/patients.csv --scenario docs/joint/patients.toml --observables "
    "docs/joint/observables.toml --estimate h,rhoA,alpha --shared h,rhoA,alpha --starts 8 "
    "--out fit-joint": "test_joint_example_prints_what_the_docs_show",
    "pycart simulate --t-end 60 --points 61 --out fig3.csv":
        "test_shown_output_is_what_pycart_prints",
    "pycart simulate --set rhoA=0.4 --set h=1e11 --init L=1e10 --out nr.parquet":
        "test_shown_commands_run",
    "pycart simulate --set B0_in_F=1 --set CA_loss_gammaMA=1 --out printed.csv":
        "test_shown_commands_run",
    "pycart show fig6": "test_show_prints_what_is_shown",
    "pycart show fig5 --toml > my-fig5.toml": "test_show_toml_example_runs",
    "pycart run my-fig5.toml --out my-fig5": "test_show_toml_example_runs",
    "pycart export dose-study.toml": "test_export_of_a_user_scenario_prints_what_is_shown",
    "pycart validate exports/dose-study.omex":
        "test_export_of_a_user_scenario_prints_what_is_shown",
    "pycart copasi dose-study.toml": "test_export_of_a_user_scenario_prints_what_is_shown",
    "pycart run ext_relapse": "test_readme_shows_what_pycart_run_prints",
    "pycart run ext_fig7": "test_readme_shows_what_pycart_run_prints",
    "pycart fit docs/calibration/synthetic.csv --estimate h,rhoA --starts 12 --out fit-synthetic":
        "test_readme_shows_what_pycart_fit_prints",
    "pycart petab docs/calibration/synthetic.csv --estimate h,rhoA --out petab-synthetic":
        "test_readme_shows_what_pycart_fit_prints",
    "pycart fit docs/calibration/two-patients.csv --scenario docs/calibration/two-patients.toml "
    "--estimate h,rhoA,alpha --shared h,rhoA,alpha --starts 8 --no-profiles --out fit-two":
        "test_docs_pypesto_reaches_pycarts_joint_optimum",
    "pycart petab docs/calibration/two-patients.csv --scenario docs/calibration/two-patients.toml "
    "--estimate h,rhoA,alpha --shared h,rhoA,alpha --out petab-two":
        "test_docs_pypesto_reaches_pycarts_joint_optimum",
    "pycart sensitivity --range alpha=5e-11:5e-9 --range h=5e8:5e10 --range rhoA=0.4:1:linear "
    "--range L=1e10:1e12 --samples 4096 --seed 1 --out fig7-sobol.csv":
        "test_the_readme_answer_on_figure_6s_claim_is_what_pycart_prints",
    "pycart sweep --points patients.csv --t-end 90 --days 90 --species L,CA --no-peak "
    "--out patients-out.csv": "test_the_readme_point_list_example_prints_what_is_shown",
    "pycart export": "test_committed_exports_are_what_pycart_export_writes",
    "pycart reproduce": "test_committed_report_is_what_pycart_reproduce_writes",
    "pycart explore": "test_the_page_serves_within_ten_seconds_without_a_console_error",
    "pycart explore --no-browser --port 8765":
        "test_the_page_serves_within_ten_seconds_without_a_console_error",
    "pycart simulate --t-end 60 --dose 0:1e7 --dose 2:1e7 --dose 7:1e7 --out fractions.csv":
        "test_the_doses_example_of_the_simulate_page_prints_what_is_shown",
    "pycart trial --patients 1024 --out trial/": "test_docs_copy_is_what_the_command_writes",
}
NOT_RUN = {
    "pycart compatibility":
        "the whole table, about 30 minutes on two idle cores; test_compatibility_table (heavy) "
        "re-runs a part and finds its rows in the committed table",
    "pycart compatibility --runners none --direct amici --out amici.md":
        "AMICI builds from source (about 20 minutes); test_simulators -k amici (PYCART_AMICI=1)",
    "pycart cohort --scheduler tcp://HOST:8786":
        "the address of your cluster; test_hostile_dask runs sweeps on local and TLS clusters",
}
COHORT = ("pycart cohort", "pycart summarize fig7.parquet --by responder",
          "pycart plot fig7.parquet --x h --y rhoA --color responder --out fig7-h-rhoA.png",
          "pycart plot fig7.parquet --x t_peak --y fold_expansion --color responder "
          "--out fig7-peak.png")
RUN_HERE = (
    *COHORT,
    "pycart run fig5",
    "pycart show fig5 --toml",
    "pycart cohort --preset fig6-h-rhoA",
    "pycart sweep --param alpha=5e-11:5e-9:20:log --param h=5e8:5e10:20 --out grid.parquet",
    "pycart sweep --param alpha=5e-11:5e-9:20:log --param h=5e8:5e10:20 --set rhoA=0.7 "
    "--out grid.parquet",
    "pycart sweep --range alpha=5e-11:5e-9:log --range rhoA=0.4:1:linear --range L=1e10:1e12:log "
    "--sample sobol --samples 100000 --seed 1 --t-end 90 --days 30,90 --species L,CA "
    "--out cohort.parquet",
    "pycart sweep --param h=1e9:1e10:3 --set reinf_day=20 --param reinf_dose=0:1e9:2:linear "
    "--t-end 60 --days 60 --species L,CA --out doses.csv --engine serial",
    "pycart simulate --dose 0:1e7 --dose 2:1e7 --dose 7:1e7",
    "pycart sweep --dose 0:1e7 --dose 7:1e7 --param dose_CA_1_day=1:14:14:linear "
    "--param dose_CA_1_cells=1e6:1e8:9",
    "pycart sweep --dose 0:1e7 --dose 7:1e7 --param dose_CA_1_day=1:14:14:linear "
    "--param dose_CA_1_cells=1e6:1e8:9 --t-end 60 --out second-fraction.parquet",
    "pycart sensitivity --range alpha=5e-11:5e-9 --range h=5e8:5e10",
    "pycart fit docs/calibration/synthetic.csv --estimate h,rhoA",
    "pycart copasi exports/fig5.omex",
    "pycart copasi exports/fig5.omex --out copasi",
)


def test_every_shown_command_is_run_by_a_test(root):
    """A command added to a page must be run here, by a named test, or be said not to run."""
    shown = {c for page in _pages(root) for b in blocks(root, page) for c in _shown_commands(b)}
    shown |= set(_tour(root))
    covered = set(ELSEWHERE) | set(NOT_RUN) | set(RUN_HERE)
    assert shown - covered == set(), "add each to RUN_HERE, ELSEWHERE or NOT_RUN"
    assert covered - shown == set(), "no longer shown: remove from the lists"
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (root / "tests").rglob("test_*.py"))
    for test in set(ELSEWHERE.values()):
        assert f"def {test}(" in sources, test


@pytest.mark.heavy
def test_the_shown_commands_run(root, tmp_path, monkeypatch, capsys):
    """The shown commands no other test runs, in a fresh folder, each with status 0; the
    sweep with doses prints what docs/sweeps.md shows (its time aside)."""
    import shutil

    monkeypatch.chdir(tmp_path)
    shutil.copytree(root / "docs" / "calibration", tmp_path / "docs" / "calibration")
    (tmp_path / "exports").mkdir()
    shutil.copy(root / "exports" / "fig5.omex", tmp_path / "exports")
    printed = {}
    for command in RUN_HERE:
        capsys.readouterr()
        assert main(_arguments(command)) == 0, command
        printed[command] = capsys.readouterr().out.strip()
    doses = next(b for b in blocks(root, "docs/sweeps.md") if "--out doses.csv" in b)
    command, shown = (" ".join(part.split()) for part in
                      doses.replace("\\\n", " ").removeprefix("$ ").strip().split("\n"))
    untimed = re.compile(r"in [\d.]+ s")
    assert untimed.sub("in T s", printed[command]) == untimed.sub("in T s", shown)
