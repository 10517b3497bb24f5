"""``pycart explore``: the interactive explorer, a local web page."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    """Add this module's commands to the subparsers ``sub``."""
    explore = sub.add_parser(
        "explore", help="the model in a local web page: presets, inputs, plots, cohorts",
        description="Start the interactive explorer and print its address: the paper's "
                    "patients as presets, every input with its unit, the plot and metrics "
                    "updated as inputs change, downloads (CSV, scenario TOML, COMBINE archive, "
                    "figure), a virtual cohort on the fast path. Needs the explore extra: "
                    "pip install 'pycart[explore]'.")
    explore.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default 127.0.0.1: this machine only; "
                              "any other address requires the token printed in the address)")
    explore.add_argument("--port", default="0", metavar="N",
                         help="port (default 0: a free one)")
    explore.add_argument("--no-browser", action="store_true",
                         help="do not open a web browser")
    explore.set_defaults(func=_explore)


def _explore(args: argparse.Namespace) -> int:
    from ..explore.launch import check_installed, check_port, serve

    port = check_port(args.port)
    check_installed()
    return serve(args.host, port, not args.no_browser)
