"""The reproduction report's "Virtual trial" section (issue 22's report): its table and summary
from a small fixture of variants.csv, the run behind it (a tiny trial in a temporary folder,
removed), and the committed report's numbers against docs/trial.md's."""

from __future__ import annotations

import math
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from pycart.report import trialsection
from pycart.report.reproduce import Claim, Report, write_report
from pycart.report.trialsection import COMMAND, short_source, trial_rows, trial_summary

_SOURCE = "Maude SL et al. Tisagenlecleucel. N Engl J Med 2018;378:439-448"


def _variants() -> pd.DataFrame:
    """variants.csv of two variants (both first, as a run writes it) on three endpoints."""
    rows = []
    for variant, (remission, met, hr) in {"both": (0.8, True, 3.4),
                                          "base": (0.95, False, 1.5)}.items():
        rows += [("remission within 3 months", remission, 0.81, 0.71, 0.89, _SOURCE,
                  "calibrated", met, variant),
                 ("Cmax ratio, responders to non-responders", 1.7, 1.74, 1.74, 1.74,
                  "Mueller KT et al. Clin Cancer Res 2018;24:6175", "calibrated", True, variant),
                 ("hazard ratio of relapse", hr, math.nan, math.nan, math.nan,
                  "to compare with: Pulsipher MA et al. Blood Cancer Discov 2022;3:66",
                  "predicted", None, variant)]
    return pd.DataFrame(rows, columns=["endpoint", "value", "target", "target_lower",
                                       "target_upper", "source", "role", "met", "variant"])


def test_rows_put_the_variants_side_by_side_with_target_source_role_and_verdict():
    rows = trial_rows(_variants())
    assert [list(r) for r in rows] == [["endpoint", "role", "target", "source", "base",
                                        "both"]] * 3  # base first, as in VARIANTS
    remission, ratio, hr = rows
    assert remission == {"endpoint": "remission within 3 months", "role": "calibrated",
                         "target": "0.81 (0.71-0.89)", "source": "Maude et al. 2018",
                         "base": "0.95 **not met**", "both": "0.8 **met**"}
    assert ratio["target"] == "1.74" and ratio["both"] == "1.7 **met**"
    assert hr["target"] == "none published: no verdict" and hr["base"] == "1.5"
    assert hr["source"] == "to compare with Pulsipher et al. 2022"
    assert trial_summary(_variants()) == (
        "Calibrated targets met: base 1 of 2, both 2 of 2. Met by every variant: Cmax ratio, "
        "responders to non-responders. Not met by any variant: none.")


def test_short_source():
    assert short_source(_SOURCE) == "Maude et al. 2018"
    assert short_source("to compare with: ELIANA, 14 of 19 relapses (74%) [unconfirmed: a "
                        "secondary source]") == "to compare with ELIANA (unconfirmed)"


def test_report_writes_the_section(tmp_path: Path):
    report = Report([Claim("w", "c", "1", "1", "agrees")], [{"equations": "r"}], [{"run": "r"}],
                    [], trial=trial_rows(_variants()), trial_summary="the summary")
    write_report(report, tmp_path)
    md = (tmp_path / "reproduction.md").read_text(encoding="utf-8")
    section = md.split("## Virtual trial")[1]
    assert f"`{COMMAND}`" in section and "](trial.md)" in section
    assert "the summary" in section
    assert ("| remission within 3 months | calibrated | 0.81 (0.71-0.89) | Maude et al. 2018 "
            "| 0.95 **not met** | 0.8 **met** |") in section
    assert "Virtual trial" in (tmp_path / "reproduction.html").read_text(encoding="utf-8")


def test_the_run_behind_the_section_is_the_documented_one_and_leaves_nothing(
        tmp_path: Path, monkeypatch):
    """The section runs docs/trial.md's trial (its settings, every variant compared) in a
    folder under the report's, removed after; its progress reaches the report's function
    line by line. (run_trial stands in: tests/analysis/test_trial.py runs it.)"""
    from pycart.analysis.virtualtrial import TrialSettings
    from pycart.scale.engines import SerialEngine

    seen = {}

    def run_trial(targets, out, settings, engine, stream):
        seen.update(targets=targets, out=out, settings=settings)
        out.mkdir()
        _variants().to_csv(out / "variants.csv", index=False)
        stream.write("simulating both: 1/2 patients\n")
        stream.write("wrote it\n")

    monkeypatch.setattr(trialsection, "run_trial", run_trial)
    said: list[str] = []
    variants = trialsection.run_documented_trial(tmp_path, SerialEngine(), said.append)
    assert seen["targets"] is None and seen["settings"] == TrialSettings(1024, 0, "both", 20,
                                                                       checks=False)
    assert seen["settings"].compare == ("base", "exhaustion", "escape", "both")
    assert seen["out"].parent.parent == tmp_path and list(tmp_path.iterdir()) == []
    assert said == ["virtual trial: simulating both: 1/2 patients", "virtual trial: wrote it"]
    assert variants[["endpoint", "value", "variant"]].equals(
        _variants()[["endpoint", "value", "variant"]])


def _numbers(table: list[str]) -> dict[tuple[str, str], str]:
    """(endpoint, variant) -> the number printed, from a markdown table with the variants'
    columns."""
    head = [c.strip() for c in table[0].strip("|").split("|")]
    out = {}
    for line in table[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        for name, cell in zip(head, cells, strict=True):
            if name in ("base", "exhaustion", "escape", "both"):
                out[cells[0], name] = cell.split()[0] if cell else ""
    return out


def _table_after(text: str, heading: str) -> list[str]:
    lines = text.split(heading, 1)[1].splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("| endpoint |"))
    end = next((k for k in range(start, len(lines)) if not lines[k].startswith("|")),
               len(lines))
    return lines[start:end]


def test_committed_section_has_docs_trial_mds_numbers(root: Path):
    """docs/reproduction.md's section and docs/trial.md come from the same run settings,
    and print the same number for every endpoint and variant."""
    repro = (root / "docs" / "reproduction.md").read_text(encoding="utf-8")
    trial = (root / "docs" / "trial.md").read_text(encoding="utf-8")
    assert re.search(r"Generated by `([^`]*)`", trial)[1] == COMMAND
    assert f"`{COMMAND}`" in repro.split("## Virtual trial")[1]
    ours = _numbers(_table_after(repro, "## Virtual trial"))
    theirs = _numbers(_table_after(trial, "## The base model and each module"))
    assert ours == theirs and len(ours) == 4 * 16


def test_effect_names_the_modules_that_move_a_grid_measure():
    """Beyond the paper's cohort rows: what the modules do, beyond 5% of the base value."""
    from pycart.report.beyond import _effect

    out = {v: SimpleNamespace(share=x) for v, x in
           {"base": 0.04, "exhaustion": 0.17, "escape": 0.0419, "both": 0.0}.items()}
    assert _effect("share", out) == "raised by exhaustion; lowered by both"  # escape: < 5%
    same = {v: SimpleNamespace(share=None if v == "both" else 0.5) for v in out}
    assert _effect("share", same) == "the same with every module"
    none = {v: SimpleNamespace(share=0.3 if v == "escape" else 0.0) for v in out}
    assert _effect("share", none) == "raised by escape"  # from 0: any change
