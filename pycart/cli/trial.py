"""``pycart trial``: a virtual trial calibrated to ELIANA and Stein et al. 2019."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_INTERRUPTED, terminate_as_interrupt
from .sweeps import engine_for, engine_options


def register(sub) -> None:
    """Add ``pycart trial`` to the subparsers ``sub``."""
    from ..analysis.population import VARIANTS
    from ..analysis.virtualtrial import MAX_PATIENTS, MIN_BOOTSTRAP

    trial = sub.add_parser(
        "trial", help="a virtual trial: a population calibrated to ELIANA's endpoints",
        description="Draw plausible patients from the priors (product, burden, B cells, dose "
                    "per kg and weight, the modules' parameters), simulate them for 400 days "
                    "under the paper's model and each module variant on the fast path, weight "
                    "them (maximum entropy) to the calibrated targets, re-calibrate on "
                    "bootstrap resamples, and write DIR/population.parquet, endpoints.csv "
                    "(endpoint,value,lower,upper,target,target_lower,target_upper,source,"
                    "role,met), feasibility.csv (each calibrated target reached alone and "
                    "jointly, and the priors that limit it), checks.csv (another seed and "
                    "another CD19-negative seeding, run and compared), variants.csv and the "
                    "figures rfs.png and kinetics.png. "
                    "Interrupted, the same command resumes from the simulated chunks.")
    trial.add_argument("targets", nargs="?", metavar="TARGETS.toml",
                       help="the targets (default: the shipped ELIANA and Stein 2019 targets)")
    trial.add_argument("--patients", required=True, metavar="N",
                       help=f"plausible patients (1 to {MAX_PATIENTS:,})")
    trial.add_argument("--out", required=True, metavar="DIR", help="the output folder")
    trial.add_argument("--seed", default="0", metavar="S", help="random seed (default 0)")
    trial.add_argument("--variant", choices=tuple(VARIANTS), default="both",
                       help="the model variant of endpoints.csv (default both modules)")
    trial.add_argument("--compare", default="all", metavar="VARIANTS",
                       help="the variants simulated and calibrated beside --variant for the "
                            "side-by-side table: all (default), none (--variant alone: "
                            "issue 22's accepted population), or names separated by commas")
    trial.add_argument("--checks", action=argparse.BooleanOptionalAction, default=True,
                       help="check the run against another seed and another CD19-negative "
                            "seeding (checks.csv; default on; --no-checks leaves checks.csv "
                            "a header)")
    trial.add_argument("--bootstrap", default=str(MIN_BOOTSTRAP), metavar="B",
                       help=f"bootstrap re-calibrations (default and least {MIN_BOOTSTRAP})")
    trial.add_argument("--priors", metavar="PRIORS.toml",
                       help="the priors (default: the shipped ones)")
    engine_options(trial, points=False)
    trial.set_defaults(func=_trial)


def _trial(args: argparse.Namespace) -> int:
    from ..analysis.population import VARIANTS, load_priors
    from ..analysis.targets import load_targets
    from ..analysis.virtualtrial import (
        MAX_PATIENTS,
        MIN_BOOTSTRAP,
        TrialSettings,
        check_folder,
        parse_compare,
        run_trial,
    )
    from ..core.inputs import check_count

    settings = TrialSettings(check_count(args.patients, "--patients", 1, MAX_PATIENTS),
                             check_count(args.seed, "--seed", 0, 2**32 - 1), args.variant,
                             check_count(args.bootstrap, "--bootstrap", MIN_BOOTSTRAP, 10_000),
                             parse_compare(args.compare), args.checks)
    load_targets(args.targets)
    load_priors(args.priors)
    check_folder(args.out)
    try:
        with terminate_as_interrupt(), engine_for(args) as engine:
            table = run_trial(args.targets, args.out, settings, engine, args.priors)
    except KeyboardInterrupt:
        sys.stderr.write(f"\npycart trial: interrupted; the simulated chunks are kept in "
                         f"{args.out}; run the same command to resume\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
    from ..report.trial import write_trial_report

    command = (f"pycart trial{' ' + args.targets if args.targets else ''} --patients "
               f"{settings.patients} --seed {settings.seed} --variant {settings.variant} "
               f"--bootstrap {settings.draws}"
               + ("" if settings.compare == tuple(VARIANTS) else
                  f" --compare {','.join(settings.compare) or 'none'}")
               + ("" if settings.checks else " --no-checks"))
    write_trial_report(check_folder(args.out), command)
    met = table["met"].eq(True).sum()
    print(f"{met} of {len(table)} endpoints met; see {args.out}/endpoints.csv and trial.md")
    return 0
