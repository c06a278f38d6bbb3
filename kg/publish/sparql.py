"""The read-only SPARQL 1.1 query service behind ``clusterkg serve`` (run in a worker process).

- The dataset: without ``FROM`` / ``FROM NAMED`` or graph parameters the default graph is
  the RDF merge of the named graphs (a set, :mod:`kg.publish.snapshot`); ``FROM`` and
  ``FROM NAMED`` in the query are honoured; ``default-graph-uri`` / ``named-graph-uri``
  override them (SPARQL 1.1 Protocol 2.1.4), and when only one kind is given the other part
  of the dataset is empty. Graphs are the store's: nothing is fetched.
- ``SERVICE`` is refused before the query runs unless its host is allowed
  (:mod:`kg.publish.federation`).
- Results are serialised by pyoxigraph into a size-capped buffer (413 over the limit);
  CONSTRUCT and DESCRIBE give literals back as they were loaded.
- The service description (``sd:Service``) answers a GET without a query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any, cast

from kg.publish.conneg import negotiate
from kg.publish.federation import ServiceRefused, check_service
from kg.publish.render import TermView, render, term_view
from kg.publish.site import Reply, Settings, html_reply, text_reply

SOLUTION_TYPES: dict[str, str] = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
    "application/xml": "XML",
    "text/html": "HTML",
}
BOOLEAN_TYPES: dict[str, str] = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/json": "JSON",
    "application/xml": "XML",
    "text/html": "HTML",
}
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
    "application/n-quads": "N_QUADS",
    "application/trig": "TRIG",
    "text/n3": "N3",
    "application/x-turtle": "TURTLE",
    "application/turtle": "TURTLE",
    "text/html": "HTML",
    "text/plain": "N_TRIPLES",
}
#: ``format=`` values (non-standard; SPARQLWrapper sends them) -> media type, per result kind
SOLUTION_ALIASES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "html": "text/html",
}
GRAPH_ALIASES: dict[str, str] = {
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "n3": "text/n3",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "json": "application/ld+json",
    "html": "text/html",
}
HTML_ROW_LIMIT = 2000


@dataclass
class QueryRequest:
    """One SPARQL query to run, with what the client accepts (graph IRIs already valid)."""

    query: str
    accept: str | None = None
    format: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


class ResultTooLarge(Exception):
    """Raised by :class:`CappedBuffer` when the result exceeds the byte limit."""


def _as_io(buffer: CappedBuffer) -> IO[bytes]:
    """The buffer as pyoxigraph's serialisers see it: something with ``write(bytes)``."""
    return cast("IO[bytes]", buffer)


class CappedBuffer:
    """A binary writer that raises :class:`ResultTooLarge` past ``limit`` bytes."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush (file-like protocol)."""

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _too_large(limit: int) -> Reply:
    return text_reply(
        413, f"result larger than {limit} bytes: add a LIMIT (or ask for fewer columns)"
    )


def _dataset(req: QueryRequest) -> dict[str, Any]:
    import pyoxigraph as ox

    if not (req.default_graphs or req.named_graphs):
        return {}  # the query's FROM / FROM NAMED, else the merged default graph
    return {
        "default_graph": [ox.NamedNode(g) for g in req.default_graphs],
        "named_graphs": [ox.NamedNode(g) for g in req.named_graphs],
    }


def _choose(req: QueryRequest, offers: dict[str, str], aliases: dict[str, str]) -> str | Reply:
    """The media type of the answer: ``format=`` when it names an offered type, else by
    ``Accept`` (a ``format`` that does not fit the result kind is ignored, as clients such as
    SPARQLWrapper send one for every query)."""
    if req.format:
        wanted = aliases.get(req.format.lower(), req.format.lower())
        if wanted in offers:
            return wanted
    media = negotiate(req.accept, list(offers))
    if not media:
        return text_reply(406, f"none of the accepted types is offered: {', '.join(offers)}")
    return media


def execute(snapshot: Any, req: QueryRequest, settings: Settings) -> Reply:
    """Run ``req`` on the snapshot's store and serialise the result as negotiated."""
    import pyoxigraph as ox

    try:
        check_service(req.query, settings.allowed_service_hosts)
    except ServiceRefused as err:
        return text_reply(403, str(err))
    try:
        # relative IRIs resolve against the endpoint (SPARQL 1.1 Protocol 2.1.1)
        base = settings.base_url + "/sparql"
        result = snapshot.data.query(req.query, base_iri=base, **_dataset(req))
    except SyntaxError as err:
        return text_reply(400, f"malformed query: {err}")
    except (ValueError, OSError) as err:
        return text_reply(400, f"query failed: {err}")

    limit = settings.max_result_bytes
    if isinstance(result, ox.QueryTriples):
        offers, aliases = GRAPH_TYPES, GRAPH_ALIASES
    elif isinstance(result, ox.QueryBoolean):
        offers, aliases = BOOLEAN_TYPES, SOLUTION_ALIASES
    else:
        offers, aliases = SOLUTION_TYPES, SOLUTION_ALIASES
    media = _choose(req, offers, aliases)
    if isinstance(media, Reply):
        return media
    kind = offers[media]
    buffer: Any = CappedBuffer(limit)  # a binary writer for pyoxigraph
    try:
        if kind == "HTML":
            return _html(result, snapshot, settings)
        if isinstance(result, ox.QueryTriples):
            ox.serialize(snapshot.originals(result), _as_io(buffer),
                         format=getattr(ox.RdfFormat, kind))
        else:
            result.serialize(_as_io(buffer), format=getattr(ox.QueryResultsFormat, kind))
        body = buffer.getvalue()
    except ResultTooLarge:
        return _too_large(limit)
    except (ValueError, OSError) as err:
        if buffer.size > buffer.limit:
            return _too_large(limit)
        return text_reply(400, f"query failed: {err}")
    charset = "; charset=utf-8" if media.startswith("text/") or "json" in media else ""
    return Reply(200, media + charset, body or b"")


def _html(result: Any, snapshot: Any, settings: Settings) -> Reply:
    import pyoxigraph as ox

    base, limit = settings.base_url, settings.max_result_bytes
    common: dict[str, Any] = {
        "base_url": base, "title": "SPARQL results", "lang": "en", "boolean": None,
        "turtle": None, "variables": [], "rows": [], "truncated": False,
    }  # fmt: skip
    if isinstance(result, ox.QueryBoolean):
        common["boolean"] = bool(result)
    elif isinstance(result, ox.QueryTriples):
        buffer = CappedBuffer(limit)
        ox.serialize(snapshot.originals(result), _as_io(buffer), format=ox.RdfFormat.TURTLE)
        common["turtle"] = buffer.getvalue().decode("utf-8")
    else:
        variables = [v.value for v in result.variables]
        rows: list[list[TermView]] = []
        size = 0
        for solution in result:
            if len(rows) >= HTML_ROW_LIMIT:
                common["truncated"] = True
                break
            row = [term_view(solution[v], base) for v in variables]
            size += sum(len(c.text) + len(c.href or "") for c in row)
            if size > limit:
                raise ResultTooLarge
            rows.append(row)
        common.update(variables=variables, rows=rows)
    return html_reply(render("results.html", **common))


SD = "http://www.w3.org/ns/sparql-service-description#"


def service_description(settings: Settings, media: str, fmt: str) -> Reply:
    """The SPARQL 1.1 Service Description of the endpoint (``sd:Service``)."""
    import pyoxigraph as ox

    endpoint = ox.NamedNode(settings.base_url + "/sparql")
    service = ox.BlankNode("service")
    dataset, graph = ox.BlankNode("dataset"), ox.BlankNode("default")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def sd(name: str) -> Any:
        return ox.NamedNode(SD + name)

    formats = [
        "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
        "http://www.w3.org/ns/formats/SPARQL_Results_XML",
        "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
        "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
        "http://www.w3.org/ns/formats/Turtle",
        "http://www.w3.org/ns/formats/N-Triples",
        "http://www.w3.org/ns/formats/RDF_XML",
        "http://www.w3.org/ns/formats/JSON-LD",
    ]
    triples = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), endpoint),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("feature"), sd("BasicFederatedQuery"))
        if settings.allowed_service_hosts
        else None,
        *(ox.Triple(service, sd("resultFormat"), ox.NamedNode(f)) for f in formats),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), graph),
        ox.Triple(graph, rdf_type, sd("Graph")),
        ox.Triple(
            dataset,
            ox.NamedNode("http://rdfs.org/ns/void#sparqlEndpoint"),
            endpoint,
        ),
        ox.Triple(
            service,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
            ox.NamedNode(settings.base_url + "/void"),
        ),
    ]
    body = ox.serialize(
        [t for t in triples if t is not None],
        format=getattr(ox.RdfFormat, fmt),
        prefixes={"sd": SD} if fmt in {"TURTLE", "RDF_XML"} else None,
    )
    charset = "; charset=utf-8" if media.startswith("text/") or "json" in media else ""
    return Reply(200, media + charset, body or b"")
