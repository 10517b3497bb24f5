"""The reproduction report's "Virtual trial" section: the base model and each module variant
on the trials' own endpoints, from a virtual trial that ``pycart reproduce`` runs itself (the
documented run of docs/trial.md, through :func:`pycart.analysis.virtualtrial.run_trial`), so
its numbers are docs/trial.md's and are computed in the run that writes them.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..analysis.population import VARIANTS
from ..analysis.virtualtrial import TrialSettings, run_trial
from ..scale.engines import Engine
from .trial import _fmt, _verdict, target_text

#: docs/trial.md's documented run: plausible patients, seed, variant, bootstrap draws.
PATIENTS, SEED, VARIANT, DRAWS = 1024, 0, "both", 20
#: The command that writes docs/trial.md from the same run (its first line names it).
COMMAND = (f"pycart trial --patients {PATIENTS} --seed {SEED} --variant {VARIANT} "
           f"--bootstrap {DRAWS}")

INTRO = f"""## Virtual trial

The comparisons with the trials that Figure 7's grid and the marrow's CAR T peak cannot make,
made like-for-like on the trials' own endpoints. `pycart reproduce` runs the trial of the
[virtual trial page](trial.md) itself, with that page's settings (`{COMMAND}`: {PATIENTS:,}
plausible patients drawn from cited priors, simulated for 400 days, read through the clinical
observation models, weighted by maximum entropy to the calibrated targets of ELIANA and Stein
et al. 2019; intervals over {DRAWS} bootstrap re-calibrations), so its numbers are that
page's. Columns: the paper's model (base), each module on its own, both; each variant is
calibrated on its own to the same targets. **met**: the value lies in the target's interval
(the Cmax ratio: the 90% interval of ratios resampled as 62 responders and 8 non-responders
contains 1.74); **not met**: it does not. A predicted row is computed after calibration and
never tuned to; without a published number it has no verdict. The intervals, why each target
is missed and the run's own checks (another seed, another seeding) are on the [virtual trial
page](trial.md).
"""


def run_documented_trial(folder: Path, engine: Engine, say: Callable[[str], None]
                         ) -> pd.DataFrame:
    """Run docs/trial.md's trial in a temporary folder under ``folder`` (removed after) on
    ``engine``; return its variants.csv (every variant on the same endpoints). Without the
    run's checks (another seed, another seeding): they do not change variants.csv, and
    docs/trial.md, which this section links to, shows them."""
    with tempfile.TemporaryDirectory(prefix=".trial-", dir=folder) as tmp:
        out = Path(tmp) / "trial"
        run_trial(None, out, TrialSettings(PATIENTS, SEED, VARIANT, DRAWS, checks=False),
                  engine,
                  stream=_Lines(say))
        return pd.read_csv(out / "variants.csv")


class _Lines:
    """A text stream that hands each whole line to ``say`` (run_trial writes its progress
    to a stream; the report's progress is a function of one line)."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say

    def write(self, text: str) -> None:
        for line in text.splitlines():
            if line.strip():
                self.say(f"virtual trial: {line}")

    def flush(self) -> None:
        """Nothing is held back."""


def trial_rows(variants: pd.DataFrame) -> list[dict[str, str]]:
    """The section's table: one row per endpoint, its role, target, source and each
    variant's value with its verdict, the variants in the order base, modules, both."""
    names = [v for v in VARIANTS if v in set(variants["variant"])]
    rows = []
    for endpoint, group in variants.groupby("endpoint", sort=False):
        by = group.set_index("variant")
        first = by.loc[names[0]]
        rows.append({"endpoint": str(endpoint), "role": str(first["role"]),
                     "target": target_text(first) or "none published: no verdict",
                     "source": short_source(str(first["source"])),
                     **{v: _cell(by.loc[v]) for v in names}})
    return rows


def _cell(row: pd.Series) -> str:
    """A variant's value and its verdict (none without a published number)."""
    verdict = _verdict(row["met"])
    value = _fmt(row["value"]) or "undefined"
    return value if verdict == "no target number" else f"{value} {verdict}"


def trial_summary(variants: pd.DataFrame) -> str:
    """How many calibrated targets each variant meets, and which no variant meets."""
    calibrated = variants[variants["role"] == "calibrated"]
    met = calibrated["met"].astype(str).eq("True")
    names = [v for v in VARIANTS if v in set(variants["variant"])]
    counts = ", ".join(f"{v} {int(met[calibrated['variant'] == v].sum())} of "
                       f"{int((calibrated['variant'] == v).sum())}" for v in names)
    by_endpoint = met.groupby(calibrated["endpoint"], sort=False)
    never = [e for e, m in by_endpoint if not m.any()]
    always = [e for e, m in by_endpoint if m.all()]
    return (f"Calibrated targets met: {counts}. Met by every variant: "
            f"{', '.join(always) or 'none'}. Not met by any variant: "
            f"{', '.join(never) or 'none'}.")


def short_source(source: str) -> str:
    """A source's short name: its first author and year ("Maude et al. 2018"), kept after
    "to compare with:" for a prediction; else its text up to the first comma or bracket."""
    head, _, rest = source.partition("to compare with:")
    text = rest if _ == "to compare with:" and not head.strip() else source
    prefix = "to compare with " if text is rest else ""
    author = re.search(r"([A-Z][\w'-]+) [A-Z]{1,3} et al\.", text)
    year = re.search(r"\b(19|20)\d\d\b", text)
    if author and year:
        return f"{prefix}{author[1]} et al. {year[0]}"
    short = re.split(r"[,(\[]", text.strip(), maxsplit=1)[0].strip()
    unconfirmed = " (unconfirmed)" if "unconfirmed" in text else ""
    return f"{prefix}{short}{unconfirmed}"
