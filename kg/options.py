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


MAX_ARTICLE_ENV = "CLUSTERKG_MAX_ARTICLE_SIZE"
_SIZE_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "kib": 2**10, "m": 10**6, "mb": 10**6,
               "mib": 2**20, "g": 10**9, "gb": 10**9, "gib": 2**30}


def parse_size(text: str) -> int:
    """``"2MB"``, ``"500 kB"``, ``"1.5MiB"``, ``"300000"`` -> bytes; ValueError otherwise."""
    import re

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _SIZE_UNITS:
        raise ValueError(f"not a size: {text!r} (e.g. 2MB, 500kB, 3000000)")
    return int(float(match.group(1)) * _SIZE_UNITS[unit])


def _set_max_article_size(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    import os

    try:
        os.environ[MAX_ARTICLE_ENV] = str(parse_size(value))  # read by kg.corpus.catalogue
    except ValueError as err:
        raise click.BadParameter(str(err), ctx=ctx, param=param) from None


max_article_size_option = click.option(
    "--max-article-size",
    metavar="SIZE",
    envvar=MAX_ARTICLE_ENV,
    expose_value=False,
    callback=_set_max_article_size,
    help="Refuse article files larger than SIZE (default 2MB; also "
    f"${MAX_ARTICLE_ENV}).",
)
