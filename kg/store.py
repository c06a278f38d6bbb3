"""The embedded triple store: the built graph (``build/clusterkg.nq``) loaded into pyoxigraph.

Queries against it run with ``use_default_graph_as_union=True`` (see :mod:`kg.query`), so the
default graph is the union of the named graphs, as docs/model.md section 2 specifies.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.paths import BUILD_DIR

if TYPE_CHECKING:
    import pyoxigraph

NQUADS_NAME = "clusterkg.nq"


def open_store(build_dir: Path = BUILD_DIR, *, nquads: Path | None = None) -> pyoxigraph.Store:
    """Load the canonical N-Quads of a build into a fresh in-memory pyoxigraph store.

    ``nquads`` overrides the file (tests use a hand-made fixture). Loading uses
    ``Store.load`` (one transaction, in Rust; on the in-memory store as fast as ``bulk_load``
    with about two thirds of its peak memory).
    Raises :class:`InputError` when the file is missing or is not valid N-Quads.
    """
    import pyoxigraph

    path = Path(nquads) if nquads is not None else Path(build_dir) / NQUADS_NAME
    if not path.is_file():
        raise InputError(f"no built graph at {path}", hint="run clusterkg build first")
    store = pyoxigraph.Store()
    try:
        store.load(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS)
    except SyntaxError as err:
        raise InputError(f"malformed N-Quads: {err}", where=str(path)) from err
    return store
