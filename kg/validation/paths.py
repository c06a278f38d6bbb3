"""SHACL property paths: parsed from a shapes graph, written as SPARQL text or as SHACL RDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import InputError


@dataclass(frozen=True)
class Path:
    """A SHACL property path: ``kind`` is predicate, inverse, sequence, alternative, zeroOrMore,
    oneOrMore or zeroOrOne; ``iri`` for a predicate path, ``items`` for the others."""

    kind: str
    iri: str = ""
    items: tuple[Path, ...] = ()

    @property
    def is_predicate(self) -> bool:
        """A plain IRI path."""
        return self.kind == "predicate"

    def predicates(self) -> set[str]:
        """Every IRI the path mentions."""
        if self.is_predicate:
            return {self.iri}
        return set().union(*(p.predicates() for p in self.items))

    def forward_predicates(self) -> set[str]:
        """IRIs that can be the last forward step (whose object is a value node)."""
        if self.is_predicate:
            return {self.iri}
        if self.kind == "inverse":
            return set()
        if self.kind == "sequence":
            return self.items[-1].forward_predicates()
        return set().union(*(p.forward_predicates() for p in self.items))


_UNARY = {
    SH.inversePath: "inverse",
    SH.zeroOrMorePath: "zeroOrMore",
    SH.oneOrMorePath: "oneOrMore",
    SH.zeroOrOnePath: "zeroOrOne",
}
_UNARY_PRED = {v: k for k, v in _UNARY.items()}
_POSTFIX = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}


def parse_path(g: Graph, node: Node, where: str, _depth: int = 0) -> Path:
    """The path of ``sh:path`` value ``node`` (InputError naming ``where`` when malformed)."""
    if _depth > 50:
        raise InputError(f"{where}: sh:path nests too deeply (a cycle?)")
    if isinstance(node, URIRef):
        return Path("predicate", iri=str(node))
    if not isinstance(node, BNode):
        raise InputError(f"{where}: sh:path {node.n3()} is not an IRI or a blank node path")
    if (node, RDF.first, None) in g:
        items = _list(g, node, where)
        if len(items) < 2:
            raise InputError(f"{where}: a sequence path needs at least two members")
        return Path("sequence", items=tuple(parse_path(g, i, where, _depth + 1) for i in items))
    found = []
    for pred, kind in _UNARY.items():
        for value in g.objects(node, pred):
            found.append(Path(kind, items=(parse_path(g, value, where, _depth + 1),)))
    for value in g.objects(node, SH.alternativePath):
        members = _list(g, value, where)
        if len(members) < 2:
            raise InputError(f"{where}: sh:alternativePath needs a list of at least two paths")
        found.append(Path("alternative",
                          items=tuple(parse_path(g, m, where, _depth + 1) for m in members)))
    if len(found) != 1:
        raise InputError(f"{where}: sh:path blank node is not a well-formed SHACL path")
    return found[0]


def _list(g: Graph, node: Node, where: str) -> list[Node]:
    items: list[Node] = []
    seen: set[Node] = set()
    while node != RDF.nil:
        if node in seen or not isinstance(node, BNode):
            raise InputError(f"{where}: malformed RDF list in sh:path")
        seen.add(node)
        first = list(g.objects(node, RDF.first))
        rest = list(g.objects(node, RDF.rest))
        if len(first) != 1 or len(rest) != 1:
            raise InputError(f"{where}: malformed RDF list in sh:path")
        items.append(first[0])
        node = rest[0]
    return items


def path_text(path: Path, iri: Callable[[str], str] | None = None) -> str:
    """The path as SPARQL 1.1 property-path text; ``iri`` writes an IRI (default ``<...>``)."""
    name = iri or (lambda value: f"<{value}>")
    if path.is_predicate:
        return name(path.iri)
    if path.kind == "inverse":
        return "^" + _group(path.items[0], name)
    if path.kind in _POSTFIX:
        return _group(path.items[0], name) + _POSTFIX[path.kind]
    sep = " / " if path.kind == "sequence" else " | "
    return "(" + sep.join(path_text(p, name) for p in path.items) + ")"


def _group(path: Path, name: Callable[[str], str]) -> str:
    text = path_text(path, name)
    return text if path.is_predicate or text.startswith("(") else f"({text})"


def path_to_rdf(path: Path, g: Graph) -> Node:
    """Write the path into ``g`` as SHACL RDF (for ``sh:resultPath``); return its node."""
    if path.is_predicate:
        return URIRef(path.iri)
    if path.kind == "sequence":
        head = BNode()
        Collection(g, head, [path_to_rdf(p, g) for p in path.items])
        return head
    node = BNode()
    if path.kind == "alternative":
        head = BNode()
        Collection(g, head, [path_to_rdf(p, g) for p in path.items])
        g.add((node, SH.alternativePath, head))
    else:
        g.add((node, _UNARY_PRED[path.kind], path_to_rdf(path.items[0], g)))
    return node
