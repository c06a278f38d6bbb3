"""Click options shared by several commands (one definition, the same help everywhere)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from kg.paths import BUILD_DIR

F = TypeVar("F", bound=Callable[..., object])

build_dir_option = click.option(
    "--build",
    "build_dir",
    type=click.Path(path_type=Path),
    default=BUILD_DIR,
    show_default=True,
    help="Build directory holding clusterkg.nq (written by clusterkg build).",
)


def http_auth_options(func: F) -> F:
    """``--user``, ``--password`` and ``--auth basic|digest`` for a remote SPARQL server."""
    func = click.option(
        "--auth",
        type=click.Choice(["basic", "digest"]),
        default="basic",
        show_default=True,
        help="HTTP authentication scheme.",
    )(func)
    func = click.option("--password", help="Password for HTTP authentication.")(func)
    return click.option("--user", help="User name for HTTP authentication.")(func)
