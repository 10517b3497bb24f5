"""Publication figures: formats and resolution on every command that draws, and what the
figures show (doses, legends, titles, Greek symbols)."""

from __future__ import annotations

import pytest

from pycart.cli import main

SMALL = """\
name = "small"
t_end = 40

[[runs]]
label = "one"
parameters = { reinf_day = 20, reinf_dose = 5e8 }
"""


@pytest.fixture
def small(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "small.toml").write_text(SMALL)
    return tmp_path


@pytest.mark.parametrize("kind, magic", [("png", b"\x89PNG"), ("svg", b"<?xml"),
                                         ("pdf", b"%PDF")])
def test_run_writes_the_figure_in_the_format_asked(small, kind, magic):
    assert main(["run", "small.toml", "--out", "out", "--format", kind, "--dpi", "72"]) == 0
    figure = small / "out" / f"small.{kind}"
    assert figure.read_bytes().startswith(magic)
    assert not list((small / "out").glob(".*part"))


def test_dpi_sets_the_png_size(small):
    from PIL import Image

    sizes = []
    for dpi in ("50", "100"):
        assert main(["run", "small.toml", "--out", dpi, "--dpi", dpi]) == 0
        with Image.open(small / dpi / "small.png") as image:
            sizes.append(image.size)
    assert sizes[1][0] == pytest.approx(2 * sizes[0][0], abs=2)


@pytest.mark.parametrize("args, message", [
    (["--dpi", "abc"], "--dpi 'abc' is not a whole number"),
    (["--dpi", "0"], "--dpi 0 is out of range"),
    (["--dpi", "100000"], "out of range"),
    (["--format", "gif"], "invalid choice: 'gif'"),
])
def test_bad_figure_options_are_one_line_before_any_work(small, capsys, args, message):
    with pytest.raises(SystemExit) if "--format" in args else _nothing():
        code = main(["run", "small.toml", "--out", "out", *args])
        assert code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (small / "out").exists()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("command", [["run"], ["cohort"]])
def test_drawing_commands_document_the_figure_options(command, capsys):
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert "--format {png,svg,pdf}" in out and "--dpi N" in out
