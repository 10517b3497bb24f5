"""The README stays true: its two commands, its Python example and the output it shows."""

from __future__ import annotations

import re
import shlex

import pytest

from pycart.cli import main


def blocks(root) -> list[str]:
    text = (root / "README.md").read_text(encoding="utf-8")
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
    codes = [b for b in blocks(root) if "import pycart" in b]
    assert len(codes) == 2
    for code in codes:
        exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "mine-out" / "metrics.csv").exists()


def test_toml_example_runs(root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = next(b for b in blocks(root) if b.startswith('name = "dose-study"'))
    (tmp_path / "dose-study.toml").write_text(text)
    assert main(["run", "dose-study.toml"]) == 0
    assert (tmp_path / "dose-study" / "dose-study.png").exists()
    assert len(list((tmp_path / "dose-study").glob("*.csv"))) == 5


def test_shown_output_is_what_pycart_prints(root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shown = next(b for b in blocks(root) if b.startswith("$ pycart simulate --t-end 60"))
    command, *expected = shown.strip().splitlines()
    assert main(shlex.split(command)[2:]) == 0
    assert capsys.readouterr().out.strip().splitlines() == expected


@pytest.mark.parametrize("marker", ["$ pycart simulate --set rhoA=0.4",
                                    "pycart simulate --set B0_in_F=1"])
def test_shown_commands_run(root, tmp_path, monkeypatch, capsys, marker):
    monkeypatch.chdir(tmp_path)
    shown = next(b for b in blocks(root) if b.lstrip("$ ").startswith(marker.lstrip("$ ")))
    args = shlex.split(shown.strip().lstrip("$ "))
    assert main(args[1:]) == 0


def test_numbers_quoted_for_the_printed_forms(model):
    """README: literal F gives ~1.2e26 CAR T on day 180; literal loss gives L30 = 3.65e9."""
    literal_f = model.simulate({"B0_in_F": 1}, t_end=180, points=2).iloc[-1]
    assert f"{literal_f['CA'] + literal_f['CM']:.2g}" == "1.2e+26"
    literal_loss = model.run({"CA_loss_gammaMA": 1}, t_end=30).summary
    assert f"{literal_loss.L30:.3g}" == "3.65e+09" and not literal_loss.responder


def _shown(root, first: str) -> list[str]:
    """The lines of the README block that starts with ``first``."""
    return next(b for b in blocks(root) if b.startswith(first)).strip().splitlines()


def test_export_of_a_user_scenario_prints_what_is_shown(root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = next(b for b in blocks(root) if b.startswith('name = "dose-study"'))
    (tmp_path / "dose-study.toml").write_text(text)
    lines = _shown(root, "$ pycart export dose-study.toml")
    commands = [k for k, line in enumerate(lines) if line.startswith("$ ")] + [len(lines)]
    for start, end in zip(commands, commands[1:]):
        capsys.readouterr()
        assert main(shlex.split(lines[start])[2:]) == 0
        assert capsys.readouterr().out.strip().splitlines() == lines[start + 1:end]


def test_basico_example_prints_what_is_shown(root, monkeypatch, capsys):
    """The README's basico block (SBML ids as column names) run from the checkout."""
    import warnings

    pytest.importorskip("basico")
    monkeypatch.chdir(root)
    code = next(b for b in blocks(root) if b.startswith("import basico"))
    expected = next(b for b in blocks(root) if b.lstrip().startswith("L        CA")
                    or b.startswith("             L"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "README.md", "exec"), {})
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
