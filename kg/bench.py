"""``clusterkg bench``: a thin wrapper around the top-level ``benchmarks`` package."""

from __future__ import annotations

import sys

import click

from kg.paths import ROOT

if str(ROOT) not in sys.path:  # benchmarks/ lives beside kg/ in a checkout, not in the wheel
    sys.path.insert(0, str(ROOT))

from benchmarks.commands import generate_command, run_command


@click.group("bench")
def bench_command() -> None:
    """Benchmarks: generate synthetic graphs, run the suite (see benchmarks/README.md)."""


bench_command.add_command(run_command)
bench_command.add_command(generate_command)
