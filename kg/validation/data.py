"""The data to validate: a pyoxigraph store plus the literals as they were written.

pyoxigraph stores literals of the XSD value types in a canonical form: ``"14"^^xsd:
nonNegativeInteger`` becomes ``"14"^^xsd:integer``, ``"4.0"^^xsd:decimal`` becomes ``"4"``,
``"300"^^xsd:byte`` becomes ``"300"^^xsd:integer``. SHACL needs the literal as written
(``sh:datatype``, ``sh:value``), so :class:`Loader` notes, while the quads stream into the
store in one pass, every literal of such a datatype; afterwards only those whose stored form
differs are kept (:class:`Written`), keyed by (subject, predicate, stored literal).
"""

from __future__ import annotations

import gc
import mmap
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError
from kg.validation.datatypes import CANONICALISED, XSD, is_well_formed
from kg.validation.shapes import (
    RDF_FORMATS,
    SCOPE_ARTICLES,
    SCOPE_UNION,
    one_line,
)

ID = "https://w3id.org/clusterkg/id/"
ONTOLOGY_GRAPH = ID + "graph/ontology"
LEXICON_GRAPH = ID + "graph/lexicon"
DEFAULT_GRAPH = ID + "graph/default"
SOURCE_DOCUMENT = "https://w3id.org/clusterkg/ontology#SourceDocument"
_BATCH = 100_000
# a line of N-Triples/N-Quads that may hold a literal of a canonicalised datatype (its datatype
# IRI as written, or an escape: ``\u0023`` may spell the ``#`` of one) or a blank node
_MAY_CHANGE = re.compile(
    rb"\^\^<http://www\.w3\.org/2001/XMLSchema#(?:"
    + b"|".join(re.escape(t[len(XSD):].encode()) for t in sorted(CANONICALISED, key=len,
                                                                  reverse=True))
    + rb")>|\\[uU]|_:")


@dataclass
class Written:
    """Literals the store holds in another form than written.

    ``by_triple[(s, p, stored)]`` lists the written literals; ``by_value[stored]`` every
    written form of a stored literal anywhere; ``predicates`` the predicates concerned;
    ``merged`` the predicates where two written literals became one stored literal.
    """

    by_triple: dict[tuple[Any, Any, Any], tuple[Any, ...]] = field(default_factory=dict)
    by_value: dict[Any, set[Any]] = field(default_factory=dict)
    predicates: set[str] = field(default_factory=set)
    merged: set[str] = field(default_factory=set)
    also_as_stored: set[Any] = field(default_factory=set)  # stored forms also written so
    complete: bool = False  # made by the Loader: every literal was seen as written
    plain_types: dict[str, set[tuple[str, bool]]] = field(default_factory=dict)
    changed_types: dict[str, set[tuple[str, bool]]] = field(default_factory=dict)
    # predicate -> (written datatype, well-formed) of its literals of canonicalised datatypes
    # stored as written (plain) or in another form (changed)

    def all_written_as(self, predicate: str, datatype: str, stored: str) -> bool:
        """Whether every literal of ``predicate`` stored with datatype ``stored`` was written
        as a well-formed ``datatype`` (then ``sh:datatype`` needs no look at each one)."""
        if not self.complete:
            return False
        ok = {(datatype, True)}
        plain = {t for t in self.plain_types.get(predicate, set()) if t[0] == stored}
        return plain <= ok and self.changed_types.get(predicate, set()) <= ok

    def well_formed(self, predicate: str) -> bool:
        """Whether every literal of ``predicate`` the store changed was well-formed (then
        comparisons of stored values are those of the written values)."""
        return all(ok for _dt, ok in self.changed_types.get(predicate, set()))

    def written_form(self, stored: Any) -> Any | None:
        """The one written form of a stored literal (itself when never changed); None when
        it stands for several written forms."""
        forms = self.by_value.get(stored)
        if forms is None:
            return stored
        if len(forms) > 1 or stored in self.also_as_stored:
            return None
        return next(iter(forms))

    def originals(self, s: Any, p: Any, o: Any) -> tuple[Any, ...] | None:
        """The written literals of a stored triple (None when stored as written)."""
        return self.by_triple.get((s, p, o))


@dataclass
class LoadedData:
    """The store to validate and the literals it changed (see :class:`Written`)."""

    store: ox.Store
    written: Written = field(default_factory=Written)

    def __len__(self) -> int:
        return len(self.store)


class Loader:
    """Streams quads into a store, noting the literals of canonicalised datatypes."""

    def __init__(self, store: ox.Store | None = None):
        self.store = store if store is not None else ox.Store()
        self._noted: list[tuple[Any, Any, Any]] = []
        # one object per distinct noted term: a build notes four offsets per evidence
        # selector (same subject, four predicates, values shared across articles), and a
        # pyoxigraph term costs some 150 bytes (measured: 520 -> 161 bytes per noted literal)
        self._terms: dict[Any, Any] = {}

    def _note(self, quads: Iterable[Any]) -> Iterator[Any]:
        noted = self._noted.append
        term = self._terms.setdefault
        literal = ox.Literal
        for q in quads:
            o = q.object
            if type(o) is literal and o.datatype.value in CANONICALISED:
                s, p = q.subject, q.predicate
                noted((term(s, s), term(p, p), term(o, o)))
            yield q

    def add(self, quads: Iterable[Any]) -> None:
        """Add pyoxigraph quads (any iterable), in one pass."""
        self.store.bulk_extend(self._note(quads))

    def add_file(self, path: Path, default_graph: Any | None = None) -> None:
        """Parse an RDF file into the store; its default graph goes to ``default_graph``
        (None: a graph named after the file)."""
        if not path.is_file():
            raise InputError("no such file", where=str(path))
        ext = RDF_FORMATS.get(path.suffix.lower())
        if ext is None:
            raise InputError("unknown RDF format (use .nq .trig .ttl .nt .rdf)", where=str(path))
        fmt = ox.RdfFormat.from_extension(ext)
        base = path.resolve().as_uri()
        name = default_graph if default_graph is not None else ox.NamedNode(base)

        def quads() -> Iterator[Any]:
            for q in ox.parse(path=str(path), format=fmt, base_iri=base):
                if type(q.graph_name) is ox.DefaultGraph:
                    yield ox.Quad(q.subject, q.predicate, q.object, name)
                else:
                    yield q

        try:
            if fmt is not None and ext in ("nq", "nt") and \
                    self._add_line_based(path, fmt, base, name):
                return
            self.add(quads())
        except SyntaxError as err:
            raise InputError(one_line(err), where=f"{path}:{err.lineno or '?'}") from None
        except (OSError, ValueError) as err:
            raise InputError(one_line(err), where=str(path)) from None

    def _add_line_based(self, path: Path, fmt: ox.RdfFormat, base: str, name: Any) -> bool:
        """N-Triples/N-Quads into an empty store: the store's own parser and loader (no quad
        passes through Python; ``Store.load``, which on the in-memory store takes less time
        and memory than ``bulk_load``: 851k quads in 100 files 3.4 vs 4.9 s, one file 324 vs
        509 MB peak), then only the lines that may hold a canonicalised literal or a blank
        node parsed again, to note the literals and to put back the blank nodes under their
        labels (the store's loader renames them). False (nothing loaded): use :meth:`add`."""
        if path.stat().st_size == 0:
            return True
        if not _is_empty(self.store):
            return self._add_to_filled(path, fmt, base, name)
        to_graph = name if fmt == ox.RdfFormat.N_TRIPLES else None
        with ThreadPoolExecutor(1) as pool:  # the re-parse runs while the loader (no GIL) does
            reparse = pool.submit(_reparse, path, fmt, base, name, self._terms)
            self.store.load(path=str(path), format=fmt, base_iri=base, to_graph=to_graph)
            found = reparse.result()
        if found is None:  # a blank node names a graph
            self.store.clear()
            return False
        noted, with_blanks = found
        self._noted.extend(noted)
        default = list(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        if default:
            self.store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, name)
                                   for q in default)
            self.store.clear_graph(ox.DefaultGraph())
        blank = ox.BlankNode
        for g in {q.graph_name for q in with_blanks}:
            for q in list(self.store.quads_for_pattern(None, None, None, g)):
                if type(q.subject) is blank or type(q.object) is blank:
                    self.store.remove(q)
        self.store.bulk_extend(with_blanks)
        return True

    def _add_to_filled(self, path: Path, fmt: ox.RdfFormat, base: str, name: Any) -> bool:
        """:meth:`_add_line_based` into a store that already holds graphs (the build's
        reduce: one file per graph): the store's loader when the file has no blank node
        and the store no default graph, else False (use :meth:`add`)."""
        if next(iter(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
            return False
        try:
            found = _reparse(path, fmt, base, name, self._terms)
        except SyntaxError:  # the quad-by-quad parse reports its line
            return False
        if found is None or found[1]:  # blank nodes: only the quad-by-quad parse keeps labels
            return False
        to_graph = name if fmt == ox.RdfFormat.N_TRIPLES else None
        self.store.load(path=str(path), format=fmt, base_iri=base, to_graph=to_graph)
        self._noted.extend(found[0])
        default = list(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        if default:  # the store had none: they are this file's
            self.store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, name)
                                   for q in default)
            self.store.clear_graph(ox.DefaultGraph())
        return True

    def finish(self) -> LoadedData:
        """The loaded data: keep only the noted literals whose stored form differs."""
        enabled = gc.isenabled()
        gc.disable()  # hundreds of thousands of small tuples: the cyclic collector only costs
        try:
            return self._finish()
        finally:
            if enabled:
                gc.enable()

    def _finish(self) -> LoadedData:
        written = Written(complete=True)
        noted, self._noted, self._terms = self._noted, [], {}
        if noted:
            stored = stored_forms({o for _s, _p, o in noted})
            by_triple: dict[tuple[Any, Any, Any], list[Any]] = {}
            plain: set[Any] = set()
            well_formed = {o: is_well_formed(o.value, o.datatype.value) for o in stored}
            for s, p, o in noted:
                c = stored[o]
                if c == o:
                    plain.add(c)
                    written.plain_types.setdefault(p.value, set()).add(
                        (c.datatype.value, well_formed[o]))
                    continue
                by_triple.setdefault((s, p, c), []).append(o)
                written.changed_types.setdefault(p.value, set()).add(
                    (o.datatype.value, well_formed[o]))
            del noted  # before the tuples below are made (a build notes millions)
            for key, values in by_triple.items():
                unique = tuple(dict.fromkeys(values))
                written.by_triple[key] = unique
                written.predicates.add(key[1].value)
                if len(unique) > 1:
                    written.merged.add(key[1].value)
                written.by_value.setdefault(key[2], set()).update(unique)
            written.also_as_stored = plain & set(written.by_value)
        return LoadedData(self.store, written)


def _is_empty(store: ox.Store) -> bool:
    """Whether ``store`` holds no quad, in constant time (``len`` scans the whole store: once
    per loaded file, it made the build's reduce quadratic in the corpus)."""
    return next(iter(store.quads_for_pattern(None, None, None, None)), None) is None


def _reparse(path: Path, fmt: ox.RdfFormat, base: str, name: Any, terms: dict[Any, Any]
             ) -> tuple[list[tuple[Any, Any, Any]], list[Any]] | None:
    """The canonicalised literals (subject, predicate, literal as written) and the quads with
    blank nodes (labels as written) of an N-Triples/N-Quads file; None when a blank node
    names a graph. The noted terms are the objects of ``terms`` (one per distinct term)."""
    literal, blank = ox.Literal, ox.BlankNode
    term = terms.setdefault
    noted: list[tuple[Any, Any, Any]] = []
    with_blanks: list[Any] = []
    for q in ox.parse(b"\n".join(_candidate_lines(path)), format=fmt, base_iri=base):
        g = name if type(q.graph_name) is ox.DefaultGraph else q.graph_name
        if type(g) is blank:
            return None
        o = q.object
        if type(o) is literal and o.datatype.value in CANONICALISED:
            s, p = q.subject, q.predicate
            noted.append((term(s, s), term(p, p), term(o, o)))
        if type(q.subject) is blank or type(o) is blank:
            with_blanks.append(ox.Quad(q.subject, q.predicate, o, g))
    return noted, with_blanks


def _candidate_lines(path: Path) -> list[bytes]:
    """The lines of an N-Triples/N-Quads file that may hold a canonicalised literal or a
    blank node."""
    lines: list[bytes] = []
    end = -1
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        rfind, find = mm.rfind, mm.find
        for m in _MAY_CHANGE.finditer(mm):
            pos = m.start()
            if pos < end:
                continue
            start = rfind(b"\n", 0, pos) + 1
            end = find(b"\n", pos)
            if end < 0:
                end = len(mm)
            lines.append(mm[start:end])
    return lines


def stored_forms(literals: set[Any]) -> dict[Any, Any]:
    """literal -> the form pyoxigraph stores it in (one scratch store for all of them)."""
    ordered = list(literals)
    scratch = ox.Store()
    pred = ox.NamedNode("urn:x-clusterkg:literal")
    scratch.bulk_extend(ox.Quad(ox.NamedNode(f"urn:x-clusterkg:{i}"), pred, lit)
                        for i, lit in enumerate(ordered))
    out = {}
    for q in scratch:
        out[ordered[int(q.subject.value.rsplit(":", 1)[1])]] = q.object
    return out


# --------------------------------------------------------------------------------------------
# loaders


def load_files(files: list[Path]) -> LoadedData:
    """Parse RDF files into one store; triple formats go into a graph named after the file."""
    loader = Loader()
    for path in files:
        loader.add_file(path)
    return loader.finish()


def load_dataset(ds: Any) -> LoadedData:
    """Copy an rdflib Dataset (or Graph) into a store, keeping named graphs; the default graph
    of a Dataset (and a plain Graph) becomes ``id:graph/default``."""
    from rdflib import Dataset

    from kg.terms import memoised_to_ox

    conv = memoised_to_ox()
    default = ox.NamedNode(DEFAULT_GRAPH)
    loader = Loader()

    def quads() -> Iterator[Any]:
        if isinstance(ds, Dataset):
            for s, p, o, g in ds.quads((None, None, None, None)):
                name = getattr(g, "identifier", g)
                graph = default if name is None or str(name) == "urn:x-rdflib:default" \
                    else conv(name)
                yield ox.Quad(conv(s), conv(p), conv(o), graph)
        else:
            for s, p, o in ds:
                yield ox.Quad(conv(s), conv(p), conv(o), default)

    loader.add(quads())
    return loader.finish()


def load_endpoint(url: str, timeout: float = 30.0) -> LoadedData:
    """Fetch every named graph of a SPARQL endpoint (CONSTRUCT per graph) into a store."""
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    def client(query: str, fmt: str) -> SPARQLWrapper:
        sw = SPARQLWrapper(url)
        sw.setTimeout(int(max(1, timeout)))
        sw.setQuery(query)
        sw.setReturnFormat(fmt)
        return sw

    loader = Loader()
    formats = {
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "text/plain": ox.RdfFormat.N_TRIPLES,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
        "application/ld+json": ox.RdfFormat.JSON_LD,
    }
    try:
        res = client("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", JSON).queryAndConvert()
        graphs = [b["g"]["value"] for b in res["results"]["bindings"]]  # type: ignore[index,call-overload]
        for g in graphs or [""]:
            where = f"GRAPH <{g}> {{ ?s ?p ?o }}" if g else "?s ?p ?o"
            response = client(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", TURTLE).query()
            ctype = response.response.headers.get("Content-Type", "").split(";")[0].strip()
            body = response.response.read()
            name = ox.NamedNode(g or url)
            fmt = formats.get(ctype, ox.RdfFormat.TURTLE)
            loader.add(ox.Quad(t.subject, t.predicate, t.object, name)
                       for t in ox.parse(body, format=fmt))
    except Exception as err:
        reason = getattr(err, "reason", None) or err
        raise InputError(f"cannot read SPARQL endpoint {url}: {one_line(reason)}") from None
    return loader.finish()


# --------------------------------------------------------------------------------------------
# data graphs


@dataclass(frozen=True)
class DataGraph:
    """One data graph of the store: the union of all graphs, or the given named graphs."""

    name: str  # "union" or the graph IRI (shown in results)
    graphs: tuple[Any, ...] | None = None  # None = the union of all graphs

    def query_options(self) -> dict[str, Any]:
        """Keyword arguments of ``Store.query`` that make this the default graph."""
        if self.graphs is None:
            return {"use_default_graph_as_union": True}
        return {"default_graph": list(self.graphs)}

    def quads(self, store: ox.Store) -> Iterator[Any]:
        """The quads of this data graph."""
        for name in self.graphs if self.graphs is not None else [None]:
            yield from store.quads_for_pattern(None, None, None, name)


UNION = DataGraph("union")


def article_graphs(store: ox.Store) -> list[Any]:
    """Named graphs holding a ck:SourceDocument (except the ontology and lexicon graphs)."""
    q = f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?d a <{SOURCE_DOCUMENT}> }}
            FILTER (?g NOT IN (<{ONTOLOGY_GRAPH}>, <{LEXICON_GRAPH}>)) }} ORDER BY ?g"""
    return [sol["g"] for sol in store.query(q)]  # type: ignore[union-attr]


def scope_graphs(store: ox.Store, scope: str) -> list[DataGraph]:
    """The data graphs a shapes scope (``cksh:dataGraph``) checks."""
    if scope == SCOPE_UNION:
        return [UNION]
    if scope == SCOPE_ARTICLES:
        return [DataGraph(g.value, (g,)) for g in article_graphs(store)]
    onto = ox.NamedNode(ONTOLOGY_GRAPH)
    if store.contains_named_graph(onto):
        return [DataGraph(ONTOLOGY_GRAPH, (onto,))]
    return [UNION]
