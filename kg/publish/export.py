"""``clusterkg export``: the graph re-expressed in schema.org or W3C ORG terms.

The mapping lives in SPARQL CONSTRUCT queries (``queries/construct/export-{profile}.rq``),
run on the embedded pyoxigraph store loaded from ``build/clusterkg.nq`` with the default graph
= union of the named graphs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kg.options import build_dir_option
from kg.paths import QUERIES_DIR

PROFILES = ("schema", "org")
FORMATS: dict[str, str] = {"ttl": "TURTLE", "jsonld": "JSON_LD", "nt": "N_TRIPLES"}
CONSTRUCT_DIR = QUERIES_DIR / "construct"


def construct_query(profile: str, queries_dir: Path = CONSTRUCT_DIR) -> str:
    """The text of the CONSTRUCT query of a profile."""
    from kg.errors import InputError

    path = queries_dir / f"export-{profile}.rq"
    if not path.is_file():
        raise InputError(f"no export query for profile {profile!r}", where=str(path))
    return path.read_text(encoding="utf-8")


def export_triples(store: Any, profile: str, queries_dir: Path = CONSTRUCT_DIR) -> list[Any]:
    """Run the profile's CONSTRUCT on ``store`` (union default graph); sorted triples."""
    result = store.query(construct_query(profile, queries_dir), use_default_graph_as_union=True)
    return sorted(set(result), key=str)


def serialize(triples: list[Any], fmt: str) -> bytes:
    """Serialise triples with pyoxigraph (Turtle and JSON-LD with the project's prefixes)."""
    import pyoxigraph as ox

    from kg.namespace import PREFIXES

    prefixes = None
    if fmt == "ttl":
        text = " ".join(str(t) for t in triples)
        prefixes = {p: ns for p, ns in PREFIXES.items() if f"<{ns}" in text}
    data = ox.serialize(triples, format=getattr(ox.RdfFormat, FORMATS[fmt]), prefixes=prefixes)
    return data or b""


def open_build_store(build_dir: Path) -> Any:
    """The embedded store of a build (``kg.store.open_store``)."""
    from kg.store import open_store

    return open_store(build_dir)


@click.command("export")
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    required=True,
    help="Target vocabulary: schema.org or W3C ORG.",
)
@build_dir_option
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="ttl", show_default=True)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write here (atomically) instead of standard output.",
)
def export_command(profile: str, build_dir: Path, fmt: str, output: Path | None) -> None:
    """Write the graph re-expressed in schema.org or W3C ORG terms."""
    from kg.atomic import write_bytes_atomic

    store = open_build_store(build_dir)
    triples = export_triples(store, profile)
    data = serialize(triples, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_bytes_atomic(output, data)
    click.echo(f"{profile}: {len(triples)} triples", err=True)
