"""The on-disk, read-only copy of a build that the server's worker processes open.

``prepare(nquads, directory)`` loads ``clusterkg.nq`` once into a RocksDB store under
``directory/data`` and writes there, besides the named graphs, the *default graph as the RDF
merge of the named graphs* (each distinct triple once), so that a query without ``FROM`` sees
a set, ``FROM`` / ``FROM NAMED`` and the protocol's graph parameters work as SPARQL 1.1 says,
and no query needs ``use_default_graph_as_union`` (which yields a triple once per graph).

Beside it, ``directory/lookups.sqlite`` holds what pages look up about *other* resources,
computed once from the merged graph so that a page costs one indexed read per item instead
of several store lookups: the labels of every IRI, the quote of every Web Annotation, and the
literals the store changed.

Oxigraph stores typed literals by value: ``"5"^^xsd:nonNegativeInteger`` comes back as
``"5"^^xsd:integer``, ``"1.50"^^xsd:decimal`` as ``"1.5"`` (derived integer types, and the
lexical forms of integer, decimal, double, float, boolean and the date/time types;
oxigraph issue #526). Every triple whose literal was changed is recorded (keyed by subject
and predicate), and :meth:`Snapshot.original` gives graph-shaped answers (entity documents,
CONSTRUCT, DESCRIBE) back the literal as it was loaded. SELECT bindings carry no triple, so
they keep the store's canonical form.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.namespace import OA, PREFIXES

DATA = "data"
LOOKUPS = "lookups.sqlite"
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
#: label properties in the order a label is preferred (first per language wins)
LABEL_PROPS = (
    PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label", PREFIXES["dcterms"] + "title"
)  # fmt: skip
#: IRIs whose labels a worker keeps in memory (ontology terms recur on every page)
LABEL_CACHE = 8192
_QUOTES = f"""
SELECT ?ann ?source ?exact ?start ?end WHERE {{
  ?ann <{OA}hasTarget> ?target .
  OPTIONAL {{ ?target <{OA}hasSource> ?source }}
  OPTIONAL {{ ?target <{OA}hasSelector>/<{OA}exact> ?exact }}
  OPTIONAL {{ ?target <{OA}hasSelector>/<{OA}start> ?start }}
  OPTIONAL {{ ?target <{OA}hasSelector>/<{OA}end> ?end }}
}}
"""
#: a quote as stored: exact text, its language, source IRI, start and end offsets
Quoted = tuple[str, str | None, str | None, str | None, str | None]
_SCHEMA = """
CREATE TABLE labels (iri TEXT NOT NULL, lang TEXT NOT NULL, label TEXT NOT NULL);
CREATE TABLE quotes (annotation TEXT PRIMARY KEY, exact TEXT NOT NULL, lang TEXT,
                     source TEXT, start TEXT, "end" TEXT) WITHOUT ROWID;
CREATE TABLE literals (subject TEXT NOT NULL, predicate TEXT NOT NULL, value TEXT NOT NULL,
                       datatype TEXT NOT NULL, original_type TEXT NOT NULL,
                       original TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX labels_iri ON labels (iri);
CREATE INDEX literals_subject ON literals (subject, predicate);
"""


def prepare(nquads: Path, directory: Path, in_memory: bool = False) -> Any:
    """Write the serving store of ``nquads`` and its lookups into ``directory`` (empty); the
    store (``in_memory``: held in memory only, not written)."""
    import pyoxigraph as ox

    store = ox.Store() if in_memory else ox.Store(str(directory / DATA))
    # parsed, not bulk_load-ed: the parser keeps blank node labels, so the named graphs and
    # their merge in the default graph share them as the file does
    store.bulk_extend(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    default = ox.DefaultGraph()
    store.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, default)
        for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    )
    store.flush()
    partial = directory / (LOOKUPS + ".part")
    db = sqlite3.connect(partial)
    db.executescript(_SCHEMA)
    db.executemany("INSERT INTO labels VALUES (?, ?, ?)", _labels(store))
    db.executemany("INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?)", _quotes(store))
    db.executemany("INSERT INTO literals VALUES (?, ?, ?, ?, ?, ?)", _changed(store, nquads))
    db.executescript(_INDEXES)
    db.commit()
    db.close()
    partial.rename(directory / LOOKUPS)
    return store


def prepare_in_child(nquads: Path, directory: Path) -> None:
    """:func:`prepare` in a child process, so that the caller (a front process) never holds
    the memory of the load (the allocator keeps it after the store is closed)."""
    import multiprocessing

    process = multiprocessing.get_context("forkserver").Process(
        target=prepare, args=(nquads, directory)
    )
    process.start()
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"preparing the serving store of {nquads} failed")


def _labels(store: Any) -> Iterator[tuple[str, str, str]]:
    """``(iri, language or "", label)`` in the order of :data:`LABEL_PROPS`."""
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    for prop in LABEL_PROPS:
        for q in store.quads_for_pattern(None, ox.NamedNode(prop), None, default):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                yield q.subject.value, q.object.language or "", q.object.value


def _quotes(store: Any) -> Iterator[tuple[str, ...]]:
    """``(annotation IRI, *quote)``: each annotation's first target with an ``oa:exact``."""
    import pyoxigraph as ox

    found: dict[str, Any] = {}
    for row in store.query(_QUOTES):
        ann, exact = row["ann"], row["exact"]
        if not isinstance(ann, ox.NamedNode) or exact is None or ann.value in found:
            continue
        source, start, end = row["source"], row["start"], row["end"]
        found[ann.value] = (
            ann.value,
            exact.value,
            exact.language,
            source.value if isinstance(source, ox.NamedNode) else None,
            start.value if start is not None else None,
            end.value if end is not None else None,
        )
    return iter(found.values())


def _changed(store: Any, nquads: Path) -> Iterator[tuple[str, str, str, str, str, str]]:
    """``(s, p, canonical value, canonical datatype, datatype, value)`` for each loaded triple
    whose typed literal the store holds in another form (a lookup encodes the literal the way
    the store does, so it finds the stored form)."""
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
        yield (str(q.subject), q.predicate.value, kept.value, kept.datatype.value,
               o.datatype.value, o.value)  # fmt: skip


@dataclass
class Snapshot:
    """The serving store and its lookups, opened read-only (one per worker process)."""

    data: Any
    lookups: sqlite3.Connection
    _labels: Any = field(default=None, repr=False)

    @classmethod
    def open(cls, directory: Path, in_memory: bool = False, store: Any = None) -> Snapshot:
        """Open the snapshot in ``directory``; ``in_memory``: copy its store into memory
        (queries evaluate faster than on the on-disk store; the caller holds all of it);
        ``store``: the store :func:`prepare` returned, with the lookups in ``directory``."""
        import pyoxigraph as ox

        lookups = sqlite3.connect(
            f"file:{directory / LOOKUPS}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        if store is not None:  # the store :func:`prepare` returned
            return cls(store, lookups)
        store = ox.Store.read_only(str(directory / DATA))
        if in_memory:
            memory = ox.Store()
            memory.bulk_extend(store.quads_for_pattern(None, None, None, None))
            store = memory
        return cls(store, lookups)

    def __post_init__(self) -> None:
        select = "SELECT lang, label FROM labels WHERE iri = ? ORDER BY rowid"

        @lru_cache(maxsize=LABEL_CACHE)
        def labels(iri: str) -> tuple[tuple[str, str], ...]:
            return tuple(self.lookups.execute(select, (iri,)))

        self._labels = labels

    def labels(self, iri: str) -> tuple[tuple[str, str], ...]:
        """``(language or "", label)`` of ``iri`` in preference order of the properties."""
        found: tuple[tuple[str, str], ...] = self._labels(iri)
        return found

    def label_languages(self) -> tuple[str, ...]:
        """Every language tag of a label (lower case, sorted)."""
        rows = self.lookups.execute("SELECT DISTINCT lower(lang) FROM labels WHERE lang != ''")
        return tuple(sorted(lang for (lang,) in rows))

    def quote(self, annotation: str) -> Quoted | None:
        """``(exact, language, source IRI, start, end)`` of a Web Annotation, if it has one."""
        row = self.lookups.execute(
            'SELECT exact, lang, source, start, "end" FROM quotes WHERE annotation = ?',
            (annotation,),
        ).fetchone()
        return tuple(row) if row else None

    def original(self, triple: Any) -> Any:
        """``triple`` with its object literal as it was loaded (unchanged if it was kept)."""
        import pyoxigraph as ox

        o = triple.object
        if not isinstance(o, ox.Literal) or o.datatype.value not in CANONICALISED:
            return triple
        for original_type, original in self.lookups.execute(
            "SELECT original_type, original FROM literals WHERE subject = ? AND predicate = ?"
            " AND value = ? AND datatype = ?",
            (str(triple.subject), triple.predicate.value, o.value, o.datatype.value),
        ):
            restored = ox.Literal(original, datatype=ox.NamedNode(original_type))
            return ox.Triple(triple.subject, triple.predicate, restored)
        return triple

    def originals(self, triples: Iterable[Any]) -> list[Any]:
        """:meth:`original` of each triple."""
        return [self.original(t) for t in triples]
