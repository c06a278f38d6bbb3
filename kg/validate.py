"""SHACL validation: ``validate_dataset`` (called by the build) and ``clusterkg validate``.

Shapes live in ``shapes/*.shacl.ttl``. Each shapes file says which data graph it checks with
``cksh:dataGraph`` on its ``owl:Ontology`` node:

- ``cksh:Union`` (default): the union of all named graphs (ontology + lexicon + articles), so
  ``sh:class`` follows ``rdfs:subClassOf*`` of the ontology without any inference;
- ``cksh:EachArticleGraph``: every article graph on its own (the evidence-coverage rule of
  docs/model.md section 4 is about the triples *of one graph*);
- ``cksh:OntologyGraph``: ``id:graph/ontology`` (ontology quality).

Two engines give the same results (tests compare them on every fixture):
``pyshacl`` (the reference) and ``fast`` (default): the shapes compiled to SPARQL queries run on
pyoxigraph (:mod:`kg.validation.engine`).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg.errors import CheckFailed, InputError
from kg.paths import BUILD_DIR, SHAPES_DIR

if TYPE_CHECKING:
    import pyoxigraph as ox
    import rdflib

SH = "http://www.w3.org/ns/shacl#"
CKSH = "https://w3id.org/clusterkg/shapes#"
ID = "https://w3id.org/clusterkg/id/"
ONTOLOGY_GRAPH = ID + "graph/ontology"
LEXICON_GRAPH = ID + "graph/lexicon"
SOURCE_DOCUMENT = "https://w3id.org/clusterkg/ontology#SourceDocument"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

SCOPE_UNION = "Union"
SCOPE_ARTICLES = "EachArticleGraph"
SCOPE_ONTOLOGY = "OntologyGraph"
SCOPES = (SCOPE_UNION, SCOPE_ARTICLES, SCOPE_ONTOLOGY)

PROFILES: dict[str, Path] = {
    "eccp": SHAPES_DIR / "profiles" / "eccp-cluster-labelling.shacl.ttl",
}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
RDF_FORMATS = {
    ".nq": "nq", ".nquads": "nq", ".trig": "trig", ".ttl": "ttl", ".turtle": "ttl",
    ".nt": "nt", ".ntriples": "nt", ".rdf": "rdf", ".xml": "rdf", ".owl": "rdf", ".n3": "n3",
}


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class ResultRow:
    """One SHACL validation result, flattened for people (table/JSON) and tests."""

    severity: str  # "Violation" | "Warning" | "Info"
    shape: str  # IRI of sh:sourceShape (blank nodes: "_:" + label)
    shape_label: str
    focus: str  # IRI (or N3 of a literal/blank node)
    focus_label: str | None
    path: str | None  # IRI of sh:resultPath (complex paths: SPARQL property path syntax)
    value: str | None  # N3 of sh:value
    message: str
    component: str  # e.g. "sh:MinCountConstraintComponent"
    quote: str | None = None  # the evidence quote when the focus node comes from an article
    graph: str | None = None  # the data graph checked ("union", an article graph IRI, ...)

    def key(self) -> tuple[str, str, str | None, str | None, str, str]:
        """Identity of a result for comparisons between engines."""
        return (self.focus, self.shape, self.path, self.value, self.component, self.severity)


@dataclass
class ValidationResult:
    """The outcome: ``conforms`` is True when there is no sh:Violation (warnings allowed)."""

    conforms: bool
    results: list[ResultRow]
    report_graph: rdflib.Graph
    timings: dict[str, float] = field(default_factory=dict)
    engine: str = "fast"

    @property
    def violations(self) -> list[ResultRow]:
        """Results with severity sh:Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ResultRow]:
        """Results with severity sh:Warning."""
        return [r for r in self.results if r.severity == "Warning"]

    def counts(self) -> dict[str, int]:
        """Number of results per severity."""
        c = Counter(r.severity for r in self.results)
        return {s: c.get(s, 0) for s in SEVERITY_ORDER}

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable summary with every result."""
        return {
            "conforms": self.conforms,
            "engine": self.engine,
            "counts": self.counts(),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "results": [asdict(r) for r in self.results],
        }


# --------------------------------------------------------------------------------------------
# shapes


@dataclass
class ShapesSet:
    """Shapes files parsed and grouped by the data graph they check."""

    files: list[Path]
    by_scope: dict[str, rdflib.Graph]
    all_shapes: rdflib.Graph


def default_shapes() -> list[Path]:
    """Every ``shapes/*.shacl.ttl`` (profiles are opt-in)."""
    return sorted(SHAPES_DIR.glob("*.shacl.ttl"))


def load_shapes(files: list[Path]) -> ShapesSet:
    """Parse the shapes files (InputError with file and line when one is malformed)."""
    from rdflib import Graph, Namespace, URIRef

    cksh = Namespace(CKSH)
    by_scope: dict[str, Graph] = {}
    all_shapes = Graph()
    for path in files:
        g = parse_graph_file(path)
        scope = SCOPE_UNION
        for o in g.objects(None, cksh.dataGraph):
            if isinstance(o, URIRef) and str(o).startswith(CKSH):
                scope = str(o)[len(CKSH):]
        if scope not in SCOPES:
            raise InputError(f"unknown cksh:dataGraph {scope!r}", where=str(path))
        target = by_scope.setdefault(scope, Graph())
        target += g
        all_shapes += g
    for graph in [*by_scope.values(), all_shapes]:
        for prefix, ns in _prefixes().items():
            graph.bind(prefix, ns)
    return ShapesSet(files=files, by_scope=by_scope, all_shapes=all_shapes)


def parse_graph_file(path: Path) -> rdflib.Graph:
    """Parse one Turtle (or other triple format) file with rdflib, errors as InputError."""
    from rdflib import Graph

    if not path.is_file():
        raise InputError("no such file", where=str(path))
    ext = RDF_FORMATS.get(path.suffix.lower(), "")
    fmt = {"nt": "nt", "rdf": "xml", "n3": "n3"}.get(ext, "turtle")
    g = Graph()
    try:
        g.parse(path, format=fmt)
    except Exception as err:  # rdflib raises many types; all mean "malformed file"
        raise InputError(_one_line(err), where=f"{path}:{_line_of(err)}") from None
    return g


def _line_of(err: BaseException) -> str:
    for attr in ("lineno", "line"):
        value = getattr(err, attr, None)
        if isinstance(value, int):
            return str(value)
    m = re.search(r"line (\d+)", str(err))
    return m.group(1) if m else "?"


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return (text[:300] + "...") if len(text) > 300 else text or type(err).__name__


def _prefixes() -> dict[str, str]:
    from kg.namespace import PREFIXES

    return {**PREFIXES, "cksh": CKSH}


# --------------------------------------------------------------------------------------------
# data: everything is held in a pyoxigraph store (fast queries, union default graph)


XSD_NS = "http://www.w3.org/2001/XMLSchema#"
XSD_INTEGER = XSD_NS + "integer"
# pyoxigraph stores these as canonical xsd:integer: the original datatype is kept in the ledger
INTEGER_FAMILY = {XSD_NS + n for n in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
    "unsignedByte")}


@dataclass
class LoadedData:
    """The data in a pyoxigraph store, plus the literals the store canonicalised.

    pyoxigraph stores every integer-derived literal as a canonical ``xsd:integer``
    (``"14"^^xsd:nonNegativeInteger`` -> ``"14"^^xsd:integer``); ``originals`` maps
    (subject, predicate, canonical literal) to the literals as written, so that sh:datatype and
    the reported values are exact.
    """

    store: ox.Store
    originals: dict[tuple[Any, Any, Any], list[Any]] = field(default_factory=dict)
    by_subject: dict[tuple[Any, Any], list[Any]] = field(default_factory=dict)

    def add_quads(self, quads: Any) -> None:
        """Add pyoxigraph quads (any iterable), recording canonicalised literals."""
        batch: list[Any] = []
        for q in quads:
            self.record(q)
            batch.append(q)
            if len(batch) >= 100_000:
                self.store.bulk_extend(batch)
                batch = []
        if batch:
            self.store.bulk_extend(batch)
        self.dedupe()

    def record(self, q: Any) -> None:
        """Remember the literal of a quad if the store will canonicalise it."""
        import pyoxigraph as ox

        o = q.object
        if isinstance(o, ox.Literal) and o.datatype.value in INTEGER_FAMILY:
            canonical = _canonical_integer(o)
            if canonical is not None and (canonical.value != o.value
                                          or o.datatype.value != XSD_INTEGER):
                self.originals.setdefault((q.subject, q.predicate, canonical), []).append(o)
                self.by_subject.setdefault((q.subject, canonical), []).append(o)

    def dedupe(self) -> None:
        """Each original literal once per key."""
        for table in (self.originals, self.by_subject):
            for key, values in table.items():
                if len(values) > 1:
                    table[key] = list(dict.fromkeys(values))

    def original(self, s: Any, p: Any, o: Any) -> list[Any]:
        """The literals as written for a stored (s, p, o) (just ``[o]`` when unchanged)."""
        return self.originals.get((s, p, o)) or [o]


def _canonical_integer(lit: Any) -> Any:
    import pyoxigraph as ox

    try:
        value = int(lit.value.strip())
    except ValueError:
        return None  # ill-formed literals are stored as written
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD_INTEGER))


def store_from_dataset(ds: rdflib.Dataset | rdflib.Graph) -> LoadedData:
    """Copy an rdflib Dataset (or Graph) into a pyoxigraph store, keeping named graphs.

    rdflib writes N-Quads (its fastest serializer) and pyoxigraph bulk-loads them; the default
    graph of a Dataset becomes ``id:graph/default``.
    """
    import pyoxigraph as ox
    from rdflib import Dataset

    data = LoadedData(ox.Store())
    if isinstance(ds, Dataset):
        payload = ds.serialize(format="nquads", encoding="utf-8")
        payload = payload.replace(b"<urn:x-rdflib:default> .", f"<{ID}graph/default> .".encode())
        _bulk_load_lines(data, payload, ox.RdfFormat.N_QUADS, None)
    else:
        payload = ds.serialize(format="nt", encoding="utf-8")
        _bulk_load_lines(data, payload, ox.RdfFormat.N_TRIPLES, ox.NamedNode(ID + "graph/default"))
    return data


def _bulk_load_lines(data: LoadedData, payload: bytes, fmt: Any, to_graph: Any) -> None:
    """Bulk-load N-Quads/N-Triples bytes; parse only the lines with integer literals in Python."""
    import pyoxigraph as ox

    kwargs: dict[str, Any] = {} if to_graph is None else {"to_graph": to_graph}
    data.store.bulk_load(payload, format=fmt, **kwargs)
    lines = [line for line in payload.splitlines(keepends=True) if _INTEGER_LINE.search(line)]
    for q in ox.parse(b"".join(lines), format=fmt):
        data.record(q)
    data.dedupe()


_INTEGER_LINE = re.compile(
    rb'"\^\^<http://www\.w3\.org/2001/XMLSchema#(integer|int|long|short|byte|nonNegativeInteger|'
    rb"positiveInteger|negativeInteger|nonPositiveInteger|unsignedInt|unsignedLong|unsignedShort|"
    rb"unsignedByte)>")


def store_from_files(files: list[Path]) -> LoadedData:
    """Parse RDF files into one store; triple formats go into a graph named after the file.

    N-Quads and N-Triples are bulk-loaded by pyoxigraph; only their lines with integer literals
    are parsed in Python for the ledger of :class:`LoadedData`.
    """
    import pyoxigraph as ox

    data = LoadedData(ox.Store())
    for path in files:
        if not path.is_file():
            raise InputError("no such file", where=str(path))
        ext = RDF_FORMATS.get(path.suffix.lower())
        if ext is None:
            raise InputError("unknown RDF format (use .nq .trig .ttl .nt .rdf)", where=str(path))
        fmt = ox.RdfFormat.from_extension(ext)
        name = ox.NamedNode(path.resolve().as_uri())
        base = path.resolve().as_uri()

        def quads(path: Path = path, fmt: Any = fmt, name: Any = name, base: str = base) -> Any:
            for q in ox.parse(path=str(path), format=fmt, base_iri=base):
                if isinstance(q.graph_name, ox.DefaultGraph):
                    yield ox.Quad(q.subject, q.predicate, q.object, name)
                else:
                    yield q

        try:
            if ext in ("nq", "nt"):
                _bulk_load_lines(data, path.read_bytes(), fmt, None if ext == "nq" else name)
            else:
                data.add_quads(quads())
        except SyntaxError as err:
            raise InputError(_one_line(err), where=f"{path}:{err.lineno or '?'}") from None
        except (OSError, ValueError) as err:
            raise InputError(_one_line(err), where=str(path)) from None
    return data


def store_from_endpoint(url: str, timeout: float = 30.0) -> LoadedData:
    """Fetch every named graph of a SPARQL endpoint (CONSTRUCT per graph) into a store."""
    import pyoxigraph as ox
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    def client(query: str, fmt: str) -> SPARQLWrapper:
        sw = SPARQLWrapper(url)
        sw.setTimeout(int(max(1, timeout)))
        sw.setQuery(query)
        sw.setReturnFormat(fmt)
        return sw

    data = LoadedData(ox.Store())
    formats = {
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "text/plain": ox.RdfFormat.N_TRIPLES,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
        "application/ld+json": ox.RdfFormat.JSON_LD,
    }
    try:
        res = client("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", JSON).queryAndConvert()
        graphs = [b["g"]["value"] for b in res["results"]["bindings"]]  # type: ignore[index]
        for g in graphs or [""]:
            where = f"GRAPH <{g}> {{ ?s ?p ?o }}" if g else "?s ?p ?o"
            response = client(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", TURTLE).query()
            ctype = response.response.headers.get("Content-Type", "").split(";")[0].strip()
            body = response.response.read()
            name = ox.NamedNode(g or url)
            fmt = formats.get(ctype, ox.RdfFormat.TURTLE)
            data.add_quads(ox.Quad(t.subject, t.predicate, t.object, name)
                           for t in ox.parse(body, format=fmt))
    except Exception as err:
        reason = getattr(err, "reason", None) or err
        raise InputError(f"cannot read SPARQL endpoint {url}: {_one_line(reason)}") from None  # type: ignore[arg-type]
    return data


def article_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """Named graphs holding a ck:SourceDocument (except the ontology and lexicon graphs)."""
    q = f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?d a <{SOURCE_DOCUMENT}> }}
            FILTER (?g NOT IN (<{ONTOLOGY_GRAPH}>, <{LEXICON_GRAPH}>)) }} ORDER BY ?g"""
    return [sol["g"] for sol in store.query(q)]  # type: ignore[union-attr,index]


def scope_graphs(store: ox.Store, scope: str) -> list[tuple[str, list[Any] | None]]:
    """The data graphs a scope checks: (name, default graphs for the query or None = union)."""
    import pyoxigraph as ox

    if scope == SCOPE_UNION:
        return [("union", None)]
    if scope == SCOPE_ARTICLES:
        return [(g.value, [g]) for g in article_graphs(store)]
    onto = ox.NamedNode(ONTOLOGY_GRAPH)
    if store.contains_named_graph(onto):
        return [(ONTOLOGY_GRAPH, [onto])]
    return [("union", None)]


# --------------------------------------------------------------------------------------------
# validation


def validate_dataset(
    ds: rdflib.Dataset | rdflib.Graph,
    shapes: list[Path] | None = None,
    *,
    engine: str = "fast",
    profiles: list[str] | None = None,
) -> ValidationResult:
    """Validate an rdflib Dataset (all named graphs) against the shapes (default: shapes/)."""
    t0 = time.perf_counter()
    data = store_from_dataset(ds)
    load = time.perf_counter() - t0
    result = validate_store(data, shapes, engine=engine, profiles=profiles)
    result.timings["load"] = load
    return result


def validate_store(
    data: LoadedData,
    shapes: list[Path] | None = None,
    *,
    engine: str = "fast",
    profiles: list[str] | None = None,
) -> ValidationResult:
    """Validate loaded data (see :func:`store_from_files`); see :func:`validate_dataset`."""
    store = data.store
    files = list(shapes) if shapes else default_shapes()
    for name in profiles or []:
        if name not in PROFILES:
            raise InputError(f"unknown profile {name!r} (known: {', '.join(PROFILES)})")
        files.append(PROFILES[name])
    timings: dict[str, float] = {}
    t = time.perf_counter()
    shapes_set = load_shapes(files)
    timings["shapes"] = time.perf_counter() - t
    rows: list[ResultRow] = []
    if engine == "pyshacl":
        from kg.validation.reference import run_pyshacl

        run = run_pyshacl
    elif engine == "fast":
        from kg.validation.engine import run_fast

        run = run_fast
    else:
        raise InputError(f"unknown engine {engine!r} (fast, pyshacl)")
    t = time.perf_counter()
    for scope, shapes_graph in shapes_set.by_scope.items():
        for name, default_graph in scope_graphs(store, scope):
            for row in run(data, default_graph, shapes_graph):
                rows.append(_with_graph(row, name))
    timings["validate"] = time.perf_counter() - t
    t = time.perf_counter()
    rows = _dedupe(rows)
    rows = annotate(store, rows)
    rows.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.shape_label, r.focus,
                             r.path or "", r.value or "", r.component, r.graph or ""))
    conforms = not any(r.severity == "Violation" for r in rows)
    report = report_graph(rows, conforms)
    timings["report"] = time.perf_counter() - t
    return ValidationResult(conforms=conforms, results=rows, report_graph=report,
                            timings=timings, engine=engine)


def _with_graph(row: ResultRow, name: str) -> ResultRow:
    from dataclasses import replace

    return replace(row, graph=name)


def _dedupe(rows: list[ResultRow]) -> list[ResultRow]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for r in rows:
        k = (*r.key(), r.graph, r.message)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


# --------------------------------------------------------------------------------------------
# labels and quotes for people


def annotate(store: ox.Store, rows: list[ResultRow]) -> list[ResultRow]:
    """Fill ``focus_label`` and ``quote`` (evidence quote of the focus node) from the store."""
    from dataclasses import replace

    iris = sorted({r.focus for r in rows if r.focus.startswith(("http://", "https://"))})
    labels: dict[str, str] = {}
    quotes: dict[str, str] = {}
    for i in range(0, len(iris), 500):
        chunk = " ".join(f"<{iri}>" for iri in iris[i:i + 500])
        q_label = f"""
        SELECT ?f (MIN(STR(?l)) AS ?label) WHERE {{
          VALUES ?f {{ {chunk} }}
          ?f <http://www.w3.org/2004/02/skos/core#prefLabel>
             |<http://www.w3.org/2000/01/rdf-schema#label>|<http://purl.org/dc/terms/title> ?l .
          FILTER (LANGMATCHES(LANG(?l), "en") || LANG(?l) = "")
        }} GROUP BY ?f"""
        for sol in store.query(q_label, use_default_graph_as_union=True):  # type: ignore[union-attr]
            labels[sol["f"].value] = sol["label"].value
        q_quote = f"""
        PREFIX ck: <https://w3id.org/clusterkg/ontology#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?f (MIN(STR(?x)) AS ?exact) ?rank WHERE {{
          VALUES ?f {{ {chunk} }}
          {{ ?f ck:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?x . BIND(1 AS ?rank) }}
          UNION {{ ?f oa:hasTarget/oa:hasSelector/oa:exact ?x . BIND(1 AS ?rank) }}
          UNION {{ ?f oa:hasSelector/oa:exact ?x . BIND(1 AS ?rank) }}
          UNION {{ ?f oa:exact ?x . BIND(1 AS ?rank) }}
          UNION {{ ?t oa:hasSelector ?f ; oa:hasSelector/oa:exact ?x . BIND(1 AS ?rank) }}
          UNION {{ ?st rdf:subject ?f ; ck:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?x .
                   BIND(2 AS ?rank) }}
          UNION {{ ?a oa:hasBody ?f ; oa:hasTarget/oa:hasSelector/oa:exact ?x . BIND(3 AS ?rank) }}
          FILTER NOT EXISTS {{ ?f a ck:SourceDocument }}
        }} GROUP BY ?f ?rank ORDER BY ?f ?rank"""
        for sol in store.query(q_quote, use_default_graph_as_union=True):  # type: ignore[union-attr]
            quotes.setdefault(sol["f"].value, sol["exact"].value)
    return [replace(r, focus_label=r.focus_label or labels.get(r.focus),
                    quote=r.quote or quotes.get(r.focus)) for r in rows]


# --------------------------------------------------------------------------------------------
# the standard report graph


def report_graph(rows: list[ResultRow], conforms: bool) -> rdflib.Graph:
    """A W3C SHACL validation report (``sh:conforms`` ignores warnings, like pyshacl's
    ``allow_warnings``)."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import SH as SHNS
    from rdflib.util import from_n3

    g = Graph()
    for prefix, ns in _prefixes().items():
        g.bind(prefix, ns)
    report = BNode()
    g.add((report, URIRef(RDF_TYPE), SHNS.ValidationReport))
    g.add((report, SHNS.conforms, Literal(conforms)))
    for r in rows:
        node = BNode()
        g.add((report, SHNS.result, node))
        g.add((node, URIRef(RDF_TYPE), SHNS.ValidationResult))
        g.add((node, SHNS.resultSeverity, SHNS[r.severity]))
        g.add((node, SHNS.focusNode, _term(r.focus, from_n3)))
        g.add((node, SHNS.sourceShape, _term(r.shape, from_n3)))
        g.add((node, SHNS.sourceConstraintComponent, SHNS[r.component.removeprefix("sh:")]))
        if r.path and not r.path.startswith(("^", "(")) and " " not in r.path:
            g.add((node, SHNS.resultPath, URIRef(r.path)))
        if r.value is not None:
            g.add((node, SHNS.value, _term(r.value, from_n3)))
        g.add((node, SHNS.resultMessage, Literal(r.message)))
    return g


def _term(text: str, from_n3: Any) -> Any:
    from rdflib import URIRef

    if text.startswith(("http://", "https://", "urn:", "file:")):
        return URIRef(text)
    return from_n3(text)


# --------------------------------------------------------------------------------------------
# presentation


def compact(iri: str | None) -> str:
    """``https://w3id.org/clusterkg/id/x`` -> ``id:x`` (known prefixes), ``""`` for none."""
    from kg.namespace import compact_iri

    if iri is None:
        return ""
    if not iri.startswith(("http", "urn", "file")):
        return iri  # a path expression or a literal, shown as it is
    return compact_iri(iri, _prefixes())


def format_table(result: ValidationResult, width: int | None = None) -> str:
    """Rich tables: a summary per shape and severity, then every result with its quote."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    buf = StringIO()
    console = Console(file=buf, width=width or 160, force_terminal=False, color_system=None)
    counts = result.counts()
    status = "CONFORMS" if result.conforms else "DOES NOT CONFORM"
    console.print(f"SHACL validation ({result.engine}): {status} - "
                  + ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items()))
    if not result.results:
        return buf.getvalue()
    summary = Table(title="Results by shape and severity", show_lines=False)
    for col in ("Severity", "Shape", "Results"):
        summary.add_column(col)
    groups = Counter((r.severity, r.shape_label) for r in result.results)
    ordered = sorted(groups.items(), key=lambda kv: (SEVERITY_ORDER[kv[0][0]], kv[0][1]))
    for (sev, label), n in ordered:
        summary.add_row(sev, label, str(n))
    console.print(summary)
    for (sev, label), _n in ordered:
        table = Table(title=f"{sev}: {label}", show_lines=True)
        for col in ("Focus node", "Path", "Value", "Message", "Quote"):
            table.add_column(col, overflow="fold")
        for r in result.results:
            if (r.severity, r.shape_label) != (sev, label):
                continue
            focus = compact(r.focus) + (f"\n({r.focus_label})" if r.focus_label else "")
            if r.graph and r.graph != "union":
                focus += f"\n[graph {compact(r.graph)}]"
            quote = (r.quote[:200] + "...") if r.quote and len(r.quote) > 200 else (r.quote or "")
            table.add_row(focus, compact(r.path), _short_value(r.value), r.message, quote)
        console.print(table)
    return buf.getvalue()


def _short_value(value: str | None) -> str:
    """A value for the table: compact IRIs, literals without the XSD namespace."""
    if value is None:
        return ""
    if value.startswith("<") and value.endswith(">"):
        return compact(value[1:-1])
    m = re.fullmatch(r'(".*")\^\^<http://www\.w3\.org/2001/XMLSchema#(\w+)>', value, re.S)
    text = f"{m.group(1)}^^xsd:{m.group(2)}" if m else value
    return text if len(text) <= 120 else text[:117] + "..."


def render(result: ValidationResult, fmt: str) -> str:
    """The report as ``table``, ``turtle`` (W3C SHACL report) or ``json``."""
    if fmt == "turtle":
        return result.report_graph.serialize(format="turtle")
    if fmt == "json":
        return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    return format_table(result)


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--endpoint", metavar="URL", help="Validate the graphs of a SPARQL endpoint instead.")
@click.option("--shapes", "shapes_files", multiple=True, type=click.Path(path_type=Path),
              help="Shapes file(s) to use instead of shapes/*.shacl.ttl (repeatable).")
@click.option("--profile", "profiles", multiple=True, type=click.Choice(sorted(PROFILES)),
              help="Add a profile, e.g. eccp (ECCP cluster labelling criteria, warnings only).")
@click.option("--format", "fmt", type=click.Choice(["table", "turtle", "json"]), default="table",
              show_default=True)
@click.option("--output", type=click.Path(path_type=Path), help="Write the report to FILE.")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: shapes compiled to SPARQL on pyoxigraph; pyshacl: the reference.")
@click.option("--timeout", type=float, default=30.0, show_default=True,
              help="Seconds to wait for the SPARQL endpoint.")
def validate_command(
    files: tuple[Path, ...],
    endpoint: str | None,
    shapes_files: tuple[Path, ...],
    profiles: tuple[str, ...],
    fmt: str,
    output: Path | None,
    engine: str,
    timeout: float,
) -> None:
    """Validate RDF files (default build/clusterkg.nq) or an endpoint with the SHACL shapes.

    Exit 0 when there is no violation (warnings are shown), 1 on violations, 2 on unusable
    input (malformed shapes or data file, unreachable endpoint).
    """
    from kg.api import KnowledgeGraph, connect, validate_graph

    if endpoint and files:
        raise InputError("give FILES or --endpoint, not both")
    data: list[Path] | KnowledgeGraph
    if endpoint:
        data = connect(endpoint, timeout=timeout)
    else:
        data = list(files) or [BUILD_DIR / "clusterkg.nq"]
    result = validate_graph(data, shapes=shapes_files, profiles=profiles, engine=engine,
                      timeout=timeout)
    text = render(result, fmt)
    if output:
        from kg.atomic import write_text_atomic

        write_text_atomic(output, text)
        click.echo(f"report written to {output}", err=True)
    else:
        click.echo(text, nl=False)
    if not result.conforms:
        n = len(result.violations)
        raise CheckFailed(f"{n} SHACL violation{'s' if n != 1 else ''}")
