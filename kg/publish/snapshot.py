"""The on-disk, read-only copy of a build that the server's worker processes open.

``prepare(nquads, directory)`` loads ``clusterkg.nq`` once into a RocksDB store under
``directory/data`` and writes there, besides the named graphs, the *default graph as the RDF
merge of the named graphs* (each distinct triple once), so that a query without ``FROM`` sees
a set, ``FROM`` / ``FROM NAMED`` and the protocol's graph parameters work as SPARQL 1.1 says,
and no query needs ``use_default_graph_as_union`` (which yields a triple once per graph).

Oxigraph stores typed literals by value: ``"5"^^xsd:nonNegativeInteger`` comes back as
``"5"^^xsd:integer``, ``"1.50"^^xsd:decimal`` as ``"1.5"`` (derived integer types, and the
lexical forms of integer, decimal, double, float, boolean and the date/time types;
oxigraph issue #526). Every triple whose literal was changed is recorded in a second store
(``directory/literals``) keyed by subject and predicate, and :class:`Snapshot.original`
gives graph-shaped answers (entity documents, CONSTRUCT, DESCRIBE) back the literal as it
was loaded. SELECT bindings carry no triple, so they keep the store's canonical form.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = "data"
LITERALS = "literals"
#: the datatypes oxigraph re-encodes by value (their literals may come back changed)
XSD = "http://www.w3.org/2001/XMLSchema#"
CANONICALISED = frozenset(
    XSD + name
    for name in (
        "integer", "decimal", "double", "float", "boolean", "dateTime", "dateTimeStamp", "date",
        "time", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay", "duration",
        "yearMonthDuration", "dayTimeDuration",
    )
)  # fmt: skip
SEP = "\t"


def prepare(nquads: Path, directory: Path) -> None:
    """Write the serving store of ``nquads`` into ``directory`` (which must be empty)."""
    import pyoxigraph as ox

    store = ox.Store(str(directory / DATA))
    # parsed, not bulk_load-ed: the parser keeps blank node labels, so the named graphs and
    # their merge in the default graph share them as the file does
    store.bulk_extend(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    default = ox.DefaultGraph()
    store.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, default)
        for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    )
    changed = list(_changed_literals(store, nquads))
    store.flush()
    del store
    literals = ox.Store(str(directory / LITERALS))
    literals.bulk_extend(changed)
    literals.flush()
    del literals


def _changed_literals(store: Any, nquads: Path) -> Iterator[Any]:
    """``(s, p, "canonical-value TAB canonical-datatype TAB datatype TAB value")`` for each
    loaded triple whose typed literal the store holds in another form (a lookup encodes the
    literal the way the store does, so it finds the stored form)."""
    import pyoxigraph as ox

    seen: set[tuple[Any, Any, Any]] = set()
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        o = q.object
        if not isinstance(o, ox.Literal) or o.language or o.datatype.value == XSD + "string":
            continue
        stored = next(iter(store.quads_for_pattern(q.subject, q.predicate, o, q.graph_name)))
        kept = stored.object
        if kept.value == o.value and kept.datatype == o.datatype:
            continue
        key = (q.subject, q.predicate, o)
        if key in seen:
            continue
        seen.add(key)
        text = SEP.join((kept.value, kept.datatype.value, o.datatype.value, o.value))
        yield ox.Quad(q.subject, q.predicate, ox.Literal(text))


@dataclass
class Snapshot:
    """The serving store opened read-only (one per worker process)."""

    data: Any
    literals: Any

    @classmethod
    def open(cls, directory: Path) -> Snapshot:
        import pyoxigraph as ox

        return cls(
            ox.Store.read_only(str(directory / DATA)),
            ox.Store.read_only(str(directory / LITERALS)),
        )

    def original(self, triple: Any) -> Any:
        """``triple`` with its object literal as it was loaded (unchanged if it was kept)."""
        import pyoxigraph as ox

        o = triple.object
        if not isinstance(o, ox.Literal) or o.datatype.value not in CANONICALISED:
            return triple
        for q in self.literals.quads_for_pattern(triple.subject, triple.predicate, None, None):
            value, datatype, original_type, original = q.object.value.split(SEP, 3)
            if value == o.value and datatype == o.datatype.value:
                restored = ox.Literal(original, datatype=ox.NamedNode(original_type))
                return ox.Triple(triple.subject, triple.predicate, restored)
        return triple

    def originals(self, triples: Iterable[Any]) -> list[Any]:
        """:meth:`original` of each triple."""
        return [self.original(t) for t in triples]
