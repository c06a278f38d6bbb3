"""Conversions between rdflib and pyoxigraph terms (lexical forms kept as they are)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_ox(term: Node) -> Any:
    """rdflib term -> pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib(term: Any) -> Node:
    """pyoxigraph term -> rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt), normalize=False)
    raise TypeError(f"not an RDF term: {term!r}")


def memoised_to_rdflib() -> Callable[[Any], Node]:
    """A :func:`to_rdflib` that converts each distinct pyoxigraph term once (for hot loops)."""
    return cache(to_rdflib)


def memoised_to_ox() -> Callable[[Node], Any]:
    """A :func:`to_ox` that converts each distinct rdflib term once (for hot loops)."""
    return cache(to_ox)
