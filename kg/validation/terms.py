"""The N3 text of terms used in validation result rows (conversions live in ``kg.terms``)."""

from __future__ import annotations

from rdflib import BNode, URIRef
from rdflib.term import Node


def node_text(term: Node) -> str:
    """A stable text for a focus node or value: the IRI itself, else N3 (``"97"^^<...>``)."""
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return term.n3()


def value_text(term: Node) -> str:
    """N3 of a value (IRIs in angle brackets), via rdflib so both engines print alike."""
    return term.n3()
