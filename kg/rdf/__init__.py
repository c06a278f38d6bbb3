"""Stage 3: records with evidence -> RDF named graphs (``build_dataset``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.rdf.dataset import build_dataset

__all__ = ["build_dataset"]


def __getattr__(name: str) -> object:
    if name == "build_dataset":
        from kg.rdf.dataset import build_dataset

        return build_dataset
    raise AttributeError(name)
