"""The reproduction report: the committed copy is what `pycart reproduce` writes."""

from __future__ import annotations

import pytest

from pycart.cli import main
from pycart.report.reproduce import Claim, Report, write_report


def test_report_files_from_a_report(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    report = Report([Claim("Fig. 9", "a claim", "1", "2", "differs", "because")],
                    [{"equations": "reading", "L30": "1"}], [{"run": "r", "against": "x"}],
                    [("figures/x.png", "the figure")])
    write_report(report, tmp_path)
    md = (tmp_path / "reproduction.md").read_text(encoding="utf-8")
    assert "| Fig. 9 | a claim | 1 | 2 | **differs** | because |" in md
    assert "0 agrees" not in md and "1 differs of 1 claims" in md
    page = (tmp_path / "reproduction.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "a claim" in page


def test_reproduce_refuses_a_file_as_output(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    assert main(["reproduce", "--out", str(tmp_path / "f")]) == 2
    assert "is a file" in capsys.readouterr().err


def test_readme_links_the_report(root):
    assert "docs/reproduction.md" in (root / "README.md").read_text(encoding="utf-8")


@pytest.mark.heavy
def test_committed_report_is_what_pycart_reproduce_writes(root, tmp_path):
    from pycart.report.reproduce import reproduce

    report = reproduce(tmp_path, say=lambda text: None)
    ours = (tmp_path / "reproduction.md").read_text(encoding="utf-8")
    assert ours == (root / "docs" / "reproduction.md").read_text(encoding="utf-8")
    assert len(report.claims) >= 25
    assert {c.verdict for c in report.claims} <= {"agrees", "partly", "differs",
                                                  "by construction"}
    for path, _ in report.figures:
        assert (tmp_path / path).stat().st_size > 20_000
    assert all(c.why for c in report.claims if c.verdict in ("differs", "partly"))


def test_a_claim_whose_metric_is_undefined_is_refused_by_name():
    """A metric the paper's scenario always defines (here the fold expansion, undefined
    without CAR T at day 0) stops the report with a line naming it, not a TypeError."""
    from types import SimpleNamespace

    from pycart.core.errors import PycartError
    from pycart.core.metrics import Summary
    from pycart.report.reproduce import _fig2_claims

    summary = Summary(L30=1.0, responder=False, C_peak=1e7, t_peak=10.0)
    results = {"fig2": SimpleNamespace(runs={"no-B-cells": SimpleNamespace(summary=summary)})}
    with pytest.raises(PycartError, match="Figure 2's fold expansion is undefined"):
        _fig2_claims(results)
