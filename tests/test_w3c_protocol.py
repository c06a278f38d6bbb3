"""The W3C SPARQL 1.1 Protocol tests that apply to a read-only query endpoint, as real HTTP.

Each test's requests (method, path, headers, body) are sent as written in the manifest
(``tests/data/w3c-sparql-protocol/``, see its README) to ``clusterkg serve`` over a build
that holds the manifest's graph data as named graphs; the status class, the result format
(boolean, tabular, RDF) and the boolean are checked.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from test_server import start_serve, stop_server

pytestmark = pytest.mark.server

SUITE = Path(__file__).parent / "data" / "w3c-sparql-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
#: positive update tests: they expect an update to succeed, which a read-only endpoint refuses
NOT_APPLICABLE = {
    "update_dataset_default_graph", "update_dataset_default_graphs",
    "update_dataset_named_graphs", "update_dataset_full", "update_post_form",
    "update_post_direct", "update_base_uri",
}  # fmt: skip


@dataclass
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    statuses: set[str]
    result_format: str | None
    boolean: bool | None


def manifest() -> tuple[Graph, list[str]]:
    g = Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=str(SUITE) + "/")
    manifest_node = next(g.subjects(RDF.type, MF.Manifest))
    entries = Collection(g, g.value(manifest_node, MF.entries))
    return g, [str(e) for e in entries]


def exchanges(g: Graph, test: str) -> list[Exchange]:
    from rdflib import URIRef

    action = g.value(URIRef(test), MF.action)
    out = []
    for request in Collection(g, g.value(action, HT.requests)):
        headers = {}
        header_list = g.value(request, HT.headers)
        if header_list is not None:
            for h in Collection(g, header_list):
                headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
        body = g.value(request, HT.body)
        response = g.value(request, HT.resp)
        expected_boolean = g.value(response, MF.expectedBoolean)
        out.append(Exchange(
            method=str(g.value(request, HT.methodName)),
            path=str(g.value(request, HT.absolutePath)),
            headers=headers,
            body=str(g.value(body, CNT.chars)) if body is not None else None,
            statuses={str(s).removeprefix(HTS) for s in g.objects(response, MF.expectedStatus)},
            result_format=str(f) if (f := g.value(response, MF.expectedFormat)) else None,
            boolean=expected_boolean.toPython() if expected_boolean is not None else None,
        ))  # fmt: skip
    return out


def graph_data(g: Graph) -> bytes:
    """Every ``ut:graphData`` file as N-Quads in the graph named by its label."""
    lines: dict[str, None] = {}
    for _, _, data in g.triples((None, UT.graphData, None)):
        name = str(g.value(data, RDFS.label))
        path = Path(str(g.value(data, UT.graph)).removeprefix("file://"))
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                lines[line.rstrip().removesuffix(".").rstrip() + f" <{name}> ."] = None
    return ("\n".join(lines) + "\n").encode()


G, TESTS = manifest()
APPLICABLE = [t for t in TESTS if t.rsplit("#", 1)[-1] not in NOT_APPLICABLE]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    build = tmp_path_factory.mktemp("w3c") / "build"
    build.mkdir()
    (build / "clusterkg.nq").write_bytes(graph_data(G))
    proc, base = start_serve(build, "--workers", "2")
    yield base.removeprefix("http://")
    stop_server(proc)


def test_the_suite_is_all_there() -> None:
    assert len(TESTS) == 34 and len(APPLICABLE) == 27


def result_format(ctype: str, body: bytes) -> str | None:
    media = ctype.split(";")[0].strip().lower()
    if media in {"application/sparql-results+json", "application/json"}:
        return "boolean" if "boolean" in json.loads(body) else "tabular"
    if media in {"application/sparql-results+xml", "application/xml"}:
        return "boolean" if b"<boolean>" in body else "tabular"
    if media in {"text/csv", "text/tab-separated-values"}:
        return "tabular"
    if media in {"text/turtle", "application/rdf+xml", "application/n-triples",
                 "application/ld+json"}:  # fmt: skip
        return "RDF"
    return None


def boolean(body: bytes, ctype: str) -> bool:
    if "json" in ctype:
        return bool(json.loads(body)["boolean"])
    return b"<boolean>true</boolean>" in body


@pytest.mark.parametrize("test", APPLICABLE, ids=lambda t: t.rsplit("#", 1)[-1])
def test_protocol(endpoint: str, test: str) -> None:
    host, port = endpoint.split(":")
    for ex in exchanges(G, test):
        assert ex.path.startswith("/sparql/")
        path = "/sparql" + ex.path[len("/sparql/") :]  # the manifest says: replace the prefix
        body = ex.body.encode("utf-8") if ex.body is not None else None
        if ex.headers.get("content-type", "").lower().endswith("charset=utf-16") and ex.body:
            body = ex.body.encode("utf-16")
        conn = http.client.HTTPConnection(host, int(port), timeout=20)
        conn.request(ex.method, path, body=body, headers=ex.headers)
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        status_class = f"{response.status // 100}xx"
        assert status_class in ex.statuses, (path, response.status, payload[:200])
        if ex.result_format:
            ctype = response.getheader("content-type", "")
            assert result_format(ctype, payload) == ex.result_format, (ctype, payload[:200])
        if ex.boolean is not None:
            assert boolean(payload, response.getheader("content-type", "")) is ex.boolean
