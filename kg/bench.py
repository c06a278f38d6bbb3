"""``clusterkg bench``: a thin wrapper around the top-level ``benchmarks`` package.

``benchmarks/`` lives beside ``kg/`` in a checkout and is not in the wheel: installed from a
wheel, ``clusterkg bench`` says so in one line and exits with code 2.
"""

from __future__ import annotations

import sys

import click

from kg.errors import InputError
from kg.paths import CHECKOUT


def _unavailable() -> click.Command:
    @click.command(
        "bench",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
    )
    def bench_command() -> None:
        """Benchmarks (only in a checkout of the clusterkg repository)."""
        raise InputError(
            "clusterkg bench runs from a checkout: benchmarks/ is not part of the installed "
            "package",
            hint="git clone the clusterkg repository, pip install -e . there",
        )

    return bench_command


def _from_checkout() -> click.Command:
    if str(CHECKOUT) not in sys.path:
        sys.path.insert(0, str(CHECKOUT))
    from benchmarks.commands import generate_command, run_command

    @click.group("bench")
    def bench_command() -> None:
        """Benchmarks: generate synthetic graphs, run the suite (see benchmarks/README.md)."""

    bench_command.add_command(run_command)
    bench_command.add_command(generate_command)
    return bench_command


bench_command = (
    _from_checkout()
    if CHECKOUT is not None and (CHECKOUT / "benchmarks").is_dir()
    else _unavailable()
)
