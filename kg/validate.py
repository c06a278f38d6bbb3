"""``clusterkg validate``: options and output; the work is in :mod:`kg.validation`.

``validate_dataset`` and ``validate_store`` are the build's entry points (see
:mod:`kg.validation.api`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg.errors import CheckFailed, InputError
from kg.paths import BUILD_DIR

if TYPE_CHECKING:
    from kg.validation.data import LoadedData as LoadedData
    from kg.validation.model import ValidationResult as ValidationResult

PROFILE_NAMES = ("eccp",)


def validate_dataset(ds: Any, shapes: list[Path] | None = None, **options: Any
                     ) -> ValidationResult:
    """Validate an rdflib Dataset; see :func:`kg.validation.api.validate_dataset`."""
    from kg.validation.api import validate_dataset as run

    return run(ds, shapes, **options)


def validate_store(store: Any, shapes: list[Path] | None = None, **options: Any
                   ) -> ValidationResult:
    """Validate a pyoxigraph store; see :func:`kg.validation.api.validate_store`."""
    from kg.validation.api import validate_store as run

    return run(store, shapes, **options)


def store_from_files(files: list[Path]) -> LoadedData:
    """RDF files in one store, literals as written; see :func:`kg.validation.data.load_files`."""
    from kg.validation.data import load_files

    return load_files(files)


def store_from_dataset(ds: Any) -> LoadedData:
    """An rdflib Dataset in a store; see :func:`kg.validation.data.load_dataset`."""
    from kg.validation.data import load_dataset

    return load_dataset(ds)


def store_from_endpoint(url: str, timeout: float = 30.0) -> LoadedData:
    """Every graph of a SPARQL endpoint; see :func:`kg.validation.data.load_endpoint`."""
    from kg.validation.data import load_endpoint

    return load_endpoint(url, timeout=timeout)


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--endpoint", metavar="URL", help="Validate the graphs of a SPARQL endpoint instead.")
@click.option("--shapes", "shapes_files", multiple=True, type=click.Path(path_type=Path),
              help="Shapes file(s) to use instead of shapes/*.shacl.ttl (repeatable).")
@click.option("--profile", "profiles", multiple=True, type=click.Choice(PROFILE_NAMES),
              help="Add a profile, e.g. eccp (ECCP cluster labelling criteria, warnings only).")
@click.option("--format", "fmt", type=click.Choice(["table", "turtle", "json"]), default="table",
              show_default=True)
@click.option("--output", type=click.Path(path_type=Path), help="Write the report to FILE.")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: shapes compiled to SPARQL on pyoxigraph; pyshacl: the reference.")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]),
              default="violation", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--workers", type=click.IntRange(1, 64),
              help="Worker processes for large graphs (default: the CPUs).")
@click.option("--timeout", type=float, default=30.0, show_default=True,
              help="Seconds to wait for the SPARQL endpoint.")
def validate_command(
    files: tuple[Path, ...],
    endpoint: str | None,
    shapes_files: tuple[Path, ...],
    profiles: tuple[str, ...],
    fmt: str,
    output: Path | None,
    engine: str,
    fail_on: str,
    workers: int | None,
    timeout: float,
) -> None:
    """Validate RDF files (default build/clusterkg.nq) or an endpoint with the SHACL shapes.

    The report follows SHACL: it conforms only when there is no result of any severity. Exit
    codes: 0 no result at --fail-on severity or above (warnings and infos are shown), 1 such
    results (default: violations), 2 unusable input (a malformed data or shapes file, a
    malformed or unsupported shape - e.g. SERVICE in a SPARQL constraint -, an unreachable
    endpoint).
    """
    from kg.api import KnowledgeGraph, connect, validate_graph
    from kg.validation.report import render

    if endpoint and files:
        raise InputError("give FILES or --endpoint, not both")
    data: list[Path] | KnowledgeGraph
    if endpoint:
        data = connect(endpoint, timeout=timeout)
    else:
        data = list(files) or [BUILD_DIR / "clusterkg.nq"]
    result = validate_graph(data, shapes=shapes_files, profiles=profiles, engine=engine,
                            timeout=timeout, workers=workers)
    text = render(result, fmt)
    if output:
        from kg.atomic import write_text_atomic

        write_text_atomic(output, text)
        click.echo(f"report written to {output}", err=True)
    else:
        click.echo(text, nl=False)
    if result.failed(fail_on):
        counts = result.counts()
        n = sum(v for k, v in counts.items()
                if k in {"violation": ["Violation"], "warning": ["Violation", "Warning"],
                         "info": ["Violation", "Warning", "Info"]}[fail_on])
        if fail_on == "violation":
            raise CheckFailed(f"{n} SHACL violation{'s' if n != 1 else ''}")
        raise CheckFailed(f"{n} SHACL result{'s' if n != 1 else ''} at {fail_on} severity or "
                          "above")
