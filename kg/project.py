"""``clusterkg init DIR``: a researcher's own corpus, ready for ``clusterkg build --corpus DIR``.

The skeleton (``kg/skeleton/``, package data) holds a commented ``sources.yaml``, an example
article, ``curation/relations/`` with a curated fact quoting it, and a README. It is written
into a temporary folder beside DIR and renamed into place, so DIR is either complete or absent.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import click

from kg.errors import InputError

SKELETON = files("kg") / "skeleton"


def _copy(source: Traversable, target: Path) -> list[Path]:
    """Copy a package-data folder into ``target``; the files written."""
    written: list[Path] = []
    target.mkdir(parents=True, exist_ok=True)
    for item in sorted(source.iterdir(), key=lambda t: t.name):
        if item.name.startswith((".", "__")):
            continue
        if item.is_dir():
            written += _copy(item, target / item.name)
        else:
            (target / item.name).write_bytes(item.read_bytes())
            written.append(target / item.name)
    return written


def init_project(directory: Path) -> list[Path]:
    """Write the corpus skeleton into ``directory`` (absent or empty); the files, relative."""
    from kg.atomic import atomic_directory

    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError(
            "already exists and is not an empty folder",
            where=str(directory),
            hint="choose a new folder name",
        )
    with atomic_directory(directory, marker=None) as tmp:  # a corpus, not a build
        written = _copy(SKELETON, tmp)
        return [path.relative_to(tmp) for path in written]


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
def init_command(directory: Path) -> None:
    """Start a corpus of your own in DIRECTORY: sources.yaml, an example, curation/."""
    written = init_project(directory)
    for rel in written:
        click.echo(f"  {directory / rel}")
    click.echo(
        f"next: add your articles to {directory}/sources.yaml, then "
        f"clusterkg build --corpus {directory}"
    )
