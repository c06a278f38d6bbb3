"""Real SPARQL clients against ``clusterkg serve``: SPARQLWrapper (every return format),
rdflib's SPARQLStore (SELECT, ASK, CONSTRUCT), Apache Jena's ``rsparql`` and Comunica
(``comunica-sparql``, which finds the endpoint through its service description).

Also the dataset semantics of SPARQL 1.1: the default graph as a set, FROM / FROM NAMED,
one ``query`` only, literals with the datatype they were loaded with.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from test_jena_shacl import jena_classpath  # noqa: F401
from test_server import SV, client, mini_build, real_server, server  # noqa: F401

pytestmark = pytest.mark.server

CLIENTS = Path(__file__).parent / "clients"
JSON = {"Accept": "application/sparql-results+json"}
LABELS = {"Silicon Valley", "Кремниевая долина", "Кремний водийси", "Kremniy vodiysi"}
LABEL_QUERY = f"SELECT ?l WHERE {{ <{SV}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}"
CONSTRUCT = f"CONSTRUCT {{ <{SV}> ?p ?o }} WHERE {{ <{SV}> ?p ?o }}"
ONTOLOGY_GRAPH = "https://w3id.org/clusterkg/id/graph/ontology"


def count(client: httpx.Client, query: str, **params: str) -> int:  # noqa: F811
    r = client.get("/sparql", params={"query": query, **params}, headers=JSON)
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


# ----- dataset semantics ------------------------------------------------------------------


def test_default_graph_is_a_set(real_server: str, build_dir: Path) -> None:  # noqa: F811
    """On the real build, where some triples are in more than one graph (18,310 quads, 18,293
    distinct triples when this was written)."""
    import pyoxigraph as ox

    quads = list(ox.parse(path=str(build_dir / "clusterkg.nq"), format=ox.RdfFormat.N_QUADS))
    distinct = len({q.triple for q in quads})
    assert distinct < len(quads)
    with httpx.Client(base_url=real_server, timeout=20) as c:
        assert count(c, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == distinct
        assert count(c, "SELECT (COUNT(DISTINCT *) AS ?n) { ?s ?p ?o }") == distinct
        assert count(c, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }") == len(quads)


def test_from_and_from_named_are_honoured(client: httpx.Client, mini_build: Path) -> None:  # noqa: F811
    import pyoxigraph as ox

    quads = list(ox.parse(path=str(mini_build / "clusterkg.nq"), format=ox.RdfFormat.N_QUADS))
    in_ontology = sum(1 for q in quads if q.graph_name.value == ONTOLOGY_GRAPH)
    q = f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }}"
    assert count(client, q) == in_ontology
    q = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY_GRAPH}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert count(client, q) == in_ontology
    # the protocol's parameters override the query's dataset
    q = "SELECT (COUNT(*) AS ?n) FROM <http://example.org/none> { ?s ?p ?o }"
    assert count(client, q, **{"default-graph-uri": ONTOLOGY_GRAPH}) == in_ontology
    # a graph the store does not hold is empty (nothing is fetched)
    assert count(client, "SELECT (COUNT(*) AS ?n) FROM <http://example.org/none> { ?s ?p ?o }") == 0


def test_repeated_query_is_400(client: httpx.Client) -> None:  # noqa: F811
    r = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20*%20%7B%7D")
    assert r.status_code == 400
    r = client.post("/sparql", content=b"query=ASK%20%7B%7D&query=ASK%20%7B%7D",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert r.status_code == 400


def test_service_description(client: httpx.Client, server: str) -> None:  # noqa: F811
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    g = Graph().parse(data=r.text, format="turtle")
    service = next(g.subjects(URIRef(sd + "endpoint"), URIRef(server + "/sparql")))
    assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    r = client.get("/sparql", headers={"Accept": "text/html"})
    assert r.status_code == 303


def test_literals_keep_their_loaded_datatype(client: httpx.Client) -> None:  # noqa: F811
    ann = "https://w3id.org/clusterkg/id/annotation/bbbbbbbbbbbb"
    for r in (
        client.get("/doc/annotation/bbbbbbbbbbbb.ttl"),
        client.post("/sparql", headers={"Accept": "text/turtle"},
                    data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o "
                                   f'FILTER(STRSTARTS(STR(?s), "{ann}")) }}'}),
    ):  # fmt: skip
        g = Graph().parse(data=r.text, format="turtle")
        offsets = [o for o in g.objects() if isinstance(o, Literal) and o.datatype]
        assert Literal("49", datatype=XSD.nonNegativeInteger) in offsets
        assert all(o.datatype != XSD.integer for o in offsets)


# ----- SPARQLWrapper and rdflib -----------------------------------------------------------


def test_sparqlwrapper_every_format(server: str) -> None:  # noqa: F811
    from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

    for method in ("GET", "POST"):
        for fmt in (JSON, XML, CSV, TSV):
            w = SPARQLWrapper(server + "/sparql")
            w.setMethod(method)
            w.setQuery(LABEL_QUERY)
            w.setReturnFormat(fmt)
            result = w.query().convert()
            if fmt == XML:
                text = result.toxml()
            else:
                text = json.dumps(result) if fmt == JSON else result.decode()
            assert "Silicon Valley" in text, (method, fmt)
        for fmt in (TURTLE, N3, RDFXML, JSONLD, XML):
            w = SPARQLWrapper(server + "/sparql")
            w.setMethod(method)
            w.setQuery(CONSTRUCT)
            w.setReturnFormat(fmt)
            result = w.query().convert()
            g = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
            assert len(g) == 9, (method, fmt)
        w = SPARQLWrapper(server + "/sparql")
        w.setMethod(method)
        w.setQuery(f"ASK {{ <{SV}> ?p ?o }}")
        w.setReturnFormat(JSON)
        assert w.query().convert()["boolean"] is True


def test_rdflib_sparqlstore(server: str) -> None:  # noqa: F811
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = Graph(SPARQLStore(server + "/sparql"))
    assert {str(row[0]) for row in g.query(LABEL_QUERY)} == LABELS
    assert len(g.query(CONSTRUCT).graph) == 9
    assert g.query(f"ASK {{ <{SV}> ?p ?o }}").askAnswer is True
    assert (URIRef(SV), None, None) in g


# ----- Apache Jena ------------------------------------------------------------------------


def test_jena_rsparql(server: str, jena_classpath: str, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "select.rq").write_text(LABEL_QUERY)
    (tmp_path / "construct.rq").write_text(CONSTRUCT)

    def rsparql(query: str, results: str) -> str:
        proc = subprocess.run(
            ["java", "-cp", jena_classpath, "arq.rsparql", "--service", server + "/sparql",
             "--query", str(tmp_path / query), "--results", results],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-500:]
        return proc.stdout

    rows = json.loads(rsparql("select.rq", "json"))["results"]["bindings"]
    assert {r["l"]["value"] for r in rows} == LABELS
    assert {r["l"]["xml:lang"] for r in rows} == {"en", "ru", "uz-cyrl", "uz-latn"}
    assert "Silicon Valley" in rsparql("select.rq", "tsv")
    g = Graph().parse(data=rsparql("construct.rq", "ttl"), format="turtle")
    assert len(g) == 9


# ----- Comunica ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def comunica() -> str:
    """``comunica-sparql`` (npm ``@comunica/query-sparql``, pinned in tests/clients/), installed
    once into a cache folder; a loud skip only when Node or npm is missing."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("NODE/NPM NOT INSTALLED: Comunica cannot run")
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "clusterkg-clients"
    binary = cache / "node_modules" / ".bin" / "comunica-sparql"
    if not binary.exists():
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copy(CLIENTS / "package.json", cache / "package.json")
        proc = subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=cache,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-800:]
    return str(binary)


def test_comunica_finds_and_queries_the_endpoint(server: str, comunica: str) -> None:  # noqa: F811
    def run(query: str, media: str) -> str:
        proc = subprocess.run([comunica, server + "/sparql", query, "-t", media],
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-800:]
        return proc.stdout

    rows = json.loads(run(LABEL_QUERY, "application/sparql-results+json"))["results"]["bindings"]
    assert {r["l"]["value"] for r in rows} == LABELS
    counted = run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert int(json.loads(counted)["results"]["bindings"][0]["n"]["value"]) > 0
    assert len(Graph().parse(data=run(CONSTRUCT, "application/n-triples"), format="nt")) == 9
    assert "true" in run(f"ASK {{ <{SV}> ?p ?o }}", "simple")
