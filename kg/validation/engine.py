"""The fast engine (placeholder: delegates to the reference until the compiler lands)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from kg.validate import ResultRow


def run_fast(store: ox.Store, default_graph: list[Any] | None, shapes: Graph) -> list[ResultRow]:
    """Validate one data graph of the store with the shapes."""
    from kg.validation.reference import run_pyshacl

    return run_pyshacl(store, default_graph, shapes)
