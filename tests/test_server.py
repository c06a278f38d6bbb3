"""``clusterkg serve``: a real uvicorn server on a free loopback port, real HTTP requests.

Covers the Cool-URIs 303 recipe, content negotiation per media type, 406/404,
Accept-Language, the SPARQL 1.1 Protocol in every result format, refusal of updates, the
query-length, result-size and time limits, VoID, dumps, the landing page, and the HTML pages
rendered by headless Chromium (screenshots in test-artifacts/).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS, VOID

from kg.paths import QUERIES_DIR, ROOT
from kg.publish.dumps import ONTOLOGY_GRAPH, write_dumps

pytestmark = pytest.mark.server

FIXTURE = Path(__file__).parent / "fixtures" / "publish" / "mini.trig"
ARTIFACTS = ROOT / "test-artifacts"
SV = "https://w3id.org/clusterkg/id/cluster/silicon-valley"
TIMEOUT_S = 2
MAX_RESULT_BYTES = 20_000
LABEL_QUERY = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    f'SELECT ?l WHERE {{ <{SV}> skos:prefLabel ?l FILTER(LANG(?l) = "en") }}'
)
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ds = Dataset()
    ds.parse(FIXTURE, format="trig")
    out = tmp_path_factory.mktemp("serve") / "build"
    write_dumps(ds, out)
    if shutil.which("dot"):  # the ontology documentation, as `clusterkg ontology docs` writes it
        from kg.publish.docs import write_docs

        write_docs(out / "docs", FIXTURE.parent / "onto-v2.ttl", vocab_dir=None)
    return out


#: how long ``clusterkg serve`` may take to answer its first request (it opens its snapshot and
#: pre-renders pages first): generous, since a loaded machine is slow; left as soon as it answers
SERVE_START_S = 180.0


def start_serve(build: Path, *options: str,
                probe: str = "/sparql?query=ASK%7B%7D") -> tuple[subprocess.Popen[bytes], str]:
    """Start ``clusterkg serve --build build *options`` on a free loopback port; return the
    process and its base URL once ``probe`` answers 200."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "kg.cli", "serve", "--build", str(build), "--port", str(port),
           *options]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVE_START_S
    while True:
        try:
            if httpx.get(base + probe, timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out = proc.stdout.read().decode() if proc.stdout else ""
            pytest.fail(f"clusterkg serve did not answer {probe} within {SERVE_START_S:g} s: {out}")
        time.sleep(0.2)


def start_server(build: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``clusterkg serve`` with the limits these tests check, once its front page answers."""
    return start_serve(build, "--query-timeout", str(TIMEOUT_S), "--max-result-bytes",
                       str(MAX_RESULT_BYTES), "--workers", "2", probe="/")  # fmt: skip


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.fixture(scope="module")
def server(mini_build: Path) -> Iterator[str]:
    proc, base = start_server(mini_build)
    yield base
    stop_server(proc)


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=20, follow_redirects=False) as c:
        yield c


# ----- 303 and content negotiation -------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "ext"),
    [
        ("text/html", "html"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdf"),
        ("application/n-triples", "nt"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("text/turtle;q=0.5, application/rdf+xml;q=0.9", "rdf"),
        ("*/*", "html"),
        ("text/*", "html"),
        ("text/html;q=0, text/turtle;q=0.1", "ttl"),
    ],
)
def test_thing_redirects_303_by_accept(
    client: httpx.Client, server: str, accept: str, ext: str
) -> None:
    r = client.get("/id/cluster/silicon-valley", headers={"Accept": accept})
    assert r.status_code == 303
    assert r.headers["location"] == f"{server}/doc/cluster/silicon-valley.{ext}"
    assert "Accept" in r.headers["vary"]


def test_no_accept_header_gets_html(client: httpx.Client, server: str) -> None:
    r = client.get("/id/cluster/silicon-valley", headers={"Accept": ""})
    assert r.status_code == 303
    assert r.headers["location"].endswith(".html")


EXPECTED_SV_TRIPLES = 11  # 9 about it (type, 4 labels, 2 links, 2 relations) + 2 pointing at it


@pytest.mark.parametrize(
    ("ext", "media", "fmt"),
    [
        ("ttl", "text/turtle", "turtle"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("rdf", "application/rdf+xml", "xml"),
        ("nt", "application/n-triples", "nt"),
    ],
)
def test_documents_by_extension(client: httpx.Client, ext: str, media: str, fmt: str) -> None:
    for prefix in ("/doc/", "/id/"):
        r = client.get(f"{prefix}cluster/silicon-valley.{ext}")
        assert r.status_code == 200
        assert r.headers["content-type"].split(";")[0] == media
        g = Graph().parse(data=r.content, format=fmt)
        assert len(g) == EXPECTED_SV_TRIPLES
        assert (URIRef(SV), SKOS.prefLabel, Literal("Silicon Valley", lang="en")) in g
        assert (
            URIRef(SV),
            SKOS.exactMatch,
            URIRef("http://dbpedia.org/resource/Silicon_Valley"),
        ) in g


@pytest.mark.parametrize(
    ("accept", "media"),
    [("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"),
     ("application/rdf+xml", "application/rdf+xml"), ("application/n-triples",
     "application/n-triples"), ("text/html", "text/html"), ("application/json",
     "application/ld+json")],
)  # fmt: skip
def test_document_negotiates_with_content_location(
    client: httpx.Client, server: str, accept: str, media: str
) -> None:
    r = client.get("/doc/cluster/silicon-valley", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert r.headers["content-location"].startswith(f"{server}/doc/cluster/silicon-valley.")


@pytest.mark.parametrize(
    "path", ["/id/cluster/silicon-valley", "/doc/cluster/silicon-valley", "/ontology", "/void"]
)
def test_406_when_nothing_offered_fits(client: httpx.Client, path: str) -> None:
    r = client.get(path, headers={"Accept": "image/png, application/pdf"})
    assert r.status_code == 406
    assert "text/turtle" in r.text


@pytest.mark.parametrize(
    "path",
    [
        "/id/cluster/atlantis",
        "/doc/cluster/atlantis.ttl",
        "/id/nothing",
        "/dumps/secret.txt",
        "/ontology.exe",
    ],
)
def test_404_for_unknown(client: httpx.Client, path: str) -> None:
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404


def test_hash_iris_are_in_the_annotation_document(client: httpx.Client) -> None:
    r = client.get("/id/annotation/bbbbbbbbbbbb.ttl")
    g = Graph().parse(data=r.text, format="turtle")
    quote = URIRef("https://w3id.org/clusterkg/id/annotation/bbbbbbbbbbbb#quote")
    exact = g.value(quote, URIRef("http://www.w3.org/ns/oa#exact"))
    assert str(exact) == "Stanford University is a member of Silicon Valley"


def test_ontology_hash_namespace(client: httpx.Client, server: str) -> None:
    r = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 303
    assert r.headers["location"] == f"{server}/ontology.ttl"
    r = client.get("/ontology.ttl")
    assert r.headers["content-type"].startswith("text/turtle")
    expected = Dataset()
    expected.parse(FIXTURE, format="trig")
    assert isomorphic(Graph().parse(data=r.text, format="turtle"), expected.graph(ONTOLOGY_GRAPH))
    html = client.get("/ontology.html").text
    assert 'id="Cluster"' in html and "ck:hasMember" in html


# ----- HTML pages and Accept-Language ---------------------------------------------------------


@pytest.mark.parametrize(
    ("iri_path", "accept_language", "title", "lang"),
    [
        ("cluster/silicon-valley", "ru", "Кремниевая долина", "ru"),
        ("cluster/silicon-valley", "uz-Cyrl", "Кремний водийси", "uz-Cyrl"),
        ("cluster/silicon-valley", "uz-Latn,ru;q=0.5", "Kremniy vodiysi", "uz-Latn"),
        ("cluster/silicon-valley", "de-DE, en;q=0.7", "Silicon Valley", "en"),
        ("cluster/silicon-valley", "", "Silicon Valley", "en"),
        ("org/stanford-university", "uz-Cyrl, ru;q=0.3", "Стэнфордский университет", "ru"),
        ("org/stanford-university", "uz-Latn", "Stanford University", "en"),
    ],
)
def test_html_labels_follow_accept_language(
    client: httpx.Client, iri_path: str, accept_language: str, title: str, lang: str
) -> None:
    r = client.get(f"/doc/{iri_path}.html", headers={"Accept-Language": accept_language})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["content-language"] == lang
    assert f'<h1 lang="{lang}">{title}</h1>' in r.text
    assert f'<html lang="{lang}">' in r.text


def test_html_shows_facts_with_quotes(client: httpx.Client) -> None:
    html = client.get("/doc/cluster/silicon-valley.html").text
    assert "Facts with evidence (1)" in html
    assert (
        '<blockquote lang="en">Stanford University is a member of Silicon Valley</blockquote>'
        in html
    )
    assert "[0–49]" in html
    assert "qb:Observation" in html


# ----- SPARQL protocol ----------------------------------------------------------------------

SELECT_FORMATS = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
]


def _label_from(body: str, kind: str) -> str:
    if kind == "json":
        return json.loads(body)["results"]["bindings"][0]["l"]["value"]
    if kind == "xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        return ET.fromstring(body).find(".//r:literal", ns).text  # type: ignore[union-attr]
    if kind == "csv":
        return list(csv.reader(io.StringIO(body)))[1][0]
    return body.splitlines()[1]


@pytest.mark.parametrize(("media", "kind"), SELECT_FORMATS)
@pytest.mark.parametrize("method", ["GET", "POST-form", "POST-direct"])
def test_sparql_select_every_format(
    client: httpx.Client, media: str, kind: str, method: str
) -> None:
    headers = {"Accept": media}
    if method == "GET":
        r = client.get("/sparql", params={"query": LABEL_QUERY}, headers=headers)
    elif method == "POST-form":
        r = client.post("/sparql", data={"query": LABEL_QUERY}, headers=headers)
    else:
        r = client.post(
            "/sparql",
            content=LABEL_QUERY.encode(),
            headers={**headers, "Content-Type": "application/sparql-query"},
        )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    expected = '"Silicon Valley"@en' if kind == "tsv" else "Silicon Valley"
    assert _label_from(r.text, kind) == expected


@pytest.mark.parametrize(
    ("media", "fmt"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"),
     ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")],
)  # fmt: skip
def test_sparql_construct_formats(client: httpx.Client, media: str, fmt: str) -> None:
    query = f"CONSTRUCT {{ <{SV}> ?p ?o }} WHERE {{ <{SV}> ?p ?o }}"
    r = client.post("/sparql", data={"query": query}, headers={"Accept": media})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert len(Graph().parse(data=r.content, format=fmt)) == 9


def test_sparql_ask_and_format_parameter(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": f"ASK {{ <{SV}> ?p ?o }}", "format": "json"})
    assert r.json() == {"head": {}, "boolean": True}
    r = client.get("/sparql", params={"query": LABEL_QUERY, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")


def test_sparql_406_and_400(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": LABEL_QUERY}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert client.get("/sparql", params={"query": "SELEKT nothing"}).status_code == 400
    assert client.get("/sparql", headers={"Accept": "application/json"}).status_code == 400


def test_sparql_named_graph_parameters(client: httpx.Client) -> None:
    q = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    graph = "https://w3id.org/clusterkg/id/graph/lexicon"
    r = client.get(
        "/sparql",
        params={"query": q, "default-graph-uri": graph},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "15"


def _count(client: httpx.Client) -> int:
    r = client.get(
        "/sparql",
        params={"query": COUNT_QUERY},
        headers={"Accept": "application/sparql-results+json"},
    )
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_updates_are_refused_and_data_unchanged(client: httpx.Client) -> None:
    before = _count(client)
    assert before == 94
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"
    drop = "DROP ALL"
    r = client.post("/sparql", data={"update": update})
    assert r.status_code == 403 and "read-only" in r.text
    r = client.post(
        "/sparql", content=drop.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    assert r.status_code == 403
    assert client.get("/sparql", params={"update": drop}).status_code == 403
    assert client.post("/sparql", data={"query": update}).status_code == 400
    assert (
        client.post("/sparql", content=b"<x/>", headers={"Content-Type": "text/xml"}).status_code
        == 415
    )
    assert _count(client) == before


def test_over_long_query_refused(client: httpx.Client) -> None:
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 10_000
    assert client.get("/sparql", params={"query": long_query}).status_code == 414
    assert client.post("/sparql", data={"query": long_query}).status_code == 413
    r = client.post(
        "/sparql", content=long_query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 413


def test_result_size_limit(client: httpx.Client) -> None:
    r = client.get(
        "/sparql",
        params={"query": "SELECT * { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 413
    assert "LIMIT" in r.text
    r = client.get(
        "/sparql",
        params={"query": "SELECT * { ?s ?p ?o } LIMIT 10"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 10


def test_time_limit_stops_query_and_endpoint_recovers(client: httpx.Client) -> None:
    started = time.monotonic()
    r = client.get("/sparql", params={"query": SLOW_QUERY})
    elapsed = time.monotonic() - started
    assert r.status_code == 503
    assert "time limit" in r.text
    assert TIMEOUT_S <= elapsed < TIMEOUT_S + 3
    # the killed worker is replaced: queries still work
    assert _count(client) == 94


# ----- VoID, dumps, landing page --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/void", "/.well-known/void", "/dcat"])
def test_void_served(client: httpx.Client, path: str) -> None:
    r = client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    ds = URIRef("https://w3id.org/clusterkg/void#clusterkg")
    assert (ds, RDF.type, VOID.Dataset) in g
    assert int(g.value(ds, VOID.triples)) == 94


def test_dumps_served_byte_identical(client: httpx.Client, mini_build: Path) -> None:
    r = client.get("/dumps/clusterkg.nq")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/n-quads")
    assert r.content == (mini_build / "clusterkg.nq").read_bytes()
    r = client.get("/dumps/SHA256SUMS")
    assert "clusterkg.nq" in r.text
    assert "clusterkg.trig" in client.get("/dumps/").text


def test_docs_served(client: httpx.Client, server: str, mini_build: Path) -> None:
    if not (mini_build / "docs").is_dir():
        pytest.skip("GRAPHVIZ 'dot' NOT FOUND: no docs written")
    r = client.get("/docs")
    assert r.status_code == 301 and r.headers["location"] == f"{server}/docs/"
    r = client.get("/docs/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "clusterkg test ontology" in r.text
    r = client.get("/docs/diagram.svg")
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert client.get("/docs/%2e%2e/void.ttl").status_code == 404


def test_mapping_sets_served_at_their_ids(client: httpx.Client) -> None:
    from kg.paths import MAPPINGS_DIR

    r = client.get("/mappings/ontology")  # mapping_set_id .../mappings/ontology
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    assert r.content == (MAPPINGS_DIR / "clusterkg-ontology.sssom.tsv").read_bytes()
    assert "mappings/entities" in client.get("/mappings/").text
    assert client.get("/mappings/nothing").status_code == 404


def test_html_results_link_to_this_server(client: httpx.Client, server: str) -> None:
    query = f"SELECT ?s WHERE {{ ?s ?p <{SV}> }}"
    r = client.get("/sparql", params={"query": query, "format": "html"})
    assert r.status_code == 200
    assert f'href="{server}/id/fact/aaaaaaaaaaaa"' in r.text


def test_landing_page_lists_stored_queries(client: httpx.Client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    stored = sorted((QUERIES_DIR / "cq").glob("*.rq"))
    assert r.text.count('class="load"') == len(stored)
    assert 'action="' in r.text and "/sparql" in r.text
    assert "Silicon Valley" in r.text


def test_entity_page_latency(client: httpx.Client) -> None:
    client.get("/doc/cluster/silicon-valley.html")
    started = time.perf_counter()
    for _ in range(20):
        assert client.get("/doc/cluster/silicon-valley.html").status_code == 200
    per_request = (time.perf_counter() - started) / 20
    print(f"entity HTML page: {per_request * 1000:.1f} ms per request")
    assert per_request < 0.5


# ----- HTTP caching of the release -----------------------------------------------------------


def test_pages_carry_validators_and_revalidate_with_304(client: httpx.Client) -> None:
    first = client.get("/doc/cluster/silicon-valley.ttl")
    assert first.status_code == 200
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"') and first.headers["cache-control"].startswith("public, max-age=")
    again = client.get("/doc/cluster/silicon-valley.ttl")  # from the front's cache
    assert again.headers["server-timing"] == 'cache;desc="hit"'
    assert again.content == first.content and again.headers["etag"] == etag
    for validators in ({"If-None-Match": etag}, {"If-None-Match": f'"x", W/{etag}'},
                       {"If-Modified-Since": modified}):  # fmt: skip
        r = client.get("/doc/cluster/silicon-valley.ttl", headers=validators)
        assert r.status_code == 304 and r.content == b"", validators
        assert r.headers["etag"] == etag and "content-type" not in r.headers
    stale = {"If-None-Match": '"something-else"'}
    assert client.get("/doc/cluster/silicon-valley.ttl", headers=stale).status_code == 200
    before = {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    assert client.get("/doc/cluster/silicon-valley.ttl", headers=before).status_code == 200


def test_cached_answers_keep_their_variants(client: httpx.Client) -> None:
    """The cache keys on Accept and Accept-Language, as the answers vary on them."""
    turtle = client.get("/doc/cluster/silicon-valley", headers={"Accept": "text/turtle"})
    html = client.get("/doc/cluster/silicon-valley", headers={"Accept": "text/html"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert html.headers["content-type"].startswith("text/html")
    assert turtle.headers["etag"] != html.headers["etag"]
    for _ in range(2):
        ru = client.get("/doc/cluster/silicon-valley.html", headers={"Accept-Language": "ru"})
        en = client.get("/doc/cluster/silicon-valley.html", headers={"Accept-Language": "en"})
        assert (ru.headers["content-language"], en.headers["content-language"]) == ("ru", "en")
    assert ru.headers.get("server-timing") == 'cache;desc="hit"'


def test_errors_and_queries_are_not_kept(client: httpx.Client) -> None:
    for _ in range(2):
        missing = client.get("/doc/cluster/no-such-cluster.ttl")
        query = client.get("/sparql", params={"query": LABEL_QUERY}, headers={"Accept": "text/csv"})
    assert missing.status_code == 404 and "etag" not in missing.headers
    assert "server-timing" not in missing.headers
    assert query.status_code == 200 and "etag" in query.headers  # validators, but run again
    assert query.headers["server-timing"].startswith("query;dur=")


def test_replies_larger_than_a_pipe_buffer(client: httpx.Client) -> None:
    """A worker's reply of several pipe buffers arrives whole (read as a stream)."""
    r = client.get("/")
    assert r.status_code == 200 and len(r.content) > 2 * 65536
    assert r.text.rstrip().endswith("</html>")


def test_front_processes_share_the_port_and_stop_together(mini_build: Path) -> None:
    # the probe asks for another document: the first answer of .ttl on either front is then
    # the pre-rendered one, not a copy the probe left in that front's cache ("hit")
    proc, base = start_serve(mini_build, "--fronts", "2", "--workers", "2",
                             probe="/doc/cluster/silicon-valley.html")
    try:
        r = httpx.get(f"{base}/doc/cluster/silicon-valley.ttl")
        assert r.status_code == 200 and "Silicon Valley" in r.text
        # the documents pre-rendered once before the fronts started serve every front
        assert r.headers["server-timing"] == 'cache;desc="prerendered"'
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        fronts = [c for c in children if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()]
        assert len(fronts) == 2
    finally:
        stop_server(proc)
    time.sleep(1)
    assert not [c for c in fronts if Path(f"/proc/{c}").exists()], "a front outlived the server"


# ----- headless Chromium --------------------------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("CHROMIUM NOT FOUND: HTML pages not checked in a real browser")


def _chrome(args: list[str], url: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", "--window-size=1280,900", *args, url,
        ]  # fmt: skip
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("path", "shot", "needle"),
    [
        ("/doc/cluster/silicon-valley.html", "entity-silicon-valley.png",
         "Stanford University is a member of Silicon Valley"),
        ("/", "landing.png", "Stored competency questions"),
    ],
)  # fmt: skip
def test_pages_in_headless_chromium(server: str, path: str, shot: str, needle: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    dom = _chrome(["--dump-dom"], server + path)
    assert needle in dom.stdout
    assert "<h1" in dom.stdout
    target = ARTIFACTS / shot
    target.unlink(missing_ok=True)
    _chrome([f"--screenshot={target}"], server + path)
    assert target.is_file() and target.stat().st_size > 10_000


# ----- the real build ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_server(request: pytest.FixtureRequest) -> Iterator[str]:
    pytest.importorskip("kg.pipeline", reason="kg.pipeline not there yet: no real build")
    proc, base = start_server(request.getfixturevalue("build_dir"))
    yield base
    stop_server(proc)


def test_real_build_served(real_server: str) -> None:
    with httpx.Client(base_url=real_server, timeout=20) as c:
        r = c.get("/id/cluster/silicon-valley", headers={"Accept": "text/turtle"})
        assert r.status_code == 303
        r = c.get("/doc/cluster/silicon-valley.html", headers={"Accept-Language": "ru"})
        assert r.status_code == 200
        assert r.headers["content-language"] == "ru"
        assert "Facts with evidence" in r.text
        assert r.text.count("<blockquote") >= 10
        started = time.perf_counter()
        for path in ("/doc/cluster/silicon-valley.html", "/doc/place/usa.html",
                     "/doc/org/stanford-university.html"):  # fmt: skip
            assert c.get(path).status_code == 200
        per_page = (time.perf_counter() - started) / 3
        print(f"real build: {per_page * 1000:.0f} ms per entity page")
        assert per_page < 1.0
        query = (
            "PREFIX org: <http://www.w3.org/ns/org#> "
            "SELECT ?m WHERE { ?x a org:Membership ; org:organization "
            "<https://w3id.org/clusterkg/id/cluster/silicon-valley> ; org:member ?m }"
        )
        r = c.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
        assert r.status_code == 200
        assert "https://w3id.org/clusterkg/id/org/stanford-university" in r.text
